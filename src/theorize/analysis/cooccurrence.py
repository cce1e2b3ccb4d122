"""Which codes occur together: code x code co-occurrence counts and Jaccard similarities.

Input is a DataFrame of codings, one row per coding, with ``source_id``, ``code_id`` and either
``start``/``end`` (code-point offsets, end exclusive) or ``segment_index`` (the position of the coded
segment in its source, 0, 1, 2, ...). Two modes:

* ``mode="overlap"``: the unit is a coding (a coded span). Two codings co-occur when they are in the
  same source and share at least one character; with ``window=n > 0``, also when the gap between
  them is at most n characters.
* ``mode="segment"``: the unit is a segment (source, segment_index). Two coded segments co-occur when
  they are in the same source and at most ``window`` segments apart (``window=0``: the same segment).
  A code applied twice to one segment counts once.

``count`` for codes A != B is the number of pairs (unit of A, unit of B) that co-occur (what ATLAS.ti
and MAXQDA report as co-occurrences); the diagonal is the number of units of each code.
``jaccard`` is (units of A or B that co-occur with a unit of the other code) / (units of A or B);
in segment mode with window 0 this is the Jaccard index |A and B| / |A or B| of the sets of
segments (Jaccard 1912). It lies in [0, 1]; the diagonal is 1 and two codes without units score 0.

Spans are sorted per source and swept (each coding meets only the codings that start before it ends),
so the work grows with the number of co-occurring pairs, not with the square of the codings.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from theorize.errors import InvalidInput

__all__ = ["cooccurrence", "cooccurrence_jaccard"]

Mode = Literal["overlap", "segment"]
Measure = Literal["count", "jaccard"]

_PAIRS_PER_CHUNK = 4_000_000
_BITMAP_LIMIT = 64_000_000  # distinct (unit, code) keys via a bitmap up to this many possible keys


def cooccurrence(
    codings: pd.DataFrame,
    mode: Mode = "overlap",
    window: int = 0,
    *,
    measure: Measure = "count",
    codes: Sequence[Hashable] | None = None,
) -> pd.DataFrame:
    """Code x code co-occurrence counts (or Jaccard similarities) from codings.

    Definitions in the module docstring: a count is the number of co-occurring pairs of units (codings
    in overlap mode, segments in segment mode) in the same source; the diagonal is each code's number
    of units. Jaccard: co-occurring units / units with either code.

    Args:
        codings: one row per coding; columns ``source_id``, ``code_id`` and ``start``/``end``
            (overlap mode) or ``segment_index`` (segment mode). Other columns are ignored.
        mode: "overlap" (spans in the same source) or "segment" (segments of the same source).
        window: overlap mode: largest gap in characters still counted (0 = the spans must overlap);
            segment mode: largest distance in segments (0 = the same segment).
        measure: "count" (whole numbers) or "jaccard" (between 0 and 1).
        codes: the codes to show, in this order (codes without codings get zero rows); codings of
            other codes are ignored. Default: every code in ``codings``, sorted.

    Returns:
        Square DataFrame, rows and columns the codes (axes named ``code_id``).

    Raises:
        InvalidInput: no codings, a missing column, empty or non-whole positions, a span that ends
            before it starts, a negative window, or an unknown mode or measure.

    Examples:
        >>> codings = pd.DataFrame({"source_id": ["s1", "s1", "s1"], "code_id": ["a", "b", "c"],
        ...                         "start": [0, 5, 30], "end": [10, 20, 40]})
        >>> cooccurrence(codings).loc["a"].tolist()
        [1, 1, 0]
        >>> cooccurrence(codings, window=10).loc["b"].tolist()
        [1, 1, 1]
        >>> cooccurrence(codings, measure="jaccard").loc["a"].tolist()
        [1.0, 1.0, 0.0]
    """
    if measure not in ("count", "jaccard"):
        raise InvalidInput(f"measure must be 'count' or 'jaccard'; got {measure!r}")
    source, code, start, end, labels = _prepare(codings, mode, window, codes)
    k = len(labels)
    index = pd.Index(labels, name="code_id")
    units = np.bincount(code, minlength=k)
    if code.size == 0:
        values = np.zeros((k, k), dtype=np.int64 if measure == "count" else float)
        return pd.DataFrame(values, index=index, columns=index.copy())
    pair_counts = np.zeros((k, k), dtype=np.int64)  # the result is a dense k x k frame anyway
    same_unit = np.zeros((k, k), dtype=np.int64)
    hit_keys: list[np.ndarray] = []
    for i, j in _pairs(source, start, end):
        ci, cj = code[i], code[j]
        keep = ci != cj
        i, j, ci, cj = i[keep], j[keep], ci[keep], cj[keep]
        pair_counts += _tally(ci, cj, k)
        if measure == "jaccard":
            # (unit, other code): a unit meeting several units of B counts once for B
            hit_keys.append(_distinct(np.concatenate([i * k + cj, j * k + ci]).astype(np.int64), code.size * k))
            if mode == "segment":
                same = start[i] == start[j]
                same_unit += _tally(ci[same], cj[same], k)
    if measure == "count":
        matrix = pair_counts + pair_counts.T
        np.fill_diagonal(matrix, units)
        return pd.DataFrame(matrix.astype(np.int64), index=index, columns=index.copy())
    both = (same_unit + same_unit.T).astype(float)
    keys = _distinct(np.concatenate(hit_keys), code.size * k) if hit_keys else np.zeros(0, dtype=np.int64)
    hit = _tally(code[keys // k], keys % k, k).astype(float)
    numerator = hit + hit.T - both
    denominator = units[:, None] + units[None, :] - both
    with np.errstate(invalid="ignore", divide="ignore"):
        jaccard = np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), 0.0)
    np.fill_diagonal(jaccard, (units > 0).astype(float))
    return pd.DataFrame(jaccard, index=index, columns=index.copy())


def cooccurrence_jaccard(
    codings: pd.DataFrame, mode: Mode = "overlap", window: int = 0, *, codes: Sequence[Hashable] | None = None
) -> pd.DataFrame:
    """Jaccard similarity of codes: co-occurring units / units with either code.

    Same as ``cooccurrence(..., measure="jaccard")``; see :func:`cooccurrence` for the definitions
    (Jaccard 1912; units are codings in overlap mode, segments in segment mode).

    Examples:
        >>> codings = pd.DataFrame({"source_id": ["s1"] * 3, "code_id": ["a", "b", "a"],
        ...                         "segment_index": [0, 0, 1]})
        >>> cooccurrence_jaccard(codings, mode="segment").loc["a", "b"]
        np.float64(0.5)
    """
    return cooccurrence(codings, mode, window, measure="jaccard", codes=codes)


# ---------------------------------------------------------------------------------------------


def _prepare(codings: pd.DataFrame, mode: str, window: int, codes: Sequence[Hashable] | None):
    """Validated arrays sorted by (source, start): source, code, start, end (exclusive threshold), labels."""
    if not isinstance(codings, pd.DataFrame):
        raise InvalidInput("codings must be a table (DataFrame) with one row per coding")
    if mode not in ("overlap", "segment"):
        raise InvalidInput(f"mode must be 'overlap' or 'segment'; got {mode!r}")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 0:
        raise InvalidInput(f"window must be a whole number, 0 or more; got {window!r}")
    if len(codings) == 0:
        raise InvalidInput("there are no codings to compare")
    position_columns = ["start", "end"] if mode == "overlap" else ["segment_index"]
    missing = [c for c in ["source_id", "code_id", *position_columns] if c not in codings.columns]
    if missing:
        raise InvalidInput(f"the codings have no {' or '.join(missing)} column, which {mode} mode needs")
    for column in ["source_id", "code_id", *position_columns]:
        if codings[column].isna().any():
            rows = list(codings.index[codings[column].isna()][:5])
            raise InvalidInput(f"codings have no {column} in rows {rows}")
    positions = {}
    for column in position_columns:
        try:
            values = codings[column].to_numpy(dtype=float)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"{column} must hold whole numbers (character offsets or segment numbers)") from exc
        if (values != np.round(values)).any() or (values < 0).any():
            raise InvalidInput(f"{column} must hold whole numbers, 0 or more")
        positions[column] = values.astype(np.int64)
    if mode == "overlap":
        start, end = positions["start"], positions["end"]
        bad = end <= start
        if bad.any():
            rows = list(codings.index[bad][:5])
            raise InvalidInput(f"{int(bad.sum())} codings end where or before they start (rows {rows})")
        reach = end + (window + 1 if window > 0 else 0)
    else:
        start = positions["segment_index"]
        reach = start + 1 + window
    if codes is None:
        found = pd.unique(codings["code_id"])
        try:
            labels = sorted(found)
        except TypeError:
            labels = list(found)
    else:
        labels = list(dict.fromkeys(codes))
        if not labels:
            raise InvalidInput("codes is empty; give at least one code or leave it out")
    code = pd.Index(labels).get_indexer(codings["code_id"])
    source = pd.factorize(codings["source_id"])[0]
    keep = code >= 0
    source, code, start, reach = source[keep], code[keep], start[keep], reach[keep]
    if mode == "segment":  # a code applied twice to one segment is one unit
        triples = pd.DataFrame({"s": source, "g": start, "c": code}).drop_duplicates()
        source, start, code = (triples[c].to_numpy() for c in ("s", "g", "c"))
        reach = start + 1 + window
    order = np.lexsort((start, source))
    return source[order], code[order], start[order], reach[order], labels


def _pairs(source: np.ndarray, start: np.ndarray, reach: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """All index pairs i < j (sorted order) in one source with start[j] < reach[i], in chunks.

    Rows are sorted by (source, start), so the partners of i are the contiguous rows after it up to
    the first one that starts at or after ``reach[i]``.
    """
    n = source.size
    span = int(max(reach.max(), start.max())) + 1
    key = source.astype(np.int64) * span + start
    limit = source.astype(np.int64) * span + reach
    stop = np.searchsorted(key, limit, side="left")
    counts = stop - np.arange(n) - 1
    counts = np.maximum(counts, 0)
    ends = np.cumsum(counts)
    lo = 0
    while lo < n:
        base = ends[lo - 1] if lo > 0 else 0
        hi = int(np.searchsorted(ends, base + _PAIRS_PER_CHUNK, side="right"))
        hi = max(hi, lo + 1)
        c = counts[lo:hi]
        total = int(c.sum())
        if total:
            i = np.repeat(np.arange(lo, hi), c)
            offsets = np.arange(total) - np.repeat(np.cumsum(c) - c, c)
            yield i, i + 1 + offsets
        lo = hi


def _tally(rows: np.ndarray, cols: np.ndarray, k: int) -> np.ndarray:
    return np.bincount(rows.astype(np.int64) * k + cols, minlength=k * k).reshape(k, k)


def _distinct(keys: np.ndarray, size: int) -> np.ndarray:
    """Distinct non-negative keys below ``size``: a bitmap when it is small, else a sort."""
    if keys.size == 0:
        return keys
    if size <= _BITMAP_LIMIT:
        seen = np.zeros(size, dtype=bool)
        seen[keys] = True
        return np.flatnonzero(seen)
    ordered = np.sort(keys)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]
