"""Memos: a list by type and date, a Markdown editor with preview and autosave, links to codes,
sources, codings and memos."""

from __future__ import annotations

from fastapi import APIRouter, Request

from theorize.web.render import markdown, page
from theorize.web.requests import act, done, field, payload

router = APIRouter()
TYPES = ("code", "theoretical", "reflexive", "sampling")
LINKS = (("codes", "code"), ("sources", "source"), ("codings", "coding"), ("memos", "memo"))


def _memo_list(study, type_: str | None) -> list[dict]:
    frame = study.memos()
    if type_:
        frame = frame[frame.type == type_]
    frame = frame.sort_values(["written_on", "id"], ascending=False)
    return [
        {
            "id": int(r.id),
            "title": r.title,
            "type": r.type,
            "author": r.author,
            "written_on": r.written_on.isoformat()[:10],
            "links": len(r.codes) + len(r.sources) + len(r.codings),
        }
        for r in frame.itertuples()
    ]


@router.get("/memos")
def memos_page(request: Request, type: str | None = None):
    return page(
        request,
        "memos/index.html",
        {"memos": _memo_list(request.app.state.study, type), "types": TYPES, "type": type, "section": "memos"},
    )


@router.get("/api/memos")
def memos_json(request: Request, type: str | None = None):
    return {"memos": _memo_list(request.app.state.study, type)}


@router.get("/memos/new")
def new_memo_page(request: Request, code: int | None = None, source: int | None = None, coding: int | None = None):
    links: list[dict] = []
    memo = {"id": None, "title": "", "type": "code", "body": "", "links": links}
    for kind, ref in (("code", code), ("source", source), ("coding", coding)):
        if ref is not None:
            links.append({"kind": kind, "id": ref, "name": f"{kind} {ref}"})
    return page(request, "memos/edit.html", {"memo": memo, "types": TYPES, "section": "memos"})


@router.get("/memos/{memo_id}")
def memo_page(request: Request, memo_id: int):
    memo = request.app.state.study.memo(memo_id)
    return page(
        request, "memos/edit.html", {"memo": memo, "types": TYPES, "html": markdown(memo["body"]), "section": "memos"}
    )


@router.get("/api/memos/{memo_id}")
def memo_json(request: Request, memo_id: int):
    memo = request.app.state.study.memo(memo_id)
    return {**memo, "written_on": memo["written_on"].isoformat(), "html": markdown(memo["body"])}


def _links(data: dict) -> dict:
    out = {}
    for key, _ in LINKS:
        value = data.get(key)
        values = value if isinstance(value, list) else ([] if value in (None, "") else [value])
        out[key] = [int(v) if str(v).isdigit() else v for v in values]
    return out


@router.post("/api/memos")
async def write_memo(request: Request):
    """A new memo, linked to what ``codes``, ``sources``, ``codings`` and ``memos`` name."""
    study = request.app.state.study
    data = await payload(request)
    memo_id = await act(
        request,
        "memo",
        study.write_memo,
        field(data, "title"),
        str(data.get("body") or ""),
        type=str(data.get("type") or "code"),
        **_links(data),
    )
    return done(request, {"id": memo_id}, f"/memos/{memo_id}", status_code=201)


@router.post("/api/memos/{memo_id}")
async def edit_memo(request: Request, memo_id: int):
    """Save a memo's title, body or type (the editor autosaves through this)."""
    study = request.app.state.study
    data = await payload(request)
    await act(
        request, "memo", study.edit_memo, memo_id, title=data.get("title"), body=data.get("body"), type=data.get("type")
    )
    links = _links(data)
    if any(links.values()):
        await act(request, "memo", study.link_memo, memo_id, **links)
    return done(request, {"id": memo_id, "saved": True}, f"/memos/{memo_id}")


@router.post("/api/markdown")
async def preview(request: Request):
    """The Markdown of a memo as the page shows it (raw HTML is shown as text)."""
    data = await payload(request)
    return {"html": markdown(str(data.get("body") or ""))}
