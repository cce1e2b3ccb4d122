"""Memo bodies (the researcher's Markdown) for each format, safely.

Parsed with markdown-it-py (CommonMark; it comes with rich) with raw HTML switched off, so a
``<script>`` in a memo is printed as text. Links and images never become links or loads: a link
keeps its words and shows its address in brackets, an image shows its description. Headings
inside a memo are set below the report's own (a memo's ``#`` becomes a fourth-level heading).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

HEADING_SHIFT = 3


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False})


def _text_token(content: str):
    from markdown_it.token import Token

    token = Token("text", "", 0)
    token.content = content
    return token


def _tokens(body: str):
    """Parsed blocks with links turned into words and images into their descriptions."""
    tokens = _parser().parse(body or "")
    for tok in tokens:
        if tok.type in ("heading_open", "heading_close"):
            tok.tag = f"h{min(6, int(tok.tag[1]) + HEADING_SHIFT)}"
        if tok.type != "inline" or not tok.children:
            continue
        children, href = [], None
        for child in tok.children:
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
            elif child.type == "link_close":
                if href and not href.startswith("#"):
                    children.append(_text_token(f" ({href})"))
                href = None
            elif child.type == "image":
                alt = "".join(c.content for c in child.children or []) or "image"
                children.append(_text_token(f"[image: {alt}]"))
            else:
                children.append(child)
        tok.children = children
    return tokens


def to_html(body: str) -> str:
    """A memo body as HTML; every piece of its text escaped, nothing loaded, nothing linked.

    Examples:
        >>> to_html("A *test* <b>x</b> [site](https://example.org)")
        '<p>A <em>test</em> &lt;b&gt;x&lt;/b&gt; site (https://example.org)</p>\\n'
    """
    md = _parser()
    return md.renderer.render(_tokens(body), md.options, {})


def plain(body: str) -> str:
    """A memo's words without Markdown marks, paragraphs separated by blank lines."""
    out = []
    for tok in _tokens(body):
        if tok.type == "inline":
            out.append(_inline_text(tok.children or []))
        elif tok.type in ("fence", "code_block"):
            out.append(tok.content.strip())
    return "\n\n".join(p for p in out if p.strip())


def first_paragraph(body: str) -> str:
    """The first paragraph of a memo (not a heading), as plain text."""
    tokens = _tokens(body)
    for i, tok in enumerate(tokens):
        if tok.type == "paragraph_open" and i + 1 < len(tokens):
            return _inline_text(tokens[i + 1].children or [])
    return plain(body).split("\n\n")[0] if body else ""


def _inline_text(children) -> str:
    text = "".join(" " if c.type in ("softbreak", "hardbreak") else c.content for c in children)
    return " ".join(text.split())


@dataclass
class Block:
    """A memo paragraph for a word processor: kind, list depth and runs (text, bold, italic, code)."""

    kind: str  # paragraph, heading, bullet, number, quote, code, rule
    level: int = 0
    runs: list[tuple[str, bool, bool, bool]] = field(default_factory=list)
    first: bool = False  # the first item of a list (numbering restarts there)


def blocks(body: str) -> list[Block]:
    """A memo body as a flat list of blocks (for DOCX)."""
    out: list[Block] = []
    lists: list[str] = []
    quote = 0
    heading = 0
    fresh = False
    for tok in _tokens(body):
        if tok.type == "bullet_list_open":
            lists.append("bullet")
            fresh = True
        elif tok.type == "ordered_list_open":
            lists.append("number")
            fresh = True
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif tok.type == "blockquote_open":
            quote += 1
        elif tok.type == "blockquote_close":
            quote -= 1
        elif tok.type == "heading_open":
            heading = int(tok.tag[1])
        elif tok.type == "heading_close":
            heading = 0
        elif tok.type in ("fence", "code_block"):
            out.append(Block("code", 0, [(tok.content.rstrip("\n"), False, False, True)]))
        elif tok.type == "hr":
            out.append(Block("rule"))
        elif tok.type == "inline":
            kind = "heading" if heading else lists[-1] if lists else "quote" if quote else "paragraph"
            out.append(Block(kind, heading or len(lists), _runs(tok.children or []), first=fresh and bool(lists)))
            fresh = False
    return out


def _runs(children) -> list[tuple[str, bool, bool, bool]]:
    runs, bold, italic = [], 0, 0
    for c in children:
        if c.type == "strong_open":
            bold += 1
        elif c.type == "strong_close":
            bold -= 1
        elif c.type == "em_open":
            italic += 1
        elif c.type == "em_close":
            italic -= 1
        elif c.type in ("softbreak", "hardbreak"):
            runs.append((" " if c.type == "softbreak" else "\n", bool(bold), bool(italic), False))
        elif c.type == "code_inline":
            runs.append((c.content, bool(bold), bool(italic), True))
        elif c.content:
            runs.append((c.content, bool(bold), bool(italic), False))
    return runs


_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_TAG = re.compile(r"<(?=[A-Za-z/!?])")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]*)\)")
_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)(?:\s+\"[^\"]*\")?\)")


def to_markdown(body: str) -> str:
    """A memo body for a Markdown report: headings set below the report's, raw HTML tags shown as text."""
    out, fenced = [], False
    for line in (body or "").splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            heading = re.match(r"^\s{0,3}(#{1,6})\s", line)
            if heading:
                level = min(6, len(heading.group(1)) + HEADING_SHIFT)
                line = "#" * level + line.lstrip()[len(heading.group(1)) :]
            line = _IMAGE.sub(lambda m: f"[image: {m.group(1) or 'image'}]", line)
            line = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", line)
            line = _TAG.sub("&lt;", line)
        out.append(line)
    return "\n".join(out).strip()
