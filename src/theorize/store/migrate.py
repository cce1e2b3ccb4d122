"""Bring a project's schema up to date with Alembic, backing up a SQLite project first."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from theorize.store.files import create_private_database

MIGRATIONS = Path(__file__).with_name("migrations")


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The newest schema revision this version of theorize knows."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "theorize ships its migrations, so there is always a head"
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema revision a project is at, or None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, sqlite_path: Path | None = None) -> str | None:
    """Migrate to the newest schema; returns the backup file's path when one was made.

    A SQLite project that already has tables is copied to ``<file>.bak-<revision>-<time>`` before
    the migration runs, so a failed or unwanted migration never costs the researcher their work.
    """
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return None
    backup = None
    if current is not None and sqlite_path is not None and sqlite_path.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        backup = sqlite_path.with_name(f"{sqlite_path.name}.bak-{current}-{stamp}")
        # SQLite's online backup copies a consistent image, the write-ahead log included; the copy
        # is made owner-only before SQLite opens it, like the project itself.
        create_private_database(backup)
        source, target = sqlite3.connect(sqlite_path), sqlite3.connect(backup)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return str(backup) if backup else None
