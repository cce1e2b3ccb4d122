"""OpenDocument text (.odt): paragraphs and headings in body order, through odfpy.

Text layout: one paragraph per non-empty text:p or text:h (inside lists, sections and table
cells too), a blank line between them; text:s, text:tab and text:line-break become spaces, a
tab and "\\n". Comments, footnotes, text boxes and deleted tracked changes are left out.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax import SAXException

from odf.element import Node
from odf.namespaces import DRAWNS, OFFICENS, TEXTNS
from odf.opendocument import load

from theorize.domain.sources import ParsedSource
from theorize.errors import InvalidInput
from theorize.ingest.filetype import DAMAGED_ZIP_ERRORS, ODT, mismatch_error, refuse_zip_bomb, sniff
from theorize.ingest.layout import ReadRequest, TextLayout, build_source

_PARAGRAPHS = {(TEXTNS, "p"), (TEXTNS, "h")}
_LEFT_OUT = {
    (OFFICENS, "annotation"),
    (TEXTNS, "note"),
    (TEXTNS, "tracked-changes"),
    (DRAWNS, "frame"),
}


def read_odt(data: bytes, request: ReadRequest) -> ParsedSource:
    """Read an .odt file.

    Raises:
        InvalidInput: the file is password-protected, damaged or another kind of file.
    """
    found = sniff(data)
    if found is not ODT:
        if found is None or found.key == "zip":
            raise _damaged(request.filename)
        raise mismatch_error(request.filename, "an OpenDocument text file", found)
    refuse_zip_bomb(data, request.filename)
    if _encrypted(data):
        raise InvalidInput(
            f"{request.filename} is password-protected; save it without a password "
            "(File > Save As in LibreOffice) and import that"
        )
    try:
        document = load(io.BytesIO(data))
        if document.text is None:  # no office:text body: not a text document after all
            raise _damaged(request.filename)
        layout = TextLayout()
        _read(document.text, layout)
    except DAMAGED_ZIP_ERRORS + (KeyError, ValueError, SAXException):
        raise _damaged(request.filename) from None
    return build_source(layout.text(), request, "odt")


def _damaged(filename: str) -> InvalidInput:
    return InvalidInput(
        f"{filename} is damaged (it is not a valid OpenDocument text file); "
        "open it in LibreOffice and save it again as .odt"
    )


def _encrypted(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            manifest = zf.read("META-INF/manifest.xml")
    except DAMAGED_ZIP_ERRORS + (KeyError, OSError):
        return False
    return b"encryption-data" in manifest


def _read(element: Node, layout: TextLayout) -> None:
    stack = list(reversed(element.childNodes))
    while stack:
        node = stack.pop()
        if node.nodeType != Node.ELEMENT_NODE or node.qname in _LEFT_OUT:
            continue
        if node.qname in _PARAGRAPHS:
            parts: list[str] = []
            _inline(node, parts)
            text = "".join(parts)
            if text.strip():
                layout.add(text)
        else:
            stack.extend(reversed(node.childNodes))


def _inline(element: Node, parts: list[str]) -> None:
    for child in element.childNodes:
        if child.nodeType == Node.TEXT_NODE:
            parts.append(child.data)
            continue
        if child.nodeType != Node.ELEMENT_NODE or child.qname in _LEFT_OUT:
            continue
        ns, name = child.qname
        if ns == TEXTNS and name == "s":
            parts.append(" " * int(child.getAttribute("c") or 1))
        elif ns == TEXTNS and name == "tab":
            parts.append("\t")
        elif ns == TEXTNS and name == "line-break":
            parts.append("\n")
        else:
            _inline(child, parts)
