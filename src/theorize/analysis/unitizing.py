"""Unitizing alpha: agreement on coded spans, where coders choose both the stretch and the code.

Two generations of Krippendorff's coefficient are here.

* The u-alpha family (Krippendorff, Mathet, Bouvry & Widlöcher 2016, "On the reliability of
  unitizing textual continua: Further developments", Quality & Quantity 50:2347-2364; Krippendorff
  2019, Content Analysis, 4th ed., sec. 12.6), the one ATLAS.ti reports. Each coder's spans, with
  the uncoded stretches between them given the value phi ("irrelevant"), partition the continuum.
  Observed coincidences are lengths of overlap between different coders' segments,
  ``l_ck = 1/(m-1) sum_{i != j} sum_{g,h} |S_ig(c) intersect S_jh(k)|``; expected coincidences
  correct for a segment not pairing with itself,
  ``e_ck = l.. (l_c. l_.k - [c=k] W_c) / (l..^2 - W)``, where ``W_c`` sums over the segments of
  value c the square of their length (phi stretches count each position apart: their length).
  ``u_alpha = 1 - sum_{c != k} l_ck / sum_{c != k} e_ck`` (nominal codes).
  :func:`u_alpha` is |u-alpha over all codes; :func:`binary_u_alpha` collapses the codes to
  "coded" vs phi (Krippendorff 2019, sec. 12.6, fig. 12.11), or keeps one code against everything
  else, which is ATLAS.ti's per-code alpha-binary (:func:`u_alpha_by_code`).
* The original unitizing alpha (Krippendorff 1995, Sociological Methodology 25:47-76; 2004,
  "Measuring the reliability of qualitative text analysis data", Quality & Quantity 38:787-800),
  per code, from the squared differences of the ends of overlapping units:
  :func:`unitizing_alpha_2004`.

Input: ``spans`` maps each coder to their spans ``(start, end, code)``, integer positions, ``end``
exclusive, on a continuum ``0 .. length``; or ``(source, start, end, code)`` with ``continuum`` a
mapping from source to its length, in which case the sources are laid end to end (units never cross
a source boundary, so nothing changes but the bookkeeping). Every coder is taken to have read every
source: a coder who coded nothing must still be listed, with no spans. A DataFrame with columns
``coder, start, end, code`` (and ``source``) works too, but it can only list coders with a span;
use the mapping when someone coded nothing.

The figures reproduce Krippendorff's (2019) fig. 12.11 (|u-alpha .510, binary .413) and his 2004
fig. 2 (alpha_c .7286, pooled .8591) as transcribed in ../shared/stats/alpha_cases.json. Only the
nominal metric is implemented for u-alpha. The coding alpha within the relevant stretches (|cu-alpha,
ATLAS.ti's cu-alpha) is not: no published value was at hand to check it against.

Overlapping spans of the same code by one coder are merged into one unit (a position cannot be coded
c twice); adjacent ones stay separate units. |u-alpha over all codes needs each coder's codes to be
mutually exclusive at every position and raises otherwise; per-code figures never need that.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from theorize.errors import InvalidInput

Spans: TypeAlias = Mapping[Hashable, Iterable[tuple]] | pd.DataFrame
Continuum: TypeAlias = int | Mapping[Any, int]  # Any: a Mapping's key type is invariant


@dataclass(frozen=True)
class UnitizingAgreement:
    """The u-alpha family for one set of coded spans (Krippendorff 2019, sec. 12.6)."""

    u_alpha: float  # |u-alpha, nominal, all codes
    binary_u_alpha: float  # coded (any code) vs not coded
    code_alphas: Mapping[Any, float]  # per code: that code vs everything else (ATLAS.ti alpha-binary)
    n_coders: int
    continuum_length: int


@dataclass(frozen=True)
class CodeUnitizingAlpha:
    """One code's original unitizing alpha (Krippendorff 2004) and its two disagreements."""

    alpha: float
    observed_disagreement: float
    expected_disagreement: float


@dataclass(frozen=True)
class UnitizingAlpha2004:
    """Krippendorff's (2004) unitizing alpha per code, and pooled over codes."""

    alpha: float  # 1 - sum_c D_o(c) / sum_c D_e(c)
    codes: Mapping[Any, CodeUnitizingAlpha]


