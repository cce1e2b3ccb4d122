"""The history: the audit log with filters, undo of your last action, snapshots."""

from __future__ import annotations

from fastapi import APIRouter, Request

from theorize.web.render import page
from theorize.web.requests import act, done

router = APIRouter()


def _events(study, actor: str | None, action: str | None, text: str | None, limit: int) -> list[dict]:
    frame = study.audit()
    if actor:
        frame = frame[frame.actor == actor]
    if action:
        frame = frame[frame.action == action]
    if text:
        frame = frame[frame.summary.str.contains(text, case=False, regex=False)]
    frame = frame.sort_values("id", ascending=False).head(limit)
    return [
        {
            **r,
            "at": r["at"].isoformat(),
            "undoes": None if r["undoes"] != r["undoes"] or r["undoes"] is None else int(r["undoes"]),
        }
        for r in frame.to_dict(orient="records")
    ]


@router.get("/history")
def history_page(
    request: Request, actor: str | None = None, action: str | None = None, q: str | None = None, limit: int = 200
):
    study = request.app.state.study
    frame = study.audit()
    return page(
        request,
        "history/index.html",
        {
            "events": _events(study, actor, action, q, limit),
            "actors": sorted(frame.actor.unique()),
            "actions": sorted(frame.action.unique()),
            "actor": actor,
            "action": action,
            "q": q or "",
            "snapshots": study.snapshots().to_dict(orient="records"),
            "section": "history",
        },
    )


@router.get("/api/history")
def history_json(
    request: Request, actor: str | None = None, action: str | None = None, q: str | None = None, limit: int = 200
):
    return {"events": _events(request.app.state.study, actor, action, q, limit)}


@router.post("/api/undo")
async def undo(request: Request):
    """Undo the newest action not yet undone (yours, once the library keeps undo per person)."""
    study = request.app.state.study
    summary = await act(request, "undo", study.undo)
    return done(request, {"undone": summary})
