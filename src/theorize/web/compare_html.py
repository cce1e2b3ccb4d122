"""The compare view's passages as HTML, written out in Python (every text escaped), and sent in
two parts: the first screenful at once, the rest streamed after it. A code with 500 passages
paints its first ones before the last are written; Jinja took five times longer for the list."""

from __future__ import annotations

from collections.abc import Iterator
from html import escape

FIRST = 12  # passages in the first part: more than a screen holds
REST = "<!--theorize:rest-->"  # where a column's remaining passages go in the page


def about(p: dict) -> str:
    """Participant, group and attribute values of a passage, as one line."""
    return " · ".join(
        x
        for x in (
            p.get("participant"),
            p.get("group"),
            *(f"{k}: {v}" for k, v in (p.get("attributes") or {}).items() if v),
        )
        if x
    )


def passages_html(passages: list[dict], *, embed: bool = False) -> str:
    """``<li>`` items of passages: who said it and where, the words around it, a widen button."""
    target = ' target="_top"' if embed else ""
    out = []
    for p in passages:
        cid = int(p["id"])
        told = p["about"] if "about" in p else about(p)
        who = escape(told) if told else ""
        out.append(
            f'<li class="passage" data-coding="{cid}"><div class="who"><a href="/sources/{int(p["source_id"])}#c{cid}"'
            f"{target}>{escape(p['source'])}</a>{' · ' + who if who else ''} · {escape(p['code'])} · "
            f'<span class="quiet">{escape(p["coder"])}</span></div><p class="ctx"><span class="before">'
            f'{escape(p["before"], quote=False)}</span><mark>{escape(p["quote"], quote=False)}</mark><span class="after">'
            f'{escape(p["after"], quote=False)}</span></p><button type="button" class="linklike" data-widen="{cid}">'
            f"wider context</button></li>"
        )
    return "".join(out)


def streamed(page: str, columns: list[dict], *, embed: bool = False) -> Iterator[bytes]:
    """The page with each column's first passages, then each column's rest where it belongs."""
    parts = page.split(REST)
    for n, part in enumerate(parts):
        yield part.encode()
        rest = columns[n]["passages"][FIRST:] if n < len(columns) else []
        if rest:  # a list of its own, skipped by layout while off screen (content-visibility)
            yield f'<ol class="passages rest" start="{FIRST + 1}">{passages_html(rest, embed=embed)}</ol>'.encode()
