"""Rich Text Format (.rtf): the text through striprtf, one line per RTF paragraph."""

from __future__ import annotations

import codecs
import re

from striprtf.striprtf import rtf_to_text

from theorize.domain.sources import ParsedSource
from theorize.errors import InvalidInput
from theorize.ingest.encoding import normalise_newlines
from theorize.ingest.filetype import RTF, mismatch_error, sniff
from theorize.ingest.layout import ReadRequest, build_source, where

_CODEPAGE_RE = re.compile(rb"\\ansicpg(\d+)")


def read_rtf(data: bytes, request: ReadRequest) -> ParsedSource:
    """Read an .rtf file; ``\\'hh`` escapes are decoded with the file's ``\\ansicpg`` code page.

    Raises:
        InvalidInput: the file is not RTF or is damaged.
    """
    found = sniff(data)
    if found is not RTF:
        if found is None or found.key == "text":
            raise InvalidInput(
                f"{request.filename} is not an RTF file (it does not start with {{\\rtf); "
                "save it again as .rtf, or rename it to .txt if it is plain text"
            )
        raise mismatch_error(request.filename, "an RTF file", found)
    encoding = request.encoding or _codepage(data)
    try:
        text = rtf_to_text(data.decode(encoding, "replace"), encoding=encoding, errors="replace")
    except (ValueError, IndexError, LookupError, OverflowError):
        raise InvalidInput(
            f"{request.filename} is damaged (it is not valid RTF); open it in a word processor and save it again"
        ) from None
    text = normalise_newlines(text)
    notes = []
    if _open_groups(data) > 0:
        notes.append(
            f"{request.filename} ends before its last closing brace ({where(text, len(text.rstrip()))}); "
            "the file looks cut short, so words may be missing at its end"
        )
    return build_source(text, request, "rtf", metadata={"encoding": encoding}, notes=notes)


def _open_groups(data: bytes) -> int:
    """How many {groups} are still open at the end (0 in a whole file; escaped braces aside)."""
    plain = data.replace(b"\\\\", b"")
    opened = plain.count(b"{") - plain.count(b"\\{")
    closed = plain.count(b"}") - plain.count(b"\\}")
    return opened - closed


def _codepage(data: bytes) -> str:
    m = _CODEPAGE_RE.search(data, 0, 4096)
    if m is not None:
        name = "cp" + m.group(1).decode("ascii")
        try:
            codecs.lookup(name)
            return name
        except LookupError:
            pass
    return "cp1252"
