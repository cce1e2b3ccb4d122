"""Export of REFI-QDA files: ``.qdpx`` projects and ``.qdc`` codebooks, written strictly.

A ``.qdpx`` holds exactly ``project.qde`` and a flat ``sources/`` folder of ``<GUID>.txt`` files
(UTF-8, no BOM, line endings as they are). The XML is built with lxml, validated against the REFI
schema shipped in ``theorize/exchange/schemas/`` and only then written: to a temporary file in the
target's folder, moved into place with :func:`os.replace`. A failed export leaves nothing behind.

Examples:
    >>> report = write_qdpx(project, "study.qdpx")  # doctest: +SKIP
    >>> print(report.summary())  # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from lxml import etree

from theorize.errors import InvalidInput
from theorize.store.files import OWNER_ONLY

from .model import RefiProject
from .report import ExchangeReport
from .write_elements import NS_CODEBOOK, NS_PROJECT, ElementWriter

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so two exports of one project are the same bytes
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_COUNTED = {
    "User": "User",
    "Code": "Code",
    "Variable": "Variable",
    "Case": "Case",
    "TextSource": "Source",
    "PlainTextSelection": "PlainTextSelection",
    "Coding": "Coding",
    "VariableValue": "VariableValue",
    "Note": "Note",
    "NoteRef": "NoteRef",
    "Link": "Link",
    "Set": "Set",
    "Graph": "Graph",
}


@cache
def schema(name: str) -> etree.XMLSchema:
    """The shipped REFI schema ``name`` ("Project.xsd" or "Codebook.xsd"), loaded once."""
    data = resources.files("theorize.exchange").joinpath("schemas", name).read_bytes()
    return etree.XMLSchema(etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True)))


def origin() -> str:
    """What exports name as their origin: "theorize <version>"."""
    try:
        return f"theorize {metadata.version('theorize')}"
    except metadata.PackageNotFoundError:
        return "theorize"


def write_qdpx(project: RefiProject, path: str | os.PathLike[str]) -> ExchangeReport:
    """Write ``project`` as a REFI-QDA project exchange file (``.qdpx``), replacing any file there.

    Returns:
        The report: per element type what was written, and what was not, with reasons.

    Raises:
        InvalidInput: the model has a missing or repeated GUID, the folder does not exist, or the
            result would not validate (a bug); nothing is written.
    """
    path = Path(path)
    report = ExchangeReport(file=path.name, direction="export")
    _check_folder(path)
    writer = ElementWriter(project, report, NS_PROJECT)
    root = writer.project(origin())
    _validate(root, "Project.xsd", path.name)
    _count(root, report)
    qde = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    # An attachment may be a function of the project.qde bytes (theorize.json names their SHA-256).
    files = {name: _encode(text(qde) if callable(text) else text, name, report) for name, text in writer.files.items()}

    def save(fh) -> None:
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            _add(zf, "project.qde", qde)
            for name, data in files.items():
                _add(zf, name, data)

    _replace(path, save)
    return report


def write_qdc(project: RefiProject, path: str | os.PathLike[str]) -> ExchangeReport:
    """Write the codes and code sets of ``project`` as a REFI-QDA codebook (``.qdc``).

    Raises:
        InvalidInput: the project has no codes (a codebook needs one), a missing or repeated GUID,
            or the folder does not exist; nothing is written.
    """
    path = Path(path)
    report = ExchangeReport(file=path.name, direction="export", kind="codebook")
    if not project.codes:
        raise InvalidInput(
            f"Cannot write {path.name}: the project has no codes, and a REFI-QDA codebook needs at least one."
        )
    _check_folder(path)
    root = ElementWriter(project, report, NS_CODEBOOK).codebook(origin())
    _validate(root, "Codebook.xsd", path.name)
    _count(root, report)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    _replace(path, lambda fh: fh.write(data))
    return report


def _check_folder(path: Path) -> None:
    if not path.parent.is_dir():
        raise InvalidInput(
            f"Cannot write {path.name}: the folder {path.parent} does not exist; create it or choose another."
        )


def _validate(root: etree._Element, xsd: str, label: str) -> None:
    s = schema(xsd)
    if not s.validate(root):
        e = s.error_log.last_error
        raise InvalidInput(
            f"Cannot write {label}: the export would not be valid REFI-QDA ({e.message}, line {e.line}), "
            "so nothing was written; please report this as a bug in theorize."
        )


def _count(root: etree._Element, report: ExchangeReport) -> None:
    ns = etree.QName(root).namespace
    for tag, kind in _COUNTED.items():
        n = sum(1 for _ in root.iter(f"{{{ns}}}{tag}"))
        if n:
            report.carry(kind, n)


def _encode(text: str, name: str, report: ExchangeReport) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: one U+FFFD each keeps every offset in place
        fixed, n = _LONE_SURROGATE.subn("\ufffd", text)
        report.decide(f"{name}: {n} unpaired surrogate characters cannot be stored in UTF-8 and were written as U+FFFD")
        return fixed.encode("utf-8")


def _add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, _ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def _replace(path: Path, save) -> None:
    """Run ``save(file)`` on a temporary file beside ``path``, then move it into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            save(fh)
        os.chmod(tmp, OWNER_ONLY)  # as mkstemp made it: an export holds the interviews
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
