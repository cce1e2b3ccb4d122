"""Undo through the audit log, and the chain check."""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import select

from theorize.errors import InvalidInput
from theorize.services.base import ProjectBase
from theorize.store import schema as t
from theorize.store.audit import ChainReport, append_event, verify_chain
from theorize.store.changes import reverse
from theorize.store.engine import write_transaction

NOT_UNDOABLE = {"create project", "undo"}


class HistoryMixin(ProjectBase):
    """Undo and audit services."""

    def undo(self) -> str:
        """Revert the newest action not yet undone; returns what was undone, in words.

        The reversal is itself an audit event (``undo``) that names the event it reverts, so the
        trail stays append-only. Calling it again goes one action further back.
        """
        with write_transaction(self.engine) as conn:
            events = conn.execute(select(t.audit_event.c.id, t.audit_event.c.action, t.audit_event.c.undoes)
                                  .order_by(t.audit_event.c.id.desc())).all()
            undone = {e.undoes for e in events if e.undoes is not None}
            target = next((e for e in events if e.id not in undone and e.action not in NOT_UNDOABLE), None)
            if target is None:
                raise InvalidInput("There is nothing to undo.")
            row = conn.execute(select(t.audit_event).where(t.audit_event.c.id == target.id)).mappings().one()
            reversal = reverse(conn, json.loads(row["changes"]))
            summary = f"undid event {row['id']}: {row['summary']}"
            append_event(conn, actor=self.actor, action="undo", summary=summary,
                         changes=reversal.items, undoes=row["id"])
        return summary

    def verify_audit(self) -> ChainReport:
        """Check the audit trail: every event intact, none removed or reordered."""
        with self._read() as conn:
            return verify_chain(conn)

    def audit(self) -> pd.DataFrame:
        """The audit trail as a table: id, when, who, action, summary, undoes."""
        with self._read() as conn:
            rows = conn.execute(select(t.audit_event.c.id, t.audit_event.c.at, t.audit_event.c.actor,
                                       t.audit_event.c.action, t.audit_event.c.summary, t.audit_event.c.undoes)
                                .order_by(t.audit_event.c.id)).mappings().all()
        return pd.DataFrame([dict(r) for r in rows], columns=["id", "at", "actor", "action", "summary", "undoes"])
