"""The transcript laid out for the page: rows (numbered units) inside turns, each coding given a
lane of the margin so that overlapping codings stand side by side, and each coding's place in
the rows in the browser's UTF-16 units (for highlighting its exact words)."""

from __future__ import annotations

from dataclasses import dataclass, field

from theorize.services.workbench import Transcript
from theorize.web.offsets import to_dom

LANES = 12  # the margin shows this many stripes side by side; more overlaps share the last lane

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#ff7f0e",
    "#393b79",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
    "#3182bd",
)


def colour_of(code_id: int, colour: str | None) -> str:
    """A code's own colour, else one of a fixed palette chosen by its id."""
    return colour or PALETTE[code_id % len(PALETTE)]


@dataclass
class Row:
    number: int
    start: int
    end: int
    text: str
    stripes: list[tuple[int, int]] = field(default_factory=list)  # (coding id, lane)


@dataclass
class Turn:
    number: int
    speaker: str | None
    role: str
    time: str
    rows: list[Row]


def clock(seconds: float | None) -> str:
    """A time stamp as h:mm:ss (or m:ss)."""
    if seconds is None:
        return ""
    s = int(seconds)
    h, m, sec = s // 3600, s // 60 % 60, s % 60
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def assign_lanes(codings: list[dict]) -> dict[int, int]:
    """Lane of each coding (by id): the lowest lane free at its start, codings taken by start."""
    ends: list[int] = []
    lanes = {}
    for c in sorted(codings, key=lambda c: (c["start"], -c["end"], c["id"])):
        for lane, reach in enumerate(ends):
            if reach <= c["start"] and lane < LANES:
                ends[lane] = max(c["end"], c["start"] + 1)
                lanes[c["id"]] = lane
                break
        else:
            lane = min(len(ends), LANES - 1)
            if lane == len(ends):
                ends.append(max(c["end"], c["start"] + 1))
            else:
                ends[lane] = max(ends[lane], c["end"])
            lanes[c["id"]] = lane
    return lanes


def lay_out(tr: Transcript, hidden_coders: set[str] | frozenset[str] = frozenset()) -> tuple[list[Turn], list[dict]]:
    """Turns of rows with their stripes, and the codings enriched for the page's script: lane,
    colour, and first/last row with the UTF-16 offsets of the coding's ends in them."""
    codings = [c for c in tr.codings if c["coder"] not in hidden_coders]
    lanes = assign_lanes(codings)
    rows_in_order: list[Row] = []
    turns = []
    for turn in tr.turns:
        rows = [Row(n, s, e, tr.text[s:e]) for n, s, e in turn.units]
        rows_in_order.extend(rows)
        turns.append(Turn(turn.number, turn.speaker, turn.role, clock(turn.started_at), rows))
    items = sorted((c["start"], c["end"], c["id"]) for c in codings)
    active: list[tuple[int, int, int]] = []
    k, n = 0, len(items)
    place: dict[int, list] = {}
    for row in rows_in_order:
        start, limit = row.start, max(row.end, row.start + 1)
        while k < n and items[k][0] < limit:
            active.append(items[k])
            k += 1
        if not active:
            continue
        keep = []
        for item in active:
            s, e, cid = item
            if e > start or e == s == start:
                keep.append(item)
                row.stripes.append((cid, lanes[cid]))
                p = place.get(cid)
                if p is None:
                    place[cid] = [row, row]
                else:
                    p[1] = row
        active = keep
    out = []
    for c in codings:
        first, last = place.get(c["id"], (None, None))
        shown = {**c, "lane": lanes[c["id"]], "colour": colour_of(c["code_id"], c["colour"])}
        if first is not None and last is not None:
            shown.update(
                row_first=first.number,
                off_first=to_dom(tr.text, first.start, max(c["start"], first.start)),
                row_last=last.number,
                off_last=to_dom(tr.text, last.start, min(c["end"], last.end)),
            )
        out.append(shown)
    return turns, out


def row_spans(tr: Transcript) -> dict[int, tuple[int, int]]:
    """Each row's (start, end) by its number."""
    return {n: (s, e) for turn in tr.turns for n, s, e in turn.units}


_PENDING = ("", " pending")


def _pending(c: dict) -> bool:
    """A machine suggestion nobody has decided on yet: drawn hatched, as the machine's."""
    return c.get("origin") == "machine" and c.get("status") == "pending"


def rows_html(turns: list[Turn], by_id: dict[int, dict]) -> str:
    """The transcript's turns and rows as HTML, every text escaped. Written out here rather than in
    the template: a long interview has a thousand rows, and this is five times faster."""
    from html import escape

    out = []
    coder_attr = {cid: escape(c["coder"], quote=True) for cid, c in by_id.items()}
    for turn in turns:
        time = f" <time>{turn.time}</time>" if turn.time else ""
        out.append(
            f'<div class="turn" id="turn-{turn.number}" data-turn="{turn.number}"><div class="turn-head">'
            f'<span class="speaker">{escape(turn.speaker or "")}</span>{time} '
            f'<span class="turn-no">turn {turn.number}</span></div>'
        )
        for row in turn.rows:
            stripes = "".join(
                f'<b class="s l{lane} c{by_id[cid]["code_id"]}{_PENDING[_pending(by_id[cid])]}" data-c="{cid}" data-coder="{coder_attr[cid]}"></b>'
                for cid, lane in row.stripes
            )
            out.append(
                f'<div class="row" id="u{row.number}" tabindex="-1" data-n="{row.number}" data-s="{row.start}" '
                f'data-e="{row.end}"><span class="n" aria-hidden="true">{row.number}</span>'
                f'<span class="margin">{stripes}</span><span class="words" dir="auto">{escape(row.text, quote=False)}</span></div>'
            )
        out.append("</div>")
    return "".join(out)
