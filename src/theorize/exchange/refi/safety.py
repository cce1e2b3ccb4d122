"""Opening untrusted REFI files safely: zip checks and XML parsing without entities or DTDs.

- :class:`SafeArchive` refuses zip-slip names (``../``, absolute paths, drive letters) and caps what
  it decompresses, in total and per member by ratio (zip bombs). It reads ZIP64 archives.
- :func:`parse_xml` refuses any document type declaration (so no external entities, XXE, and no
  entity expansion, billion laughs), parses with entities, DTD loading and network off, strips a
  leading byte-order mark, and turns a syntax error into one sentence with line and column.

Every refusal is an :class:`~theorize.errors.InvalidInput` whose message names the file.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import PurePosixPath

from lxml import etree

from theorize.errors import InvalidInput

#: Default cap on the bytes decompressed from one archive (text files and the .qde together).
DEFAULT_MAX_UNPACKED_BYTES = 1 << 30
#: Default cap on how many times larger than its compressed size a member may grow.
DEFAULT_MAX_RATIO = 200.0
# Below this size a member is never refused for its ratio (tiny files compress oddly).
_RATIO_FLOOR = 1 << 20
_CHUNK = 1 << 20

ADVICE = "Open it in the tool that made it and export again."


def refuse(file: str, what: str, reason: str, advice: str = ADVICE) -> InvalidInput:
    """The one-sentence error: "<file> is not a REFI-QDA <what>: <reason>. <advice>"."""
    return InvalidInput(f"{file} is not a REFI-QDA {what}: {reason}. {advice}".strip())


def is_ignored(name: str) -> bool:
    """True for the clutter archivers add: ``__MACOSX/`` folders and ``.DS_Store`` files."""
    parts = name.replace("\\", "/").split("/")
    return parts[0] == "__MACOSX" or parts[-1] == ".DS_Store"


def unpack_risk(
    infos: Iterable[zipfile.ZipInfo],
    *,
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES,
    max_ratio: float = DEFAULT_MAX_RATIO,
) -> str | None:
    """Why unpacking these zip members looks like a zip bomb, or None when it does not.

    Reads only the sizes the archive declares: Python's zipfile never unpacks a member past its
    declared size (a member that lies fails its CRC check instead), so this runs before any
    member is unpacked, in microseconds and without memory. Used by REFI import and by the
    readers of .docx, .odt and .xlsx.

    Examples:
        >>> info = zipfile.ZipInfo("word/document.xml")
        >>> info.file_size, info.compress_size = 5 << 30, 5 << 20
        >>> unpack_risk([info])
        'word/document.xml would unpack to more than the 1024 MiB allowed'
    """
    total = 0
    for info in infos:
        total += info.file_size
        if total > max_unpacked_bytes:
            return f"{info.filename} would unpack to more than the {_mib(max_unpacked_bytes)} allowed"
        if info.file_size > max(_RATIO_FLOOR, max(info.compress_size, 1) * max_ratio):
            return f"{info.filename} would unpack to more than {max_ratio:g} times its packed size"
    return None


def _escapes(name: str) -> bool:
    n = name.replace("\\", "/")
    if n.startswith("/") or re.match(r"^[A-Za-z]:", n):
        return True
    return ".." in PurePosixPath(n).parts


class SafeArchive:
    """A zip archive opened for reading with zip-slip and zip-bomb checks.

    Args:
        path: the archive.
        label: the name used in messages (usually the file name).
        max_unpacked_bytes: the most bytes :meth:`read` will decompress in total.
        max_ratio: the most a member may grow relative to its compressed size (above 1 MiB).
    """

    def __init__(
        self,
        path: str,
        label: str,
        *,
        max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES,
        max_ratio: float = DEFAULT_MAX_RATIO,
    ) -> None:
        self.label = label
        self.max_unpacked_bytes = max_unpacked_bytes
        self.max_ratio = max_ratio
        self.unpacked = 0
        try:
            self._zip = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise refuse(label, "project", "it is not a zip archive (a .qdpx file is one)") from None
        except FileNotFoundError as e:
            raise InvalidInput(f"{label} cannot be read ({e.strerror}); check the path and try again.") from None
        except (OSError, ValueError, NotImplementedError, EOFError) as e:  # a damaged directory
            raise refuse(label, "project", f"the zip archive is damaged ({e})") from None
        for info in self._zip.infolist():
            if _escapes(info.filename):
                self.close()
                raise refuse(
                    label,
                    "project",
                    f"it holds a file named '{info.filename}', a path that points outside the archive, "
                    "so it was refused as unsafe",
                    "Ask for a fresh export from the tool that made it.",
                )
        self.names = [i.filename for i in self._zip.infolist() if not i.is_dir() and not is_ignored(i.filename)]
        self._exact: dict[str, str] = {}
        self._folded: dict[str, str] = {}  # lower case: "SOURCES/x.txt" is found as "sources/x.txt"
        for n in self.names:
            self._exact.setdefault(n.replace("\\", "/"), n)
            self._folded.setdefault(n.replace("\\", "/").lower(), n)

    def __enter__(self) -> SafeArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def find(self, path: str) -> str | None:
        """The member named ``path``, compared case-insensitively and with ``\\`` as ``/``, or None."""
        want = path.replace("\\", "/").lstrip("/")
        return self._exact.get(want) or self._folded.get(want.lower())

    def read(self, name: str) -> bytes:
        """The decompressed bytes of member ``name``, refusing an archive that unpacks too far."""
        info = self._zip.getinfo(name)
        budget = self.max_unpacked_bytes - self.unpacked
        if info.file_size > budget:
            raise self._bomb(f"{name} would unpack to more than the {_mib(self.max_unpacked_bytes)} allowed")
        risk = unpack_risk([info], max_unpacked_bytes=budget, max_ratio=self.max_ratio)
        if risk is not None:
            raise self._bomb(risk)
        limit = max(_RATIO_FLOOR, int(max(info.compress_size, 1) * self.max_ratio))
        chunks: list[bytes] = []
        got = 0
        try:
            with self._zip.open(info) as f:
                while chunk := f.read(_CHUNK):
                    got += len(chunk)
                    if got > budget:
                        raise self._bomb(f"{name} unpacks to more than the {_mib(self.max_unpacked_bytes)} allowed")
                    if got > limit:
                        raise self._bomb(f"{name} unpacks to more than {self.max_ratio:g} times its packed size")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as e:
            raise refuse(self.label, "project", f"the zip archive is damaged ({name}: {e})") from None
        except NotImplementedError as e:
            raise refuse(self.label, "project", f"{name} is packed in a way Python cannot read ({e})") from None
        except RuntimeError as e:  # encrypted members
            raise refuse(
                self.label, "project", f"{name} cannot be unpacked ({e})", "Export it again without a password."
            ) from None
        self.unpacked += got
        return b"".join(chunks)

    def _bomb(self, reason: str) -> InvalidInput:
        return refuse(
            self.label,
            "project it is safe to open",
            f"{reason}, which looks like a zip bomb",
            "If the file is genuine, raise max_unpacked_bytes or max_ratio and try again.",
        )


def _mib(n: int) -> str:
    return f"{n / (1 << 20):g} MiB"


_BOMS = {b"\xef\xbb\xbf": "utf-8", b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16"}
_ROOT_START = re.compile(rb"<[A-Za-z_:]")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_PLAIN_WORDS = [
    ("xmlParseEntityRef", "an unescaped '&'"),
    ("EntityRef: expecting ';'", "an unescaped '&'"),
    ("Opening and ending tag mismatch", "a closing tag that does not match its opening tag"),
    ("Premature end of data", "the file ends in the middle of an element"),
    ("EndTag: '</' not found", "the file ends in the middle of an element"),
    ("Extra content at the end of the document", "text after the end of the document"),
    ("Document is empty", "the document is empty"),
    ("Start tag expected", "no XML element at all"),
    ("PCDATA invalid Char value", "a character XML does not allow"),
    ("Char 0x", "a character XML does not allow"),
    ("StartTag: invalid element name", "an unescaped '<'"),
    ("Unescaped '<' not allowed", "an unescaped '<'"),
    ("AttValue: \" or ' expected", "an attribute value without quotes"),
    ("attributes construct error", "a malformed attribute"),
    ("Attribute", "a repeated or malformed attribute"),
    ("Excessive depth", "elements nested deeper than 256 levels"),
    ("xmlSAX2Characters: huge text node", "a text of more than 10 MB inside the XML"),
]


def _plain(message: str) -> str:
    for needle, words in _PLAIN_WORDS:
        if needle in message:
            return words
    return message.split(", line ")[0].strip().rstrip(".") or "a syntax error"


def parse_xml(data: bytes, file: str, member: str, what: str = "project") -> etree._Element:
    """Parse untrusted XML bytes into an element tree, or raise InvalidInput in one sentence.

    Args:
        data: the bytes; a leading BOM is stripped (UTF-16 with a BOM is accepted).
        file: the name of the file the user chose (for messages).
        member: the name of the XML inside it ("project.qde"), or the same as ``file``.
        what: "project" or "codebook", for messages.
    """
    for bom, encoding in _BOMS.items():
        if data.startswith(bom):
            if encoding == "utf-16":
                text = _DECLARATION.sub("", data.decode("utf-16"), count=1)
                data = text.encode("utf-8")
            else:
                data = data[len(bom) :]
            break
    inside = "" if member == file else f"{member} "
    root_at = _ROOT_START.search(data)
    prolog = data[: root_at.start()] if root_at else data
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        raise refuse(
            file,
            what,
            f"{inside or 'it '}declares a document type (DTD), which REFI-QDA files never do and which can expand "
            "entities or read other files, so it was refused",
            "Ask for a fresh export from the tool that made it.",
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        line, column = e.position if e.position else (e.lineno, 0)
        where = f"line {line}, column {column}: " if line else ""
        raise refuse(
            file, what, f"{inside or 'it '}is not well-formed XML ({where}{_plain(e.msg or str(e))})"
        ) from None
    if root is None:
        raise refuse(file, what, f"{inside or 'it '}is not well-formed XML (the document is empty)")
    if root.getroottree().docinfo.internalDTD is not None:  # belt and braces
        raise refuse(file, what, f"{inside or 'it '}declares a document type (DTD), so it was refused")
    return root
