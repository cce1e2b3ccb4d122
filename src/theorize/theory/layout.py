"""Where everything in a theory model goes on the page.

``layout(model)`` turns a :class:`~theorize.domain.theory.TheoryModel` into a :class:`Layout`: a box
per category, a polyline and a label position per relation, and the column headers. It does no
drawing; :mod:`theorize.theory.diagram` draws a layout with matplotlib.

The approach is the layered (Sugiyama) one, fixed to the shape of a grounded-theory process model:

1. Columns, left to right: conditions, one column per process stage (in stage order), consequences.
   The core category becomes a band spanning the stage columns (top or bottom); context categories
   sit in a row under the columns of the categories they touch.
2. Relations that run left to right between columns are broken into one hop per column; the
   gaps they pass through get placeholder slots. Boxes and slots in each column are ordered by
   barycentre sweeps with adjacent transpositions, keeping the order with fewest crossings.
3. Heights: each column is placed by a quadratic pull towards its neighbours (a weighted mean)
   projected back onto the column order with the pool-adjacent-violators algorithm, so chains
   of related categories line up straight.
4. Left-to-right relations are drawn as smooth S-curves from side to side. Every other relation
   (back edges, edges within a column, edges to context categories or the core band) is routed
   orthogonally around the boxes by a shortest path on a sparse grid (with penalties for bends,
   crossings and shared tracks) and its corners are rounded, so it curves below or above.
5. Labels are placed greedily, most constrained first, from candidate spots along each edge, never
   on a box, a header or another label; if one does not fit the whole layout is retried looser.

Units: the returned layout is in inches with the origin at the bottom left (matplotlib's figure
coordinates). Everything is deterministic: the same model gives the same layout.

The steps live in modules of their own: :mod:`~theorize.theory.ordering` (1 to 3),
:mod:`~theorize.theory.routing` (4) and :mod:`~theorize.theory.labels` (5); this one holds the
result, text measuring, the entry point and the assembly of the steps.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from theorize.domain.theory import CategoryRole, TheoryModel
from theorize.errors import InvalidInput
from theorize.theory.geometry import LINE_SPACING
from theorize.theory.labels import _Labelling
from theorize.theory.ordering import _Ordering
from theorize.theory.routing import _Routing

# --------------------------------------------------------------------------------------------
# The result


@dataclass(frozen=True)
class Box:
    """A category's box. ``x, y`` is the lower-left corner, in inches from the figure's lower left."""

    category_id: str
    role: CategoryRole
    x: float
    y: float
    w: float
    h: float
    lines: tuple[str, ...]  # the name, wrapped to the box width
    font_size: float
    bold: bool = False

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h / 2)


@dataclass(frozen=True)
class TextBlock:
    """A free-standing text (a column header), centred on ``(x, y)``; ``w, h`` is its extent."""

    lines: tuple[str, ...]
    x: float
    y: float
    w: float
    h: float
    font_size: float
    bold: bool = True


@dataclass(frozen=True)
class Rect:
    """A plain rectangle (the shading of a stage column); lower-left corner, inches."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class EdgeRoute:
    """How one relation is drawn: a polyline from the source's border to the target's border
    (the arrowhead's tip is the last point) and the label, centred on ``(label_x, label_y)``."""

    source_id: str
    target_id: str
    label: str
    points: tuple[tuple[float, float], ...]
    label_lines: tuple[str, ...]
    label_x: float
    label_y: float
    label_w: float
    label_h: float
    dashed: bool = False  # "contrasts with ..." relations
    directed: bool = True  # False: drawn without an arrowhead ("contrasts with" has no direction)
    label_backdrop: bool = False  # the label crosses a line, so it is drawn on a white ground


@dataclass(frozen=True)
class Layout:
    """A placed model: what :func:`theorize.theory.diagram.draw` draws. Inches, origin bottom left."""

    title: str
    width_in: float
    height_in: float
    boxes: tuple[Box, ...]
    edges: tuple[EdgeRoute, ...]
    headers: tuple[TextBlock, ...]
    stage_columns: tuple[Rect, ...]
    font_family: str
    label_size: float
    core_position: str = "top"

    def box(self, category_id: str) -> Box:
        for b in self.boxes:
            if b.category_id == category_id:
                return b
        raise KeyError(category_id)


def undirected(label: str) -> bool:
    """Whether a relation has no direction: a contrast runs both ways, so it is drawn dashed and
    without an arrowhead.

    Examples:
        >>> undirected("contrasts with"), undirected("leads to")
        (True, False)
    """
    return label.strip().lower().startswith("contrast")


# --------------------------------------------------------------------------------------------
# Text measuring and wrapping (points)


