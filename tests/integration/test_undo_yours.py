"""Undo is yours: each person takes back their own actions; another's only by its number, and not
while a later action builds on it. One project opened once acts for many people at once."""

from __future__ import annotations

import asyncio
import threading

import pytest
from click.testing import CliRunner

import theorize
from tests.helpers import C03
from theorize.cli.main import cli
from theorize.errors import Conflict, InvalidInput, NotFound

PEOPLE = ["Lena Marsh", "Sam Okoye", "Ana Ruiz", "Tomas Berg"]


def actions(study) -> list[tuple[int, str, str, object]]:
    """(event, actor, action, undoes) for every event after the project was created."""
    trail = study.audit()
    return [
        (int(r.id), r.actor, r.action, None if r.undoes != r.undoes or r.undoes is None else int(r.undoes))
        for r in trail.itertuples()
        if r.action != "create project"
    ]


# -- undo is yours ------------------------------------------------------------------------------
def test_undo_takes_back_your_own_last_action_not_a_colleagues(project):
    project.add_code("a")  # event 2, lena
    with project.acting_as("sam"):
        project.add_code("b")  # event 3
    assert project.undo() == "undid event 2: added code 'a'"
    assert project.codes()["name"].tolist() == ["b"]
    with pytest.raises(InvalidInput) as caught:
        project.undo()
    assert caught.value.fact == (
        "There is nothing to undo for lena; another person's action is undone by naming its event."
    )
    with project.acting_as("sam"):
        assert project.undo() == "undid event 3: added code 'b'"
    assert project.codes().empty
    assert project.verify_audit().ok


def test_undoing_another_persons_action_names_them(project):
    with project.acting_as("Sam Okoye"):
        project.add_code("b")  # event 2
    assert project.undo(event=2) == "undid event 2 by Sam Okoye: added code 'b'"
    assert actions(project)[-1] == (3, "lena", "undo", 2)
    with pytest.raises(Conflict, match=r"^Event 2 was undone already, by event 3\.$"):
        project.undo(event=2)


def test_an_action_a_later_one_builds_on_is_not_undone(project):
    project.import_parsed(C03)  # event 2
    project.add_code("fear")  # event 3
    with project.acting_as("sam"):
        project.code("C03_interview", "fear", segment=2)  # event 4: uses the code lena made
    with pytest.raises(Conflict) as caught:
        project.undo()
    assert str(caught.value) == (
        "Event 3 cannot be undone while event 4 by sam (coded C03_interview 74-177 "
        "with 'fear') builds on it; undo event 4 first."
    )
    assert caught.value.data == {"event": 3, "blocking": 4}
    assert len(project.codings()) == 1 and project.codes()["name"].tolist() == ["fear"]  # unchanged
    with project.acting_as("sam"):
        project.undo()
    project.undo()  # now nothing builds on it
    assert project.codes().empty


def test_a_change_to_the_same_row_blocks_and_its_undo_frees(project):
    project.add_code("a")  # event 2
    with project.acting_as("sam"):
        project.rename_code("a", "b")  # event 3: the same row
    with pytest.raises(Conflict, match=r"^Event 2 cannot be undone while event 3 by sam \(renamed"):
        project.undo()
    project.undo(event=3)  # lena takes back sam's rename (nothing builds on it) ...
    assert project.undo() == "undid event 2: added code 'a'"  # ... and then her own action
    assert project.codes().empty
    assert project.verify_audit().ok


def test_unrelated_later_actions_do_not_block(project):
    project.import_parsed(C03)
    project.add_code("fear")  # event 3
    with project.acting_as("sam"):
        project.add_code("hope")
        project.write_memo("On hope", "Hope shows late.", codes=["hope"])
    assert "added code 'fear'" in project.undo()
    assert sorted(project.codes()["name"]) == ["hope"]


def test_an_undo_that_would_clash_with_the_codebook_now_is_refused(project):
    project.add_code("a")
    project.add_code("b")
    project.merge_codes(["a"], into="b")  # event 4
    project.add_code("a")  # the name is free again, and taken
    with pytest.raises(Conflict) as caught:
        project.undo(event=4)
    assert str(caught.value) == (
        "Event 4 cannot be undone: what was done since clashes with it (a code it brings "
        "back has the name of a code now in the same place; rename one of them first)."
    )
    assert sorted(project.codes()["name"]) == ["a", "b"]
    assert project.verify_audit().ok


