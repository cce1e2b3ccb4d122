"""A REFI-QDA project as plain dataclasses, independent of any database.

This is the canonical form both directions go through: ``read.py`` turns a ``.qdpx``/``.qdc`` into a
:class:`RefiProject`, ``write.py`` turns a :class:`RefiProject` into a file, and a mapping layer (not
here) translates between it and a theorize project.

Conventions:

- Every element is keyed by its GUID: lower case, no braces (:func:`normalise_guid`). Names are
  labels only; two codes may share one.
- Offsets are 0-based, end-exclusive Unicode code points of ``Source.text`` (Python string indices).
- Dates are :class:`datetime.datetime` or ``None`` when the file gave none.
- Memos are :class:`Note`\\ s; ``Note.targets`` lists the GUIDs of what each one is about.
- theorize's own extras ride along: ``Code.stage``, ``Code.merged_from``, ``Code.in_vivo`` and
  ``Note.memo_type``. REFI has no place for them, so the writer puts them in Description text and
  the reader takes them back out (see ``extras.py``). Relations between codes are :class:`Link`\\ s.

Examples:
    >>> p = RefiProject(name="study")
    >>> p.codes.append(Code(guid=guid_for("code", 1), name="trust"))
    >>> [c.name for c, parent, depth in p.walk_codes()]
    ['trust']
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

#: The namespace of GUIDs made from theorize ids (uuid5); fixed forever so exports stay stable.
GUID_NAMESPACE = uuid.UUID("6f1c2b8e-3a57-5d1e-9c2a-7b0e4d5f8a21")

_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")

#: The six ``typeOfVariable`` values of the REFI schema.
VARIABLE_TYPES = ("Text", "Boolean", "Integer", "Float", "Date", "DateTime")
#: The three ``direction`` values of a REFI link.
LINK_DIRECTIONS = ("Associative", "OneWay", "Bidirectional")


def normalise_guid(value: str | None) -> str | None:
    """The GUID in canonical form (lower case, no braces), or None if ``value`` is not a GUID.

    Examples:
        >>> normalise_guid("{1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294}")
        '1ff58b12-6f6f-4b0c-8be5-bbdc91f55294'
        >>> normalise_guid("line:6") is None
        True
    """
    if value is None:
        return None
    m = _GUID.match(value.strip())
    return m.group(1).lower() if m else None


def guid_for(kind: str, id: object) -> str:
    """A deterministic GUID for the theorize object ``kind`` with id ``id`` (the same on every export).

    Examples:
        >>> guid_for("code", 7) == guid_for("code", 7) != guid_for("memo", 7)
        True
    """
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{id}"))


@dataclass
class User:
    """A coder. ``id`` is the short id some tools write (initials); ``name`` the display name."""

    guid: str
    name: str = ""
    id: str = ""


@dataclass
class Code:
    """A code or, when ``is_codable`` is False, a folder of codes. Parents may be codable too."""

    guid: str
    name: str
    is_codable: bool = True
    color: str | None = None  # "#RRGGBB" or "#RGB"
    description: str = ""  # the definition other tools show; without theorize's extras
    children: list[Code] = field(default_factory=list)
    stage: str | None = None  # theorize: initial, focused, category, theoretical
    merged_from: list[str] = field(default_factory=list)  # theorize: GUIDs of codes merged into this
    in_vivo: bool = False  # theorize: the name is the participant's own words


@dataclass
class Coding:
    """One code applied to a selection (or, in ``Source.codings``, to a whole source)."""

    guid: str
    code_guid: str
    creating_user: str | None = None
    created: datetime | None = None


@dataclass
class Selection:
    """A span ``[start, end)`` of a source's text, in code points, and the codes applied to it."""

    guid: str
    start: int
    end: int
    name: str = ""  # often the selected text itself
    description: str = ""
    creating_user: str | None = None
    created: datetime | None = None
    modifying_user: str | None = None
    modified: datetime | None = None
    codings: list[Coding] = field(default_factory=list)


@dataclass
class VariableValue:
    """A value of a variable (attribute) for a case or a source, kept as the text the file held.

    ``kind`` says which REFI element held it: "Text", "Boolean", "Integer", "Float", "Date" or
    "DateTime".
    """

    variable_guid: str
    value: str
    kind: str = "Text"


@dataclass
class Source:
    """A text source (or the text representation of a PDF), with its selections and codings."""

    guid: str
    name: str
    text: str
    path: str = ""  # where the text came from in the file read (informative only)
    description: str = ""
    creating_user: str | None = None
    created: datetime | None = None
    modifying_user: str | None = None
    modified: datetime | None = None
    selections: list[Selection] = field(default_factory=list)
    codings: list[Coding] = field(default_factory=list)  # codes applied to the whole source
    variable_values: list[VariableValue] = field(default_factory=list)


