"""theorize's own structures carried inside a .qdpx, so that theorize -> .qdpx -> theorize loses nothing.

REFI-QDA has no place for text versions and speaker turns, merged codes and their lineage, machine
suggestions, the model (stages, category roles and properties), snapshots or coder roles. An export
writes every carried table, rows keyed by GUIDs and names rather than ids, to ``theorize.json`` in
the archive; other tools ignore a file no element names. An import restores from it when it names the
SHA-256 of the ``project.qde`` beside it (so it was written with it, and neither was changed since),
and otherwise reads the REFI elements as it reads any tool's.

``refi_restore.Restorer`` writes it back into a project, merging with what is there.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    DateTime,
    Float,
    Integer,
    String,
    func,
    inspect,
    select,
)

from theorize.store import schema as t
from theorize.store.rows import iso, to_json

NATIVE_FILE = "theorize.json"
FORMAT = "theorize-project"
VERSION = 1
STUDY_COLUMNS = ("title", "research_question", "method_notes", "created_at")


@dataclass(frozen=True)
class Carried:
    """How one table travels: ``key`` is how other rows refer to its rows, ``same`` the column by which
    a row already in the project is the same one, ``on_guid`` what a row whose GUID is taken does:
    "same" (it is that row), "same text" (a source: that row when its current text is the same, else
    not imported again), "skip" (not imported again) or "new" (gets a new GUID)."""

    table: str
    key: tuple[str, ...] = ("guid",)
    same: str | None = None
    on_guid: str = "new"


# In an order where every row's references come before it (code refers to itself: see _codes).
CARRIED = [
    Carried("coder", same="name"),
    Carried("participant", same="pseudonym"),
    Carried("attribute", same="name"),
    Carried("attribute_value", key=()),
    Carried("source", on_guid="same text"),
    Carried("source_participant", key=()),
    Carried("source_version", key=("source_id", "version")),
    Carried("segment", key=("source_version_id", "position")),
    Carried("code", on_guid="same"),
    Carried("code_lineage", key=()),
    Carried("coding", on_guid="same"),
    Carried("memo", on_guid="skip"),
    Carried("memo_link", key=()),
    Carried("relation_type", key=("name",), same="name"),
    Carried("relation", on_guid="skip"),
    Carried("snapshot", key=()),
    Carried("model_stage", same="name"),
    Carried("category_role", key=()),
    Carried("category_property", key=("code_id", "kind", "position")),
    Carried("exchange_kept", on_guid="skip"),
    Carried("interviewer", key=("name",), same="name"),
    Carried("machine_exchange", on_guid="skip"),  # what a language model was asked and answered
    Carried("coding_property", key=()),  # a coding's values of its category's properties and dimensions
]
CARRIED_TABLES = {c.table for c in CARRIED}
#: Tables a project has that are not its research content: never carried, never reported.
NOT_CONTENT = {"audit_event", "study", "coding_selection", "unit_embedding"}
#: What a memo link's target_type refers to.
MEMO_TARGETS = {"code": "code", "source": "source", "coding": "coding", "memo": "memo", "turn": "segment"}
SKIP = object()  # a row that is here already in another form: not imported


@cache
def _fks(table) -> dict[str, str]:
    """The table's foreign-key columns and the tables they refer to."""
    return {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}


def _ref(value: Any) -> Any:
    """A reference as a dictionary key (references are GUIDs, names, or lists of those and numbers)."""
    return tuple(_ref(v) for v in value) if isinstance(value, list) else value


def sealed(content: dict, qde: bytes) -> str:
    """``content`` as the text of theorize.json, naming the SHA-256 of the project.qde written beside it."""
    return json.dumps(
        {**content, "qde_sha256": hashlib.sha256(qde).hexdigest()}, ensure_ascii=False, separators=(",", ":")
    )


# -- export -----------------------------------------------------------------------------------------


