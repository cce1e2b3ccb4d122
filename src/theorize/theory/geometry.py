"""What every step of a theory-model layout shares: line spacing, placeholder ids, columns, edges.

Internal to :mod:`theorize.theory.layout` and its steps (:mod:`~theorize.theory.ordering`,
:mod:`~theorize.theory.routing`, :mod:`~theorize.theory.labels`). Points, y downwards.
"""

from __future__ import annotations

from dataclasses import dataclass

LINE_SPACING = 1.15
"""Line spacing (in font sizes) of every multi-line text; the diagram draws with the same value."""

_DUMMY = "\x00"  # prefix of the placeholder slots of long edges; cannot start a category id
_ARROW = 5.0  # arrowhead length (pt)
_INF = float("inf")


@dataclass
class _Column:
    kind: str  # "condition" | "stage" | "consequence"
    header: tuple[str, ...]
    members: list[str]
    x: float = 0.0
    w: float = 0.0


@dataclass
class _Edge:
    index: int
    source: str
    target: str
    label: str
    forward: bool  # drawn as a left-to-right chain of S-curves
    chain: list[str]
    points: list[tuple[float, float]] | None = None
