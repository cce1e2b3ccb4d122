"""Analyses: agreement per code with intervals, the disagreements (both coders' spans side by side,
adjudicated there), the saturation curve, matrices and co-occurrence."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import Response

from theorize.errors import InvalidInput, NotFound, TheorizeError
from theorize.services.rounds import ROUND_UNIT
from theorize.web.errors import WEB_HINTS
from theorize.web.render import page
from theorize.web.requests import act, done, field, payload

router = APIRouter()
PARTS = ("agreement", "saturation", "matrix", "cooccurrence")

#: Headings for the library's snake_case columns on the page (the JSON keeps the columns as they are).
HEADINGS = {
    "code_id": "Id",
    "code": "Code",
    "units": "Units",
    "units_coded": "Units coded",
    "percent_agreement": "Percent agreement",
    "alpha": "Krippendorff's alpha",
    "alpha_ci_low": "Alpha 95% CI low",
    "alpha_ci_high": "Alpha 95% CI high",
    "alpha_resamples": "Resamples",
    "kappa": "Cohen's kappa",
    "binary_u_alpha": "Binary u-alpha",
    "u_alpha": "U-alpha",
    "interview_id": "Interview",
    "interview": "Interview",
    "new_codes": "New codes",
    "cumulative_codes": "Cumulative codes",
    "participant": "Participant",
}


def heading(column: str) -> str:
    """A column's heading in the researcher's words: ``coded_by_sam`` -> "Coded by sam"."""
    if column.startswith("coded_by_"):
        return f"Coded by {column[len('coded_by_') :]}"
    return HEADINGS.get(column, column)


def _with_headings(result: dict) -> dict:
    """The page's copy of a result: every table's columns worded as headings."""
    return {
        k: {**v, "columns": [heading(c) for c in v["columns"]]} if isinstance(v, dict) and "columns" in v else v
        for k, v in result.items()
    }


def _table(frame: pd.DataFrame, index: bool = False) -> dict:
    """A DataFrame as header and rows of plain values (numbers rounded for reading)."""
    if index:
        frame = frame.reset_index()
    rows = []
    for values in frame.itertuples(index=False):
        row: list[object] = []
        for v in values:
            if isinstance(v, float):
                row.append("" if math.isnan(v) else round(v, 3))
            elif hasattr(v, "item"):
                row.append(v.item())
            else:
                row.append(v if v is None or isinstance(v, (int, str, bool)) else str(v))
        rows.append(row)
    return {"columns": [str(c) for c in frame.columns], "rows": rows}


def compute(study, part: str, stage: str | None, resamples: int, round_: dict | None = None) -> dict:
    """One analysis as tables and sentences; a degenerate case is its sentence, not an error page.
    With a round, agreement compares its coders on its sources only."""
    if part not in PARTS:
        raise NotFound(f"{part!r} is not an analysis here; choose {', '.join(PARTS)}.")
    try:
        if part == "agreement":
            # a round is reviewed in the unit its agreement was kept in at its close
            scope = {"coders": round_["coders"], "sources": round_["sources"], "unit": ROUND_UNIT} if round_ else {}
            report = study.agreement(stage=stage or None, resamples=resamples, **scope)
            dis = report.disagreements
            return {
                "coders": report.coders,
                "table": _table(report.to_frame()),
                "notes": report.notes,
                "disagreements": [
                    {
                        "source": r["source"],
                        "start": int(r["start"]),
                        "end": int(r["end"]),
                        "speaker": r["speaker"],
                        "passage": r["passage"],
                        "codes": {c: r[c] for c in report.coders},
                    }
                    for r in dis.head(200).to_dict(orient="records")
                ],
                "disagreement_count": len(dis),
            }
        if part == "saturation":
            report = study.saturation(stage=stage or None, n_orders=resamples)
            return {"statement": report.statement, "curve": _table(report.curve)}
        if part == "matrix":
            matrix = study.code_matrix(stage=stage or None)  # rows keyed by code id; the name is for reading
            names = study.codes(include_merged=True).set_index("id")["name"]
            matrix.insert(0, "code", [names.get(i, "") for i in matrix.index])
            return {"table": _table(matrix, index=True)}
        frame = study.cooccurrence(stage=stage or None)
        pairs = [
            (a, b, int(frame.loc[a, b]))
            for i, a in enumerate(frame.index)
            for b in frame.columns[i + 1 :]
            if b in frame.index and frame.loc[a, b] > 0
        ]
        pairs.sort(key=lambda x: -x[2])
        return {"pairs": pairs[:60]}
    except InvalidInput as exc:
        return {"sentence": exc.sentence(WEB_HINTS)}


@router.get("/analyses")
def analyses_page(request: Request, part: str = "agreement", stage: str = "", resamples: int = 200, round: str = ""):
    study = request.app.state.study
    chosen = study.round(round) if round else None
    result = _with_headings(compute(study, part, stage, max(50, min(resamples, 2000)), chosen))
    return page(
        request,
        "analyses/index.html",
        {"part": part, "parts": PARTS, "stage": stage, "result": result, "section": "analyses", "round": chosen},
    )


@router.get("/api/analyses/{part}")
def analyses_json(request: Request, part: str, stage: str = "", resamples: int = 200, round: str = ""):
    study = request.app.state.study
    return compute(study, part, stage, max(50, min(resamples, 2000)), study.round(round) if round else None)


@router.get("/analyses/saturation.svg")
def saturation_svg(request: Request, stage: str = ""):
    from theorize.analysis.plots import plot_discovery_curve

    report = request.app.state.study.saturation(stage=stage or None, n_orders=200)
    with tempfile.TemporaryDirectory() as tmp:
        path = plot_discovery_curve(
            report.curve, Path(tmp) / "curve.svg", bootstrap=report.bootstrap, saturation=report.guest
        )
        return Response(Path(path).read_bytes(), media_type="image/svg+xml")


def _spans(study, source: str, start: int, end: int) -> dict:
    """Each coder's codings that touch the passage, with their exact words."""
    codings = study.codings(source, counted_only=True)  # the one rule for which codings count
    near = codings[(codings.start < max(end, start + 1)) & (codings.end > start)]
    out: dict[str, list] = {}
    for r in near.itertuples():
        out.setdefault(r.coder, []).append(
            {
                "id": int(r.id),
                "code_id": int(r.code_id),
                "code": r.code,
                "start": int(r.start),
                "end": int(r.end),
                "quote": r.quote,
            }
        )
    return out


