"""PDF (.pdf): the text layer, page by page, through pypdf.

Text layout: each page's text as pypdf extracts it (its line breaks kept), a blank line between
pages. A PDF without a text layer (a scan) is refused with advice to run OCR first.
"""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

from theorize.domain.sources import ParsedSource
from theorize.errors import InvalidInput
from theorize.ingest.encoding import normalise_newlines
from theorize.ingest.filetype import PDF, mismatch_error, sniff
from theorize.ingest.layout import ReadRequest, TextLayout, build_source

# Control characters some PDF fonts map glyphs to; tab and line feed are kept.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# pypdf's own errors for malformed files, and what its parser raises on broken structures.
_BROKEN = (
    PyPdfError,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
    ZeroDivisionError,
    OSError,
    RecursionError,
)


def read_pdf(data: bytes, request: ReadRequest) -> ParsedSource:
    """Read a .pdf file's text layer.

    Raises:
        InvalidInput: the PDF has no text layer, is password-protected, is damaged, or is
            another kind of file.
    """
    found = sniff(data)
    if found is not PDF:
        if found is None:
            raise _damaged(request.filename)
        raise mismatch_error(request.filename, "a PDF", found)
    encrypted = False
    try:  # only pypdf's calls: its errors on a malformed file are many and not all its own
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
        if encrypted and not reader.decrypt(""):
            raise _password(request.filename)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (DependencyError, FileNotDecryptedError):
        raise _password(request.filename) from None
    except NotImplementedError:  # an encryption (or a filter) pypdf does not support
        raise (_password if encrypted else _damaged)(request.filename) from None
    except _BROKEN:
        raise _damaged(request.filename) from None
    layout = TextLayout()
    for page_text in pages:
        text = _CONTROL_RE.sub("", normalise_newlines(page_text)).rstrip()
        if text.strip():
            layout.add(text)
    if layout.length == 0:
        raise InvalidInput(
            f"{request.filename} has no text layer (it looks like a scanned image); "
            "run OCR on it first, then import the result"
        )
    return build_source(layout.text(), request, "pdf", metadata={"pages": str(len(pages))})


def _damaged(filename: str) -> InvalidInput:
    return InvalidInput(
        f"{filename} is damaged (it is not a valid PDF); open it in a PDF viewer, "
        "print or export it to a new PDF and import that"
    )


def _password(filename: str) -> InvalidInput:
    return InvalidInput(
        f"{filename} is password-protected or encrypted; save or print it to a new PDF "
        "without a password and import that"
    )
