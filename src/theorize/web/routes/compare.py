"""Constant comparison: every passage of a code (and its descendants) side by side, with context
that widens, the participant and attributes, filters, and a second code in a second column."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from theorize.web.compare_html import FIRST, about, passages_html, streamed
from theorize.web.render import page

router = APIRouter()


def _filters(group, attribute, value, coder, stage) -> dict:
    return {
        "group": group or None,
        "attribute": attribute or None,
        "value": value,
        "coder": coder or None,
        "stage": stage or None,
    }


@router.get("/compare")
def compare_page(
    request: Request,
    code: int | None = None,
    code2: int | None = None,
    context: int = 80,
    group: str | None = None,
    attribute: str | None = None,
    value: str | None = None,
    coder: str | None = None,
    stage: str | None = None,
    embed: int = 0,
):
    study = request.app.state.study
    filters = _filters(group, attribute, value, coder, stage)
    columns = []
    codes = study.code_choices()
    paths = {c["id"]: c["path"] for c in codes}
    for ref in (code, code2):
        if ref is not None:
            passages = study.passages(ref, context=context, **filters)  # an unknown code: one sentence
            for p in passages[:FIRST]:  # the rest's are written as they stream
                p["about"] = about(p)
            columns.append(
                {
                    "id": ref,
                    "name": paths.get(ref) or ref,
                    "passages": passages,
                    "first_html": passages_html(passages[:FIRST], embed=bool(embed)),
                }
            )
    choices = study.compare_choices()
    whole = page(
        request,
        "compare/index.html",
        {
            "columns": columns,
            "codes": codes,
            "code": code,
            "code2": code2,
            "context": context,
            "f": filters,
            "groups": choices["groups"],
            "attributes": choices["attributes"],
            "coders": choices["coders"],
            "embed": bool(embed),
            "section": "compare",
        },
    )
    if not columns:
        return whole
    # the first screenful goes out at once; the rest of each column is written and sent after it
    return StreamingResponse(streamed(whole.body.decode(), columns, embed=bool(embed)), media_type="text/html")


@router.get("/api/compare")
def compare_json(
    request: Request,
    code: int,
    context: int = 80,
    group: str | None = None,
    attribute: str | None = None,
    value: str | None = None,
    coder: str | None = None,
    stage: str | None = None,
):
    passages = request.app.state.study.passages(
        code, context=context, **_filters(group, attribute, value, coder, stage)
    )
    return {"code": code, "passages": passages}


@router.get("/api/codings/{coding_id}/context")
def passage_context(request: Request, coding_id: int, chars: int = 400):
    """The words before and after one coding, ``chars`` characters each way."""
    study = request.app.state.study
    c = study.coding(coding_id)
    _, _, text = study.current_text(c["source_id"])
    chars = max(0, min(chars, 20000))
    return {
        "id": coding_id,
        "before": text[max(0, c["start"] - chars) : c["start"]],
        "quote": c["quote"],
        "after": text[c["end"] : c["end"] + chars],
    }
