"""A study project: every service, and opening or creating one."""

from __future__ import annotations

import getpass
import os
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import exc, insert, inspect, select

from theorize.errors import BackendUnavailable, Conflict, InvalidInput, NotFound
from theorize.services.agreement import AgreementMixin
from theorize.services.assist import AssistMixin
from theorize.services.audit_trail import AuditTrailMixin
from theorize.services.base import new_guid, now
from theorize.services.codebook import CodebookMixin
from theorize.services.coding import BulkCodingMixin
from theorize.services.deid import DeidMixin
from theorize.services.history import HistoryMixin
from theorize.services.insights import InsightsMixin
from theorize.services.memos import MemosMixin, builtin_relation_rows
from theorize.services.model import ModelMixin
from theorize.services.participants import ParticipantsMixin
from theorize.services.refi_export import RefiExportMixin
from theorize.services.refi_import import RefiImportMixin
from theorize.services.rounds import RoundsMixin
from theorize.services.sources import SourcesMixin
from theorize.services.theory_insights import SamplingMixin, TheoryInsightsMixin
from theorize.services.trace import TraceMixin
from theorize.services.views import ViewsMixin
from theorize.services.workbench import WorkbenchWritesMixin
from theorize.store import schema as t
from theorize.store.audit import append_event
from theorize.store.engine import PROJECT_SUFFIX, busy, is_lock_timeout, is_url, make_engine, write_transaction
from theorize.store.revision import is_current


class Project(
    SourcesMixin,
    ParticipantsMixin,
    BulkCodingMixin,
    MemosMixin,
    ModelMixin,
    RoundsMixin,
    SamplingMixin,
    TheoryInsightsMixin,
    AgreementMixin,
    InsightsMixin,
    TraceMixin,
    RefiImportMixin,
    RefiExportMixin,
    AuditTrailMixin,
    HistoryMixin,
    ViewsMixin,
    WorkbenchWritesMixin,
    CodebookMixin,
    AssistMixin,
    DeidMixin,
):
    """A grounded theory study: sources, codes, codings, memos, relations, snapshots and audit trail.

    Every method that changes the project is one transaction with one audit event; every view
    returns a pandas DataFrame.
    """

    def add_coder(self, name: str, *, role: str = "") -> int:
        """Add a coder (a person on the team, or a model) by name."""
        with self._action("add coder", f"added coder {name!r}") as act:
            if act.conn.execute(select(t.coder.c.id).where(t.coder.c.name == name)).first():
                raise Conflict(f"There is already a coder called {name!r}.")
            return act.changes.insert(t.coder, {"name": name, "role": role, "guid": new_guid(), "created_at": now()})

    def describe_study(
        self, *, title: str | None = None, research_question: str | None = None, method_notes: str | None = None
    ) -> None:
        """Change the study's title, research question or method notes."""
        values = {
            k: v
            for k, v in (("title", title), ("research_question", research_question), ("method_notes", method_notes))
            if v is not None
        }
        with self._action("describe study", "changed the study description") as act:
            sid = act.conn.execute(select(t.study.c.id)).scalar_one()
            act.changes.update(t.study, sid, values)


def default_user() -> str:
    """Who is working: THEORIZE_USER, else the login name."""
    return os.environ.get("THEORIZE_USER") or getpass.getuser()


def _check_location(location: str | Path) -> str:
    location = str(location)
    if not is_url(location) and not location.endswith(PROJECT_SUFFIX):
        raise InvalidInput(f"{location} is not a project file; project files end in {PROJECT_SUFFIX}.")
    return location


@contextmanager
def _reaching(location: str):
    """Turn the database driver's failures on opening into one sentence for the researcher."""
    try:
        yield
    except exc.DatabaseError as error:
        if is_lock_timeout(error):  # another program holds the whole file (or the schema) locked
            raise busy() from None
        if is_url(location):
            first = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise BackendUnavailable(
                f"Could not reach the database at {location.split('@')[-1]}: {first}. "
                "Check that the server is running and the URL is right."
            ) from None
        raise InvalidInput(
            f"{location} is not a theorize project (it is not a database file); check the file name."
        ) from None


def create_project(
    location: str | Path,
    *,
    title: str = "Untitled study",
    research_question: str = "",
    method_notes: str = "",
    user: str | None = None,
) -> Project:
    """Create a new study project in a ``.theorize`` file or an empty PostgreSQL database.

    Examples:
        >>> import theorize
        >>> study = theorize.create_project(tmp / "study.theorize", title="From compliance to alliance")  # doctest: +SKIP
    """
    location = _check_location(location)
    if not is_url(location):
        path = Path(location)
        if path.exists():
            raise Conflict(f"{path} exists already; open it, or choose another name.")
        if not path.parent.exists():
            raise InvalidInput(f"The folder {path.parent} does not exist.")
    engine = make_engine(location)
    with _reaching(location):
        if inspect(engine).has_table("study"):
            engine.dispose()
            raise Conflict(f"{location} already holds a theorize project; open it instead.")
        from theorize.store.migrate import upgrade

        upgrade(engine)
    user = user or default_user()
    with write_transaction(engine) as conn:
        conn.execute(
            insert(t.study).values(
                title=title,
                research_question=research_question,
                method_notes=method_notes,
                created_at=now(),
                audit_head="",
                audit_count=0,
            )
        )
        conn.execute(insert(t.relation_type), builtin_relation_rows())
        append_event(conn, actor=user, action="create project", summary=f"created the study {title!r}", changes=[])
    return Project(engine, location, user)


def open_project(location: str | Path, *, user: str | None = None) -> Project:
    """Open an existing project (a ``.theorize`` file or a PostgreSQL URL), migrating it if needed.

    A SQLite project is backed up before any migration.
    """
    location = _check_location(location)
    if not is_url(location) and not Path(location).exists():
        raise NotFound(f"There is no project at {location}; create one with `theorize init {location}`.")
    engine = make_engine(location)
    with _reaching(location):
        if not inspect(engine).has_table("study"):
            engine.dispose()
            raise InvalidInput(f"{location} is not a theorize project.")
        if not is_current(engine):  # Alembic is loaded only for a project to migrate
            from theorize.store.migrate import upgrade

            upgrade(engine, None if is_url(location) else Path(location))
    return Project(engine, location, user or default_user())
