"""Undo through the audit log (the checks of the trail are in audit_trail.py).

Undo is personal: ``undo()`` takes back the newest action of the person acting, however many
actions colleagues did since, as long as none of them built on it. ``undo(event=N)`` takes back a
named action, someone else's too, under the same condition.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, exc, select

from theorize.errors import Conflict, InvalidInput, NotFound
from theorize.services.base import ProjectBase, code_name_clash
from theorize.store import schema as t
from theorize.store.audit import append_event
from theorize.store.changes import reverse

if TYPE_CHECKING:
    import pandas as pd
else:
    from theorize._lazy import pandas as pd

NOT_UNDOABLE = {"create project", "undo"}

#: memo_link points at its target by (type, id) rather than by a foreign key.
_LINK_TARGETS = {"code", "source", "coding", "memo"}

Row = tuple[str, Any]  # (table, key): key is the id, or the primary key's values for link tables


def _key(table_name: str, image: dict[str, Any]) -> Row:
    table = t.metadata.tables[table_name]
    if "id" in table.c:
        return table_name, image["id"]
    return table_name, tuple(image.get(c.name) for c in table.primary_key)


def _points_at(table_name: str, image: dict[str, Any]) -> set[Row]:
    """The rows an inserted or changed row refers to (its foreign keys, and a memo link's target)."""
    table = t.metadata.tables[table_name]
    out: set[Row] = set()
    for name, value in image.items():
        if value is None or name not in table.c:
            continue
        for fk in table.c[name].foreign_keys:
            out.add((fk.column.table.name, value))
    if table_name == "memo_link" and image.get("target_type") in _LINK_TARGETS:
        out.add((image["target_type"], image.get("target_id")))
    return out


class Footprint:
    """What one event did, row by row: enough to tell whether a later event built on it."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.touched: set[Row] = set()
        self.created: set[Row] = set()
        self.removed: set[Row] = set()
        self.refers: set[Row] = set()
        for item in items:
            name, op = item["table"], item["op"]
            if op in ("insert", "insert_link"):
                row = _key(name, item["after"])
                self.created.add(row)
                self.refers |= _points_at(name, item["after"])
            elif op == "update":
                row = (name, item["id"])
                self.refers |= _points_at(name, item["after"])
            elif op in ("delete", "delete_link"):
                row = _key(name, item["before"])
                self.removed.add(row)
            elif op in ("insert_rows", "delete_rows"):
                rows = {(name, i) for i in item["ids"]}
                self.touched |= rows
                (self.created if op == "insert_rows" else self.removed).update(rows)
                continue
            elif op in ("insert_many", "delete_many"):  # child rows of one parent, e.g. a version's turns
                row = (name, ("where", tuple(sorted(item["where"].items()))))
                self.refers |= _points_at(name, item["where"])
            else:  # insert_dependents: rows that live and die with their parents
                continue
            self.touched.add(row)

    def builds_on(self, earlier: Footprint) -> bool:
        """True when undoing ``earlier`` would pull the ground from under this event."""
        return bool(self.touched & earlier.touched or self.refers & earlier.created or earlier.refers & self.removed)


class HistoryMixin(ProjectBase):
    """Undo and audit services."""

    def undo(self, event: int | None = None) -> str:
        """Take back an action; returns what was undone, in words.

        With no ``event``, the newest action of the person acting (see :meth:`acting_as`) that is
        not undone yet: calling it again goes one of their actions further back. With ``event``,
        that action, whoever did it; the words then say whose it was. An action is not undone while
        a later action that is not undone built on it (changed the same rows, or used what it
        made): that one is named, to be undone first.

        The reversal is itself an audit event (``undo``) that names the event it reverts, so the
        trail stays append-only. The choice is made under the project's write lock, so two people
        undoing at once never take back the same action.

        Examples:
            >>> study.undo()  # doctest: +SKIP
            "undid event 14: added code 'doing my time'"
            >>> study.undo(event=12)  # doctest: +SKIP
            "undid event 12 by Sam Okoye: coded C01_interview 74-177 with 'fear'"
        """
        actor = self.actor
        with self._write() as conn:
            target = self._undo_target(conn, actor, event)
            self._refuse_if_built_on(conn, target)
            whose = "" if target["actor"] == actor else f" by {target['actor']}"
            summary = f"undid event {target['id']}{whose}: {target['summary']}"
            try:
                reversal = reverse(conn, json.loads(target["changes"]))
            except (exc.IntegrityError, exc.NoResultFound) as error:
                raise Conflict(
                    f"Event {target['id']} cannot be undone: what was done since clashes with it "
                    f"({_first_line(error)}).",
                    event=target["id"],
                ) from None
            self._allowed(conn, "undo", reversal.items)
            append_event(conn, actor=actor, action="undo", summary=summary, changes=reversal.items, undoes=target["id"])
        return summary

    def _undo_target(self, conn: Connection, actor: str, event: int | None):
        ev = t.audit_event
        undone = select(ev.c.undoes).where(ev.c.undoes.is_not(None))
        if event is None:
            row = (
                conn.execute(
                    select(ev)
                    .where(ev.c.actor == actor, ev.c.action.not_in(NOT_UNDOABLE), ev.c.id.not_in(undone))
                    .order_by(ev.c.id.desc())
                    .limit(1)
                )
                .mappings()
                .first()
            )
            if row is None:
                raise InvalidInput(
                    f"There is nothing to undo for {actor}; another person's action is undone by naming its event.",
                    hint="list_events",
                )
            return row
        row = conn.execute(select(ev).where(ev.c.id == event)).mappings().first()
        if row is None:
            raise NotFound(f"There is no event {event} in this project's history.", hint="list_events")
        if row["action"] in NOT_UNDOABLE:
            raise InvalidInput(f"Event {event} ({row['action']}) cannot be undone.")
        by = conn.execute(select(ev.c.id).where(ev.c.undoes == event)).first()
        if by is not None:
            raise Conflict(f"Event {event} was undone already, by event {by.id}.")
        return row

    def _refuse_if_built_on(self, conn: Connection, target) -> None:
        """Conflict naming the first later action, not undone, that built on ``target``."""
        ev = t.audit_event
        later = conn.execute(
            select(ev.c.id, ev.c.actor, ev.c.action, ev.c.summary, ev.c.changes, ev.c.undoes)
            .where(ev.c.id > target["id"])
            .order_by(ev.c.id)
        ).all()
        undone = {e.undoes for e in later if e.undoes is not None}
        mine = None
        for e in later:
            # an undo of an action after the target cancels that action: neither counts
            if e.id in undone or (e.undoes is not None and e.undoes > target["id"]):
                continue
            mine = mine or Footprint(json.loads(target["changes"]))
            if Footprint(json.loads(e.changes)).builds_on(mine):
                raise Conflict(
                    f"Event {target['id']} cannot be undone while event {e.id} by {e.actor} "
                    f"({e.summary}) builds on it; undo event {e.id} first.",
                    event=target["id"],
                    blocking=e.id,
                )

    def audit(self) -> pd.DataFrame:
        """The audit trail as a table: id, when, who, action, summary, undoes."""
        with self._read() as conn:
            rows = (
                conn.execute(
                    select(
                        t.audit_event.c.id,
                        t.audit_event.c.at,
                        t.audit_event.c.actor,
                        t.audit_event.c.action,
                        t.audit_event.c.summary,
                        t.audit_event.c.undoes,
                    ).order_by(t.audit_event.c.id)
                )
                .mappings()
                .all()
            )
        return pd.DataFrame([dict(r) for r in rows], columns=["id", "at", "actor", "action", "summary", "undoes"])


def _first_line(error: exc.DBAPIError | exc.NoResultFound) -> str:
    if isinstance(error, exc.NoResultFound):
        return "a row it changed is gone"
    if isinstance(error, exc.IntegrityError) and code_name_clash(error):
        return "a code it brings back has the name of a code now in the same place; rename one of them first"
    lines = str(error.orig).strip().splitlines()
    return lines[0].rstrip(".") if lines else type(error).__name__
