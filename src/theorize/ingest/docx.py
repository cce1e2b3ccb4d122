"""Word documents (.docx): paragraphs in body order, table cells as paragraphs too.

python-docx opens and checks the package; the text is read straight from its XML tree, which
keeps body order (paragraphs and tables interleaved), takes inserted tracked changes and
leaves deleted ones out, and is several times faster than building python-docx objects for
every run. Text layout: one paragraph per non-empty Word paragraph or table-cell paragraph, a
blank line between them; a line break inside a paragraph is "\\n" and a tab "\\t".

Speaker labels come from the text (``Interviewer: ...``) and from layout: a leading bold run
that ends with a colon, or is followed by one or by a tab, is a label even when its wording
would not pass as one in plain text; so is the first cell of a table row laid out
speaker | words (optionally time | speaker | words), when such rows repeat.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from theorize.domain.sources import ParsedSource
from theorize.errors import InvalidInput
from theorize.ingest.filetype import (
    CFB,
    DAMAGED_ZIP_ERRORS,
    DOCX,
    mismatch_error,
    refuse_zip_bomb,
    sniff,
)
from theorize.ingest.layout import ReadRequest, TextLayout, build_source, where
from theorize.ingest.turns import (
    LABEL_RE,
    MAX_LABEL_CHARS,
    MAX_LABEL_WORDS,
    NOT_SPEAKERS,
    LabelHint,
    LabelKind,
    SpeakerRoles,
    label_key,
    seconds,
)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc"
_SDT, _SDT_CONTENT = f"{_W}sdt", f"{_W}sdtContent"
_R, _T, _TAB, _BR, _CR = f"{_W}r", f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"
_NBH = f"{_W}noBreakHyphen"
_RPR, _PPR, _RSTYLE, _PSTYLE = f"{_W}rPr", f"{_W}pPr", f"{_W}rStyle", f"{_W}pStyle"
_B, _BCS = f"{_W}b", f"{_W}bCs"
_VAL, _TYPE = f"{_W}val", f"{_W}type"
_TXBX = f"{_W}txbxContent"
_SKIP = frozenset({f"{_W}del", f"{_W}moveFrom", _TXBX, _PPR, _RPR, f"{_W}instrText"})
_SKIP_ALSO = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_TEXT_TAGS = (_T, _TAB, _BR, _CR, _NBH, _TXBX)
_FALSE = frozenset({"0", "false", "off"})
_TIME_RE = re.compile(r"[\[(]?(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)[\])]?")


def read_docx(data: bytes, request: ReadRequest) -> ParsedSource:
    """Read a .docx file.

    Raises:
        InvalidInput: the file is password-protected or an old .doc, is another kind of file,
            or is damaged.
    """
    found = sniff(data)
    if found is not DOCX:
        if found is CFB:
            raise InvalidInput(
                f"{request.filename} is password-protected or an old .doc; save it as an unprotected .docx"
            )
        if found is None or found.key == "zip":
            raise _damaged(request.filename)
        raise mismatch_error(request.filename, "a Word file", found)
    refuse_zip_bomb(data, request.filename)
    try:
        document = docx.Document(io.BytesIO(data))
        reader = _BodyReader(document, request.roles)
        reader.read(document.element.body)
    except DAMAGED_ZIP_ERRORS + (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError):
        raise _damaged(request.filename) from None
    text = reader.layout.text()
    notes = [
        f"{request.filename} has an XML entity &{name}; that Word never writes, at {where(text, at)}; "
        "it was left out and the words around it were kept"
        for at, name in reader.entities[:5]
    ]
    if len(reader.entities) > 5:
        notes.append(f"{request.filename} has {len(reader.entities) - 5} more such entities, left out too")
    return build_source(text, request, "docx", hints=reader.hints(), notes=notes)


def _damaged(filename: str) -> InvalidInput:
    return InvalidInput(
        f"{filename} is damaged (it is not a valid Word file); open it in Word and save it again as .docx"
    )


@dataclass(frozen=True)
class _Candidate:
    """A possible label found from layout, before we know whether such labels repeat."""

    line_start: int
    speaker: str
    speech_from: int
    started_at: float | None


class _BodyReader:
    def __init__(self, document: docx.document.Document, roles: SpeakerRoles) -> None:
        self.layout = TextLayout()
        self._roles = roles
        self.bold_labels: list[_Candidate] = []
        self.row_labels: list[_Candidate] = []
        self._document = document
        self._style_bold: dict[str, bool] | None = None
        self.entities: list[tuple[int, str]] = []  # (offset in the text, name) of entities left out

    # -- walking the body -------------------------------------------------------------------
    def read(self, container: etree._Element) -> None:
        for child in container:
            tag = child.tag
            if tag == _P:
                self._paragraph(child)
            elif tag == _TBL:
                self._table(child)
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.read(content)

    def _paragraph(self, p: etree._Element) -> tuple[int, str] | None:
        entities: list[tuple[int, str]] = []
        text = _paragraph_text(p, entities)
        if not text.strip():
            return None
        start = self.layout.add(text)
        self.entities.extend((start + at, name) for at, name in entities)
        first_run = _first_text_run(p)
        if first_run is not None and self._is_bold(first_run, p):
            self._bold_label(p, text, start)
        return start, text

    def _table(self, tbl: etree._Element) -> None:
        rows: list[list[list[tuple[int, str]]]] = []  # rows of cells of (start, text) paragraphs
        for tr in tbl.findall(_TR):
            cells = []
            for tc in tr.findall(_TC):
                paragraphs: list[tuple[int, str]] = []
                for child in tc:
                    if child.tag == _P:
                        found = self._paragraph(child)
                        if found is not None:
                            paragraphs.append(found)
                    elif child.tag == _TBL:
                        self._table(child)
                    elif child.tag == _SDT:
                        content = child.find(_SDT_CONTENT)
                        if content is not None:
                            self.read(content)
                if paragraphs:
                    cells.append(paragraphs)
            rows.append(cells)
        self._row_labels(rows)

    # -- labels from layout -------------------------------------------------------------------
    def _bold_label(self, p: etree._Element, text: str, start: int) -> None:
        """A leading bold run ending with ":" (or followed by ":" or a tab) is a label."""
        prefix = self._bold_prefix(p)
        if not text.startswith(prefix):  # runs the paragraph text does not show (a text box)
            return
        label = prefix.rstrip()
        rest = text[len(prefix) :]
        if label.endswith((":", "：")):
            speech_from, label = len(label), label[:-1]
        elif label and rest.lstrip(" ").startswith((":", "：")):
            speech_from = len(prefix) + (len(rest) - len(rest.lstrip(" "))) + 1
        elif label and rest.startswith("\t"):
            speech_from = len(prefix) + 1
        else:
            return
        started_at = None
        m = LABEL_RE.match(text)
        if m is not None and m["label"] and m.end() >= len(label):
            started_at = seconds(m["ts1"] or m["ts2"] or m["ts3"])
            label = m["label"]
            speech_from = max(speech_from, m.end())
        label = label.strip().strip("*").strip()
        if not label or len(label) > MAX_LABEL_CHARS or len(label.split()) > MAX_LABEL_WORDS:
            return
        self.bold_labels.append(_Candidate(start, label, start + speech_from, started_at))

    def _bold_prefix(self, p: etree._Element) -> str:
        parts: list[str] = []
        seen_text = False
        for r in p.iter(_R):
            run_text = _run_text(r)
            if not run_text:
                continue
            if not self._is_bold(r, p):
                if seen_text or not run_text.isspace():
                    break
            seen_text = seen_text or not run_text.isspace()
            parts.append(run_text)
        return "".join(parts)

    def _is_bold(self, r: etree._Element, p: etree._Element) -> bool:
        rpr = r.find(_RPR)
        if rpr is not None:
            for tag in (_B, _BCS):
                b = rpr.find(tag)
                if b is not None:
                    return b.get(_VAL, "true").lower() not in _FALSE
            style = rpr.find(_RSTYLE)
            if style is not None and self._styles().get(style.get(_VAL, ""), False):
                return True
        ppr = p.find(_PPR)
        if ppr is not None:
            style = ppr.find(_PSTYLE)
            if style is not None:
                return self._styles().get(style.get(_VAL, ""), False)
        return False

    def _styles(self) -> dict[str, bool]:
        """Style id -> bold, following each style's base styles."""
        if self._style_bold is None:
            bold: dict[str, bool] = {}
            for style in self._document.styles:
                s, seen, value = style, set(), None
                while s is not None and value is None and s.style_id not in seen:
                    seen.add(s.style_id)
                    font = getattr(s, "font", None)
                    value = font.bold if font is not None else None
                    s = getattr(s, "base_style", None)
                bold[style.style_id] = bool(value)
            self._style_bold = bold
        return self._style_bold

    def _row_labels(self, rows: list[list[list[tuple[int, str]]]]) -> None:
        """Rows laid out speaker | words (or time | speaker | words), when speakers repeat."""
        found: list[_Candidate] = []
        for cells in rows:
            k, started_at = 0, None
            if len(cells) >= 3:
                stamp = _TIME_RE.fullmatch(cells[0][0][1].strip())
                if stamp is not None:
                    k, started_at = 1, seconds(stamp.group(1))
            if len(cells) < k + 2 or len(cells[k]) != 1:
                continue
            start, text = cells[k][0]
            label = text.strip().rstrip(":：").rstrip()
            if not label or "\n" in label or len(label) > MAX_LABEL_CHARS:
                continue
            if len(label.split()) > MAX_LABEL_WORDS:
                continue
            found.append(_Candidate(start, label, start + len(text), started_at))
        keys = [label_key(c.speaker) for c in found]
        known = any(self._roles.assess(c.speaker) is LabelKind.KNOWN for c in found)
        if known or len(set(keys)) < len(keys):
            self.row_labels.extend(found)

    def hints(self) -> list[LabelHint]:
        """Layout labels as hints: KNOWN when a transcriber's convention or repeated."""
        candidates = self.bold_labels + self.row_labels
        counts = Counter(label_key(c.speaker) for c in candidates)
        hints = []
        for c in candidates:
            key = label_key(c.speaker)
            if key in NOT_SPEAKERS and self._roles.named_role(c.speaker) is None:
                continue
            known = self._roles.assess(c.speaker) is LabelKind.KNOWN or counts[key] > 1
            kind = LabelKind.KNOWN if known else LabelKind.PLAUSIBLE
            hints.append(LabelHint(c.line_start, c.speaker, c.speech_from, c.started_at, kind))
        return hints


