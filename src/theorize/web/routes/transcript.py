"""The transcript: read a source turn by turn, code words, make in-vivo codes, see the margin."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from theorize.errors import Conflict, InvalidInput
from theorize.web.layout import colour_of, lay_out, rows_html
from theorize.web.offsets import from_dom, trim
from theorize.web.people import current_person
from theorize.web.render import page
from theorize.web.requests import act, done, field, payload

router = APIRouter()


def _transcript(request: Request, source_id: int, unit: str, hidden: set[str]):
    study = request.app.state.study
    tr = study.transcript_for(source_id, current_person(request).name, unit)
    turns, codings = lay_out(tr, hidden)
    coders = sorted({c["coder"] for c in tr.codings})
    return tr, turns, codings, coders


@router.get("/sources/{source_id}")
def transcript_page(request: Request, source_id: int, unit: str = "sentence", hide: list[str] | None = Query(None)):
    study = request.app.state.study
    hidden = set(hide or [])
    tr, turns, codings, coders = _transcript(request, source_id, unit, hidden)
    return page(
        request,
        "transcript/page.html",
        {
            "tr": tr,
            "rows_html": rows_html(turns, {c["id"]: c for c in codings}),
            "codings": codings,
            "coders": coders,
            "hidden": hidden,
            "codes": study.code_choices(),
            "section": "study",
            "stages": ("initial", "focused", "category", "theoretical"),
        },
    )


@router.get("/api/sources/{source_id}")
def transcript_json(request: Request, source_id: int, unit: str = "sentence", hide: list[str] | None = Query(None)):
    tr, turns, codings, coders = _transcript(request, source_id, unit, set(hide or []))
    # plain JSON already: a JSONResponse skips FastAPI's walk over every value of every row
    return JSONResponse(
        {
            "source_id": tr.source_id,
            "name": tr.name,
            "version": tr.version,
            "participants": tr.participants,
            "unit": tr.unit,
            "coders": coders,
            "codings": codings,
            "turns": [
                {
                    "number": x.number,
                    "speaker": x.speaker,
                    "role": x.role,
                    "time": x.time,
                    "rows": [
                        {"number": r.number, "start": r.start, "end": r.end, "text": r.text, "stripes": r.stripes}
                        for r in x.rows
                    ],
                }
                for x in turns
            ],
        }
    )


@router.get("/api/sources/{source_id}/codings")
def codings_json(request: Request, source_id: int, unit: str = "sentence", hide: list[str] | None = Query(None)):
    """The codings laid out for the margin (lane, colour, rows), for redrawing after a change."""
    _, _, codings, _ = _transcript(request, source_id, unit, set(hide or []))
    return JSONResponse({"codings": codings})


STALE = "The transcript was changed since this page was opened; reload it and select the words again."


def span_of(study, source_id: int, data: dict) -> tuple[int, int]:
    """The span of the current text a request names (for reads: refused when the text changed)."""
    start, end, given = selection_of(study, source_id, data)
    if given is not None and given != study.current_version(source_id)[1]:
        raise Conflict(STALE)
    return start, end


def selection_of(study, source_id: int, data: dict) -> tuple[int, int, int | None]:
    """The code point span a request names and the text version it was read from (None: the
    current one): ``start``/``end`` directly, or the browser's selection as row bounds and UTF-16
    offsets in the first and last rows (converted here, at the edge, on the text the person saw).
    A write hands the version to the library, which carries the span over a correction or refuses."""
    given = field(data, "version", required=False, kind=int)
    if "start" in data and "end" in data:  # code points already: the library checks them
        return field(data, "start", kind=int), field(data, "end", kind=int), given
    sid, version, text = study.current_text(source_id)
    if given is not None and given != version:
        if not 1 <= given < version:
            raise Conflict(STALE)
        text = study.text(source_id, given)  # the words as the page showed them
    n = len(text)
    a_start, a_end = field(data, "first_start", kind=int), field(data, "first_end", kind=int)
    b_start, b_end = field(data, "last_start", kind=int), field(data, "last_end", kind=int)
    if not (0 <= a_start <= a_end <= n and 0 <= b_start <= b_end <= n):
        raise InvalidInput("The selection does not fit this transcript; reload the page and select the words again.")
    start = from_dom(text, a_start, a_end, field(data, "first_offset", kind=int))
    end = from_dom(text, b_start, b_end, field(data, "last_offset", kind=int))
    if end < start:
        start, end = end, start
    start, end = trim(text, start, end)
    if start == end:
        raise InvalidInput("Select some words first: the selection is empty.")
    return start, end, given


def _stored(study, coding_id: int) -> dict:
    """The new coding as the page draws it at once: span, code, coder, stripe colour."""
    c = study.coding(coding_id, with_quote=False, with_memos=False)
    return {k: c[k] for k in ("id", "start", "end", "code_id", "code", "stage", "coder", "status")} | {
        "colour": colour_of(c["code_id"], c["colour"])
    }


@router.post("/api/sources/{source_id}/codings")
async def code_words(request: Request, source_id: int):
    """Code a span with an existing code (``code_id``) or a new one (``new_code``, ``stage``)."""
    study = request.app.state.study
    data = await payload(request)

    def run():
        start, end, version = selection_of(study, source_id, data)
        if data.get("new_code"):
            code_id, cid = study.code_with_new(
                source_id,
                str(data["new_code"]),
                start=start,
                end=end,
                stage=str(data.get("stage") or "initial"),
                parent=field(data, "parent", required=False, kind=int),
                version=version,
            )
        else:
            code_id = field(data, "code_id", kind=int)
            cid = study.code(source_id, code_id, start=start, end=end, version=version)
        return _stored(study, cid)

    result = await act(request, "code", run)
    return done(request, result, f"/sources/{source_id}", status_code=201)


@router.post("/api/sources/{source_id}/in-vivo")
async def code_in_vivo(request: Request, source_id: int):
    """Make an in-vivo code of the selected words and code them with it."""
    study = request.app.state.study
    data = await payload(request)

    def run():
        start, end, version = selection_of(study, source_id, data)
        return _stored(study, study.code_in_vivo(source_id, start=start, end=end, version=version))

    result = await act(request, "code", run)
    return done(request, result, f"/sources/{source_id}", status_code=201)


@router.get("/api/codings/{coding_id}")
def coding_json(request: Request, coding_id: int):
    return request.app.state.study.coding_for(coding_id, current_person(request).name)


@router.delete("/api/codings/{coding_id}")
async def uncode(request: Request, coding_id: int):
    study = request.app.state.study
    await act(request, "code", study.uncode, coding_id)
    return JSONResponse({"removed": coding_id})