@dataclass(frozen=True)
class _Coded:
    coders: tuple[str, ...]
    starts: tuple[np.ndarray, ...]  # per coder, on the concatenated continuum
    ends: tuple[np.ndarray, ...]
    codes: tuple[np.ndarray, ...]  # per coder, index into labels
    labels: tuple[Any, ...]
    bounds: np.ndarray  # source boundaries on the concatenated continuum: 0, ..., length

    @property
    def length(self) -> int:
        return int(self.bounds[-1])


def u_alpha(spans: Spans, continuum: Continuum) -> float:
    """|u-alpha: agreement on where the coded stretches are and which code they carry.

    Definition: Krippendorff et al. (2016, Quality & Quantity 50:2347-2364) and Krippendorff (2019,
    Content Analysis, 4th ed., sec. 12.6, eqs. for |u-alpha), nominal codes; see the module notes.

    Args:
        spans: Coder -> spans ``(start, end, code)`` (end exclusive), or with a leading source.
        continuum: Length of the text in positions, or source -> length.

    Returns:
        |u-alpha; 1 when every coder coded the same stretches with the same codes.

    Raises:
        InvalidInput: Fewer than two coders, spans outside the text, one coder's spans with
            different codes overlapping (the codes must be mutually exclusive), or no variation
            (alpha 0/0, e.g. nobody coded anything).

    Examples:
        >>> spans = {"A": [(0, 6, "x"), (10, 14, "y")], "B": [(0, 5, "x"), (10, 14, "y")]}
        >>> round(u_alpha(spans, 20), 4)
        0.9237
    """
    coded = _read_spans(spans, continuum)
    return _u_alpha(*_partition(coded, None), coded, "|u-alpha")


def binary_u_alpha(spans: Spans, continuum: Continuum, *, code: Hashable | None = None) -> float:
    """Binary u-alpha: coded vs not coded, for all codes together or for one code.

    With ``code=None`` every code collapses to one value, "relevant", against phi (Krippendorff
    2019, sec. 12.6): do coders agree on what to code at all? With a code, that code is kept and
    all else is phi, ATLAS.ti's alpha-binary for a code: do coders agree on where this code applies?
    Same definition and arguments as :func:`u_alpha`.

    Overlapping spans of one coder (of any codes, with ``code=None``) are one relevant unit.

    Raises:
        InvalidInput: As :func:`u_alpha` (but overlaps never), an unknown code, or a code applied
            to the whole text by everyone.

    Examples:
        >>> spans = {"A": [(0, 6, "x"), (10, 14, "y")], "B": [(0, 5, "x"), (10, 14, "x")]}
        >>> round(binary_u_alpha(spans, 20), 4), round(binary_u_alpha(spans, 20, code="y"), 4)
        (0.9069, -0.075)
    """
    coded = _read_spans(spans, continuum)
    if code is None:
        return _u_alpha(*_partition(coded, None, collapse=True), coded, "binary u-alpha")
    if code not in coded.labels:
        raise InvalidInput(f"No coder used the code {code!r}; the codes used are {list(coded.labels)}.")
    index = coded.labels.index(code)
    return _u_alpha(*_partition(coded, index), coded, f"binary u-alpha for {code!r}")


def u_alpha_by_code(spans: Spans, continuum: Continuum) -> Mapping[Any, float]:
    """Per-code binary u-alpha for every code used (ATLAS.ti's alpha-binary per code).

    Returns:
        Read-only mapping code -> binary u-alpha (see :func:`binary_u_alpha`), codes sorted.

    Examples:
        >>> spans = {"A": [(0, 6, "x"), (10, 14, "y")], "B": [(0, 5, "x"), (10, 14, "x")]}
        >>> {k: round(v, 3) for k, v in u_alpha_by_code(spans, 20).items()}
        {'x': 0.501, 'y': -0.075}
    """
    coded = _read_spans(spans, continuum)
    return MappingProxyType(
        {
            label: _u_alpha(*_partition(coded, i), coded, f"binary u-alpha for {label!r}")
            for i, label in enumerate(coded.labels)
        }
    )


