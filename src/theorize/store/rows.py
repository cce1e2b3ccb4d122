"""Rows to and from JSON, so that the audit chain can hold exact before/after images."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Table


def utc(moment: datetime) -> datetime:
    """A datetime in UTC; naive ones (as SQLite returns them) are taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """One fixed text form of an instant, the same on SQLite and PostgreSQL."""
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_json(row: dict[str, Any]) -> dict[str, Any]:
    """A row as JSON-ready values (datetimes as ISO text in UTC)."""
    return {k: iso(v) if isinstance(v, datetime) else v for k, v in row.items()}


def from_json(table: Table, values: dict[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`to_json` for the columns of ``table``."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        column = table.c[key]
        if value is not None and isinstance(column.type, DateTime):
            value = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        out[key] = value
    return out
