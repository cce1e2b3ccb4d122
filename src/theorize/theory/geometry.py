"""What every step of a theory-model layout shares: line spacing, placeholder ids, columns, edges.

Internal to :mod:`theorize.theory.layout` and its steps (:mod:`~theorize.theory.ordering`,
:mod:`~theorize.theory.routing`, :mod:`~theorize.theory.labels`). Points, y downwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from theorize.domain.theory import TheoryModel

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
    points: list[tuple[float, float]] = field(default_factory=list)


Rect4 = tuple[float, float, float, float]


class _PlacementState:
    """The attributes the layout steps share, declared once so that each step's needs are visible.

    :class:`theorize.theory.layout._Placement` sets the first group in ``__init__``; the steps
    (ordering, routing, labels) set the rest in the order :meth:`_Placement.run` calls them.
    """

    # given
    model: TheoryModel
    W: float
    name_font: Any
    label_font: Any
    header_font: Any
    sp: Any
    core_position: str
    rects: dict[str, Rect4]
    lines: dict[str, tuple[str, ...]]
    # structure and order
    core: str | None
    context: list[str]
    stage_span: tuple[int, int] | None
    columns: list[_Column]
    layer: dict[str, int]
    col_w: float
    channels: list[Any]
    ordered: list[list[str]]
    box_h: float
    slot_h: float
    center_y: dict[str, float]
    height: dict[str, float]
    box_hs: dict[str, float]
    lane_sp: float
    # rows
    band_rect: Rect4 | None
    band_x: Rect4
    header_y: float
    header_rects: list[Rect4]
    upper_lanes: list[float]
    main_bottom: float
    lower_lanes: list[float]
    bottom_lanes: list[float]
    H: float
    # edges
    edges: list[_Edge]

    def _label_variants(self, label: str) -> list[tuple[tuple[str, ...], float, float, float]]:
        raise NotImplementedError
