"""Telling every worker process that the audit trail grew: PostgreSQL NOTIFY and LISTEN.

On PostgreSQL each appended audit event also sends a notification on :data:`CHANNEL` inside the
action's transaction; PostgreSQL delivers it when the transaction commits (never for one rolled
back), to every connection listening, in any process or on any machine. The payload is
``<schema>:<event id>``, so projects kept in different schemas of one database do not wake each
other. :class:`EventListener` holds one such connection in a thread of its own and calls back on
each notification; the web's live feed (``web/live.py``) then reads the new events at once instead
of at its next poll. SQLite has no notifications: there the feed polls.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, exc, text

CHANNEL = "theorize_events"
_NOTIFY = text(f"SELECT pg_notify('{CHANNEL}', current_schema() || ':' || :event_id)")

log = logging.getLogger("theorize.store")


def notify_event(conn: Connection, event_id: int) -> None:
    """Inside an action's transaction: announce event ``event_id`` at commit (PostgreSQL only)."""
    if conn.dialect.name == "postgresql":
        conn.execute(_NOTIFY, {"event_id": str(event_id)})


def can_listen(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


class EventListener:
    """A thread listening on :data:`CHANNEL` over a connection of its own (taken from the
    engine, then detached from its pool), calling ``wake`` for each event of this project.

    ``start`` returns once the connection listens (so nothing committed after it is missed);
    ``stop`` ends the thread within a second; ``alive`` is False once the connection is gone, and
    the feed then falls back to polling.
    """

    def __init__(self, engine: Engine, wake: Callable[[], Any]) -> None:
        self.engine = engine
        self.wake = wake
        self.alive = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 5.0) -> bool:
        """Connect and LISTEN (blocking; run it off the event loop). False when that failed."""
        import psycopg

        try:
            proxied = self.engine.raw_connection()
            conn = proxied.driver_connection
            assert conn is not None  # a live connection was just taken
            proxied.detach()  # ours for as long as we listen; the pool makes another when it needs one
            conn.rollback()  # the pool's ping may have opened a transaction
            conn.autocommit = True
            schema = conn.execute("SELECT current_schema()").fetchone()[0]
            conn.execute(f"LISTEN {CHANNEL}")
        except (psycopg.Error, exc.SQLAlchemyError) as error:  # the database away: the feed polls instead
            log.warning("live updates fall back to polling: %s", error)
            return False
        self.alive = True
        self._thread = threading.Thread(target=self._run, args=(conn, schema), name="theorize-listen", daemon=True)
        self._thread.start()
        return True

    def stop(self) -> None:
        self._stop.set()

    def _run(self, conn, schema: str) -> None:
        import psycopg

        prefix = f"{schema}:"
        try:
            while not self._stop.is_set():
                for note in conn.notifies(timeout=1.0):
                    if note.payload.startswith(prefix):
                        self.wake()
                    if self._stop.is_set():
                        break
        except (psycopg.Error, RuntimeError) as error:  # connection lost, or the event loop closed
            if not self._stop.is_set():
                log.warning("live updates stopped listening: %s", error)
        finally:
            self.alive = False
            try:
                conn.close()
            except psycopg.Error:  # already gone
                pass