def unitizing_agreement(spans: Spans, continuum: Continuum) -> UnitizingAgreement:
    """|u-alpha, binary u-alpha and per-code binary u-alpha in one call.

    Raises:
        InvalidInput: As :func:`u_alpha`; use :func:`u_alpha_by_code` alone when one coder's
            different codes overlap.

    Examples:
        >>> spans = {"A": [(0, 6, "x"), (10, 14, "y")], "B": [(0, 5, "x"), (10, 14, "y")]}
        >>> r = unitizing_agreement(spans, 20)
        >>> round(r.u_alpha, 4), sorted(r.code_alphas)
        (0.9237, ['x', 'y'])
    """
    coded = _read_spans(spans, continuum)
    starts, ends, codes = _partition(coded, None)
    return UnitizingAgreement(
        u_alpha=_u_alpha(starts, ends, codes, coded, "|u-alpha"),
        binary_u_alpha=_u_alpha(starts, ends, [np.zeros_like(c) for c in codes], coded, "binary u-alpha"),
        code_alphas=u_alpha_by_code(spans, continuum),
        n_coders=len(coded.coders),
        continuum_length=coded.length,
    )


def unitizing_alpha_2004(spans: Spans, continuum: Continuum) -> UnitizingAlpha2004:
    """Krippendorff's original unitizing alpha, per code and pooled.

    Definition (Krippendorff 2004, Quality & Quantity 38:787-800, eqs. for alpha_U; first in
    Krippendorff 1995): for code c, each coder's units of c and the gaps between them (bounded by
    the source's ends). The distance between two coders' sections is
    ``(b_g - b_h)^2 + (e_g - e_h)^2`` for overlapping units, ``l_g^2`` for a unit inside the other's
    gap, 0 otherwise; ``D_o = sum_{i != j} sum_{g,h} delta^2 / (m (m - 1) L^2)``;
    ``D_e = (2 / L) sum_units [(n_c - 1)/3 (2l^3 - 3l^2 + l) + l^2 sum_{gaps >= l} (gap - l + 1)]
    / [m L (m L - 1) - sum_units l (l - 1)]``, ``n_c`` the number of units of c. Pooled alpha is
    ``1 - sum_c D_o / sum_c D_e`` (as DKPro Statistics reports).

    Positions are discrete. The 1995 paper's expected disagreements hold for a continuous
    continuum; scaling all positions by a large factor approaches them.

    Raises:
        InvalidInput: Fewer than two coders, bad spans, or a code with no expected disagreement.

    Examples:
        >>> spans = {"i": [(75, 145, "c"), (220, 250, "c")], "j": [(70, 150, "c"), (205, 225, "c"),
        ...          (250, 270, "c")]}
        >>> round(unitizing_alpha_2004(spans, 300).codes["c"].alpha, 4)
        0.7286
    """
    coded = _read_spans(spans, continuum)
    m, length = len(coded.coders), float(coded.length)
    results = {}
    for index, label in enumerate(coded.labels):
        starts, ends, _ = _partition(coded, index)
        sections = [_sections(s, e, coded.bounds) for s, e in zip(starts, ends)]
        total = 0.0
        for i in range(m):
            for j in range(i + 1, m):
                total += 2 * _distance_sum(sections[i], sections[j])
        observed = total / (m * (m - 1) * length**2)
        expected = _expected_2004(starts, ends, sections, m, length)
        if expected <= 0:
            raise InvalidInput(f"Unitizing alpha for {label!r} is undefined: its expected disagreement is 0.")
        results[label] = CodeUnitizingAlpha(1 - observed / expected, observed, expected)
    if not results:
        raise InvalidInput("No coder coded any span, so there is no unitizing to compare.")
    pooled = 1 - sum(r.observed_disagreement for r in results.values()) / sum(
        r.expected_disagreement for r in results.values()
    )
    return UnitizingAlpha2004(float(pooled), MappingProxyType(results))


# --- reading spans ---------------------------------------------------------------------------------


def _read_spans(spans: Spans, continuum: Continuum) -> _Coded:
    if isinstance(spans, pd.DataFrame):
        spans = _spans_from_frame(spans)
    if not isinstance(spans, Mapping):
        raise InvalidInput("spans must map each coder to a list of (start, end, code) spans.")
    if isinstance(continuum, Mapping):
        sources = list(continuum)
        lengths = [_length(continuum[s], s) for s in sources]
    else:
        sources, lengths = [None], [_length(continuum, None)]
    offsets = dict(zip(sources, np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(int)))
    sizes = dict(zip(sources, lengths))
    coders = [str(c) for c in spans]
    if len(coders) < 2:
        who = f"only {coders[0]!r} is listed" if coders else "no coder is listed"
        raise InvalidInput(f"Unitizing agreement needs at least two coders; {who}.")
    rows: list[list[tuple[int, int, Any]]] = []
    for coder, coder_spans in zip(coders, spans.values()):
        rows.append([_span(coder, span, sources, offsets, sizes) for span in coder_spans])
    labels = tuple(_sorted_codes({code for row in rows for _, _, code in row}))
    position = {label: i for i, label in enumerate(labels)}
    arrays = [np.array([(s, e, position[c]) for s, e, c in row], dtype=np.int64).reshape(-1, 3) for row in rows]
    bounds = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return _Coded(
        tuple(coders),
        tuple(a[:, 0] for a in arrays),
        tuple(a[:, 1] for a in arrays),
        tuple(a[:, 2] for a in arrays),
        labels,
        bounds,
    )


