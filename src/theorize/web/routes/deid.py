"""De-identification review beside the transcript: each finding in its words' context, accepted,
rejected or retyped by a form; what is still to do. Applying (which needs the vault's passphrase)
stays a command: `theorize deid apply`."""

from __future__ import annotations

from fastapi import APIRouter, Request

from theorize.deid.recognisers import TYPES
from theorize.web.render import page
from theorize.web.requests import act, done, field, payload

router = APIRouter()
_CONTEXT = 60


def _findings(study, source: str | None, status: str | None) -> list[dict]:
    found = study.deid_findings([source] if source else None, status=status or None)
    texts: dict[str, str] = {}
    for f in found:
        text = texts.setdefault(f["source"], study.text(f["source"]))
        f["before"] = text[max(0, f["start"] - _CONTEXT) : f["start"]].rsplit("\n", 1)[-1]
        f["after"] = text[f["end"] : f["end"] + _CONTEXT].split("\n", 1)[0]
    return found


@router.get("/deid")
def deid_page(request: Request, source: str | None = None, status: str | None = "pending"):
    study = request.app.state.study
    return page(
        request,
        "deid/index.html",
        {
            "findings": _findings(study, source, status),
            "sources": list(study.sources().name),
            "source": source or "",
            "status": status or "",
            "types": TYPES,
            "pending_sources": study.deid_pending_sources(),
            "section": "study",
        },
    )


@router.get("/api/deid")
def deid_json(request: Request, source: str | None = None, status: str | None = None):
    study = request.app.state.study
    return {"findings": _findings(study, source, status), "pending_sources": study.deid_pending_sources()}


@router.post("/api/deid/decide")
async def decide(request: Request):
    """Accept or reject findings (``finding`` repeated, or a list in JSON), or retype one (``type``)."""
    data = await payload(request)
    study = request.app.state.study
    decision = field(data, "decision")
    given = data.get("finding")
    ids = [field({"finding": i}, "finding", kind=int) for i in (given if isinstance(given, list) else [given])]
    if decision == "retype":
        kind = field(data, "type")
        for finding in ids:
            await act(request, "code", study.deid_retype, finding, kind)
        return done(request, {"retyped": ids})
    n = await act(request, "code", study.deid_decide, ids, decision)
    return done(request, {"decided": n})
