"""Project tables out to CSV or Excel, for spreadsheets and statistics packages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from theorize.errors import InvalidInput

TABLES = ("sources", "segments", "codes", "codings", "memos", "participants", "relations", "audit")


def project_tables(study, which: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """The project's views by name (all of :data:`TABLES` by default)."""
    which = which or list(TABLES)
    unknown = [w for w in which if w not in TABLES]
    if unknown:
        raise InvalidInput(f"{', '.join(unknown)} is not a table; choose from {', '.join(TABLES)}.")
    out = {}
    for name in which:
        frame = getattr(study, name)()
        for col in frame.columns:  # lists (memo links) as text; times without zone for Excel
            if frame[col].dtype == object and frame[col].map(lambda v: isinstance(v, list)).any():
                frame[col] = frame[col].map(lambda v: "; ".join(map(str, v)) if isinstance(v, list) else v)
            elif isinstance(frame[col].dtype, pd.DatetimeTZDtype):
                frame[col] = frame[col].dt.tz_convert("UTC").dt.tz_localize(None)
        out[name] = frame
    return out


def export_tables(study, path: str | Path, *, fmt: str | None = None, which: list[str] | None = None) -> list[Path]:
    """Write tables as CSV (one file per table; a folder for several) or XLSX (one sheet per table).

    Returns the files written.
    """
    path = Path(path)
    fmt = fmt or path.suffix.lower().lstrip(".") or "csv"
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput(f"{fmt!r} is not a table format; use csv or xlsx.")
    tables = project_tables(study, which)
    if fmt == "xlsx":
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for name, frame in tables.items():
                frame.to_excel(writer, sheet_name=name[:31], index=False)
        return [path]
    if len(tables) == 1 and path.suffix.lower() == ".csv":
        frame = next(iter(tables.values()))
        frame.to_csv(path, index=False, encoding="utf-8")
        return [path]
    path.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        out = path / f"{name}.csv"
        frame.to_csv(out, index=False, encoding="utf-8")
        written.append(out)
    return written
