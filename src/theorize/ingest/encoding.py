"""Bytes of a text file in, the text out: encoding detection and line-ending normalisation.

Order of guesses: a byte-order mark (UTF-32, UTF-16, UTF-8); UTF-16 without a mark (told by
the NUL bytes that ASCII letters leave in every other byte); UTF-8; Windows-1252 when its
reading looks like ordinary Western text; otherwise charset-normalizer's best guess. The text is
kept exactly as decoded except that CRLF and CR become LF (offsets refer to the stored text).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from theorize.errors import InvalidInput

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 before UTF-16: the UTF-32 LE mark starts with the UTF-16 LE one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Control characters that do not occur in text (tab, LF, VT, FF, CR are allowed).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_CONTROLS = tuple(map(chr, [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F]))  # searched one by one: faster
_SAMPLE = 65536
_MESSY = 0.2  # charset-normalizer "mess" above which a Windows-1252 reading is doubted


@dataclass(frozen=True)
class DecodedText:
    """A decoded text file: the text with LF line endings, and the encoding that was used."""

    text: str
    encoding: str
    notes: tuple[str, ...] = ()  # what was guessed or replaced, and where


def normalise_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF; leave everything else as it is."""
    if "\r" not in text:
        return text
    text = text.replace("\r\n", "\n")  # one copy alive at a time: texts can be large
    return text.replace("\r", "\n") if "\r" in text else text


