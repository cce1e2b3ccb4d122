"""The core of a project: its engine, the action context and lookups by id or name."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, and_, select
from sqlalchemy.exc import IntegrityError

from theorize.errors import Conflict, NotFound
from theorize.store import schema as t
from theorize.store.audit import append_event
from theorize.store.changes import Changes
from theorize.store.engine import LOCK_WAIT, OnWait, read_connection, write_transaction

#: How a source meets its current text: ``.join(t.source_version, CURRENT_VERSION)``.
CURRENT_VERSION = and_(
    t.source_version.c.source_id == t.source.c.id, t.source_version.c.version == t.source.c.current_version
)

log = logging.getLogger("theorize.services")

#: The person acting in the current context (a web request, a notebook cell under ``acting_as``).
_ACTOR: ContextVar[str | None] = ContextVar("theorize_actor", default=None)


def now() -> datetime:
    return datetime.now(UTC)


def new_guid() -> str:
    return str(uuid.uuid4())


def code_name_clash(error: IntegrityError) -> bool:
    """True when the database refused two live codes of one name in one place (migration 0004)."""
    text = str(error.orig)
    return "uq_code_live_name" in text or "code.name" in text


@dataclass
class Action:
    """What a service hands the action block: the recorder and the summary to write."""

    changes: Changes
    summary: str = ""

    @property
    def conn(self) -> Connection:
        return self.changes.conn


class ProjectBase:
    """A study project opened on one database. Use :func:`theorize.open_project` to get one.

    Attributes:
        user: who acts when no one is named by :meth:`acting_as` (the person who opened it).
        lock_wait: seconds an action waits while another action holds the project, before it
            gives up with :class:`~theorize.errors.Busy`.
        on_wait: what to show while waiting: a function returning a context manager (the CLI's
            spinner), or None.
    """

    def __init__(self, engine: Engine, location: str, user: str) -> None:
        self.engine = engine
        self.location = location
        self.user = user
        self.lock_wait: float = LOCK_WAIT
        self.on_wait: OnWait | None = None

    def __repr__(self) -> str:
        return f"<theorize project {self.location!r} as {self.actor!r}>"

    @property
    def actor(self) -> str:
        """Who the next action is done by: the person named by :meth:`acting_as`, else the opener."""
        return _ACTOR.get() or self.user

    @contextmanager
    def acting_as(self, person: str) -> Iterator[None]:
        """Act as ``person`` inside the block: the audit names them and their undo is theirs.

        One project (one engine) serves many people: a web server wraps each request in it.
        The setting is per thread and per asyncio task (a context variable).

        Examples:
            >>> with study.acting_as("Sam Okoye"):  # doctest: +SKIP
            ...     study.code("C01_interview.docx", "doing my time", quote="doing my time")
        """
        person = (person or "").strip()
        if not person:
            from theorize.errors import InvalidInput

            raise InvalidInput("An action needs the name of the person doing it.")
        token = _ACTOR.set(person)
        try:
            yield
        finally:
            _ACTOR.reset(token)

    @property
    def path(self) -> Path | None:
        """The project file, or None for a PostgreSQL project."""
        return None if "://" in self.location else Path(self.location)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- the one write path -------------------------------------------------------------------
    def _write(self):
        """A transaction holding the project's write lock (waiting as this project is told to)."""
        return write_transaction(self.engine, wait=self.lock_wait, on_wait=self.on_wait)

    @contextmanager
    def _action(self, action: str, summary: str = "") -> Iterator[Action]:
        """One user action: one transaction, one audit event, or nothing at all if it fails."""
        with self._write() as conn:
            act = Action(Changes(conn), summary)
            try:
                yield act
            except IntegrityError as error:  # the schema's rule, met where no check came first
                if not code_name_clash(error):
                    raise
                raise Conflict(
                    "That would give two codes the same name in one place of the codebook; rename one of them first."
                ) from None
            if not act.changes.items:  # nothing changed (a folder of duplicates): nothing to record
                return
            self._allowed(conn, action, act.changes.items)
            event = append_event(conn, actor=self.actor, action=action, summary=act.summary, changes=act.changes.items)
        log.info("%s: %s (event %d)", action, act.summary, event)

    def _allowed(self, conn: Connection, action: str, items: list[dict]) -> None:
        """A last check of an action's changes before they are recorded; raising rolls it back
        (a frozen codebook in a blind round: ``services/rounds.py``)."""

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with read_connection(self.engine) as conn:
            yield conn

    # -- lookups ------------------------------------------------------------------------------
    def _coder_id(self, conn: Connection, name: str | None, changes: Changes | None = None) -> int:
        """The coder's id; a coder named for the first time is added (inside the same action)."""
        name = name or self.actor
        row = conn.execute(select(t.coder.c.id).where(t.coder.c.name == name)).first()
        if row:
            return row.id
        if changes is None:
            raise NotFound(f"There is no coder called {name!r} in this project.")
        return changes.insert(t.coder, {"name": name, "role": "", "guid": new_guid(), "created_at": now()})

    def _source_row(self, conn: Connection, ref: int | str):
        q = select(t.source)
        q = q.where(t.source.c.id == ref) if isinstance(ref, int) else q.where(t.source.c.name == ref)
        row = conn.execute(q).mappings().first()
        if row is None:
            hint = "; `theorize sources` lists them" if isinstance(ref, str) else ""
            raise NotFound(f"There is no source {ref!r} in this project{hint}.")
        return row

    def _source_text(self, conn: Connection, source_id: int, version: int | None = None) -> tuple[int, str]:
        """(version row id, text) of a source's current (or given) version."""
        src = self._source_row(conn, source_id)
        v = version or src["current_version"]
        row = conn.execute(
            select(t.source_version.c.id, t.source_version.c.text).where(
                t.source_version.c.source_id == source_id, t.source_version.c.version == v
            )
        ).one()
        return row.id, row.text

    def _code_row(self, conn: Connection, ref: int | str, *, include_merged: bool = False):
        """A code by id, by name, or by path ("parent/child"); names repeated in branches need a path."""
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit() and not self._code_named(conn, ref)):
            row = conn.execute(select(t.code).where(t.code.c.id == int(ref))).mappings().first()
            if row is None:
                raise NotFound(f"There is no code with id {ref} in this project.")
        else:
            rows = self._codes_by_path(conn, ref)
            if not rows and len(ref) > 2 and ref[0] == ref[-1] == '"':  # an in-vivo code typed with straight quotes
                rows = self._codes_by_path(conn, f"\u201c{ref[1:-1]}\u201d")
            if not include_merged:
                live = [r for r in rows if r["merged_into_id"] is None]
                rows = live or rows
            if not rows:
                raise NotFound(f"There is no code called {ref!r}; `theorize codes` shows the codebook.")
            if len(rows) > 1:
                ids = ", ".join(str(r["id"]) for r in rows)
                raise Conflict(
                    f"More than one code is called {ref!r} (ids {ids}); name it by its path, e.g. 'parent/{ref}', or by id."
                )
            row = rows[0]
        return row

    def _code_named(self, conn: Connection, name: str) -> bool:
        return conn.execute(select(t.code.c.id).where(t.code.c.name == name)).first() is not None

    def _codes_by_path(self, conn: Connection, path: str) -> list:
        parts = [p.strip() for p in path.split("/")] if "/" in path and not self._code_named(conn, path) else [path]
        candidates = conn.execute(select(t.code).where(t.code.c.name == parts[-1])).mappings().all()
        if len(parts) == 1:
            return list(candidates)
        out = []
        for cand in candidates:
            node, ok = cand, True
            for name in reversed(parts[:-1]):
                if node["parent_id"] is None:
                    ok = False
                    break
                node = conn.execute(select(t.code).where(t.code.c.id == node["parent_id"])).mappings().one()
                if node["name"] != name:
                    ok = False
                    break
            if ok:
                out.append(cand)
        return out

    def _participant_id(self, conn: Connection, pseudonym: str, changes: Changes | None = None, group: str = "") -> int:
        row = conn.execute(select(t.participant.c.id).where(t.participant.c.pseudonym == pseudonym)).first()
        if row:
            return row.id
        if changes is None:
            raise NotFound(f"There is no participant {pseudonym!r} in this project.")
        return changes.insert(
            t.participant, {"pseudonym": pseudonym, "group_name": group, "guid": new_guid(), "created_at": now()}
        )
