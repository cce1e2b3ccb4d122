"""Chance-corrected agreement between coders on categorical codes: the kappa family.

Inputs are either reliability data, a coders x units matrix (rows = coders, columns = units; ``None``
or ``NaN`` = the coder did not rate that unit), or for two coders a square contingency table
(rows = first coder's categories, columns = second coder's, same order).

Every coefficient here has the form ``(po - pe) / (1 - pe)`` and differs only in the chance term
``pe``: Cohen (1960) from each coder's own marginals, Scott (1955) from the pooled marginals,
Bennett, Alpert & Goldstein (1954) / Brennan & Prediger (1981) from ``1/q``, Gwet (2008) AC1 from
``sum pi_k (1 - pi_k) / (q - 1)``. Coefficients for more than two coders, and Fleiss' kappa on
counts, are in :mod:`theorize.analysis.multirater_agreement`.

Conventions, stated once:

* Categories are those observed (sorted), unless ``categories=`` lists them. Unused categories do
  not exist by default, as in R ``irr`` and scikit-learn. Passing ``categories`` keeps unused ones,
  which changes weighted kappa (the weights are spread over more categories), Brennan-Prediger and
  AC1 (``q`` grows).
* Weights for weighted kappa depend on the categories' positions 0..q-1 (equally spaced ranks), not
  on numeric labels: ratings 1, 2, 3, 4, 6 weigh like 0, 1, 2, 3, 4 (the ``irr`` convention; Gwet's
  irrCAC uses the numeric labels instead).
* Two-coder coefficients from reliability data use the units both coders rated (complete cases).
  ``percent_agreement``, ``brennan_prediger`` and ``gwet_ac1`` use Gwet's (2014) treatment of missing
  ratings instead, which for two coders with no gaps gives the same number.
* Undefined values (chance agreement of 1, e.g. one category everywhere) raise ``InvalidInput``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.stats import norm

from theorize.analysis._ratings import (
    Ratings,
    chance_corrected,
    gwet_category_shares,
    gwet_observed_agreement,
    read_ratings,
    require_two_coders,
    unit_counts,
)
from theorize.errors import InvalidInput

Weights = Literal["linear", "quadratic"] | np.ndarray | Sequence[Sequence[float]] | None


@dataclass(frozen=True)
class CohenKappa:
    """Cohen's kappa with its large-sample inference (Fleiss, Cohen & Everitt 1969)."""

    kappa: float
    observed_agreement: float
    expected_agreement: float
    standard_error: float  # asymptotic, for confidence intervals
    standard_error_h0: float  # under kappa = 0, for the z test
    z: float
    ci_low: float
    ci_high: float
    confidence: float
    n_units: int


def contingency_table(reliability_data: Any, *, categories: Sequence[Hashable] | None = None) -> pd.DataFrame:
    """Cross-tabulate two coders' ratings over the units both rated.

    Args:
        reliability_data: 2 x units matrix (rows = the two coders); ``None``/``NaN`` = missing.
        categories: Category labels in order; default the categories used (sorted).

    Returns:
        Square DataFrame of counts: rows = first coder's categories, columns = second coder's.

    Examples:
        >>> contingency_table([["a", "a", "b"], ["a", "b", "b"]]).to_numpy().tolist()
        [[1, 1], [0, 1]]
    """
    table, labels, coders = _table_from_ratings(reliability_data, categories, "A contingency table")
    frame = pd.DataFrame(table.astype(np.int64), index=list(labels), columns=list(labels))
    frame.index.name, frame.columns.name = coders
    return frame


def percent_agreement(reliability_data: Any = None, *, table: Any = None) -> float:
    """Proportion of agreeing pairs of ratings, not corrected for chance.

    For two coders: the share of units both coded that they put in the same category. For more coders
    (and with missing ratings): Gwet's (2014, Handbook of Inter-Rater Reliability, 4th ed., ch. 2)
    ``pa``, the mean over units rated by two or more coders of the share of agreeing coder pairs;
    equal to Fleiss' (1971) ``P-bar`` when every unit has all ratings.

    Args:
        reliability_data: Coders x units matrix; ``None``/``NaN`` = missing.
        table: Alternatively, a two-coder square contingency table of counts.

    Returns:
        A proportion in [0, 1].

    Raises:
        InvalidInput: Fewer than two coders, or no unit rated by two coders.

    Examples:
        >>> percent_agreement([[1, 1, 2, 2], [1, 2, 2, 2]])
        0.75
        >>> percent_agreement(table=[[20, 10], [20, 50]])
        0.7
    """
    if table is not None:
        _no_both(reliability_data, "percent_agreement")
        t, _ = _read_table(table)
        return float(np.trace(t) / t.sum())
    ratings = _read(reliability_data, None, "Percent agreement")
    return gwet_observed_agreement(unit_counts(ratings))


