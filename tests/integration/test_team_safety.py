"""A team at work: waiting for the write lock, undo and names under concurrency, coding numbers.

Other processes here are real ones (multiprocessing, spawn), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from sqlalchemy import exc, insert, text

import theorize
from tests.helpers import C03
from theorize.cli.main import cli
from theorize.errors import Busy, Conflict
from theorize.services.base import now
from theorize.store import schema as t
from theorize.store.engine import make_engine, write_transaction

SPAWN = multiprocessing.get_context("spawn")
BUSY = "Another action is holding the project and did not finish within {} seconds; try again when it is done."


# -- other processes ---------------------------------------------------------------------------
def _hold_write_lock(location: str, held, release, seconds: float) -> None:
    """Another theorize process in the middle of a long action (a folder import, say)."""
    engine = make_engine(location)
    with write_transaction(engine):
        held.set()
        release.wait(seconds)
    engine.dispose()


@contextmanager
def lock_held_elsewhere(location: str, seconds: float = 30.0):
    """Another process holds the project's write lock inside the block (at most ``seconds``)."""
    held, release = SPAWN.Event(), SPAWN.Event()
    proc = SPAWN.Process(target=_hold_write_lock, args=(location, held, release, seconds))
    proc.start()
    try:
        assert held.wait(60), "the other process never took the lock"
        yield release
    finally:
        release.set()
        proc.join(60)


def _act_at_once(location: str, user: str, what: str, ready, go, results) -> None:
    study = theorize.open_project(location, user=user)
    study.lock_wait = 60
    ready.put(user)
    go.wait(60)
    try:
        if what == "undo":
            results.put(("ok", study.undo()))
        else:
            results.put(("ok", study.add_code("x", parent="interviews")))
    except (Conflict, theorize.InvalidInput) as error:
        results.put(("refused", str(error)))
    finally:
        study.close()


def at_once(location: str, what: str, processes: int = 4) -> list[tuple[str, object]]:
    """Run ``what`` in several processes released at the same moment; their outcomes."""
    ready, go, results = SPAWN.Queue(), SPAWN.Event(), SPAWN.Queue()
    procs = [
        SPAWN.Process(target=_act_at_once, args=(location, "lena", what, ready, go, results)) for _ in range(processes)
    ]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=120)
    go.set()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    return outcomes


# -- 9.1 waiting for the write lock ---------------------------------------------------------------
def test_a_write_gives_up_in_one_sentence_while_another_holds_the_lock(project, location):
    project.lock_wait = 0.5
    with lock_held_elsewhere(location):
        start = time.monotonic()
        with pytest.raises(Busy) as caught:
            project.add_code("waiting")
        waited = time.monotonic() - start
    assert str(caught.value) == BUSY.format("0.5")
    assert 0.5 <= waited < 2.5
    assert project.codes().empty
    project.add_code("waiting")  # once the other action is done, it goes through
    assert project.codes()["name"].tolist() == ["waiting"]


def test_a_write_waits_for_the_other_action_and_says_so(project, location):
    told = []

    @contextmanager
    def waiting():
        told.append(time.monotonic())
        yield

    project.on_wait = waiting
    with lock_held_elsewhere(location) as release:
        SPAWN_DELAY = 1.0
        timer = __import__("threading").Timer(SPAWN_DELAY, release.set)
        timer.start()
        start = time.monotonic()
        project.add_code("patient")
        waited = time.monotonic() - start
        timer.join()
    assert len(told) == 1 and waited >= 0.8
    assert project.codes()["name"].tolist() == ["patient"]
    assert project.verify_audit().ok


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("THEORIZE_USER", "lena")
    monkeypatch.delenv("THEORIZE_PROJECT", raising=False)
    return lambda *args: CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_the_cli_gives_up_with_exit_2_and_one_line(run, tmp_path, monkeypatch):
    path = tmp_path / "study.theorize"
    theorize.create_project(path, user="lena").close()
    monkeypatch.setenv("THEORIZE_LOCK_WAIT", "0.5")
    with lock_held_elsewhere(str(path)):
        result = run("-p", str(path), "codes", "add", "doing my time")
    assert result.exit_code == 2
    assert result.stderr == "Error: " + BUSY.format("0.5") + "\n"
    assert result.stdout == ""
    study = theorize.open_project(path, user="lena")
    assert study.codes().empty
    study.close()


