"""A comparable form of a project: what a round trip must keep, without order or incidental detail.

Two projects with equal ``canonical(...)`` hold the same code tree (by GUID, name and parent), the same
texts (by SHA-256), the same selections and codings (source, code, start, end, coder), memos, cases,
variables and their values, sets, links and users. Dates, file paths, selection names and the order
of elements are left out: exporters may legitimately change them.

Examples:
    >>> from theorize.exchange.refi.model import RefiProject
    >>> canonical(RefiProject(name="a")) == canonical(RefiProject(name="b"))
    True
"""

from __future__ import annotations

import hashlib

from .model import RefiProject, VariableValue, normalise_guid


def _g(value: str | None) -> str | None:
    return normalise_guid(value) or value


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _ids(values: list[str]) -> tuple[str | None, ...]:
    return tuple(sorted(_g(v) or "" for v in values))


def _values(owner: str, values: list[VariableValue]) -> list[tuple[str | None, ...]]:
    return [(_g(owner), _g(v.variable_guid), v.kind, v.value) for v in values]


def canonical(project: RefiProject) -> dict[str, list[tuple]]:
    """The canonical form of ``project``: a dict of sorted lists of tuples, comparable with ``==``."""
    p = project
    codings = [
        (_g(owner.guid), _g(c.code_guid), sel.start if sel else -1, sel.end if sel else -1, _g(c.creating_user) or "")
        for owner, sel, c in p.all_codings()
    ]
    return {
        "users": sorted((_g(u.guid), u.name) for u in p.users),
        "codes": sorted(
            (
                _g(c.guid),
                c.name,
                _g(parent) or "",
                c.is_codable,
                (c.color or "").upper(),
                c.description,
                c.stage or "",
                _ids(c.merged_from),
                c.in_vivo,
            )
            for c, parent, _ in p.walk_codes()
        ),
        "sources": sorted((_g(s.guid), s.name, _sha(s.text), s.description) for s in p.sources),
        "selections": sorted((_g(o.guid), _g(s.guid), s.start, s.end, s.description) for o, s in p.all_selections()),
        "codings": sorted(codings),
        "memos": sorted(
            (_g(n.guid), n.name, _sha(n.text), n.description, n.memo_type or "", _ids(n.targets), n.about_project)
            for n in p.notes
        ),
        "cases": sorted(
            (_g(c.guid), c.name, c.description, _ids(c.source_guids), _ids(c.selection_guids), _ids(c.code_guids))
            for c in p.cases
        ),
        "variables": sorted((_g(v.guid), v.name, v.type, v.description) for v in p.variables),
        "attributes": sorted(
            [x for s in p.sources for x in _values(s.guid, s.variable_values)]
            + [x for c in p.cases for x in _values(c.guid, c.variable_values)]
        ),
        "sets": sorted(
            (_g(s.guid), s.name, s.description, _ids(s.code_guids), _ids(s.source_guids), _ids(s.note_guids))
            for s in p.sets
        ),
        "links": sorted(
            (_g(x.guid), _g(x.origin_guid), _g(x.target_guid), x.name, x.direction or "", (x.color or "").upper())
            for x in p.links
        ),
        "graphs": sorted((_g(x.guid), x.name) for x in p.graphs),
    }
