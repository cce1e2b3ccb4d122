"""Two people at once: the later of two clashing actions is carried over or refused in one sentence.

- A rename names the code as the person saw it (``expected``); when someone renamed it meanwhile,
  the second rename is refused, naming who renamed it to what (:func:`renamed_meanwhile`).
- A coding names the text version its offsets were read from; when an owner corrected the text
  meanwhile, the span is carried to the current version through the same word diff that carries
  every stored coding (``domain/anchoring.py``), or refused when its words changed
  (:func:`carried_span`). Nothing is coded on words the person did not select.

Both run inside the action's transaction, under the project's write lock, so what they read stays
true until the action commits.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, select

from theorize.domain.anchoring import TextDiff
from theorize.errors import Conflict, InvalidInput
from theorize.store import schema as t


def renamed_meanwhile(conn: Connection, row, expected: str) -> str:
    """The sentence refusing a rename of a code whose name is no longer ``expected``."""
    who = _last_renamer(conn, row["id"])
    by = f"{who} renamed it to {row['name']!r}" if who else f"it is now called {row['name']!r}"
    return (
        f"The code {expected!r} was changed since you opened it ({by}), so it was not renamed again; "
        f"reload the page and rename {row['name']!r} if you still want to."
    )


def _last_renamer(conn: Connection, code_id: int) -> str | None:
    """Who last changed the code's name (the newest event whose changes set it), if anyone."""
    rows = conn.execute(
        select(t.audit_event.c.actor, t.audit_event.c.changes)
        .where(t.audit_event.c.action.in_(("rename code", "undo")))
        .order_by(t.audit_event.c.id.desc())
        .limit(200)
    ).all()
    for actor, changes in rows:
        for item in json.loads(changes or "[]"):
            if (
                item.get("table") == "code"
                and item.get("op") == "update"
                and item.get("id") == code_id
                and "name" in (item.get("after") or {})
            ):
                return actor
    return None


def carried_span(conn: Connection, src, start: int, end: int, version: int | None) -> tuple[int, int]:
    """``start``-``end`` read from ``version`` of the source, as a span of its current version.

    Unchanged words are carried over by the word diff; a span whose words were changed or deleted
    by the correction is refused (a person selects them again), never coded on other words.
    """
    current = src["current_version"]
    if version is None or version == current:
        return start, end
    if not 1 <= version < current:
        raise InvalidInput(
            f"{src['name']} has no text version {version} (the current one is {current}); reload the page."
        )
    texts = dict(
        conn.execute(
            select(t.source_version.c.version, t.source_version.c.text).where(
                t.source_version.c.source_id == src["id"], t.source_version.c.version.in_((version, current))
            )
        ).all()
    )
    old = texts[version]
    if not 0 <= start < end <= len(old):
        raise InvalidInput(
            f"The span {start}-{end} does not fit version {version} of {src['name']}; reload the page and "
            "select the words again."
        )
    anchor = TextDiff(old, texts[current]).anchor(start, end)
    if anchor.review is not None or anchor.end <= anchor.start:
        raise Conflict(
            f"The words you selected in {src['name']} were corrected since you opened it (version {version} is now "
            f"version {current}), so nothing was coded; reload the page and select them again.",
            source=src["name"],
        )
    return anchor.start, anchor.end
