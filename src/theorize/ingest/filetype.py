"""What a file really is, told by its first bytes rather than its suffix.

``sniff`` names the kind of file; ``mismatch_error`` words the message for a file whose content
does not match its suffix ("interview_03.docx is not a Word file (it looks like a PDF); ...").
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

from theorize.errors import InvalidInput

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# What zipfile raises on a damaged archive: a bad directory or CRC, a cut or corrupt deflate
# stream, an unknown compression method.
DAMAGED_ZIP_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
)


@dataclass(frozen=True)
class FileType:
    """A kind of file: a key, how a researcher would call it, and what to do with it.

    ``suffix`` is the suffix theorize reads it under, or None when theorize cannot read it;
    ``advice`` says what to do instead when it cannot.
    """

    key: str
    description: str
    suffix: str | None = None
    advice: str = "export it as .docx, .txt or .pdf and import that"


PDF = FileType("pdf", "a PDF", ".pdf")
DOCX = FileType("docx", "a Word file", ".docx")
ODT = FileType("odt", "an OpenDocument text file", ".odt")
RTF = FileType("rtf", "an RTF file", ".rtf")
XLSX = FileType("xlsx", "an Excel workbook", ".xlsx")
HTML = FileType("html", "a web page", ".html")
TEXT = FileType("text", "a plain text file", ".txt")
SPREADSHEET_SUFFIXES = (".csv", ".xlsx")
"""Suffixes read as tables (survey answers, attribute sheets), not as sources."""
CFB = FileType(
    "cfb",
    "an old Word or Excel file, or a password-protected Office file",
    None,
    "save it as an unprotected .docx (or .xlsx for a spreadsheet) and import that",
)
_ARCHIVE = "unpack it and import the files inside"
_MEDIA = "transcribe it first, then import the transcript"
_PROGRAM = FileType("program", "a program", None, "choose the transcript or document itself")
_IMAGE = "run OCR on it first, then import the result"

_ZIP_KINDS: tuple[tuple[str, FileType], ...] = (
    ("word/document.xml", DOCX),
    ("xl/workbook.xml", XLSX),
    ("ppt/presentation.xml", FileType("pptx", "a PowerPoint file")),
)
_ODF_KINDS = {
    "application/vnd.oasis.opendocument.text": ODT,
    "application/vnd.oasis.opendocument.spreadsheet": FileType(
        "ods", "an OpenDocument spreadsheet", None, "save it as .xlsx or .csv and import that"
    ),
    "application/vnd.oasis.opendocument.presentation": FileType("odp", "an OpenDocument presentation"),
}
_MAGIC: tuple[tuple[bytes, FileType], ...] = (
    (b"%PDF-", PDF),
    (b"{\\rtf", RTF),
    (CFB_MAGIC, CFB),
    (b"\x89PNG\r\n\x1a\n", FileType("png", "a PNG image", None, _IMAGE)),
    (b"\xff\xd8\xff", FileType("jpeg", "a JPEG image", None, _IMAGE)),
    (b"GIF87a", FileType("gif", "a GIF image", None, _IMAGE)),
    (b"GIF89a", FileType("gif", "a GIF image", None, _IMAGE)),
    (b"II*\x00", FileType("tiff", "a TIFF image", None, _IMAGE)),
    (b"MM\x00*", FileType("tiff", "a TIFF image", None, _IMAGE)),
    (b"ID3\x03\x00", FileType("audio", "an audio recording", None, _MEDIA)),
    (b"ID3\x04\x00", FileType("audio", "an audio recording", None, _MEDIA)),
    (b"fLaC", FileType("audio", "an audio recording", None, _MEDIA)),
    (b"OggS\x00", FileType("audio", "an audio recording", None, _MEDIA)),
    (b"\x1a\x45\xdf\xa3", FileType("video", "a video recording", None, _MEDIA)),
    (b"\x1f\x8b", FileType("gzip", "a compressed archive", None, _ARCHIVE)),
    (b"7z\xbc\xaf\x27\x1c", FileType("7z", "a compressed archive", None, _ARCHIVE)),
    (b"Rar!\x1a\x07", FileType("rar", "a compressed archive", None, _ARCHIVE)),
    (b"SQLite format 3\x00", FileType("sqlite", "a database file", None, _PROGRAM.advice)),
    (b"\x7fELF", _PROGRAM),
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13))
_HTML_START = re.compile(rb"\s*(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE)


def sniff(data: bytes) -> FileType | None:
    """Tell the kind of a file from its content, or None when the bytes are not recognised.

    Examples:
        >>> sniff(b"%PDF-1.7 ...").description
        'a PDF'
    """
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data.startswith(b"MZ") and b"This program cannot be run" in data[:512]:
        return _PROGRAM
    if data[4:8] == b"ftyp":
        return FileType("video", "an audio or video recording", None, _MEDIA)
    if data.startswith(b"RIFF") and data[8:12] in (b"WAVE", b"AVI "):
        return FileType("audio", "an audio recording", None, _MEDIA)
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _sniff_zip(data)
    if b"%PDF-" in data[:1024]:
        return PDF
    head = data[:4096]
    if _HTML_START.match(head):
        return HTML
    if _looks_like_text(head):
        return TEXT
    return None


def _sniff_zip(data: bytes) -> FileType:
    archive = FileType("zip", "a zip archive", None, _ARCHIVE)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            for member, kind in _ZIP_KINDS:
                if member in names:
                    return kind
            if "mimetype" in names:
                with zf.open("mimetype") as f:  # a few bytes, however large it claims to be
                    mimetype = f.read(100).decode("ascii", "replace").strip()
                return _ODF_KINDS.get(mimetype, archive)
    except DAMAGED_ZIP_ERRORS + (OSError, RuntimeError, ValueError):
        return archive
    return archive


def refuse_zip_bomb(data: bytes, filename: str) -> None:
    """Refuse a .docx, .odt or .xlsx that would unpack to far more than it holds (a zip bomb).

    Only the sizes the archive declares are read, before any member is unpacked; the caps are
    REFI-QDA import's (``unpack_risk``): 1 GiB in all, 200 times its packed size for a member.

    Raises:
        InvalidInput: the file looks like a zip bomb.
    """
    from theorize.exchange.refi.safety import unpack_risk

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            risk = unpack_risk(zf.infolist())
    except DAMAGED_ZIP_ERRORS + (OSError, RuntimeError, ValueError):
        return  # the reader says the file is damaged
    if risk is not None:
        raise InvalidInput(
            f"{filename} was not opened because {risk}, which looks like a zip bomb; "
            "if the file is genuine, save its text as .txt and import that"
        )


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < len(head) - 4:  # a character cut at the end of the sample is fine
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls <= len(head) // 100


def mismatch_error(filename: str, expected: str, found: FileType) -> InvalidInput:
    """The error for a file whose content is not what its suffix says.

    Args:
        filename: the file name as the researcher knows it.
        expected: what the suffix promises, e.g. "a Word file".
        found: what the content looks like.

    Examples:
        >>> print(mismatch_error("c03.docx", "a Word file", PDF))
        c03.docx is not a Word file (it looks like a PDF); rename it to c03.pdf and import it again
    """
    if found.suffix is not None:
        stem = PurePath(filename).stem
        advice = f"rename it to {stem}{found.suffix} and import it again"
    else:
        advice = found.advice
    return InvalidInput(f"{filename} is not {expected} (it looks like {found.description}); {advice}")


def check_text(data: bytes, filename: str, expected: str) -> None:
    """Refuse a file that should be text but whose first bytes say it is something else.

    Files not recognised (UTF-16 text, binary junk) pass: decoding tells those apart.
    """
    found = sniff(data)
    if found is not None and found not in (TEXT, HTML):
        raise mismatch_error(filename, expected, found)
