"""Columns, their order and the heights of a theory-model layout: steps 1 to 3 of :mod:`theorize.theory.layout`.

Which category goes in which column, the widths of the columns and of the gaps between them, the
order within each column (barycentre sweeps), the heights (a pull towards neighbours projected
with pool-adjacent-violators), and the rows above and below the columns: the core band, the
headers, the routing lanes and the context categories. Points, y downwards.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import replace
from itertools import pairwise

import numpy as np

from theorize.domain.theory import CategoryRole
from theorize.errors import InvalidInput
from theorize.theory.geometry import _DUMMY, LINE_SPACING, _Column, _Edge, _PlacementState

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
# The placement's steps that fix the columns and the rows


class _Ordering(_PlacementState):
    """Structure, widths, order and heights, rows: a part of :class:`theorize.theory.layout._Placement`."""

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
        lines: tuple[str, ...] = (f"Stage {stage.order}",)
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
            if self.model.category(cid).role == CategoryRole.CONTEXT:  # labelled, as the core band is
                self.lines[cid] = ("Context:", *self.lines[cid])
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
                # inside the figure's margin, or the band's left edge and tip are cut off where the
                # stage columns reach the margin (three stages and no conditions)
                x0 = max(self.columns[span[0]].x - 3, sp.margin + 1)
                x1 = min(self.columns[span[1]].x + self.col_w + 3, self.W - sp.margin - 1)
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
        if self.band_rect is not None and self.core is not None:
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
