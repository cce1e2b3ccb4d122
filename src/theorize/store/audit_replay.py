"""The deep check: replay every change the audit trail recorded and compare the result with the tables.

A coding, a code or a transcript edited straight in the database (``sqlite3 study.theorize``)
leaves the hash chain intact, because the chain only covers the events. Every action also records
its row images (``store.changes``), so replaying them from the first event gives what every table
must hold; any row that differs was changed outside theorize, and is named (table, row, column).

What the replay knows, and so what it can check:

- rows inserted one by one: every column the action wrote (columns left to their defaults are
  not recorded, and not checked); a long text (a transcript) as its SHA-256 and length;
- rows updated: the columns changed, with their new values; rows deleted: that they are gone;
- rows inserted in bulk (a version's turns, ``code_many``, a REFI-QDA import): that they exist
  (by id, or by how many share their parent), not their columns;
- rows removed by a foreign key's cascade when their parent is deleted, as the database does;
- what ``create project`` writes outside the recorder: the study row and the built-in relation
  types; the study row's ``audit_head`` and ``audit_count`` are the chain's, checked by the chain.

Tables written outside the trail by design (caches such as embeddings) carry ``info={"audited":
False}`` in the schema and are not compared.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, inspect, select

from theorize.store import schema
from theorize.store.rows import iso

#: Columns the replay does not compare: the chain's own bookkeeping.
_NOT_COMPARED = {("study", "audit_head"), ("study", "audit_count")}
#: Tables that are not project rows: the trail itself, and Alembic's bookkeeping.
_NOT_TABLES = {"audit_event", "alembic_version"}
_SHORT = 60  # values longer than this are not quoted in a sentence

Key = Any  # a row's id, or the tuple of its primary key for tables without one


@dataclass(frozen=True)
class Difference:
    """One row (and column) where a table and the audit trail disagree."""

    table: str
    row: str  # "12", or "source_id 1, participant_id 2"
    column: str | None
    sentence: str

    def __str__(self) -> str:
        return self.sentence


def compared_tables() -> list[Table]:
    """The tables whose rows the audit trail vouches for."""
    return [t for t in schema.metadata.sorted_tables if t.name not in _NOT_TABLES and t.info.get("audited", True)]


def _key(table: Table, image: Mapping[Any, Any]) -> Key:
    if "id" in table.c and "id" in image:
        return image["id"]
    return tuple(image.get(c.name) for c in table.primary_key)


def _label(table: Table, key: Key) -> str:
    if isinstance(key, tuple):
        return ", ".join(f"{c.name} {v}" for c, v in zip(table.primary_key, key))
    return str(key)


def _same(expected: Any, actual: Any) -> bool:
    """Compare a recorded value with the table's (a time as ISO text in UTC, as images hold it)."""
    if isinstance(expected, dict) and set(expected) == {"sha256", "characters"}:  # a long inserted text
        return (
            isinstance(actual, str)
            and len(actual) == expected["characters"]
            and hashlib.sha256(actual.encode("utf-8")).hexdigest() == expected["sha256"]
        )
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is not None and actual is not None and bool(expected) == bool(actual)
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return float(expected) == float(actual)
    return expected == actual


def _long(value: Any) -> int | None:
    """The length of a text too long to quote in a sentence (None for a short value)."""
    if isinstance(value, dict) and "characters" in value:
        return value["characters"]
    return len(value) if isinstance(value, str) and len(repr(value)) > _SHORT else None


def _differs(table: str, label: str, column: str, recorded: Any, actual: Any) -> str:
    where = f"{table} {label}, {column}"
    if _long(recorded) is None and _long(actual) is None:
        return f"{where}: the table has {actual!r}, the audit trail {recorded!r}: it was changed outside theorize"
    have = _long(actual) if _long(actual) is not None else len(str(actual))
    had = _long(recorded) if _long(recorded) is not None else len(str(recorded))
    return (
        f"{where}: the table's text ({have:,} characters) is not the one the audit trail recorded "
        f"({had:,} characters): it was changed outside theorize"
    )


