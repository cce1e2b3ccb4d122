"""The canonical model out as REFI-QDA XML elements: the part of export that does not touch files.

:class:`ElementWriter` builds the ``<Project>`` (or ``<CodeBook>``) tree with lxml, in the order of the
schema's sequences, never writing an empty container, a dangling reference or a character XML 1.0
forbids. Whatever it leaves out goes into the report with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from lxml import etree

from theorize.errors import InvalidInput

from . import extras
from .model import (
    LINK_DIRECTIONS,
    VARIABLE_TYPES,
    Case,
    Code,
    Coding,
    Link,
    Note,
    RefiProject,
    Selection,
    Set,
    Source,
    VariableValue,
    normalise_guid,
)
from .read_elements import requalify
from .report import ExchangeReport

NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_COLOR = re.compile(r"^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
_VALID = {
    "Integer": re.compile(r"^[+-]?\d+$"),
    "Float": re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$"),
    "Date": re.compile(r"^-?\d{4,}-\d\d-\d\d(Z|[+-]\d\d:\d\d)?$"),
    "DateTime": re.compile(r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$"),
    "Boolean": re.compile(r"^(true|false|1|0)$"),
}
#: How much of a selection's text an unnamed selection is labelled with.
NAME_LENGTH = 100
# Where a memo's NoteRef goes; a memo about anything else names it in the memo's Description. Not on a
# source: QualCoder reads a source's NoteRef as a text annotation, and drops a memo that has no span.
_NOTE_PLACES = ("Code", "PlainTextSelection", "Coding", "Note", "Link")


#: What a yes/no value may be written as, and the REFI Boolean it means.
BOOLEAN_WORDS = {
    **dict.fromkeys(("true", "1", "yes", "y"), "true"),
    **dict.fromkeys(("false", "0", "no", "n"), "false"),
}


@lru_cache(maxsize=4096)
def format_date(value: datetime) -> str:
    """An xsd:dateTime that always carries its zone; UTC as ``Z``.

    A date without a zone is UTC: theorize stores UTC, and SQLite hands it back without the zone.

    Examples:
        >>> format_date(datetime(2026, 2, 3, 12, 0))
        '2026-02-03T12:00:00Z'
    """
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=UTC)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def refi_boolean(value: str) -> str | None:
    """A yes/no value as an xsd:boolean ("true" or "false"), or None when it says neither.

    Examples:
        >>> refi_boolean("Yes"), refi_boolean(" no "), refi_boolean("maybe")
        ('true', 'false', None)
    """
    return BOOLEAN_WORDS.get(value.strip().lower())


class ElementWriter:
    """Builds the XML of ``project`` and the text files it refers to, reporting into ``report``."""

    def __init__(self, project: RefiProject, report: ExchangeReport, ns: str = NS_PROJECT) -> None:
        self.p, self.r, self.ns = project, report, ns
        self.files: dict[str, str | Callable[[bytes], str]] = {}  # archive path -> text (or text from the XML)
        self.kinds: dict[str, str] = {}
        self.notes_on: dict[str, list[str]] = {}
        self.about: dict[str, list[str]] = {}  # note -> targets described in its Description
        self.users: set[str] = set()
        self.stripped = 0
        self.extras_written = 0
        self._guids: dict[str, str | None] = {}

    def g(self, raw: str | None) -> str | None:
        """``normalise_guid(raw)``, remembered (exports look up the same GUIDs many times)."""
        if raw is None:
            return None
        try:
            return self._guids[raw]
        except KeyError:
            self._guids[raw] = norm = normalise_guid(raw)
            return norm

    # -- helpers ------------------------------------------------------------------------------

    def t(self, value: str) -> str:
        """``value`` without the characters XML 1.0 forbids (counted for the report)."""
        clean, n = _FORBIDDEN.subn("", value)
        self.stripped += n
        return clean

    def sub(self, parent: etree._Element, tag: str, **attrs: str | None) -> etree._Element:
        return etree.SubElement(parent, f"{{{self.ns}}}{tag}", {k: v for k, v in attrs.items() if v is not None})

    def text_child(self, parent: etree._Element, tag: str, text: str) -> None:
        if text:
            self.sub(parent, tag).text = self.t(text)

    def container(self, parent: etree._Element, tag: str, items: list, build) -> None:
        """``<tag>`` holding one child per item, left out entirely when it would be empty."""
        if not items:
            return
        box = self.sub(parent, tag)
        for item in items:
            build(box, item)
        if len(box) == 0:
            parent.remove(box)

    def user_attr(self, guid: str | None, what: str) -> str | None:
        if guid is None:
            return None
        g = self.g(guid)
        if g in self.users:
            return g
        self.r.skip("@creatingUser", f"the user of {what}", f"user {guid!r} is not among the project's users")
        return None

    def stamp(self, el: etree._Element, obj: object, what: str, project: bool = False) -> None:
        """Set the creating/modifying user and date attributes of ``el`` from ``obj``."""
        suffix = "GUID" if project else ""
        user = self.user_attr(obj.creating_user, what)  # type: ignore[attr-defined]
        if user:
            el.set(f"creatingUser{suffix}", user)
        if obj.created is not None:  # type: ignore[attr-defined]
            el.set("creationDateTime", format_date(obj.created))  # type: ignore[attr-defined]
        if isinstance(obj, Coding):
            return
        user = self.user_attr(obj.modifying_user, what)  # type: ignore[attr-defined]
        if user:
            el.set(f"modifyingUser{suffix}", user)
        if obj.modified is not None:  # type: ignore[attr-defined]
            el.set("modifiedDateTime", format_date(obj.modified))  # type: ignore[attr-defined]

    def note_refs(self, el: etree._Element, guid: str) -> None:
        if not self.notes_on:
            return
        for note in self.notes_on.get(self.g(guid) or "", ()):
            self.sub(el, "NoteRef", targetGUID=note)

    def ref(self, guid: str, kinds: tuple[str, ...]) -> str | None:
        g = self.g(guid)
        return g if g is not None and self.kinds.get(g) in kinds else None

    # -- the index: GUIDs unique and valid; where each memo goes -------------------------------

    def index(self) -> None:
        """Check every GUID (valid, unique) and decide where each memo's references go."""
        p = self.p
        groups: list[tuple[str, list]] = [
            ("User", p.users),
            ("Code", [c for c, _, _ in p.walk_codes()]),
            ("Variable", p.variables),
            ("Case", p.cases),
            ("Source", p.sources),
            ("Note", p.notes),
            ("PlainTextSelection", [s for _, s in p.all_selections()]),
            ("Coding", [c for _, _, c in p.all_codings()]),
            ("Link", p.links),
            ("Set", p.sets),
            ("Graph", p.graphs),
        ]
        for kind, items in groups:
            for obj in items:
                g: str | None = self.g(obj.guid)
                label = f"{kind} '{getattr(obj, 'name', '') or obj.guid}'"
                if g is None:
                    raise InvalidInput(
                        f"Cannot write {self.r.file}: {label} has {obj.guid!r} as its GUID, which is "
                        "not a GUID; give it one made with guid_for()."
                    )
                if g in self.kinds:
                    raise InvalidInput(
                        f"Cannot write {self.r.file}: the GUID {g} belongs to both a {self.kinds[g]} "
                        f"and {label}; every element needs its own."
                    )
                self.kinds[g] = kind
        self.users = {normalise_guid(u.guid) for u in p.users}  # type: ignore[misc]
        about_source = 0
        for note in p.notes:
            ng = normalise_guid(note.guid) or ""
            for target in note.targets:
                g = normalise_guid(target) or ""  # "" is no element's GUID: its kind is None
                target_kind = self.kinds.get(g)
                if self.ns == NS_CODEBOOK:  # notes are not written; memos on codes are reported by code()
                    if target_kind == "Code":
                        self.notes_on.setdefault(g, []).append(ng)
                elif target_kind is None:
                    self.r.skip(
                        "NoteRef", f"what note '{note.name or ng}' is about", f"{target!r} is not in the project"
                    )
                elif target_kind in _NOTE_PLACES:
                    self.notes_on.setdefault(g, []).append(ng)
                else:
                    self.about.setdefault(ng, []).append(g)
                    about_source += target_kind == "Source"
                    if target_kind != "Source":
                        self.r.decide(
                            f"note '{note.name or ng}' is about a {target_kind.lower()}, where REFI has no NoteRef; "
                            "this was written into the note's Description"
                        )
        if about_source:
            self.r.decide(
                f"{about_source} links from memos to sources are written in the memo's Description "
                "('[theorize] about: …'), not as the source's NoteRef, which QualCoder reads as a text "
                "annotation and drops"
            )
        self.warn_repeated_names()

    def warn_repeated_names(self) -> None:
        """Warn when codes share a name: QualCoder (and people) merge same-named codes on import."""
        paths: dict[str, list[str]] = {}
        where: dict[str, str] = {}
        for code, parent, _ in self.p.walk_codes():
            path = f"{where[parent]}/{code.name}" if parent in where else code.name
            where[code.guid] = path
            paths.setdefault(code.name, []).append(path)
        for name, places in paths.items():
            if len(places) > 1:
                self.r.warn(
                    f"{len(places)} codes are named '{name}' ({'; '.join(places)}): QualCoder merges codes "
                    "of one name into one on import; rename them to keep them apart there"
                )

    # -- the project --------------------------------------------------------------------------

    def project(self, origin: str) -> etree._Element:
        p = self.p
        self.index()
        root = etree.Element(f"{{{self.ns}}}Project", nsmap={None: self.ns})
        root.set("name", self.t(p.name) or "project")
        root.set("origin", origin)
        self.stamp(root, p, "the project", project=True)
        if p.base_path:
            root.set("basePath", self.t(p.base_path))
        self.container(
            root,
            "Users",
            p.users,
            lambda box, u: self.sub(
                box, "User", guid=self.g(u.guid), name=self.t(u.name) or None, id=self.t(u.id) or None
            ),
        )
        if p.codes:
            self.container(self.sub(root, "CodeBook"), "Codes", p.codes, self.code)
        self.container(root, "Variables", p.variables, self.variable)
        self.container(root, "Cases", p.cases, self.case)
        self.container(root, "Sources", p.sources, self.source)
        self.container(root, "Notes", p.notes, self.note)
        self.container(root, "Links", p.links, self.link)
        self.container(root, "Sets", p.sets, self.set)
        self.container(root, "Graphs", p.graphs, self.graph)
        self.text_child(root, "Description", p.description)
        for note in p.notes:
            if note.about_project:
                self.sub(root, "NoteRef", targetGUID=normalise_guid(note.guid))
        for name, text in p.attachments.items():
            if name == "project.qde" or name.lower().startswith("sources/") or "/" in name or "\\" in name:
                raise InvalidInput(
                    f"Cannot write {self.r.file}: {name!r} cannot be carried beside the project; "
                    "an attachment is a plain file name at the archive's root."
                )
            self.files[name] = text
        self.finish()
        return root

    def codebook(self, origin: str) -> etree._Element:
        p = self.p
        self.index()
        root = etree.Element(f"{{{self.ns}}}CodeBook", nsmap={None: self.ns})
        root.set("origin", origin)
        self.container(root, "Codes", p.codes, self.code)
        self.container(root, "Sets", p.sets, self.set)
        for kind, items in (("Source", p.sources), ("Note", p.notes), ("Case", p.cases), ("Link", p.links)):
            if items:
                self.r.skip(kind, f"{len(items)} {kind.lower()}s", "a codebook holds codes and code sets only")
        self.finish()
        return root

    def finish(self) -> None:
        if self.stripped:
            self.r.decide(
                f"{self.stripped} characters that XML 1.0 forbids (control characters) were left out of names and texts"
            )
        if self.extras_written:
            self.r.decide(
                f"{self.extras_written} codes or memos carry theorize's stage, lineage, in-vivo flag or memo "
                "type as '[theorize] …' lines at the end of their Description (REFI has no place for them)"
            )

    def code(self, parent: etree._Element, c: Code) -> None:
        g = self.g(c.guid)
        color = c.color if c.color and _COLOR.match(c.color) else None
        if c.color and not color:
            self.r.skip("@color", f"the colour {c.color!r} of code '{c.name}'", "it is not a #RRGGBB colour")
        el = self.sub(
            parent, "Code", guid=g, name=self.t(c.name), isCodable="true" if c.is_codable else "false", color=color
        )
        fields = {
            "stage": c.stage or "",
            "merged from": ", ".join(c.merged_from),
            "in vivo": "yes" if c.in_vivo else "",
        }
        desc = extras.compose(c.description, fields)
        self.extras_written += desc != c.description
        self.text_child(el, "Description", desc)
        if self.ns == NS_PROJECT:
            self.note_refs(el, c.guid)
        elif self.notes_on.get(g or ""):
            self.r.skip("NoteRef", f"memos on code '{c.name}'", "a codebook has no place for memos")
        for child in c.children:
            self.code(el, child)

    def variable(self, parent: etree._Element, v) -> None:
        kind = v.type
        if kind not in VARIABLE_TYPES:
            kind = next((k for k in VARIABLE_TYPES if k.lower() == str(v.type).lower()), "Text")
            self.r.decide(f"variable '{v.name}' has the type {v.type!r}, not a REFI type; it was written as {kind}")
        el = self.sub(parent, "Variable", guid=self.g(v.guid), name=self.t(v.name), typeOfVariable=kind)
        self.text_child(el, "Description", v.description)

    def variable_value(self, parent: etree._Element, vv: VariableValue, what: str) -> None:
        g = self.ref(vv.variable_guid, ("Variable",))
        value, kind = vv.value, vv.kind
        if g is None:
            self.r.skip("VariableValue", f"a value of {what}", f"variable {vv.variable_guid!r} is not in the project")
            return
        if kind not in VARIABLE_TYPES:
            self.r.skip("VariableValue", f"the value {value!r} of {what}", f"{kind!r} is not a REFI value type")
            return
        if kind == "Boolean":
            value = refi_boolean(value) or value
        if kind == "Float" and not _VALID["Float"].match(value):
            try:
                number = Decimal(value.strip())
                value = format(number, "f") if number.is_finite() else value
            except InvalidOperation:
                pass
        if kind in _VALID and not _VALID[kind].match(value):
            self.r.skip("VariableValue", f"the value {vv.value!r} of {what}", f"it is not a valid {kind} value")
            return
        el = self.sub(parent, "VariableValue")
        self.sub(el, "VariableRef", targetGUID=g)
        self.sub(el, f"{kind}Value").text = self.t(value)

    def case(self, parent: etree._Element, c: Case) -> None:
        what = f"case '{c.name}'"
        el = self.sub(parent, "Case", guid=self.g(c.guid), name=self.t(c.name) or None)
        self.text_child(el, "Description", c.description)
        self.refs(el, "CodeRef", c.code_guids, ("Code",), what)
        for vv in c.variable_values:
            self.variable_value(el, vv, what)
        self.refs(el, "SourceRef", c.source_guids, ("Source",), what)
        self.refs(el, "SelectionRef", c.selection_guids, ("PlainTextSelection",), what)

    def refs(
        self,
        el: etree._Element,
        tag: str,
        guids: list[str],
        kinds: tuple[str, ...],
        what: str,
        attr: str = "targetGUID",
    ) -> None:
        for guid in guids:
            g = self.ref(guid, kinds)
            if g is None:
                self.r.skip(
                    tag, f"a {kinds[0].lower()} of {what}", f"{guid!r} is not a {kinds[0].lower()} in the project"
                )
            else:
                self.sub(el, tag, **{attr: g})

    def source(self, parent: etree._Element, s: Source) -> None:
        g = self.g(s.guid)
        what = f"source '{s.name}'"
        el = self.sub(parent, "TextSource", guid=g, name=self.t(s.name) or None, plainTextPath=f"internal://{g}.txt")
        self.stamp(el, s, what)
        self.files[f"sources/{g}.txt"] = s.text
        self.text_child(el, "Description", s.description)
        for sel in s.selections:
            self.selection(el, sel, s.text, what)
        for c in s.codings:
            self.coding(el, c, what)
        self.note_refs(el, s.guid)
        for vv in s.variable_values:
            self.variable_value(el, vv, what)

    def selection(self, parent: etree._Element, sel: Selection, text: str, what: str) -> None:
        if not (0 <= sel.start <= sel.end <= len(text)):
            self.r.skip(
                "PlainTextSelection",
                f"selection {sel.start}–{sel.end} ({sel.guid}) in {what}",
                f"it lies outside the text ({len(text)} characters); its {len(sel.codings)} codings are not written either",
            )
            return
        name = sel.name or text[sel.start : min(sel.end, sel.start + NAME_LENGTH)]  # a label, as other tools write
        el = self.sub(
            parent,
            "PlainTextSelection",
            guid=self.g(sel.guid),
            name=self.t(name) or None,
            startPosition=str(sel.start),
            endPosition=str(sel.end),
        )
        self.stamp(el, sel, f"selection {sel.guid}")
        self.text_child(el, "Description", sel.description)
        for c in sel.codings:
            self.coding(el, c, what)
        self.note_refs(el, sel.guid)

    def coding(self, parent: etree._Element, c: Coding, what: str) -> None:
        code = self.ref(c.code_guid, ("Code",))
        if code is None:
            self.r.skip("Coding", f"coding {c.guid} in {what}", f"code {c.code_guid!r} is not in the project")
            return
        el = self.sub(parent, "Coding", guid=self.g(c.guid))
        self.stamp(el, c, f"coding {c.guid}")
        self.sub(el, "CodeRef", targetGUID=code)
        self.note_refs(el, c.guid)

    def note(self, parent: etree._Element, n: Note) -> None:
        g = self.g(n.guid)
        what = f"note '{n.name or g}'"
        # The text both as a file (what QualCoder, NVivo and MAXQDA read; it keeps every character, so
        # offsets hold) and inline (what the rest read).
        el = self.sub(parent, "Note", guid=g, name=self.t(n.name) or None, plainTextPath=f"internal://{g}.txt")
        self.files[f"sources/{g}.txt"] = n.text
        self.stamp(el, n, what)
        fields = {"memo type": n.memo_type or "", "about": ", ".join(self.about.get(g or "", []))}
        desc = extras.compose(n.description, fields)
        self.extras_written += desc != n.description
        self.text_child(el, "Description", desc)
        self.sub(el, "PlainTextContent").text = self.t(n.text)
        for sel in n.selections:
            self.selection(el, sel, n.text, what)
        self.note_refs(el, n.guid)

    def link(self, parent: etree._Element, link: Link) -> None:
        ends = [normalise_guid(x) for x in (link.origin_guid, link.target_guid)]
        if any(e not in self.kinds for e in ends):
            self.r.skip("Link", f"link '{link.name}' ({link.guid})", "one of its ends is not in the project")
            return
        direction = link.direction if link.direction in LINK_DIRECTIONS else None
        if link.direction and not direction:
            self.r.skip(
                "@direction", f"the direction {link.direction!r} of link '{link.name}'", "it is not a REFI direction"
            )
        color = link.color if link.color and _COLOR.match(link.color) else None
        el = self.sub(
            parent,
            "Link",
            guid=self.g(link.guid),
            name=self.t(link.name) or None,
            direction=direction,
            color=color,
            originGUID=ends[0],
            targetGUID=ends[1],
        )
        self.note_refs(el, link.guid)

    def set(self, parent: etree._Element, s: Set) -> None:
        what = f"set '{s.name}'"
        el = self.sub(parent, "Set", guid=self.g(s.guid), name=self.t(s.name))
        self.text_child(el, "Description", s.description)
        if self.ns == NS_CODEBOOK:
            self.refs(el, "MemberCode", s.code_guids, ("Code",), what, attr="guid")
            if s.source_guids or s.note_guids:
                self.r.skip("Set", f"the sources and notes of {what}", "a codebook's sets hold codes only")
            return
        self.refs(el, "MemberCode", s.code_guids, ("Code",), what)
        self.refs(el, "MemberSource", s.source_guids, ("Source",), what)
        self.refs(el, "MemberNote", s.note_guids, ("Note",), what)

    def graph(self, parent: etree._Element, graph) -> None:
        parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
        try:
            raw = etree.fromstring(graph.xml.encode("utf-8"), parser)
        except etree.XMLSyntaxError as e:
            self.r.skip("Graph", f"graph '{graph.name}'", f"its kept XML is not well-formed ({e.msg})")
            return
        for el in raw.iter():
            el.tag = etree.QName(el).localname
        copy = requalify(raw, self.ns)
        copy.set("guid", normalise_guid(graph.guid) or graph.guid)
        parent.append(copy)