@router.get("/analyses/disagreement")
def disagreement_page(request: Request, source: str, start: int, end: int):
    study = request.app.state.study
    spans = _spans(study, source, start, end)
    sid = int(study.sources().set_index("name").loc[source, "id"]) if source in set(study.sources().name) else None
    if sid is None:
        raise NotFound(f"There is no source {source!r} in this project.", hint="list_sources")
    text = study.text(sid)
    codes = sorted({(c["code_id"], c["code"]) for items in spans.values() for c in items}, key=lambda x: x[1])
    return page(
        request,
        "analyses/disagreement.html",
        {
            "source": source,
            "source_id": sid,
            "start": start,
            "end": end,
            "passage": text[start:end],
            "spans": spans,
            "codes": codes,
            "section": "analyses",
        },
    )


@router.get("/api/disagreement")
def disagreement_json(request: Request, source: str, start: int, end: int):
    return {"source": source, "start": start, "end": end, "spans": _spans(request.app.state.study, source, start, end)}


@router.post("/api/adjudicate")
async def adjudicate(request: Request):
    """Decide a disagreement: the agreed code (or none) and the reason, as one action."""
    study = request.app.state.study
    data = await payload(request)
    try:
        code = field(data, "code", required=False, kind=int)
    except TheorizeError:
        code = None
    memo_id = await act(
        request,
        "adjudicate",
        study.adjudicate,
        field(data, "source"),
        start=field(data, "start", kind=int),
        end=field(data, "end", kind=int),
        code=code,
        note=str(data.get("note") or ""),
    )
    return done(request, {"id": memo_id, "memo_id": memo_id}, "/analyses", status_code=201)
