"""The second half of import: resolving references once every element has been read.

Note references become ``Note.targets``; QualCoder-style annotations (a note holding a selection of
the source that refers to it) become selections of that source; case, set and link references are
checked; users named but not listed get a placeholder. Whatever does not resolve is reported.
"""

from __future__ import annotations

from lxml import etree

from .model import Code, Coding, Link, Note, RefiProject, Selection, Source, User, normalise_guid
from .offsets import choose_reading
from .read_elements import ElementReader, kid, kids
from .report import ExchangeReport


def resolve(reader: ElementReader, project: RefiProject) -> None:
    """Resolve every reference ``reader`` collected into ``project``, then count what was carried."""
    _note_refs(reader)
    _note_selections(reader, project)
    _cases(reader)
    _sets(reader)
    project.links = _links(reader)
    _users(reader, project)
    count(project, reader.r)


def _note_refs(reader: ElementReader) -> None:
    for owner, note_guid, raw, label in reader.note_refs:
        note = reader.notes.get(note_guid or "")
        if note is None:
            reader.r.skip(
                "NoteRef", f"a note reference on {label}", f"it points at {raw!r}, which is no note in the file"
            )
        elif owner is None:
            note.about_project = True
        else:
            owner = reader.aliases.get(owner, owner)
            if owner not in reader.kinds:
                reader.r.skip("NoteRef", f"what {label} is about", f"{raw!r} is not in the file")
            elif owner not in note.targets:
                note.targets.append(owner)


def _positions(reader: ElementReader, els: list[etree._Element], label: str) -> list[tuple[etree._Element, int, int]]:
    out = []
    for e in els:
        try:
            out.append((e, int(e.get("startPosition", "")), int(e.get("endPosition", ""))))
        except ValueError:
            reader.r.skip(
                "PlainTextSelection", f"selection {e.get('guid')} in {label}", "its positions are not whole numbers"
            )
    return out


def _note_selections(reader: ElementReader, project: RefiProject) -> None:
    for note in project.notes:
        els = reader.pending_note_selections.get(note.guid) or []
        if not els:
            continue
        label = f"note '{note.name}'" if note.name else f"note {note.guid}"
        uncoded = all(kid(e, "Coding") is None for e in els)
        target = note.targets[0] if len(note.targets) == 1 else None
        if target in reader.sources and uncoded:
            _annotation(reader, note, reader.sources[target], els, label)
            continue
        note.selections = reader.selections_of(els, note, label)
        if not note.targets and not note.about_project and uncoded:
            reader.r.decide(
                f"{label} is linked to nothing; its {len(els)} selection(s) were kept as spans of the note's own "
                "text (QualCoder links only a source's first annotation, so this may be a later annotation "
                "whose link it did not write)"
            )


def _annotation(reader: ElementReader, note: Note, src: Source, els: list[etree._Element], label: str) -> None:
    """A note that a source refers to and that holds uncoded selections: QualCoder's annotation form."""
    reading = reader.readings.get(src.guid) or choose_reading(src.text, [])
    spans = []
    for e, a, b in _positions(reader, els, label):
        sel = reader.selection(e, a, b, reading, src, f"source '{src.name}' (annotated by {label})")
        if sel is None:
            continue
        sel.creating_user = sel.creating_user or note.creating_user
        sel.created = sel.created or note.created
        src.selections.append(sel)
        spans.append(sel)
    if spans:
        note.targets = [s.guid for s in spans]
        where = ", ".join(f"{s.start}–{s.end}" for s in spans)
        reader.r.decide(
            f"{label}: its selection ({where}) was read as a span of source '{src.name}', the way QualCoder "
            "writes annotations; the note now annotates that span"
        )


def _resolve_refs(reader: ElementReader, el: etree._Element, tag: str, pool: dict, what: str, label: str) -> list[str]:
    out: list[str] = []
    for ref in kids(el, tag):
        raw = ref.get("targetGUID") or ref.get("guid") or ""
        g = normalise_guid(raw) or ""
        g = reader.aliases.get(g, g)
        if g not in pool:
            reader.r.skip(tag, f"a {what} of {label}", f"it refers to {raw!r}, which is no {what} in the file")
        elif g not in out:
            out.append(g)
    return out


