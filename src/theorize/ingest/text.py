"""Plain text (.txt) and Markdown (.md): the file's text as it is, speaker turns found in it."""

from __future__ import annotations

from theorize.domain.sources import ParsedSource
from theorize.ingest.encoding import decode_text, release
from theorize.ingest.filetype import check_text
from theorize.ingest.layout import ReadRequest, build_source


def count_words(text: str, chunk: int = 1 << 20) -> int:
    """The number of words (runs of non-space characters), without a list of every word.

    ``len(text.split())`` holds every word at once: about 10 bytes of memory per byte of text.
    This counts a megabyte at a time.

    Examples:
        >>> count_words("I was just\\n doing my time"), count_words("a b  c", chunk=2)
        (6, 3)
    """
    n, start, size = 0, 0, len(text)
    while start < size:
        end = min(start + chunk, size)
        while end < size and not text[end].isspace():
            end += 1
        n += len(text[start:end].split())
        start = end
    return n


def read_text(data: bytes, request: ReadRequest) -> ParsedSource:
    """Read a .txt file: decode it, normalise line endings, find the turns.

    Examples:
        >>> from theorize.ingest.layout import ReadRequest
        >>> src = read_text(b"Interviewer: Hi\\r\\nP3: Hello", ReadRequest("a.txt", "a.txt"))
        >>> src.text, [(t.speaker, src.text[t.start:t.end]) for t in src.turns]
        ('Interviewer: Hi\\nP3: Hello', [('Interviewer', 'Hi'), ('P3', 'Hello')])
    """
    check_text(data, request.filename, "a text file")
    decoded = decode_text(data, request.filename, request.encoding, in_place=True)
    release(data)
    return build_source(decoded.text, request, "txt", metadata={"encoding": decoded.encoding}, notes=decoded.notes)


def read_markdown(data: bytes, request: ReadRequest) -> ParsedSource:
    """Read a .md file as text; Markdown marks stay (``**Interviewer:**`` is a label)."""
    check_text(data, request.filename, "a text file")
    decoded = decode_text(data, request.filename, request.encoding, in_place=True)
    release(data)
    return build_source(decoded.text, request, "md", metadata={"encoding": decoded.encoding}, notes=decoded.notes)
