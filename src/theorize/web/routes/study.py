"""The study: sources with their participants, attributes and how much is coded; recent actions;
import by upload."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from theorize.errors import InvalidInput, TheorizeError
from theorize.web.errors import WEB_HINTS
from theorize.web.people import current_person
from theorize.web.render import page
from theorize.web.requests import act, done, payload

router = APIRouter()


def _overview(study, viewer: str) -> dict:
    view = study.overview_for(viewer)
    people = study.participants()
    view["participants"] = people.fillna("").to_dict(orient="records")
    view["attributes"] = [c for c in people.columns if c not in ("participant", "group")]
    return view


@router.get("/")
def study_page(request: Request):
    return page(
        request,
        "study/index.html",
        {"view": _overview(request.app.state.study, current_person(request).name), "section": "study"},
    )


@router.get("/api/study")
def study_json(request: Request):
    view = _overview(request.app.state.study, current_person(request).name)
    for event in view["recent"]:
        event["at"] = event["at"].isoformat()
    return view


@router.post("/api/study")
async def describe_study(request: Request):
    """Change the study's title or research question."""
    study = request.app.state.study
    data = await payload(request)
    title = str(data["title"]).strip() if data.get("title") is not None else None
    if title == "":
        raise InvalidInput("A study needs a title.")
    await act(
        request,
        "codebook",
        study.describe_study,
        title=title,
        research_question=None if data.get("research_question") is None else str(data["research_question"]),
    )
    if title:
        request.app.state.study_title = title
    return done(request, {"title": study.study["title"]}, "/")


@router.get("/api/session")
def session_json(request: Request):
    """Who the browser acts as, and the token its writes must carry."""
    person = current_person(request)
    return {
        "person": person.name,
        "role": person.role,
        "csrf": request.scope["state"]["csrf"],
        "team": bool(request.scope["state"].get("team")),
    }


@router.post("/api/sources")
async def upload(request: Request):
    """Import uploaded files, each as its own action; each refused file gets its sentence."""
    data = await payload(request)
    files = data.get("file") or []
    files = files if isinstance(files, list) else [files]
    files = [f for f in files if hasattr(f, "filename")]
    if not files:
        raise InvalidInput("Choose a file to import.")
    participant = str(data.get("participant") or "").strip() or None
    what = str(data.get("what") or "transcript")
    if what not in ("transcript", "attributes", "refi"):
        raise InvalidInput(
            f"{what!r} is not something to import; a transcript, participant attributes or a REFI-QDA project."
        )
    study = request.app.state.study
    results = []
    for upload in files:
        name = Path(upload.filename or "upload").name or "upload"
        content = await upload.read()
        with tempfile.TemporaryDirectory(prefix="theorize-upload-") as tmp:
            path = Path(tmp) / name
            path.write_bytes(content)
            try:
                if what == "attributes":
                    done = await act(request, "import", study.import_attributes, path)
                    rows = getattr(done, "participants", done)  # a count, or what the import did
                    results.append(
                        {
                            "file": name,
                            "imported": True,
                            "participants": rows,
                            "said": f"attributes of {rows} participants",
                        }
                    )
                elif what == "refi":
                    await act(request, "import", study.import_refi, path)
                    results.append({"file": name, "imported": True, "said": "the REFI-QDA project"})
                else:
                    item = await act(request, "import", study.import_file, path, participant=participant)
                    results.append(
                        {
                            "file": name,
                            "imported": True,
                            "source_id": item.source_id,
                            "name": item.name,
                            "turns": item.turns,
                            "words": item.words,
                            "said": f"{item.turns} turns, {item.words} words",
                        }
                    )
            except TheorizeError as exc:
                results.append({"file": name, "imported": False, "error": exc.sentence(WEB_HINTS)})
    # Each file's outcome is in the body: a refused file is an answer, not a failed request.
    status = 201 if any(r["imported"] for r in results) else 200
    if "application/json" not in request.headers.get("accept", ""):  # the plain form, without script
        return page(request, "study/uploaded.html", {"results": results, "section": "study"}, status_code=status)
    return JSONResponse({"results": results}, status_code=status)
