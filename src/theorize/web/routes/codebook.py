"""The codebook: the tree by stage with rolled-up counts, search, rename, define, move, merge,
split, promote; lineage; snapshots and their diff."""

from __future__ import annotations

import dataclasses

from fastapi import APIRouter, Request
from fastapi.responses import Response

from theorize.errors import NotFound
from theorize.web.layout import colour_of
from theorize.web.render import page
from theorize.web.requests import act, done, field, payload

router = APIRouter()
STAGES = ("initial", "focused", "category", "theoretical")


def code_tree(study, q: str = "") -> dict:
    """The library's tree (categories > focused > initial, counts rolled up) for the page: roots
    under their stage, initial codes not yet under a focused code apart; ``q`` keeps codes whose
    name or definition holds the words, and the codes above them."""
    tree = study.code_tree()
    words = q.lower()

    def node(n) -> dict | None:
        kids = [k for k in (node(c) for c in n.children) if k is not None]
        if words and not kids and words not in n.name.lower() and words not in (n.definition or "").lower():
            return None
        return {
            "id": n.id,
            "name": n.name,
            "path": n.path,
            "stage": n.stage,
            "definition": n.definition,
            "in_vivo": n.in_vivo,
            "codings": n.own_codings,
            "total": n.codings,
            "sources": n.sources,
            "children": kids,
        }

    roots = [x for x in (node(n) for n in tree.roots) if x is not None]
    unplaced = [x for x in (node(n) for n in tree.unplaced) if x is not None]
    by_stage = {s: [r for r in roots if r["stage"] == s] for s in STAGES}
    by_stage["initial"] = [r for r in roots if r["stage"] == "initial"] + unplaced
    return {"stages": by_stage, "count": len(tree)}


def _flat(study) -> list[dict]:
    return [{"id": int(r.id), "path": r.path, "stage": r.stage} for r in study.codes().itertuples()]


@router.get("/codes")
def codebook_page(request: Request, q: str = "", before: str | None = None, after: str | None = None):
    study = request.app.state.study
    diff = dataclasses.asdict(study.diff(before, after or None)) if before else None
    return page(
        request,
        "codebook/index.html",
        {
            "tree": code_tree(study, q),
            "q": q,
            "stages": STAGES,
            "snapshots": study.snapshots().to_dict(orient="records"),
            "diff": diff,
            "before": before,
            "after": after,
            "frozen_round": study.frozen_round(),
            "section": "codebook",
        },
    )


@router.get("/api/codes")
def codes_json(request: Request, q: str = ""):
    return code_tree(request.app.state.study, q)


@router.get("/codes.css")
def code_colours(request: Request):
    """Each code's stripe colour as a class, so the page needs no inline style."""
    codes = request.app.state.study.code_choices()
    css = "".join(f".c{c['id']}{{background:{colour_of(c['id'], c['colour'])}}}" for c in codes)
    return Response(css, media_type="text/css")


@router.get("/codes/{code_id}")
def code_page(request: Request, code_id: int):
    study = request.app.state.study
    codes = study.codes(include_merged=True).set_index("id")
    if code_id not in codes.index:
        raise NotFound(f"There is no code with id {code_id} in this project.", hint="list_codes")
    code = codes.loc[code_id].to_dict()
    lineage = study.lineage(code_id).fillna("").to_dict(orient="records")
    codings = study.codings(code=code_id).to_dict(orient="records")
    return page(
        request,
        "codebook/code.html",
        {
            "code": {**code, "id": code_id},
            "lineage": lineage,
            "codings": codings,
            "stages": STAGES,
            "all_codes": _flat(study),
            "memos": study.memos_on("code", code_id),
            "frozen_round": study.frozen_round(),
            "section": "codebook",
        },
    )


@router.get("/api/codes/{code_id}/lineage")
def lineage_json(request: Request, code_id: int):
    frame = request.app.state.study.lineage(code_id)
    frame["at"] = frame["at"].map(lambda v: v.isoformat() if hasattr(v, "isoformat") else None)
    return {"lineage": frame.to_dict(orient="records")}


@router.post("/api/codes")
async def add_code(request: Request):
    study = request.app.state.study
    data = await payload(request)
    code_id = await act(
        request,
        "codebook",
        study.add_code,
        field(data, "name"),
        definition=str(data.get("definition") or ""),
        stage=str(data.get("stage") or "initial"),
        parent=field(data, "parent", required=False, kind=int),
    )
    return done(request, {"id": code_id}, status_code=201)


@router.post("/api/codes/{code_id}/{change}")
async def change_code(request: Request, code_id: int, change: str):
    """rename (name; expected: the name the person saw), define (definition), move (parent: id or empty for the top), merge (codes:
    ids merged into this one), split (codings: ids, name), promote (stage), colour (colour)."""
    study = request.app.state.study
    data = await payload(request)
    if change == "rename":
        expected = field(data, "expected", required=False)  # the name the page showed
        result = await act(request, "codebook", study.rename_code, code_id, field(data, "name"), expected=expected)
    elif change == "define":
        result = await act(request, "codebook", study.define_code, code_id, str(data.get("definition") or ""))
    elif change == "move":
        result = await act(
            request, "codebook", study.move_code, code_id, field(data, "parent", required=False, kind=int)
        )
    elif change == "merge":
        ids = [int(x) for x in _list(data.get("codes"))]
        result = await act(request, "codebook", study.merge_codes, ids, code_id)
    elif change == "split":
        ids = [int(x) for x in _list(data.get("codings"))]
        result = await act(request, "codebook", study.split_code, code_id, ids, field(data, "name"))
    elif change == "promote":
        result = await act(request, "codebook", study.promote_code, code_id, field(data, "stage"))
    elif change == "colour":
        result = await act(request, "codebook", study.set_code_colour, code_id, data.get("colour") or None)
    else:
        raise NotFound(
            f"{change!r} is not something a code can do; rename, define, move, merge, split, promote or colour."
        )
    return done(request, {"code_id": code_id, "done": change, "result": result})


def _list(value) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    return [v for v in str(value).replace(",", " ").split() if v]


@router.post("/api/snapshots")
async def take_snapshot(request: Request):
    study = request.app.state.study
    data = await payload(request)
    sid = await act(request, "codebook", study.snapshot, field(data, "name"))
    return done(request, {"id": sid}, "/codes#snapshots", status_code=201)


@router.get("/api/snapshots/diff")
def snapshot_diff(request: Request, before: str, after: str | None = None):
    return dataclasses.asdict(request.app.state.study.diff(before, after or None))
