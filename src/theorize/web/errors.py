"""Errors at the web edge: a theorize error becomes a page or a JSON body with its sentence, and
its hint is worded for the browser ("the Study page lists them")."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from theorize.errors import BackendUnavailable, Busy, Conflict, Forbidden, InvalidInput, NotFound, TheorizeError

WEB_HINTS = {
    "list_sources": "The Study page lists them.",
    "list_codes": "The Codebook page shows the codes.",
    "list_memos": "The Memos page lists them.",
    "list_participants": "The Study page lists the participants.",
    "list_codings": "The transcript shows its codings in the margin.",
    "list_events": "The History page lists the actions and their numbers.",
    "name_by_path": "Choose the code from the codebook rather than by name.",
    "try_again": "Try again in a moment.",
}

STATUS = {NotFound: 404, Conflict: 409, InvalidInput: 422, Forbidden: 403, Busy: 503, BackendUnavailable: 503}


def status_of(exc: TheorizeError) -> int:
    for kind, status in STATUS.items():
        if isinstance(exc, kind):
            return status
    return 400


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


async def theorize_error(request: Request, exc: TheorizeError):
    """One sentence for the researcher, as JSON for scripts or as an error page."""
    status = status_of(exc)
    body = {"error": exc.sentence(WEB_HINTS), "fact": exc.fact, "hint": exc.hint, "hint_text": exc.hint_text(WEB_HINTS)}
    if wants_json(request):
        return JSONResponse(body, status_code=status)
    from theorize.web.render import page

    return page(request, "error.html", {"error": body, "status": status}, status_code=status)
