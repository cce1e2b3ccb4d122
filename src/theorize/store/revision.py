"""Is a project's schema current? Answered without loading Alembic (it costs a command start-up
more than the command itself): the revision stamped in the project against the newest revision
among the migration files, read as text.

Alembic is loaded only when a project has to be migrated (``store.migrate.upgrade``); a test checks
that :func:`newest_revision` agrees with Alembic's own head.

Examples:
    >>> newest_revision() == sorted(_revisions())[-1][0]
    True
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Connection, Engine, exc, text

VERSIONS = Path(__file__).with_name("migrations") / "versions"
_REVISION = re.compile(r"""^revision(?:\s*:\s*[\w\[\], |]+)?\s*=\s*['"]([^'"]+)['"]""", re.M)
_DOWN = re.compile(r"""^down_revision(?:\s*:\s*[\w\[\], |]+)?\s*=\s*(?:['"]([^'"]+)['"]|None)""", re.M)


def _revisions() -> list[tuple[str, str | None]]:
    """(revision, down revision) of every migration file."""
    out = []
    for path in sorted(VERSIONS.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN.search(source)
        if revision and down:
            out.append((revision.group(1), down.group(1)))
    return out


@lru_cache(maxsize=1)
def newest_revision() -> str:
    """The head of the migration chain: the one revision no other revision follows."""
    revisions = _revisions()
    followed = {down for _, down in revisions if down}
    heads = [rev for rev, _ in revisions if rev not in followed]
    if len(heads) != 1:  # a branch or nothing found: let Alembic decide
        return ""
    return heads[0]


def stamped_revision(conn: Connection) -> str | None:
    """The revision a project's database says it is at (None before the first migration)."""
    try:
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    except exc.DBAPIError:  # no alembic_version table: nothing was migrated yet
        conn.rollback()
        return None
    return row[0] if row else None


def is_current(engine: Engine) -> bool:
    """True when the project's schema is the newest this version of theorize knows."""
    head = newest_revision()
    if not head:
        return False
    with engine.connect() as conn:
        return stamped_revision(conn) == head
