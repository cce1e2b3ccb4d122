"""Engines for a project: a SQLite file by default, PostgreSQL by URL.

Dialect-specific settings live here and nowhere else.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, bindparam, create_engine, event, exc, func, select

from theorize.errors import BackendUnavailable, Busy, InvalidInput, TheorizeError
from theorize.store.files import create_private_database
from theorize.store.schema import study

PROJECT_SUFFIX = ".theorize"

#: Seconds a library call waits for another action to let go of the write lock (the CLI waits
#: longer: the ``lock_wait`` setting).
LOCK_WAIT = 10.0

#: SQLite waits for the lock in steps this long (ms), so that Ctrl-C is heard between steps and
#: the caller learns early that it is waiting.
_SQLITE_STEP_MS = 200

#: PostgreSQL connections kept open per process (``theorize serve --workers 4``: four times this),
#: and how many more a burst may open for a moment. Reads take one for a millisecond or two;
#: writers wait for the write lock holding one.
PG_POOL_SIZE, PG_POOL_OVERFLOW = 5, 10

#: A pooled PostgreSQL connection unused for longer than this is checked (one round trip) before
#: it is handed out, and replaced if the server went away. A busy pool is not pinged: a database
#: restarted while it is in use costs one request per process an error, and the pool reconnects.
PG_IDLE_PING_SECONDS = 10.0


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
    cursor.execute(f"PRAGMA busy_timeout={_SQLITE_STEP_MS}")
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
        event.listen(
            engine,
            "begin",
            lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.pop("write", False) else "BEGIN"),
        )
        return engine
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise BackendUnavailable(
            "PostgreSQL projects need the database driver; install it with: pip install 'theorize[postgres]'"
        ) from exc
    engine = create_engine(url, pool_size=PG_POOL_SIZE, max_overflow=PG_POOL_OVERFLOW)
    event.listen(engine.pool, "checkin", _note_checkin)
    event.listen(engine.pool, "checkout", functools.partial(_ping_if_idle, engine.dialect))
    return engine


def _note_checkin(_dbapi_connection, record) -> None:
    if record is not None:
        record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dialect, dbapi_connection, record, _proxy) -> None:
    """Before a pooled connection is handed out: if it sat idle a while, check that the server is
    still there (a new connection, or one just used, is not checked: a ping per checkout would add
    a round trip to every request). A dead one makes the pool connect afresh."""
    since = record.info.get("idle_since")
    if since is None or time.monotonic() - since < PG_IDLE_PING_SECONDS:
        return
    try:
        dialect.do_ping(dbapi_connection)
    except dialect.loaded_dbapi.Error as error:
        raise exc.DisconnectionError(str(error)) from error


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A connection for reading. On PostgreSQL it runs each statement on its own (autocommit):
    its default isolation (read committed) gives each statement its own snapshot inside a
    transaction too, so reads see the same, and each read saves the BEGIN and ROLLBACK round
    trips (a ROLLBACK would also drop the driver's prepared statements). A caller that needs one
    snapshot for several statements sets ``isolation_level`` on the connection before its first.
    SQLite keeps its read transaction: there it is what makes several statements one snapshot.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn


#: What a front end shows while an action waits for the write lock: a context manager factory.
OnWait = Callable[[], AbstractContextManager]


def busy(wait: float | None = None) -> Busy:
    """The one sentence a person reads when the write lock was not released in time."""
    within = f" and did not finish within {wait:g} seconds" if wait is not None else ""
    return Busy(f"Another action is holding the project{within}; try again when it is done.", wait=wait)


def is_lock_timeout(error: exc.DBAPIError) -> bool:
    """True when the driver gave up waiting for a lock (SQLite busy, PostgreSQL lock_timeout)."""
    code = getattr(error.orig, "sqlstate", None)  # psycopg
    if code == "55P03":  # lock_not_available: lock_timeout ran out
        return True
    text = str(error.orig).lower()
    return "database is locked" in text or "database table is locked" in text


def database_failure(error: exc.DBAPIError) -> TheorizeError:
    """A driver error that reached a front end, as one sentence: the last-resort translation."""
    if is_lock_timeout(error):
        return busy()
    first = (str(error.orig) if error.orig is not None else str(error)).strip().splitlines()
    detail = first[0].rstrip(".") if first else type(error).__name__
    return BackendUnavailable(f"The database refused the action ({detail}); nothing was changed.")


@contextmanager
def write_transaction(
    engine: Engine, *, wait: float | None = None, on_wait: OnWait | None = None
) -> Iterator[Connection]:
    """A transaction that will write, holding the project's write lock from its start.

    On SQLite the lock is taken by ``BEGIN IMMEDIATE``; on PostgreSQL by locking the study row
    ``FOR UPDATE``. So writers run one after another on both backends, and whatever a writer reads
    (the audit chain's head, the event to undo, whether a name is free) stays true until it commits.
    When another action holds the lock, ``on_wait`` (if given) is entered while this one waits, up
    to ``wait`` seconds (default :data:`LOCK_WAIT`); then :class:`~theorize.errors.Busy` is raised.
    """
    wait = LOCK_WAIT if wait is None else wait
    try:
        connection = engine.connect()
    except exc.TimeoutError:  # every pooled connection is in use (many writers in one process)
        raise busy(wait) from None
    with connection as conn, ExitStack() as waiting:
        take = _begin_sqlite if engine.dialect.name == "sqlite" else _begin_postgres
        try:
            transaction = take(conn, wait, on_wait, waiting)
        except exc.OperationalError as error:
            if is_lock_timeout(error):
                raise busy(wait) from None
            raise
        finally:
            waiting.close()
        try:
            with transaction:
                yield conn
        except exc.OperationalError as error:  # a lock met later, e.g. PostgreSQL's lock_timeout
            if is_lock_timeout(error):
                raise busy(wait) from None
            raise


def _begin_sqlite(conn: Connection, wait: float, on_wait: OnWait | None, waiting: ExitStack):
    deadline = time.monotonic() + wait
    told = False
    while True:
        conn.info["write"] = True  # the "begin" listener then issues BEGIN IMMEDIATE
        try:
            return conn.begin()
        except exc.OperationalError as error:
            conn.info.pop("write", None)
            if not is_lock_timeout(error) or time.monotonic() >= deadline:
                raise
            if on_wait is not None and not told:
                waiting.enter_context(on_wait())
                told = True


def _begin_postgres(conn: Connection, wait: float, on_wait: OnWait | None, waiting: ExitStack):
    transaction = conn.begin()
    # 0 would mean "wait for ever" to PostgreSQL: wait at least a millisecond.
    timeout = f"{max(1, int(wait * 1000))}ms"
    try:
        # Try without waiting first, so a front end can say that it waits; the same statement sets
        # how long later locks in this transaction may be waited for (one round trip when free).
        if conn.execute(_LOCK_STUDY_NOW, {"timeout": timeout}).first() is None:
            conn.execute(_SET_LOCK_TIMEOUT, {"timeout": timeout})
            if conn.execute(_ANY_STUDY).first() is not None:
                if on_wait is not None:
                    waiting.enter_context(on_wait())
                conn.execute(_LOCK_STUDY).first()
    except BaseException:
        transaction.rollback()
        raise
    return transaction


_LOCK_STUDY = select(study.c.id).with_for_update()
_SET_LOCK_TIMEOUT = select(func.set_config("lock_timeout", bindparam("timeout"), True))
_LOCK_STUDY_NOW = select(study.c.id, _SET_LOCK_TIMEOUT.scalar_subquery()).with_for_update(skip_locked=True)
_ANY_STUDY = select(study.c.id)
