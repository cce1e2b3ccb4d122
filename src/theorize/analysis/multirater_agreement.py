"""Agreement among more than two coders: Fleiss, its generalisation to missing ratings, Conger, Light,
Randolph.

Two inputs appear here. Counts are a units x categories matrix: how many coders put each unit in each
category (Fleiss 1971); :func:`category_counts` makes one from reliability data. Coefficients that need
to know which coder gave which rating (Conger, Light) take reliability data, a coders x units matrix
with ``None``/``NaN`` for missing ratings.

Which to use with missing ratings or unequal numbers of coders per unit: classic Fleiss (1971)
requires every unit to have the same number of ratings and raises otherwise. Its generalisation is
:func:`gwet_fleiss_kappa` (Gwet 2014, Handbook of Inter-Rater Reliability, 4th ed., ch. 2 and 4),
and Conger's kappa with Gwet's (2014) treatment of missing ratings is :func:`conger_kappa`.
Krippendorff's alpha (:mod:`theorize.analysis.krippendorff_alpha`) also handles missing ratings.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from theorize.analysis._ratings import (
    chance_corrected,
    gwet_category_shares,
    gwet_observed_agreement,
    read_counts,
    read_ratings,
    require_two_coders,
    unit_counts,
)
from theorize.analysis.agreement import cohen_kappa
from theorize.errors import InvalidInput


@dataclass(frozen=True)
class FleissKappa:
    """Fleiss' kappa with its parts (Fleiss 1971) and z test (Fleiss, Nee & Landis 1979)."""

    kappa: float
    observed_agreement: float  # P-bar
    expected_agreement: float  # P-bar_e = sum_j p_j^2
    standard_error_h0: float
    z: float
    category_kappas: Mapping[Any, float]  # used categories only; kappa_j is 0/0 for an unused one
    unit_agreement: tuple[float, ...]  # P_i, the share of agreeing coder pairs on unit i
    n_units: int
    n_coders: int


def category_counts(reliability_data: Any, *, categories: Sequence[Hashable] | None = None) -> pd.DataFrame:
    """Units x categories counts from a coders x units matrix (missing ratings are not counted).

    Args:
        reliability_data: Coders x units; ``None``/``NaN`` = missing. A DataFrame's columns name
            the units.
        categories: Category labels in order; default the categories used (sorted). Listing unused
            categories adds zero columns, which Randolph's kappa counts.

    Returns:
        DataFrame, one row per unit and one column per category.

    Examples:
        >>> category_counts([["a", "a"], ["a", "b"], ["a", None]]).to_numpy().tolist()
        [[3, 0], [1, 1]]
    """
    ratings = read_ratings(reliability_data, categories=categories)
    units = (
        list(reliability_data.columns)
        if isinstance(reliability_data, pd.DataFrame)
        else list(range(ratings.codes.shape[1]))
    )
    counts = unit_counts(ratings).astype(np.int64)
    return pd.DataFrame(counts, index=units, columns=list(ratings.categories))


def fleiss_kappa(counts: Any) -> float:
    """Fleiss' kappa for a fixed number of coders per unit.

    Definition (Fleiss 1971, Psych. Bull. 76:378-382): with ``n_ij`` coders putting unit i in
    category j and ``m`` coders per unit, ``P_i = sum_j n_ij (n_ij - 1) / (m (m - 1))``,
    ``p_j = sum_i n_ij / (N m)``, ``kappa = (mean P_i - sum p_j^2) / (1 - sum p_j^2)``. It is Scott's
    pi for many coders (the coders need not be the same people on each unit).

    Args:
        counts: Units x categories matrix of counts (see :func:`category_counts`).

    Returns:
        Fleiss' kappa.

    Raises:
        InvalidInput: Units with different numbers of ratings (use :func:`gwet_fleiss_kappa`), fewer
            than two ratings per unit, or a single category throughout (kappa is 0/0).

    Examples:
        >>> round(fleiss_kappa([[3, 0], [2, 1], [1, 2], [0, 3]]), 4)
        0.3333
    """
    return fleiss_kappa_summary(counts).kappa


