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


@dataclass(slots=True)
class Row:
    number: int
    start: int
    end: int
    text: str
    stripes: list[tuple[int, int]] = field(default_factory=list)  # (coding id, lane)
    html: tuple[str, str] = ("", "")  # the row's HTML before and after its stripes


@dataclass(slots=True)
class Turn:
    number: int
    speaker: str | None
    role: str
    time: str
    rows: list[Row]
    html: str = ""  # the turn's head


#: The rows of a text version cut into one unit, by the identity of the transcript's turns (which
#: the library keeps per version and unit): (those turns, and per turn (turn number, speaker,
#: role, time, head HTML, rows as (number, start, end, text, HTML around the stripes))). A
#: version's words never change, so only the stripes are drawn per request.
_SKELETONS: dict[int, tuple[list, list[tuple]]] = {}


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


def _skeleton(tr: Transcript) -> list[tuple]:
    """The turns and rows of a transcript with their HTML, without stripes (cached per version)."""
    from html import escape

    found = _SKELETONS.get(id(tr.turns))
    if found is not None and found[0] is tr.turns:  # the entry holds the turns: their id is not reused
        return found[1]
    text, out = tr.text, []
    for turn in tr.turns:
        time = clock(turn.started_at)
        shown = f" <time>{time}</time>" if time else ""
        head = (
            f'<div class="turn" id="turn-{turn.number}" data-turn="{turn.number}"><div class="turn-head">'
            f'<span class="speaker">{escape(turn.speaker or "")}</span>{shown} '
            f'<span class="turn-no">turn {turn.number}</span></div>'
        )
        rows = []
        for n, s, e in turn.units:
            words = text[s:e]
            around = (
                f'<div class="row" id="u{n}" tabindex="-1" data-n="{n}" data-s="{s}" data-e="{e}">'
                f'<span class="n" aria-hidden="true">{n}</span><span class="margin">',
                f'</span><span class="words" dir="auto">{escape(words, quote=False)}</span></div>',
            )
            rows.append((n, s, e, words, around))
        out.append((turn.number, turn.speaker, turn.role, time, head, rows))
    if len(_SKELETONS) > 32:
        _SKELETONS.clear()
    _SKELETONS[id(tr.turns)] = (tr.turns, out)
    return out


def lay_out(tr: Transcript, hidden_coders: set[str] | frozenset[str] = frozenset()) -> tuple[list[Turn], list[dict]]:
    """Turns of rows with their stripes, and the codings enriched for the page's script: lane,
    colour, and first/last row with the UTF-16 offsets of the coding's ends in them."""
    codings = [c for c in tr.codings if c["coder"] not in hidden_coders] if hidden_coders else tr.codings
    lanes = assign_lanes(codings)
    rows_in_order: list[Row] = []
    turns = []
    for number, speaker, role, time, head, cut in _skeleton(tr):
        rows = [Row(n, s, e, words, [], around) for n, s, e, words, around in cut]
        rows_in_order.extend(rows)
        turns.append(Turn(number, speaker, role, time, rows, head))
    items = sorted((c["start"], c["end"], c["id"]) for c in codings)
    active: list[tuple[int, int, int]] = []
    k, n = 0, len(items)
    place: dict[int, list] = {}
    for row in rows_in_order:
        start, end = row.start, row.end
        limit = end if end > start else start + 1
        while k < n and items[k][0] < limit:
            active.append(items[k])
            k += 1
        if not active:
            continue
        keep = []
        stripes = row.stripes
        for item in active:
            s, e, cid = item
            if e > start or e == s == start:
                keep.append(item)
                stripes.append((cid, lanes[cid]))
                p = place.get(cid)
                if p is None:
                    place[cid] = [row, row]
                else:
                    p[1] = row
        active = keep
    text = tr.text
    plain = text.isascii() and "\r" not in text  # then a UTF-16 offset is a code point offset
    out = []
    for c in codings:
        cid = c["id"]
        shown = dict(c)
        shown["lane"] = lanes[cid]
        shown["colour"] = c["colour"] or PALETTE[c["code_id"] % len(PALETTE)]
        p = place.get(cid)
        if p is not None:
            first, last = p
            a = c["start"] if c["start"] > first.start else first.start
            b = c["end"] if c["end"] < last.end else last.end
            shown["row_first"] = first.number
            shown["off_first"] = a - first.start if plain else to_dom(text, first.start, a)
            shown["row_last"] = last.number
            shown["off_last"] = b - last.start if plain else to_dom(text, last.start, b)
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
    the template: a long interview has a thousand rows, and this is five times faster. The words
    are escaped once per text version (:func:`_skeleton`); only the stripes are written each time."""
    from html import escape

    out = []
    stripe = {cid: f'" data-c="{cid}" data-coder="{escape(c["coder"], quote=True)}"></b>' for cid, c in by_id.items()}
    kind = {cid: f'<b class="s l{{}} c{c["code_id"]}{_PENDING[_pending(c)]}' for cid, c in by_id.items()}
    for turn in turns:
        out.append(turn.html)
        for row in turn.rows:
            before, after = row.html
            if row.stripes:
                out.append(before + "".join(kind[cid].format(lane) + stripe[cid] for cid, lane in row.stripes) + after)
            else:
                out.append(before + after)
        out.append("</div>")
    return "".join(out)
