"""Attribute sheets: one row per participant, typed columns (age, site, cohort, start date...).

The participant id column is the one named by the caller, else the first column named
participant, participant id, id, pseudonym or respondent, else the first column. Every other
column gets a type from its values (empty cells ignored):

- "yes/no": every value is yes, no, true, false, y or n (any case), or an Excel boolean;
- "number": every value is a number (Excel numbers, or text such as 34, -2.5, 1e3);
- "date": every value is an ISO date or date-time (2026-03-12, 2026-03-12T10:30) or an Excel date;
- "category": few distinct short values that repeat (at most 12 distinct, each at most 40
  characters, fewer distinct values than filled cells);
- "text": anything else, and columns with no values.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

import pandas as pd

from theorize.errors import InvalidInput
from theorize.ingest.files import DEFAULT_MAX_BYTES, check_size, load_bytes
from theorize.ingest.spreadsheet import cell_text, load_table

ATTRIBUTE_TYPES = ("text", "number", "date", "yes/no", "category")
MAX_CATEGORIES = 12
MAX_CATEGORY_CHARS = 40
ID_COLUMN_NAMES = frozenset(
    {
        "participant",
        "participant id",
        "participant_id",
        "participantid",
        "id",
        "pseudonym",
        "respondent",
        "respondent id",
        "respondent_id",
        "respondentid",
    }
)
_YES = frozenset({"yes", "true", "y"})
_NO = frozenset({"no", "false", "n"})
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


@dataclass(frozen=True)
class AttributeSheet:
    """Participants' attributes: the typed table, each attribute column's type, the id column.

    ``frame`` keeps the file's column order; the id column holds text, the others pandas types
    (Int64/Float64, datetime64, boolean, category, string). ``types`` maps every column except
    the id column to one of ``ATTRIBUTE_TYPES``.
    """

    frame: pd.DataFrame
    types: dict[str, str]
    id_column: str


def read_attributes(
    path: str | os.PathLike[str],
    *,
    id_column: str | None = None,
    sheet: str | int = 0,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> AttributeSheet:
    """Read an attribute sheet (.csv or .xlsx) with one row per participant.

    Args:
        path: the .csv or .xlsx file.
        id_column: the column holding participant ids; found by name or position when None.
        sheet: the .xlsx sheet, by name or 0-based position.
        encoding: the .csv file's encoding, when guessing would go wrong.
        max_bytes: refuse larger files.

    Raises:
        InvalidInput: the file cannot be read as a table, a participant id is missing or listed
            twice, or ``id_column`` is not a column.

    Examples:
        >>> sheet = read_attributes("participants.csv")  # doctest: +SKIP
        >>> sheet.types  # doctest: +SKIP
        {'age': 'number', 'site': 'category', 'started': 'date', 'mandated': 'yes/no'}
    """
    data = load_bytes(path, max_bytes)
    return read_attributes_bytes(data, PurePath(path).name, id_column=id_column, sheet=sheet, encoding=encoding)


def read_attributes_bytes(
    data: bytes,
    filename: str,
    *,
    id_column: str | None = None,
    sheet: str | int = 0,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> AttributeSheet:
    """``read_attributes`` for bytes in memory (an upload); ``filename`` gives the suffix."""
    check_size(len(data), filename, max_bytes)
    table = load_table(data, filename, PurePath(filename).suffix.lower(), sheet=sheet, encoding=encoding)
    id_col = _id_column(table, id_column, filename)
    ids = _participant_ids(table[id_col].tolist(), id_col, filename)
    columns: dict[str, object] = {}
    types: dict[str, str] = {}
    for col in table.columns:
        if col == id_col:
            columns[col] = pd.array(ids, dtype="string")
            continue
        values = table[col].tolist()
        kind = infer_type(values)
        types[col] = kind
        columns[col] = typed_values(values, kind)
    return AttributeSheet(pd.DataFrame(columns), types, id_col)


def _id_column(table: pd.DataFrame, id_column: str | None, filename: str) -> str:
    if id_column is not None:
        if id_column not in table.columns:
            raise InvalidInput(
                f"{filename} has no column named {id_column!r}; its columns are: {', '.join(map(str, table.columns))}"
            )
        return id_column
    for col in table.columns:
        if str(col).strip().casefold() in ID_COLUMN_NAMES:
            return col
    return table.columns[0]


def _participant_ids(values: list[object], id_col: str, filename: str) -> list[str]:
    ids: list[str] = []
    seen: dict[str, int] = {}
    for i, value in enumerate(values):
        row = i + 2  # the spreadsheet row: the header is row 1
        pid = cell_text(value).strip()
        if not pid:
            raise InvalidInput(
                f"{filename} has no participant id in row {row}; fill in the {id_col} column for every row"
            )
        if pid in seen:
            raise InvalidInput(
                f"{filename} lists participant {pid} twice (rows {seen[pid]} and {row}); keep one row per participant"
            )
        seen[pid] = row
        ids.append(pid)
    return ids


def infer_type(values: Sequence[object]) -> str:
    """The attribute type of a column's values (None for empty cells).

    Examples:
        >>> infer_type(["34", "51", None]), infer_type(["yes", "No"]), infer_type(["2026-03-12"])
        ('number', 'yes/no', 'date')
        >>> infer_type(["urban", "rural", "urban"]), infer_type(["A long answer", "Another one"])
        ('category', 'text')
    """
    present = [v for v in values if v is not None]
    if not present:
        return "text"
    if all(_is_yes_no(v) for v in present):
        return "yes/no"
    if all(_is_number(v) for v in present):
        return "number"
    if all(_is_date(v) for v in present) and _dates(present) is not None:
        return "date"
    texts = [cell_text(v) for v in present]
    distinct = set(texts)
    if (
        len(distinct) <= MAX_CATEGORIES
        and len(distinct) < len(texts)
        and all(len(t) <= MAX_CATEGORY_CHARS for t in distinct)
    ):
        return "category"
    return "text"


def typed_values(values: Sequence[object], kind: str) -> pd.api.extensions.ExtensionArray:
    """A column's values converted to the pandas type of its attribute type."""
    if kind == "yes/no":
        return pd.array([None if v is None else _yes(v) for v in values], dtype="boolean")
    if kind == "number":
        numbers = [None if v is None else float(v) for v in values]  # type: ignore[arg-type]
        if all(n is None or n.is_integer() for n in numbers):
            return pd.array([None if n is None else int(n) for n in numbers], dtype="Int64")
        return pd.array(numbers, dtype="Float64")
    if kind == "date":
        return _dates(values).array  # type: ignore[union-attr]
    texts = [None if v is None else cell_text(v) for v in values]
    if kind == "category":
        return pd.Categorical(texts)
    return pd.array(texts, dtype="string")


def _is_yes_no(v: object) -> bool:
    if isinstance(v, bool):
        return True
    return isinstance(v, str) and v.casefold() in _YES | _NO


def _yes(v: object) -> bool:
    return v if isinstance(v, bool) else str(v).casefold() in _YES


def _is_number(v: object) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    return isinstance(v, str) and _NUMBER_RE.fullmatch(v) is not None


def _is_date(v: object) -> bool:
    if isinstance(v, (dt.date, pd.Timestamp)):
        return True
    return isinstance(v, str) and _ISO_DATE_RE.fullmatch(v) is not None


def _dates(values: Sequence[object]) -> pd.Series | None:
    texts = [None if v is None else cell_text(v) for v in values]
    try:
        return pd.Series(pd.to_datetime(texts, format="ISO8601"))
    except (ValueError, OverflowError):
        return None
