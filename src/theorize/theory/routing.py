"""How the relations of a theory-model layout are drawn: step 4 of :mod:`theorize.theory.layout`.

Left-to-right relations become smooth S-curves from side to side; every other relation is routed
orthogonally around the boxes by a shortest path on a sparse grid (:class:`_Router`, with penalties
for bends, crossings and shared tracks) and its corners are rounded. Points, y downwards.
"""

from __future__ import annotations

import heapq
import itertools
import math
from itertools import pairwise

import numpy as np

from theorize.theory.geometry import _INF, _Edge, _PlacementState
from theorize.theory.ordering import _isotonic_place

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
                nodes: list[tuple[int, int]] = []
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
# The placement's steps that draw the edges


class _Routing(_PlacementState):
    """S-curves and routed edges: a part of :class:`theorize.theory.layout._Placement`."""

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
            for upper, lower in itertools.pairwise(layer):
                ys.append(
                    (self.center_y[upper] + self.height[upper] / 2 + self.center_y[lower] - self.height[lower] / 2) / 2
                )
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
