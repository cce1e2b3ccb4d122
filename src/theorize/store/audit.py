"""The audit trail: an append-only hash chain of events, one per user action.

Each event's hash covers its own content and the previous event's hash, so editing, removing or
reordering any event breaks the chain. The newest hash and the count are also kept on the study row,
so cutting events off the end shows too. The checks (chain, anchors, the deep replay) are in
``audit_verify`` and ``audit_replay``.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from theorize.store.notify import notify_event
from theorize.store.rows import iso
from theorize.store.schema import audit_event, study

GENESIS = "0" * 64

# Built once; appended to on every action.
_LAST = select(audit_event.c.id, audit_event.c.hash).order_by(audit_event.c.id.desc()).limit(1)
#: The study row (locked) and the newest event, in one round trip: an action holds the write lock
#: while it appends, so each statement saved there is time every other writer waits less.
_HEAD = select(
    study.c.id,
    _LAST.with_only_columns(audit_event.c.id).scalar_subquery().label("last_id"),
    _LAST.with_only_columns(audit_event.c.hash).scalar_subquery().label("last_hash"),
).with_for_update()
_INSERT = insert(audit_event)
_MOVE_HEAD = (
    update(study)
    .where(study.c.id == bindparam("study_id"))
    .values(audit_head=bindparam("head"), audit_count=bindparam("count"))
)


#: How new events are hashed (``audit_event.hash_version``); 1 is how events before migration 0009 were.
HASH_VERSION = 2
_WITHHELD = re.compile(r"^\[withheld sha256:([0-9a-f]{64}) characters:(\d+)\]$")


def value_digest(value: Any) -> Any:
    """What a version-2 hash covers for one image value: a text as its SHA-256 and length (the form
    long inserted texts are recorded in already), anything else as it is. So a text can later be
    replaced by this digest, as de-identification does, and the event's hash still holds."""
    if isinstance(value, str):
        return {"sha256": hashlib.sha256(value.encode("utf-8")).hexdigest(), "characters": len(value)}
    return value


def withheld_summary(summary: str) -> str:
    """The text that stands for a summary withheld from the trail (it keeps the summary's digest)."""
    digest = value_digest(summary)
    return f"[withheld sha256:{digest['sha256']} characters:{digest['characters']}]"


def sealed_changes(changes: str, summary: str) -> str:
    """The form of an event's summary and change images a version-2 hash covers: every value of a
    before or after image by :func:`value_digest`; the rest (table, operation, ids) as written."""
    items = json.loads(changes)
    for item in items:
        for side in ("before", "after"):
            if isinstance(item.get(side), dict):
                item[side] = {k: value_digest(v) for k, v in item[side].items()}
    match = _WITHHELD.match(summary)
    said = {"sha256": match.group(1), "characters": int(match.group(2))} if match else value_digest(summary)
    return json.dumps([said, items], ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def event_hash(
    prev_hash: str,
    event_id: int,
    at: datetime,
    actor: str,
    action: str,
    summary: str,
    changes: str,
    undoes: int | None,
    version: int = HASH_VERSION,
) -> str:
    """SHA-256 over the event's fields and the hash before it, in one fixed serialisation.

    Version 1 covers the summary and the change images as written; version 2 covers them sealed
    (:func:`sealed_changes`), so identified text in them can be withheld without breaking the chain.
    """
    if version >= 2:
        summary, changes = "", sealed_changes(changes, summary)
    payload = json.dumps(
        [prev_hash, event_id, iso(at), actor, action, summary, changes, undoes],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append_event(
    conn: Connection, *, actor: str, action: str, summary: str, changes: list[dict[str, Any]], undoes: int | None = None
) -> int:
    """Append one event to the chain inside the caller's transaction; returns its id.

    The caller holds the write lock (:func:`theorize.store.engine.write_transaction`), so the
    newest event read here stays the newest until this one is committed.
    """
    head = conn.execute(_HEAD).one()
    prev_hash = head.last_hash or GENESIS
    event_id = (head.last_id or 0) + 1
    at = datetime.now(UTC)
    body = json.dumps(changes, ensure_ascii=False, separators=(",", ":"), default=str)
    digest = event_hash(prev_hash, event_id, at, actor, action, summary, body, undoes)
    conn.execute(
        _INSERT,
        {
            "id": event_id,
            "at": at,
            "actor": actor,
            "action": action,
            "summary": summary,
            "changes": body,
            "undoes": undoes,
            "prev_hash": prev_hash,
            "hash": digest,
            "hash_version": HASH_VERSION,
        },
    )
    conn.execute(_MOVE_HEAD, {"study_id": head.id, "head": digest, "count": event_id})
    notify_event(conn, event_id)  # PostgreSQL: other workers hear of it at commit
    return event_id