def test_events_that_cannot_be_undone(project):
    with pytest.raises(NotFound, match="There is no event 99"):
        project.undo(event=99)
    with pytest.raises(InvalidInput, match=r"^Event 1 \(create project\) cannot be undone\.$"):
        project.undo(event=1)


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("THEORIZE_USER", "lena")
    monkeypatch.delenv("THEORIZE_PROJECT", raising=False)
    path = tmp_path / "study.theorize"
    theorize.create_project(path, user="lena").close()
    return lambda *args: CliRunner().invoke(cli, ["-p", str(path), *args], catch_exceptions=False)


def test_cli_undo_is_yours_and_names_whose_event(run):
    assert run("codes", "add", "fear").exit_code == 0
    assert run("-u", "Sam Okoye", "codes", "add", "hope").exit_code == 0
    mine = run("undo")
    assert (mine.exit_code, mine.stdout) == (0, "Undid event 2: added code 'fear'\n")
    theirs = run("undo", "--event", "3")
    assert (theirs.exit_code, theirs.stdout) == (0, "Undid event 3 by Sam Okoye: added code 'hope'\n")
    again = run("undo", "--event", "3")
    assert (again.exit_code, again.stderr) == (2, "Error: Event 3 was undone already, by event 5.\n")


def test_cli_refuses_an_undo_a_later_action_builds_on(run):
    run("codes", "add", "fear")  # event 2
    run("-u", "sam", "codes", "rename", "fear", "fear of the judge")  # event 3
    result = run("undo")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Event 2 cannot be undone while event 3 by sam (renamed code 'fear' to "
        "'fear of the judge') builds on it; undo event 3 first.\n"
    )


# -- one project, many people at once -----------------------------------------------------------
def _work(study, person: str, start: threading.Barrier) -> None:
    with study.acting_as(person):
        start.wait(30)
        study.add_code(f"{person}'s code")
        study.add_code(f"{person}'s second code")
        study.undo()


def test_one_project_acts_for_several_people_in_threads(project):
    project.lock_wait = 60
    start = threading.Barrier(len(PEOPLE))
    threads = [threading.Thread(target=_work, args=(project, p, start)) for p in PEOPLE]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    _each_person_undid_their_own(project)


def test_one_project_acts_for_several_people_in_asyncio_tasks(project):
    project.lock_wait = 60

    async def work(person: str) -> None:
        with project.acting_as(person):  # the context goes with the task, and into to_thread
            await asyncio.sleep(0)
            await asyncio.to_thread(project.add_code, f"{person}'s code")
            await asyncio.to_thread(project.add_code, f"{person}'s second code")
            await asyncio.to_thread(project.undo)

    async def all_at_once() -> None:
        await asyncio.gather(*(work(p) for p in PEOPLE))

    # A thread of its own: a browser test earlier in this worker may leave Playwright's loop running here.
    runner = threading.Thread(target=asyncio.run, args=(all_at_once(),))
    runner.start()
    runner.join(180)
    assert not runner.is_alive()
    _each_person_undid_their_own(project)


def _each_person_undid_their_own(project) -> None:
    events = actions(project)
    by_id = {e[0]: e for e in events}
    assert sorted({actor for _, actor, _, _ in events}) == sorted(PEOPLE)
    for person in PEOPLE:
        mine = [e for e in events if e[1] == person]
        assert [a for _, _, a, _ in mine] == ["add code", "add code", "undo"]
        undone = by_id[mine[-1][3]]
        assert undone == mine[1]  # their own second code, whoever acted in between
    assert sorted(project.codes()["name"]) == sorted(f"{p}'s code" for p in PEOPLE)
    assert project.actor == "lena"  # outside acting_as, the person who opened it
    assert project.verify_audit().ok


def test_what_a_person_writes_is_theirs(project):
    project.import_parsed(C03)
    project.add_code("fear")
    with project.acting_as("Sam Okoye"):
        project.code("C03_interview", "fear", segment=2)
        project.write_memo("Fear of the judge", "It comes up early.", codes=["fear"])
    assert project.codings()["coder"].tolist() == ["Sam Okoye"]
    assert project.memos()["author"].tolist() == ["Sam Okoye"]
    assert actions(project)[-1][1] == "Sam Okoye"


def test_an_action_needs_a_person(project):
    with pytest.raises(InvalidInput, match="needs the name of the person"), project.acting_as("  "):
        pass
