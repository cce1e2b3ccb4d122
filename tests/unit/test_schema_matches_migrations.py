"""store/schema.py (what the code reads and writes) equals what the Alembic migrations build, on
SQLite and on PostgreSQL: tables, columns, types, nullability, keys, indexes and constraints."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from theorize.store import schema
from theorize.store.engine import database_url
from theorize.store.migrate import upgrade


def differences(url: str) -> list:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine(url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(context, schema.metadata)
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_schema_in_code_is_what_the_migrations_build(backend, tmp_path, request):
    url = (
        f"sqlite:///{tmp_path / 'study.theorize'}"
        if backend == "sqlite"
        else database_url(request.getfixturevalue("pg_url"))
    )
    assert differences(url) == []


def test_a_difference_would_be_seen(tmp_path):
    """The comparison is not blind: a column the migrations do not make is reported."""
    from sqlalchemy import Column, Integer, MetaData, Table

    extra = MetaData()
    for table in schema.metadata.tables.values():
        table.to_metadata(extra)
    Table("not_migrated", extra, Column("id", Integer, primary_key=True))
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine(f"sqlite:///{tmp_path / 'study.theorize'}")
    upgrade(engine)
    with engine.connect() as conn:
        found = compare_metadata(MigrationContext.configure(conn), extra)
    engine.dispose()
    assert [d[0] for d in found] == ["add_table"]


def test_the_newest_revision_read_without_alembic_is_alembics_head(tmp_path):
    from theorize.store.migrate import head_revision
    from theorize.store.revision import is_current, newest_revision

    assert newest_revision() == head_revision()
    engine = create_engine(f"sqlite:///{tmp_path / 'study.theorize'}")
    assert not is_current(engine)
    upgrade(engine)
    assert is_current(engine)
    engine.dispose()