def cohen_kappa(
    reliability_data: Any = None,
    *,
    table: Any = None,
    weights: Weights = None,
    categories: Sequence[Hashable] | None = None,
) -> float:
    """Cohen's kappa for two coders, unweighted or weighted.

    Definition: ``kappa = (po - pe) / (1 - pe)`` with ``po = sum_ij w_ij p_ij`` and
    ``pe = sum_ij w_ij p_i. p_.j`` (Cohen 1960, Educ. Psych. Meas. 20:37-46; weighted form Cohen 1968,
    Psych. Bull. 70:213-220). Linear weights ``1 - |i-j|/(q-1)`` (Cicchetti & Allison 1971),
    quadratic ``1 - (i-j)^2/(q-1)^2`` (Fleiss & Cohen 1973), over category positions 0..q-1.

    Unused categories: dropped unless ``categories`` lists them (the R ``irr`` / scikit-learn
    convention; see the module notes). With a contingency table, its rows/columns are the categories.

    Args:
        reliability_data: 2 x units matrix; units missing either rating are left out.
        table: Alternatively, a square contingency table (rows = first coder).
        weights: None (unweighted), "linear", "quadratic", or a q x q matrix of agreement weights
            (1 on the diagonal, 0 = full disagreement), e.g. ``1 - disagreement``.
        categories: Category labels in rank order, to include unused ones or fix the order.

    Returns:
        Kappa, at most 1.

    Raises:
        InvalidInput: Not two coders, no unit rated by both, or chance agreement 1 (kappa is 0/0,
            e.g. both coders used a single category).

    Examples:
        >>> round(cohen_kappa(table=[[20, 10], [20, 50]]), 4)
        0.3478
        >>> round(cohen_kappa([[1, 2, 3, 3], [1, 2, 2, 3]], weights="linear"), 4)
        0.7143
    """
    t, _ = _table(reliability_data, table, categories, "Cohen's kappa")
    w = _weights(weights, t.shape[0])
    p = t / t.sum()
    po = float((w * p).sum())
    pe = float((w * np.outer(p.sum(1), p.sum(0))).sum())
    return chance_corrected(po, pe, "Cohen's kappa", "the coders' category totals")


def cohen_kappa_summary(
    reliability_data: Any = None,
    *,
    table: Any = None,
    weights: Weights = None,
    categories: Sequence[Hashable] | None = None,
    confidence: float = 0.95,
) -> CohenKappa:
    """Cohen's kappa with its asymptotic standard errors, z test and Wald confidence interval.

    Standard errors from Fleiss, Cohen & Everitt (1969, Psych. Bull. 72:323-327), for unweighted and
    weighted kappa; the same figures SAS PROC FREQ prints as ASE. The z statistic divides kappa by the
    standard error under the null hypothesis kappa = 0 (as R ``irr::kappa2`` reports); the interval
    is ``kappa +/- z_(1-a/2) * standard_error``. Arguments as in :func:`cohen_kappa`.

    Returns:
        A :class:`CohenKappa`.

    Examples:
        >>> s = cohen_kappa_summary(table=[[0, 4, 1], [0, 8, 0], [0, 1, 5]])
        >>> round(s.kappa, 4), round(s.standard_error, 4), round(s.z, 4)
        (0.4842, 0.138, 3.2626)
    """
    if not 0 < confidence < 1:
        raise InvalidInput(f"confidence must be between 0 and 1, e.g. 0.95; got {confidence}.")
    t, _ = _table(reliability_data, table, categories, "Cohen's kappa")
    w = _weights(weights, t.shape[0])
    n = t.sum()
    p = t / n
    rows, cols = p.sum(1), p.sum(0)
    po = float((w * p).sum())
    pe = float((w * np.outer(rows, cols)).sum())
    kappa = chance_corrected(po, pe, "Cohen's kappa", "the coders' category totals")
    w_row = w @ cols  # mean weight of row category i against the second coder's marginals
    w_col = rows @ w
    spread = w_row[:, None] + w_col[None, :]
    var = ((p * (w - spread * (1 - kappa)) ** 2).sum() - (kappa - pe * (1 - kappa)) ** 2) / (n * (1 - pe) ** 2)
    var0 = ((np.outer(rows, cols) * (w - spread) ** 2).sum() - pe**2) / (n * (1 - pe) ** 2)
    se, se0 = float(np.sqrt(max(var, 0.0))), float(np.sqrt(max(var0, 0.0)))
    if se0 == 0:
        raise InvalidInput("Kappa's standard error under no agreement is 0 for this table; no z test.")
    half = float(norm.ppf(0.5 + confidence / 2)) * se
    return CohenKappa(kappa, po, pe, se, se0, kappa / se0, kappa - half, kappa + half, confidence, int(n))