def fleiss_kappa_summary(counts: Any) -> FleissKappa:
    """Fleiss' kappa with per-category kappas, per-unit agreement and the z test.

    Category kappa ``kappa_j = 1 - sum_i n_ij (m - n_ij) / (N m (m - 1) p_j q_j)`` (Fleiss 1971,
    eq. 13). Standard error under kappa = 0 from Fleiss, Nee & Landis (1979, Psych. Bull.
    86:974-977), as reported by R ``irr::kappam.fleiss``; ``z = kappa / standard_error_h0``.

    Examples:
        >>> s = fleiss_kappa_summary([[3, 0], [2, 1], [1, 2], [0, 3]])
        >>> round(s.observed_agreement, 4), s.expected_agreement
        (0.6667, 0.5)
    """
    c, labels = read_counts(counts)
    if len(c) == 0:
        raise InvalidInput("Fleiss' kappa needs at least one unit.")
    m_per_unit = c.sum(1)
    m = m_per_unit[0]
    if (m_per_unit != m).any():
        lo, hi = int(m_per_unit.min()), int(m_per_unit.max())
        raise InvalidInput(
            f"Fleiss' kappa needs the same number of ratings on every unit; these units have "
            f"between {lo} and {hi}. Use gwet_fleiss_kappa (Gwet 2014) or conger_kappa for missing "
            "ratings."
        )
    if m < 2:
        raise InvalidInput(f"Fleiss' kappa needs at least two coders per unit; each unit has {int(m)}.")
    n = len(c)
    unit_p = (c * (c - 1)).sum(1) / (m * (m - 1))
    p = c.sum(0) / (n * m)
    po, pe = float(unit_p.mean()), float(p @ p)
    kappa = chance_corrected(po, pe, "Fleiss' kappa", "the category proportions")
    pq = p * (1 - p)
    used = pq > 0
    kj = 1 - (c[:, used] * (m - c[:, used])).sum(0) / (n * m * (m - 1) * pq[used])
    s = pq.sum()
    spread = s**2 - (pq * (1 - 2 * p)).sum()
    se0 = float(np.sqrt(2) / (s * np.sqrt(n * m * (m - 1))) * np.sqrt(max(spread, 0.0)))
    if se0 == 0:
        raise InvalidInput("Fleiss' kappa's standard error under no agreement is 0; no z test.")
    used_labels = [lab for lab, u in zip(labels, used) if u]
    return FleissKappa(
        kappa=kappa,
        observed_agreement=po,
        expected_agreement=pe,
        standard_error_h0=se0,
        z=kappa / se0,
        category_kappas=MappingProxyType(dict(zip(used_labels, map(float, kj)))),
        unit_agreement=tuple(map(float, unit_p)),
        n_units=n,
        n_coders=int(m),
    )


def gwet_fleiss_kappa(counts: Any) -> float:
    """Fleiss' kappa generalised to missing ratings and unequal coders per unit (Gwet 2014).

    Definition (Gwet 2014, Handbook of Inter-Rater Reliability, 4th ed., sec. 2.4 / 4.2; R
    ``irrCAC::fleiss.kappa.raw``): ``po`` is Gwet's ``pa``, the mean over units rated by two or more
    coders of ``sum_k r_ik (r_ik - 1) / (r_i (r_i - 1))``; ``pe = sum_k pi_k^2`` with ``pi_k`` the
    mean over units rated at least once of ``r_ik / r_i``. Units with a single rating enter ``pi_k``
    only; units with none are ignored. With equal coders per unit this is Fleiss' kappa.

    Args:
        counts: Units x categories counts (see :func:`category_counts`); rows may sum differently.

    Raises:
        InvalidInput: No unit rated twice, or a single category throughout.

    Examples:
        >>> round(gwet_fleiss_kappa([[3, 0], [2, 1], [1, 1], [0, 3], [1, 0]]), 4)
        0.1029
    """
    c, _ = read_counts(counts)
    po = gwet_observed_agreement(c)
    pi = gwet_category_shares(c)
    return chance_corrected(po, float(pi @ pi), "Fleiss' kappa", "the category proportions")


