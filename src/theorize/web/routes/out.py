"""Out: the project as REFI-QDA (.qdpx, .qdc), tables (.xlsx) and the report (HTML, DOCX, Markdown)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from theorize.errors import NotFound
from theorize.web.people import current_person, require
from theorize.web.render import page

router = APIRouter()

#: What can be downloaded: file name suffix -> (label, media type).
DOWNLOADS = {
    "qdpx": ("The whole project for other QDA software (REFI-QDA project)", "application/zip"),
    "qdc": ("The codebook for other QDA software (REFI-QDA codebook)", "application/xml"),
    "xlsx": ("Every table in one spreadsheet", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "html": ("The report as a web page", "text/html"),
    "docx": (
        "The report as a Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}


def _stem(title: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")[:60] or "study"


def write_download(study, fmt: str, folder: Path) -> Path:
    """Write one download into ``folder`` through the library and return its path."""
    if fmt in ("qdpx", "qdc"):
        path = folder / f"project.{fmt}"
        study.export_refi(path, fmt=fmt)
        return path
    if fmt == "xlsx":
        from theorize.exchange.tables import export_tables

        return export_tables(study, folder / "tables.xlsx", fmt="xlsx")[0]
    from theorize.report import write_report

    return write_report(study, folder / f"report.{fmt}", fmt=fmt).path


@router.get("/out")
def out_page(request: Request):
    return page(request, "out/index.html", {"downloads": DOWNLOADS, "section": "out"})


@router.get("/out/{fmt}")
async def download(request: Request, fmt: str):
    if fmt not in DOWNLOADS:
        raise NotFound(f"There is no download {fmt!r}; choose {', '.join(DOWNLOADS)}.")
    require(current_person(request), "export")
    study = request.app.state.study
    with tempfile.TemporaryDirectory(prefix="theorize-out-") as tmp:
        path = await run_in_threadpool(write_download, study, fmt, Path(tmp))
        body = path.read_bytes()
    name = f"{_stem(request.app.state.study_title)}.{fmt}"
    return Response(
        body, media_type=DOWNLOADS[fmt][1], headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
