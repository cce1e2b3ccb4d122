"""Offsets at the browser's edge: inside theorize they are Unicode code points into a source's
text; a browser counts UTF-16 code units in the text it shows, where HTML parsing has already
turned every CRLF (and lone CR) into one LF.

A page row shows ``text[start:end]`` as one DOM text node; the browser reports a position in that
node in UTF-16 units, and these functions turn it into a code point index and back.

Examples:
    >>> text = "I said \\U0001F600 ok"
    >>> to_dom(text, 0, text.index("ok"))   # the emoji is two UTF-16 units
    10
    >>> from_dom(text, 0, len(text), 10) == text.index("ok")
    True
    >>> from_dom("a\\r\\nb", 0, 4, 2)  # the browser sees "a\\nb"
    3
"""

from __future__ import annotations


def _units(text: str, i: int) -> int:
    """UTF-16 units the browser shows for ``text[i]``: a CR before an LF shows as nothing."""
    c = text[i]
    if c == "\r" and i + 1 < len(text) and text[i + 1] == "\n":
        return 0
    return 2 if ord(c) > 0xFFFF else 1


def to_dom(text: str, start: int, index: int) -> int:
    """The UTF-16 offset, in the row that shows ``text`` from ``start``, of code point ``index``."""
    part = text[start:index]
    units = len(part.encode("utf-16-le")) // 2 - part.count("\r\n")
    if part.endswith("\r") and index < len(text) and text[index] == "\n":
        units -= 1  # the CR of a CRLF cut at the index shows as nothing
    return units


def from_dom(text: str, start: int, end: int, offset16: int) -> int:
    """The code point index of UTF-16 offset ``offset16`` in the row showing ``text[start:end]``.

    Offsets past the row's end give ``end``; an offset inside a surrogate pair gives the
    character's start.
    """
    if offset16 <= 0:
        return start
    units = 0
    for i in range(start, end):
        step = _units(text, i)
        if units + step > offset16:
            return i
        units += step
        if units == offset16 and step:
            return i + 1
    return end


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the white space at its edges (a selection often takes a space along)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
