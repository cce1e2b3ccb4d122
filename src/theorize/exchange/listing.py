"""Listings as plain values: what every front end shows of a table, and its JSON and CSV.

A listing is a DataFrame or a list of row dicts. Its values are made plain once, here: missing
values (NaN, NaT, None) become ``None`` (an empty cell, JSON ``null``); numpy scalars become
Python numbers; a float column whose values are all whole numbers becomes whole numbers (``75``,
not ``75.0``); dates and times become ISO text; lists and tuples stay lists in JSON and are joined
with ``"; "`` in a cell. pandas is not imported here.

Examples:
    >>> rows = [{"code": "trust", "codings": 75.0, "sources": ["C01", "C03"], "kappa": float("nan")}]
    >>> records(rows)
    [{'code': 'trust', 'codings': 75, 'sources': ['C01', 'C03'], 'kappa': None}]
    >>> print(to_csv(rows), end="")
    code,codings,sources,kappa
    trust,75,C01; C03,
    >>> cell(["C01", "C03"]), cell(None), cell(0.5)
    ('C01, C03', '', '0.5')
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from theorize.exchange.tables import formula_like  # the one rule for every table theorize writes


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NaTType", "NAType")


def plain(value: Any) -> Any:
    """One value as a plain Python value that JSON can carry (see the module docstring)."""
    if _missing(value):
        return None
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        return plain(value.item())
    if isinstance(value, (list, tuple, set, frozenset)) or type(value).__name__ == "ndarray":
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def columns_and_rows(listing: Any) -> tuple[list[str], list[list[Any]]]:
    """The column names and the rows (as plain values) of a DataFrame or of a list of dicts."""
    if hasattr(listing, "columns") and hasattr(listing, "itertuples"):
        columns = [str(c) for c in listing.columns]
        raw = [list(r) for r in listing.itertuples(index=False, name=None)]
    else:
        items: list[Mapping[str, Any]] = list(listing)
        columns = list(dict.fromkeys(k for row in items for k in row))
        raw = [[row.get(c) for c in columns] for row in items]
    rows = [[plain(v) for v in row] for row in raw]
    for j in range(len(columns)):
        values = [row[j] for row in rows if row[j] is not None]
        if values and all(isinstance(v, float) and not isinstance(v, bool) and v.is_integer() for v in values):
            for row in rows:
                if row[j] is not None:
                    row[j] = int(row[j])
    return columns, rows


def records(listing: Any) -> list[dict[str, Any]]:
    """The listing as a list of dicts of plain values."""
    columns, rows = columns_and_rows(listing)
    return [dict(zip(columns, row, strict=True)) for row in rows]


def to_json(listing: Any) -> str:
    """The listing as a JSON array of objects (UTF-8 text, not escaped)."""
    return json.dumps(records(listing), ensure_ascii=False, indent=1) + "\n"


def cell(value: Any, *, joiner: str = ", ") -> str:
    """One plain value as the text of a table cell: '' when missing, lists joined."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return joiner.join(cell(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(round(value, 4)) if abs(value) >= 1e-3 or value == 0 else f"{value:.3g}"
    return str(value)


def _csv_cell(value: Any) -> str:
    text = cell(value, joiner="; ")
    return "'" + text if formula_like(value) else text


def to_csv(listing: Any) -> str:
    """The listing as CSV; a text cell a spreadsheet would run as a formula is prefixed with '."""
    columns, rows = columns_and_rows(listing)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return out.getvalue()


def text_rows(listing: Any) -> tuple[list[str], list[list[str]]]:
    """Column names and cell texts, for a table on screen."""
    columns, rows = columns_and_rows(listing)
    return columns, [[cell(v) for v in row] for row in rows]


__all__ = ["plain", "records", "to_json", "to_csv", "cell", "text_rows", "columns_and_rows"]
