"""Correcting a transcript's words in the browser, and reviewing the codings a correction flagged.

Saving a corrected text makes a new version through the library's ``edit_text``: every coding
follows its words; those whose words changed ("changed") or went ("orphaned") are flagged and
listed here to confirm as they are, or to move to other characters.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from theorize.errors import Conflict, InvalidInput
from theorize.web.people import current_person
from theorize.web.render import page
from theorize.web.requests import act, done, field, payload
from theorize.web.routes.assist import blind_to

router = APIRouter()
_CONTEXT = 60


def _flagged(request: Request, source: int | str | None = None) -> list[dict]:
    """Codings flagged after a text edit, each with its words in context (in an open blind round,
    the person's own only)."""
    study = request.app.state.study
    frame = study.codings(source, with_text=False)
    frame = frame[frame.review.notna() & (frame.review != "")]
    blind, me = blind_to(request), current_person(request).name
    if blind:
        frame = frame[~frame.source_id.isin(blind) | (frame.coder == me)]
    texts: dict[int, str] = {}
    out = []
    for r in frame.to_dict("records"):
        sid = int(r["source_id"])
        text = texts.setdefault(sid, study.text(sid))
        s, e = int(r["start"]), int(r["end"])
        out.append(
            {
                "id": int(r["id"]),
                "source_id": sid,
                "source": r["source"],
                "code": r["code"],
                "coder": r["coder"],
                "review": r["review"],
                "start": s,
                "end": e,
                "before": text[max(0, s - _CONTEXT) : s],
                "quote": text[s:e],
                "after": text[e : e + _CONTEXT],
            }
        )
    return out


def line_ends_like(old: str, new: str) -> str:
    """The browser sends a textarea's lines ended by CRLF (and reads them as LF): give the new
    text the old text's line ends, so that only the words the person changed differ."""
    new = new.replace("\r\n", "\n")
    crlf = old.count("\r\n")
    if crlf and crlf == old.count("\n"):
        return new.replace("\n", "\r\n")
    return new


@router.get("/review")
def review_page(request: Request, source: str | None = None):
    study = request.app.state.study
    return page(
        request,
        "review/index.html",
        {
            "flagged": _flagged(request, source or None),
            "source": source or "",
            "sources": list(study.sources().name),
            "section": "study",
        },
    )


@router.get("/api/review")
def review_json(request: Request, source: str | None = None):
    return {"flagged": _flagged(request, source or None)}


@router.post("/api/codings/{coding_id}/review")
async def review_coding(request: Request, coding_id: int):
    """Confirm a flagged coding as it is, or adjust it to ``start``/``end`` (code points)."""
    data = await payload(request)
    study = request.app.state.study
    start = field(data, "start", required=False, kind=int)
    end = field(data, "end", required=False, kind=int)

    def run():
        if not study.coding(coding_id, with_quote=False).get("review"):
            raise InvalidInput(f"Coding {coding_id} is not waiting for review.")
        study.resolve_review(coding_id, start=start, end=end)

    await act(request, "code", run)
    return done(request, {"reviewed": coding_id, "start": start, "end": end}, "/review")


@router.get("/sources/{source_id}/edit")
def edit_page(request: Request, source_id: int):
    study = request.app.state.study
    sid, version, text = study.current_text(source_id)
    sources = study.sources()
    name = next((n for i, n in zip(sources.id, sources.name) if int(i) == sid), str(sid))
    return page(
        request,
        "review/edit.html",
        {
            "source_id": sid,
            "name": name,
            "version": version,
            "text": text,
            "flagged": _flagged(request, sid),
            "section": "study",
        },
    )


@router.post("/api/sources/{source_id}/text")
async def save_text(request: Request, source_id: int):
    """Save the corrected words as a new version (``text``, ``reason``; ``version`` the page read)."""
    data = await payload(request)
    study = request.app.state.study
    given = field(data, "version", required=False, kind=int)
    new_text = str(field(data, "text", required=False, default=""))
    if not new_text.strip():
        raise InvalidInput(
            "The corrected text is empty; a transcript keeps at least some words (delete the source instead)."
        )
    reason = str(data.get("reason") or "")

    def run():
        _, version, old = study.current_text(source_id)
        if given is not None and given != version:
            raise Conflict(
                "The transcript was changed since this page was opened; reload it and make the correction again."
            )
        return study.edit_text(source_id, line_ends_like(old, new_text), reason=reason)

    edit = await act(request, "import", run)
    return done(
        request,
        {
            "source_id": edit.source_id,
            "version": edit.version,
            "moved": edit.moved,
            "changed": edit.changed,
            "orphaned": edit.orphaned,
        },
        f"/sources/{source_id}/edit",
    )
