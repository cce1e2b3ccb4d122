"""What every write route shares: reading the body (JSON or a form), acting as the request's
person in a worker thread, and answering as JSON or by going back to the page."""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from theorize.errors import InvalidInput
from theorize.web.people import current_person, require


async def payload(request: Request) -> dict:
    """The request's fields, from a JSON body or a form."""
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json"):
        raw = await request.body()
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            raise InvalidInput("The request body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise InvalidInput("The request body must be a JSON object.")
        return data
    if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        fields: dict = {}
        for key, value in form.multi_items():
            if key == "csrf":
                continue
            if key in fields:
                fields[key] = fields[key] if isinstance(fields[key], list) else [fields[key]]
                fields[key].append(value)
            else:
                fields[key] = value
        return fields
    return {}


async def act(request: Request, permission: str, fn: Callable, *args, **kwargs):
    """Call a service as the request's person (after checking their role), in a worker thread."""
    person = current_person(request)
    require(person, permission)
    study = request.app.state.study

    def run():
        with study.acting_as(person.name):
            return fn(*args, **kwargs)

    return await run_in_threadpool(run)


def done(request: Request, result: dict, back: str | None = None, status_code: int = 200):
    """JSON for scripts; for a plain form, back to the page (or ``back``)."""
    form = request.headers.get("content-type", "").startswith(("application/x-www-form", "multipart/form-data"))
    if not form or "application/json" in request.headers.get("accept", ""):
        return JSONResponse(result, status_code=status_code)
    return RedirectResponse(back or request.headers.get("referer") or "/", status_code=303)


def field(data: dict, name: str, *, required: bool = True, default=None, kind=str):
    """One field of the body, converted; a missing or malformed one is one sentence."""
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise InvalidInput(f"The field {name!r} is missing.")
        return default
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"The field {name!r} has an unusable value {value!r}.") from None
