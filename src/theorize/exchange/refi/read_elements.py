"""REFI-QDA XML elements in, the canonical model out: the part of import that does not touch the zip.

:class:`ElementReader` reads a namespace-stripped ``<Project>`` or ``<CodeBook>`` leniently: GUIDs are
normalised, references checked, what cannot be carried is reported and never stops the import.
References are resolved in ``resolve.py`` once every element is known.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from lxml import etree

from . import extras
from .model import (
    Case,
    Code,
    Coding,
    Graph,
    Link,
    Note,
    RefiProject,
    Selection,
    Set,
    Source,
    User,
    Variable,
    VariableValue,
    guid_for,
    normalise_guid,
)
from .offsets import CRLF_AS_ONE, Reading, choose_reading
from .report import ExchangeReport

NS_PROJECT = "urn:QDA-XML:project:1.0"
_QDA_NAMESPACE = re.compile(r"^urn:QDA-XML:(project|codebook)(:.*)?$", re.IGNORECASE)
_COLOR = re.compile(r"^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
VALUE_KINDS = {f"{k}Value": k for k in ("Text", "Boolean", "Integer", "Float", "Date", "DateTime")}
CODE_FIELDS = ("stage", "merged from", "in vivo")
NOTE_FIELDS = ("memo type", "about")

TextLoader = Callable[[str, str], "str | None"]


def is_qda_namespace(ns: str | None) -> bool:
    """True for no namespace and for every ``urn:QDA-XML:project:*`` / ``codebook:*`` variant."""
    return ns is None or bool(_QDA_NAMESPACE.match(ns))


@cache
def schema_elements() -> frozenset[str]:
    """The names of every element the shipped REFI schemas (project and codebook) define."""
    names: set[str] = set()
    for xsd in ("Project.xsd", "Codebook.xsd"):
        data = resources.files("theorize.exchange").joinpath("schemas", xsd).read_bytes()
        names.update(e.get("name") for e in etree.fromstring(data).iter("{http://www.w3.org/2001/XMLSchema}element"))
    return frozenset(names)


def strip_namespaces(root: etree._Element, report: ExchangeReport) -> None:
    """Rename every element to its local name; remove (and report) elements REFI does not define:
    those of other namespaces (vendor extensions) and unknown names."""
    known = schema_elements()
    ours: dict[str, bool] = {}
    strange = []
    for el in root.iter():
        tag = el.tag
        if tag[0] == "{":
            ns, local = tag[1:].split("}", 1)
            if ns not in ours:
                ours[ns] = is_qda_namespace(ns)
            if not ours[ns]:
                strange.append((el, f"<{local}> of namespace {ns}"))
                continue
            el.tag = tag = local
        if tag not in known:
            strange.append((el, f"<{tag}>"))
    marked = {el for el, _ in strange}
    for el, what in strange:
        if not any(a in marked for a in el.iterancestors()):
            where = el.getparent().tag.rsplit("}", 1)[-1]
            report.skip(what.split(" ")[0].strip("<>"), f"{what} in <{where}>", "it is not part of REFI-QDA")
            el.getparent().remove(el)


def kids(el: etree._Element, tag: str) -> list[etree._Element]:
    """The children of ``el`` named ``tag`` (tags are local names once namespaces are stripped)."""
    return list(el.iterchildren(tag))


def kid(el: etree._Element, tag: str) -> etree._Element | None:
    """The first child of ``el`` named ``tag``, or None."""
    return next(el.iterchildren(tag), None)


def requalify(el: etree._Element, ns: str = NS_PROJECT, parent: etree._Element | None = None) -> etree._Element:
    """A copy of ``el`` (local-name tags) with every element in namespace ``ns``."""
    tag = f"{{{ns}}}{etree.QName(el).localname}"
    new = etree.Element(tag, nsmap={None: ns}) if parent is None else etree.SubElement(parent, tag)
    for k, v in el.attrib.items():
        if not k.startswith("{"):
            new.set(k, v)
    new.text = el.text
    for child in el:
        requalify(child, ns, new).tail = child.tail
    return new


class ElementReader:
    """Reads REFI elements into a :class:`RefiProject`, reporting into ``report``.

    Args:
        report: where carried counts, left-behind elements and interpretations go.
        load_text: ``load_text(plain_text_path, label)`` gives a text file's content, or None.
    """

    def __init__(self, report: ExchangeReport, load_text: TextLoader | None = None) -> None:
        self.r = report
        self.load_text = load_text or (lambda path, label: None)
        self.kinds: dict[str, str] = {}  # every stored GUID -> its element type
        self.aliases: dict[str, str] = {}  # a PDF representation's GUID -> the source's GUID
        self.codes: dict[str, Code] = {}
        self.variables: dict[str, Variable] = {}
        self.sources: dict[str, Source] = {}
        self.notes: dict[str, Note] = {}
        self.selections: dict[str, Selection] = {}
        self.readings: dict[str, Reading] = {}
        self.note_refs: list[tuple[str | None, str | None, str, str]] = []  # owner, note, raw, label
        self.pending_note_selections: dict[str, list[etree._Element]] = {}
        self.raw_cases: list[tuple[Case, etree._Element]] = []
        self.raw_links: list[tuple[Link, str | None, str | None]] = []
        self.raw_sets: list[tuple[Set, etree._Element]] = []
        self.user_names: dict[str, str] = {}  # GUIDs made up for non-GUID user references
        self._users: dict[str, str] = {}
        self._dates: dict[str, datetime] = {}
        self._seq = 0

    # -- small helpers ------------------------------------------------------------------------

    def guid(self, el: etree._Element, element: str, label: str) -> str:
        """The element's GUID, normalised; a deterministic new one when missing, invalid or repeated."""
        raw = el.get("guid")
        g = normalise_guid(raw)
        self._seq += 1
        if g is None:
            g = guid_for(f"refi-import:{element}", f"{self._seq}:{raw}")
            had = "no GUID" if raw is None else f"the invalid GUID {raw!r}"
            self.r.decide(f"{label} had {had}; it was given {g}")
        elif g in self.kinds or g in self.aliases:
            new = guid_for(f"refi-import:{element}", f"{self._seq}:{g}")
            self.r.decide(f"{label} repeats the GUID {g} of a {self.kinds.get(g, 'Source')}; it was given {new}")
            g = new
        self.kinds[g] = element
        return g

    def forget(self, guid: str) -> None:
        self.kinds.pop(guid, None)

    def user(self, raw: str | None) -> str | None:
        """A user reference as a GUID (made up, deterministically, when the file wrote a non-GUID)."""
        if not raw:
            return None
        if raw in self._users:
            return self._users[raw]
        g = normalise_guid(raw)
        if g is None:
            g = guid_for("refi-import:user", raw)
            self.user_names.setdefault(g, raw)
        self._users[raw] = g
        return g

    def date(self, el: etree._Element, attr: str, label: str) -> datetime | None:
        """An xsd:dateTime attribute (UTC, an offset or none); None, reported, when it is no date."""
        raw = el.get(attr)
        if not raw:
            return None
        if raw in self._dates:
            return self._dates[raw]
        try:
            self._dates[raw] = value = datetime.fromisoformat(raw.strip())
            return value
        except ValueError:
            self.r.skip(f"@{attr}", f"the date {raw!r} of {label}", "it is not a date and time; left empty")
            return None

    def color(self, raw: str | None, label: str) -> str | None:
        if raw is None or _COLOR.match(raw.strip()):
            return raw.strip() if raw else None
        self.r.skip("@color", f"the colour {raw!r} of {label}", "it is not a #RRGGBB colour")
        return None

    def collect_note_refs(self, el: etree._Element, owner: str | None, label: str) -> None:
        for ref in el.iterchildren("NoteRef"):
            raw = ref.get("targetGUID") or ""
            self.note_refs.append((owner, normalise_guid(raw), raw, label))

    def stamp(self, obj: Any, el: etree._Element, label: str, user_attr: str = "creatingUser") -> None:
        """Set creating/modifying user and dates on ``obj`` (any element record) from ``el``'s attributes."""
        obj.creating_user = self.user(el.get(user_attr))
        obj.created = self.date(el, "creationDateTime", label)
        if hasattr(obj, "modified"):
            obj.modifying_user = self.user(
                el.get("modifyingUser" if user_attr == "creatingUser" else "modifyingUserGUID")
            )
            obj.modified = self.date(el, "modifiedDateTime", label)

    # -- elements -----------------------------------------------------------------------------

    def users(self, el: etree._Element | None) -> list[User]:
        out = []
        for u in kids(el, "User") if el is not None else []:
            name = u.get("name", "")
            out.append(User(self.guid(u, "User", f"user '{name}'"), name, u.get("id", "")))
        return out

    def code(self, el: etree._Element) -> Code:
        name = el.get("name")
        if name is None:
            name = "(unnamed code)"
            self.r.decide(f"a code without a name (GUID {el.get('guid')}) was named '{name}'")
        label = f"code '{name}'"
        g = self.guid(el, "Code", label)
        raw = (el.get("isCodable") or "").strip()
        if raw not in ("true", "false", "1", "0"):
            self.r.decide(f"{label} has isCodable={raw!r}; it was read as codable")
        desc, fields = extras.parse(kid_text(el, "Description"), CODE_FIELDS)
        code = Code(
            guid=g,
            name=name,
            is_codable=raw not in ("false", "0"),
            color=self.color(el.get("color"), label),
            description=desc,
            stage=fields.get("stage"),
            merged_from=[normalise_guid(x) or x for x in extras.split_guids(fields.get("merged from", ""))],
            in_vivo=fields.get("in vivo") == "yes",
        )
        self.codes[g] = code
        self.collect_note_refs(el, g, label)
        code.children = [self.code(c) for c in kids(el, "Code")]
        return code

    def variable(self, el: etree._Element) -> Variable:
        name = el.get("name", "")
        label = f"variable '{name}'"
        g = self.guid(el, "Variable", label)
        kind = el.get("typeOfVariable")
        if kind is None:
            kind = "Text"
            self.r.decide(f"{label} has no typeOfVariable; it was read as Text")
        v = Variable(g, name, kind, kid_text(el, "Description"))
        self.variables[g] = v
        return v

    def variable_values(self, el: etree._Element, label: str) -> list[VariableValue]:
        out = []
        for vv in kids(el, "VariableValue"):
            ref = kid(vv, "VariableRef")
            raw = ref.get("targetGUID", "") if ref is not None else ""
            g = normalise_guid(raw)
            value = next((c for c in vv if c.tag in VALUE_KINDS), None)
            if g not in self.variables:
                self.r.skip(
                    "VariableValue", f"a value of {label}", f"it refers to variable {raw!r}, which is not in the file"
                )
            elif value is None:
                self.r.skip(
                    "VariableValue", f"the value of '{self.variables[g].name}' for {label}", "it holds no value"
                )
            else:
                out.append(VariableValue(g, value.text or "", VALUE_KINDS[value.tag]))
        return out

    def coding(self, el: etree._Element, label: str) -> Coding | None:
        g = self.guid(el, "Coding", f"a coding in {label}")
        ref = kid(el, "CodeRef")
        raw = ref.get("targetGUID", "") if ref is not None else ""
        code = normalise_guid(raw)
        if code not in self.codes:
            self.forget(g)
            why = "it names no code" if not raw else f"it refers to code {raw!r}, which is not in the file"
            self.r.skip("Coding", f"coding {g} in {label}", why)
            return None
        self.collect_note_refs(el, g, f"coding {g}")
        c = Coding(g, code)
        self.stamp(c, el, f"coding {g}")
        return c

    def text_source(self, el: etree._Element, outer: etree._Element | None = None) -> Source | None:
        """A TextSource, or (``outer`` being the PDFSource) a PDF's text Representation."""
        head = outer if outer is not None else el
        path = el.get("plainTextPath") or ""
        name = head.get("name") or el.get("name") or ""
        label = f"source '{name or path or head.get('guid')}'"
        g = self.guid(head, "Source", label)
        if outer is not None and normalise_guid(el.get("guid")):
            self.aliases[normalise_guid(el.get("guid"))] = g  # type: ignore[index]
        content = kid(el, "PlainTextContent")
        text = self.load_text(path, label) if path else None
        if text is None and content is not None:
            text = content.text or ""
        if text is None:
            self.forget(g)
            n_sel = len(kids(el, "PlainTextSelection"))
            why = f"its text file '{path}' is not in the archive" if path else "it has no text"
            self.r.skip("Source", label, f"{why} (its {n_sel} selections are not carried either)")
            return None
        text = text.removeprefix("\ufeff")
        if not name:
            name = re.split(r"[/\\]", path.removeprefix("internal://"))[-1] if path else "untitled source"
            self.r.decide(f"a source without a name ({g}) was named '{name}' after its text file")
            label = f"source '{name}'"
        if el.get("richTextPath"):
            self.r.skip(
                "Source rich text",
                f"{el.get('richTextPath')} of {label}",
                "rich text is not carried; the plain text is",
            )
        src = Source(g, name, text, path, description=kid_text(head, "Description") or kid_text(el, "Description"))
        self.stamp(src, head, label)
        self.sources[g] = src
        src.selections = self.selections_of(kids(el, "PlainTextSelection"), src, label)
        for part in {id(head): head, id(el): el}.values():
            src.codings += [c for c in (self.coding(x, label) for x in kids(part, "Coding")) if c]
            self.collect_note_refs(part, g, label)
            src.variable_values += self.variable_values(part, label)
        return src

    def selections_of(self, els: list[etree._Element], owner: Source | Note, label: str) -> list[Selection]:
        """The selections of ``owner``'s text, offsets read the way their names show (CRLF check)."""
        raw = []
        for s in els:
            try:
                raw.append((s, int(s.get("startPosition", "")), int(s.get("endPosition", ""))))
            except ValueError:
                self.r.skip(
                    "PlainTextSelection", f"selection {s.get('guid')} in {label}", "its positions are not whole numbers"
                )
        reading = choose_reading(owner.text, [(a, b, s.get("name") or "") for s, a, b in raw])
        self.readings[owner.guid] = reading
        if raw and "\r\n" in owner.text:
            self.report_reading(reading, label)
        out = []
        for s, a, b in raw:
            sel = self.selection(s, a, b, reading, owner, label)
            if sel is not None:
                out.append(sel)
        return out

    def selection(
        self,
        s: etree._Element,
        a: int,
        b: int,
        reading: Reading,
        owner: Source | Note,
        label: str,
    ) -> Selection | None:
        g = self.guid(s, "PlainTextSelection", f"a selection in {label}")
        start, end = reading.convert(a), reading.convert(b)
        if start is None or end is None or start > end:
            self.forget(g)
            n = len(kids(s, "Coding"))
            self.r.skip(
                "PlainTextSelection",
                f"selection {a}–{b} ({g}) in {label}",
                f"it lies outside the text ({len(owner.text)} characters); its {n} codings are not carried either",
            )
            return None
        sel = Selection(g, start, end, s.get("name") or "", kid_text(s, "Description"))
        self.stamp(sel, s, f"selection {g}")
        sel.codings = [c for c in (self.coding(x, label) for x in kids(s, "Coding")) if c]
        self.collect_note_refs(s, g, f"selection {g}")
        self.selections[g] = sel
        return sel

    def report_reading(self, reading: Reading, label: str) -> None:
        if reading.tested == 0:
            self.r.decide(
                f"{label}: the text has Windows line breaks (CRLF) and no selection names its text, "
                "so offsets were read as code points (a CRLF counts as two positions)"
            )
        elif reading.reading == CRLF_AS_ONE:
            self.r.decide(
                f"{label}: the text has Windows line breaks (CRLF); {reading.matched} of {reading.tested} "
                f"named selections match their text when a CRLF counts as one position (against "
                f"{reading.matched_other} as two), so offsets were read that way and converted to code points"
            )
        else:  # CODE_POINTS
            self.r.decide(
                f"{label}: the text has Windows line breaks (CRLF); {reading.matched} of {reading.tested} "
                f"named selections match their text with offsets in code points (against "
                f"{reading.matched_other} with a CRLF as one position), so offsets were kept"
            )

    def other_source(self, el: etree._Element) -> None:
        name = el.get("name") or el.get("guid") or "unnamed"
        sel = sum(1 for c in el.iter() if c.tag.endswith("Selection"))
        cod = sum(1 for c in el.iter() if c.tag == "Coding")
        kind = el.tag.removesuffix("Source").lower()
        self.r.skip(
            el.tag, f"{kind} '{name}'", f"theorize carries text only ({sel} selections, {cod} codings left behind)"
        )

    def pdf_source(self, el: etree._Element) -> Source | None:
        rep = kid(el, "Representation")
        name = el.get("name") or el.get("guid") or "unnamed"
        if rep is None:
            self.other_source(el)
            return None
        for s in kids(el, "PDFSelection"):
            n = sum(1 for c in s.iter() if c.tag == "Coding")
            self.r.skip(
                "PDFSelection",
                f"an area of page {s.get('page')} of PDF '{name}'",
                f"PDF areas are not carried ({n} codings left behind)",
            )
        src = self.text_source(rep, outer=el)
        if src is not None:
            self.r.decide(
                f"PDF '{name}': its text representation was carried as a text source; the PDF file itself was not"
            )
        return src

    def note(self, el: etree._Element) -> Note:
        name = el.get("name", "")
        label = f"note '{name}'" if name else "a note"
        g = self.guid(el, "Note", label)
        if label == "a note":
            label = f"note {g}"
        path = el.get("plainTextPath") or ""
        text = self.load_text(path, label) if path else None
        if text is None:
            if path:
                self.r.skip(
                    "Note text",
                    f"'{path}' of {label}",
                    "the file is not in the archive; the note was kept without text",
                )
            text = kid_text(el, "PlainTextContent")
        desc, fields = extras.parse(kid_text(el, "Description"), NOTE_FIELDS)
        note = Note(g, name, text.removeprefix("\ufeff"), desc, memo_type=fields.get("memo type"))
        self.stamp(note, el, label)
        for about in extras.split_guids(fields.get("about", "")):
            if normalise_guid(about) is None:
                self.r.skip("NoteRef", f"what {label} is about", f"{about!r} is not a GUID")
            else:
                self.note_refs.append((normalise_guid(about), g, about, f"the description of {label}"))
        self.notes[g] = note
        self.collect_note_refs(el, g, label)
        self.pending_note_selections[g] = kids(el, "PlainTextSelection")
        for tag in ("Coding", "VariableValue"):
            for _ in kids(el, tag):
                self.r.skip(tag, f"a {tag} on {label}", "codes and variables on a whole note are not carried")
        return note

    def case(self, el: etree._Element) -> Case:
        name = el.get("name", "")
        c = Case(self.guid(el, "Case", f"case '{name}'"), name, kid_text(el, "Description"))
        c.variable_values = self.variable_values(el, f"case '{name}'")
        self.raw_cases.append((c, el))
        return c

    def link(self, el: etree._Element) -> Link:
        name = el.get("name", "")
        label = f"link '{name}'" if name else "a link"
        g = self.guid(el, "Link", label)
        direction = el.get("direction")
        if direction is not None and direction not in ("Associative", "OneWay", "Bidirectional"):
            self.r.skip("@direction", f"the direction {direction!r} of {label}", "it is not a REFI direction")
            direction = None
        link = Link(g, "", "", name, direction, self.color(el.get("color"), label))
        self.raw_links.append((link, el.get("originGUID"), el.get("targetGUID")))
        self.collect_note_refs(el, g, label)
        return link

    def set(self, el: etree._Element) -> Set:
        name = el.get("name", "")
        s = Set(self.guid(el, "Set", f"set '{name}'"), name, kid_text(el, "Description"))
        self.raw_sets.append((s, el))
        return s

    def graph(self, el: etree._Element) -> Graph:
        name = el.get("name", "")
        g = self.guid(el, "Graph", f"graph '{name}'")
        copy = requalify(el)
        copy.set("guid", g)
        v, e = len(kids(el, "Vertex")), len(kids(el, "Edge"))
        self.r.decide(f"graph '{name}' ({v} vertices, {e} edges) was kept as it came, without being interpreted")
        return Graph(g, name, etree.tostring(copy, encoding="unicode"))

    def read_project(self, root: etree._Element, name: str) -> RefiProject:
        """Read a namespace-stripped ``<Project>``; references are resolved by ``resolve.resolve``."""
        p = RefiProject(
            name=root.get("name") or name, origin=root.get("origin", ""), base_path=root.get("basePath", "")
        )
        self.stamp(p, root, "the project", user_attr="creatingUserGUID")
        p.users = self.users(kid(root, "Users"))
        book = kid(root, "CodeBook")
        codes = kid(book, "Codes") if book is not None else None
        p.codes = [self.code(c) for c in kids(codes, "Code")] if codes is not None else []
        p.variables = [self.variable(v) for v in kids_of(root, "Variables", "Variable")]
        for el in kids_of(root, "Sources", None):
            src = {"TextSource": self.text_source, "PDFSource": self.pdf_source}.get(el.tag, self.other_source)(el)
            if src is not None:
                p.sources.append(src)
        p.notes = [self.note(n) for n in kids_of(root, "Notes", "Note")]
        p.cases = [self.case(c) for c in kids_of(root, "Cases", "Case")]
        p.links = [self.link(x) for x in kids_of(root, "Links", "Link")]
        p.sets = [self.set(s) for s in kids_of(root, "Sets", "Set")]
        p.graphs = [self.graph(g) for g in kids_of(root, "Graphs", "Graph")]
        p.description = kid_text(root, "Description")
        self.collect_note_refs(root, None, "the project")
        return p

    def read_codebook(self, root: etree._Element, name: str) -> RefiProject:
        """Read a namespace-stripped ``<CodeBook>`` (a .qdc) into a project holding codes and sets."""
        p = RefiProject(name=name, origin=root.get("origin", ""))
        codes = kid(root, "Codes")
        p.codes = [self.code(c) for c in kids(codes, "Code")] if codes is not None else []
        p.sets = [self.set(s) for s in kids_of(root, "Sets", "Set")]
        return p


def kid_text(el: etree._Element, tag: str) -> str:
    """The text of ``el``'s first ``tag`` child ("" when absent or empty)."""
    k = kid(el, tag)
    return (k.text or "") if k is not None else ""


def kids_of(root: etree._Element, container: str, tag: str | None) -> list[etree._Element]:
    """The ``tag`` children of ``root``'s ``container`` child (every child when ``tag`` is None)."""
    box = kid(root, container)
    if box is None:
        return []
    return list(box) if tag is None else kids(box, tag)
