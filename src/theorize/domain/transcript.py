"""Reading a transcript turn by turn: which codings a turn shows. Pure; no I/O.

A coding is shown under the turn it starts in (a turn of no characters still holds a coding that
starts where it is). A coding that starts in no turn (in the text between turns, or in a source
without turns) is shown after the turns.

Examples:
    >>> place_codings([(0, 10), (12, 30)], [(2, 5), (12, 40), (10, 11), (29, 30)])
    ([[0], [1, 3]], [2])
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence


def place_codings(
    turns: Sequence[tuple[int, int]], codings: Sequence[tuple[int, int]]
) -> tuple[list[list[int]], list[int]]:
    """For each turn (``(start, end)``, in text order) the positions in ``codings`` of the codings
    that start in it, and the positions of those that start in no turn."""
    starts = [start for start, _ in turns]
    under: list[list[int]] = [[] for _ in turns]
    outside: list[int] = []
    for i, (start, _end) in enumerate(codings):
        j = bisect_right(starts, start) - 1
        if j >= 0 and start < max(turns[j][1], turns[j][0] + 1):
            under[j].append(i)
        else:
            outside.append(i)
    return under, outside
