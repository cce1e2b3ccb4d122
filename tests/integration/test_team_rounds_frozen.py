"""A frozen codebook in a blind round: while the round is open no one (owners included) may add,
rename, move, merge, split or promote a code, through the library, the CLI or the web, and nothing
changes; coding with the codes there are, defining and colouring them still work; closing the round
lifts it. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

import theorize
from theorize.errors import Conflict

pytest.importorskip("argon2")

from tests.integration.test_team_web import _source, client_for, csrf_of, signed_in  # noqa: E402

REFUSED = (
    "The codebook is frozen while the blind round 'R1' is open, so no code can be {done}; code with the existing "
    "codes, or ask an owner to close the round (or to open the next one with an open codebook)."
)


@pytest.fixture
def frozen(project):
    passwords = {
        n: project.add_user(n, role=r)[1] for n, r in (("lena", "owner"), ("zorba", "coder"), ("ana", "coder"))
    }
    project.import_parsed(_source("maria.txt"), participant="P01")
    project.add_code("relief", stage="initial")
    project.add_code("fear", stage="initial")
    sid = int(project.sources().iloc[0].id)
    project.open_round("R1", sources=[sid], coders=["zorba", "ana"], frozen=True)
    return project, sid, passwords


def _codebook(study):
    return study.codes(include_merged=True)[["id", "name", "stage", "parent_id", "merged_into_id"]].to_dict("records")


def test_no_one_changes_the_codebooks_structure_while_a_frozen_round_is_open(frozen):
    study, sid, _ = frozen
    before, events = _codebook(study), study.events_after(None)[0]
    relief = int(study.codes().set_index("name").loc["relief", "id"])
    attempts = {
        "added": lambda: study.add_code("hope"),
        "renamed": lambda: study.rename_code("relief", "easing"),
        "moved": lambda: study.move_code("fear", "relief"),
        "merged": lambda: study.merge_codes(["fear"], into="relief"),
        "promoted": lambda: study.promote_code("relief", "focused"),
        "added (an in-vivo code is a new code)": lambda: study.code_in_vivo(sid, start=0, end=6),
    }
    coding = study.code(sid, "relief", start=0, end=6, coder="zorba")
    attempts["split"] = lambda: study.split_code("relief", [coding], "relief, again")
    for done, attempt in attempts.items():
        with pytest.raises(Conflict) as refused:
            attempt()
        assert str(refused.value) == REFUSED.format(done=done)
    with study.acting_as("zorba"), pytest.raises(Conflict):
        study.code(sid, "hope", start=0, end=6, create=True)  # a new code on the way is a new code
    assert _codebook(study) == before
    assert study.events_after(None)[0] == events + 1  # only the coding above
    # coding with existing codes, defining and colouring go on
    with study.acting_as("ana"):
        study.code(sid, relief, start=7, end=12)
    study.define_code("relief", "Feeling a weight lifted.")
    study.set_code_colour("relief", "#336699")
    assert study.codes().set_index("name").loc["relief", "definition"] == "Feeling a weight lifted."
    study.close_round("R1")
    study.rename_code("relief", "easing")
    assert "easing" in set(study.codes().name)
    assert study.verify_audit(deep=True).ok


def test_an_undo_that_would_change_the_codebook_waits_for_the_round_too(project):
    project.add_user("lena", role="owner")
    project.import_parsed(_source("maria.txt"), participant="P01")
    project.add_code("relief")
    sid = int(project.sources().iloc[0].id)
    project.rename_code("relief", "easing")
    project.open_round("R1", sources=[sid], coders=["zorba", "ana"], codebook="frozen")
    with pytest.raises(Conflict, match="so no code can be changed by an undo"):
        project.undo(event=project.events_after(None)[0] - 1)
    assert set(project.codes().name) == {"easing"}


def test_an_open_codebook_round_leaves_the_codebook_free(project):
    project.import_parsed(_source("maria.txt"), participant="P01")
    project.open_round("R2", sources=[1], coders=["zorba", "ana"])
    project.add_code("hope")
    assert project.rounds()[0]["codebook"] == "open"


def test_the_cli_refuses_in_one_sentence_with_exit_2(run, study_file):
    with theorize.open_project(study_file, user="lena") as study:
        study.open_round("R1", sources=[1], coders=["zorba", "ana"], frozen=True)
    p = ("-p", str(study_file))
    for args, done in (
        (("codes", "add", "hope"), "added"),
        (("codes", "rename", "doing my time", "serving time"), "renamed"),
        (("codes", "promote", "doing my time", "category"), "promoted"),
    ):
        result = run(*p, *args)
        assert result.exit_code == 2
        assert result.output == f"Error: {REFUSED.format(done=done)}\n"
    assert run(*p, "codes", "define", "doing my time", "Counting the days.").exit_code == 0
    assert run(*p, "rounds", "close", "R1").exit_code == 0
    listed = run(*p, "rounds", "list", "--json").output
    assert '"codebook": "frozen"' in listed and '"closed_by": "lena"' in listed
    assert run(*p, "codes", "add", "hope").exit_code == 0
    with theorize.open_project(study_file, user="lena") as study:
        assert set(study.codes().name) == {"doing my time", "hope"}


def test_the_web_refuses_with_409_and_the_sentence(frozen):
    study, sid, passwords = frozen
    lena = signed_in(study, "lena", passwords["lena"])
    token = csrf_of(lena)
    h = {"x-csrf-token": token}
    relief = int(study.codes().set_index("name").loc["relief", "id"])
    for url, body, done in (
        ("/api/codes", {"name": "hope"}, "added"),
        (f"/api/codes/{relief}/rename", {"name": "easing", "expected": "relief"}, "renamed"),
        (f"/api/codes/{relief}/promote", {"stage": "focused"}, "promoted"),
    ):
        response = lena.post(url, json=body, headers=h)
        assert response.status_code == 409, response.text
        assert response.json()["error"] == REFUSED.format(done=done)
    zorba = signed_in(study, "zorba", passwords["zorba"])
    zh = {"x-csrf-token": csrf_of(zorba)}
    made = zorba.post(f"/api/sources/{sid}/codings", json={"new_code": "hope", "start": 0, "end": 6}, headers=zh)
    assert made.status_code == 409 and made.json()["error"] == REFUSED.format(done="added")
    ok = zorba.post(f"/api/sources/{sid}/codings", json={"code_id": relief, "start": 0, "end": 6}, headers=zh)
    assert ok.status_code == 201
    assert set(study.codes().name) == {"relief", "fear"}
    assert client_for(study).get("/api/team/rounds").status_code in (303, 401, 403)  # anonymous: sign in first
    assert "codebook frozen (no code may be added, renamed, moved, merged, split or promoted" in lena.get("/team").text
    listed = lena.get("/api/team/rounds").json()["rounds"][0]
    assert listed["codebook"] == "frozen" and listed["closed_by"] is None
