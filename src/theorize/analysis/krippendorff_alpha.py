"""Krippendorff's alpha for reliability data with any number of coders and missing values.

Definition: Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", Annenberg School for
Communication, University of Pennsylvania; Krippendorff (2019), Content Analysis, 4th ed., ch. 12.
From the coincidence matrix
``o_ck = sum_u (number of ordered coder pairs valuing unit u c and k) / (m_u - 1)``
over pairable units (``m_u >= 2`` values), with marginals ``n_c`` and ``n = sum_c n_c``:

    alpha = 1 - D_o / D_e = 1 - (n - 1) * sum_ck o_ck delta_ck^2 / sum_ck n_c n_k delta_ck^2

Metrics delta^2 (Krippendorff 2011): nominal ``[c != k]``; ordinal
``(sum_{g=c..k} n_g - (n_c + n_k) / 2)^2`` (rank-based, from the marginals of the pairable values;
not Gwet's "ordinal weights"); interval ``(c - k)^2``; ratio ``((c - k) / (c + k))^2``.

Units coded by fewer than two coders are not pairable and drop out. Implementation: no loop over
units; one vectorised pass per pair of coders, so the cost is O(coders^2 x units). Interval values
are centred on their mean first (alpha does not change; sums of squares of values near 1e9 keep
their digits). Alpha is undefined, and refused, when a single value is used, in the bootstrap too.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse

from theorize.analysis._ratings import (
    numeric_categories,
    read_ratings,
    require_two_coders,
)
from theorize.errors import InvalidInput

Level = Literal["nominal", "ordinal", "interval", "ratio"]
_LEVELS = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True)
class AlphaInterval:
    """Krippendorff's alpha with a bootstrap confidence interval."""

    alpha: float
    ci_low: float
    ci_high: float
    confidence: float
    level: str
    n_units: int  # pairable units: coded by two or more coders
    n_pairable: int  # pairable values, n.. of the coincidence matrix
    n_resamples: int  # bootstrap samples in which alpha was defined
    method: str = "percentile bootstrap resampling pairable units with replacement"


@dataclass(frozen=True)
class _Pairable:
    codes: np.ndarray  # (coders, pairable units), -1 = missing
    per_unit: np.ndarray  # m_u, number of values in each pairable unit
    values: np.ndarray  # numeric value of each category (interval, ratio); positions otherwise
    labels: tuple[Any, ...]


def krippendorff_alpha(
    reliability_data: Any,
    level: Level = "nominal",
    *,
    categories: Sequence[Hashable] | None = None,
) -> float:
    """Krippendorff's alpha for nominal, ordinal, interval or ratio data.

    Args:
        reliability_data: Coders x units matrix (rows = coders); ``None``/``NaN`` = missing. Values
            may be numbers or, for nominal and ordinal data, labels.
        level: "nominal", "ordinal", "interval" or "ratio" (Krippendorff 2011's metrics).
        categories: For ordinal labels, every value in rank order (numbers are ordered by size).

    Returns:
        Alpha: 1 is perfect agreement, 0 what chance would give; negative values are possible.

    Raises:
        InvalidInput: Fewer than two coders, no unit coded by two coders, labels where numbers are
            needed, or no variation: when every pairable value is the same, D_e = 0 and
            alpha = 1 - 0/0 is undefined (we raise rather than guess 1; so does the krippendorff
            package).

    Examples:
        >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        ...         [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]
        >>> round(krippendorff_alpha(data), 3), round(krippendorff_alpha(data, "ordinal"), 3)
        (0.743, 0.815)
    """
    data = _prepare(reliability_data, level, categories)
    n_c = _value_counts(data, None)
    metric = _metric_values(data, level, n_c)
    observed = _unit_disagreement(data, level, metric).sum()
    return _alpha(observed, n_c, level, metric)