def cohen_kappa_max(
    reliability_data: Any = None,
    *,
    table: Any = None,
    categories: Sequence[Hashable] | None = None,
) -> float:
    """The largest unweighted kappa the two coders' marginal totals allow (Cohen 1960, p. 42).

    ``po_max = sum_k min(p_k., p_.k)``; ``kappa_max = (po_max - pe) / (1 - pe)``.

    Examples:
        >>> round(cohen_kappa_max(table=[[88, 14, 18], [10, 40, 10], [2, 6, 12]]), 3)
        0.831
    """
    t, _ = _table(reliability_data, table, categories, "Cohen's kappa")
    p = t / t.sum()
    rows, cols = p.sum(1), p.sum(0)
    pe = float(rows @ cols)
    return chance_corrected(float(np.minimum(rows, cols).sum()), pe, "Cohen's kappa", "totals")


def scott_pi(
    reliability_data: Any = None,
    *,
    table: Any = None,
    categories: Sequence[Hashable] | None = None,
) -> float:
    """Scott's pi for two coders: chance from the pooled category proportions.

    Definition (Scott 1955, Public Opinion Quarterly 19:321-325): ``pe = sum_k pi_k^2`` with
    ``pi_k = (p_k. + p_.k) / 2``. Its many-coder form is Fleiss' kappa. Units missing either rating
    are left out.

    Raises:
        InvalidInput: Not two coders, no unit rated by both, or a single category used throughout.

    Examples:
        >>> round(scott_pi(table=[[20, 10], [20, 50]]), 4)
        0.3407
    """
    t, _ = _table(reliability_data, table, categories, "Scott's pi")
    p = t / t.sum()
    pi = (p.sum(1) + p.sum(0)) / 2
    return chance_corrected(float(np.trace(p)), float(pi @ pi), "Scott's pi", "the pooled totals")


def brennan_prediger(
    reliability_data: Any = None,
    *,
    table: Any = None,
    categories: Sequence[Hashable] | None = None,
) -> float:
    """Bennett's S / Brennan-Prediger kappa: chance agreement ``1/q`` for ``q`` categories.

    Definition: Bennett, Alpert & Goldstein (1954, Public Opinion Quarterly 18:303-308) S; Brennan &
    Prediger (1981, Educ. Psych. Meas. 41:687-699) free-marginal kappa. With more than two coders or
    missing ratings, ``po`` is Gwet's (2014) ``pa`` (see :func:`percent_agreement`); this equals
    Randolph's (2005) free-marginal multirater kappa. ``q`` is the number of categories observed
    (or the table's size) unless ``categories`` lists the categories coders could choose from, which
    is the number the statistic is meant to use.

    Raises:
        InvalidInput: Fewer than two coders, or only one category (``q = 1``).

    Examples:
        >>> round(brennan_prediger(table=[[20, 10], [20, 50]]), 4)
        0.4
        >>> round(brennan_prediger([["y", "y", "n"], ["y", "n", "n"]], categories=["y", "n", "?"]), 4)
        0.5
    """
    if table is not None:
        _no_both(reliability_data, "brennan_prediger")
        t, _ = _read_table(table)
        po, q = float(np.trace(t) / t.sum()), t.shape[0]
    else:
        ratings = _read(reliability_data, categories, "Brennan-Prediger kappa")
        po, q = gwet_observed_agreement(unit_counts(ratings)), ratings.n_categories
    if q < 2:
        raise InvalidInput(
            "Brennan-Prediger kappa needs at least two categories; pass categories=[...] with "
            "every category the coders could choose."
        )
    return (po - 1 / q) / (1 - 1 / q)


def gwet_ac1(
    reliability_data: Any = None,
    *,
    table: Any = None,
    categories: Sequence[Hashable] | None = None,
) -> float:
    """Gwet's AC1 for two or more coders, with missing ratings allowed.

    Definition: Gwet (2008, Brit. J. Math. Stat. Psych. 61:29-48), ``pe = sum_k pi_k (1 - pi_k) /
    (q - 1)``; for many coders and missing ratings Gwet (2014, Handbook of Inter-Rater Reliability,
    4th ed., ch. 4): ``pi_k`` is the mean over units rated at least once of the share of that unit's
    ratings in ``k``, ``po`` is Gwet's ``pa`` over units rated two or more times. ``q`` as in
    :func:`brennan_prediger` (observed categories unless ``categories`` is given).

    Raises:
        InvalidInput: Fewer than two coders, no unit rated twice, or a single category.

    Examples:
        >>> round(gwet_ac1(table=[[88, 14, 18], [10, 40, 10], [2, 6, 12]]), 3)
        0.576
        >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],  # Krippendorff (2011) example C
        ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        ...         [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]
        >>> round(gwet_ac1(data), 3)
        0.775
    """
    if table is not None:
        _no_both(reliability_data, "gwet_ac1")
        t, _ = _read_table(table)
        p = t / t.sum()
        po, pi = float(np.trace(p)), (p.sum(1) + p.sum(0)) / 2
    else:
        counts = unit_counts(_read(reliability_data, categories, "Gwet's AC1"))
        po, pi = gwet_observed_agreement(counts), gwet_category_shares(counts)
    q = len(pi)
    if q < 2:
        raise InvalidInput("Gwet's AC1 needs at least two categories; pass categories=[...].")
    pe = float((pi * (1 - pi)).sum() / (q - 1))
    return chance_corrected(po, pe, "Gwet's AC1", "the category shares")


