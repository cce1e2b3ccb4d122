"""Web pages (.html, .htm): the visible text, block elements as paragraphs (BeautifulSoup + lxml).

Text layout: one paragraph per block element (p, div, h1-h6, li, blockquote, pre, td, th, ...),
a blank line between them; ``<br>`` is "\\n"; runs of HTML white space collapse to one space
except inside ``<pre>``. Scripts, styles, the head and other invisible parts are dropped.
"""

from __future__ import annotations

import codecs
import re

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

from theorize.domain.sources import ParsedSource
from theorize.ingest.encoding import DecodedText, decode_text, release
from theorize.ingest.filetype import check_text
from theorize.ingest.layout import ReadRequest, TextLayout, build_source, where

_DROPPED = frozenset(
    "script style noscript template head svg math iframe object embed canvas button select "
    "option datalist".split()
)
_BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main nav ol p pre "
    "section summary table tbody td tfoot th thead tr ul".split()
)
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)
_SPACES_RE = re.compile(r"[ \t\n\r\f]+")
_OPENS_RE = re.compile(r"<(?:html|body)[\s>]", re.IGNORECASE)
_CLOSES_RE = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
_META_CHARSET_RE = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


def read_html(data: bytes, request: ReadRequest) -> ParsedSource:
    """Read an .html or .htm file.

    Raises:
        InvalidInput: the file is another kind of file, binary, or has no visible text.
    """
    check_text(data, request.filename, "a web page")
    decoded = _decode(data, request)
    release(data)
    soup = BeautifulSoup(decoded.text, "lxml")
    layout = TextLayout()
    _Walker(layout).walk(soup)
    text = layout.text()
    notes = list(decoded.notes)
    if _cut_short(decoded.text):
        notes.append(
            f"{request.filename} ends before its closing </html> tag ({where(text, len(text))}); "
            "the file looks cut short, so words may be missing at its end"
        )
    return build_source(text, request, "html", metadata={"encoding": decoded.encoding}, notes=notes)


def _cut_short(page: str) -> bool:
    """A page that opens <html> or <body> but closes neither was cut short (browsers forgive it)."""
    return _OPENS_RE.search(page) is not None and _CLOSES_RE.search(page) is None


def _decode(data: bytes, request: ReadRequest) -> DecodedText:
    """UTF-8 or a byte-order mark first; else the page's own <meta charset> when it names one."""
    if request.encoding is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            m = _META_CHARSET_RE.search(data, 0, 4096)
            if m is not None:
                name = m.group(1).decode("ascii")
                try:
                    codecs.lookup(name)
                except LookupError:
                    pass
                else:
                    return decode_text(data, request.filename, name)
    return decode_text(data, request.filename, request.encoding)


class _Walker:
    def __init__(self, layout: TextLayout) -> None:
        self.layout = layout
        self.buffer: list[str] = []

    def walk(self, root: Tag) -> None:
        # An explicit stack: real pages nest deeper than Python's recursion limit allows.
        stack: list[tuple[object, bool]] = [(root, False)]
        pre = 0
        while stack:
            node, leaving = stack.pop()
            if leaving:
                self.flush(pre > 0)
                if isinstance(node, Tag) and node.name == "pre":
                    pre -= 1
                continue
            if isinstance(node, NavigableString):
                if not isinstance(node, _NOT_TEXT):
                    self.buffer.append(str(node) if pre else _SPACES_RE.sub(" ", str(node)))
                continue
            if not isinstance(node, Tag) or node.name in _DROPPED:
                continue
            if node.name == "br":
                self.buffer.append("\n")
                continue
            if node.name in _BLOCKS:
                self.flush(pre > 0)
                if node.name == "pre":
                    pre += 1
                stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))
        self.flush(False)

    def flush(self, pre: bool) -> None:
        if not self.buffer:
            return
        text = "".join(self.buffer)
        self.buffer = []
        if pre:
            text = text.strip("\n")
        else:
            text = "\n".join(line.strip(" ") for line in text.split("\n")).strip("\n")
        if text.strip():
            self.layout.add(text.replace("\r\n", "\n").replace("\r", "\n"))
