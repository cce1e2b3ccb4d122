"""A .csv file or an .xlsx sheet as a table: headers from the first row, blank rows dropped.

Cells come back as Python values: text (stripped, LF line endings) for CSV and for Excel text
cells, and Excel's own numbers, dates and booleans for .xlsx; empty cells are None.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math

import pandas as pd

from theorize.errors import InvalidInput
from theorize.ingest.encoding import decode_text, normalise_newlines
from theorize.ingest.filetype import (
    CFB,
    DAMAGED_ZIP_ERRORS,
    XLSX,
    check_text,
    mismatch_error,
    refuse_zip_bomb,
    sniff,
)
from theorize.ingest.layout import empty_error


def load_table(
    data: bytes,
    filename: str,
    suffix: str,
    *,
    sheet: str | int = 0,
    encoding: str | None = None,
) -> pd.DataFrame:
    """Read a .csv or .xlsx file into a DataFrame of cell values.

    Raises:
        InvalidInput: the file is not a spreadsheet of that kind, is damaged, has no such
            sheet, or has no rows.
    """
    if not data.strip():
        raise empty_error(filename)
    if suffix == ".csv":
        frame = _csv(data, filename, encoding)
    elif suffix == ".xlsx":
        frame = _xlsx(data, filename, sheet)
    else:
        raise InvalidInput(
            f"{filename} has a suffix theorize cannot read as a spreadsheet ({suffix or 'none'}); "
            "save it as .csv or .xlsx"
        )
    frame = _tidy(frame)
    if frame.empty:
        raise InvalidInput(f"{filename} has no rows under its header; check that you chose the right file or sheet")
    return frame


def _csv(data: bytes, filename: str, encoding: str | None) -> pd.DataFrame:
    check_text(data, filename, "a CSV file")
    text = decode_text(data, filename, encoding).text
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
        )
    except pd.errors.EmptyDataError:
        raise empty_error(filename) from None
    except pd.errors.ParserError as e:
        reason = str(e).strip().splitlines()[-1].removeprefix("Error tokenizing data. C error: ")
        raise InvalidInput(
            f"{filename} is not a well-formed CSV file ({reason}); "
            "open it in a spreadsheet program and save it again as CSV"
        ) from None


def _xlsx(data: bytes, filename: str, sheet: str | int) -> pd.DataFrame:
    found = sniff(data)
    if found is not XLSX:
        if found is CFB:
            raise InvalidInput(f"{filename} is password-protected or an old .xls; save it as an unprotected .xlsx")
        if found is None or found.key == "zip":
            raise _damaged(filename)
        raise mismatch_error(filename, "an Excel workbook", found)
    refuse_zip_bomb(data, filename)
    try:
        with pd.ExcelFile(io.BytesIO(data), engine="openpyxl") as book:
            names = book.sheet_names
            if isinstance(sheet, int) and not 0 <= sheet < len(names):
                raise _no_sheet(filename, sheet, names)
            if isinstance(sheet, str) and sheet not in names:
                raise _no_sheet(filename, sheet, names)
            return pd.read_excel(book, sheet_name=sheet, dtype=object)
    except DAMAGED_ZIP_ERRORS + (KeyError, ValueError, OSError):
        raise _damaged(filename) from None


def _damaged(filename: str) -> InvalidInput:
    return InvalidInput(
        f"{filename} is damaged (it is not a valid Excel workbook); "
        "open it in a spreadsheet program and save it again as .xlsx"
    )


def _no_sheet(filename: str, sheet: str | int, names: list[str]) -> InvalidInput:
    which = f"sheet number {sheet + 1}" if isinstance(sheet, int) else f"sheet named {sheet!r}"
    return InvalidInput(f"{filename} has no {which}; its sheets are: {', '.join(names)}")


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    columns = {}
    for i, col in enumerate(frame.columns):
        values = [cell_value(v) for v in frame[col].tolist()]
        header = " ".join(str(col).split())
        if header.startswith("Unnamed: "):
            if all(v is None for v in values):
                continue
            header = f"column {i + 1}"
        if header in columns:
            header = f"{header} (column {i + 1})"
        columns[header] = values
    tidy = pd.DataFrame(columns, dtype=object)
    keep = [any(v is not None for v in row) for row in tidy.itertuples(index=False)]
    return tidy[keep].reset_index(drop=True)


def cell_value(value: object) -> object:
    """A cell as a plain value: None for empty, stripped text with LF line endings, else as is."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, str):
        value = normalise_newlines(value).strip()
        return value or None
    return value


def cell_text(value: object) -> str:
    """A cell as the text a researcher would see: 34 not 34.0, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
