"""How many codes are still unseen: species-richness estimators applied to codes.

A code plays the part of a species and an interview the part of a sampling unit (Chao & Chiu 2016;
Colwell & Chao 2017). ``incidence`` is always interviews (rows) x codes (columns), 0/1 or counts
(anything above zero counts as present); ``counts`` is one abundance per code (how many codings).

Every estimator returns a :class:`RichnessEstimate`; degenerate input raises
:class:`theorize.errors.InvalidInput`. Values are checked against ``shared/stats/saturation_cases.json``
(scikit-bio / EstimateS for Chao1, vegan 2.6-4 ``specpool`` and ``specaccum(method="exact")`` for the
incidence estimators).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd
from scipy.special import gammaln
from scipy.stats import norm

from theorize.errors import InvalidInput

Incidence: TypeAlias = (
    pd.DataFrame
    | np.ndarray
    | Sequence[Sequence[float]]
    | Mapping[Hashable, Iterable[Hashable]]
    | Sequence[set | frozenset]
)
"""Interviews x codes: a DataFrame or 2-D array of 0/1 or counts, or the codes of each interview
(a mapping interview id -> codes, or a sequence of sets)."""

__all__ = [
    "Incidence",
    "RichnessEstimate",
    "accumulation_curve",
    "bootstrap_richness",
    "chao1",
    "chao2",
    "incidence_from_code_sets",
    "jackknife1",
    "jackknife2",
]


@dataclass(frozen=True)
class RichnessEstimate:
    """An estimate of the total number of codes, observed plus not yet observed.

    Attributes:
        method: the estimator in the words a methods section uses ("Chao2", "first-order jackknife").
        variant: which form of the estimator was used ("classic", "bias-corrected"), or "".
        estimate: estimated total number of codes.
        observed: codes actually observed (S_obs).
        se: standard error, or None where the estimator has no published variance.
        ci_low: lower bound of the confidence interval for the total, or None.
        ci_high: upper bound of the confidence interval for the total, or None.
        level: confidence level of the interval (0.95 for 95%).
    """

    method: str
    variant: str
    estimate: float
    observed: int
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    level: float = 0.95

    @property
    def unobserved(self) -> float:
        """Estimated number of codes not yet observed (estimate - observed)."""
        return self.estimate - self.observed

    @property
    def unobserved_ci(self) -> tuple[float, float] | None:
        """The confidence interval shifted to codes not yet observed, or None without an interval."""
        if self.ci_low is None or self.ci_high is None:
            return None
        return (self.ci_low - self.observed, self.ci_high - self.observed)


# ---------------------------------------------------------------------------------------------
# input, shared with theorize.analysis.saturation


def incidence_from_code_sets(
    code_sets: Mapping[Hashable, Iterable[Hashable]] | Sequence[Iterable[Hashable]],
) -> pd.DataFrame:
    """Interviews x codes 0/1 table from the codes of each interview, in interview order.

    Args:
        code_sets: a mapping interview id -> codes (kept in its order), or a sequence of code
            collections (interviews numbered 1, 2, ...).

    Returns:
        DataFrame of 0/1, one row per interview, one column per code in order of first appearance.

    Raises:
        InvalidInput: no interviews or no codes at all.

    Examples:
        >>> incidence_from_code_sets({"I1": {"a"}, "I2": ["a", "b"]}).to_dict("list")
        {'a': [1, 1], 'b': [0, 1]}
    """
    if isinstance(code_sets, Mapping):
        ids, sets = list(code_sets.keys()), [list(v) for v in code_sets.values()]
    else:
        sets = [list(v) for v in code_sets]
        ids = list(range(1, len(sets) + 1))
    if not sets:
        raise InvalidInput("There are no interviews: no code sets were given; give one set of codes per interview.")
    codes = list(dict.fromkeys(c for s in sets for c in s))
    if not codes:
        raise InvalidInput("There are no codes: every interview's code set is empty; code the interviews first.")
    col = {c: j for j, c in enumerate(codes)}
    table = np.zeros((len(sets), len(codes)), dtype=np.int8)
    for i, s in enumerate(sets):
        table[i, [col[c] for c in s]] = 1
    return pd.DataFrame(table, index=pd.Index(ids, name="interview_id"), columns=codes)


def as_incidence_frame(incidence: Incidence) -> pd.DataFrame:
    """Any accepted incidence input as a DataFrame (rows interviews, columns codes), not yet checked."""
    if isinstance(incidence, pd.DataFrame):
        return incidence
    if isinstance(incidence, Mapping) or (
        isinstance(incidence, Sequence)
        and len(incidence) > 0
        and all(isinstance(s, (set, frozenset)) for s in incidence)
    ):
        return incidence_from_code_sets(incidence)  # type: ignore[arg-type]
    try:
        values = np.asarray(incidence, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            "The incidence table must hold numbers (0/1 or counts of codings) in every cell; put 1 where a "
            "code occurs and 0 where it does not."
        ) from exc
    if values.size == 0 and values.ndim <= 2 and values.shape[0] == 0:
        raise InvalidInput("There are no interviews: the incidence table has no rows; give one row per interview.")
    if values.ndim != 2:
        raise InvalidInput("The incidence table must be two-dimensional; give interviews as rows and codes as columns.")
    return pd.DataFrame(values, index=pd.RangeIndex(1, values.shape[0] + 1, name="interview_id"))


def presence_matrix(incidence: Incidence) -> np.ndarray:
    """Interviews x codes as a boolean array; raise InvalidInput on anything unusable.

    Examples:
        >>> presence_matrix([[0, 2], [1, 0]]).tolist()
        [[False, True], [True, False]]
    """
    try:
        values = as_incidence_frame(incidence).to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            "The incidence table must hold numbers (0/1 or counts of codings) in every cell; put 1 where a "
            "code occurs and 0 where it does not."
        ) from exc
    if values.shape[0] == 0:
        raise InvalidInput("There are no interviews: the incidence table has no rows; give one row per interview.")
    if values.shape[1] == 0:
        raise InvalidInput("There are no codes: the incidence table has no columns; give one column per code.")
    if np.isnan(values).any():
        raise InvalidInput("The incidence table has empty cells; use 0 where a code does not occur.")
    if (values < 0).any():
        raise InvalidInput("The incidence table has negative numbers; use 0/1 or counts of codings.")
    present = values > 0
    if not present.any():
        raise InvalidInput(
            "Every cell of the incidence table is 0, so no code occurs in any interview; code the interviews first."
        )
    return present


def _incidence_frequencies(incidence: Incidence) -> tuple[np.ndarray, int]:
    """Y_j (interviews containing code j, codes never seen dropped) and m (interviews)."""
    present = presence_matrix(incidence)
    m = present.shape[0]
    if m < 2:
        raise InvalidInput(
            "Richness estimators need at least two interviews (with one, every code is unique to it); add interviews."
        )
    freq = present.sum(axis=0)
    return freq[freq > 0], m


def _z(level: float) -> float:
    if not 0 < level < 1:
        raise InvalidInput(f"The confidence level must lie between 0 and 1, not {level}; give 0.95 for 95%.")
    return float(norm.ppf(0.5 + level / 2))


def _lognormal_ci(estimate: float, observed: int, var: float, z: float) -> tuple[float, float]:
    """Chao (1987) log-normal interval: S_obs + T/K .. S_obs + T*K, T = estimate - S_obs."""
    t = estimate - observed
    if t <= 0:
        return (float(observed), float(observed))
    k = math.exp(z * math.sqrt(math.log(1 + var / t**2)))
    return (observed + t / k, observed + t * k)


def _no_singleton_ci(observed: int, n: float, z: float) -> tuple[float, float, float]:
    """Variance and interval when f1 = 0 (EstimateS; Chao 1987), n = individuals or incidences."""
    p = math.exp(-n / observed)
    var = observed * p * (1 - p)
    half = z * math.sqrt(observed * p / (1 - p))
    return var, max(float(observed), observed / (1 - p) - half), observed / (1 - p) + half


# ---------------------------------------------------------------------------------------------
# abundance: Chao1


def chao1(
    counts: Sequence[int] | np.ndarray | pd.Series, *, bias_corrected: bool = True, level: float = 0.95
) -> RichnessEstimate:
    """Chao1 estimate of the total number of codes from how often each code was applied.

    Definition (Chao 1984, Scand J Stat 11:265-270; Chao 2005; EstimateS user guide):
    classic ``S_obs + f1^2 / (2 f2)``; bias-corrected ``S_obs + f1 (f1 - 1) / (2 (f2 + 1))``, where f1
    and f2 are the codes applied exactly once and twice. The classic form is undefined without
    doubletons (f2 = 0); then the bias-corrected form is used and ``variant`` says so (as scikit-bio
    does). Variances are Chao's (EstimateS appendix B); the interval is Chao's (1987) log-normal one,
    and with no singletons (f1 = 0) the EstimateS interval based on exp(-n / S_obs). When the estimate
    equals S_obs with singletons present (f1 = 1, bias-corrected) the interval is S_obs..S_obs, as in
    scikit-bio.

    Args:
        counts: number of codings of each code (zeros allowed; they are codes not observed).
        bias_corrected: use the bias-corrected form (the default, as in scikit-bio).
        level: confidence level of the interval.

    Returns:
        RichnessEstimate with se and a log-normal confidence interval.

    Raises:
        InvalidInput: counts are empty, negative, fractional, or all zero.

    Examples:
        >>> chao1([0, 1, 1, 4, 2, 5, 2, 4, 1, 2]).estimate
        9.75
        >>> chao1([0, 1, 1, 4, 2, 5, 2, 4, 1, 2], bias_corrected=False).estimate
        10.5
    """
    x = np.asarray(counts, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise InvalidInput("Chao1 needs one count of codings per code and got no counts; give the counts.")
    if np.isnan(x).any() or (x < 0).any() or (x != np.round(x)).any():
        raise InvalidInput("Chao1 needs whole, non-negative counts of codings per code; give counts such as 0, 1 or 2.")
    observed = int((x > 0).sum())
    if observed == 0:
        raise InvalidInput(
            "Chao1 needs at least one code that was applied and every count is 0; code some passages first."
        )
    f1, f2 = int((x == 1).sum()), int((x == 2).sum())
    z = _z(level)
    use_bc = bias_corrected or f2 == 0
    variant = "bias-corrected" if use_bc else "classic"
    if use_bc:
        estimate = observed + f1 * (f1 - 1) / (2 * (f2 + 1))
    else:
        estimate = observed + f1 * f1 / (2 * f2)
    if f1 == 0:
        var, low, high = _no_singleton_ci(observed, float(x.sum()), z)
        return RichnessEstimate("Chao1", variant, float(estimate), observed, math.sqrt(var), low, high, level)
    if f2 == 0:
        var = f1 * (f1 - 1) / 2 + f1 * (2 * f1 - 1) ** 2 / 4 - f1**4 / (4 * estimate)
    elif use_bc:
        var = (
            f1 * (f1 - 1) / (2 * (f2 + 1))
            + f1 * (2 * f1 - 1) ** 2 / (4 * (f2 + 1) ** 2)
            + f1**2 * f2 * (f1 - 1) ** 2 / (4 * (f2 + 1) ** 4)
        )
    else:
        r = f1 / f2
        var = f2 * (r**2 / 2 + r**3 + r**4 / 4)
    low, high = _lognormal_ci(estimate, observed, var, z)
    return RichnessEstimate("Chao1", variant, float(estimate), observed, math.sqrt(var), low, high, level)


# ---------------------------------------------------------------------------------------------
# incidence: Chao2, jackknives, bootstrap


def chao2(incidence: Incidence, *, bias_corrected: bool | None = None, level: float = 0.95) -> RichnessEstimate:
    """Chao2 estimate of the total number of codes from which interviews each code occurs in.

    Definition (Chao 1987, Biometrics 43:783-791; Colwell & Coddington 1994; small-sample factor
    (m-1)/m as in EstimateS and vegan): classic ``S_obs + ((m-1)/m) Q1^2 / (2 Q2)``; bias-corrected
    ``S_obs + ((m-1)/m) Q1 (Q1 - 1) / (2 (Q2 + 1))``, with Q1, Q2 the codes found in exactly one and two
    of the m interviews.

    ``bias_corrected=None`` (the default) follows vegan 2.6-4 ``specpool``: the classic form when
    Q2 > 0 and the bias-corrected form when Q2 = 0 (29.75 on the 12 x 27 reference matrix,
    32.1375 on vegan's ``dune``). ``True`` forces the bias-corrected form (28.964 on the 12 x 27
    matrix), ``False`` the classic one (which falls back to bias-corrected when Q2 = 0).

    The standard error is Chao's: for the classic form ``Q2 [c r^2/2 + c^2 r^3 + c^2 r^4/4]`` with
    r = Q1/Q2 and c = (m-1)/m (vegan's Chao.SE); for the bias-corrected form the EstimateS variance.
    The 95% interval is Chao's (1987) log-normal interval; with Q1 = 0 it is the EstimateS interval
    with the total number of incidences in place of individuals.

    Args:
        incidence: interviews (rows) x codes (columns), 0/1 or counts.
        bias_corrected: None for vegan's choice, True or False to force a form.
        level: confidence level of the interval.

    Returns:
        RichnessEstimate with se and a log-normal confidence interval.

    Raises:
        InvalidInput: fewer than two interviews, no codes, or no code present.

    Examples:
        >>> x = [[1, 1, 0, 0], [1, 0, 1, 0], [1, 0, 0, 1]]
        >>> chao2(x).estimate
        6.0
        >>> chao2(x).variant
        'bias-corrected'
    """
    freq, m = _incidence_frequencies(incidence)
    observed = int(freq.size)
    q1, q2 = int((freq == 1).sum()), int((freq == 2).sum())
    c = (m - 1) / m
    z = _z(level)
    use_bc = (q2 == 0) if bias_corrected is None else (bias_corrected or q2 == 0)
    if use_bc:
        estimate = observed + c * q1 * (q1 - 1) / (2 * (q2 + 1))
        variant = "bias-corrected"
    else:
        estimate = observed + c * q1 * q1 / (2 * q2)
        variant = "classic"
    if q1 == 0:
        var, low, high = _no_singleton_ci(observed, float(freq.sum()), z)
        return RichnessEstimate("Chao2", variant, float(estimate), observed, math.sqrt(var), low, high, level)
    if q2 == 0:
        var = c * q1 * (q1 - 1) / 2 + c * c * (q1 * (2 * q1 - 1) ** 2 / 4 - q1**4 / (4 * estimate))
    elif use_bc:
        var = (
            c * q1 * (q1 - 1) / (2 * (q2 + 1))
            + c * c * q1 * (2 * q1 - 1) ** 2 / (4 * (q2 + 1) ** 2)
            + c * c * q1**2 * q2 * (q1 - 1) ** 2 / (4 * (q2 + 1) ** 4)
        )
    else:
        r = q1 / q2
        var = q2 * (c * r**2 / 2 + c * c * r**3 + c * c * r**4 / 4)
    low, high = _lognormal_ci(estimate, observed, var, z)
    return RichnessEstimate("Chao2", variant, float(estimate), observed, math.sqrt(var), low, high, level)


def jackknife1(
    incidence: Incidence, *, level: float = 0.95, se_formula: Literal["vegan", "jackknife"] = "vegan"
) -> RichnessEstimate:
    """First-order jackknife estimate of the total number of codes (incidence).

    Definition (Burnham & Overton 1978, Biometrika 65:625-633; Heltshe & Forrester 1983, Biometrics
    39:1-11): ``S_obs + Q1 (m - 1) / m``.

    Standard error: ``se_formula="vegan"`` (default) reproduces vegan 2.6-4 ``specpool``'s Jack1.SE,
    ``sqrt(((m-1)/m) (sum_j j^2 f_j - Q1/m))`` with f_j the interviews holding j codes found nowhere
    else (1.645448 on ``dune``). ``"jackknife"`` is the delete-one-interview jackknife variance
    itself, ``((m-1)/m) (sum_j j^2 f_j - Q1^2/m)``; the two differ only in the last term.
    The interval is normal, ``estimate +/- z se``, with the lower end not below S_obs.

    Args:
        incidence: interviews (rows) x codes (columns), 0/1 or counts.
        level: confidence level of the interval.
        se_formula: "vegan" or "jackknife", as above.

    Returns:
        RichnessEstimate with se and a normal confidence interval.

    Raises:
        InvalidInput: fewer than two interviews, no codes, or no code present.

    Examples:
        >>> jackknife1([[1, 1, 0], [1, 0, 1]]).estimate
        4.0
    """
    freq, m = _incidence_frequencies(incidence)
    observed = int(freq.size)
    q1 = int((freq == 1).sum())
    estimate = observed + q1 * (m - 1) / m
    present = presence_matrix(incidence)
    uniques_per_interview = present[:, present.sum(axis=0) == 1].sum(axis=1).astype(float)
    sum_sq = float((uniques_per_interview**2).sum())
    if se_formula == "vegan":
        var = (sum_sq - q1 / m) * (m - 1) / m if q1 > 0 else 0.0
    elif se_formula == "jackknife":
        var = (sum_sq - q1 * q1 / m) * (m - 1) / m
    else:
        raise InvalidInput(
            f"The standard error formula (se_formula) is 'vegan' or 'jackknife', not {se_formula!r}; "
            "choose one of them."
        )
    se = math.sqrt(max(var, 0.0))
    z = _z(level)
    return RichnessEstimate(
        "first-order jackknife",
        "",
        float(estimate),
        observed,
        se,
        max(float(observed), estimate - z * se),
        estimate + z * se,
        level,
    )


def jackknife2(incidence: Incidence) -> RichnessEstimate:
    """Second-order jackknife estimate of the total number of codes (incidence).

    Definition (Burnham & Overton 1978; Smith & van Belle 1984, Biometrics 40:119-129; as vegan
    ``specpool``): ``S_obs + Q1 (2m - 3)/m - Q2 (m - 2)^2 / (m (m - 1))``.
    No standard error or interval: neither vegan nor EstimateS gives a variance for it, so ``se``,
    ``ci_low`` and ``ci_high`` are None.

    Args:
        incidence: interviews (rows) x codes (columns), 0/1 or counts.

    Returns:
        RichnessEstimate without se or interval.

    Raises:
        InvalidInput: fewer than two interviews, no codes, or no code present.

    Examples:
        >>> round(jackknife2([[1, 1, 0, 1], [1, 0, 1, 1], [1, 0, 0, 0]]).estimate, 4)
        5.8333
    """
    freq, m = _incidence_frequencies(incidence)
    observed = int(freq.size)
    q1, q2 = int((freq == 1).sum()), int((freq == 2).sum())
    estimate = observed + q1 * (2 * m - 3) / m - q2 * (m - 2) ** 2 / (m * (m - 1))
    return RichnessEstimate("second-order jackknife", "", float(estimate), observed)


def bootstrap_richness(incidence: Incidence) -> RichnessEstimate:
    """Bootstrap estimate of the total number of codes (incidence).

    Definition (Smith & van Belle 1984, Biometrics 40:119-129; as vegan ``specpool`` "boot"):
    ``S_obs + sum_j (1 - p_j)^m`` with p_j the share of the m interviews containing code j.
    Point estimate only (``se`` None).

    Args:
        incidence: interviews (rows) x codes (columns), 0/1 or counts.

    Returns:
        RichnessEstimate without se or interval.

    Raises:
        InvalidInput: fewer than two interviews, no codes, or no code present.

    Examples:
        >>> bootstrap_richness([[1, 1], [1, 0]]).estimate
        2.25
    """
    freq, m = _incidence_frequencies(incidence)
    estimate = freq.size + float(((1 - freq / m) ** m).sum())
    return RichnessEstimate("bootstrap", "", float(estimate), int(freq.size))


# ---------------------------------------------------------------------------------------------
# expected accumulation


def accumulation_curve(incidence: Incidence) -> pd.DataFrame:
    """Exact (sample-based rarefaction) code accumulation curve with its standard deviation.

    Definition (Kindt 2003; Colwell, Mao & Chang 2004; vegan ``specaccum(method="exact")``):
    the expected number of distinct codes in t interviews drawn without replacement from the m,
    ``S(t) = sum_j [1 - C(m - Y_j, t) / C(m, t)]``, with Y_j the interviews containing code j.
    The SD is vegan's conditioned one (Kindt, van Damme & Simons 2006):
    ``sqrt(sum_j V_j + 2 sum_{i<j} r_ij sqrt(V_i V_j))`` with ``V_j = q_j (1 - q_j)``,
    ``q_j = C(m - Y_j, t) / C(m, t)`` and r_ij the correlation of codes i and j across interviews
    (0 where a code occurs in every interview). It does not depend on the order of interviews.

    Args:
        incidence: interviews (rows) x codes (columns), 0/1 or counts.

    Returns:
        DataFrame with columns ``interviews`` (t = 1..m), ``codes`` (expected S(t)) and ``sd``.

    Raises:
        InvalidInput: no interviews, no codes, or no code present.

    Examples:
        >>> accumulation_curve([[1, 0], [0, 1]])["codes"].tolist()
        [1.0, 2.0]
    """
    present = presence_matrix(incidence)
    present = present[:, present.any(axis=0)]
    m = present.shape[0]
    freq = present.sum(axis=0)
    t = np.arange(1, m + 1)[:, None]
    avail = (m - freq)[None, :]
    with np.errstate(invalid="ignore"):
        log_q = (
            gammaln(avail + 1)
            - gammaln(t + 1)
            - gammaln(np.maximum(avail - t, 0) + 1)
            - (gammaln(m + 1) - gammaln(t + 1) - gammaln(m - t + 1))
        )
    q = np.where(avail >= t, np.exp(np.minimum(log_q, 0.0)), 0.0)
    codes = (1 - q).sum(axis=1)
    root_v = np.sqrt(q * (1 - q))
    x = present.astype(float)
    centred = x - x.mean(axis=0)
    norms = np.sqrt((centred**2).sum(axis=0))
    safe = np.where(norms > 0, norms, 1.0)
    corr = (centred.T @ centred) / np.outer(safe, safe)
    corr[norms == 0, :] = 0.0
    corr[:, norms == 0] = 0.0
    np.fill_diagonal(corr, 1.0)
    var = ((root_v @ corr) * root_v).sum(axis=1)  # one matrix product, not an m x k x k loop
    return pd.DataFrame({"interviews": np.arange(1, m + 1), "codes": codes, "sd": np.sqrt(np.maximum(var, 0.0))})