def coincidence_matrix(reliability_data: Any, *, categories: Sequence[Hashable] | None = None) -> pd.DataFrame:
    """Krippendorff's coincidence matrix ``o_ck`` of the pairable values.

    Definition: Krippendorff (2011), the matrix of example C (any number of coders, missing
    values): each pairable unit contributes its ``m_u (m_u - 1)`` ordered pairs of values, each
    weighted ``1 / (m_u - 1)``; the row sums ``n_c`` count the pairable values. Values that occur
    only in units coded once are left out, unless ``categories`` lists them.

    Examples:
        >>> coincidence_matrix([["a", "a", "b"], ["a", "b", "b"]]).to_numpy().tolist()
        [[2.0, 1.0], [1.0, 2.0]]
    """
    data = _prepare(reliability_data, "nominal", categories)
    v = len(data.labels)
    o: np.ndarray = np.zeros(v * v)  # pairs, flat; then v x v
    weight = 1.0 / (data.per_unit - 1)
    for a, b, both in _coder_pairs(data.codes):
        o += np.bincount(a[both] * v + b[both], weights=weight[both], minlength=v * v)
    o = o.reshape(v, v)
    o = o + o.T
    used = np.ones(v, dtype=bool) if categories is not None else o.sum(1) > 0
    labels = [label for label, u in zip(data.labels, used) if u]
    return pd.DataFrame(o[np.ix_(used, used)], index=labels, columns=labels)


def krippendorff_alpha_ci(
    reliability_data: Any,
    level: Level = "nominal",
    *,
    categories: Sequence[Hashable] | None = None,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    rng: np.random.Generator | int | None = None,
) -> AlphaInterval:
    """Krippendorff's alpha with a percentile bootstrap interval, resampling units.

    Method: the nonparametric bootstrap over units (Efron & Tibshirani 1993, ch. 13), as
    recommended for alpha by Zapf et al. (2016, BMC Med. Res. Methodol. 16:93): draw as many pairable
    units as there are, with replacement, recompute alpha (ordinal metric included, from each
    sample's own marginals) and take the ``(1 - confidence) / 2`` and ``(1 + confidence) / 2``
    quantiles. This is not Hayes & Krippendorff's (2007) KALPHA bootstrap, which resamples pairs of
    values. Identical units are grouped first, so large data sets with few distinct patterns are
    cheap. Samples with no variation (alpha undefined, e.g. none of the few units where a rare
    code appears was drawn) are skipped: ``n_resamples`` in the result counts the samples used, and
    a count well below the one asked for is itself a sign that alpha is unstable.

    Args:
        reliability_data: Coders x units matrix, as for :func:`krippendorff_alpha`.
        level: Level of measurement.
        categories: Rank order of ordinal labels.
        n_resamples: Number of bootstrap samples.
        confidence: Coverage of the interval, e.g. 0.95.
        rng: A ``numpy.random.Generator`` or a seed, for reproducible intervals.

    Returns:
        An :class:`AlphaInterval`.

    Raises:
        InvalidInput: As :func:`krippendorff_alpha`, or when no sample has a defined alpha.

    Examples:
        >>> r = krippendorff_alpha_ci([[1, 2, 3, 3, 2, 1, 4, 1, 2], [1, 2, 3, 3, 2, 2, 4, 1, 2]],
        ...                           n_resamples=500, rng=1)
        >>> r.ci_low <= r.alpha <= r.ci_high, r.n_units
        (True, 9)
    """
    if not 0 < confidence < 1:
        raise InvalidInput(f"confidence must be between 0 and 1, e.g. 0.95; got {confidence}.")
    if n_resamples < 1:
        raise InvalidInput(f"n_resamples must be at least 1; got {n_resamples}.")
    data = _prepare(reliability_data, level, categories)
    n_c = _value_counts(data, None)
    metric = _metric_values(data, level, n_c)
    point = _alpha(_unit_disagreement(data, level, metric).sum(), n_c, level, metric)
    samples = _bootstrap(data, level, n_resamples, np.random.default_rng(rng))
    if len(samples) == 0:
        raise InvalidInput(
            f"None of the {n_resamples} bootstrap samples had any variation, so alpha was undefined "
            "in all of them; the data are too uniform for a bootstrap interval."
        )
    low, high = np.quantile(samples, [(1 - confidence) / 2, (1 + confidence) / 2])
    return AlphaInterval(
        alpha=point,
        ci_low=float(low),
        ci_high=float(high),
        confidence=confidence,
        level=level,
        n_units=int(data.codes.shape[1]),
        n_pairable=int(data.per_unit.sum()),
        n_resamples=len(samples),
    )


