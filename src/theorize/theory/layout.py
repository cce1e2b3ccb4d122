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
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise

import numpy as np

from theorize.domain.theory import CategoryRole, TheoryModel
from theorize.errors import InvalidInput

LINE_SPACING = 1.15
"""Line spacing (in font sizes) of every multi-line text; the diagram draws with the same value."""

_DUMMY = "\x00"  # prefix of the placeholder slots of long edges; cannot start a category id
_ARROW = 5.0  # arrowhead length (pt)
_INF = float("inf")


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
# Ordering and vertical placement of the layered part


def _crossings(upper: list[str], lower: list[str], down: dict[str, list[str]]) -> int:
    pos = {v: i for i, v in enumerate(lower)}
    pairs = [(i, pos[v]) for i, u in enumerate(upper) for v in down[u] if v in pos]
    return sum(1 for a, b in pairs for c, d in pairs if a < c and b > d)


def _order_layers(
    layers: list[list[str]], up: dict[str, list[str]], down: dict[str, list[str]], pull: dict[str, list[float]]
) -> list[list[str]]:
    """Barycentre sweeps and transpositions; returns the ordering with the fewest crossings."""

    def total(ls: list[list[str]]) -> int:
        return sum(_crossings(ls[i], ls[i + 1], down) for i in range(len(ls) - 1))

    def sweep(layer: list[str], fixed: list[str], nbrs: dict[str, list[str]]) -> list[str]:
        pos = {u: (i + 0.5) / len(fixed) for i, u in enumerate(fixed)} if fixed else {}
        keyed = []
        for i, v in enumerate(layer):
            values = [pos[u] for u in nbrs[v] if u in pos] + pull.get(v, [])
            bary = sum(values) / len(values) if values else (i + 0.5) / len(layer)
            keyed.append((bary, i, v))
        return [v for _, _, v in sorted(keyed)]

    def local(a: str, b: str, pos_up: dict[str, int], pos_down: dict[str, int]) -> int:
        n = 0
        for nbrs, pos in ((up, pos_up), (down, pos_down)):
            pa = [pos[u] for u in nbrs[a] if u in pos]
            pb = [pos[u] for u in nbrs[b] if u in pos]
            n += sum(1 for x in pa for y in pb if x > y)
        return n

    def transpose(ls: list[list[str]]) -> None:
        for _ in range(4):
            improved = False
            for i, layer in enumerate(ls):
                pos_up = {v: j for j, v in enumerate(ls[i - 1])} if i > 0 else {}
                pos_down = {v: j for j, v in enumerate(ls[i + 1])} if i + 1 < len(ls) else {}
                for j in range(len(layer) - 1):
                    a, b = layer[j], layer[j + 1]
                    if local(b, a, pos_up, pos_down) < local(a, b, pos_up, pos_down):
                        layer[j], layer[j + 1] = b, a
                        improved = True
            if not improved:
                return

    best = [list(layer) for layer in layers]
    best_n = total(best)
    current = [list(layer) for layer in layers]
    for _ in range(8):
        if best_n == 0:
            break
        for i in range(1, len(current)):
            current[i] = sweep(current[i], current[i - 1], up)
        for i in range(len(current) - 2, -1, -1):
            current[i] = sweep(current[i], current[i + 1], down)
        transpose(current)
        n = total(current)
        if n < best_n:
            best, best_n = [list(layer) for layer in current], n
    return best


