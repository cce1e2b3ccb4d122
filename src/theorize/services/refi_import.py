"""REFI-QDA projects and codebooks into a theorize project, in one audited action."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from sqlalchemy import select

from theorize.domain.sources import ParsedSource, SourceKind
from theorize.errors import InvalidInput
from theorize.services.base import Action, ProjectBase, new_guid, now
from theorize.store import schema as t

REFI_TO_ATTRIBUTE = {
    "text": "text",
    "boolean": "yes/no",
    "integer": "number",
    "float": "number",
    "date": "date",
    "datetime": "date",
}


def _attribute_value(value) -> str:
    """A REFI value as theorize keeps it: a Boolean as yes/no, anything else as the file wrote it."""
    if value.kind == "Boolean":
        return {"true": "yes", "1": "yes", "false": "no", "0": "no"}.get(value.value.strip().lower(), value.value)
    return value.value


def _is_conversation(turns) -> bool:
    """Whether labelled turns read as a transcript: an interviewer speaks, or two speakers speak twice.

    A research memo's "RQ1:"/"RQ2:" lines or a note signed "BB:" are labels, not speakers.
    """
    from theorize.domain.sources import Role

    counts = Counter(turn.speaker for turn in turns if turn.speaker)
    if any(turn.role == Role.INTERVIEWER for turn in turns if turn.speaker):
        return True
    return sum(1 for n in counts.values() if n >= 2) >= 2


def _free_name(taken: set[str], name: str) -> str:
    candidate, n = name or "unnamed", 2
    while candidate in taken:
        candidate = f"{name} ({n})"
        n += 1
    taken.add(candidate)
    return candidate


class RefiImportMixin(ProjectBase):
    """`import_refi`."""

    def import_refi(self, path: str | Path):
        """Import a REFI-QDA project (.qdpx) or codebook (.qdc) into this project.

        Everything is one action (one audit event; `undo` removes it all). Returns the exchange
        report: per element type what was carried and what was not, and why.

        Examples:
            >>> print(study.import_refi("from_nvivo.qdpx").summary())  # doctest: +SKIP
        """
        from theorize.exchange.refi import read_qdc, read_qdpx

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".qdpx", ".qdc"):
            raise InvalidInput(f"{path.name} is not a REFI-QDA file; those end in .qdpx (project) or .qdc (codebook).")
        refi, report = read_qdpx(path) if suffix == ".qdpx" else read_qdc(path)
        content = _native_content(refi, report)
        with self._action("import REFI-QDA") as act:
            if content is not None:
                _restore(act, content, refi, report)
            else:
                _Importer(self, act, refi, report).run()
            act.summary = f"imported {path.name}: " + ", ".join(f"{n} {k}" for k, n in sorted(report.carried.items()))
        return report


def _native_content(refi, report) -> dict | None:
    """theorize's own structures, when the file carries them and they match its REFI elements."""
    from theorize.services.refi_native import NATIVE_FILE, readable

    text = refi.attachments.get(NATIVE_FILE)
    if text is None:
        return None
    content, why = readable(text, refi.qde_sha256)
    if content is None:
        report.decide(f"{why}; the REFI-QDA elements were read instead, as from any tool")
    return content


def _restore(act: Action, content: dict, refi, report) -> None:
    from theorize.services.refi_native import NATIVE_FILE
    from theorize.services.refi_restore import Restorer

    written = Restorer(act, content, {s.guid: s.text for s in refi.sources}, report).run()
    tables = ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in written.items() if n)
    report.decide(
        f"the file was written by theorize: the project was restored from its {NATIVE_FILE} "
        f"({tables or 'nothing new'}), so nothing REFI-QDA cannot hold was lost"
    )


