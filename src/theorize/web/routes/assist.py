"""Machine help in the workbench: similar passages beside a selection and beside a code's passages,
the machine's pending suggestions to accept or reject (one by one or in bulk), and focused-code
proposals accepted by nesting or merging. Every write goes through the library's services.

When the ``assist`` extra or its model is missing, pages say so in one sentence instead of failing.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from theorize.errors import BackendUnavailable, InvalidInput
from theorize.web.errors import WEB_HINTS
from theorize.web.people import current_person
from theorize.web.render import page
from theorize.web.requests import act, done, field, payload
from theorize.web.routes.transcript import span_of

router = APIRouter()

MAX_SIMILAR = 50
_MORE_LIKE_QUOTES = 8


def _flag(value) -> bool:
    return str(value).lower() in ("1", "true", "on", "yes")


def _k(value) -> int:
    k = field({"k": value}, "k", required=False, default=10, kind=int)
    if not 1 <= k <= MAX_SIMILAR:
        raise InvalidInput(f"Ask for 1 to {MAX_SIMILAR} similar passages, not {k}.")
    return k


def _passages(frame, source_ids: dict[str, int]) -> list[dict]:
    """The similar-passages frame as rows the page draws (source number added for links)."""
    out = []
    for r in frame.itertuples(index=False):
        out.append(
            {
                "rank": int(r.rank),
                "score": float(r.score),
                "source": r.source,
                "source_id": source_ids.get(r.source),
                "participant": r.participant or "",
                "turn": None if r.turn is None or str(r.turn) == "<NA>" else int(r.turn),
                "start": int(r.start),
                "end": int(r.end),
                "text": r.text,
                "codes": r.codes or "",
            }
        )
    return out


def blind_to(request: Request) -> set[int]:
    """The sources on which the person is in an open blind round (others' codings hidden there)."""
    study = request.app.state.study
    return study.blind_sources(current_person(request).name) if hasattr(study, "blind_sources") else set()


def _hide_codes(request: Request, passages: list[dict]) -> list[dict]:
    blind = blind_to(request)
    for p in passages:
        if p["source_id"] in blind:
            p["codes"] = ""  # whose codes they are would show through an open blind round
    return passages


def _source_ids(study) -> dict[str, int]:
    sources = study.sources()
    return dict(zip(sources.name, (int(i) for i in sources.id)))


def _filters(query) -> dict:
    """The panel's filters: other participants only, uncoded only."""
    return {
        "other_participants": _flag(query.get("other_participants", "")),
        "coded": False if _flag(query.get("uncoded", "")) else None,
    }


@router.get("/api/sources/{source_id}/similar")
def similar_to_selection(request: Request, source_id: int):
    """Passages most like the selected words (the selection as the transcript page sends it:
    row bounds and UTF-16 offsets, or ``start``/``end`` in code points)."""
    study = request.app.state.study
    query = dict(request.query_params)
    start, end = span_of(study, source_id, query)
    found = study.similar(source_id, span=(start, end), k=_k(query.get("k")), **_filters(query))
    return {
        "source_id": source_id,
        "start": start,
        "end": end,
        "passages": _hide_codes(request, _passages(found, _source_ids(study))),
    }


@router.get("/api/codes/{code_id}/similar")
def more_like_these(request: Request, code_id: int):
    """Passages like a code's passages ("more like these"), leaving out those already coded with it."""
    study = request.app.state.study
    query = dict(request.query_params)
    k = _k(query.get("k"))
    passages = study.passages(code_id, context=0, limit=200)
    quotes = [p["quote"] for p in passages if (p.get("quote") or "").strip()][:_MORE_LIKE_QUOTES]
    if not quotes:
        raise InvalidInput("This code has no coded passages to compare with.")
    names = {p["code"] for p in passages}
    found = study.similar(text=" ".join(quotes), k=min(MAX_SIMILAR, k + len(passages)), **_filters(query))
    ranked = _passages(found, _source_ids(study))
    mine = {(p["source_id"], p["start"], p["end"]) for p in passages}
    fresh = [
        r
        for r in ranked
        if (r["source_id"], r["start"], r["end"]) not in mine and not names & {c.strip() for c in r["codes"].split(",")}
    ]
    return {"code": code_id, "passages": _hide_codes(request, fresh[:k])}


@router.get("/api/sources/{source_id}/in-vivo-candidates")
def in_vivo_candidates(request: Request, source_id: int, limit: int = 20):
    """Phrases of this transcript's participant that stand out: quoted, repeated, or theirs far
    more than the rest of the corpus's (candidates for in-vivo codes)."""
    found = request.app.state.study.in_vivo_candidates(source_id, limit=max(1, min(limit, 100)))
    return {
        "source_id": source_id,
        "candidates": [
            {
                "phrase": r.phrase,
                "start": int(r.start),
                "end": int(r.end),
                "count": int(r.count),
                "score": float(r.score),
                "reasons": r.reasons,
            }
            for r in found.itertuples(index=False)
        ],
    }


# -- suggestions ----------------------------------------------------------------------------------
def _suggestion_rows(study, source: str | None, status: str | None) -> list[dict]:
    frame = study.suggestions(status=status or None, source=source or None)
    rows = frame.to_dict("records")
    ids = _source_ids(study) if rows else {}
    for r in rows:
        r["source_id"] = ids.get(r["source"])
        r["id"], r["start"], r["end"] = int(r["id"]), int(r["start"]), int(r["end"])
        r["confidence"] = None if r["confidence"] is None else float(r["confidence"])
        r["origin"] = "machine"
    return rows


@router.get("/suggestions")
def suggestions_page(request: Request, source: str | None = None, status: str | None = "pending"):
    study = request.app.state.study
    return page(
        request,
        "assist/suggestions.html",
        {
            "suggestions": _suggestion_rows(study, source, status),
            "sources": list(study.sources().name),
            "source": source or "",
            "status": status or "",
            "facts": study.machine_help_facts(),
            "section": "assist",
        },
    )


@router.get("/api/suggestions")
def suggestions_json(request: Request, source: str | None = None, status: str | None = "pending"):
    return {"suggestions": _suggestion_rows(request.app.state.study, source, status)}


@router.post("/api/suggestions/decide")
async def decide(request: Request):
    """Accept or reject suggestions: ``coding`` repeated (or a list in JSON), or every pending one
    (``all``), optionally of a ``source`` or at or above ``min_confidence``."""
    data = await payload(request)
    study = request.app.state.study
    if data.get("one"):  # one row's own button in the listing: "accept:12"
        decision, _, one = str(data["one"]).partition(":")
        data = {**data, "coding": one, "all": ""}
    else:
        decision = field(data, "decision")
    if decision not in ("accept", "reject"):
        raise InvalidInput(f"{decision!r} is not a decision; accept or reject.")
    given = data.get("coding")
    ids = None
    if not _flag(data.get("all", "")):
        if given in (None, "", []):
            raise InvalidInput("Choose the suggestions to decide on.")
        ids = [field({"coding": i}, "coding", kind=int) for i in (given if isinstance(given, list) else [given])]
    n = await act(
        request,
        "code",
        study.decide_suggestions,
        ids,
        accept=decision == "accept",
        source=data.get("source") or None,
        min_confidence=field(data, "min_confidence", required=False, kind=float),
    )
    return done(request, {"decided": n, "decision": decision}, "/suggestions")


@router.post("/api/suggestions/run")
async def run_suggestions(request: Request):
    """Ask the machine for suggestions at a stage, learned from the person's own codings."""
    data = await payload(request)
    study = request.app.state.study
    stage = field(data, "stage", required=False, default="focused")
    run = await act(request, "code", study.suggest, None, stage=stage)
    return done(
        request,
        {
            "suggested": len(run.ids),
            "model_id": run.model_id,
            "threshold": run.threshold,
            "precision": run.precision,
            "recall": run.recall,
            "notes": run.notes,
        },
        "/suggestions",
    )


# -- focused-code proposals -----------------------------------------------------------------------
@router.get("/proposals")
def proposals_page(request: Request):
    study = request.app.state.study
    unavailable, proposals = None, []
    try:
        proposals = study.propose_focused_codes()
    except BackendUnavailable as exc:
        unavailable = exc.sentence(WEB_HINTS)
    return page(
        request, "assist/proposals.html", {"proposals": proposals, "unavailable": unavailable, "section": "assist"}
    )


@router.post("/api/proposals/accept")
async def accept_proposal(request: Request):
    """Make a focused code of initial codes (``code`` repeated): ``how`` nest (default) or merge."""
    data = await payload(request)
    study = request.app.state.study
    given = data.get("code")
    codes = [
        field({"code": c}, "code", kind=int) for c in (given if isinstance(given, list) else [given] if given else [])
    ]
    if len(codes) < 1:
        raise InvalidInput("Choose the initial codes the focused code gathers.")
    name = field(data, "name").strip()
    how = field(data, "how", required=False, default="nest")
    code_id = await act(
        request, "codebook", study.accept_proposal, codes, name, how=how, definition=str(data.get("definition") or "")
    )
    return done(request, {"id": code_id, "name": name, "how": how}, f"/codes/{code_id}", status_code=201)
