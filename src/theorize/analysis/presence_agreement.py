"""Agreement on the presence of codes in units (turns, sentences), for many codes at once.

When every coder reviews every unit and says, for each code, whether it applies there, agreement on
a code is agreement on a binary variable per unit. The coders x units 0/1 matrix of each code is
sparse (most codes are absent from most units), so this module never builds it: it works from the
coded cells alone, as ``(coder, unit, code)`` positions, and from the number of units.

Per code, over ``n`` units and ``m`` coders, with ``n1_u`` coders giving the code to unit ``u``:

* Krippendorff's alpha, nominal (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability";
  every unit is pairable): ``D_u = 2 n1_u (m - n1_u) / (m - 1)`` is the unit's disagreement,
  ``N = m n``, ``N1 = sum_u n1_u``, ``alpha = 1 - (N - 1) sum_u D_u / (2 N1 (N - N1))``; undefined
  (left out) when the code is never or always given.
* Percent agreement, Gwet's (2014) ``pa``: ``1 - sum_u D_u / (m n)``, the mean share of agreeing
  coder pairs.
* Cohen's kappa (Cohen 1960) for two coders, from the 2 x 2 table of the units.

Over all codes (the "pooled" figures), every (code, unit) cell is one value, as in the coders x
(codes x units) matrix of all codes side by side; the point estimates are those of that matrix.
The cells of one unit are not independent (a turn about the judge carries several related codes),
so the bootstrap interval resamples *units* with all their cells, never cells one by one
(Efron & Tibshirani 1993, ch. 13; for alpha, Zapf et al. 2016): resampling cells made the interval
over all codes about a quarter too narrow on real data. Per code, resampling units is the usual
bootstrap of :func:`theorize.analysis.krippendorff_alpha_ci`.

The bootstrap is vectorised across codes: one draw of unit weights serves every code. Only units
with a coded cell carry information beyond their number, so a resample draws how many of the
``n`` units fall among the coded ones, then which, and the cost grows with the coded cells, not
with codes x units.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from theorize.errors import InvalidInput

__all__ = ["PresenceAgreement", "presence_agreement"]

#: The columns of :attr:`PresenceAgreement.table`, in order (``kappa`` only for two coders).
COLUMNS = (
    "units",
    "units_coded",
    "percent_agreement",
    "alpha",
    "alpha_ci_low",
    "alpha_ci_high",
    "alpha_resamples",
    "kappa",
)

_CHUNK_BYTES = 64 << 20


@dataclass(frozen=True)
class PresenceAgreement:
    """Agreement per code and over all codes on code presence in units.

    Attributes:
        table: one row per code (index: the codes given), columns :data:`COLUMNS`: ``units`` (units
            compared), ``units_coded`` (units any coder gave the code), ``percent_agreement``,
            ``alpha`` with ``alpha_ci_low`` / ``alpha_ci_high`` and ``alpha_resamples`` (bootstrap
            samples in which alpha was defined), ``kappa`` (two coders only). A code whose alpha is
            undefined is left out of the table and named in ``left_out``.
        overall: the same figures over all codes (a Series); ``units_coded`` counts units with any
            code.
        coded_by: codes x coders, the units each coder gave each code.
        coded_any: per coder, the units they gave any code.
        left_out: code -> why its figures are undefined.
        confidence: coverage of the intervals.
    """

    table: pd.DataFrame
    overall: pd.Series
    coded_by: pd.DataFrame
    coded_any: pd.Series
    left_out: dict = field(default_factory=dict)
    confidence: float = 0.95


def presence_agreement(
    coder: Sequence[int] | np.ndarray,
    unit: Sequence[int] | np.ndarray,
    code: Sequence[int] | np.ndarray,
    *,
    n_units: int,
    coders: Sequence[Hashable],
    codes: Sequence[Hashable],
    n_resamples: int = 1000,
    confidence: float = 0.95,
    rng: np.random.Generator | int | None = None,
) -> PresenceAgreement:
    """Alpha (with a bootstrap interval over units), percent agreement and kappa for each code and
    over all codes, from the coded cells.

    Args:
        coder, unit, code: one entry per coded cell, as positions: ``coders[coder[i]]`` gave
            ``codes[code[i]]`` to unit ``unit[i]`` (0 .. n_units - 1). Repeats count once.
        n_units: how many units every coder reviewed (uncoded ones included: absence agreed on
            is agreement).
        coders: the coders (two or more), in order.
        codes: the codes, in order; a code nobody gave is left out (alpha undefined).
        n_resamples: bootstrap samples of units; 0 for no interval.
        confidence: coverage of the intervals, e.g. 0.95.
        rng: a ``numpy.random.Generator`` or a seed.

    Returns:
        A :class:`PresenceAgreement`.

    Raises:
        InvalidInput: fewer than two coders, no units, positions out of range, or alpha undefined
            over all codes (no code given, or every code everywhere).

    Examples:
        >>> # two coders, four units; "fear" both in unit 0, only coder 1 in unit 1
        >>> r = presence_agreement([0, 1, 0, 1], [0, 0, 1, 3], [0, 0, 0, 1], n_units=4,
        ...                        coders=["ann", "bo"], codes=["fear", "hope"], n_resamples=0)
        >>> round(float(r.table.loc["fear", "alpha"]), 3), int(r.table.loc["fear", "units_coded"])
        (0.533, 2)
        >>> r.left_out
        {}
    """
    if len(coders) < 2:
        raise InvalidInput(f"Agreement needs at least two coders; got {len(coders)}.")
    if n_units < 1:
        raise InvalidInput("There are no units to compare.")
    if not 0 < confidence < 1:
        raise InvalidInput(f"confidence must be between 0 and 1, e.g. 0.95; got {confidence}.")
    if n_resamples < 0:
        raise InvalidInput(f"n_resamples must be 0 or more; got {n_resamples}.")
    m, k = len(coders), len(codes)
    cells = _cells(coder, unit, code, m, n_units, k)
    coded_units = np.unique(cells[1])  # the units with any coded cell, in order
    row = np.searchsorted(coded_units, cells[1])
    shape = (len(coded_units), k)
    ones = np.ones(len(row))
    given = sparse.csr_matrix((ones, (row, cells[2])), shape=shape)  # n1 per (coded unit, code)
    disagreement = given.copy()
    disagreement.data = 2 * disagreement.data * (m - disagreement.data) / (m - 1)
    per_coder = [
        sparse.csr_matrix((ones[cells[0] == i], (row[cells[0] == i], cells[2][cells[0] == i])), shape=shape)
        for i in range(m)
    ]
    totals: dict[str, Any] = {
        "n1": _column_sums(given),
        "d": _column_sums(disagreement),
        "units_coded": _column_sums(given > 0),
        "by": [_column_sums(p) for p in per_coder],
        "both": _column_sums(per_coder[0].multiply(per_coder[1])) if m == 2 else None,
    }
    table = _figures(totals, n_units, m)
    overall = _figures(
        {
            key: (None if v is None else [x.sum(keepdims=True) for x in v] if key == "by" else v.sum(keepdims=True))
            for key, v in totals.items()
        },
        n_units * k,
        m,
    )
    overall["units"][:] = n_units
    overall["units_coded"][:] = len(coded_units)
    rng = np.random.default_rng(rng)
    if n_resamples:
        samples = _bootstrap(given, disagreement, n_units, m, n_resamples, rng)
        _intervals(table, samples[:, :k], confidence)
        _intervals(overall, samples[:, k:], confidence)
    frame = pd.DataFrame(table, index=pd.Index(list(codes), name="code"))
    left_out = {
        codes[int(i)]: ("nobody gave it" if table["units_coded"][i] == 0 else "every coder gave it to every unit")
        for i in np.flatnonzero(np.isnan(table["alpha"]))
    }
    frame = frame[~np.isnan(table["alpha"])]
    whole = pd.Series({c: np.asarray(overall[c]).item() for c in overall}, dtype=object)
    if not np.isfinite(whole["alpha"]):
        raise InvalidInput(
            "Alpha over all codes is undefined: no code was given to any unit, or every code to every unit."
        )
    columns = [c for c in COLUMNS if c in frame.columns]
    coded_by = pd.DataFrame(
        np.column_stack([_column_sums(p) for p in per_coder]).astype(np.int64),
        index=pd.Index(list(codes), name="code"),
        columns=list(coders),
    )
    any_code = pd.Series([int(np.count_nonzero(_row_sums(p))) for p in per_coder], index=list(coders), name="any_code")
    return PresenceAgreement(frame[columns], whole[columns], coded_by, any_code, left_out, confidence)


def _cells(coder, unit, code, m: int, n_units: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    arrays = [np.asarray(a, dtype=np.int64).ravel() for a in (coder, unit, code)]
    if len({len(a) for a in arrays}) != 1:
        raise InvalidInput("coder, unit and code must have one entry per coded cell each.")
    for a, top, what in zip(arrays, (m, n_units, k), ("coder", "unit", "code")):
        if len(a) and (a.min() < 0 or a.max() >= top):
            raise InvalidInput(f"A {what} position is outside 0 to {top - 1}.")
    key = np.unique((arrays[1] * k + arrays[2]) * m + arrays[0])  # repeats count once
    return key % m, key // m // k, key // m % k


def _row_sums(matrix: sparse.csr_matrix) -> np.ndarray:
    return np.asarray(matrix.sum(axis=1)).ravel()[:, None]


def _column_sums(matrix) -> np.ndarray:
    return np.asarray(matrix.sum(axis=0), dtype=float).ravel()


def _alpha(n1, d, n) -> np.ndarray:
    """Nominal alpha from N1 (values 1), sum of D_u and N (all values); NaN where undefined."""
    n1, d, n = (np.asarray(x, dtype=float) for x in (n1, d, n))
    expected = 2 * n1 * (n - n1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1 - (n - 1) * d / expected, np.nan)


def _figures(totals: dict, n_cells: int, m: int) -> dict:
    """Point figures from the column totals (per code, or summed over all codes) over ``n_cells``
    values per coder."""
    n1, d = totals["n1"], totals["d"]
    out = {
        "units": np.full(len(n1), n_cells, dtype=np.int64),
        "units_coded": totals["units_coded"].astype(np.int64),
        "percent_agreement": 1 - d / (m * n_cells),
        "alpha": _alpha(n1, d, m * n_cells),
        "alpha_ci_low": np.full(len(n1), np.nan),
        "alpha_ci_high": np.full(len(n1), np.nan),
        "alpha_resamples": np.zeros(len(n1), dtype=np.int64),
    }
    if m == 2:
        first, second = totals["by"]
        po = 1 - (first + second - 2 * totals["both"]) / n_cells
        p1, p2 = first / n_cells, second / n_cells
        pe = p1 * p2 + (1 - p1) * (1 - p2)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["kappa"] = np.where(np.isclose(pe, 1.0, rtol=0, atol=1e-12), np.nan, (po - pe) / (1 - pe))
    return out


def _bootstrap(given, disagreement, n_units: int, m: int, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Alpha per code and over all codes (last column) in each resample of units: (samples, k + 1)."""
    coded, k = given.shape
    columns = sparse.hstack([given, _row_sums(given), disagreement, _row_sums(disagreement)]).tocsr()
    stats = columns.T.tocsr()  # (2 (k + 1), coded units)
    chunk = max(1, min(n_resamples, _CHUNK_BYTES // (8 * max(coded, 1))))
    out = np.empty((n_resamples, k + 1))
    n = np.r_[np.full(k, m * n_units), m * n_units * k]
    for start in range(0, n_resamples, chunk):
        size = min(chunk, n_resamples - start)
        weights = _unit_weights(coded, n_units, size, rng)  # (coded, size)
        sums = np.asarray(stats @ weights)  # (2 (k + 1), size)
        out[start : start + size] = _alpha(sums[: k + 1].T, sums[k + 1 :].T, n)
    return out


def _unit_weights(coded: int, n_units: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """How often each coded unit is drawn in ``size`` resamples of ``n_units`` units: (coded, size).

    Exact: how many of the n draws fall among the coded units is binomial, and those draws are
    uniform over the coded units."""
    if coded == 0:
        return np.zeros((0, size))
    hits = rng.binomial(n_units, coded / n_units, size=size)
    weights = np.empty((size, coded))
    for b, h in enumerate(hits):
        weights[b] = np.bincount(rng.integers(0, coded, size=h), minlength=coded)
    return weights.T


def _intervals(figures: dict, samples: np.ndarray, confidence: float) -> None:
    defined = np.isfinite(samples)
    figures["alpha_resamples"] = defined.sum(axis=0).astype(np.int64)
    usable = defined.any(axis=0) & np.isfinite(figures["alpha"])
    if not usable.any():
        return
    with np.errstate(all="ignore"):
        low, high = np.nanquantile(samples[:, usable], [(1 - confidence) / 2, (1 + confidence) / 2], axis=0)
    figures["alpha_ci_low"] = figures["alpha_ci_low"].copy()
    figures["alpha_ci_high"] = figures["alpha_ci_high"].copy()
    figures["alpha_ci_low"][usable], figures["alpha_ci_high"][usable] = low, high