def _first_text_run(p: etree._Element) -> etree._Element | None:
    for t in p.iter(_T):
        if t.text and t.text.strip():
            parent = t.getparent()
            return parent if parent is not None and parent.tag == _R else None
    return None


def _run_text(r: etree._Element) -> str:
    parts = []
    for child in r:
        tag = child.tag
        if tag == _T:
            parts.append(_t_text(child))
        elif tag == _TAB:
            parts.append("\t")
        elif tag in (_BR, _CR) and child.get(_TYPE, "textWrapping") == "textWrapping":
            parts.append("\n")
        elif tag == _NBH:
            parts.append("-")
    return "".join(parts)


def _t_text(t: etree._Element, entities: list[tuple[int, str]] | None = None, at: int = 0) -> str:
    """The text of a w:t element; an entity inside it (from a DTD, which Word never writes) is
    left out, the words after it kept, and (offset, name) added to ``entities``."""
    if not len(t):
        return t.text or ""
    parts = [t.text or ""]
    for child in t:
        if entities is not None and isinstance(child, etree._Entity):
            entities.append((at + sum(map(len, parts)), child.name))
        parts.append(child.tail or "")
    return "".join(parts)


def _paragraph_text(p: etree._Element, entities: list[tuple[int, str]] | None = None) -> str:
    parts: list[str] = []
    length = 0
    for el in p.iter(*_TEXT_TAGS):
        tag = el.tag
        if tag == _T:
            if len(el):
                length = sum(map(len, parts))
            parts.append(_t_text(el, entities, length))
        elif tag == _TAB:
            parts.append("\t")
        elif tag == _NBH:
            parts.append("-")
        elif tag == _TXBX:
            return _careful_text(p)  # text boxes nest paragraphs: walk with skipping
        elif el.get(_TYPE, "textWrapping") == "textWrapping":
            parts.append("\n")
    text = "".join(parts)
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _careful_text(p: etree._Element) -> str:
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if tag in _SKIP or tag == _SKIP_ALSO:
                continue
            if tag == _T:
                parts.append(_t_text(child))
            elif tag == _TAB:
                parts.append("\t")
            elif tag == _NBH:
                parts.append("-")
            elif tag in (_BR, _CR):
                if child.get(_TYPE, "textWrapping") == "textWrapping":
                    parts.append("\n")
            else:
                walk(child)

    walk(p)
    return "".join(parts)
