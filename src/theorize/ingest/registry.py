"""Which reader reads which suffix, and ``read_source``: a file in, a ParsedSource out.

Every reader follows the ``SourceReader`` protocol: bytes and a ``ReadRequest`` in, a
``ParsedSource`` out, ``InvalidInput`` with a sentence a researcher understands when the file
cannot be read. Readers check the content by its first bytes, not only by its suffix.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Protocol

from theorize.domain.sources import ParsedSource, SourceKind
from theorize.errors import InvalidInput
from theorize.ingest.files import DEFAULT_MAX_BYTES, check_size, load_bytes
from theorize.ingest.filetype import SPREADSHEET_SUFFIXES
from theorize.ingest.layout import ReadRequest, empty_error
from theorize.ingest.turns import SpeakerOverride, SpeakerRoles


class SourceReader(Protocol):
    """Reads one file format: the file's bytes in, a ParsedSource out."""

    def __call__(self, data: bytes, request: ReadRequest) -> ParsedSource: ...


@dataclass(frozen=True)
class ReaderEntry:
    """A registered reader: the format name it reports, its suffixes, and the reader."""

    file_format: str
    suffixes: tuple[str, ...]
    read: SourceReader


class _Lazy:
    """A reader imported when it first reads: a .txt import does not load the PDF, Word and
    OpenDocument libraries (tens of megabytes, and most of a second of start-up)."""

    __slots__ = ("_module", "_name", "_read")

    def __init__(self, module: str, name: str) -> None:
        self._module, self._name = module, name
        self._read: SourceReader | None = None

    def __call__(self, data: bytes, request: ReadRequest) -> ParsedSource:
        if self._read is None:
            self._read = getattr(importlib.import_module(f"theorize.ingest.{self._module}"), self._name)
        return self._read(data, request)

    def __repr__(self) -> str:
        return f"<reader theorize.ingest.{self._module}.{self._name}>"


READERS: tuple[ReaderEntry, ...] = (
    ReaderEntry("txt", (".txt", ".text"), _Lazy("text", "read_text")),
    ReaderEntry("md", (".md", ".markdown"), _Lazy("text", "read_markdown")),
    ReaderEntry("docx", (".docx",), _Lazy("docx", "read_docx")),
    ReaderEntry("pdf", (".pdf",), _Lazy("pdf", "read_pdf")),
    ReaderEntry("odt", (".odt",), _Lazy("odt", "read_odt")),
    ReaderEntry("rtf", (".rtf",), _Lazy("rtf", "read_rtf")),
    ReaderEntry("html", (".html", ".htm"), _Lazy("html", "read_html")),
    ReaderEntry("vtt", (".vtt",), _Lazy("captions", "read_vtt")),
    ReaderEntry("srt", (".srt",), _Lazy("captions", "read_srt")),
)
"""Every source reader, in the order the documentation lists them."""

READERS_BY_SUFFIX: Mapping[str, ReaderEntry] = {s: r for r in READERS for s in r.suffixes}
_OLD_FORMATS = {
    ".doc": "an old Word .doc file; save it as .docx",
    ".xls": "an old Excel .xls file; save it as .xlsx",
    ".ppt": "a PowerPoint file; save its text as .docx or .pdf",
    ".pptx": "a PowerPoint file; save its text as .docx or .pdf",
}


def supported_suffixes() -> list[str]:
    """The suffixes ``read_source`` reads, e.g. [".txt", ".text", ".md", ...]."""
    return list(READERS_BY_SUFFIX)


def reader_for(filename: str) -> ReaderEntry:
    """The reader for a file name, by its suffix (any case).

    Raises:
        InvalidInput: theorize has no reader for the suffix.
    """
    suffix = PurePath(filename).suffix.lower()
    entry = READERS_BY_SUFFIX.get(suffix)
    if entry is not None:
        return entry
    if suffix in SPREADSHEET_SUFFIXES:
        raise InvalidInput(f"{filename} is a spreadsheet; import it as survey answers or as an attribute sheet")
    if suffix in _OLD_FORMATS:
        raise InvalidInput(f"{filename} is {_OLD_FORMATS[suffix]}")
    shown = f"({PurePath(filename).suffix})" if suffix else "(it has none)"
    raise InvalidInput(f"{filename} has a suffix theorize cannot read {shown}; save it as .docx, .txt or .pdf")


def read_source(
    path: str | os.PathLike[str],
    *,
    speaker_override: SpeakerOverride = None,
    name: str | None = None,
    kind: SourceKind | None = None,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ParsedSource:
    """Read a transcript, field note or document into text and speaker turns.

    Args:
        path: a .txt, .md, .docx, .pdf, .odt, .rtf, .html/.htm, .vtt or .srt file.
        speaker_override: which speaker labels are whose: a mapping from "interviewer",
            "participant" or "other" to a label or a list of labels (compared ignoring case)
            or compiled ``re.Pattern`` objects (matching whole labels); a single label or
            pattern means the interviewer. Labels named here are always taken as speakers.
        name: the source's title; the file name without its folder by default.
        kind: the kind of source; inferred when None (a focus group when three or more
            participants speak, an interview when the text has speaker labels, else a
            document).
        encoding: the encoding of a text-based file, when guessing would go wrong.
        max_bytes: refuse files larger than this (100 MB by default).

    Returns:
        The source's text and turns; offsets are code points into the text.

    Raises:
        NotFound: there is no file at ``path``.
        InvalidInput: the file cannot be read; the message says why and what to do.

    Examples:
        >>> roles = {"interviewer": ["Lena Marsh"]}
        >>> src = read_source("interview_03.docx", speaker_override=roles)  # doctest: +SKIP
        >>> [(t.speaker, t.role.value) for t in src.turns][:2]  # doctest: +SKIP
        [('Lena Marsh', 'interviewer'), ('C03', 'participant')]
    """
    filename = PurePath(path).name
    reader_for(filename)  # an unknown suffix is refused before the file is read
    data = load_bytes(path, max_bytes, releasable=True)
    return read_source_bytes(
        data,
        filename,
        speaker_override=speaker_override,
        name=name,
        kind=kind,
        encoding=encoding,
        max_bytes=max_bytes,
    )


def read_source_bytes(
    data: bytes,
    filename: str,
    *,
    speaker_override: SpeakerOverride = None,
    name: str | None = None,
    kind: SourceKind | None = None,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ParsedSource:
    """``read_source`` for bytes already in memory (an upload); ``filename`` gives the suffix."""
    entry = reader_for(filename)
    check_size(len(data), filename, max_bytes)
    if not data or data.isspace():
        raise empty_error(filename)
    request = ReadRequest(
        filename=filename,
        name=name if name is not None else filename,
        roles=SpeakerRoles.coerce(speaker_override),
        encoding=encoding,
        kind=kind,
    )
    return entry.read(data, request)
