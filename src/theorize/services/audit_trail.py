"""Checking the audit trail: the chain, an anchor kept elsewhere, and every table against the trail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from theorize.services.base import ProjectBase
from theorize.store.audit_replay import compare_tables
from theorize.store.audit_verify import (
    Anchor,
    TrailReport,
    check_anchor,
    check_chain,
    take_anchor,
)


class AuditTrailMixin(ProjectBase):
    """Anchors and the full check of the audit trail."""

    @contextmanager
    def _one_moment(self) -> Iterator[Connection]:
        """A read that sees the trail and the tables as of one moment, while others keep writing.

        SQLite's read transaction is such a snapshot already (WAL); PostgreSQL's default sees each
        statement's own moment, so a colleague's action committed between reading the trail and the
        tables would look like rows added outside theorize.
        """
        with self._read() as conn:
            if conn.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            yield conn

    def audit_anchor(self) -> Anchor:
        """The trail's newest event number and hash, to keep outside the project.

        Each event's hash covers every event before it, so a later
        ``verify_audit(anchor=...)`` shows whether the trail up to here was cut back or rewritten,
        which the chain alone cannot show to someone who could rewrite the whole database.

        Examples:
            >>> anchor = study.audit_anchor()  # doctest: +SKIP
            >>> str(anchor)  # doctest: +SKIP
            '42:3f5a9c...'
            >>> study.verify_audit(anchor=str(anchor)).ok  # doctest: +SKIP
            True
        """
        with self._read() as conn:
            return take_anchor(conn)

    def verify_audit(self, *, anchor: Anchor | str | None = None, deep: bool = False) -> TrailReport:
        """Check the audit trail: every event intact, none removed (from the middle or the end) or
        reordered; with ``anchor``, nothing up to the anchor's event removed or rewritten since it was
        taken; with ``deep``, every table as the recorded changes, replayed, say it must be (each row
        that differs is named in ``differences``).

        Examples:
            >>> report = study.verify_audit(deep=True)  # doctest: +SKIP
            >>> report.ok, report.rows_checked  # doctest: +SKIP
            (True, 18342)
        """
        if isinstance(anchor, str):
            anchor = Anchor.parse(anchor)
        with self._one_moment() as conn:
            report = check_chain(conn)
            report.anchor = anchor
            if anchor is not None:
                problem = check_anchor(conn, anchor)
                if problem:
                    report.problems.append(problem)
            if deep:
                report.deep = True
                report.rows_checked, report.differences = compare_tables(conn)
        return report
