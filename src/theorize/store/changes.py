"""The change recorder: every row a service writes goes through here, so each action's before and
after images land in its audit event and ``undo`` can reverse them exactly."""

from __future__ import annotations

import functools
import hashlib
import operator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, LargeBinary, Table, Text, bindparam, cast, delete, insert, select, update

from theorize.store import schema
from theorize.store.rows import from_json, to_json

LONG_TEXT = 2000


@dataclass(frozen=True)
class LongText:
    """A long text (a transcript) handed to :meth:`Changes.insert` as its UTF-8 bytes, with the
    SHA-256 and length in characters that the audit records in its place.

    The caller can then let go of the ``str`` before the database makes its own copies: a
    transcript with one curly apostrophe is held by Python at two or four bytes a character, and
    binding that ``str`` would add a UTF-8 copy cached inside it for as long as it lives.
    SQLite stores the bytes as TEXT (``CAST(? AS TEXT)``, no copy); other databases get a ``str``.
    """

    utf8: bytes
    sha256: str
    characters: int

    @classmethod
    def of(cls, text: str, sha256: str | None = None) -> LongText:
        """The text's UTF-8 and its digest (computed here when not given)."""
        return cls(text.encode("utf-8"), sha256 or text_sha256(text), len(text))


def text_sha256(text: str, chunk: int = 1 << 20) -> str:
    """The SHA-256 of a text's UTF-8, a megabyte at a time (a whole copy would double the memory).

    Examples:
        >>> text_sha256("café", chunk=2) == hashlib.sha256("café".encode()).hexdigest()
        True
    """
    digest = hashlib.sha256()
    for i in range(0, len(text), chunk):
        digest.update(text[i : i + chunk].encode("utf-8"))
    return digest.hexdigest()


