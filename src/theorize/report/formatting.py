"""Values into the words and numbers a report prints: dates, counts, cells, plurals."""

from __future__ import annotations

import math
import numbers
from datetime import date, datetime

import numpy as np
import pandas as pd

from theorize.report.content import MISSING


def is_missing(value) -> bool:
    """None, NaN, NaT, pandas NA, or a blank string."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def cell(value, digits: int = 3) -> str:
    """One table cell: whole floats without ".0", others to ``digits`` places, missing as an en dash.

    Examples:
        >>> cell(7.0), cell(0.82754), cell(None), cell(float("nan")), cell("opioids")
        ('7', '0.828', '–', '–', 'opioids')
    """
    if is_missing(value):
        return MISSING
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            return MISSING
        return f"{int(value):,}" if value.is_integer() and abs(value) < 1e15 else f"{value:.{digits}f}"
    return str(value)


def day(value) -> str:
    """A date written out: "3 March 2026"; missing as an en dash."""
    if is_missing(value):
        return MISSING
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, (datetime, date)):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def period(first, last) -> str:
    """ "3 March 2026", or "3 February – 28 May 2026", or across years in full."""
    a, b = day(first), day(last)
    if a == b or b == MISSING:
        return a
    fa, fb = pd.Timestamp(first), pd.Timestamp(last)
    if fa.year == fb.year:
        if fa.month == fb.month:
            return f"{fa.day}\u2013{fb.day} {fb:%B %Y}"
        return f"{fa.day} {fa:%B} \u2013 {b}"
    return f"{a} \u2013 {b}"


def plural(n: int, word: str, many: str | None = None) -> str:
    """ "1 memo", "3 memos", "2 categories" (``many`` for irregular plurals)."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def percent(value: float, digits: int = 1) -> str:
    return MISSING if is_missing(value) or not math.isfinite(value) else f"{value * 100:.{digits}f}%"


def label(name: str) -> str:
    """An attribute's column name as a heading: "months_in_program" -> "Months in program"."""
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def listing(items, limit: int = 0) -> str:
    """ "a", "a and b", "a, b and c" (with ``limit``, "a, b and 4 more")."""
    items = [str(i) for i in items]
    if limit and len(items) > limit:
        items = items[:limit] + [f"{len(items) - limit} more"]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def excerpt(text: str, limit: int = 360) -> str:
    """A paragraph cut at a word boundary near ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-\u2013")
    return cut + "\u2026"
