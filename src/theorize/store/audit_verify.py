"""Checking the audit trail: the hash chain, anchors kept elsewhere, and (see ``audit_replay``) the
tables against the changes the trail recorded.

The chain alone shows an event edited in place, an event removed from the middle (a gap in the
numbers) and events cut off its end (the study row keeps the count and the newest hash). It cannot
show a trail cut back *and* its study row updated to match, nor a trail rewritten from some event on
with every later hash recomputed: whoever can write the database can do both. An **anchor** closes
that gap: the newest event's number and hash, printed by ``theorize audit anchor`` (and in every
report) for the researcher to keep somewhere else. Each hash covers every event before it, so an
anchor vouches for the whole trail up to its event: ``audit verify --anchor`` then shows whether
anything up to there was removed or rewritten since.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, func, select

from theorize.errors import InvalidInput
from theorize.store.audit import GENESIS, event_hash
from theorize.store.rows import utc
from theorize.store.schema import audit_event, study

_ANCHOR = re.compile(r"^\s*(\d+):([0-9a-fA-F]{64})\s*$")


@dataclass(frozen=True)
class Anchor:
    """The newest event's number and hash (and when it was written), to keep outside the project.

    Its text form is ``<event>:<hash>``, e.g. ``42:3f5a…`` (64 hex digits).

    Examples:
        >>> a = Anchor.parse("42:" + "ab" * 32)
        >>> a.event, str(a) == "42:" + "ab" * 32
        (42, True)
    """

    event: int
    hash: str
    at: datetime | None = None
    actor: str = ""

    def __str__(self) -> str:
        return f"{self.event}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """An anchor from its text form; anything else is refused in one sentence."""
        match = _ANCHOR.match(text or "")
        if match is None:
            raise InvalidInput(
                f"{text!r} is not an audit anchor; an anchor is an event number, a colon and "
                "64 hex digits (e.g. 42:3f5a...), as `theorize audit anchor` prints it."
            )
        return cls(int(match.group(1)), match.group(2).lower())


@dataclass
class TrailReport:
    """What ``audit verify`` found: ``ok`` when the trail is intact (and, if asked, the anchor holds and
    every table matches the trail). ``problems`` are sentences; ``differences`` name rows (deep check)."""

    events: int
    problems: list[str] = field(default_factory=list)
    anchor: Anchor | None = None
    deep: bool = False
    rows_checked: int = 0
    differences: list = field(default_factory=list)  # audit_replay.Difference, one per row and column

    @property
    def ok(self) -> bool:
        return not self.problems and not self.differences


def take_anchor(conn: Connection) -> Anchor:
    """The anchor for the trail as it stands: its newest event's number, hash and time."""
    row = conn.execute(
        select(audit_event.c.id, audit_event.c.hash, audit_event.c.at, audit_event.c.actor)
        .order_by(audit_event.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        raise InvalidInput("The audit trail is empty, so there is nothing to anchor.")
    return Anchor(row.id, row.hash, utc(row.at), row.actor)


def _missing(first: int, last: int, before: int, after: int) -> str:
    where = f"between events {before} and {after}" if before else f"before event {after}"
    if first == last:
        return f"event {first} is missing: it was removed from the middle of the trail ({where})"
    return f"events {first} to {last} are missing: they were removed from the middle of the trail ({where})"


def check_chain(conn: Connection) -> TrailReport:
    """Recompute every hash and follow the numbers; say in plain words what was edited, removed
    (from the middle or from the end) or reordered."""
    rows = conn.execute(select(audit_event).order_by(audit_event.c.id)).mappings().all()
    report = TrailReport(events=len(rows))
    prev_hash, prev_id = GENESIS, 0
    for row in rows:
        if row["id"] > prev_id + 1:
            report.problems.append(_missing(prev_id + 1, row["id"] - 1, prev_id, row["id"]))
        elif row["prev_hash"] != prev_hash:
            report.problems.append(f"event {row['id']} does not follow the event before it (removed or reordered)")
        recomputed = event_hash(
            row["prev_hash"],
            row["id"],
            row["at"],
            row["actor"],
            row["action"],
            row["summary"],
            row["changes"],
            row["undoes"],
            row.get("hash_version") or 1,
        )
        if recomputed != row["hash"]:
            report.problems.append(f"event {row['id']} ({row['action']}) was changed after it was written")
        prev_hash, prev_id = row["hash"], row["id"]
    head = conn.execute(select(study.c.audit_head, study.c.audit_count)).first()
    problem = head and _head_problem(head.audit_count, head.audit_head, prev_id, prev_hash)
    if problem:
        report.problems.append(problem)
    return report


def _head_problem(count: int, head: str, last_id: int, last_hash: str) -> str | None:
    if count > last_id:
        cut = f"event {count} was" if count == last_id + 1 else f"events {last_id + 1} to {count} were"
        return (
            f"the trail should hold {count} events ending in {head[:12]}, but its last is event {last_id}: "
            f"{cut} removed from its end"
        )
    if count < last_id:
        return (
            f"the study row counts {count} events but the trail holds {last_id}: "
            "the study row was changed outside theorize"
        )
    if head != last_hash:
        return (
            f"the study row's newest hash {head[:12]} is not event {last_id}'s {last_hash[:12]}: "
            "the last event or the study row was changed outside theorize"
        )
    return None


def check_anchor(conn: Connection, anchor: Anchor) -> str | None:
    """What the trail lost or had rewritten since ``anchor`` was taken (None when it holds)."""
    last = conn.execute(select(func.max(audit_event.c.id))).scalar() or 0
    row = conn.execute(select(audit_event.c.hash).where(audit_event.c.id == anchor.event)).first()
    if row is None and anchor.event > last:
        return (
            f"the anchor names event {anchor.event}, but the trail ends at event {last}: "
            "it was cut back since the anchor was taken"
        )
    if row is None:
        return (
            f"the anchor names event {anchor.event}, which is no longer in the trail: "
            "it was removed since the anchor was taken"
        )
    if row.hash != anchor.hash:
        return (
            f"event {anchor.event}'s hash is {row.hash[:12]}, not the anchor's {anchor.hash[:12]}: "
            f"the trail up to event {anchor.event} was rewritten since the anchor was taken"
        )
    return None
