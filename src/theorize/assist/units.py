"""The passages machine help works on: sentences and speaker turns of one text version, and which
codes a coder put on each (a coding marks every unit its span overlaps, as agreement does)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
else:
    from theorize._lazy import numpy as np


UNIT_KINDS = ("sentence", "turn")


@dataclass(frozen=True)
class Unit:
    """A sentence or a turn: its kind, span (code points), turn number and speaker's role."""

    unit: str
    start: int
    end: int
    turn: int | None = None
    role: str | None = None


def cut_units(text: str, turns: Sequence[tuple[int, int, int | None, str | None]]) -> list[Unit]:
    """The sentences and turns of a text, from its turns as (start, end, turn number, role).

    A text without turns is one turn. Empty passages are left out.

    Examples:
        >>> text = "I: Why?\\nP: I had to. The judge said so."
        >>> [(u.unit, text[u.start:u.end]) for u in cut_units(text, [(3, 7, 1, "interviewer"), (11, 39, 2, "participant")])]
        [('sentence', 'Why?'), ('turn', 'Why?'), ('sentence', 'I had to.'), ('sentence', 'The judge said so.'), ('turn', 'I had to. The judge said so.')]
    """
    from theorize.ingest import split_sentences

    turns = list(turns) or [(0, len(text), None, None)]
    out: list[Unit] = []
    for start, end, number, role in turns:
        for s, e in split_sentences(text, start, end):
            if text[s:e].strip():
                out.append(Unit("sentence", s, e, number, role))
        if text[start:end].strip():
            out.append(Unit("turn", start, end, number, role))
    return out


def text_sha256(passage: str) -> str:
    """The key under which a passage's vector is kept and reused across text versions."""
    return hashlib.sha256(passage.encode("utf-8")).hexdigest()


def overlaps(starts: np.ndarray, ends: np.ndarray, start: int, end: int) -> np.ndarray:
    """Which units a span marks: those it overlaps (an empty span: the unit holding it)."""
    if end > start:
        return (starts < end) & (ends > start)
    return (starts <= start) & (ends > start)


def covered(starts: np.ndarray, ends: np.ndarray, span_starts: np.ndarray, span_ends: np.ndarray) -> np.ndarray:
    """Which units any of the spans marks (as :func:`overlaps`, for many spans at once), for units
    in order and not overlapping one another; positions may be offset per source so that many
    sources lie end to end.

    Examples:
        >>> import numpy as np
        >>> covered(np.array([0, 10, 20]), np.array([9, 19, 29]), np.array([12, 25]), np.array([14, 25])).tolist()
        [False, True, True]
    """
    s, e = np.asarray(span_starts, dtype=np.int64), np.asarray(span_ends, dtype=np.int64)
    first = np.searchsorted(ends, s, side="right")
    last = np.searchsorted(starts, e, side="left") - 1
    point = e <= s
    holder = np.searchsorted(starts, s, side="right") - 1
    holds = (holder >= 0) & (ends[np.maximum(holder, 0)] > s)
    first = np.where(point, holder, first)
    last = np.where(point, np.where(holds, holder, -1), last)
    ok = last >= first
    marks = np.zeros(len(starts) + 1, dtype=np.int64)
    np.add.at(marks, first[ok], 1)
    np.add.at(marks, last[ok] + 1, -1)
    return np.cumsum(marks[:-1]) > 0


def label_matrix(
    starts: np.ndarray, ends: np.ndarray, codings: Iterable[tuple[int, int, int]], code_ids: Sequence[int]
) -> np.ndarray:
    """A (units x codes) boolean matrix from codings given as (start, end, code id)."""
    column = {c: j for j, c in enumerate(code_ids)}
    out = np.zeros((len(starts), len(code_ids)), dtype=bool)
    for start, end, code in codings:
        if code in column:
            out[overlaps(starts, ends, start, end), column[code]] = True
    return out


def to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_blobs(blobs: Sequence[bytes], dimension: int) -> np.ndarray:
    if not blobs:
        return np.zeros((0, dimension), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype="<f4").reshape(len(blobs), -1).astype(np.float32, copy=False)