def dump(conn: Connection, current_texts: dict[str, str]) -> tuple[dict, list[tuple[str, int]]]:
    """Every carried table of the project as JSON-ready rows, references by GUID or name, and the
    tables not carried that hold rows (name, rows). ``current_texts`` (source GUID -> text) are the
    texts the REFI part already holds: their versions are not written twice."""
    refs: dict[str, dict[int, Any]] = {}
    tables: dict[str, list[dict]] = {}
    unnamed: Counter[str] = Counter()
    for spec in CARRIED:
        table = t.metadata.tables[spec.table]
        fks = _fks(table)
        rows = []
        order = [table.c.id] if "id" in table.c else list(table.primary_key.columns)
        names = [c.name for c in table.c]
        instants = [i for i, c in enumerate(table.c) if isinstance(c.type, DateTime)]
        for plain in conn.execute(select(table).order_by(*order)):  # plain rows: thousands of codings
            values = list(plain)
            for i in instants:
                if values[i] is not None:
                    values[i] = iso(values[i])
            row = dict(zip(names, values, strict=True))
            raw_id = row.pop("id", None)
            for col, target in fks.items():
                if row[col] is not None and target != spec.table:
                    row[col] = refs.get(target, {}).get(row[col])
            if spec.table == "memo_link":
                row["target_id"] = refs.get(MEMO_TARGETS.get(row["target_type"], ""), {}).get(row["target_id"])
                if row["target_id"] is None:  # a kind of link this theorize.json cannot name
                    unnamed[f"memo_link to {row['target_type']}"] += 1
                    continue
            if spec.table == "source_version" and current_texts.get(row["source_id"]) == row["text"]:
                row["text"] = None  # the REFI source file holds it
            if raw_id is not None and spec.key:
                refs.setdefault(spec.table, {})[raw_id] = (
                    row[spec.key[0]] if len(spec.key) == 1 else [row[k] for k in spec.key]
                )
            rows.append(row)
        if spec.table == "code":  # its own references, by GUID
            for row in rows:
                for col in ("parent_id", "merged_into_id"):
                    row[col] = refs["code"].get(row[col]) if row[col] is not None else None
        tables[spec.table] = rows
    study = conn.execute(select(*(t.study.c[c] for c in STUDY_COLUMNS))).mappings().one()
    left = list(unnamed.items())
    present = set(inspect(conn).get_table_names())
    for name, table in t.metadata.tables.items():
        if name not in CARRIED_TABLES and name not in NOT_CONTENT and name in present:
            n = conn.execute(select(func.count()).select_from(table)).scalar_one()
            if n:
                left.append((name, n))
    return {"format": FORMAT, "version": VERSION, "study": to_json(dict(study)), "tables": tables}, left


# -- import -----------------------------------------------------------------------------------------


def readable(text: str | None, qde_sha256: str) -> tuple[dict | None, str | None]:
    """The content of a ``theorize.json``, or None and why it cannot be used (not theorize's, another
    format version, written beside another project.qde than ``qde_sha256`` names, or malformed)."""
    if text is None:
        return None, None
    try:
        content = json.loads(text)
    except ValueError:
        return None, f"{NATIVE_FILE} is not JSON"
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        return None, f"{NATIVE_FILE} is not theorize's"
    if content.get("version") != VERSION:
        return None, f"{NATIVE_FILE} is of format version {content.get('version')!r}, which this theorize does not know"
    if content.get("qde_sha256") != qde_sha256:
        return None, f"{NATIVE_FILE} does not match the project.qde beside it (changed since theorize wrote it)"
    why = _malformed(content)
    return (None, why) if why else (content, None)


_INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")  # as store.rows.iso writes it


def _checker(column) -> Callable[[Any], bool]:
    """Whether a value is what a JSON image of ``column`` holds (see ``store.rows.to_json``)."""
    kind = column.type
    if isinstance(kind, DateTime):
        return lambda v: isinstance(v, str) and _INSTANT.match(v) is not None
    if isinstance(kind, Boolean):
        return lambda v: isinstance(v, bool)
    if isinstance(kind, Integer):
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if isinstance(kind, Float):
        return lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    if isinstance(kind, String):  # Text too
        limit = kind.length
        return lambda v: isinstance(v, str) and (limit is None or len(v) <= limit)
    return lambda v: False


def _is_reference(v: Any) -> bool:
    return isinstance(v, (str, list))


def _kind_word(column) -> str:
    for kind, word in (
        (DateTime, "a date and time"),
        (Boolean, "true or false"),
        (Integer, "a whole number"),
        (Float, "a number"),
    ):
        if isinstance(column.type, kind):
            return word
    return "text" + (f" of at most {column.type.length} characters" if getattr(column.type, "length", None) else "")


def _malformed(content: dict) -> str | None:
    """Why ``content`` cannot be restored (a value of the wrong kind, a missing column), or None."""
    tables = content.get("tables")
    if not isinstance(tables, dict) or not isinstance(content.get("study"), dict):
        return f"{NATIVE_FILE} has no tables"
    for spec in CARRIED:
        rows = tables.get(spec.table, [])
        table = t.metadata.tables[spec.table]
        fks = _fks(table)
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            return f"{NATIVE_FILE} holds no list of rows for {spec.table}"
        checks = []  # (column, needed, check), built once per table
        for column in table.c:
            if column.name == "id":
                continue
            ref = column.name in fks or (spec.table == "memo_link" and column.name == "target_id")
            needed = (
                not column.nullable
                and column.default is None
                and not (spec.table == "source_version" and column.name == "text")
            )
            checks.append((column, needed, ref, _is_reference if ref else _checker(column)))
        for n, row in enumerate(rows, start=1):
            for column, needed, ref, check in checks:
                value = row.get(column.name)
                if value is None:
                    if needed:
                        return f"{NATIVE_FILE}: row {n} of {spec.table} has no {column.name}"
                elif not check(value):
                    if ref:
                        return f"{NATIVE_FILE}: row {n} of {spec.table} refers to {column.name} by {value!r}"
                    return (
                        f"{NATIVE_FILE}: row {n} of {spec.table} has {column.name} = {str(value)[:40]!r}, "
                        f"not {_kind_word(column)}"
                    )
            if spec.table == "memo_link" and row.get("target_type") not in MEMO_TARGETS:
                return f"{NATIVE_FILE}: row {n} of memo_link links to a {row.get('target_type')!r}"
    return None
