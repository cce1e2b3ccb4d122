"""Shared fixtures: a project on a temporary SQLite file, and the same on PostgreSQL when
THEORIZE_TEST_POSTGRES_URL names a server (each test in a schema of its own)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

import theorize

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PG_ENV = "THEORIZE_TEST_POSTGRES_URL"


def shared_path(*parts: str) -> Path:
    """A file under ../shared/, or skip the test when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return path


@pytest.fixture
def pg_url():
    """A PostgreSQL URL whose search path is a fresh schema, dropped after the test."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set")
    sqlalchemy = pytest.importorskip("sqlalchemy")
    from theorize.store.engine import database_url

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(database_url(base))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def location(request, tmp_path):
    """Where a new project goes: a .theorize file, or a PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "study.theorize")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def project(location):
    """An empty study project, opened as researcher 'lena'."""
    study = theorize.create_project(
        location,
        title="From compliance to alliance",
        research_question="How do clients experience the working alliance?",
        user="lena",
    )
    yield study
    study.close()


@pytest.fixture
def sqlite_project(tmp_path):
    study = theorize.create_project(tmp_path / "study.theorize", title="Test study", user="lena")
    yield study
    study.close()


@pytest.fixture
def run(tmp_path, monkeypatch):
    """`theorize ARGS...` through click's runner in a temporary folder, as 'lena', at 80 columns;
    ``input=`` is piped to standard input. Returns the click result."""
    from click.testing import CliRunner

    from theorize.cli.main import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("THEORIZE_USER", "lena")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("THEORIZE_PROJECT", raising=False)
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(cli, list(args), catch_exceptions=False, input=input)

    return invoke


@pytest.fixture
def study_file(tmp_path):
    """A project file with C03's interview (participant C03) and one focused code, 'doing my time'."""
    from tests.helpers import C03

    study = theorize.create_project(tmp_path / "study.theorize", title="Demo", user="lena")
    study.import_parsed(C03, participant="C03")
    study.add_code("doing my time", stage="focused")
    study.close()
    return tmp_path / "study.theorize"