class _Importer:
    def __init__(self, study: RefiImportMixin, act: Action, refi, report) -> None:
        self.study, self.act, self.refi, self.report = study, act, refi, report
        self.conn = act.conn
        self.users: dict[str, int] = {}
        self.codes: dict[str, int] = {}
        self.sources: dict[str, int] = {}
        self.selection_codings: dict[str, list[int]] = {}
        self.memos: dict[str, int] = {}
        self.taken_selections: set[str] | None = None
        self.fresh_selections: dict[str, str] = {}  # a selection GUID already used here -> its new one

    def run(self) -> None:
        was_empty = not (
            self.conn.execute(select(t.source.c.id)).first() or self.conn.execute(select(t.code.c.id)).first()
        )
        self._users()
        self._codes()
        self._sources()
        self._notes()
        self._cases()
        self._links()
        self._kept("set", self.refi.sets, lambda s: json.dumps(asdict(s)))
        self._kept("graph", self.refi.graphs, lambda g: json.dumps(asdict(g)))
        self._project(was_empty)
        self._unkept_facts()

    def _project(self, was_empty: bool) -> None:
        """The project's name and description become the study's title and research question when the
        project held nothing yet; otherwise the project keeps its own, and the report says so."""
        study = self.conn.execute(select(t.study)).mappings().one()
        if self.refi.creating_user or self.refi.created or self.refi.modifying_user or self.refi.modified:
            self.report.skip(
                "Project",
                "who created and last changed the project, and when",
                "the study keeps its own creation date and its audit trail",
            )
        given = {"title": self.refi.name.strip(), "research_question": self.refi.description.strip()}
        given = {k: v for k, v in given.items() if v and v != study[k]}
        if not given:
            return
        if was_empty:
            self.act.changes.update(t.study, study["id"], given)
            self.report.decide("the study took its title and research question from the project's name and description")
            return
        words = {"title": "name", "research_question": "description"}
        for k, v in given.items():
            short = " ".join(v.split())
            self.report.skip(
                "Project",
                f"the project's {words[k]} '{short[:60]}'",
                "this project holds work already and keeps its own title and research question",
            )

    def _unkept_facts(self) -> None:
        """Who made and changed sources and notes, and when they were changed: theorize keeps when a
        source came in (the file's creation date) and who wrote a memo, not these."""
        refi = self.refi
        changed = [x for x in [*refi.sources, *refi.notes] if x.modifying_user or x.modified]
        made_by = [s for s in refi.sources if s.creating_user]
        if made_by:
            self.report.skip(
                "Source", f"who created {len(made_by)} sources", "theorize keeps when a source came in, not who made it"
            )
        if changed:
            self.report.skip(
                "@modifyingUser",
                f"who last changed {len(changed)} sources and notes, and when",
                "theorize keeps a source's text versions and a memo's date, not these",
            )
        short_ids = [u for u in refi.users if u.id and u.id != u.name]
        if short_ids:
            self.report.skip(
                "User", f"the short ids (initials) of {len(short_ids)} users", "theorize keeps coders by name"
            )

    def _taken_guid(self, table, guid: str | None) -> bool:
        return guid is None or self.conn.execute(select(table.c.id).where(table.c.guid == guid)).first() is not None

    def _users(self) -> None:
        for user in self.refi.users:
            name = user.name or user.id or f"unknown user {user.guid[:8]}"
            row = self.conn.execute(select(t.coder.c.id).where(t.coder.c.name == name)).first()
            if row is None:
                guid = user.guid if not self._taken_guid(t.coder, user.guid) else new_guid()
                row_id = self.act.changes.insert(t.coder, {"name": name, "role": "", "guid": guid, "created_at": now()})
            else:
                row_id = row.id
            self.users[user.guid] = row_id

    def _coder(self, guid: str | None) -> int:
        if guid in self.users:
            return self.users[guid]
        if "unknown" not in self.users:
            self.users["unknown"] = self.study._coder_id(self.conn, "unknown coder (REFI-QDA import)", self.act.changes)
        return self.users["unknown"]

    def _codes(self) -> None:
        from theorize.services.codebook import _check_colour

        taken: dict[int | None, set[str]] = {}
        for code, parent_guid, _ in self.refi.walk_codes():
            existing = self.conn.execute(select(t.code.c.id).where(t.code.c.guid == code.guid)).first()
            if existing:
                self.codes[code.guid] = existing.id
                self.report.decide(f"code {code.name!r} is already in the project (same GUID); kept as it is")
                continue
            parent_id = self.codes.get(parent_guid) if parent_guid else None
            if parent_id not in taken:
                q = select(t.code.c.name).where(t.code.c.merged_into_id.is_(None))
                q = q.where(t.code.c.parent_id.is_(None) if parent_id is None else t.code.c.parent_id == parent_id)
                taken[parent_id] = {r.name for r in self.conn.execute(q)}
            name = _free_name(taken[parent_id], code.name)
            if name != code.name:
                self.report.decide(f"code {code.name!r} was renamed {name!r}: that name was taken in the same place")
            try:
                colour = _check_colour(code.color) if code.color else None
            except InvalidInput:
                colour = None
            self.codes[code.guid] = self.act.changes.insert(
                t.code,
                {
                    "name": name,
                    "definition": code.description,
                    "stage": code.stage or "initial",
                    "parent_id": parent_id,
                    "in_vivo": bool(code.in_vivo),
                    "colour": colour,
                    "merged_into_id": None,
                    "guid": code.guid,
                    "created_at": now(),
                },
            )
            if not code.is_codable or not code.stage:
                self.act.changes.insert(
                    t.exchange_kept,
                    {
                        "kind": "code",
                        "guid": code.guid,
                        "content": json.dumps({"is_codable": code.is_codable, "stage_given": bool(code.stage)}),
                    },
                )
            if not code.is_codable:
                self.report.decide(
                    f"{code.name!r} is a folder (not codable) in the file; it is a code here, "
                    "exported again as a folder"
                )

    def _sources(self) -> None:
        from theorize.ingest import detect_turns
        from theorize.ingest.turns import paragraph_turns
        from theorize.services.sources import SEGMENT_COLUMNS, _segment_rows

        names = {r.name for r in self.conn.execute(select(t.source.c.name))}
        codings = []
        for src in self.refi.sources:
            if self._taken_guid(t.source, src.guid):
                self.report.skip("TextSource", src.name, "already in this project (same GUID); not imported again")
                continue
            digest = hashlib.sha256(f"refi:{src.guid}\0{src.text}".encode()).hexdigest()
            turns = detect_turns(src.text) if src.text.strip() else []
            kind = SourceKind.INTERVIEW if _is_conversation(turns) else SourceKind.DOCUMENT
            if kind is SourceKind.DOCUMENT and any(turn.speaker for turn in turns):
                turns = paragraph_turns(src.text)
                self.report.decide(
                    f"{src.name} has labels such as 'Name:' but no interviewer and fewer than two "
                    "speakers who speak twice, so it was taken as a document, not a transcript "
                    "(no speakers; one passage per paragraph)"
                )
            parsed = ParsedSource(
                name=_free_name(names, src.name), text=src.text, turns=turns, file_format="refi", kind=kind
            )
            source_id = self.act.changes.insert(
                t.source,
                {
                    "name": parsed.name,
                    "kind": parsed.kind.value,
                    "file_format": "refi",
                    "imported_sha256": digest,
                    "current_version": 1,
                    "guid": src.guid,
                    "imported_at": src.created or now(),
                },
            )
            version_id = self.act.changes.insert(
                t.source_version,
                {
                    "source_id": source_id,
                    "version": 1,
                    "text": src.text,
                    "text_sha256": hashlib.sha256(src.text.encode()).hexdigest(),
                    "reason": "imported from REFI-QDA",
                    "created_at": now(),
                },
            )
            self.act.changes.insert_many(
                t.segment,
                _segment_rows(parsed.turns, version_id),
                scope={"source_version_id": version_id},
                columns=SEGMENT_COLUMNS,
            )
            self.sources[src.guid] = source_id
            if src.description.strip():
                memo_id = self.act.changes.insert(
                    t.memo,
                    {
                        "title": f"About {parsed.name}",
                        "type": "code",
                        "body": src.description,
                        "author_id": self._coder(src.creating_user),
                        "written_on": src.created or now(),
                        "guid": new_guid(),
                        "created_at": now(),
                    },
                )
                self.act.changes.insert(
                    t.memo_link, {"memo_id": memo_id, "target_type": "source", "target_id": source_id}
                )
                self.report.decide(f"the description of {parsed.name} became a memo linked to it")
            for value in src.variable_values:
                self.report.skip(
                    "VariableValue",
                    f"{src.name}: {value.value}",
                    "attributes belong to participants (cases) here, not to sources",
                )
            for sel in src.selections:
                for c in sel.codings:
                    codings.append((sel.guid, self._coding_row(source_id, sel.start, sel.end, c, sel.creating_user)))
                if sel.description or not sel.codings:
                    self._kept(
                        "selection",
                        [sel],
                        lambda x, g=src.guid: json.dumps(
                            {
                                "source_guid": g,
                                "guid": self._selection_guid(x.guid),
                                "start": x.start,
                                "end": x.end,
                                "name": x.name,
                                "description": x.description,
                            }
                        ),
                        guid=self._selection_guid(sel.guid),
                    )
            for c in src.codings:
                codings.append((None, self._coding_row(source_id, 0, len(src.text), c, src.creating_user)))
        rows = [row for _, row in codings if row is not None]
        seen_guids = {r.guid for r in self.conn.execute(select(t.coding.c.guid))}
        for sel_guid, row in codings:
            if row is None:
                continue
            if row["guid"] in seen_guids:
                row["guid"] = new_guid()
            seen_guids.add(row["guid"])
            row["selection_guid"] = new_guid() if sel_guid is None else self._selection_guid(sel_guid)
        if self.fresh_selections:
            self.report.decide(
                f"{len(self.fresh_selections)} selections have GUIDs already used in this project; "
                "they were given new ones"
            )
        ids = iter(self.act.changes.insert_rows(t.coding, rows))
        for sel_guid, row in codings:
            if row is not None:
                cid = next(ids)
                if sel_guid:
                    self.selection_codings.setdefault(sel_guid, []).append(cid)

    def _selection_guid(self, guid: str) -> str:
        """The selection GUID to store: the file's, or a new one when this project already uses it."""
        if self.taken_selections is None:
            self.taken_selections = {
                r.selection_guid for r in self.conn.execute(select(t.coding.c.selection_guid).distinct())
            }
            self.taken_selections |= {
                r.guid
                for r in self.conn.execute(select(t.exchange_kept.c.guid).where(t.exchange_kept.c.kind == "selection"))
            }
        if guid in self.taken_selections:
            return self.fresh_selections.setdefault(guid, new_guid())
        return guid

    def _coding_row(self, source_id: int, start: int, end: int, coding, fallback_user) -> dict | None:
        code_id = self.codes.get(coding.code_guid)
        if code_id is None:
            self.report.skip("Coding", coding.guid, "its code is not in the file")
            return None
        return {
            "source_id": source_id,
            "source_version": 1,
            "start": start,
            "end": end,
            "code_id": code_id,
            "coder_id": self._coder(coding.creating_user or fallback_user),
            "origin": "human",
            "model_id": None,
            "confidence": None,
            "status": "accepted",
            "review": None,
            "guid": coding.guid,
            "created_at": coding.created or now(),
        }

    def _notes(self) -> None:
        from theorize.domain.codebook import MemoType

        pending_links = []
        for note in self.refi.notes:
            if self._taken_guid(t.memo, note.guid):
                self.report.skip("Note", note.name, "already in this project (same GUID)")
                continue
            memo_type = note.memo_type if note.memo_type in {m.value for m in MemoType} else "code"
            title = note.name or (note.text.strip().splitlines() or ["Memo"])[0][:120]
            body = note.text if not note.description else f"{note.text}\n\n{note.description}".strip()
            self.memos[note.guid] = self.act.changes.insert(
                t.memo,
                {
                    "title": title,
                    "type": memo_type,
                    "body": body,
                    "author_id": self._coder(note.creating_user),
                    "written_on": note.created or now(),
                    "guid": note.guid,
                    "created_at": now(),
                },
            )
            pending_links.append(note)
        for note in pending_links:
            unresolved = [
                g
                for g in note.targets
                if g not in self.codes
                and g not in self.sources
                and g not in self.memos
                and g not in self.selection_codings
            ]
            if unresolved:
                self.act.changes.insert(
                    t.exchange_kept,
                    {"kind": "note-targets", "guid": note.guid, "content": json.dumps({"targets": unresolved})},
                )
            for target in note.targets:
                for kind, ids in (
                    ("code", [self.codes.get(target)]),
                    ("source", [self.sources.get(target)]),
                    ("memo", [self.memos.get(target)]),
                    ("coding", self.selection_codings.get(target, [])),
                ):
                    for target_id in ids:
                        if target_id is not None:
                            self.act.changes.insert(
                                t.memo_link,
                                {"memo_id": self.memos[note.guid], "target_type": kind, "target_id": target_id},
                            )

    def _cases(self) -> None:
        attr_ids: dict[str, int] = {}
        for var in self.refi.variables:
            row = self.conn.execute(select(t.attribute.c.id).where(t.attribute.c.name == var.name)).first()
            if row is None:
                guid = var.guid if not self._taken_guid(t.attribute, var.guid) else new_guid()
                attr_ids[var.guid] = self.act.changes.insert(
                    t.attribute,
                    {"name": var.name, "type": REFI_TO_ATTRIBUTE.get(var.type.lower(), "text"), "guid": guid},
                )
                self.act.changes.insert(
                    t.exchange_kept,
                    {
                        "kind": "variable",
                        "guid": guid,
                        "content": json.dumps({"type": var.type, "description": var.description}),
                    },
                )
            else:
                attr_ids[var.guid] = row.id
        for case in self.refi.cases:
            pseudonym = case.name or f"case {case.guid[:8]}"
            row = self.conn.execute(select(t.participant.c.id).where(t.participant.c.pseudonym == pseudonym)).first()
            group = case.description[len("group: ") :] if case.description.startswith("group: ") else ""
            if case.description and not group:
                self.report.skip("Case", f"{pseudonym}: description", "participants have no description here")
            if row:
                pid = row.id
            else:
                guid = case.guid if not self._taken_guid(t.participant, case.guid) else new_guid()
                pid = self.act.changes.insert(
                    t.participant, {"pseudonym": pseudonym, "group_name": group, "guid": guid, "created_at": now()}
                )
            for value in case.variable_values:
                if value.variable_guid in attr_ids:
                    key = {"participant_id": pid, "attribute_id": attr_ids[value.variable_guid]}
                    self.act.changes.delete_link(t.attribute_value, key)
                    self.act.changes.insert_link(t.attribute_value, {**key, "value": _attribute_value(value)})
            for sg in case.source_guids:
                if sg in self.sources:
                    self.act.changes.insert_link(
                        t.source_participant, {"source_id": self.sources[sg], "participant_id": pid}
                    )
            if case.selection_guids or case.code_guids:
                self.report.skip(
                    "Case", pseudonym, "its selection and code members have no place here (sources are kept)"
                )

    def _links(self) -> None:
        known_types = {r.name: r.id for r in self.conn.execute(select(t.relation_type.c.id, t.relation_type.c.name))}
        for link in self.refi.links:
            a, b = self.codes.get(link.origin_guid), self.codes.get(link.target_guid)
            if a is None or b is None or a == b or self._taken_guid(t.relation, link.guid):
                self._kept("link", [link], lambda x: json.dumps(asdict(x)))
                continue
            name = link.name or "is related to"
            if name not in known_types:
                known_types[name] = self.act.changes.insert(t.relation_type, {"name": name, "builtin": False})
            self.act.changes.insert(
                t.relation,
                {
                    "source_code_id": a,
                    "target_code_id": b,
                    "type_id": known_types[name],
                    "note": "",
                    "guid": link.guid,
                    "created_at": now(),
                },
            )
            self.report.decide(f"link {link.guid[:8]} became a relation: {name}")

    def _kept(self, kind: str, items, serialise, guid: str | None = None) -> None:
        for item in items:
            key = guid or item.guid
            if self.conn.execute(select(t.exchange_kept.c.id).where(t.exchange_kept.c.guid == key)).first():
                continue
            self.act.changes.insert(t.exchange_kept, {"kind": kind, "guid": key, "content": serialise(item)})
            self.report.decide(
                f"{kind} {getattr(item, 'name', '') or item.guid[:8]} is kept as it was and exported again"
            )