def _spans_from_frame(frame: pd.DataFrame) -> dict[Hashable, list[tuple]]:
    needed = {"coder", "start", "end", "code"}
    if not needed <= set(frame.columns):
        raise InvalidInput(f"The spans table needs the columns {sorted(needed)} (and source).")
    columns = (["source"] if "source" in frame.columns else []) + ["start", "end", "code"]
    return {
        coder: list(group[columns].itertuples(index=False, name=None))
        for coder, group in frame.groupby("coder", sort=False)
    }


def _length(value: Any, source: Hashable | None) -> int:
    where = "" if source is None else f" of {source!r}"
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise InvalidInput(f"The length{where} must be a whole number of positions, 1 or more; got {value!r}.")
    return int(value)


def _span(coder: str, span: tuple, sources: list, offsets: dict, sizes: dict) -> tuple[int, int, Any]:
    span = tuple(span)
    if sources == [None]:
        if len(span) != 3:
            raise InvalidInput(f"{coder}'s span {span!r} must be (start, end, code).")
        source, (start, end, code) = None, span
    else:
        if len(span) != 4:
            raise InvalidInput(f"{coder}'s span {span!r} must be (source, start, end, code).")
        source, start, end, code = span
        if source not in offsets:
            raise InvalidInput(f"{coder}'s span {span!r} names a source with no length given.")
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (start, end)):
        raise InvalidInput(f"{coder}'s span {span!r} must have whole-number positions.")
    if not 0 <= start < end <= sizes[source]:
        where = "the text" if source is None else repr(source)
        raise InvalidInput(
            f"{coder}'s span {span!r} does not fit {where} (positions 0 to {sizes[source]}, end "
            "exclusive, end after start)."
        )
    return int(start) + offsets[source], int(end) + offsets[source], code


def _sorted_codes(codes: set) -> list:
    try:
        return sorted(codes)
    except TypeError:
        return sorted(codes, key=lambda c: (type(c).__name__, str(c)))