@lru_cache(maxsize=16384)
def _text_width(text: str, size: float, bold: bool, family: str) -> float:
    """Width in points of one line, with a little room for the renderer's hinting."""
    if not text:
        return 0.0
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(family=[family, "sans-serif"], size=size, weight="bold" if bold else "normal")
    width, _, _ = text_to_path.get_text_width_height_descent(text, prop, ismath=False)
    return width * 1.01 + 0.8


@dataclass(frozen=True)
class _Font:
    size: float
    bold: bool
    family: str

    def width(self, text: str) -> float:
        return _text_width(text, self.size, self.bold, self.family)

    def block(self, lines: tuple[str, ...]) -> tuple[float, float]:
        """Width and height (points) of a multi-line text as matplotlib lays it out."""
        return (max((self.width(s) for s in lines), default=0.0), len(lines) * LINE_SPACING * self.size)

    def wrap(self, text: str, max_w: float) -> tuple[str, ...]:
        """Greedy word wrap; a word wider than ``max_w`` is broken with a hyphen."""
        words: list[str] = []
        for word in text.split():
            words.extend(self._split_word(word, max_w))
        lines: list[str] = []
        current = ""
        for word in words:
            trial = f"{current} {word}" if current else word
            if not current or self.width(trial) <= max_w:
                current = trial
            else:
                lines.append(current)
                current = word
        if current:
            lines.append(current)
        return tuple(lines) or ("",)

    def wrap_balanced(self, text: str, max_w: float) -> tuple[str, ...]:
        """The fewest lines that fit ``max_w``, then the narrowest such wrapping (even lines)."""
        best = self.wrap(text, max_w)
        if len(best) < 2:
            return best
        lo, hi = 0.0, self.block(best)[0]
        for _ in range(7):
            mid = (lo + hi) / 2
            trial = self.wrap(text, mid)
            if len(trial) == len(best) and not any(s.endswith("-") for s in trial):
                best, hi = trial, self.block(trial)[0]
            else:
                lo = mid
        return best

    def _split_word(self, word: str, max_w: float) -> list[str]:
        if self.width(word) <= max_w:
            return [word]
        pieces, current = [], ""
        for ch in word:
            if current and self.width(current + ch + "-") > max_w:
                pieces.append(current)
                current = ch
            else:
                current += ch
        if len(pieces) and len(current) < 3:  # no "boundarie-s": keep three letters after a break
            take = min(3 - len(current), len(pieces[-1]) - 1)
            pieces[-1], current = pieces[-1][: len(pieces[-1]) - take], pieces[-1][len(pieces[-1]) - take :] + current
        return [piece + "-" for piece in pieces] + [current]


# --------------------------------------------------------------------------------------------
# Public entry point


@dataclass(frozen=True)
class _Spacing:
    margin: float = 3.0  # around the figure
    pad_x: float = 3.5  # text to box border
    pad_y: float = 3.5
    vgap: float = 12.0  # between boxes in a column
    clearance: float = 5.0  # routed edges to boxes
    lane: float = 5.0  # extra room between routing lanes, beyond one label line
    label_gap: float = 2.0  # label to its own line
    channel: float = 24.0  # narrowest gap between columns, unless the width is short

    def looser(self) -> _Spacing:
        return replace(
            self, vgap=self.vgap * 1.35 + 2, lane=self.lane + 3, clearance=self.clearance + 1, channel=self.channel + 8
        )


def layout(
    model: TheoryModel,
    width_in: float = 7.0,
    *,
    font_size: float = 7.0,
    label_size: float = 7.0,
    header_size: float = 7.5,
    font_family: str = "DejaVu Sans",
    core_position: str = "top",
) -> Layout:
    """Place a theory model's categories and relations for a figure ``width_in`` inches wide.

    The height follows from the content. Font sizes are in points at print size; the defaults
    keep every text at 7 pt or more, the usual journal minimum. When a label finds no free spot
    the whole layout is retried with more room between boxes; only for a very dense model, after
    five tries, does a label go on its edge's midpoint regardless.

    Args:
        model: the model to place.
        width_in: figure width in inches (7 for a two-column-wide journal figure, 3.5 for one column).
        font_size: category names.
        label_size: relation labels.
        header_size: column headers ("Conditions", "Stage 1", ...).
        font_family: a font matplotlib can find; DejaVu Sans ships with matplotlib.
        core_position: ``"top"`` or ``"bottom"``: where the core category's band goes.

    Returns:
        A :class:`Layout` in inches, origin at the bottom left.

    Raises:
        InvalidInput: the model has no categories, names a category that does not exist, or
            has more columns than fit in ``width_in``.

    Examples:
        >>> from theorize.domain.theory import CategoryRole, ModelCategory, ModelStage, TheoryModel
        >>> m = TheoryModel("t", [ModelCategory("a", "Testing the counselor", CategoryRole.STAGE)],
        ...                 [ModelStage(1, "Stage 1", ("a",))])
        >>> round(layout(m).width_in, 2)
        7.0
    """
    if core_position not in ("top", "bottom"):
        raise InvalidInput(f'core_position must be "top" or "bottom", not {core_position!r}')
    if not width_in or width_in <= 0:
        raise InvalidInput(f"width_in must be a positive number of inches, not {width_in!r}")
    fonts = (
        _Font(font_size, False, font_family),
        _Font(label_size, False, font_family),
        _Font(header_size, True, font_family),
    )
    spacing = _Spacing()
    attempts = 6
    for attempt in range(attempts):
        result = _Placement(model, width_in * 72.0, fonts, spacing, core_position).run(strict=attempt < attempts - 1)
        if result is not None:
            return result
        spacing = spacing.looser()
    raise AssertionError("unreachable: the last attempt is not strict")  # pragma: no cover


