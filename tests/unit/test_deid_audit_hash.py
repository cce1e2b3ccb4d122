"""Version-2 event hashes cover a digest of each image value and of the summary, so withholding
identified words (replacing them by their digest) keeps the chain; version-1 events still verify."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import text, update

from theorize.deid.scrub import Identified, withhold_event
from theorize.store.audit import event_hash
from theorize.store.schema import audit_event

AT = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def test_withholding_a_value_keeps_a_version_2_hash_and_breaks_a_version_1_hash():
    changes = json.dumps(
        [
            {
                "table": "memo",
                "op": "update",
                "id": 1,
                "before": {"body": "Judge Harmon said no"},
                "after": {"body": "[Judge A] said no"},
            }
        ]
    )
    summary = "edited memo about Harmon"
    originals: dict[str, str] = {}
    new_summary, new_changes = withhold_event(summary, changes, Identified({"Harmon": "[Judge A]"}), originals)
    assert "Harmon" not in new_summary + new_changes and len(originals) == 2
    args = ("0" * 64, 1, AT, "lena", "edit memo")
    assert event_hash(*args, summary, changes, None) == event_hash(*args, new_summary, new_changes, None)
    assert event_hash(*args, summary, changes, None, 1) != event_hash(*args, new_summary, new_changes, None, 1)
    tampered = new_changes.replace("[Judge A] said no", "[Judge A] said yes")
    assert event_hash(*args, summary, changes, None) != event_hash(*args, new_summary, tampered, None)


def test_a_project_with_version_1_events_still_verifies(project):
    project.add_code("waiting")
    project.add_code("fearing jail")
    with project.engine.begin() as conn:  # as a project written before migration 0009 has them
        rows = conn.execute(audit_event.select().order_by(audit_event.c.id)).mappings().all()
        prev = "0" * 64
        for row in rows:
            digest = event_hash(
                prev,
                row["id"],
                row["at"],
                row["actor"],
                row["action"],
                row["summary"],
                row["changes"],
                row["undoes"],
                1,
            )
            conn.execute(
                update(audit_event)
                .where(audit_event.c.id == row["id"])
                .values(prev_hash=prev, hash=digest, hash_version=1)
            )
            prev = digest
        conn.execute(text("update study set audit_head = :h"), {"h": prev})
    assert project.verify_audit().ok
    project.add_code("repair")  # a new event, version 2, after version-1 ones
    assert project.verify_audit().ok
    with project.engine.begin() as conn:
        conn.execute(text("update audit_event set summary = 'x' where id = 2"))
    assert "event 2" in " ".join(project.verify_audit().problems)