def _partition(
    coded: _Coded, code: int | None, *, collapse: bool = False
) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Each coder's units, sorted: all codes (must not overlap), one code (overlaps merged), or
    every code as one value (``collapse``: overlaps merged, as in binary u-alpha over all codes)."""
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for coder, s, e, c in zip(coded.coders, coded.starts, coded.ends, coded.codes):
        if code is not None:
            keep = c == code
            s, e, c = s[keep], e[keep], c[keep]
        if collapse:
            c = np.zeros_like(c)
        order = np.lexsort((e, s))
        s, e, c = s[order], e[order], c[order]
        if len(s) > 1:
            reach = np.maximum.accumulate(e)
            overlap = s[1:] < reach[:-1]
            if overlap.any() and code is None and not collapse:
                k = int(np.flatnonzero(overlap)[0]) + 1
                first = int(np.flatnonzero(e[:k] > s[k])[0])
                raise InvalidInput(
                    f"{coder}'s spans {int(s[first])}-{int(e[first])} "
                    f"({coded.labels[c[first]]!r}) and {int(s[k])}-{int(e[k])} "
                    f"({coded.labels[c[k]]!r}) overlap; |u-alpha needs each coder's codes to be "
                    "mutually exclusive. Per-code binary u-alpha (u_alpha_by_code) does not."
                )
            if overlap.any():  # same code, same coder: one unit
                new = np.r_[True, ~overlap]
                s, e, c = s[new], np.maximum.reduceat(e, np.flatnonzero(new)), c[new]
        starts.append(s)
        ends.append(e)
        codes.append(c)
    return starts, ends, codes


# --- u-alpha family --------------------------------------------------------------------------------


def _u_alpha(starts, ends, codes, coded: _Coded, what: str) -> float:
    m, length = len(starts), coded.length
    phi = int(max((c.max() for c in codes if len(c)), default=-1)) + 1  # value index of phi
    v = phi + 1
    breaks = np.unique(np.concatenate([[0, length], *starts, *ends]))
    piece = np.diff(breaks).astype(float)
    at = breaks[:-1]
    values = []
    for s, e, c in zip(starts, ends, codes):
        k = np.searchsorted(s, at, side="right") - 1
        inside = (k >= 0) & (at < e[np.maximum(k, 0)]) if len(s) else np.zeros(len(at), bool)
        values.append(np.where(inside, c[np.maximum(k, 0)] if len(s) else 0, phi))
    observed = np.zeros(v * v)
    for i in range(m):
        for j in range(m):
            if i != j:
                observed += np.bincount(values[i] * v + values[j], weights=piece, minlength=v * v)
    observed = observed.reshape(v, v) / (m - 1)
    self_pairs = np.zeros(v)
    for s, e, c in zip(starts, ends, codes):
        lengths = (e - s).astype(float)
        self_pairs[:phi] += np.bincount(c, weights=lengths**2, minlength=v)[:phi]
        self_pairs[phi] += length - lengths.sum()  # phi: each position is its own unit
    total = observed.sum()
    margins = observed.sum(1)
    denominator = total**2 - self_pairs.sum()
    expected_diagonal = total * (margins**2 - self_pairs) / denominator
    disagreement_expected = total - expected_diagonal.sum()
    if disagreement_expected <= 1e-12 * total:
        raise InvalidInput(
            f"{what} is undefined: the coding does not vary (e.g. nothing was coded, or the same "
            "code covers the whole text for every coder), so expected disagreement is 0."
        )
    return float(1 - (total - np.trace(observed)) / disagreement_expected)


# --- the 2004 unitizing alpha ----------------------------------------------------------------------


def _sections(starts: np.ndarray, ends: np.ndarray, bounds: np.ndarray):
    """Units and the gaps around them, gaps cut at source boundaries: (begin, end) arrays."""
    # Between consecutive breaks (unit ends, source ends) a stretch is either in a unit or a gap;
    # two gap stretches can only meet at a source boundary, which is where a gap must end.
    edges = np.unique(np.concatenate([bounds, starts, ends]))
    b, e = edges[:-1], edges[1:]
    is_unit = np.zeros(len(b), dtype=bool)
    if len(starts):
        k = np.searchsorted(starts, b, side="right") - 1
        is_unit = (k >= 0) & (b < ends[np.maximum(k, 0)])
    units = (starts.astype(float), ends.astype(float))
    return units, (b[~is_unit].astype(float), e[~is_unit].astype(float))


def _distance_sum(one, other) -> float:
    """sum over the two coders' sections of Krippendorff's (2004) delta^2, one direction."""
    (ub1, ue1), (gb1, ge1) = one
    (ub2, ue2), (gb2, ge2) = other
    total = 0.0
    if len(ub1) and len(ub2):
        overlap = (ub1[:, None] < ue2[None, :]) & (ub2[None, :] < ue1[:, None])
        d = (ub1[:, None] - ub2[None, :]) ** 2 + (ue1[:, None] - ue2[None, :]) ** 2
        total += float(d[overlap].sum())
    for (ub, ue), (gb, ge) in (((ub1, ue1), (gb2, ge2)), ((ub2, ue2), (gb1, ge1))):
        if len(ub) and len(gb):
            inside = (gb[None, :] <= ub[:, None]) & (ue[:, None] <= ge[None, :])
            total += float((((ue - ub) ** 2)[:, None] * inside).sum())
    return total


def _expected_2004(starts, ends, sections, m: int, length: float) -> float:
    units = np.concatenate([(e - s).astype(float) for s, e in zip(starts, ends)])
    gaps = np.sort(np.concatenate([ge - gb for _, (gb, ge) in sections]))
    n = len(units)
    if n == 0:
        return 0.0
    # sum over gaps at least l long of (gap - l + 1), for every unit length l, via suffix sums
    first = np.searchsorted(gaps, units, side="left")
    suffix = np.r_[np.cumsum(gaps[::-1])[::-1], 0.0]
    count = len(gaps) - first
    fits = suffix[first] - (units - 1) * count
    numerator = ((n - 1) / 3 * (2 * units**3 - 3 * units**2 + units) + units**2 * fits).sum()
    denominator = m * length * (m * length - 1) - (units * (units - 1)).sum()
    return float(2 / length * numerator / denominator)
