"""Project tables out to CSV or Excel, for spreadsheets and statistics packages.

Every table theorize writes goes through :func:`write_table`, which keeps what a researcher typed
from running as a spreadsheet formula: a code named ``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from theorize.errors import InvalidInput
from theorize.store.files import open_private, private_folder

if TYPE_CHECKING:  # pandas is imported where a table is written: `formula_like` is used without it
    import pandas as pd

TABLES = ("sources", "segments", "codes", "codings", "memos", "participants", "relations", "audit")

#: A text cell starting with one of these is taken for a formula (or a DDE command) by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value: Any) -> bool:
    """True for text a spreadsheet would run as a formula; numbers (-0.2) are never formulas.

    Examples:
        >>> formula_like('=HYPERLINK("http://x","y")'), formula_like("-0.2"), formula_like(-0.2)
        (True, True, False)
    """
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _defused(value: Any) -> Any:
    return "'" + value if formula_like(value) else value


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every formula-like text cell, label and index entry prefixed with ``'``.

    This is the usual defence for CSV (OWASP, "CSV injection"): a spreadsheet shows the cell as text
    and runs nothing. Numbers are left as they are, negative ones included.

    Examples:
        >>> import pandas as pd
        >>> neutralised(pd.DataFrame({"code": ["=1+1", "trust"], "kappa": [-0.2, 0.5]})).to_dict("list")
        {'code': ["'=1+1", 'trust'], 'kappa': [-0.2, 0.5]}
    """
    return _map_text(frame, _defused)


def _map_text(frame: pd.DataFrame, fn) -> pd.DataFrame:
    """``fn`` applied to every text cell, column name and index entry."""
    import pandas as pd

    out = frame.rename(index=fn, columns=fn)
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(fn)
    return out


def _storable(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with control characters XLSX cannot hold (e.g. U+0001 pasted into a code name) shown
    as U+FFFD, so one odd character does not stop the export."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def fix(value: Any) -> Any:
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value

    return _map_text(frame, fix)


def _text_stays_text(sheet) -> None:
    """Turn every cell openpyxl took for a formula back into text, marked so Excel keeps it text.

    The exact words stay in the cell (a statistics package reads ``=HYPERLINK(...)``); the quote
    prefix is how Excel itself stores a typed ``'=...``, so editing the cell does not revive it.
    """
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f" or formula_like(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True


def _check_format(fmt: str) -> str:
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput(f"{fmt!r} is not a table format; use csv or xlsx.")
    return fmt


def write_table(frame: pd.DataFrame, path: str | Path, *, index: bool = False, fmt: str | None = None) -> Path:
    """Write one table as CSV or XLSX (from the suffix unless ``fmt``), formulas defused.

    Examples:
        >>> write_table(study.codings(), "codings.xlsx")  # doctest: +SKIP
        PosixPath('codings.xlsx')
    """
    path = Path(path)
    fmt = _check_format(fmt or path.suffix.lower().lstrip(".") or "csv")
    if fmt == "xlsx":
        return write_tables({"table": frame}, path, index=index, fmt=fmt)[0]
    _write_csv(frame, path, index)
    return path


def _write_csv(frame: pd.DataFrame, path: Path, index: bool) -> None:
    # RFC 4180 line ends: a cell holding a lone carriage return is then quoted, not a row break.
    with open_private(path, "w", encoding="utf-8", newline="") as fh:
        neutralised(frame).to_csv(fh, index=index, lineterminator="\r\n")


def write_tables(
    tables: dict[str, pd.DataFrame], path: str | Path, *, index: bool = False, fmt: str | None = None
) -> list[Path]:
    """Write tables as CSV (one file; a folder of files for several) or XLSX (one sheet each).

    Returns the files written.
    """
    import pandas as pd

    path = Path(path)
    fmt = _check_format(fmt or path.suffix.lower().lstrip(".") or "csv")
    if fmt == "xlsx":
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        with open_private(path, "wb") as fh, pd.ExcelWriter(fh, engine="openpyxl") as writer:
            for name, frame in tables.items():
                _storable(frame).to_excel(writer, sheet_name=name[:31], index=index)
                _text_stays_text(writer.sheets[name[:31]])
        return [path]
    if len(tables) == 1 and path.suffix.lower() == ".csv":
        targets = {path: next(iter(tables.values()))}
    else:
        private_folder(path)
        targets = {path / f"{name}.csv": frame for name, frame in tables.items()}
    for target, frame in targets.items():
        _write_csv(frame, target, index)
    return list(targets)


def project_tables(study, which: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """The project's views by name (all of :data:`TABLES` by default)."""
    import pandas as pd

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
    """Write the project's tables as CSV (one file per table; a folder for several) or XLSX (one
    sheet per table), formulas defused. Returns the files written."""
    fmt = _check_format(fmt or Path(path).suffix.lower().lstrip(".") or "csv")
    return write_tables(project_tables(study, which), path, fmt=fmt)
