"""Engines for a project: a SQLite file by default, PostgreSQL by URL.

Dialect-specific settings live here and nowhere else.
"""

from __future__ import annotations

from pathlib import Path

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, event

from theorize.errors import BackendUnavailable, InvalidInput
from theorize.store.files import create_private_database

PROJECT_SUFFIX = ".theorize"


def is_url(location: str) -> bool:
    """True when ``location`` is a database URL rather than a file path."""
    return "://" in location


def database_url(location: str | Path) -> str:
    """The SQLAlchemy URL for a project file path or a database URL.

    Examples:
        >>> database_url("study.theorize")
        'sqlite+pysqlite:///study.theorize'
        >>> database_url("postgresql://localhost/test")
        'postgresql+psycopg://localhost/test'
    """
    location = str(location)
    if is_url(location):
        if location.startswith(("postgresql://", "postgres://")):
            return "postgresql+psycopg://" + location.split("://", 1)[1]
        if location.startswith(("postgresql+", "sqlite")):
            return location
        raise InvalidInput(
            f"{location} is not a database theorize can use; give a .theorize file or a postgresql:// URL."
        )
    return f"sqlite+pysqlite:///{location}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
    dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" listener issue BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _owner_only_file(_dialect, _record, cargs, _cparams) -> None:
    """Before SQLite opens a project file: create it owner-only (its -wal and -shm follow)."""
    name = str(cargs[0]) if cargs else ""
    if name and name != ":memory:" and not name.startswith("file:"):
        create_private_database(name)


def make_engine(location: str | Path) -> Engine:
    """Create the engine for a project location with the dialect's settings applied."""
    url = database_url(location)
    if url.startswith("sqlite"):
        engine = create_engine(url)
        event.listen(engine, "do_connect", _owner_only_file)
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers locks. A write transaction (see
        # ``write_transaction``) takes the write lock at BEGIN, so two writers never both read the
        # audit chain's head and then both append to it; reads stay deferred and never block.
        event.listen(engine, "begin",
                     lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.pop("write", False) else "BEGIN"))
        return engine
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise BackendUnavailable(
            "PostgreSQL projects need the database driver; install it with: pip install 'theorize[postgres]'"
        ) from exc
    return create_engine(url, pool_size=5, max_overflow=5, pool_pre_ping=True)


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: on SQLite it holds the write lock from its first statement."""
    with engine.connect() as conn:
        conn.info["write"] = True
        with conn.begin():
            yield conn
