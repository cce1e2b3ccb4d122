"""Web pages (.html, .htm): the visible text, block elements as paragraphs (lxml's HTML parser).

Text layout: one paragraph per block element (p, div, h1-h6, li, blockquote, pre, td, th, ...),
a blank line between them; ``<br>`` is "\\n"; runs of HTML white space collapse to one space
except inside ``<pre>``. Scripts, styles, the head and other invisible parts are dropped.
"""

from __future__ import annotations

import codecs
import functools
import re

from lxml import etree

from theorize.domain.sources import ParsedSource
from theorize.ingest.encoding import DecodedText, decode_text, release
from theorize.ingest.filetype import check_text
from theorize.ingest.layout import ReadRequest, TextLayout, build_source, where

_DROPPED = frozenset(
    "script style noscript template head svg math iframe object embed canvas button select option datalist".split()
)
_BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main nav ol p pre "
    "section summary table tbody td tfoot th thead tr ul".split()
)
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
_SPACES_RE = re.compile(r"[ \t\n\r\f]{2,}|[\t\n\r\f]")  # runs to collapse: a lone space is left alone
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
    layout = TextLayout()
    root = _parse(decoded.text)
    if root is not None:
        if not (_BLOCK in decoded.text or _BR in decoded.text or _PRE in decoded.text):
            _lay_out(str(_visible_text()(root)), layout)
        else:  # the page itself uses our marks (private-use characters): walk it in Python
            _Walker(layout).walk(root)
    text = layout.text()
    notes = list(decoded.notes)
    if _cut_short(decoded.text):
        notes.append(
            f"{request.filename} ends before its closing </html> tag ({where(text, len(text))}); "
            "the file looks cut short, so words may be missing at its end"
        )
    return build_source(text, request, "html", metadata={"encoding": decoded.encoding}, notes=notes)


def _parse(page: str) -> etree._Element | None:
    """The page's tree (lxml's HTML parser, the one BeautifulSoup would use), comments and
    processing instructions dropped (their tails kept); None for a page with no elements."""
    try:
        return etree.fromstring(page.encode("utf-8"), parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):  # nothing but white space or comments
        return None


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


# The visible text, by libxslt (ten times faster than walking the tree in Python), with marks from
# Unicode's private use area: U+E000 around a block, U+E001 for <br>, U+E002 around <pre>.
_BLOCK, _BR, _PRE = "\ue000", "\ue001", "\ue002"
_TOKENS_RE = re.compile("([\ue000\ue002])")
_STYLESHEET = f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="utf-8"/>
<xsl:template match="{"|".join(sorted(_DROPPED))}"/>
<xsl:template match="br"><xsl:text>&#xE001;</xsl:text></xsl:template>
<xsl:template match="pre"><xsl:text>&#xE000;&#xE002;</xsl:text><xsl:apply-templates/><xsl:text>&#xE002;&#xE000;</xsl:text></xsl:template>
<xsl:template match="{"|".join(sorted(_BLOCKS - {"pre"}))}"><xsl:text>&#xE000;</xsl:text><xsl:apply-templates/><xsl:text>&#xE000;</xsl:text></xsl:template>
</xsl:stylesheet>"""


@functools.cache
def _visible_text() -> etree.XSLT:
    return etree.XSLT(etree.fromstring(_STYLESHEET))


def _lay_out(marked: str, layout: TextLayout) -> None:
    """Paragraphs from the marked text: white space collapsed outside <pre>, <br> a line break."""
    pre = False
    tokens = _TOKENS_RE.split(marked) if _PRE in marked else marked.split(_BLOCK)
    for token in tokens:
        if not token or token.isspace() or token == _BLOCK:
            continue
        if token == _PRE:
            pre = not pre
        elif pre:
            text = token.replace(_BR, "\n").strip("\n")
            if text and not text.isspace():
                layout.add(text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text)
        else:
            if "\n" in token or "  " in token or "\t" in token or "\r" in token or "\f" in token:
                token = _SPACES_RE.sub(" ", token)
            if _BR in token:
                token = "\n".join(line.strip(" ") for line in token.split(_BR)).strip("\n")
            else:
                token = token.strip(" ")
            if token and not token.isspace():
                layout.add(token)


class _Walker:
    """Lays the page out from lxml's tree: ``text`` before an element's first child, ``tail``
    after its end (the text that follows it inside its parent)."""

    def __init__(self, layout: TextLayout) -> None:
        self.layout = layout
        self.buffer: list[str] = []

    def walk(self, root: etree._Element) -> None:
        pre = 0
        buffer = self.buffer
        walker = etree.iterwalk(root, events=("start", "end"))
        for event, el in walker:
            tag = el.tag
            if event == "start":
                if tag in _DROPPED or not isinstance(tag, str):
                    walker.skip_subtree()
                    continue
                if tag in _BLOCKS:
                    self.flush(pre > 0)
                    buffer = self.buffer
                    if tag == "pre":
                        pre += 1
                elif tag == "br":
                    buffer.append("\n")
                text = el.text
            else:
                if tag in _BLOCKS:
                    self.flush(pre > 0)
                    buffer = self.buffer
                    if tag == "pre":
                        pre -= 1
                text = el.tail
            if text:
                if pre or not ("\n" in text or "  " in text or "\t" in text or "\r" in text or "\f" in text):
                    buffer.append(text)  # the usual case, found by fast searches rather than the regex
                else:
                    buffer.append(_SPACES_RE.sub(" ", text))
        self.flush(False)

    def flush(self, pre: bool) -> None:
        if not self.buffer:
            return
        text = "".join(self.buffer)
        self.buffer = []
        if pre:
            text = text.strip("\n")
        elif "\n" in text:
            text = "\n".join(line.strip(" ") for line in text.split("\n")).strip("\n")
        else:
            text = text.strip(" ")
        if text and not text.isspace():
            self.layout.add(text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text)