def test_the_cli_waits_longer_than_the_library(monkeypatch):
    from theorize import settings
    from theorize.store.engine import LOCK_WAIT

    monkeypatch.delenv("THEORIZE_LOCK_WAIT", raising=False)
    assert settings.resolve("lock_wait") > LOCK_WAIT


def _hold_exclusive(path: str, held, release) -> None:
    """A program that locks the whole file (SQLite's exclusive locking mode), readers too."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA locking_mode=EXCLUSIVE")
    con.execute("BEGIN EXCLUSIVE")
    con.execute("UPDATE study SET title = title")
    held.set()
    release.wait(30)
    con.execute("ROLLBACK")
    con.close()


@contextmanager
def file_locked_elsewhere(path):
    held, release = SPAWN.Event(), SPAWN.Event()
    proc = SPAWN.Process(target=_hold_exclusive, args=(str(path), held, release))
    proc.start()
    try:
        assert held.wait(60)
        yield
    finally:
        release.set()
        proc.join(60)


LOCKED = "Error: Another action is holding the project; try again when it is done.\n"


def test_opening_a_project_another_program_locked_is_one_sentence(run, tmp_path):
    path = tmp_path / "study.theorize"
    theorize.create_project(path, user="lena").close()
    with file_locked_elsewhere(path):
        result = run("-p", str(path), "codes")
    assert (result.exit_code, result.stderr) == (2, LOCKED)


def test_a_driver_error_the_library_did_not_expect_is_one_sentence_in_the_cli(tmp_path):
    import click

    from theorize.cli.common import friendly

    path = tmp_path / "study.theorize"
    theorize.create_project(path, user="lena").close()
    engine = make_engine(path)

    @click.command()
    @friendly
    def peek():
        with engine.connect() as conn:  # a read that meets the lock: sqlite3.OperationalError underneath
            conn.execute(text("SELECT count(*) FROM code")).scalar()

    with file_locked_elsewhere(path):
        result = CliRunner().invoke(peek, [], catch_exceptions=False)
    engine.dispose()
    assert (result.exit_code, result.stderr) == (2, LOCKED)


def test_other_driver_errors_become_one_sentence_too():
    from theorize.cli.common import _database_error

    error = exc.OperationalError("SELECT 1", {}, Exception("disk I/O error\nmore detail"))
    assert str(_database_error(error)) == "The database refused the action (disk I/O error); nothing was changed."
    assert _database_error(ValueError("a bug")) is None


# -- 9.2 undo and names under concurrency --------------------------------------------------------
@pytest.mark.slow
def test_four_undos_at_once_undo_four_different_events(project, location):
    for name in "abcd":
        project.add_code(name)
    outcomes = at_once(location, "undo")
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    audit = project.audit()
    undone = audit.undoes.dropna().astype(int).tolist()
    assert sorted(undone) == [2, 3, 4, 5]
    assert project.codes().empty
    assert project.verify_audit().ok


@pytest.mark.slow
def test_four_processes_adding_one_name_under_one_parent_make_one_code(project, location):
    project.add_code("interviews")
    outcomes = at_once(location, "add x")
    made = [value for kind, value in outcomes if kind == "ok"]
    refused = [value for kind, value in outcomes if kind == "refused"]
    assert len(made) == 1 and len(refused) == 3
    assert all(
        r == f"There is already a code called 'x' in that place of the codebook (id {made[0]})." for r in refused
    )
    codes = project.codes()
    assert (codes["name"] == "x").sum() == 1
    assert project.verify_audit().ok


def test_the_database_itself_refuses_a_second_live_code_of_one_name_in_one_place(project):
    parent = project.add_code("interviews")
    top = project.add_code("x")
    project.add_code("x", parent=parent)
    row = {"definition": "", "stage": "initial", "in_vivo": False, "created_at": now()}
    for parent_id in (None, parent):
        with pytest.raises(exc.IntegrityError), project.engine.begin() as conn:
            conn.execute(insert(t.code).values(name="x", parent_id=parent_id, guid=f"g{parent_id}", **row))
    # a merged code keeps its name without holding it
    project.add_code("y")
    project.merge_codes([top], into="y")
    project.add_code("x")
    assert sorted(project.codes()["name"]) == ["interviews", "x", "x", "y"]


def test_a_name_taken_in_a_race_is_one_sentence(project, monkeypatch):
    project.add_code("x")
    # as if another writer took the name between the check and the insert
    monkeypatch.setattr(type(project), "_check_name_free", lambda *a, **k: None)
    with pytest.raises(Conflict) as caught:
        project.add_code("x")
    assert str(caught.value) == "There is already a code called 'x' in that place of the codebook."


# -- coding numbers -----------------------------------------------------------------------------
def test_coding_numbers_are_never_given_twice(project):
    project.import_parsed(C03)
    project.add_code("fear")
    first = project.code("C03_interview", "fear", segment=2)
    second = project.code("C03_interview", "fear", segment=3)
    project.uncode(second)
    third = project.code("C03_interview", "fear", segment=4)
    assert first < second < third
    project.undo()  # the coding of turn 4
    fourth = project.code("C03_interview", "fear", segment=4)
    assert fourth > third


def test_a_sqlite_project_counts_codings_with_autoincrement(sqlite_project):
    with sqlite_project.engine.connect() as conn:
        ddl = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'coding'")).scalar_one()
    assert "AUTOINCREMENT" in ddl


def test_an_older_project_gets_unique_live_code_names(location):
    from alembic import command

    from theorize.store.migrate import _config

    engine = make_engine(location)
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
    with engine.begin() as conn:
        conn.execute(
            insert(t.study).values(
                title="Old", research_question="", method_notes="", created_at=now(), audit_head="", audit_count=0
            )
        )
        row = {"definition": "", "stage": "initial", "in_vivo": False, "created_at": now()}
        conn.execute(insert(t.code).values(id=1, name="x", guid="a", **row))
        conn.execute(insert(t.code).values(id=2, name="x", guid="b", **row))  # made before names were checked
        conn.execute(insert(t.code).values(id=3, name="x", guid="c", merged_into_id=1, **row))
    engine.dispose()
    study = theorize.open_project(location, user="lena")
    names = study.codes().set_index("id")["name"].to_dict()
    assert (names[1], names[2]) == ("x", "x (2)")
    with pytest.raises(Conflict):
        study.add_code("x")
    study.close()


def test_a_merge_that_would_put_two_sub_codes_of_one_name_together_is_refused(project):
    a, b = project.add_code("a"), project.add_code("b")
    project.add_code("x", parent=a)
    project.add_code("x", parent=b)
    with pytest.raises(Conflict) as caught:
        project.merge_codes([a], into=b)
    assert str(caught.value) == (
        "That would give two codes the same name in one place of the codebook; rename one of them first."
    )
    assert sorted(project.codes()["path"]) == ["a", "a / x", "b", "b / x"]


@pytest.mark.slow
def test_in_a_terminal_the_cli_shows_that_it_waits(tmp_path):
    import os
    import subprocess
    import sys

    path = tmp_path / "study.theorize"
    theorize.create_project(path, user="lena").close()
    env = {**os.environ, "THEORIZE_LOCK_WAIT": "1", "THEORIZE_USER": "lena", "COLUMNS": "100", "TERM": "xterm"}
    main, child = os.openpty()
    with lock_held_elsewhere(str(path)):
        proc = subprocess.Popen(
            [sys.executable, "-m", "theorize.cli.main", "-p", str(path), "codes", "add", "x"],
            stdin=child,
            stdout=child,
            stderr=child,
            env=env,
            close_fds=True,
        )
        os.close(child)
        seen = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            seen += chunk
        proc.wait(60)
    os.close(main)
    text = seen.decode("utf-8", "replace")
    assert "Waiting for another action to finish with the project" in text
    assert text.rstrip().endswith("Error: " + BUSY.format("1"))
    assert proc.returncode == 2
