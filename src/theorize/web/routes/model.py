"""The model: the diagram drawn from the project's categories, stages and relations, changed
through forms, downloaded as SVG or PNG."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from theorize.web.render import page
from theorize.web.requests import act, done, field, payload

router = APIRouter()
ROLES = ("condition", "stage", "consequence", "core", "context")


def _lines(value) -> list[str]:
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


@router.get("/model")
def model_page(request: Request):
    study = request.app.state.study
    model = study.model()
    codes = [{"id": int(r.id), "path": r.path, "stage": r.stage} for r in study.codes().itertuples()]
    return page(
        request,
        "model/index.html",
        {
            "model": model,
            "codes": codes,
            "roles": ROLES,
            "relation_types": study.relation_types(),
            "relations": study.relations().to_dict(orient="records"),
            "stages": getattr(model, "stages", []),
            "drawable": bool(getattr(model, "categories", [])),
            "section": "model",
        },
    )


@router.get("/api/model")
def model_json(request: Request):
    """The model as data: categories with their roles, stages, properties, and the relations."""
    import dataclasses

    return dataclasses.asdict(request.app.state.study.model())


@router.get("/model.{fmt}")
async def diagram(request: Request, fmt: str):
    """The diagram as SVG or PNG (drawn in a worker thread; matplotlib is slow to start)."""
    from theorize.errors import NotFound
    from theorize.theory.diagram import to_png, to_svg

    if fmt not in ("svg", "png"):
        raise NotFound(f"The diagram comes as svg or png, not {fmt!r}.")
    study = request.app.state.study
    model = await run_in_threadpool(study.model)
    if fmt == "svg":
        body, kind = (await run_in_threadpool(to_svg, model)).encode("utf-8"), "image/svg+xml"
    else:
        body, kind = await run_in_threadpool(lambda: to_png(model, dpi=150)), "image/png"
    headers = (
        {"Content-Disposition": f'attachment; filename="model.{fmt}"'} if "download" in request.query_params else {}
    )
    return Response(body, media_type=kind, headers=headers)


@router.post("/api/model/{change}")
async def change_model(request: Request, change: str):
    """stage (name, position), place (code, role, stage), describe (code, properties, dimensions:
    one per line), relate (source, type, target, note), unrelate (relation)."""
    from theorize.errors import NotFound

    study = request.app.state.study
    data = await payload(request)
    if change == "stage":
        result = await act(
            request,
            "model",
            study.add_stage,
            field(data, "name"),
            position=field(data, "position", required=False, kind=int),
        )
    elif change == "place":
        stage = field(data, "stage", required=False)
        result = await act(
            request,
            "model",
            study.place_category,
            field(data, "code", kind=int),
            field(data, "role"),
            stage=int(stage) if stage and str(stage).isdigit() else stage,
        )
    elif change == "describe":
        result = await act(
            request,
            "model",
            study.describe_category,
            field(data, "code", kind=int),
            properties=_lines(data.get("properties")),
            dimensions=_lines(data.get("dimensions")),
        )
    elif change == "relate":
        result = await act(
            request,
            "model",
            study.relate,
            field(data, "source", kind=int),
            field(data, "target", kind=int),
            str(data.get("type") or "leads to"),
            note=str(data.get("note") or ""),
        )
    elif change == "unrelate":
        result = await act(request, "model", study.unrelate, field(data, "relation", kind=int))
    else:
        raise NotFound(f"{change!r} is not a change of the model; stage, place, describe, relate or unrelate.")
    return done(request, {"done": change, "result": result}, "/model")
