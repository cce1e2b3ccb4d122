"""Reading reliability data into integer category codes, and the pieces the coefficients share.

Reliability data are a coders x units matrix (rows = coders, columns = units), as in Krippendorff
(2011). A cell is missing when it holds ``None``, ``NaN`` or ``pd.NA``. Categories may be numbers or
labels. Everything downstream works on ``codes`` (int64, -1 = missing) and the category labels.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from theorize.errors import InvalidInput


@dataclass(frozen=True)
class Ratings:
    """Reliability data as integer codes: ``codes[i, u]`` is the category index coder i gave unit u."""

    codes: np.ndarray  # int64, shape (coders, units); -1 = missing
    categories: tuple[Any, ...]  # label of each category index, in order
    coders: tuple[str, ...]

    @property
    def n_categories(self) -> int:
        return len(self.categories)


def _labels(data: Any) -> tuple[np.ndarray, tuple[str, ...]]:
    if isinstance(data, pd.DataFrame):
        return data.to_numpy(), tuple(str(c) for c in data.index)
    array = np.asarray(data, dtype=object) if _ragged_or_mixed(data) else np.asarray(data)
    if array.ndim != 2:
        raise InvalidInput(
            "Reliability data must be a coders x units matrix (one row per coder, one column per "
            f"unit); got an array with {array.ndim} dimension(s)."
        )
    return array, tuple(f"coder {i + 1}" for i in range(array.shape[0]))


def _ragged_or_mixed(data: Any) -> bool:
    if isinstance(data, np.ndarray):
        return False
    try:
        np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        return True
    return False


def _sorted_labels(uniques: np.ndarray) -> np.ndarray:
    try:
        return np.sort(uniques)
    except TypeError:  # mixed numbers and labels: a stable, readable order
        return np.array(sorted(uniques, key=lambda v: (type(v).__name__, str(v))), dtype=object)


def read_ratings(
    reliability_data: Any,
    *,
    categories: Sequence[Hashable] | None = None,
) -> Ratings:
    """Encode a coders x units matrix as integer codes over sorted (or the given) categories."""
    array, coders = _labels(reliability_data)
    flat = array.ravel()
    if np.issubdtype(array.dtype, np.number) or array.dtype == bool:
        flat = flat.astype(float)
    if categories is None:
        try:
            codes, uniques = pd.factorize(flat, sort=True)
        except TypeError:
            codes, uniques = pd.factorize(flat, sort=False)
            order = _sorted_labels(np.asarray(uniques, dtype=object))
            position = {v: i for i, v in enumerate(order)}
            remap = np.array([position[v] for v in uniques] + [-1], dtype=np.int64)
            codes, uniques = remap[codes], order
        labels = tuple(np.asarray(uniques).tolist())
        if all(isinstance(v, float) and v.is_integer() for v in labels):
            labels = tuple(int(v) for v in labels)  # ratings 1, 2, 3 read as floats because of NaN
    else:
        labels = tuple(categories)
        if len(set(labels)) != len(labels):
            raise InvalidInput(f"The categories given repeat a label: {list(labels)}.")
        codes = np.asarray(pd.Index(list(labels)).get_indexer(flat), dtype=np.int64)
        unknown = (codes < 0) & ~pd.isna(flat)
        if unknown.any():
            where = int(np.flatnonzero(unknown)[0])
            coder = coders[where // array.shape[1]]
            raise InvalidInput(
                f"{coder} gave the value {flat[where]!r}, which is not among the categories given ({list(labels)})."
            )
    return Ratings(np.asarray(codes, dtype=np.int64).reshape(array.shape), labels, coders)


def require_two_coders(ratings: Ratings, what: str) -> None:
    """Raise unless at least two coders rated something."""
    active = [c for c, row in zip(ratings.coders, ratings.codes) if (row >= 0).any()]
    if len(active) < 2:
        who = f"only {active[0]!r} coded these units" if active else "no coder rated any unit"
        raise InvalidInput(f"{what} needs at least two coders; {who}.")


def numeric_categories(ratings: Ratings, level: str) -> np.ndarray:
    """The categories as floats, for the interval and ratio metrics (and ordinal numbers)."""
    try:
        values = np.array(ratings.categories, dtype=float)
    except (TypeError, ValueError):
        bad = next(v for v in ratings.categories if not _is_number(v))
        raise InvalidInput(
            f"The {level} level needs numbers, but the data hold the label {bad!r}; use "
            "level='nominal', or level='ordinal' with categories=[...] in rank order."
        ) from None
    return values


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def read_counts(counts: Any) -> tuple[np.ndarray, tuple[Any, ...]]:
    """A units x categories matrix of rating counts, as floats, with its category labels."""
    if isinstance(counts, pd.DataFrame):
        labels = tuple(counts.columns)
        array = counts.to_numpy()
    else:
        array = np.asarray(counts)
        labels = tuple(range(array.shape[1])) if array.ndim == 2 else ()
    if array.ndim != 2:
        raise InvalidInput(
            "Counts must be a units x categories matrix (how many coders put each unit in each "
            f"category); got an array with {array.ndim} dimension(s)."
        )
    try:
        array = array.astype(float)
    except (TypeError, ValueError):
        raise InvalidInput("Counts must be numbers of coders, but the matrix holds labels.") from None
    if np.isnan(array).any() or (array < 0).any() or (array != np.round(array)).any():
        raise InvalidInput("Counts must be whole numbers of coders, zero or more, with no gaps.")
    return array, labels


def unit_counts(ratings: Ratings) -> np.ndarray:
    """Units x categories matrix: how many coders put each unit in each category."""
    codes = ratings.codes
    q = ratings.n_categories
    units = np.broadcast_to(np.arange(codes.shape[1]), codes.shape)
    ok = codes >= 0
    flat = np.bincount(units[ok] * q + codes[ok], minlength=codes.shape[1] * q)
    return flat.reshape(codes.shape[1], q).astype(float)


def gwet_observed_agreement(counts: np.ndarray) -> float:
    """Gwet's (2014) ``pa``: mean share of agreeing coder pairs over units rated twice or more."""
    r = counts.sum(1)
    two = r >= 2
    if not two.any():
        raise InvalidInput(
            "No unit was rated by two or more coders, so there is nothing to compare; agreement "
            "needs units that at least two coders coded."
        )
    c, r = counts[two], r[two]
    return float(((c * (c - 1)).sum(1) / (r * (r - 1))).mean())


def gwet_category_shares(counts: np.ndarray) -> np.ndarray:
    """Gwet's (2014) ``pi_k``: mean over units rated at least once of the share of ratings in k."""
    r = counts.sum(1)
    rated = r >= 1
    return (counts[rated] / r[rated, None]).mean(0)


def chance_corrected(po: float, pe: float, what: str, basis: str) -> float:
    """``(po - pe) / (1 - pe)``, raising when chance agreement is 1 (the coefficient is 0/0)."""
    if np.isclose(pe, 1.0, rtol=0, atol=1e-12):
        raise InvalidInput(
            f"{what} is undefined here: chance agreement from {basis} is 1 (typically every "
            "rating is the same category), so agreement cannot be told apart from chance."
        )
    return float((po - pe) / (1 - pe))