def _lf_in_utf8(data: bytearray, chunk: int = 1 << 20) -> None:
    """CRLF and lone CR turned into LF inside ``data`` when it is UTF-8 (checked a megabyte at a
    time, making no text); other bytes are left alone, so what is said about them (a byte's
    position) still refers to the file."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with memoryview(data) as view:
        try:
            for i in range(0, len(view), chunk):
                decoder.decode(view[i : i + chunk])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return
    data[:] = data.replace(b"\r\n", b"\n")
    if b"\r" in data:
        data[:] = data.replace(b"\r", b"\n")


def release(data: bytes) -> None:
    """Free a file's bytes once decoded, when they were read into a bytearray for that
    (``load_bytes(..., releasable=True)``): a large transcript is then not held twice."""
    if isinstance(data, bytearray):
        del data[:]


def binary_error(filename: str) -> InvalidInput:
    """The error for a file that should be text but holds binary data."""
    return InvalidInput(
        f"{filename} is not a text file (it contains binary data); "
        "export the document as .txt, .docx or .pdf and import that"
    )


def decode_text(data: bytes, filename: str, encoding: str | None = None, *, in_place: bool = False) -> DecodedText:
    """Decode the bytes of a text file.

    Args:
        data: the file's bytes.
        filename: the name used in error messages.
        encoding: a Python codec name to use instead of guessing.
        in_place: ``data`` is a bytearray the caller is done with after this call (it releases
            it): CRLF line endings of UTF-8 text are then turned into LF in it, before the text
            is made, so the text is not made twice (a str takes up to 4 bytes a character).

    Returns:
        The text with line endings normalised to ``"\\n"`` and any byte-order mark removed.

    Raises:
        InvalidInput: the bytes are not text, or not text in the given encoding.

    Examples:
        >>> decode_text("café\\r\\n".encode("cp1252"), "notes.txt").text
        'café\\n'
    """
    notes: tuple[str, ...] = ()
    if in_place and encoding is None and isinstance(data, bytearray) and b"\r" in data:
        _lf_in_utf8(data)
    if encoding is not None:
        text, used = _decode_as(data, filename, encoding), encoding
    else:
        text, used, notes = _guess(data, filename)
    if text.startswith("\ufeff"):
        text = text[1:]
    if any(c in text for c in _CONTROLS) and _CONTROL_RE.search(text) is not None:
        controls = len(_CONTROL_RE.findall(text))
        if "\x00" in text or controls > max(8, len(text) // 100):
            raise binary_error(filename)
    return DecodedText(normalise_newlines(text), used, notes)


def _decode_as(data: bytes, filename: str, encoding: str) -> str:
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise InvalidInput(
            f"{encoding!r} is not an encoding theorize knows; use a name such as utf-8 or cp1252"
        ) from None
    body: bytes | memoryview = data
    for bom, name in _BOMS:
        if data.startswith(bom) and codecs.lookup(name).name == codec.name:
            body = memoryview(data)[len(bom) :]  # no copy of the bytes
            break
    try:
        return str(body, codec.name)
    except UnicodeDecodeError as e:
        raise InvalidInput(
            f"{filename} is not valid {encoding} text (byte {e.start} cannot be read); "
            "import it without naming an encoding, or name the one it was saved in"
        ) from None


def _guess(data: bytes, filename: str) -> tuple[str, str, tuple[str, ...]]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return str(memoryview(data)[len(bom) :], name), name, ()  # no copy of the bytes
            except UnicodeDecodeError:
                raise InvalidInput(
                    f"{filename} starts with a {name.upper()} byte-order mark but is not valid "
                    f"{name.upper()} text; save it again as UTF-8 and import that"
                ) from None
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return (*utf16, ())
        raise binary_error(filename)
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError as e:
        first_bad = e.start
    mostly = _mostly_utf8(data, filename)
    if mostly is not None:
        return mostly
    text, used = _legacy(data, filename)
    note = (
        f"{filename} is not UTF-8 (byte {first_bad + 1:,} on line {_line_of(data, first_bad)} is not), so its encoding was "
        f"guessed as {_NAMES.get(used, used)}; if letters look wrong, save it as UTF-8 and import it again"
    )
    return text, used, (note,)


_NAMES = {"cp1252": "Windows-1252"}


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


_MAX_BAD = 100


def _mostly_utf8(data: bytes, filename: str) -> tuple[str, str, tuple[str, ...]] | None:
    """UTF-8 text with a few bytes that are not (a damaged character), read with U+FFFD for
    each; None when the file has fewer good non-ASCII characters than bad bytes (then it is
    more likely in a legacy encoding)."""
    bad: list[int] = []
    view = memoryview(data)
    pos = 0
    while True:
        try:
            codecs.utf_8_decode(view[pos:], "strict", True)
            break
        except UnicodeDecodeError as e:
            bad.append(pos + e.start)
            pos += e.end
            if len(bad) > _MAX_BAD:
                return None
    text = data.decode("utf-8", "replace")
    good = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    if good < len(bad):
        return None
    shown = ", ".join(f"line {_line_of(data, b)} (byte {b + 1:,})" for b in bad[:3])
    more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
    what = "a byte that is" if len(bad) == 1 else f"{len(bad)} bytes that are"
    note = (
        f"{filename} is UTF-8 text with {what} not UTF-8, at {shown}{more}; "
        "each was read as \ufffd (a replacement character) and the rest of the text as it is"
    )
    return text, "utf-8", (note,)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    sample = data[:_SAMPLE]
    half = len(sample) // 2
    if half == 0:
        return None
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    # ASCII characters (spaces, digits, punctuation, line breaks) leave a NUL in one byte of
    # each pair; the other byte of a pair is almost never NUL.
    if odd_nul > 0.05 * half and even_nul * 10 < odd_nul:
        name = "utf-16-le"
    elif even_nul > 0.05 * half and odd_nul * 10 < even_nul:
        name = "utf-16-be"
    else:
        return None
    try:
        return data.decode(name), name
    except UnicodeDecodeError:
        return None


def _legacy(data: bytes, filename: str) -> tuple[str, str]:
    """Windows-1252 unless its reading looks garbled and charset-normalizer knows better."""
    from charset_normalizer import from_bytes  # only for files that are not UTF-8: imported then
    from charset_normalizer.md import mess_ratio

    try:
        cp1252 = data.decode("cp1252")
    except UnicodeDecodeError:
        cp1252 = None
    if cp1252 is not None and mess_ratio(cp1252[:_SAMPLE], 1.0) < _MESSY:
        return cp1252, "cp1252"
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    if cp1252 is not None:
        return cp1252, "cp1252"
    raise InvalidInput(f"{filename} is in a text encoding theorize cannot tell; save it again as UTF-8 and import that")
