"""Import of REFI-QDA files: ``.qdpx`` projects and ``.qdc`` codebooks, read leniently.

Each function returns the canonical :class:`~theorize.exchange.refi.model.RefiProject` and an
:class:`~theorize.exchange.refi.report.ExchangeReport` of what was carried, what was not and what
was interpreted. Unsafe or unreadable files raise :class:`~theorize.errors.InvalidInput` with one
sentence; nothing is ever written.

Examples:
    >>> project, report = read_qdpx("study.qdpx")  # doctest: +SKIP
    >>> print(report.summary())  # doctest: +SKIP
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
from pathlib import Path

from lxml import etree

from theorize.errors import InvalidInput

from .model import RefiProject
from .read_elements import ElementReader, is_qda_namespace, strip_namespaces
from .report import ExchangeReport
from .resolve import resolve
from .safety import DEFAULT_MAX_RATIO, DEFAULT_MAX_UNPACKED_BYTES, SafeArchive, parse_xml, refuse

#: Files beside the REFI elements that theorize reads when present (they carry its own structures).
ATTACHMENTS = ("theorize.json",)
#: Default cap on the size of a .qdc file.
DEFAULT_MAX_CODEBOOK_BYTES = 64 << 20


def read_qdpx(
    path: str | os.PathLike[str],
    *,
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES,
    max_ratio: float = DEFAULT_MAX_RATIO,
) -> tuple[RefiProject, ExchangeReport]:
    """Read a REFI-QDA project exchange file (``.qdpx``).

    Args:
        path: the ``.qdpx`` file.
        max_unpacked_bytes: the most bytes decompressed from it in all (zip-bomb guard).
        max_ratio: the most one member may grow relative to its packed size (zip-bomb guard).

    Returns:
        The project and the report of the import.

    Raises:
        InvalidInput: the file is not a zip, holds no ``.qde``, is unsafe (zip-slip names, a zip bomb,
            a DTD), is not well-formed XML, or is not a REFI-QDA project.
    """
    path = Path(path)
    label = path.name
    _refuse_xml_given_as_zip(path, label)
    report = ExchangeReport(file=label, direction="import")
    with SafeArchive(str(path), label, max_unpacked_bytes=max_unpacked_bytes, max_ratio=max_ratio) as archive:
        member = _find_qde(archive, report)
        qde = archive.read(member)
        root = parse_xml(qde, label, member, "project")
        check_root(root, label, member, "project")
        strip_namespaces(root, report)
        used: set[str] = set()
        for el in root.iter():  # rich text, PDFs, media: referred to, though not read
            for attr in ("richTextPath", "path", "currentPath"):
                v = el.get(attr) or ""
                if v.startswith("internal://") and (m := archive.find(f"sources/{v[11:]}")):
                    used.add(m)
        reader = ElementReader(report, _text_loader(archive, report, used))
        project = reader.read_project(root, path.stem)
        project.qde_sha256 = hashlib.sha256(qde).hexdigest()
        resolve(reader, project)
        for name in ATTACHMENTS:
            if (found := archive.find(name)) is not None:
                used.add(found)
                project.attachments[name] = decode_text(archive.read(found), f"{label} ({found})", report)
        for name in archive.names:
            if name not in used and name != member and not name.rsplit("/", 1)[-1].startswith("."):
                report.skip("file", name, "no source or note in the project refers to it")
    return project, report


def read_qdc(
    path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_CODEBOOK_BYTES
) -> tuple[RefiProject, ExchangeReport]:
    """Read a REFI-QDA codebook exchange file (``.qdc``) into a project holding only codes and sets.

    Raises:
        InvalidInput: the file is too large, a zip, not well-formed XML, or not a REFI-QDA codebook.
    """
    path = Path(path)
    label = path.name
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise refuse(
                label,
                "codebook",
                f"it is {size:,} bytes, more than the {max_bytes:,} allowed",
                "If it is genuine, raise max_bytes and try again.",
            )
        data = path.read_bytes()
    except OSError as e:
        raise InvalidInput(f"{label} cannot be read ({e.strerror or e}); check the path and try again.") from None
    if data.startswith(b"PK\x03\x04"):
        raise refuse(
            label, "codebook", "it is a zip archive, probably a project", "Import it as a project (.qdpx) instead."
        )
    report = ExchangeReport(file=label, direction="import", kind="codebook")
    root = parse_xml(data, label, label, "codebook")
    check_root(root, label, label, "codebook")
    strip_namespaces(root, report)
    reader = ElementReader(report)
    project = reader.read_codebook(root, path.stem)
    resolve(reader, project)
    return project, report


def check_root(root: etree._Element, label: str, member: str, want: str) -> None:
    """Refuse a document whose root is not a REFI ``<Project>`` (want="project") or ``<CodeBook>``."""
    q = etree.QName(root)
    subject = "it" if member == label else member
    if not is_qda_namespace(q.namespace):
        raise refuse(
            label,
            want,
            f"{subject} is XML of another kind (its root element is <{q.localname}> in namespace {q.namespace})",
        )
    expected = "Project" if want == "project" else "CodeBook"
    if q.localname == expected:
        return
    if want == "project" and q.localname == "CodeBook":
        raise refuse(
            label, want, f"{subject} holds a codebook, not a project", "Import it as a codebook (.qdc) instead."
        )
    if want == "codebook" and q.localname == "Project":
        raise refuse(label, want, f"{subject} holds a whole project", "Import it as a project instead.")
    raise refuse(label, want, f"{subject} has the root element <{q.localname}>, not <{expected}>")


def _refuse_xml_given_as_zip(path: Path, label: str) -> None:
    try:
        with open(path, "rb") as f:
            head = f.read(64)
    except OSError as e:
        raise InvalidInput(f"{label} cannot be read ({e.strerror or e}); check the path and try again.") from None
    if head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"<"):
        raise refuse(
            label,
            "project",
            "it is an XML file, not the zip archive a .qdpx is",
            "If it is a codebook, import it as a codebook (.qdc) instead.",
        )


def _find_qde(archive: SafeArchive, report: ExchangeReport) -> str:
    member = archive.find("project.qde")
    if member is not None:
        return member
    qdes = [n for n in archive.names if "/" not in n.replace("\\", "/") and n.lower().endswith(".qde")]
    if len(qdes) == 1:
        report.decide(f"the project is read from {qdes[0]}, the archive's only .qde file (there is no project.qde)")
        return qdes[0]
    if not qdes:
        raise refuse(archive.label, "project", "the archive holds no project.qde (nor any other .qde file at its root)")
    raise refuse(
        archive.label,
        "project",
        f"the archive holds {len(qdes)} .qde files ({', '.join(sorted(qdes))}) and no project.qde, so which one is the project is unclear",
    )


def _text_loader(archive: SafeArchive, report: ExchangeReport, used: set[str]):
    def load(path: str, label: str) -> str | None:
        p = path.strip()
        if p.lower().startswith("internal://"):
            candidates = [f"sources/{p[11:]}"]
        else:
            base = re.split(r"[/\\]", p)[-1]
            candidates = [f"sources/{p}", p, f"sources/{base}"]
        member = next((m for m in map(archive.find, candidates) if m), None)
        if member is None:
            return None
        if not p.lower().startswith("internal://"):
            report.decide(
                f"{label}: its plainTextPath '{p}' lacks 'internal://'; the text was read from {member} in the archive"
            )
        used.add(member)
        return decode_text(archive.read(member), f"{label} ({member})", report)

    return load


def decode_text(data: bytes, label: str, report: ExchangeReport) -> str:
    """A text file's content: UTF-8 (or UTF-16 with a BOM), BOM removed, line endings untouched."""
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    try:
        with io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="") as f:
            text = f.read()
    except UnicodeDecodeError:
        report.decide(f"{label}: the text is not UTF-8; it was read as Windows-1252")
        with io.TextIOWrapper(io.BytesIO(data), encoding="cp1252", errors="replace", newline="") as f:
            text = f.read()
    if encoding != "utf-8" or text.startswith("\ufeff"):
        report.decide(f"{label}: the text file starts with a byte-order mark; it was removed before counting offsets")
    return text.removeprefix("\ufeff")