def _read(reliability_data: Any, categories: Sequence[Hashable] | None, what: str) -> Ratings:
    if reliability_data is None:
        raise InvalidInput(f"{what} needs reliability data (coders x units) or a table.")
    ratings = read_ratings(reliability_data, categories=categories)
    require_two_coders(ratings, what)
    return ratings


def _no_both(reliability_data: Any, name: str) -> None:
    if reliability_data is not None:
        raise InvalidInput(f"{name}: give either reliability data or table=, not both.")


def _read_table(table: Any) -> tuple[np.ndarray, tuple[Any, ...]]:
    labels = tuple(table.index) if isinstance(table, pd.DataFrame) else None
    try:
        t = np.asarray(table, dtype=float)
    except (TypeError, ValueError):
        raise InvalidInput("A contingency table must hold counts (numbers).") from None
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise InvalidInput(
            "A contingency table must be square: one row and one column per category, in the same "
            f"order; got shape {t.shape}."
        )
    if np.isnan(t).any() or (t < 0).any():
        raise InvalidInput("A contingency table must hold counts of units, zero or more.")
    if t.sum() <= 0:
        raise InvalidInput("The contingency table is empty: no unit was rated by both coders.")
    return t, labels if labels is not None else tuple(range(t.shape[0]))


def _table(
    reliability_data: Any, table: Any, categories: Sequence[Hashable] | None, what: str
) -> tuple[np.ndarray, tuple[Any, ...]]:
    if table is not None:
        _no_both(reliability_data, what)
        if categories is not None and len(categories) != np.shape(table)[0]:
            raise InvalidInput("categories must name the table's rows, one label per row.")
        return _read_table(table)
    if reliability_data is None:
        raise InvalidInput(f"{what} needs reliability data (2 coders x units) or table=.")
    t, labels, _ = _table_from_ratings(reliability_data, categories, what)
    return t, labels


def _table_from_ratings(
    reliability_data: Any, categories: Sequence[Hashable] | None, what: str
) -> tuple[np.ndarray, tuple[Any, ...], tuple[str, str]]:
    ratings = read_ratings(reliability_data, categories=categories)
    require_two_coders(ratings, what)
    if ratings.codes.shape[0] != 2:
        raise InvalidInput(
            f"{what} compares two coders; these data have {ratings.codes.shape[0]}. Use Fleiss' "
            "or Conger's kappa, Gwet's AC1 or Krippendorff's alpha for more."
        )
    a, b = ratings.codes
    both = (a >= 0) & (b >= 0)
    if not both.any():
        raise InvalidInput(f"{what}: {ratings.coders[0]!r} and {ratings.coders[1]!r} rated no unit in common.")
    a, b, labels = a[both], b[both], ratings.categories
    if categories is None:  # unused categories do not exist (irr, scikit-learn)
        used = np.unique(np.concatenate([a, b]))
        remap = np.full(len(labels), -1)
        remap[used] = np.arange(len(used))
        a, b, labels = remap[a], remap[b], tuple(labels[i] for i in used)
    q = len(labels)
    t = np.bincount(a * q + b, minlength=q * q).reshape(q, q).astype(float)
    return t, labels, (ratings.coders[0], ratings.coders[1])


def _weights(weights: Weights, q: int) -> np.ndarray:
    if weights is None:
        return np.eye(q)
    if isinstance(weights, str):
        if q < 2:
            return np.eye(q)
        d = np.abs(np.subtract.outer(np.arange(q), np.arange(q))) / (q - 1)
        if weights == "linear":
            return 1 - d
        if weights == "quadratic":
            return 1 - d**2
        raise InvalidInput(f"weights must be None, 'linear', 'quadratic' or a q x q matrix; got {weights!r}.")
    w = np.asarray(weights, dtype=float)
    if w.shape != (q, q):
        raise InvalidInput(f"The weight matrix must be {q} x {q}, one row per category; got {w.shape}.")
    if not np.allclose(np.diag(w), 1) or (w < 0).any() or (w > 1).any():
        raise InvalidInput("Agreement weights must lie in [0, 1] with 1 on the diagonal.")
    return w
