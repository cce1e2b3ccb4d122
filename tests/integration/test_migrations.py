"""Alembic migrations: a project made by an older theorize is backed up, then migrated."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

import theorize
from theorize.store.engine import make_engine
from theorize.store.migrate import _config, current_revision, head_revision


def test_an_old_sqlite_project_is_backed_up_then_migrated(tmp_path):
    path = tmp_path / "old.theorize"
    engine = make_engine(path)
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into study (title, research_question, method_notes, created_at, audit_head, audit_count)"
                " values ('Old study', '', '', '2026-01-01 00:00:00', '', 0)"
            )
        )
    engine.dispose()

    study = theorize.open_project(path, user="lena")
    assert current_revision(study.engine) == head_revision()
    assert inspect(study.engine).has_table("model_stage")
    backups = list(tmp_path.glob("old.theorize.bak-0001-*"))
    assert len(backups) == 1
    old = make_engine(backups[0])
    assert current_revision(old) == "0001"
    assert not inspect(old).has_table("model_stage")
    old.dispose()
    assert study.study["title"] == "Old study"
    study.close()


def test_a_current_project_is_not_backed_up(tmp_path):
    theorize.create_project(tmp_path / "new.theorize", user="lena").close()
    theorize.open_project(tmp_path / "new.theorize", user="lena").close()
    assert not list(tmp_path.glob("*.bak-*"))


def test_a_file_that_is_not_a_project(tmp_path):
    import pytest

    bogus = tmp_path / "notes.theorize"
    bogus.write_bytes(b"")
    with pytest.raises(theorize.InvalidInput, match="is not a theorize project"):
        theorize.open_project(bogus)