# --- computation -----------------------------------------------------------------------------------


def _prepare(reliability_data: Any, level: str, categories: Sequence[Hashable] | None) -> _Pairable:
    if level not in _LEVELS:
        raise InvalidInput(f"level must be one of {', '.join(_LEVELS)}; got {level!r}.")
    ratings = read_ratings(reliability_data, categories=categories)
    require_two_coders(ratings, "Krippendorff's alpha")
    per_unit = (ratings.codes >= 0).sum(0)
    pairable = per_unit >= 2
    if not pairable.any():
        raise InvalidInput(
            "No unit was coded by two or more coders, so no values can be paired; Krippendorff's "
            "alpha needs units that at least two coders coded."
        )
    codes = ratings.codes[:, pairable] if not pairable.all() else ratings.codes
    if level in ("interval", "ratio"):
        values = numeric_categories(ratings, level)
        if level == "ratio" and (values < 0).any():
            raise InvalidInput(f"The ratio level needs values of zero or more; the data hold {values.min():g}.")
        if level == "interval":  # centred: sums of squares of values near 1e9 keep their digits
            values = values - float(np.mean(values[codes[codes >= 0]]))
    else:
        if level == "ordinal" and categories is None:
            numeric_categories(ratings, "ordinal")  # labels need an explicit rank order
        values = np.arange(ratings.n_categories, dtype=float)
    return _Pairable(codes, per_unit[pairable].astype(float), values, ratings.categories)


def _coder_pairs(codes: np.ndarray):
    """Each unordered pair of coders: their codes and where both coded the unit."""
    for i in range(codes.shape[0] - 1):
        a = codes[i]
        a_ok = a >= 0
        for j in range(i + 1, codes.shape[0]):
            b = codes[j]
            yield a, b, a_ok & (b >= 0)


def _value_counts(data: _Pairable, weights: np.ndarray | None) -> np.ndarray:
    """n_c, the pairable values of each category (units weighted by bootstrap multiplicity)."""
    ok = data.codes >= 0
    w = None if weights is None else np.broadcast_to(weights, data.codes.shape)[ok]
    return np.bincount(data.codes[ok], weights=w, minlength=len(data.labels)).astype(float)


def _metric_values(data: _Pairable, level: str, n_c: np.ndarray) -> np.ndarray:
    """Values on which delta^2 is a squared difference; ordinal: the mid-rank of each category.

    Krippendorff's ordinal delta_ck = sum_{g=c..k} n_g - (n_c + n_k)/2 equals G_k - G_c with
    G_c = sum_{g<c} n_g + n_c / 2, so ordinal alpha is interval alpha on these mid-ranks.
    """
    if level == "ordinal":
        return np.cumsum(n_c) - n_c / 2
    return data.values