@dataclass
class Note:
    """A memo. ``targets`` are the GUIDs it annotates (codes, sources, selections, codings, links,
    notes, cases...); ``about_project`` marks a memo on the project as a whole."""

    guid: str
    name: str = ""
    text: str = ""
    description: str = ""  # without theorize's extras
    creating_user: str | None = None
    created: datetime | None = None
    modifying_user: str | None = None
    modified: datetime | None = None
    targets: list[str] = field(default_factory=list)
    about_project: bool = False
    selections: list[Selection] = field(default_factory=list)  # spans of the note's own text
    memo_type: str | None = None  # theorize: code, theoretical, reflexive, sampling


@dataclass
class Variable:
    """A variable (attribute). ``type`` is the file's ``typeOfVariable``, kept exactly."""

    guid: str
    name: str
    type: str = "Text"
    description: str = ""


@dataclass
class Case:
    """A case (often a participant) and what belongs to it."""

    guid: str
    name: str = ""
    description: str = ""
    variable_values: list[VariableValue] = field(default_factory=list)
    source_guids: list[str] = field(default_factory=list)
    selection_guids: list[str] = field(default_factory=list)
    code_guids: list[str] = field(default_factory=list)


@dataclass
class Set:
    """A named group of codes, sources and notes (ATLAS.ti's code groups, MAXQDA's sets)."""

    guid: str
    name: str
    description: str = ""
    code_guids: list[str] = field(default_factory=list)
    source_guids: list[str] = field(default_factory=list)
    note_guids: list[str] = field(default_factory=list)


@dataclass
class Link:
    """A relation from ``origin_guid`` to ``target_guid`` (theorize's relations between codes)."""

    guid: str
    origin_guid: str
    target_guid: str
    name: str = ""  # the relation type, e.g. "leads to"
    direction: str | None = None  # "Associative", "OneWay" or "Bidirectional"
    color: str | None = None


@dataclass
class Graph:
    """A drawn graph, kept as the REFI ``<Graph>`` XML it came in (namespace 1.0) and not interpreted."""

    guid: str
    name: str = ""
    xml: str = ""


@dataclass
class RefiProject:
    """A whole REFI-QDA project (or, with only codes and sets, a codebook)."""

    name: str
    origin: str = ""
    description: str = ""
    creating_user: str | None = None
    created: datetime | None = None
    modifying_user: str | None = None
    modified: datetime | None = None
    base_path: str = ""
    users: list[User] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)  # the top level of the code tree
    variables: list[Variable] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    sets: list[Set] = field(default_factory=list)
    graphs: list[Graph] = field(default_factory=list)
    # Files carried beside the REFI elements that other tools ignore (archive name -> text, or a function
    # of the written project.qde's bytes giving the text), such as theorize's own "theorize.json".
    attachments: dict[str, str | Callable[[bytes], str]] = field(default_factory=dict)
    qde_sha256: str = ""  # of the project.qde read (set by read_qdpx)

    def walk_codes(self) -> Iterator[tuple[Code, str | None, int]]:
        """Every code, depth first, with its parent's GUID (None at the top) and depth (1 at the top)."""
        stack: list[tuple[Code, str | None, int]] = [(c, None, 1) for c in reversed(self.codes)]
        while stack:
            code, parent, depth = stack.pop()
            yield code, parent, depth
            stack.extend((c, code.guid, depth + 1) for c in reversed(code.children))

    def all_selections(self) -> Iterator[tuple[Source | Note, Selection]]:
        """Every selection with the source (or note) whose text it spans."""
        owners: list[Source | Note] = [*self.sources, *self.notes]
        for owner in owners:
            for s in owner.selections:
                yield owner, s

    def all_codings(self) -> Iterator[tuple[Source | Note, Selection | None, Coding]]:
        """Every coding with its source (or note) and selection (None for a whole-source coding)."""
        for src in self.sources:
            for c in src.codings:
                yield src, None, c
        for owner, sel in self.all_selections():
            for c in sel.codings:
                yield owner, sel, c

    def user_references(self) -> Iterator[tuple[object, str]]:
        """Every (object, attribute name) that holds a user GUID."""
        attrs = ("creating_user", "modifying_user")
        yield from ((self, a) for a in attrs)
        for owner in [*self.sources, *self.notes]:
            yield from ((owner, a) for a in attrs)
        for _owner, sel in self.all_selections():
            yield from ((sel, a) for a in attrs)
        for _, _, coding in self.all_codings():
            yield coding, "creating_user"
