"""The reads and the one write the workbench adds to the library, on SQLite and PostgreSQL; and the
role check that a team server will lean on."""

from __future__ import annotations

import pytest

from tests.integration.test_web_app import PAYLOAD, fixture_source


@pytest.fixture
def study(project):
    project.import_parsed(fixture_source(), participant="P01", group="client")
    project.set_attributes("P01", {"age": 34})
    project.add_code("relief")
    project.add_code("serving time", stage="focused")
    project.move_code("relief", "serving time")
    project.code(1, "relief", quote="so relieved", coder="lena")
    project.code(1, "serving time", quote="doing my time", coder="sam")
    return project


def test_transcript_gives_numbered_units_inside_turns_and_the_codings(study):
    tr = study.transcript(1)
    assert [t.speaker for t in tr.turns] == ["Interviewer", "Maria", "Interviewer", "Maria"]
    numbers = [n for t in tr.turns for n, _, _ in t.units]
    assert numbers == list(range(1, len(numbers) + 1))
    assert {c["code"] for c in tr.codings} == {"relief", "serving time"}
    assert study.transcript(1, "line").unit == "line"
    with pytest.raises(Exception, match="is not a unit"):
        study.transcript(1, "paragraph")


def test_passages_of_a_code_and_its_descendants_with_their_people(study):
    passages = study.passages("serving time", context=5)
    assert [p["quote"] for p in passages] == ["so relieved", "doing my time"]
    assert passages[0]["participant"] == "P01" and passages[0]["attributes"] == {"age": "34"}
    assert passages[0]["before"].endswith("\U0001f600 ") and len(passages[0]["before"]) == 5
    assert study.passages("serving time", descendants=False)[0]["quote"] == "doing my time"
    assert study.passages("serving time", coder="sam")[0]["coder"] == "sam"
    assert study.passages("serving time", group="counselor") == []


def test_overview_and_code_choices(study):
    view = study.overview()
    assert view["sources"][0]["codings"] == 2 and 0 < view["sources"][0]["coded_share"] < 1
    assert view["recent"][0]["action"] == "code"
    paths = {c["path"] for c in study.code_choices()}
    assert "serving time / relief" in paths


def test_a_new_code_and_its_coding_are_one_action(study):
    events = len(study.audit())
    code_id, coding_id = study.code_with_new(1, "judged", start=0, end=5, stage="focused")
    assert len(study.audit()) == events + 1
    assert study.coding(coding_id)["code"] == "judged"
    study.undo()
    assert "judged" not in set(study.codes().name)


def test_a_viewer_may_not_write(tmp_path):
    import theorize

    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from theorize.web import create_app
    from theorize.web.people import Person

    study = theorize.create_project(tmp_path / "v.theorize", title=PAYLOAD, user="lena")
    app = create_app({"project": study.location}, study=study)
    app.state.person = Person("vera", "viewer")
    with TestClient(app, base_url="http://127.0.0.1") as client:
        client.get("/")
        token = client.get("/api/session").json()["csrf"]
        response = client.post("/api/codes", json={"name": "x"}, headers={"X-CSRF-Token": token})
        assert response.status_code == 403
        assert response.json()["error"] == "vera (viewer) may not do this."
        assert client.get("/codes").status_code == 200
    study.close()


def test_a_source_without_turns_reads_as_one_turn_of_sentences(project):
    from theorize.domain.sources import ParsedSource

    project.import_parsed(ParsedSource(name="field note.txt", text="We met at noon. She was late.\nNo one spoke."))
    tr = project.transcript("field note.txt")
    assert len(tr.turns) == 1 and tr.turns[0].speaker is None
    assert [tr.text[s:e] for _, s, e in tr.turns[0].units] == ["We met at noon.", "She was late.", "No one spoke."]