def _delta2(level: str, metric: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if level == "nominal":
        return (a != b).astype(float)
    x, y = metric[a], metric[b]
    if level == "ratio":
        total = x + y
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(total > 0, ((x - y) / np.where(total > 0, total, 1)) ** 2, 0.0)
    return (x - y) ** 2


def _unit_disagreement(data: _Pairable, level: str, metric: np.ndarray) -> np.ndarray:
    """Each pairable unit's share of sum_ck o_ck delta_ck^2."""
    total = np.zeros(data.codes.shape[1])
    for a, b, both in _coder_pairs(data.codes):
        if both.all():
            total += _delta2(level, metric, a, b)
        else:
            total[both] += _delta2(level, metric, a[both], b[both])
    return 2 * total / (data.per_unit - 1)  # ordered pairs: each unordered pair twice


def _expected_sum(n_c: np.ndarray, level: str, metric: np.ndarray) -> float:
    """sum_ck n_c n_k delta_ck^2."""
    n = n_c.sum()
    if level == "nominal":
        return float(n * n - n_c @ n_c)
    if level in ("interval", "ordinal"):
        return float(2 * (n * (n_c @ metric**2) - (n_c @ metric) ** 2))
    used = n_c > 0
    x, w = metric[used], n_c[used]
    total = 0.0
    for start in range(0, len(x), 2048):  # ratio: no closed form; blocks keep memory small
        xs = x[start : start + 2048, None]
        s = xs + x[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.where(s > 0, ((xs - x[None, :]) / np.where(s > 0, s, 1)) ** 2, 0.0)
        total += float(w[start : start + 2048] @ d @ w)
    return total


def _defined(n_c: np.ndarray, level: str, metric: np.ndarray) -> float:
    """sum_ck n_c n_k delta_ck^2, or 0.0 when alpha is undefined: a single value used (checked on
    the counts, so 0.1 everywhere is one value whatever the rounding of its squares)."""
    if int((n_c > 0).sum()) <= 1:
        return 0.0
    return max(_expected_sum(n_c, level, metric), 0.0)


def _alpha(observed: float, n_c: np.ndarray, level: str, metric: np.ndarray) -> float:
    expected = _defined(n_c, level, metric)
    if expected <= 0:
        used = int((n_c > 0).sum())
        raise InvalidInput(
            "Krippendorff's alpha is undefined here: "
            + ("every pairable value is the same" if used <= 1 else "the values do not vary")
            + ", so expected disagreement is 0 and agreement cannot be told apart from chance."
        )
    return float(1 - (n_c.sum() - 1) * observed / expected)


def _bootstrap(data: _Pairable, level: str, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Alpha on n_resamples resamples of the pairable units, drawn with replacement.

    A unit's contribution depends only on the multiset of its values, so identical units are
    grouped into patterns and a resample is a multinomial draw of pattern counts.
    """
    rows = np.sort(data.codes.T, axis=1)
    _, first, freq = np.unique(rows, axis=0, return_index=True, return_counts=True)
    patterns = _Pairable(data.codes[:, first], data.per_unit[first], data.values, data.labels)
    n_patterns, v = len(first), len(data.labels)
    ok = patterns.codes >= 0
    owner = np.broadcast_to(np.arange(n_patterns), ok.shape)[ok]
    value_counts = sparse.csr_matrix((np.ones(len(owner)), (owner, patterns.codes[ok])), shape=(n_patterns, v))
    if level == "ordinal":  # the metric moves with each sample's marginals: keep o_ck per pattern
        coincidences = _pattern_coincidences(patterns, v)
        width = v * v
    else:
        disagreement = _unit_disagreement(patterns, level, data.values)
        width = v
    n_units = int(freq.sum())
    chunk = max(1, min(n_resamples, 20_000_000 // max(n_patterns, width)))
    out = []
    for start in range(0, n_resamples, chunk):
        draws = rng.multinomial(n_units, freq / n_units, size=min(chunk, n_resamples - start))
        n_cs = (value_counts.T @ draws.T).T
        if level == "ordinal":
            o = (coincidences.T @ draws.T).T.reshape(-1, v, v)
            observed = []
            for o_k, n_c in zip(o, n_cs):
                metric = _metric_values(data, level, n_c)
                observed.append(float((o_k * np.subtract.outer(metric, metric) ** 2).sum()))
        else:
            observed = draws @ disagreement
        for n_c, obs in zip(n_cs, observed):
            metric = _metric_values(data, level, n_c)
            expected = _defined(n_c, level, metric)
            if expected > 0:
                out.append(1 - (n_c.sum() - 1) * obs / expected)
    return np.asarray(out)


def _pattern_coincidences(patterns: _Pairable, v: int) -> sparse.csr_matrix:
    """Each pattern's coincidence matrix o_ck, flattened to a row of length v * v."""
    rows, cols, weights = [], [], []
    weight = 1.0 / (patterns.per_unit - 1)
    for a, b, both in _coder_pairs(patterns.codes):
        where = np.flatnonzero(both)
        rows += [where, where]
        cols += [a[both] * v + b[both], b[both] * v + a[both]]
        weights += [weight[both], weight[both]]
    return sparse.csr_matrix(
        (np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols))),
        shape=(len(weight), v * v),
    )
