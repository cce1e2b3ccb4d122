"""Where the relation labels of a theory-model layout go: step 5 of :mod:`theorize.theory.layout`.

Labels are placed greedily, most constrained first, from candidate spots along each edge, never
on a box, a header or another label; a label over a line gets a white ground. Points, y downwards.
"""

from __future__ import annotations

import numpy as np

from theorize.theory.geometry import _ARROW, _Edge, _PlacementState
from theorize.theory.routing import _grow, _overlaps, _segments_hit_rects


class _Labelling(_PlacementState):
    """Label variants and label placement: a part of :class:`theorize.theory.layout._Placement`."""

    # -- labels ----------------------------------------------------------------------------

    def _place_labels(self, strict: bool) -> dict[int, tuple[tuple[str, ...], float, float, float, float, bool]] | None:
        """Choose a spot per label: never on a box, a header or another label; few lines crossed."""
        hard = [(x0 - 1.5, y0 - 1.5, x1 + 1.5, y1 + 1.5) for x0, y0, x1, y1 in self.rects.values()]
        hard += [(x0 - 1, y0 - 1, x1 + 1, y1 + 1) for x0, y0, x1, y1 in self.header_rects]
        hard_arr = np.array(hard).reshape(-1, 4)
        p0 = np.array([a for e in self.edges for a in e.points[:-1]]).reshape(-1, 2)
        p1 = np.array([b for e in self.edges for b in e.points[1:]]).reshape(-1, 2)
        starts = np.cumsum(np.array([0] + [len(e.points) - 1 for e in self.edges], dtype=int))

        options: dict[int, list[tuple[float, tuple[float, float, float, float], tuple, bool]]] = {}
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

        chosen: dict[int, tuple[float, tuple[float, float, float, float], tuple, bool]] = {}

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
