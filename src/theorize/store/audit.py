"""The audit trail: an append-only hash chain of events, one per user action.

Each event's hash covers its own content and the previous event's hash, so editing, removing or
reordering any event breaks the chain. The newest hash and the count are also kept on the study row,
so cutting events off the end shows too. The checks (chain, anchors, the deep replay) are in
``audit_verify`` and ``audit_replay``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from theorize.store.rows import iso
from theorize.store.schema import audit_event, study

GENESIS = "0" * 64

# Built once; appended to on every action.
_HEAD = select(study.c.id, study.c.audit_head, study.c.audit_count).with_for_update()
_LAST = select(audit_event.c.id, audit_event.c.hash).order_by(audit_event.c.id.desc()).limit(1)
_INSERT = insert(audit_event)
_MOVE_HEAD = (update(study).where(study.c.id == bindparam("study_id"))
              .values(audit_head=bindparam("head"), audit_count=bindparam("count")))


def event_hash(prev_hash: str, event_id: int, at: datetime, actor: str, action: str,
               summary: str, changes: str, undoes: int | None) -> str:
    """SHA-256 over the event's fields and the hash before it, in one fixed serialisation."""
    payload = json.dumps(
        [prev_hash, event_id, iso(at), actor, action, summary, changes, undoes],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append_event(conn: Connection, *, actor: str, action: str, summary: str,
                 changes: list[dict[str, Any]], undoes: int | None = None) -> int:
    """Append one event to the chain inside the caller's transaction; returns its id."""
    head = conn.execute(_HEAD).one()
    last = conn.execute(_LAST).first()
    prev_hash = last.hash if last else GENESIS
    event_id = (last.id if last else 0) + 1
    at = datetime.now(timezone.utc)
    body = json.dumps(changes, ensure_ascii=False, separators=(",", ":"), default=str)
    digest = event_hash(prev_hash, event_id, at, actor, action, summary, body, undoes)
    conn.execute(_INSERT, {"id": event_id, "at": at, "actor": actor, "action": action, "summary": summary,
                           "changes": body, "undoes": undoes, "prev_hash": prev_hash, "hash": digest})
    conn.execute(_MOVE_HEAD, {"study_id": head.id, "head": digest, "count": event_id})
    return event_id
