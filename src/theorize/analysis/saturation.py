"""Code saturation: the discovery curve, Guest, Namey & Chen's (2020) assessment, its bootstrap.

Input is interviews (rows, in the order they were conducted or analysed) x codes (columns), 0/1 or
counts, or the codes of each interview as sets. Everything is a pure function; degenerate input
raises :class:`theorize.errors.InvalidInput`. The Guest values are checked against the variants in
``shared/stats/saturation_cases.json``.

Guest, Namey & Chen (2020) leave two things open, so they are parameters here:

* ``run_mode="jump"``: runs follow each other without overlapping (5-6, 7-8, ...);
  ``"slide"``: each run starts one interview later (5-6, 6-7, ...).
* ``report="before_run"``: saturation is reported at the last interview before the first run that
  meets the threshold (the run confirms it); ``"end_of_run"``: at the run's last interview.

The denominator stays the number of distinct codes in the base (it does not grow); a code is new in
a run when no earlier interview (base or not) has it; only complete runs are assessed; and a run meets
the threshold when its ratio is at most the threshold.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from numbers import Real
from typing import Literal

import numpy as np
import pandas as pd

from theorize.analysis.richness import (
    Incidence,
    RichnessEstimate,
    as_incidence_frame,
    incidence_from_code_sets,
    presence_matrix,
)
from theorize.errors import InvalidInput

__all__ = [
    "GuestSaturation",
    "SaturationBootstrap",
    "SaturationParameters",
    "SaturationRun",
    "bootstrap_saturation",
    "discovery_curve",
    "guest_saturation",
    "incidence_from_code_sets",
    "saturation_statement",
]

RunMode = Literal["jump", "slide"]
Report = Literal["before_run", "end_of_run"]

_EPS = 1e-12
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


# ---------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class SaturationParameters:
    """The settings of a Guest, Namey & Chen (2020) assessment, as reported in a methods section."""

    base_size: int = 4
    run_length: int = 2
    threshold: float = 0.05
    run_mode: RunMode = "jump"
    report: Report = "before_run"


@dataclass(frozen=True)
class SaturationRun:
    """One run: interviews ``first``..``last`` (1-based), codes first seen in it, and its ratio."""

    first: int
    last: int
    new_codes: int
    ratio: float
    meets: bool


@dataclass(frozen=True)
class GuestSaturation:
    """The outcome of :func:`guest_saturation`.

    Attributes:
        reached: whether a run met the threshold.
        interview: 1-based interview number at which saturation is reported (see ``parameters.report``),
            or None when not reached.
        interview_id: the label of that interview (the incidence row label), or None.
        base_codes: distinct codes in the base interviews (the denominator).
        runs: every run assessed, in order, up to and including the first that met the threshold.
        parameters: base size, run length, threshold and conventions used.
        n_interviews: interviews analysed.
        total_codes: distinct codes in all interviews.
    """

    reached: bool
    interview: int | None
    interview_id: Hashable | None
    base_codes: int
    runs: tuple[SaturationRun, ...]
    parameters: SaturationParameters
    n_interviews: int
    total_codes: int

    @property
    def ratios(self) -> tuple[float, ...]:
        """The new-information ratio of each run assessed."""
        return tuple(r.ratio for r in self.runs)


@dataclass(frozen=True)
class SaturationBootstrap:
    """The outcome of :func:`bootstrap_saturation` over random interview orders.

    Attributes:
        parameters: the Guest settings used in every order.
        n_orders: random orders drawn.
        n_interviews: interviews in each order.
        share_reached: share of orders in which saturation was reached.
        distribution: one row per interview number at which some order reached saturation:
            ``interview``, ``orders``, ``share`` (of all orders) and ``cumulative_share``.
        curve: per position ``interview``: ``mean``, ``low``, ``median`` and ``high`` cumulative codes
            over the orders (low/high are the percentiles given by ``level``).
        level: width of the band in ``curve`` (0.95: 2.5th to 97.5th percentile).
    """

    parameters: SaturationParameters
    n_orders: int
    n_interviews: int
    share_reached: float
    distribution: pd.DataFrame
    curve: pd.DataFrame
    level: float

    @property
    def share_not_reached(self) -> float:
        """Share of orders in which saturation was never reached."""
        return 1.0 - self.share_reached

    def interview_quantile(self, q: float) -> int | None:
        """Smallest interview by which at least a share ``q`` of all orders had reached saturation.

        None when fewer than ``q`` of the orders ever reach it (orders that never reach saturation
        count as later than every interview).
        """
        if not 0 <= q <= 1:
            raise InvalidInput(f"A quantile lies between 0 and 1, not {q}; give a share such as 0.5 or 0.9.")
        hit = self.distribution[self.distribution["cumulative_share"] >= q - _EPS]
        return int(hit["interview"].iloc[0]) if len(hit) else None


# ---------------------------------------------------------------------------------------------
# input


def _check_parameters(params: SaturationParameters, n_interviews: int) -> None:
    for name, said in (("base_size", "base"), ("run_length", "run length")):
        value = getattr(params, name)
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise InvalidInput(
                f"The {said} ({name}) must be a whole number of interviews, 1 or more, not {value!r}; "
                "give one such as 4."
            )
    if isinstance(params.threshold, bool) or not isinstance(params.threshold, Real) or not 0 <= params.threshold < 1:
        raise InvalidInput(
            f"The new-information threshold is a proportion between 0 and 1, not {params.threshold!r}; "
            "give 0.05 for 5%."
        )
    if params.run_mode not in ("jump", "slide"):
        raise InvalidInput(
            f"The run mode (run_mode) is 'jump' or 'slide', not {params.run_mode!r}; choose one of them."
        )
    if params.report not in ("before_run", "end_of_run"):
        raise InvalidInput(
            f"Where saturation is reported (report) is 'before_run' or 'end_of_run', not "
            f"{params.report!r}; choose one of them."
        )
    if params.base_size >= n_interviews:
        raise InvalidInput(
            f"A base of {params.base_size} interviews leaves nothing to assess in {n_interviews} "
            f"interview{'s' if n_interviews != 1 else ''}; use a smaller base or add interviews."
        )
    needed = params.base_size + params.run_length
    if needed > n_interviews:
        raise InvalidInput(
            f"A base of {params.base_size} and runs of {params.run_length} need at least {needed} interviews "
            f"and there are {n_interviews}; use a smaller base or shorter runs, or add interviews."
        )


def _run_starts(params: SaturationParameters, n: int) -> np.ndarray:
    """0-based index of the first interview of each complete run."""
    step = params.run_length if params.run_mode == "jump" else 1
    return np.arange(params.base_size, n - params.run_length + 1, step)


# ---------------------------------------------------------------------------------------------
# discovery curve


def discovery_curve(incidence: Incidence, stages: Mapping[Hashable, Hashable] | None = None) -> pd.DataFrame:
    """New and cumulative codes per interview, in interview order (the code discovery curve).

    Definition (Guest, Bunce & Johnson 2006, Field Methods 18:59-82; Guest, Namey & Chen 2020): a
    code is new in the first interview that has it. ``proportion_new`` is the share of all codes
    observed in the data that were first seen in that interview (the shares add up to 1) and
    ``cumulative_share`` the share seen so far.

    Args:
        incidence: interviews (rows, in order) x codes (columns), 0/1 or counts; or the codes of each
            interview (a mapping id -> codes, or a sequence of sets).
        stages: optional mapping code -> stage (e.g. initial / focused / theoretical). Then one curve
            per stage is returned, stacked (a long frame with a ``stage`` column, stages in the order
            they first appear in the mapping), each relative to that stage's codes. Codes not in the
            mapping are left out.

    Returns:
        DataFrame with columns ``interview`` (1-based), ``interview_id``, ``codes`` (codes present in
        the interview), ``new_codes``, ``cumulative_codes``, ``proportion_new``, ``cumulative_share``;
        with ``stages`` also ``stage`` first.

    Raises:
        InvalidInput: no interviews, no codes, no code present, or no code has a stage.

    Examples:
        >>> curve = discovery_curve([{"a", "b"}, {"b", "c"}, {"a"}])
        >>> curve["new_codes"].tolist(), curve["cumulative_codes"].tolist()
        ([2, 1, 0], [2, 3, 3])
    """
    frame = as_incidence_frame(incidence)
    present = presence_matrix(frame)
    ids = list(frame.index)
    if stages is None:
        return _curve(present, ids)
    columns = list(frame.columns)
    order = list(dict.fromkeys(stages[c] for c in columns if c in stages))
    if not order:
        raise InvalidInput(
            "None of the codes has a stage; key the stage mapping by the incidence table's column labels."
        )
    parts = []
    for stage in order:
        cols = [j for j, c in enumerate(columns) if c in stages and stages[c] == stage]
        sub = present[:, cols]
        if not sub.any():
            continue
        part = _curve(sub, ids)
        part.insert(0, "stage", stage)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _curve(present: np.ndarray, ids: list[Hashable]) -> pd.DataFrame:
    seen = np.logical_or.accumulate(present, axis=0)
    cumulative = seen.sum(axis=1)
    new = np.diff(cumulative, prepend=0)
    total = int(cumulative[-1])
    return pd.DataFrame(
        {
            "interview": np.arange(1, present.shape[0] + 1),
            "interview_id": ids,
            "codes": present.sum(axis=1),
            "new_codes": new,
            "cumulative_codes": cumulative,
            "proportion_new": new / total,
            "cumulative_share": cumulative / total,
        }
    )


# ---------------------------------------------------------------------------------------------
# Guest, Namey & Chen (2020)


def guest_saturation(
    incidence: Incidence,
    base_size: int = 4,
    run_length: int = 2,
    threshold: float = 0.05,
    run_mode: RunMode = "jump",
    report: Report = "before_run",
) -> GuestSaturation:
    """Code saturation by Guest, Namey & Chen's (2020) base / run / new-information method.

    Definition (Guest G, Namey E, Chen M (2020) A simple method to assess and report thematic
    saturation in qualitative research. PLoS ONE 15(5): e0232076): the base is the first
    ``base_size`` interviews; each following run of ``run_length`` interviews has a new-information
    ratio = (codes first appearing in the run) / (distinct codes in the base). Saturation is reached at
    the first run whose ratio is at most ``threshold``. The conventions the paper leaves open are
    parameters (see the module docstring). The order of interviews matters: pass them in the order
    they were conducted.

    Args:
        incidence: interviews (rows, in order) x codes, 0/1 or counts; or the codes of each interview.
        base_size: interviews in the base (Guest et al. recommend 4; 5-6 as alternatives).
        run_length: interviews per run (2 recommended, or 3).
        threshold: largest new-information ratio that counts as saturation (0.05 = 5%; 0 = none new).
        run_mode: "jump" (runs do not overlap) or "slide" (each run starts one interview later).
        report: "before_run" (the last interview before the confirming run) or "end_of_run".

    Returns:
        GuestSaturation with the interview, every run's ratio and the parameters.

    Raises:
        InvalidInput: no interviews or codes, base_size >= interviews, too few interviews for one
            complete run, no codes in the base, or parameters out of range.

    Examples:
        >>> sets = [{"a", "b"}, {"c"}, {"a", "d"}, {"e"}, {"a"}, {"b"}, {"f"}]
        >>> result = guest_saturation(sets, base_size=4, run_length=2, threshold=0.0)
        >>> result.reached, result.interview, result.ratios
        (True, 4, (0.0,))
    """
    params = SaturationParameters(base_size, run_length, threshold, run_mode, report)
    frame = as_incidence_frame(incidence)
    present = presence_matrix(frame)
    n = present.shape[0]
    _check_parameters(params, n)
    cumulative = np.logical_or.accumulate(present, axis=0).sum(axis=1)
    base = int(cumulative[base_size - 1])
    if base == 0:
        raise InvalidInput(
            f"The first {base_size} interviews have no codes, so the new-information ratio (new codes / "
            "codes in the base) cannot be computed; use a larger base or code those interviews."
        )
    runs: list[SaturationRun] = []
    for start in _run_starts(params, n):
        end = start + run_length - 1
        new = int(cumulative[end] - cumulative[start - 1])
        ratio = new / base
        meets = ratio <= threshold + _EPS
        runs.append(SaturationRun(int(start) + 1, int(end) + 1, new, ratio, bool(meets)))
        if meets:
            point = int(start) if report == "before_run" else int(end) + 1
            return GuestSaturation(
                True, point, frame.index[point - 1], base, tuple(runs), params, n, int(cumulative[-1])
            )
    return GuestSaturation(False, None, None, base, tuple(runs), params, n, int(cumulative[-1]))


def _saturation_points(cumulative: np.ndarray, params: SaturationParameters) -> np.ndarray:
    """Per order (rows of ``cumulative``), the reported interview, or 0 when never reached."""
    n = cumulative.shape[1]
    starts = _run_starts(params, n)
    ends = starts + params.run_length - 1
    base = cumulative[:, params.base_size - 1].astype(float)
    new = cumulative[:, ends] - cumulative[:, starts - 1]
    meets = new <= params.threshold * base[:, None] + _EPS * np.maximum(base[:, None], 1)
    meets &= base[:, None] > 0
    first = meets.argmax(axis=1)
    reached = meets.any(axis=1)
    at = starts[first] if params.report == "before_run" else ends[first] + 1
    return np.where(reached, at, 0)


def bootstrap_saturation(
    incidence: Incidence,
    n_orders: int = 1000,
    *,
    base_size: int = 4,
    run_length: int = 2,
    threshold: float = 0.05,
    run_mode: RunMode = "jump",
    report: Report = "before_run",
    seed: int | np.random.Generator | None = None,
    level: float = 0.95,
) -> SaturationBootstrap:
    """Where saturation falls when the interviews are taken in random orders.

    Guest, Namey & Chen (2020) validate their method by re-ordering interviews at random; this
    draws ``n_orders`` random orders, runs :func:`guest_saturation` on each (vectorised) and
    summarises the interview at which saturation is reported, the share of orders that never reach
    it, and a band of the discovery curve (percentiles of cumulative codes at each position). An
    order whose base holds no codes counts as not reaching saturation.

    Args:
        incidence: interviews x codes, 0/1 or counts; or the codes of each interview.
        n_orders: random orders to draw (1,000 by default).
        base_size, run_length, threshold, run_mode, report: as in :func:`guest_saturation`.
        seed: an int or numpy Generator for reproducible orders.
        level: width of the curve band (0.95 gives the 2.5th and 97.5th percentiles).

    Returns:
        SaturationBootstrap.

    Raises:
        InvalidInput: as :func:`guest_saturation`, or n_orders < 1, or level outside (0, 1).

    Examples:
        >>> sets = [{"a", "b"}, {"c"}, {"a", "d"}, {"e"}, {"a"}, {"b"}, {"f"}, {"a"}]
        >>> boot = bootstrap_saturation(sets, 200, threshold=0.0, seed=1)
        >>> 0 < boot.share_reached < 1, float(boot.curve["high"].iloc[-1])
        (True, 6.0)
    """
    params = SaturationParameters(base_size, run_length, threshold, run_mode, report)
    present = presence_matrix(as_incidence_frame(incidence))
    present = present[:, present.any(axis=0)]
    n = present.shape[0]
    _check_parameters(params, n)
    if isinstance(n_orders, bool) or not isinstance(n_orders, (int, np.integer)) or n_orders < 1:
        raise InvalidInput(
            f"The number of orders (n_orders) must be a whole number, 1 or more, not {n_orders!r}; "
            "give one such as 200."
        )
    if not 0 < level < 1:
        raise InvalidInput(f"The level must lie between 0 and 1, not {level}; give 0.95 for 95%.")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    orders = rng.permuted(np.tile(np.arange(n), (int(n_orders), 1)), axis=1)
    cumulative = _cumulative_codes(present, orders)
    points = _saturation_points(cumulative, params)
    reached = points[points > 0]
    counts = np.bincount(reached, minlength=n + 1)[1:]
    rows = np.nonzero(counts)[0]
    distribution = pd.DataFrame(
        {
            "interview": rows + 1,
            "orders": counts[rows],
            "share": counts[rows] / n_orders,
            "cumulative_share": np.cumsum(counts)[rows] / n_orders,
        }
    )
    tail = (1 - level) / 2 * 100
    low, median, high = np.percentile(cumulative, [tail, 50.0, 100 - tail], axis=0)
    curve = pd.DataFrame(
        {"interview": np.arange(1, n + 1), "mean": cumulative.mean(axis=0), "low": low, "median": median, "high": high}
    )
    return SaturationBootstrap(params, int(n_orders), n, reached.size / n_orders, distribution, curve, level)


def _cumulative_codes(present: np.ndarray, orders: np.ndarray, chunk_bytes: int = 1 << 22) -> np.ndarray:
    """Cumulative distinct codes at each position of each order (orders x interviews).

    Codes are bit-packed so that "seen so far" is an OR over bytes and the count a popcount.
    """
    n_orders, n = orders.shape
    packed = np.packbits(present, axis=1)
    out = np.empty((n_orders, n), dtype=np.int32)
    rows = max(1, chunk_bytes // max(packed.shape[1], 1))
    for lo in range(0, n_orders, rows):
        block = orders[lo : lo + rows]
        seen = np.zeros((block.shape[0], packed.shape[1]), dtype=np.uint8)
        for pos in range(n):
            seen |= packed[block[:, pos]]
            out[lo : lo + rows, pos] = _POPCOUNT[seen].sum(axis=1, dtype=np.int32)
    return out


# ---------------------------------------------------------------------------------------------
# the sentence for the methods section


def _percent(x: float) -> str:
    return f"{round(x * 100, 1):g}%"


def _round(x: float) -> int:
    return int(np.floor(x + 0.5))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def saturation_statement(
    result: GuestSaturation,
    richness_estimate: RichnessEstimate | None = None,
    *,
    bootstrap: SaturationBootstrap | None = None,
) -> str:
    """A plain-language sentence on saturation for a methods section, with its parameters.

    Names the base size, run length and kind, the threshold, where saturation was reached (or that it
    was not), optionally how many codes an estimator expects remain unobserved, and optionally how
    robust the point is over random interview orders. Numbers of codes are rounded to whole codes.

    Args:
        result: from :func:`guest_saturation`.
        richness_estimate: optional, from :func:`theorize.analysis.richness.chao2` or another estimator.
        bootstrap: optional, from :func:`bootstrap_saturation` with the same parameters.

    Returns:
        One or two sentences.

    Examples:
        >>> sets = [{"a", "b"}, {"c"}, {"a", "d"}, {"e"}, {"a"}, {"b"}, {"f"}]
        >>> saturation_statement(guest_saturation(sets, threshold=0.0))  # doctest: +NORMALIZE_WHITESPACE
        'With a base of 4 interviews, runs of 2 interviews (consecutive, non-overlapping) and a
        new-information threshold of 0% (Guest, Namey & Chen 2020), saturation was reached at
        interview 4 (the last interview before the first run that met the threshold).'
    """
    p = result.parameters
    kind = "consecutive, non-overlapping" if p.run_mode == "jump" else "sliding by one interview"
    text = (
        f"With a base of {_plural(p.base_size, 'interview')}, runs of {_plural(p.run_length, 'interview')} "
        f"({kind}) and a new-information threshold of {_percent(p.threshold)} "
        f"(Guest, Namey & Chen 2020), "
    )
    if result.reached:
        where = (
            "the last interview before the first run that met the threshold"
            if p.report == "before_run"
            else "the last interview of the first run that met the threshold"
        )
        text += f"saturation was reached at interview {result.interview} ({where})"
    else:
        lowest = min(result.ratios)
        text += (
            f"saturation was not reached within the {result.n_interviews} interviews analysed "
            f"(the lowest new-information ratio of a run was {_percent(lowest)})"
        )
    if richness_estimate is not None:
        text += "; " + _richness_clause(richness_estimate)
    text += "."
    if bootstrap is not None:
        text += " " + _bootstrap_sentence(bootstrap)
    return text


def _richness_clause(est: RichnessEstimate) -> str:
    name = est.method + (f", {est.variant}" if est.variant else "")
    unseen = _round(est.unobserved)
    ci = est.unobserved_ci
    interval = ""
    if ci is not None:
        interval = f" ({est.level * 100:.10g}% CI {_round(ci[0])}\u2013{_round(ci[1])})"
    if unseen <= 0 and (ci is None or _round(ci[1]) <= 0):
        return f"no further codes are estimated to remain unobserved ({name})"
    verb = "code remains" if unseen == 1 else "codes remain"
    return f"an estimated {unseen}{interval} {verb} unobserved ({name})"


def _bootstrap_sentence(boot: SaturationBootstrap) -> str:
    orders = f"{boot.n_orders:,} random interview order{'s' if boot.n_orders != 1 else ''}"
    if boot.share_reached == 0:
        return f"In {orders}, saturation was never reached."
    text = f"Over {orders}, saturation was reached in {_percent_whole(boot.share_reached)} of orders"
    median = boot.interview_quantile(0.5)
    if median is not None:
        text += f", by interview {median} in half of them"
        high = boot.interview_quantile(0.95)
        if high is not None:
            text += f" and by interview {high} in 95%"
    return text + "."


def _percent_whole(x: float) -> str:
    pct = x * 100
    return f"{pct:.1f}%" if 0 < pct < 1 or 99 < pct < 100 else f"{pct:.0f}%"