def randolph_kappa(counts: Any) -> float:
    """Randolph's free-marginal multirater kappa: chance agreement ``1/q``.

    Definition (Randolph 2005, "Free-marginal multirater kappa", JLIS 2005 conference paper):
    ``kappa_free = (P-bar - 1/q) / (1 - 1/q)`` with Fleiss' ``P-bar`` (Gwet's ``pa`` when units
    have unequal numbers of ratings) and ``q`` the number of categories coders could choose: the
    number of columns of ``counts``, unused ones included. The many-coder Brennan-Prediger kappa.

    Raises:
        InvalidInput: No unit rated twice, or fewer than two categories.

    Examples:
        >>> round(randolph_kappa([[6, 1, 0], [0, 7, 0]]), 6)
        0.785714
    """
    c, _ = read_counts(counts)
    q = c.shape[1]
    if q < 2:
        raise InvalidInput("Randolph's kappa needs at least two categories (columns of counts).")
    po = gwet_observed_agreement(c)
    return (po - 1 / q) / (1 - 1 / q)


def conger_kappa(reliability_data: Any, *, categories: Sequence[Hashable] | None = None) -> float:
    """Conger's kappa: Cohen's kappa for many coders, with missing ratings allowed.

    Definition (Conger 1980, Psych. Bull. 88:322-328; equal to Hubert's 1977 and Davies & Fleiss'
    1982 kappa): chance agreement is the mean over coder pairs of ``sum_k p_gk p_hk``, each coder's
    own category proportions. Missing ratings as in Gwet (2014, Handbook, 4th ed., sec. 4.2; R
    ``irrCAC::conger.kappa.raw``): ``p_gk`` is over the units coder g rated, ``po`` is Gwet's ``pa``.
    Coders who rated nothing are left out.

    Args:
        reliability_data: Coders x units; ``None``/``NaN`` = missing.
        categories: Category labels; only their number of zero columns matters here.

    Raises:
        InvalidInput: Fewer than two coders, no unit rated twice, or a single category throughout.

    Examples:
        >>> round(conger_kappa([[1, 1, 2, 2], [1, 2, 2, 2], [1, 1, 2, None]]), 4)
        0.6842
    """
    ratings = read_ratings(reliability_data, categories=categories)
    require_two_coders(ratings, "Conger's kappa")
    codes = ratings.codes[(ratings.codes >= 0).any(1)]
    po = gwet_observed_agreement(unit_counts(ratings))
    q = ratings.n_categories
    per_coder = np.stack([np.bincount(row[row >= 0], minlength=q) for row in codes]).astype(float)
    p = per_coder / per_coder.sum(1, keepdims=True)
    r = len(p)
    total = p.sum(0)
    pe = float(((total**2 - (p**2).sum(0)) / (r * (r - 1))).sum())
    return chance_corrected(po, pe, "Conger's kappa", "the coders' category proportions")


def light_kappa(reliability_data: Any, *, categories: Sequence[Hashable] | None = None) -> float:
    """Light's kappa: the mean of Cohen's kappa over all pairs of coders.

    Definition: Light (1971, Psych. Bull. 76:365-377); each pair over the units both rated (with
    Conger's kappa, see Warrens 2010, Adv. Data Anal. Classif. 4:271-286). Pairs who rated no unit
    in common are skipped.

    Raises:
        InvalidInput: Fewer than two coders, no pair with a unit in common, or a pair whose kappa
            is undefined (both used a single category), named in the message.

    Examples:
        >>> round(light_kappa([[1, 1, 2, 2], [1, 2, 2, 2], [1, 1, 2, 2]]), 4)
        0.6667
    """
    ratings = read_ratings(reliability_data, categories=categories)
    require_two_coders(ratings, "Light's kappa")
    kappas = []
    for g, h in combinations(range(len(ratings.coders)), 2):
        pair = ratings.codes[[g, h]]
        if not ((pair >= 0).all(0)).any():
            continue
        labelled = np.where(pair >= 0, pair, np.nan)
        try:
            kappas.append(cohen_kappa(labelled, categories=range(ratings.n_categories)))
        except InvalidInput as err:
            raise InvalidInput(
                f"Light's kappa: the pair {ratings.coders[g]!r} / {ratings.coders[h]!r} has no "
                f"defined Cohen's kappa ({err})"
            ) from None
    if not kappas:
        raise InvalidInput("Light's kappa: no two coders rated a unit in common.")
    return float(np.mean(kappas))