class Replay:
    """What every table must hold after the recorded changes, applied in the order of the events."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[Key, dict[str, Any]]] = defaultdict(dict)  # known columns per row
        self.scoped: dict[str, dict[tuple, int]] = defaultdict(dict)  # bulk rows: how many per parent
        self.loose: dict[str, int] = defaultdict(int)  # bulk rows known by count only
        self.maybe_gone: dict[str, set[Key]] = defaultdict(set)  # bulk rows a cascade may have removed
        self._children = _cascades()

    # -- applying events ---------------------------------------------------------------------------
    def project_created(self) -> None:
        """What ``create project`` writes without the recorder: the study row, the built-in relations."""
        from theorize.services.memos import builtin_relation_rows

        self.rows["study"].setdefault(1, {})
        for number, row in enumerate(builtin_relation_rows(), start=1):
            self.rows["relation_type"].setdefault(number, dict(row, id=number))

    def apply(self, items: list[dict[str, Any]]) -> None:
        """Apply one event's recorded changes."""
        for item in items:
            table = schema.metadata.tables.get(item["table"])
            if table is None:
                continue  # a table a later version dropped
            op, rows = item["op"], self.rows[table.name]
            if op in ("insert", "insert_link"):
                rows[_key(table, item["after"])] = dict(item["after"])
            elif op == "update":
                rows.setdefault(item["id"], {}).update(item["after"])
            elif op in ("delete", "delete_link"):
                self._delete(table, _key(table, item["before"]))
            elif op == "insert_many":
                scope = tuple(sorted(item["where"].items()))
                self.scoped[table.name][scope] = self.scoped[table.name].get(scope, 0) + item["count"]
            elif op == "delete_many":
                self.scoped[table.name].pop(tuple(sorted(item["where"].items())), None)
            elif op == "insert_rows":
                for row_id in item["ids"]:
                    rows[row_id] = {}
            elif op == "delete_rows":
                for row_id in item["ids"]:
                    self._delete(table, row_id)
            elif op == "insert_dependents":
                self.loose[table.name] += item["count"]

    def _delete(self, table: Table, key: Key) -> None:
        self.rows[table.name].pop(key, None)
        self.maybe_gone[table.name].discard(key)
        if not isinstance(key, tuple):  # rows keyed by their columns have no children
            self._cascade(table, key)

    def _cascade(self, parent: Table, parent_id: Key) -> None:
        """Do what the database's foreign keys do when ``parent_id`` goes: remove or clear children."""
        for child, column, ondelete in self._children.get(parent.name, ()):
            for key, known in list(self.rows[child.name].items()):
                if column not in known:
                    if ondelete == "CASCADE":
                        self.maybe_gone[child.name].add(key)  # a bulk row: its parent is unknown
                elif known[column] == parent_id:
                    if ondelete == "CASCADE":
                        self._delete(child, key)
                    else:
                        known[column] = None
            if ondelete == "CASCADE":
                scopes = self.scoped[child.name]
                for scope in [s for s in scopes if dict(s).get(column) == parent_id]:
                    del scopes[scope]

    # -- comparing ---------------------------------------------------------------------------------
    def compare(self, conn: Connection, table: Table, columns: list) -> tuple[int, list[Difference]]:
        """How many rows of ``table`` were read (its ``columns``), and every difference from the replay."""
        expected = self.rows.get(table.name, {})
        scopes = dict(self.scoped.get(table.name, {}))
        loose = self.loose.get(table.name, 0)
        found: dict[tuple, int] = defaultdict(int)
        by_columns: dict[tuple, dict[tuple, tuple]] = defaultdict(dict)  # bulk rows: parent columns -> scope
        for scope in scopes:
            by_columns[tuple(c for c, _ in scope)][tuple(v for _, v in scope)] = scope
        out: list[Difference] = []
        seen: set[Key] = set()
        n = 0
        for row in conn.execute(select(*columns)).mappings():
            n += 1
            key = _key(table, row)
            seen.add(key)
            if key in expected:
                if expected[key]:
                    out.extend(self._columns(table, key, expected[key], row))
                continue
            scope = next(
                (
                    found_scope
                    for names, values in by_columns.items()
                    if (found_scope := values.get(tuple(row[c] for c in names))) is not None
                ),
                None,
            )
            if scope is not None:
                found[scope] += 1
            elif loose > 0:
                loose -= 1
            else:
                out.append(
                    Difference(
                        table.name,
                        _label(table, key),
                        None,
                        f"{table.name} {_label(table, key)} is in the table but in no audit event: "
                        "it was added outside theorize",
                    )
                )
        for key in expected.keys() - seen - self.maybe_gone.get(table.name, set()):
            out.append(
                Difference(
                    table.name,
                    _label(table, key),
                    None,
                    f"{table.name} {_label(table, key)} is in the audit trail but not in the table: "
                    "it was deleted outside theorize",
                )
            )
        for scope, count in scopes.items():
            if found[scope] != count:
                where = ", ".join(f"{c} {v}" for c, v in scope)
                out.append(
                    Difference(
                        table.name,
                        where,
                        None,
                        f"{table.name} rows of {where}: the audit trail has {count}, the table "
                        f"{found[scope]}: rows were added or deleted outside theorize",
                    )
                )
        return n, out

    def _columns(self, table: Table, key: Key, known: dict[str, Any], row) -> list[Difference]:
        out = []
        for column, value in known.items():
            if column not in row or (table.name, column) in _NOT_COMPARED:
                continue
            actual = row[column]
            actual = iso(actual) if isinstance(actual, datetime) else actual  # as the images hold it
            if _same(value, actual):
                continue
            label = _label(table, key)
            out.append(Difference(table.name, label, column, _differs(table.name, label, column, value, actual)))
        return out


def _cascades() -> dict[str, list[tuple[Table, str, str]]]:
    """For each table, the (child table, column, CASCADE or SET NULL) its deletion reaches."""
    out: dict[str, list[tuple[Table, str, str]]] = defaultdict(list)
    for child in schema.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.ondelete in ("CASCADE", "SET NULL"):
                out[fk.column.table.name].append((child, fk.parent.name, fk.ondelete))
    return out


def replay_trail(conn: Connection) -> Replay:
    """Replay every recorded change, event by event."""
    replay = Replay()
    ev = schema.audit_event
    for action, changes in conn.execute(select(ev.c.action, ev.c.changes).order_by(ev.c.id)):
        if action == "create project":
            replay.project_created()
        replay.apply(json.loads(changes))
    return replay


def compare_tables(conn: Connection) -> tuple[int, list[Difference]]:
    """Replay the trail and compare every table the trail vouches for: (rows read, differences)."""
    replay = replay_trail(conn)
    present = inspect(conn)
    names = set(present.get_table_names())
    total, differences = 0, []
    for table in compared_tables():
        if table.name not in names:
            continue  # a table of a newer schema than this project's
        columns = {c["name"] for c in present.get_columns(table.name)}
        n, found = replay.compare(conn, table, [c for c in table.c if c.name in columns])
        total += n
        differences.extend(found)
    return total, differences