def _abbreviated(image: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in image.items():
        if isinstance(value, LongText):
            value = {"sha256": value.sha256, "characters": value.characters}
        elif isinstance(value, str) and len(value) > LONG_TEXT:
            value = {"sha256": text_sha256(value), "characters": len(value)}
        out[key] = value
    return out


@functools.cache
def _insert_returning(table: Table):
    """One statement object per table, built once: SQLAlchemy then reuses its compiled form."""
    return insert(table).returning(table.c.id)


@functools.cache
def _insert_bytes_as_text(table: Table, columns: tuple[str, ...]):
    """An insert whose ``columns`` take UTF-8 bytes and store them as TEXT (SQLite)."""
    as_text = {c: cast(bindparam(c, type_=LargeBinary), Text) for c in columns}
    return insert(table).values(as_text).returning(table.c.id)


class Changes:
    """Writes rows on one connection inside one transaction and remembers what changed."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.items: list[dict[str, Any]] = []

    def insert(self, table: Table, values: dict[str, Any]) -> int:
        """Insert one row and return its id.

        The audit image of an inserted row keeps long texts (a transcript) as their SHA-256 and
        length: undoing an insertion needs only the id, and the text itself is in the row. A
        :class:`LongText` value is stored as its text and recorded the same way.
        """
        long = tuple(k for k, v in values.items() if isinstance(v, LongText))
        if not long:
            new_id = self.conn.execute(_insert_returning(table), values).scalar_one()
        elif self.conn.dialect.name == "sqlite":
            params = {k: v.utf8 if k in long else v for k, v in values.items()}
            new_id = self.conn.execute(_insert_bytes_as_text(table, long), params).scalar_one()
            del params
        else:
            params = {k: v.utf8.decode("utf-8") if k in long else v for k, v in values.items()}
            new_id = self.conn.execute(_insert_returning(table), params).scalar_one()
            del params
        row = {**values, "id": new_id}
        self.items.append({"table": table.name, "op": "insert", "after": _abbreviated(to_json(row))})
        return new_id

    def insert_link(self, table: Table, values: dict[str, Any]) -> None:
        """Insert one row of a table keyed by its columns (no id), e.g. an attribute value."""
        self.conn.execute(insert(table).values(**values))
        self.items.append({"table": table.name, "op": "insert_link", "after": to_json(values)})

    def delete_link(self, table: Table, key: dict[str, Any]) -> None:
        """Delete the row of a keyed table matching ``key``, remembering it."""
        cond = [table.c[k] == v for k, v in key.items()]
        row = self.conn.execute(select(table).where(*cond)).mappings().first()
        if row is None:
            return
        self.conn.execute(delete(table).where(*cond))
        self.items.append({"table": table.name, "op": "delete_link", "before": to_json(dict(row))})

    def insert_many(self, table: Table, rows: list, scope: dict[str, Any], columns: list[str] | None = None) -> None:
        """Insert many child rows at once (segments of a new version); undo removes them by ``scope``.

        ``rows`` are mappings, or tuples in the order of ``columns``.
        """
        if rows:
            # Straight to the driver: thousands of rows of a few plain columns do not need SQLAlchemy's
            # per-row parameter processing, which would otherwise dominate an import.
            if columns is None:
                columns = list(rows[0])
                pick = operator.itemgetter(*columns)
                rows = [pick(r) for r in rows]
            names = ", ".join(self.conn.dialect.identifier_preparer.quote(c) for c in columns)
            style = self.conn.dialect.paramstyle
            marks = ", ".join(["%s" if style in ("format", "pyformat") else "?"] * len(columns))
            self.conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
        self.items.append({"table": table.name, "op": "insert_many", "where": scope, "count": len(rows)})

    def insert_rows(self, table: Table, rows: list[dict[str, Any]]) -> list[int]:
        """Insert many rows in one statement and return their ids in order; undo removes them by id.

        For bulk work (a REFI-QDA import of thousands of codings) where one audit entry per row
        would be wasteful; the event still lists every id it created.
        """
        if not rows:
            return []
        result = self.conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
        ids = [r[0] for r in result]
        self.items.append({"table": table.name, "op": "insert_rows", "ids": ids})
        return ids

    def insert_dependents(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Insert rows that live and die with parent rows inserted in the same action (their foreign
        key cascades on delete), so undoing the parents' insertion removes them too."""
        if rows:
            self.conn.execute(insert(table), rows)
        self.items.append({"table": table.name, "op": "insert_dependents", "count": len(rows)})

    def update(self, table: Table, row_id: int, values: dict[str, Any]) -> dict[str, Any]:
        """Change columns of one row; returns the row as it was."""
        before = self.conn.execute(select(table).where(table.c.id == row_id)).mappings().one()
        changed = {k: v for k, v in values.items() if before[k] != v}
        if changed:
            self.conn.execute(update(table).where(table.c.id == row_id).values(**changed))
            self.items.append(
                {
                    "table": table.name,
                    "op": "update",
                    "id": row_id,
                    "before": to_json({k: before[k] for k in changed}),
                    "after": to_json(changed),
                }
            )
        return dict(before)

    def delete(self, table: Table, row_id: int) -> None:
        """Delete one row, remembering all of it."""
        row = self.conn.execute(select(table).where(table.c.id == row_id)).mappings().one()
        self.conn.execute(delete(table).where(table.c.id == row_id))
        self.items.append({"table": table.name, "op": "delete", "before": to_json(dict(row))})


def _withheld(image: Any) -> bool:
    """True when a before-image holds a value replaced by its digest (de-identification withheld it)."""
    return isinstance(image, dict) and any(isinstance(v, dict) and "sha256" in v for v in image.values())


def reverse(conn: Connection, items: list[dict[str, Any]]) -> Changes:
    """Apply the inverse of recorded changes, newest first; returns the changes the reversal made."""
    undo = Changes(conn)
    if any(item["op"] == "withhold" or _withheld(item.get("before")) for item in items):
        from theorize.errors import Conflict

        raise Conflict(
            "That event's earlier words were de-identified (kept only in the vault), so it cannot be undone."
        )
    for item in reversed(items):
        table = schema.metadata.tables[item["table"]]
        op = item["op"]
        if op == "insert":
            undo.delete(table, item["after"]["id"])
        elif op == "insert_link":
            undo.delete_link(table, item["after"])
        elif op == "delete_link":
            undo.insert_link(table, from_json(table, item["before"]))
        elif op == "insert_many":
            cond = [table.c[k] == v for k, v in item["where"].items()]
            conn.execute(delete(table).where(*cond))
            undo.items.append({"table": table.name, "op": "delete_many", "where": item["where"]})
        elif op == "insert_dependents":
            continue  # removed with their parents by the foreign key's cascade
        elif op == "insert_rows":
            for chunk in range(0, len(item["ids"]), 500):
                conn.execute(delete(table).where(table.c.id.in_(item["ids"][chunk : chunk + 500])))
            undo.items.append({"table": table.name, "op": "delete_rows", "ids": item["ids"]})
        elif op == "update":
            undo.update(table, item["id"], from_json(table, item["before"]))
        elif op == "delete":
            values = from_json(table, item["before"])
            conn.execute(insert(table).values(**values))
            undo.items.append({"table": table.name, "op": "insert", "after": item["before"]})
        else:  # pragma: no cover - a new op must be handled here
            raise ValueError(f"cannot reverse a {op!r} change")
    return undo
