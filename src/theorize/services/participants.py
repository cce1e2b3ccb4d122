"""Participants: pseudonym ids, groups, typed attributes, and which sources are theirs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from theorize.errors import Conflict, InvalidInput
from theorize.services.base import Action, ProjectBase, new_guid
from theorize.store import schema as t

#: Column names of an attribute sheet that list each participant's source files.
_SOURCE_COLUMNS = ("source", "sources", "file", "files", "transcript", "transcripts")


@dataclass
class AttributeImport:
    """What reading an attribute sheet did: participants read, sources linked to their
    participant (``(source, pseudonym)``), and sources that still belong to no one."""

    participants: int
    linked: list[tuple[str, str]] = field(default_factory=list)
    unlinked: list[str] = field(default_factory=list)


class ParticipantsMixin(ProjectBase):
    """Services for participants and their attributes."""

    def add_participant(self, pseudonym: str, *, group: str = "", **attributes) -> int:
        """Add a participant by pseudonym id, with a group (client, counselor) and attributes."""
        with self._action("add participant", f"added participant {pseudonym}") as act:
            if act.conn.execute(select(t.participant.c.id).where(t.participant.c.pseudonym == pseudonym)).first():
                raise Conflict(f"There is already a participant {pseudonym!r}.")
            pid = self._participant_id(act.conn, pseudonym, act.changes, group)
            for name, value in attributes.items():
                self._set_attribute(act, pid, name, value, None)
        return pid

    def set_attributes(self, pseudonym: str, values: dict, types: dict[str, str] | None = None) -> None:
        """Set attribute values of one participant; a new attribute's type is inferred unless given."""
        with self._action("set attributes", f"set {', '.join(values)} of {pseudonym}") as act:
            pid = self._participant_id(act.conn, pseudonym)
            for name, value in values.items():
                self._set_attribute(act, pid, name, value, (types or {}).get(name))

    def import_attributes(self, path: str | Path) -> AttributeImport:
        """Read a participant attribute sheet (.csv/.xlsx): one row per participant id.

        Participants not yet in the project are added. Sources that belong to no participant yet
        are linked to theirs, in the same action: by a column naming each participant's source
        files (``source``, ``sources``, ``file``, ``files`` or ``transcript``; several separated by
        ``;``), else by the pseudonym id standing in the file name as a word of its own
        (``C01_interview.docx`` is C01's). The result says which sources stayed unlinked.

        Examples:
            >>> result = study.import_attributes("participants.csv")  # doctest: +SKIP
            >>> result.participants, result.unlinked  # doctest: +SKIP
            (12, [])
        """
        from theorize.ingest import read_attributes

        sheet = read_attributes(Path(path))
        frame = sheet.frame
        with self._action("import attributes") as act:
            group_col = next((c for c in frame.columns if c.lower() == "group"), None)
            files_col = next((c for c in frame.columns if c.strip().lower() in _SOURCE_COLUMNS), None)
            named: dict[str, str] = {}
            for _, row in frame.iterrows():
                pseudonym = str(row[sheet.id_column])
                group = "" if group_col is None or _missing(row[group_col]) else str(row[group_col])
                pid = self._participant_id(act.conn, pseudonym, act.changes, group)
                if group and group_col:
                    act.changes.update(t.participant, pid, {"group_name": group})
                if files_col is not None and not _missing(row[files_col]):
                    for name in re.split(r"[;,\n]", str(row[files_col])):
                        if name.strip():
                            named[name.strip().casefold()] = pseudonym
                for col in frame.columns:
                    if col in (sheet.id_column, group_col, files_col):
                        continue
                    value = None if _missing(row[col]) else row[col]
                    self._set_attribute(act, pid, col, value, sheet.types.get(col))
            pseudonyms = [str(p) for p in frame[sheet.id_column]]
            linked, unlinked = self._link_sources(act, pseudonyms, named if files_col is not None else None)
            act.summary = f"imported attributes of {len(frame)} participants from {Path(path).name}" + (
                f"; linked {len(linked)} sources" if linked else ""
            )
        return AttributeImport(len(frame), linked, unlinked)

    def _link_sources(
        self, act: Action, pseudonyms: list[str], named: dict[str, str] | None
    ) -> tuple[list[tuple[str, str]], list[str]]:
        """Link each source without a participant to one: by the sheet's file names when it has
        them, else by a pseudonym standing as a word in the source's name (only when exactly one does)."""
        has_owner = {r.source_id for r in act.conn.execute(select(t.source_participant.c.source_id))}
        patterns = [
            (p, re.compile(rf"(?<![0-9A-Za-z]){re.escape(p)}(?![0-9A-Za-z])", re.IGNORECASE))
            for p in pseudonyms
            if p.strip()
        ]
        linked, unlinked = [], []
        for src in act.conn.execute(select(t.source.c.id, t.source.c.name).order_by(t.source.c.id)).all():
            if src.id in has_owner:
                continue
            if named is not None:
                name = src.name.casefold()
                owner = named.get(name) or named.get(Path(name).stem)
            else:
                found = [p for p, pattern in patterns if pattern.search(src.name)]
                owner = found[0] if len(found) == 1 else None
            if owner is None:
                unlinked.append(src.name)
                continue
            pid = self._participant_id(act.conn, owner)
            act.changes.insert_link(t.source_participant, {"source_id": src.id, "participant_id": pid})
            linked.append((src.name, owner))
        return linked, unlinked

    def _set_attribute(self, act: Action, participant_id: int, name: str, value, type_: str | None) -> None:
        from theorize.domain.codebook import ATTRIBUTE_TYPES

        row = act.conn.execute(select(t.attribute).where(t.attribute.c.name == name)).mappings().first()
        if row is None:
            type_ = type_ or _infer_type(value)
            if type_ not in ATTRIBUTE_TYPES:
                raise InvalidInput(f"{type_!r} is not an attribute type; use one of {', '.join(ATTRIBUTE_TYPES)}.")
            attr_id = act.changes.insert(t.attribute, {"name": name, "type": type_, "guid": new_guid()})
        else:
            attr_id = row["id"]
        key = {"participant_id": participant_id, "attribute_id": attr_id}
        act.changes.delete_link(t.attribute_value, key)
        act.changes.insert_link(t.attribute_value, {**key, "value": None if value is None else _as_text(value)})

    def assign_source(self, source: int | str, participants: list[str]) -> None:
        """Say which participants a source belongs to (several for a focus group)."""
        with self._action("assign source") as act:
            src = self._source_row(act.conn, source)
            for p in participants:
                pid = self._participant_id(act.conn, p, act.changes)
                act.changes.delete_link(t.source_participant, {"source_id": src["id"], "participant_id": pid})
                act.changes.insert_link(t.source_participant, {"source_id": src["id"], "participant_id": pid})
            act.summary = f"assigned {src['name']} to {', '.join(participants)}"


def _missing(value) -> bool:
    try:
        import pandas as pd

        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def _infer_type(value) -> str:
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, (int, float)):
        return "number"
    if hasattr(value, "isoformat"):
        return "date"
    return "text"