# --------------------------------------------------------------------------------------------
# The placement itself


class _Placement(_Ordering, _Routing, _Labelling):
    """One attempt at a layout with given spacing (points, y downwards, internally).

    The steps come from :class:`~theorize.theory.ordering._Ordering`, :class:`~theorize.theory.routing._Routing`
    and :class:`~theorize.theory.labels._Labelling`; they share this object's attributes.
    """

    def __init__(
        self,
        model: TheoryModel,
        width: float,
        fonts: tuple[_Font, _Font, _Font],
        spacing: _Spacing,
        core_position: str,
    ):
        self.model = model
        self.W = width
        self.name_font, self.label_font, self.header_font = fonts
        self.sp = spacing
        self.core_position = core_position
        self.rects: dict[str, tuple[float, float, float, float]] = {}  # category -> x0, y0, x1, y1
        self.lines: dict[str, tuple[str, ...]] = {}

    # -- assembly --------------------------------------------------------------------------

    def run(self, strict: bool) -> Layout | None:
        self._structure()
        self._widths()
        self._order_and_heights()
        self._rows()
        self._forward_routes()
        self._routed_routes()
        labels = self._place_labels(strict)
        if labels is None:
            return None
        return self._to_inches(labels)

    def _to_inches(self, labels: dict) -> Layout:
        H = self.H

        def rect(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
            return (x0 / 72.0, (H - y1) / 72.0, (x1 - x0) / 72.0, (y1 - y0) / 72.0)

        boxes = []
        for cat in self.model.categories:
            if cat.id not in self.rects:
                continue
            is_core = cat.id == self.core
            boxes.append(
                Box(
                    cat.id,
                    CategoryRole.CORE if is_core else cat.role,
                    *rect(*self.rects[cat.id]),
                    lines=self.lines[cat.id],
                    font_size=self.name_font.size,
                    bold=is_core,
                )
            )
        edges = []
        for e in self.edges:
            lines, cx, cy, w, h, ground = labels.get(e.index, ((), 0.0, 0.0, 0.0, 0.0, False))
            edges.append(
                EdgeRoute(
                    e.source,
                    e.target,
                    self.model.relations[e.index].label,
                    tuple((x / 72.0, (H - y) / 72.0) for x, y in e.points),
                    lines,
                    cx / 72.0,
                    (H - cy) / 72.0,
                    w / 72.0,
                    h / 72.0,
                    dashed=undirected(e.label),
                    directed=not undirected(e.label),
                    label_backdrop=ground,
                )
            )
        headers = []
        for col, (x0, y0, x1, y1) in zip(self.columns, self.header_rects, strict=True):
            headers.append(
                TextBlock(
                    col.header,
                    (x0 + x1) / 144.0,
                    (H - (y0 + y1) / 2) / 72.0,
                    (x1 - x0) / 72.0,
                    (y1 - y0) / 72.0,
                    self.header_font.size,
                )
            )
        in_stages = [
            self.center_y[v] + self.height[v] / 2
            for col, layer in zip(self.columns, self.ordered, strict=True)
            if col.kind == "stage"
            for v in layer
        ]
        bottom = max(in_stages, default=self.header_y + 20) + 4
        shading = [
            Rect(*rect(col.x - 3, self.header_y - 3, col.x + self.col_w + 3, bottom))
            for col in self.columns
            if col.kind == "stage"
        ]
        return Layout(
            title=self.model.title,
            width_in=self.W / 72.0,
            height_in=H / 72.0,
            boxes=tuple(boxes),
            edges=tuple(edges),
            headers=tuple(headers),
            stage_columns=tuple(shading),
            font_family=self.name_font.family,
            label_size=self.label_font.size,
            core_position=self.core_position,
        )
