"""Signing in and out, changing one's password, and the owner's team page (people and blind rounds)."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from theorize.errors import Busy, Forbidden, InvalidInput
from theorize.web.auth import Sessions, behind_tls, session_cookie
from theorize.web.people import current_person
from theorize.web.render import page
from theorize.web.requests import act, done, field, payload
from theorize.web.security import CSRF_COOKIE

router = APIRouter()

#: Failed sign-ins per client address in this worker: (failures in a row, refuse until).
_FAILED_BY_ADDRESS: dict[str, tuple[int, float]] = {}
FREE_FAILURES_BY_ADDRESS = 5


def _address(request: Request) -> str:
    return request.client.host if request.client else "?"


def _check_address(address: str) -> None:
    failures, until = _FAILED_BY_ADDRESS.get(address, (0, 0.0))
    if until > time.monotonic():
        raise Busy(
            f"Too many failed sign-ins from this address; wait {int(until - time.monotonic()) + 1} s and try again."
        )


def _failed_from(address: str) -> None:
    failures = _FAILED_BY_ADDRESS.get(address, (0, 0.0))[0] + 1
    wait = 0 if failures <= FREE_FAILURES_BY_ADDRESS else min(2 ** (failures - FREE_FAILURES_BY_ADDRESS), 300)
    _FAILED_BY_ADDRESS[address] = (failures, time.monotonic() + wait)
    if len(_FAILED_BY_ADDRESS) > 10_000:  # bounded: forget the oldest addresses
        for key in list(_FAILED_BY_ADDRESS)[:1000]:
            del _FAILED_BY_ADDRESS[key]


def _sessions(request: Request) -> Sessions:
    return Sessions(request.app.state.study.server_key())


def _next(value: str | None) -> str:
    """Where to go after signing in: a path on this site only."""
    value = value or "/"
    return value if value.startswith("/") and not value.startswith("//") and "\\" not in value else "/"


def _signed_in(request: Request, found: dict, target: str):
    """Go on with a new session (a fresh id) and a fresh CSRF token."""
    response = RedirectResponse(target, status_code=303)
    secure = behind_tls(request.scope)
    response.headers.append(
        "set-cookie",
        session_cookie(_sessions(request).make(found["id"], found["epoch"]), secure=secure, max_age=12 * 3600),
    )
    response.headers.append("set-cookie", f"{CSRF_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict")
    return response


@router.get("/login")
def login_page(request: Request, next: str = "/"):
    if not request.scope.get("state", {}).get("team"):
        return RedirectResponse("/", status_code=303)
    return page(request, "team/login.html", {"next": _next(next), "error": None, "embed": False, "section": ""})


@router.post("/login")
async def login(request: Request):
    study = request.app.state.study
    data = await payload(request)
    target = _next(data.get("next"))
    address = _address(request)
    try:
        _check_address(address)
        found = await run_in_threadpool(study.sign_in, str(data.get("name") or ""), str(data.get("password") or ""))
    except (Forbidden, Busy) as error:
        if isinstance(error, Forbidden):
            _failed_from(address)
        return page(
            request,
            "team/login.html",
            {"next": target, "error": error.fact, "section": ""},
            status_code=401 if isinstance(error, Forbidden) else 429,
        )
    _FAILED_BY_ADDRESS.pop(address, None)
    return _signed_in(request, found, target)


@router.post("/logout")
async def logout(request: Request):
    response = RedirectResponse("/login", status_code=303)
    response.headers.append("set-cookie", session_cookie("", secure=behind_tls(request.scope), max_age=0))
    response.headers.append("set-cookie", f"{CSRF_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict")
    return response


@router.get("/account")
def account_page(request: Request):
    return page(request, "team/account.html", {"error": None, "section": ""})


@router.post("/account/password")
async def change_password(request: Request):
    study = request.app.state.study
    person = current_person(request)
    data = await payload(request)
    old, new = str(data.get("old") or ""), str(data.get("new") or "")
    try:
        await act(request, "read", study.change_password, person.name, old, new)
        found = await run_in_threadpool(study.sign_in, person.name, new)
    except (Forbidden, InvalidInput, Busy) as error:
        return page(request, "team/account.html", {"error": error.fact, "section": ""}, status_code=422)
    return _signed_in(request, found, "/account?changed=1")


@router.get("/team")
def team_page(request: Request):
    study = request.app.state.study
    return page(
        request,
        "team/index.html",
        {
            "people": study.users(),
            "rounds": study.rounds(),
            "sources": study.overview(recent=0)["sources"],
            "section": "",
        },
    )


@router.get("/api/team/rounds")
def rounds_json(request: Request):
    rounds = request.app.state.study.rounds()
    for r in rounds:
        for key in ("opened_at", "closed_at"):
            r[key] = r[key].isoformat() if r[key] else None
    return {"rounds": rounds}


@router.post("/api/team/rounds")
async def open_round(request: Request):
    study = request.app.state.study
    data = await payload(request)
    sources = data.get("sources") or []
    coders = data.get("coders") or []
    sources = [int(s) for s in (sources if isinstance(sources, list) else [sources])]
    coders = coders if isinstance(coders, list) else [c.strip() for c in str(coders).split(",")]
    round_id = await act(
        request,
        "read",
        study.open_round,
        field(data, "name"),
        sources=sources,
        coders=coders,
        codebook=str(data.get("codebook") or "open"),
    )
    return done(request, {"round": round_id}, "/team", status_code=201)


@router.post("/api/team/rounds/{name}/close")
async def close_round(request: Request, name: str):
    study = request.app.state.study
    results = await act(request, "read", study.close_round, name)
    return done(request, results, "/team")
