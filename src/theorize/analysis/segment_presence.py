"""From codings to per-code presence matrices, for segment-level agreement.

When sources are cut into fixed segments (sentences, paragraphs, speaker turns) and coders apply codes
to segments, agreement on a code is agreement on a binary variable per segment: did the coder apply
the code there or not. These coders x segments 0/1 matrices feed any coefficient in
:mod:`theorize.analysis` (Krippendorff's alpha, kappa); stacking them side by side gives the pooled
matrix for agreement over all codes.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from theorize.errors import InvalidInput


def segment_presence_matrix(
    codings: pd.DataFrame | Iterable[tuple[Hashable, Hashable, Hashable]],
    *,
    coders: Sequence[Hashable] | None = None,
    units: Sequence[Hashable] | None = None,
    codes: Sequence[Hashable] | None = None,
    assignments: pd.DataFrame | Iterable[tuple[Hashable, Hashable]] | None = None,
) -> dict[Any, pd.DataFrame]:
    """One coders x units matrix per code: 1.0 coded, 0.0 not coded, NaN not reviewed.

    Args:
        codings: Rows ``(coder, unit_id, code)``, or a DataFrame with those columns. Repeats count
            once.
        coders: Every coder, in order; default those in ``codings`` and ``assignments``, sorted.
        units: Every unit (segment) reviewed, in order; default those in ``codings`` and
            ``assignments``, sorted. Pass them: a segment nobody coded is agreement on absence, and
            it is invisible in ``codings``.
        codes: Codes to report, in order; default those in ``codings``, sorted. A listed code
            nobody used gets a matrix of zeros.
        assignments: Rows ``(coder, unit_id)``, or a DataFrame with those columns, saying which
            units each coder reviewed; the others are missing (NaN). Default: every coder reviewed
            every unit.

    Returns:
        Dict code -> DataFrame (index = coders, columns = units, float).

    Raises:
        InvalidInput: Missing columns, a coding by a coder or on a unit not in ``coders``/``units``,
            or a coding on a unit its coder was not assigned.

    Examples:
        >>> m = segment_presence_matrix([("ann", 1, "fear"), ("bo", 1, "fear"), ("bo", 2, "hope")],
        ...                             units=[1, 2, 3])
        >>> m["fear"].to_numpy().tolist()
        [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
        >>> pooled = pd.concat(m, axis=1)  # coders x (code, unit): agreement over all codes
        >>> pooled.shape
        (2, 6)
    """
    frame = _frame(codings, ["coder", "unit_id", "code"], "codings")
    assigned = None if assignments is None else _frame(assignments, ["coder", "unit_id"], "assignments")
    seen_coders = frame["coder"].tolist() + ([] if assigned is None else assigned["coder"].tolist())
    seen_units = frame["unit_id"].tolist() + ([] if assigned is None else assigned["unit_id"].tolist())
    coder_index = _index(coders, seen_coders, "coder")
    unit_index = _index(units, seen_units, "unit")
    code_index = _index(codes, frame["code"].tolist(), "code")
    ci = _positions(coder_index, frame["coder"], "coder", "coders")
    ui = _positions(unit_index, frame["unit_id"], "unit", "units")
    ki = code_index.get_indexer(frame["code"])
    keep = ki >= 0  # codings of codes not asked for
    presence = np.zeros((len(code_index), len(coder_index), len(unit_index)))
    presence[ki[keep], ci[keep], ui[keep]] = 1.0
    if assigned is not None:
        reviewed = np.zeros((len(coder_index), len(unit_index)), dtype=bool)
        reviewed[
            _positions(coder_index, assigned["coder"], "coder", "coders"),
            _positions(unit_index, assigned["unit_id"], "unit", "units"),
        ] = True
        stray = ~reviewed[ci, ui]
        if stray.any():
            row = frame.iloc[int(np.flatnonzero(stray)[0])]
            raise InvalidInput(
                f"{row['coder']!r} coded unit {row['unit_id']!r} with {row['code']!r}, but that "
                "unit is not among the units assigned to them."
            )
        presence[:, ~reviewed] = np.nan
    return {
        code: pd.DataFrame(presence[k], index=list(coder_index), columns=list(unit_index))
        for k, code in enumerate(code_index)
    }


def _frame(rows: Any, columns: list[str], what: str) -> pd.DataFrame:
    if isinstance(rows, pd.DataFrame):
        missing = [c for c in columns if c not in rows.columns]
        if missing:
            raise InvalidInput(f"The {what} table needs the columns {columns}; missing {missing}.")
        return rows[columns].reset_index(drop=True)
    rows = [tuple(r) for r in rows]
    bad = next((r for r in rows if len(r) != len(columns)), None)
    if bad is not None:
        raise InvalidInput(f"Each of the {what} must be ({', '.join(columns)}); got {bad!r}.")
    return pd.DataFrame(rows, columns=columns)


def _index(given: Sequence[Hashable] | None, seen: list, what: str) -> pd.Index:
    if given is not None:
        index = pd.Index(list(given))
        if index.has_duplicates:
            raise InvalidInput(f"The {what}s given repeat a name: {index[index.duplicated()][0]!r}.")
        return index
    unique = list(dict.fromkeys(seen))
    try:
        unique.sort()
    except TypeError:
        unique.sort(key=lambda v: (type(v).__name__, str(v)))
    return pd.Index(unique)


def _positions(index: pd.Index, values: pd.Series, what: str, argument: str) -> np.ndarray:
    positions = index.get_indexer(values)
    if (positions < 0).any():
        value = values.iloc[int(np.flatnonzero(positions < 0)[0])]
        raise InvalidInput(f"The {what} {value!r} appears in the codings but not in {argument}=.")
    return positions