def _cases(reader: ElementReader) -> None:
    for case, el in reader.raw_cases:
        label = f"case '{case.name}'"
        case.code_guids = _resolve_refs(reader, el, "CodeRef", reader.codes, "code", label)
        case.source_guids = _resolve_refs(reader, el, "SourceRef", reader.sources, "source", label)
        case.selection_guids = _resolve_refs(reader, el, "SelectionRef", reader.selections, "selection", label)


def _sets(reader: ElementReader) -> None:
    for s, el in reader.raw_sets:
        label = f"set '{s.name}'"
        s.code_guids = _resolve_refs(reader, el, "MemberCode", reader.codes, "code", label)
        s.source_guids = _resolve_refs(reader, el, "MemberSource", reader.sources, "source", label)
        s.note_guids = _resolve_refs(reader, el, "MemberNote", reader.notes, "note", label)


def _links(reader: ElementReader) -> list[Link]:
    kept = []
    for link, origin, target in reader.raw_links:
        ends = []
        for raw in (origin, target):
            g = normalise_guid(raw) or ""
            ends.append(reader.aliases.get(g, g))
        missing = [raw or "nothing" for raw, g in zip((origin, target), ends) if g not in reader.kinds]
        if missing:
            reader.forget(link.guid)
            reader.r.skip(
                "Link",
                f"link '{link.name}' ({link.guid})",
                f"it points at {', '.join(map(repr, missing))}, not in the file",
            )
            continue
        link.origin_guid, link.target_guid = ends
        kept.append(link)
    return kept


def _describe(obj: object) -> str:
    if isinstance(obj, RefiProject):
        return "the project"
    if isinstance(obj, (Source, Note)):
        return f"{type(obj).__name__.lower()} '{obj.name or obj.guid}'"
    if isinstance(obj, (Selection, Coding)):
        return f"{type(obj).__name__.lower()} {obj.guid}"
    return type(obj).__name__.lower()


def _users(reader: ElementReader, project: RefiProject) -> None:
    known = {u.guid for u in project.users}
    missing: dict[str, list[str]] = {}
    for obj, attr in project.user_references():
        g = getattr(obj, attr)
        if g and g not in known:
            missing.setdefault(g, []).append(_describe(obj))
    for g, where in missing.items():
        name = reader.user_names.get(g) or f"unknown user {g[:8]}"
        project.users.append(User(g, name))
        reader.r.decide(
            f"{len(where)} reference(s) (first: {where[0]}) name user {reader.user_names.get(g, g)!r}, who is not "
            f"among the project's users; they now point at the placeholder user '{name}'"
        )


def count(project: RefiProject, report: ExchangeReport) -> None:
    """Add the carried counts of ``project`` to ``report``."""
    codes: list[Code] = [c for c, _, _ in project.walk_codes()]
    codable = {c.guid for c in codes if c.is_codable}
    codings = [c for _, _, c in project.all_codings()]
    on_folders = sum(1 for c in codings if c.code_guid not in codable)
    if on_folders:
        report.decide(f"{on_folders} codings apply codes marked not codable (folders); they were kept")
    values = sum(len(x.variable_values) for x in project.sources) + sum(len(x.variable_values) for x in project.cases)
    for element, n in [
        ("User", len(project.users)),
        ("Code", len(codes)),
        ("Variable", len(project.variables)),
        ("Case", len(project.cases)),
        ("Source", len(project.sources)),
        ("PlainTextSelection", sum(1 for _ in project.all_selections())),
        ("Coding", len(codings)),
        ("VariableValue", values),
        ("Note", len(project.notes)),
        ("NoteRef", sum(len(n.targets) + n.about_project for n in project.notes)),
        ("Link", len(project.links)),
        ("Set", len(project.sets)),
        ("Graph", len(project.graphs)),
    ]:
        if n:
            report.carry(element, n)