def _isotonic_place(targets: list[float], weights: list[float], seps: list[float]) -> list[float]:
    """Positions closest (weighted least squares) to ``targets`` keeping order and separations.

    Pool-adjacent-violators on ``targets - cumulative separation`` (isotonic regression).
    """
    if not targets:
        return []
    offsets = [0.0]
    for s in seps:
        offsets.append(offsets[-1] + s)
    blocks: list[list[float]] = []  # [value, weight, count]
    for t, w, o in zip(targets, weights, offsets, strict=True):
        blocks.append([t - o, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            v2, w2, n2 = blocks.pop()
            v1, w1, n1 = blocks.pop()
            blocks.append([(v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2, n1 + n2])
    z: list[float] = []
    for v, _, n in blocks:
        z.extend([v] * int(n))
    return [zi + o for zi, o in zip(z, offsets, strict=True)]


def _assign_heights(
    layers: list[list[str]],
    height: dict[str, float],
    nbrs: dict[str, list[tuple[str, float]]],
    sep: dict[tuple[str, str], float],
) -> dict[str, float]:
    """Centre y (points, downwards) of every box and slot: a quadratic pull to neighbours."""
    y: dict[str, float] = {}
    for layer in layers:
        cur = 0.0
        for i, v in enumerate(layer):
            if i:
                cur += sep[(layer[i - 1], v)]
            y[v] = cur
        shift = cur / 2
        for v in layer:
            y[v] -= shift
    for it in range(30):
        order = range(len(layers)) if it % 2 == 0 else range(len(layers) - 1, -1, -1)
        for i in order:
            layer = layers[i]
            if not layer:
                continue
            targets, weights = [], []
            for v in layer:
                total = sum(w for _, w in nbrs[v])
                if total:
                    targets.append(sum(w * y[u] for u, w in nbrs[v]) / total)
                    weights.append(total)
                else:
                    targets.append(y[v])
                    weights.append(0.25)
            seps = [sep[(layer[j], layer[j + 1])] for j in range(len(layer) - 1)]
            for v, value in zip(layer, _isotonic_place(targets, weights, seps), strict=True):
                y[v] = value
    return y


def _straighten(
    layers: list[list[str]], y: dict[str, float], sep: dict[tuple[str, str], float], up: dict[str, list[str]]
) -> None:
    """Left to right, pull each box level with its nearest box to the left (and each slot with the
    slot before it) hard enough to push the rest of the column out of the way."""
    for layer in layers[1:]:
        if not layer:
            continue
        targets, weights = [], []
        for v in layer:
            same = [u for u in up[v] if u.startswith(_DUMMY) == v.startswith(_DUMMY)]
            if same:
                targets.append(y[min(same, key=lambda u: (abs(y[u] - y[v]), u))])
                weights.append(1e4 if v.startswith(_DUMMY) else 1e6)
            else:
                targets.append(y[v])
                weights.append(1.0)
        seps = [sep[(a, b)] for a, b in itertools.pairwise(layer)]
        for v, value in zip(layer, _isotonic_place(targets, weights, seps), strict=True):
            y[v] = value


# --------------------------------------------------------------------------------------------
# Geometry helpers (points, y downwards)


def _s_curve(x0: float, y0: float, x1: float, y1: float, n: int = 18) -> list[tuple[float, float]]:
    if abs(y1 - y0) < 0.05:
        return [(x0, y0), (x1, y0)]
    dx = (x1 - x0) * 0.5
    t = np.linspace(0.0, 1.0, n)
    a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
    xs = a * x0 + b * (x0 + dx) + c * (x1 - dx) + d * x1
    ys = a * y0 + b * y0 + c * y1 + d * y1
    return [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]


def _simplify(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for p in points:
        if out and abs(p[0] - out[-1][0]) < 1e-6 and abs(p[1] - out[-1][1]) < 1e-6:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if abs((bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax)) < 1e-6:
                out[-1] = p
                continue
        out.append(p)
    return out


def _rounded(points: list[tuple[float, float]], radius: float = 7.0) -> list[tuple[float, float]]:
    """An orthogonal polyline with its corners replaced by sampled quadratic curves."""
    pts = _simplify(points)
    if len(pts) < 3:
        return pts
    out = [pts[0]]
    for i in range(1, len(pts) - 1):
        (ax, ay), (bx, by), (cx, cy) = pts[i - 1], pts[i], pts[i + 1]
        l1, l2 = math.hypot(bx - ax, by - ay), math.hypot(cx - bx, cy - by)
        r = min(radius, l1 / 2, l2 / 2)
        p0 = (bx + (ax - bx) * r / l1, by + (ay - by) * r / l1)
        p2 = (bx + (cx - bx) * r / l2, by + (cy - by) * r / l2)
        for t in np.linspace(0.0, 1.0, 6):
            out.append(
                (
                    float((1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * bx + t**2 * p2[0]),
                    float((1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * by + t**2 * p2[1]),
                )
            )
    out.append(pts[-1])
    return _simplify(out)


def _segments_hit_rects(p0: np.ndarray, p1: np.ndarray, rects: np.ndarray) -> np.ndarray:
    """(K, N) bool: does segment n (``p0[n]``-``p1[n]``) touch rectangle k (x0, y0, x1, y1)?"""
    d = p1 - p0
    t0 = np.zeros((len(rects), len(p0)))
    t1 = np.ones((len(rects), len(p0)))
    ok = np.ones((len(rects), len(p0)), dtype=bool)
    for p, q in (
        (-d[:, 0], p0[None, :, 0] - rects[:, None, 0]),
        (d[:, 0], rects[:, None, 2] - p0[None, :, 0]),
        (-d[:, 1], p0[None, :, 1] - rects[:, None, 1]),
        (d[:, 1], rects[:, None, 3] - p0[None, :, 1]),
    ):
        parallel = np.abs(p) < 1e-12
        ok &= ~(parallel[None, :] & (q < 0))
        with np.errstate(divide="ignore", invalid="ignore"):
            r = q / np.where(parallel, 1.0, p)[None, :]
        t0 = np.where((p < 0)[None, :] & ~parallel[None, :], np.maximum(t0, r), t0)
        t1 = np.where((p > 0)[None, :] & ~parallel[None, :], np.minimum(t1, r), t1)
    return ok & (t0 <= t1)


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _grow(r: tuple[float, float, float, float], d: float) -> tuple[float, float, float, float]:
    return (r[0] - d, r[1] - d, r[2] + d, r[3] + d)


# --------------------------------------------------------------------------------------------
# Orthogonal router


class _Router:
    """Shortest orthogonal paths on a sparse grid around rectangular obstacles."""

    BEND, CROSS, SHARE, PORT = 28.0, 30.0, 400.0, 40.0

    def __init__(self, xs: list[float], ys: list[float], obstacles: list[tuple[float, float, float, float]]):
        self.xs = np.array(sorted({round(x, 3) for x in xs}))
        self.ys = np.array(sorted({round(y, 3) for y in ys}))
        nx, ny = len(self.xs), len(self.ys)
        X, Y = np.meshgrid(self.xs, self.ys)
        node_ok = np.ones((ny, nx), dtype=bool)
        h_ok = np.ones((ny, max(nx - 1, 0)), dtype=bool)
        v_ok = np.ones((max(ny - 1, 0), nx), dtype=bool)
        xa, xb = self.xs[None, :-1], self.xs[None, 1:]
        ya, yb = self.ys[:-1, None], self.ys[1:, None]
        for x0, y0, x1, y1 in obstacles:
            node_ok &= ~((x0 < X) & (x1 > X) & (y0 < Y) & (y1 > Y))
            h_ok &= ~((self.ys[:, None] > y0) & (self.ys[:, None] < y1) & (xa < x1) & (xb > x0))
            v_ok &= ~((self.xs[None, :] > x0) & (self.xs[None, :] < x1) & (ya < y1) & (yb > y0))
        self.h_len = np.where(h_ok, np.diff(self.xs)[None, :], _INF)
        self.v_len = np.where(v_ok, np.diff(self.ys)[:, None], _INF)
        self.h_cross = np.zeros_like(self.h_len)
        self.v_cross = np.zeros_like(self.v_len)
        self.h_used = np.zeros_like(self.h_len)
        self.v_used = np.zeros_like(self.v_len)
        self.node_ok = node_ok

    def ix(self, x: float) -> int | None:
        i = int(np.searchsorted(self.xs, round(x, 3)))
        return i if i < len(self.xs) and abs(self.xs[i] - round(x, 3)) < 1e-6 else None

    def iy(self, y: float) -> int | None:
        i = int(np.searchsorted(self.ys, round(y, 3)))
        return i if i < len(self.ys) and abs(self.ys[i] - round(y, 3)) < 1e-6 else None

    def add_crossings(self, points: list[tuple[float, float]]) -> None:
        """Count, on every grid segment, the drawn edge segments that cross it."""
        for (ax, ay), (bx, by) in itertools.pairwise(points):
            if abs(by - ay) > 1e-9:
                lo, hi = min(ay, by), max(ay, by)
                rows = np.nonzero((self.ys >= lo) & (self.ys < hi))[0]
                xs_at = ax + (bx - ax) * (self.ys[rows] - ay) / (by - ay)
                cols = np.searchsorted(self.xs, xs_at, side="right") - 1
                keep = (cols >= 0) & (cols < len(self.xs) - 1)
                np.add.at(self.h_cross, (rows[keep], cols[keep]), 1)
            if abs(bx - ax) > 1e-9:
                lo, hi = min(ax, bx), max(ax, bx)
                cols = np.nonzero((self.xs >= lo) & (self.xs < hi))[0]
                ys_at = ay + (by - ay) * (self.xs[cols] - ax) / (bx - ax)
                rows = np.searchsorted(self.ys, ys_at, side="right") - 1
                keep = (rows >= 0) & (rows < len(self.ys) - 1)
                np.add.at(self.v_cross, (rows[keep], cols[keep]), 1)

    def route(
        self,
        starts: list[tuple[int, int, int, float]],
        goals: list[tuple[int, int, int, float]],
    ) -> tuple[list[tuple[int, int]], int, int] | None:
        """Cheapest path from any start ``(ix, iy, dir, cost)`` to any goal ``(ix, iy, dir_in, cost)``.

        Directions: 0 right, 1 left, 2 down, 3 up. Returns the grid nodes, the start index and the
        goal index used, or None when no path exists.
        """
        nx, ny = len(self.xs), len(self.ys)
        h_cost = (self.h_len + self.CROSS * self.h_cross + self.SHARE * self.h_used).tolist()
        v_cost = (self.v_len + self.CROSS * self.v_cross + self.SHARE * self.v_used).tolist()
        goal_at: dict[int, list[tuple[int, int, float]]] = {}
        for k, (gx, gy, gd, gc) in enumerate(goals):
            goal_at.setdefault(gy * nx + gx, []).append((k, gd, gc))
        # A*: the Manhattan distance to the nearest goal never overestimates the remaining cost
        gxs = self.xs[[g[0] for g in goals]]
        gys = self.ys[[g[1] for g in goals]]
        est = (
            (np.abs(self.xs[None, :, None] - gxs[None, None, :]) + np.abs(self.ys[:, None, None] - gys[None, None, :]))
            .min(axis=2)
            .ravel()
            .tolist()
        )
        dist: dict[int, float] = {}
        prev: dict[int, int] = {}
        heap: list[tuple[float, int, float]] = []
        start_of: dict[int, int] = {}
        for k, (sx, sy, sd, sc) in enumerate(starts):
            state = (sy * nx + sx) * 4 + sd
            if sc < dist.get(state, _INF):
                dist[state] = sc
                start_of[state] = k
                heapq.heappush(heap, (sc + est[state // 4], state, sc))
        sink_base = nx * ny * 4
        opposite = (1, 0, 3, 2)
        while heap:
            _, state, cost = heapq.heappop(heap)
            if state >= sink_base:
                goal_k = state - sink_base
                node_state = prev[state]
                path_states = [node_state]
                while path_states[-1] in prev:
                    path_states.append(prev[path_states[-1]])
                path_states.reverse()
                nodes = []
                for s in path_states:
                    node = s // 4
                    if not nodes or nodes[-1] != (node % nx, node // nx):
                        nodes.append((node % nx, node // nx))
                return nodes, start_of[path_states[0]], goal_k
            if cost > dist.get(state, _INF):
                continue
            node, d = divmod(state, 4)
            gx, gy = node % nx, node // nx
            for goal_k, gd, gc in goal_at.get(node, ()):
                total = cost + gc + (self.BEND if gd != d else 0.0)
                sink = sink_base + goal_k
                if total < dist.get(sink, _INF):
                    dist[sink] = total
                    prev[sink] = state
                    heapq.heappush(heap, (total, sink, total))
            for nd in range(4):
                if nd == opposite[d]:
                    continue
                if nd == 0:
                    if gx + 1 >= nx:
                        continue
                    step, nnode = h_cost[gy][gx], node + 1
                elif nd == 1:
                    if gx == 0:
                        continue
                    step, nnode = h_cost[gy][gx - 1], node - 1
                elif nd == 2:
                    if gy + 1 >= ny:
                        continue
                    step, nnode = v_cost[gy][gx], node + nx
                else:
                    if gy == 0:
                        continue
                    step, nnode = v_cost[gy - 1][gx], node - nx
                if step == _INF:
                    continue
                ncost = cost + step + (self.BEND if nd != d else 0.0)
                nstate = nnode * 4 + nd
                if ncost < dist.get(nstate, _INF):
                    dist[nstate] = ncost
                    prev[nstate] = state
                    heapq.heappush(heap, (ncost + est[nnode], nstate, ncost))
        return None

    def mark_used(self, nodes: list[tuple[int, int]]) -> None:
        for (ax, ay), (bx, by) in itertools.pairwise(nodes):
            if ay == by:
                self.h_used[ay, min(ax, bx)] += 1
            else:
                self.v_used[min(ay, by), ax] += 1


# --------------------------------------------------------------------------------------------
# The placement itself


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


class _Placement:
    """One attempt at a layout with given spacing (points, y downwards, internally)."""

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

    # -- structure -------------------------------------------------------------------------

    def _structure(self) -> None:
        model = self.model
        if not model.categories:
            raise InvalidInput("the theory model has no categories yet; add categories before drawing it")
        ids = [c.id for c in model.categories]
        known = set(ids)
        if len(known) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise InvalidInput(f"the theory model lists category {dup!r} twice")
        core = model.core_category_id
        if core is not None and core not in known:
            raise InvalidInput(f"the core category {core!r} is not one of the model's categories")
        if core is None:
            core = next((c.id for c in model.categories if c.role == CategoryRole.CORE), None)
        self.core = core
        stages = sorted(model.stages, key=lambda s: s.order)
        stage_of: dict[str, int] = {}
        for i, stage in enumerate(stages):
            for cid in stage.category_ids:
                if cid not in known:
                    raise InvalidInput(f"stage {stage.order} ({stage.name}) names an unknown category {cid!r}")
                if cid != core:
                    stage_of.setdefault(cid, i)
        for r in model.relations:
            for cid in (r.source_id, r.target_id):
                if cid not in known:
                    raise InvalidInput(
                        f"the relation {r.source_id!r} {r.label} {r.target_id!r} names an unknown category {cid!r}"
                    )
        free = [c for c in model.categories if c.id != core and c.id not in stage_of]
        conditions = [c.id for c in free if c.role == CategoryRole.CONDITION]
        consequences = [c.id for c in free if c.role == CategoryRole.CONSEQUENCE]
        loose = [c.id for c in free if c.role == CategoryRole.STAGE]
        self.context = [c.id for c in free if c.role in (CategoryRole.CONTEXT, CategoryRole.CORE)]

        columns: list[_Column] = []
        if conditions:
            columns.append(_Column("condition", ("Conditions",), conditions))
        first_stage = len(columns)
        for i, stage in enumerate(stages):
            members = [cid for cid in stage.category_ids if stage_of.get(cid) == i]
            columns.append(_Column("stage", self._stage_header(stage, members), list(dict.fromkeys(members))))
        if loose and not stages:
            columns.append(_Column("stage", ("Process",), []))
        last_stage = len(columns) - 1
        self.stage_span = (first_stage, last_stage) if last_stage >= first_stage else None
        if consequences:
            columns.append(_Column("consequence", ("Consequences",), consequences))
        self.columns = columns
        self.layer: dict[str, int] = {cid: k for k, col in enumerate(columns) for cid in col.members}
        for cid in loose:  # stage-role categories not listed in any stage: after their sources
            sources = [
                self.layer[r.source_id] for r in model.relations if r.target_id == cid and r.source_id in self.layer
            ]
            k = min(max([first_stage] + [s + 1 for s in sources]), last_stage)
            columns[k].members.append(cid)
            self.layer[cid] = k

        self.edges: list[_Edge] = []
        for i, r in enumerate(model.relations):
            s, t = r.source_id, r.target_id
            forward = s in self.layer and t in self.layer and self.layer[s] < self.layer[t]
            chain = [s]
            if forward:
                chain += [f"{_DUMMY}{i}:{k}" for k in range(self.layer[s] + 1, self.layer[t])] + [t]
            self.edges.append(_Edge(i, s, t, " ".join(r.label.split()), forward, chain))

    def _stage_header(self, stage, members: list[str]) -> tuple[str, ...]:
        lines = (f"Stage {stage.order}",)
        name = stage.name.strip()
        names = {self.model.category(cid).name.strip().lower() for cid in members}
        if name and name.lower() not in names and not re.fullmatch(r"stage\s*\d+", name, re.IGNORECASE):
            lines += (name,)
        return lines

    # -- widths ----------------------------------------------------------------------------

    def _widths(self) -> None:
        sp, cols = self.sp, self.columns
        n = len(cols)
        channels = [sp.channel] * max(n - 1, 0)
        floor = [24.0] * max(n - 1, 0)
        for e in self.edges:
            if e.forward and e.label and self.layer[e.target] - self.layer[e.source] == 1:
                k = self.layer[e.source]
                variants = self._label_variants(e.label)
                room = 8.0  # the label's padding and its clearance from the two boxes
                preferred = variants[0][1] if variants[0][1] <= 48 else min(w for _, w, _, _ in variants[:2])
                channels[k] = max(channels[k], preferred + room)
                floor[k] = max(floor[k], min(w for _, w, _, _ in variants) + room)
        names = [self.model.category(cid).name for col in cols for cid in col.members] + [
            self.model.category(cid).name for cid in self.context
        ]
        longest_word = max((self.name_font.width(w) for s in names for w in s.split()), default=20.0)
        want = min(max(longest_word, 40.0), 70.0) + 2 * sp.pad_x
        avail = self.W - 2 * sp.margin
        if n == 0:
            self.col_w, self.channels = min(avail, 135.0), []
            return
        col_w = (avail - sum(channels)) / n
        if col_w < want and sum(channels) > sum(floor):
            shrink = min(1.0, (want * n - (avail - sum(channels))) / (sum(channels) - sum(floor)))
            channels = [c - (c - f) * shrink for c, f in zip(channels, floor, strict=True)]
            col_w = (avail - sum(channels)) / n
        minimum = 26.0 + 2 * sp.pad_x
        if col_w < minimum:
            need_in = (minimum * n + sum(floor) + 2 * sp.margin) / 72.0
            raise InvalidInput(
                f"the model has {n} columns, which do not fit in a {self.W / 72:.3g} in wide figure; "
                f"use a width of at least {math.ceil(need_in * 10) / 10:.1f} in"
            )
        cap = 135.0
        if col_w > cap:
            spare = (col_w - cap) * n
            col_w = cap
            if channels:
                channels = [c + spare / len(channels) for c in channels]
        self.col_w = col_w
        self.channels = channels
        x = sp.margin + (avail - col_w * n - sum(channels)) / 2
        for k, col in enumerate(cols):
            col.x, col.w = x, col_w
            x += col_w + (channels[k] if k < n - 1 else 0.0)

    def _label_variants(self, label: str) -> list[tuple[tuple[str, ...], float, float, float]]:
        """Ways to break a relation label: (lines, width, height, penalty)."""
        f = self.label_font
        one = (label,)
        out = [(one, *f.block(one), 0.0)]
        words = label.split()
        if len(words) >= 2:
            best = min(
                ((" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))),
                key=lambda ls: max(f.width(s) for s in ls),
            )
            out.append((best, *f.block(best), 1.0))
        if len(words) >= 3:
            three = f.wrap_balanced(label, f.width(label) / 2.6)
            if len(three) == 3:
                out.append((three, *f.block(three), 2.5))
        return out

    # -- the layered part ------------------------------------------------------------------

    def _order_and_heights(self) -> None:
        sp = self.sp
        layers: list[list[str]] = [list(col.members) for col in self.columns]
        up: dict[str, list[str]] = {v: [] for layer in layers for v in layer}
        down: dict[str, list[str]] = {v: [] for layer in layers for v in layer}
        nbrs: dict[str, list[tuple[str, float]]] = {v: [] for layer in layers for v in layer}
        for e in self.edges:
            if not e.forward:
                continue
            for k, v in enumerate(e.chain[1:-1], start=self.layer[e.source] + 1):
                layers[k].append(v)
                up[v], down[v], nbrs[v] = [], [], []
            for a, b in pairwise(e.chain):
                up[b].append(a)
                down[a].append(b)
                w = 4.0 if a.startswith(_DUMMY) and b.startswith(_DUMMY) else (0.15 if _DUMMY in a + b else 1.0)
                nbrs[a].append((b, w))
                nbrs[b].append((a, w))
        core_pull = -0.15 if self.core_position == "top" else 1.15
        pull: dict[str, list[float]] = {}
        for e in self.edges:
            for a, b in ((e.source, e.target), (e.target, e.source)):
                if a in self.layer and b in self.context:
                    pull.setdefault(a, []).append(1.15)
                elif a in self.layer and b == self.core:
                    pull.setdefault(a, []).append(core_pull)
        self.ordered = _order_layers(layers, up, down, pull)

        self.box_h = self._box_height()
        self.slot_h = self.label_font.size * LINE_SPACING + 4.0
        height = {v: (self.slot_h if v.startswith(_DUMMY) else self.box_hs[v]) for layer in self.ordered for v in layer}
        adjacent_routed = {
            frozenset((e.source, e.target)) for e in self.edges if not e.forward and e.source in self.layer
        }
        sep: dict[tuple[str, str], float] = {}
        for layer in self.ordered:
            for a, b in itertools.pairwise(layer):
                extra = self.label_font.size * LINE_SPACING + 6 if frozenset((a, b)) in adjacent_routed else 0.0
                dummies = a.startswith(_DUMMY) + b.startswith(_DUMMY)
                gap = (sp.vgap, sp.vgap / 2, 2.0)[dummies]
                sep[(a, b)] = (height[a] + height[b]) / 2 + gap + extra
        self.center_y = _assign_heights(self.ordered, height, nbrs, sep)
        _straighten(self.ordered, self.center_y, sep, up)
        self.height = height

    def _box_height(self) -> float:
        """Wrap the names; boxes share one height (2 to 4 lines), longer names get taller boxes."""
        inner = self.col_w - 2 * self.sp.pad_x
        ids = [v for col in self.columns for v in col.members] + self.context
        for cid in ids:
            self.lines[cid] = self.name_font.wrap_balanced(self.model.category(cid).name, inner)
        common = min(max([2] + [len(self.lines[cid]) for cid in ids]), 4)
        line = LINE_SPACING * self.name_font.size
        self.box_hs = {cid: max(common, len(self.lines[cid])) * line + 2 * self.sp.pad_y for cid in ids}
        return common * line + 2 * self.sp.pad_y

    # -- rows ------------------------------------------------------------------------------

    def _rows(self) -> None:
        sp, c = self.sp, self.sp.clearance
        routed = [e for e in self.edges if not e.forward]
        touches_core = [e for e in routed if self.core in (e.source, e.target)]
        lane_sp = self.label_font.size * LINE_SPACING + 2 * sp.label_gap + sp.lane
        self.lane_sp = lane_sp
        n_upper = min(len(touches_core), 6) if self.core_position == "top" else 0
        n_lower = min(len(routed) - n_upper, 10)

        y = sp.margin
        self.band_rect = None
        if self.core is not None:
            span = self.stage_span or (0, len(self.columns) - 1)
            if self.columns:
                x0 = self.columns[span[0]].x - 3
                x1 = self.columns[span[1]].x + self.col_w + 3
            else:
                x0, x1 = sp.margin, self.W - sp.margin
            tip = 9.0
            bold = replace(self.name_font, bold=True)
            lines = bold.wrap_balanced(
                f"Core category: {self.model.category(self.core).name}", x1 - x0 - 2 * sp.pad_x - 2 * tip
            )
            band_h = bold.block(lines)[1] + 2 * sp.pad_y + 2
            self.lines[self.core] = lines
            self.band_x = (x0, 0.0, x1, 0.0)
            if self.core_position == "top":
                self.band_rect = (x0, y, x1, y + band_h)
                y += band_h + 8
        # a header may use a little under half of each neighbouring gap (or margin)
        centres = self._place_headers()
        header_h = max((self.header_font.block(col.header)[1] for col in self.columns), default=0.0)
        self.header_y = y
        self.header_rects = []
        for col, cx in zip(self.columns, centres, strict=True):
            w, h = self.header_font.block(col.header)
            self.header_rects.append((cx - w / 2, y + header_h - h, cx + w / 2, y + header_h))
        y += header_h + 6
        self.upper_lanes = [y + c + k * lane_sp for k in range(n_upper)]
        if n_upper:
            y += c + n_upper * lane_sp
        main_top = y + 2
        ys = self.center_y
        top = min((ys[v] - self.height[v] / 2 for layer in self.ordered for v in layer), default=0.0)
        shift = main_top - top
        for v in ys:
            ys[v] += shift
        for col, layer in zip(self.columns, self.ordered, strict=True):
            for v in layer:
                if not v.startswith(_DUMMY):
                    self.rects[v] = (col.x, ys[v] - self.height[v] / 2, col.x + self.col_w, ys[v] + self.height[v] / 2)
        self.main_bottom = max((r[3] for r in self.rects.values()), default=main_top)
        self.main_bottom = max([self.main_bottom] + [ys[v] + self.slot_h / 2 for v in ys])
        y = self.main_bottom
        self.lower_lanes = [y + c + k * lane_sp for k in range(n_lower)]
        y += (c + n_lower * lane_sp + c) if n_lower else sp.vgap
        y = self._place_context(y)
        among_context = [e for e in routed if e.source in self.context and e.target in self.context]
        self.bottom_lanes = [y + c + k * lane_sp for k in range(min(len(among_context), 6))]
        if self.bottom_lanes:
            y += c + len(self.bottom_lanes) * lane_sp
        if self.core is not None and self.core_position == "bottom":
            y += 2 * c + 4
            x0, _, x1, _ = self.band_x
            band_h = replace(self.name_font, bold=True).block(self.lines[self.core])[1] + 2 * sp.pad_y + 2
            self.band_rect = (x0, y, x1, y + band_h)
            y += band_h
        if self.band_rect is not None:
            self.rects[self.core] = self.band_rect
        self.H = y + sp.margin

    def _place_headers(self) -> list[float]:
        """Wrap the column headers and centre each over its column, nudged apart if they are wide."""
        cols, gap, f = self.columns, 6.0, self.header_font
        for k, col in enumerate(cols):
            left = col.x - cols[k - 1].x - self.col_w if k else 0.0
            right = cols[k + 1].x - col.x - self.col_w if k + 1 < len(cols) else 0.0
            col.header = tuple(part for s in col.header for part in f.wrap(s, self.col_w + 0.8 * (left + right)))
        widths = [f.block(col.header)[0] for col in cols]
        if sum(widths) + gap * (len(cols) - 1) > self.W - 2:
            for col in cols:
                col.header = tuple(part for s in col.header for part in f.wrap(s, self.col_w))
            widths = [f.block(col.header)[0] for col in cols]
        before = np.cumsum([0.0] + [w + gap for w in widths])
        after = np.cumsum([0.0] + [w + gap for w in reversed(widths)])[::-1]
        targets = [
            min(max(col.x + self.col_w / 2, 1 + before[k] + w / 2), self.W - 1 - after[k + 1] - w / 2)
            for k, (col, w) in enumerate(zip(cols, widths, strict=True))
        ]
        seps = [(a + b) / 2 + gap for a, b in itertools.pairwise(widths)]
        return _isotonic_place(targets, [1.0] * len(cols), seps)

    def _place_context(self, y: float) -> float:
        if not self.context:
            return y
        n = len(self.columns) or 1
        middle = (self.stage_span[0] + self.stage_span[1]) / 2 if self.stage_span else (n - 1) / 2
        wanted = []
        for i, cid in enumerate(self.context):
            touched = [
                self.layer[o]
                for e in self.edges
                for s, o in ((e.source, e.target), (e.target, e.source))
                if s == cid and o in self.layer
            ]
            if self.stage_span:  # under the stages it touches, when it touches any
                lo, hi = self.stage_span
                touched = [k for k in touched if lo <= k <= hi] or touched
            wanted.append((sum(touched) / len(touched) if touched else middle, i, cid))
        rows: list[set[int]] = []
        placed: list[tuple[str, int, int]] = []
        for want, _, cid in sorted(wanted):
            for row, taken in enumerate([*rows, set()]):
                free = [k for k in range(n) if k not in taken]
                if free and (row == len(rows) or min(abs(k - want) for k in free) <= 1.01):
                    k = min(free, key=lambda k: (abs(k - want), k))
                    if row == len(rows):
                        rows.append(set())
                    rows[row].add(k)
                    placed.append((cid, row, k))
                    break
        row_h = [max(self.box_hs[cid] for cid, r, _ in placed if r == row) for row in range(len(rows))]
        row_top = [y + sum(row_h[:row]) + row * self.sp.vgap for row in range(len(rows))]
        for cid, row, k in placed:
            x = self.columns[k].x if self.columns else self.sp.margin
            top = row_top[row] + (row_h[row] - self.box_hs[cid]) / 2
            self.rects[cid] = (x, top, x + self.col_w, top + self.box_hs[cid])
        return row_top[-1] + row_h[-1]

    # -- edges -----------------------------------------------------------------------------

    def _forward_routes(self) -> None:
        ys = self.center_y

        def spread(cid: str, items: list[tuple[float, int]], side: str) -> None:
            """Ports on one side of a box: each as level with its other end as the side allows."""
            half = self.height[cid] / 2 - 4
            items.sort()
            k = len(items)
            step = min(6.0, 2 * half / (k - 1)) if k > 1 else 0.0
            lo, hi = ys[cid] - half, ys[cid] + half
            placed = _isotonic_place([min(max(w, lo), hi) for w, _ in items], [1.0] * k, [step] * (k - 1))
            shift = max(0.0, lo - placed[0]) - max(0.0, placed[-1] - hi)
            for (_, idx), y in zip(items, placed, strict=True):
                port_y[(cid, idx, side)] = y + shift

        port_y: dict[tuple[str, int, str], float] = {}
        table: dict[str, list[tuple[float, int]]] = {}
        for e in self.edges:
            if e.forward:
                table.setdefault(e.source, []).append((ys[e.chain[1]], e.index))
        for cid, items in table.items():
            spread(cid, items, "out")
        table = {}
        for e in self.edges:
            if e.forward:
                other = port_y[(e.source, e.index, "out")] if len(e.chain) == 2 else ys[e.chain[-2]]
                table.setdefault(e.target, []).append((other, e.index))
        for cid, items in table.items():
            spread(cid, items, "in")
        for e in self.edges:
            if not e.forward:
                continue
            pts: list[tuple[float, float]] = []
            x0 = self.rects[e.source][2]
            y0 = port_y[(e.source, e.index, "out")]
            for d in e.chain[1:-1]:
                col = self.columns[int(d.rsplit(":", 1)[1])]
                pts.extend(_s_curve(x0, y0, col.x, ys[d]))
                x0, y0 = col.x + self.col_w, ys[d]
            pts.extend(_s_curve(x0, y0, self.rects[e.target][0], port_y[(e.target, e.index, "in")]))
            e.points = _simplify(pts)

    def _grid(self) -> _Router:
        c = self.sp.clearance
        xs = [self.sp.margin, self.W - self.sp.margin]
        ys = [self.sp.margin, self.H - self.sp.margin, *self.upper_lanes, *self.lower_lanes, *self.bottom_lanes]
        obstacles = []
        for cid, (x0, y0, x1, y1) in self.rects.items():
            obstacles.append((x0 - c + 0.5, y0 - c + 0.5, x1 + c - 0.5, y1 + c - 0.5))
            ys += [y0 - c, y1 + c, (y0 + y1) / 2]
            if cid == self.core:
                xs += [x0 - c, x1 + c]
                continue
            xs += [x0 - c, x1 + c] + [x0 + (x1 - x0) * f for f in (0.5, 0.3, 0.7)]
        for x0, y0, x1, y1 in self.header_rects:
            obstacles.append((x0 - 1, y0 - 1, x1 + 1, y1 + 1))
            ys += [y1 + 2]
        for k, col in enumerate(self.columns[:-1]):
            a, b = col.x + self.col_w, self.columns[k + 1].x
            xs += [(a + b) / 2, a + (b - a) / 3, a + 2 * (b - a) / 3]
        for layer in self.ordered:
            for a, b in itertools.pairwise(layer):
                ys.append((self.center_y[a] + self.height[a] / 2 + self.center_y[b] - self.height[b] / 2) / 2)
        if self.band_rect is not None:
            x0, _, x1, _ = self.band_rect
            xs += list(np.linspace(x0 + 12, x1 - 20, 9))
        xs = [x for x in xs if self.sp.margin <= x <= self.W - self.sp.margin]
        ys = [y for y in ys if self.sp.margin <= y <= self.H - self.sp.margin]
        return _Router(xs, ys, obstacles)

    def _ports(
        self, router: _Router, cid: str, use: dict, sides: bool = True, everywhere: bool = False
    ) -> list[tuple[int, int, int, float, tuple, str]]:
        """Ports of a box: (ix, iy, outward dir, cost, point on the border, side).

        Boxes in the columns are reached from above or below (their sides carry the S-curves);
        context boxes also from the left and right (``sides``; not between two context boxes, whose
        short link through a gap would leave no room for its label); any box from any side when
        nothing else works (``everywhere``).
        """
        x0, y0, x1, y1 = self.rects[cid]
        c = self.sp.clearance
        if cid == self.core:
            xs = [x for x in router.xs if x0 + 10 <= x <= x1 - 18]
        else:
            xs = [x0 + (x1 - x0) * f for f in (0.5, 0.3, 0.7)]
        out = []
        for side, gy, border, d in (("bottom", y1 + c, y1, 2), ("top", y0 - c, y0, 3)):
            iy = router.iy(gy)
            if iy is None:
                continue
            for x in xs:
                ix = router.ix(x)
                if ix is None or not router.node_ok[iy, ix]:
                    continue
                centre = abs(x - (x0 + x1) / 2) * 0.05
                cost = c + centre + _Router.PORT * use.get((cid, side, ix), 0)
                out.append((ix, iy, d, cost, (float(router.xs[ix]), border), side))
        if (sides and cid in self.context) or everywhere:
            iy = router.iy((y0 + y1) / 2)
            for side, gx, border, d in (("left", x0 - c, x0, 1), ("right", x1 + c, x1, 0)):
                ix = router.ix(gx)
                if iy is None or ix is None or not router.node_ok[iy, ix]:
                    continue
                cost = c + _Router.PORT * use.get((cid, side, ix), 0)
                out.append((ix, iy, d, cost, (border, (y0 + y1) / 2), side))
        return out

    def _routed_routes(self) -> None:
        router = self._grid()
        for e in self.edges:
            if e.forward:
                router.add_crossings(e.points)
        use: dict[tuple[str, str, int], int] = {}

        def key(e: _Edge) -> tuple[float, int]:
            (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = self.rects[e.source], self.rects[e.target]
            return (abs(ax0 + ax1 - bx0 - bx1) + abs(ay0 + ay1 - by0 - by1), e.index)

        for e in sorted((e for e in self.edges if not e.forward), key=key):
            starts = self._ports(router, e.source, use, sides=e.target not in self.context)
            goals = [
                (ix, iy, (1, 0, 3, 2)[d], cost, p, side)
                for ix, iy, d, cost, p, side in self._ports(router, e.target, use, sides=e.source not in self.context)
            ]
            if e.source == e.target:  # a loop: out of the bottom (or right), round and into the top
                starts = [s for s in starts if s[5] in ("bottom", "right")]
                goals = [g for g in goals if g[5] == "top"]
            found = router.route([s[:4] for s in starts], [g[:4] for g in goals]) if starts and goals else None
            if found is None and e.source != e.target:  # boxed in: try every side
                starts = self._ports(router, e.source, use, everywhere=True)
                goals = [
                    (ix, iy, (1, 0, 3, 2)[d], cost, p, side)
                    for ix, iy, d, cost, p, side in self._ports(router, e.target, use, everywhere=True)
                ]
                found = router.route([s[:4] for s in starts], [g[:4] for g in goals]) if starts and goals else None
            if found is None:
                (ax0, _ay0, ax1, ay1), (bx0, by0, bx1, _by1) = self.rects[e.source], self.rects[e.target]
                e.points = [((ax0 + ax1) / 2, ay1), ((bx0 + bx1) / 2, by0)]
                continue
            nodes, si, gi = found
            pts = [starts[si][4]] + [(float(router.xs[i]), float(router.ys[j])) for i, j in nodes] + [goals[gi][4]]
            for (ix, _, _, _, _, side), cid in ((starts[si], e.source), (goals[gi], e.target)):
                use[(cid, side, ix)] = use.get((cid, side, ix), 0) + 1
            router.mark_used(nodes)
            e.points = _simplify(pts)
            router.add_crossings(e.points)
        routed = [e for e in self.edges if not e.forward]
        self._drop_empty_lanes(routed)
        for e in routed:
            e.points = _rounded(e.points)

    def _drop_empty_lanes(self, routed: list[_Edge]) -> None:
        """Close up the routing lanes no edge runs along (keeping one, for labels on verticals)."""
        used = {round(a[1], 3) for e in routed for a, b in pairwise(e.points) if abs(a[1] - b[1]) < 1e-6}
        for lanes in (self.bottom_lanes, self.lower_lanes, self.upper_lanes):  # bottom up: nothing above moves
            empty = [t for t in lanes if round(t, 3) not in used]
            for track in sorted(empty, reverse=True)[: len(lanes) - 1]:

                def move(y: float, track: float = track) -> float:
                    return y - self.lane_sp if y > track + 1e-6 else y

                for cid, (x0, y0, x1, y1) in self.rects.items():
                    self.rects[cid] = (x0, move(y0), x1, move(y1))
                for e in self.edges:
                    e.points = [(x, move(y)) for x, y in e.points]
                self.center_y = {v: move(y) for v, y in self.center_y.items()}
                self.main_bottom = move(self.main_bottom)
                self.H -= self.lane_sp

    # -- labels ----------------------------------------------------------------------------

    def _place_labels(self, strict: bool) -> dict[int, tuple[tuple[str, ...], float, float, float, float]] | None:
        """Choose a spot per label: never on a box, a header or another label; few lines crossed."""
        hard = [(x0 - 1.5, y0 - 1.5, x1 + 1.5, y1 + 1.5) for x0, y0, x1, y1 in self.rects.values()]
        hard += [(x0 - 1, y0 - 1, x1 + 1, y1 + 1) for x0, y0, x1, y1 in self.header_rects]
        hard_arr = np.array(hard).reshape(-1, 4)
        p0 = np.array([a for e in self.edges for a in e.points[:-1]]).reshape(-1, 2)
        p1 = np.array([b for e in self.edges for b in e.points[1:]]).reshape(-1, 2)
        starts = np.cumsum([0] + [len(e.points) - 1 for e in self.edges])

        options: dict[int, list[tuple[float, tuple[float, float, float, float], tuple]]] = {}
        for e in self.edges:
            if not e.label.strip():
                continue
            cands = self._label_candidates(e, self.sp.label_gap)
            rects = np.array([c[1] for c in cands]).reshape(-1, 4)
            free = (rects[:, 0] >= 1) & (rects[:, 1] >= 1) & (rects[:, 2] <= self.W - 1) & (rects[:, 3] <= self.H - 1)
            for hx0, hy0, hx1, hy1 in hard_arr:
                free &= ~((rects[:, 0] < hx1) & (hx0 < rects[:, 2]) & (rects[:, 1] < hy1) & (hy0 < rects[:, 3]))
            keep = np.nonzero(free)[0]
            rects = rects[keep]
            hits = np.zeros((len(rects), len(p0)), dtype=bool)
            for c0 in range(0, len(rects), 48):  # in batches, against the segments near the batch
                batch = rects[c0 : c0 + 48]
                bx0, by0 = batch[:, 0].min(), batch[:, 1].min()
                bx1, by1 = batch[:, 2].max(), batch[:, 3].max()
                near = np.nonzero(
                    (np.minimum(p0[:, 0], p1[:, 0]) <= bx1)
                    & (np.maximum(p0[:, 0], p1[:, 0]) >= bx0)
                    & (np.minimum(p0[:, 1], p1[:, 1]) <= by1)
                    & (np.maximum(p0[:, 1], p1[:, 1]) >= by0)
                )[0]
                if len(near):
                    hits[c0 : c0 + 48, near] = _segments_hit_rects(p0[near], p1[near], batch)
            per_edge = np.logical_or.reduceat(hits, starts[:-1], axis=1) if hits.size else np.zeros((len(keep), 0))
            own = per_edge[:, e.index].copy() if per_edge.size else np.zeros(len(keep), dtype=bool)
            crossed = per_edge.sum(axis=1) - own if per_edge.size else np.zeros(len(keep))
            online = np.array([cands[i][3] for i in keep], dtype=bool)
            lines_under = crossed + (own & ~online)
            scores = np.array([cands[i][0] for i in keep]) + 9.0 * lines_under
            backdrop = (lines_under > 0) | online  # a label over a line gets a white ground
            options[e.index] = sorted(
                ((float(scores[j]), cands[i][1], cands[i][2], bool(backdrop[j])) for j, i in enumerate(keep)),
                key=lambda c: (c[0], c[1]),
            )

        chosen: dict[int, tuple] = {}

        def clear(rect: tuple, skip: int | None = None) -> list[int]:
            return [k for k, c in chosen.items() if k != skip and _overlaps(rect, _grow(c[1], 1.0))]

        for idx in sorted(options, key=lambda i: (len(options[i]), i)):
            pick = next((c for c in options[idx] if not clear(c[1])), None)
            if pick is None:  # move one label out of the way, if that frees a spot
                for c in options[idx][:60]:
                    blockers = clear(c[1])
                    if len(blockers) != 1:
                        continue
                    b = blockers[0]
                    moved = next(
                        (m for m in options[b] if not clear(m[1], skip=b) and not _overlaps(_grow(m[1], 1.0), c[1])),
                        None,
                    )
                    if moved is not None:
                        chosen[b], pick = moved, c
                        break
            if pick is None:
                if strict:
                    return None
                e = self.edges[idx]
                w, h = self.label_font.block((e.label,))
                mx, my = e.points[len(e.points) // 2]
                pick = (0.0, (mx - w / 2, my - h / 2, mx + w / 2, my + h / 2), ((e.label,), w, h), True)
            chosen[idx] = pick
        return {
            idx: (lines, (r[0] + r[2]) / 2, (r[1] + r[3]) / 2, w, h, ground)
            for idx, (_, r, (lines, w, h), ground) in chosen.items()
        }

    def _label_candidates(self, e: _Edge, gap: float) -> list[tuple[float, tuple, tuple, bool]]:
        """Spots along the edge: (score, rect, (lines, w, h), sits on the line)."""
        pts = np.array(e.points)
        seg = np.diff(pts, axis=0)
        length = np.hypot(seg[:, 0], seg[:, 1])
        cum = np.concatenate([[0.0], np.cumsum(length)])
        total = float(cum[-1])
        if total <= 0:
            return []
        lo, hi = 3.0, total - (_ARROW + 3.0)
        if hi <= lo:
            lo, hi = 0.0, total
        n = max(5, int((hi - lo) / (1.5 if total < 90 else 3.0)))
        middle = total / 2
        out = []
        pad = 0.6
        for _variant, (lines, w, h, vpen) in enumerate(self._label_variants(e.label)):
            for s in np.linspace(lo, hi, n):
                i = min(int(np.searchsorted(cum, s, side="right")) - 1, len(seg) - 1)
                if length[i] == 0:
                    continue
                t = (s - cum[i]) / length[i]
                px, py = pts[i] + t * seg[i]
                dx, dy = seg[i] / length[i]
                spots = []
                if abs(dx) >= abs(dy):  # horizontal-ish: above or below
                    lift = gap + h / 2 + abs(dy / dx) * w / 2
                    spots += [(px, py - lift, 0.0, False), (px, py + lift, 1.0, False)]
                else:  # vertical-ish: right or left
                    lift = gap + w / 2 + abs(dx / dy) * h / 2
                    spots += [(px + lift, py, 0.3, False), (px - lift, py, 0.8, False)]
                spots.append((px, py, 3.0, True))  # on the line, over a white background
                for cx, cy, side, online in spots:
                    score = side + vpen + 0.03 * abs(s - middle)
                    rect = (cx - w / 2 - pad, cy - h / 2 - pad, cx + w / 2 + pad, cy + h / 2 + pad)
                    out.append((score, rect, (lines, w, h), online))
        return out

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
                    dashed=e.label.strip().lower().startswith("contrast"),
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
