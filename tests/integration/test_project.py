"""The study project through the Python API, on SQLite and (in CI) PostgreSQL."""

from __future__ import annotations

import pytest

import theorize
from tests.helpers import C03, transcript
from theorize.errors import Conflict, InvalidInput, NotFound


def test_create_and_reopen_keeps_the_study(location):
    study = theorize.create_project(location, title="From compliance to alliance", user="lena")
    study.import_parsed(C03, participant="C03", group="client")
    study.close()
    again = theorize.open_project(location, user="sam")
    assert again.study["title"] == "From compliance to alliance"
    assert list(again.sources()["name"]) == ["C03_interview"]
    assert again.sources().loc[0, "participants"] == "C03"
    assert again.segments("C03_interview")["speaker"].tolist() == ["Interviewer", "Participant"] * 2
    again.close()


def test_creating_over_an_existing_project_is_refused(location):
    theorize.create_project(location, user="lena").close()
    with pytest.raises(Conflict):
        theorize.create_project(location, user="lena")


def test_same_text_is_reported_not_imported_twice(project):
    project.import_parsed(C03)
    with pytest.raises(Conflict, match="already in the project as 'C03_interview'"):
        project.import_parsed(transcript("copy", [(t.speaker, C03.text[t.start : t.end]) for t in C03.turns]))
    assert len(project.sources()) == 1


def test_code_by_quote_turn_and_span(project):
    project.import_parsed(C03)
    project.add_code("doing my time", stage="focused")
    a = project.code("C03_interview", "doing my time", quote="I was just doing my time")
    b = project.code("C03_interview", "doing my time", segment=2)
    c = project.code("C03_interview", "doing my time", start=0, end=11, coder="sam")
    frame = project.codings().set_index("id")
    assert frame.loc[a, "quote"] == "I was just doing my time"
    assert frame.loc[b, "quote"].startswith("Honestly? I was just")
    assert frame.loc[c, "coder"] == "sam"
    assert frame.loc[a, "coder"] == "lena"


def test_span_past_the_end_and_unknown_code_are_refused_and_change_nothing(project):
    project.import_parsed(C03)
    project.add_code("fear")
    n = len(project.text("C03_interview"))
    with pytest.raises(InvalidInput, match=f"does not fit C03_interview, which has {n:,} characters"):
        project.code("C03_interview", "fear", start=10, end=n + 5)
    with pytest.raises(NotFound, match="no code called 'courage'"):
        project.code("C03_interview", "courage", segment=2)
    assert project.codings().empty
    assert project.audit()["action"].tolist() == ["create project", "import source", "add code"]


def test_merge_split_promote_keep_lineage(project):
    project.import_parsed(C03)
    for name in ("bracing for the judge", "keeping it short", "fearing the court"):
        project.add_code(name)
    project.code("C03_interview", "bracing for the judge", quote="so the judge wouldn't send me back")
    project.code("C03_interview", "keeping it short", quote="So I kept it short")
    moved = project.merge_codes(["bracing for the judge", "keeping it short"], into="fearing the court")
    assert moved == 2
    assert set(project.codings()["code"]) == {"fearing the court"}
    assert "bracing for the judge" not in set(project.codes()["name"])
    project.promote_code("fearing the court", "focused")
    ids = project.codings()["id"].tolist()
    project.split_code("fearing the court", [ids[1]], "guarding what reaches the judge")
    assert sorted(project.codings()["code"]) == ["fearing the court", "guarding what reaches the judge"]
    project.add_code("Living in the court's shadow", stage="category")
    project.move_code("fearing the court", "Living in the court's shadow")
    lineage = project.lineage("Living in the court's shadow")
    origins = set(lineage["origin"])
    assert {"fearing the court", "bracing for the judge", "keeping it short"} <= origins
    assert set(lineage[lineage.origin == "bracing for the judge"]["origin_stage"]) == {"initial"}
    with pytest.raises(InvalidInput, match="promotion goes to a later stage"):
        project.promote_code("fearing the court", "initial")


def test_in_vivo_code_takes_the_participants_words(project):
    project.import_parsed(C03)
    cid = project.code_in_vivo("C03_interview", quote="doing my time")
    row = project.codings().set_index("id").loc[cid]
    assert row["code"] == "\u201cdoing my time\u201d"
    assert bool(project.codes().set_index("name").loc["\u201cdoing my time\u201d", "in_vivo"])


def test_snapshot_diff_names_merges_renames_promotions(project):
    for name in ("a", "b", "c", "d"):
        project.add_code(name)
    project.snapshot("after interview 2")
    project.merge_codes(["a", "b"], into="c")
    project.rename_code("d", "doing it for me")
    project.promote_code("c", "focused")
    project.add_code("new one")
    project.snapshot("after interview 4")
    diff = project.diff("after interview 2", "after interview 4")
    assert diff.merged == [(["a", "b"], "c")]
    assert diff.renamed == [("d", "doing it for me")]
    assert diff.promoted == [("c", "initial", "focused")]
    assert diff.added == ["new one"]
    with pytest.raises(Conflict):
        project.snapshot("after interview 4")


def test_memos_link_to_codes_sources_and_codings(project):
    project.import_parsed(C03)
    project.add_code("doing my time")
    coding = project.code("C03_interview", "doing my time", quote="doing my time")
    first = project.write_memo(
        "Compliance as time served",
        "C03 speaks of *doing time*.",
        type="code",
        codes=["doing my time"],
        sources=["C03_interview"],
        codings=[coding],
    )
    project.write_memo("Reflexive: my probation years", "I notice...", type="reflexive", memos=[first])
    memos = project.memos().set_index("id")
    assert memos.loc[first, "codes"] == ["doing my time"]
    assert memos.loc[first, "sources"] == ["C03_interview"]
    assert memos.loc[first, "codings"] == [coding]
    with pytest.raises(InvalidInput, match="not a memo type"):
        project.write_memo("x", type="diary")


def test_relations_typed_and_user_types(project):
    project.add_code("Living in the court's shadow", stage="category")
    project.add_code("Complying to get through", stage="category")
    project.relate("Living in the court's shadow", "Complying to get through", "is a condition for")
    with pytest.raises(InvalidInput, match="not a relation type"):
        project.relate("Complying to get through", "Living in the court's shadow", "causes")
    project.add_relation_type("undermines")
    project.relate("Complying to get through", "Living in the court's shadow", "undermines")
    assert project.relations()["type"].tolist() == ["is a condition for", "undermines"]


def test_repeated_names_in_branches_need_a_path(project):
    project.add_code("client")
    project.add_code("counselor")
    project.add_code("trust", parent="client")
    project.add_code("trust", parent="counselor")
    with pytest.raises(Conflict, match="More than one code is called 'trust'"):
        project.rename_code("trust", "x")
    project.rename_code("counselor/trust", "trust in the client")
    assert sorted(project.codes()["path"]) == [
        "client",
        "client / trust",
        "counselor",
        "counselor / trust in the client",
    ]


def test_undo_reverts_actions_one_by_one(project):
    project.import_parsed(C03)
    project.add_code("fear")
    project.code("C03_interview", "fear", segment=2)
    project.rename_code("fear", "fearing the judge")
    assert "renamed" in project.undo()
    assert project.codes()["name"].tolist() == ["fear"]
    project.undo()
    assert project.codings().empty
    project.undo()
    assert project.codes().empty
    project.undo()
    assert project.sources().empty and project.segments().empty
    with pytest.raises(InvalidInput, match="nothing to undo"):
        project.undo()
    assert project.verify_audit().ok


def test_undo_restores_a_deleted_coding_and_a_merge(project):
    project.import_parsed(C03)
    project.add_code("a")
    project.add_code("b")
    cid = project.code("C03_interview", "a", segment=2)
    project.uncode(cid)
    project.undo()
    assert project.codings()["id"].tolist() == [cid]
    project.merge_codes(["a"], into="b")
    project.undo()
    assert project.codings()["code"].tolist() == ["a"]
    assert set(project.codes()["name"]) == {"a", "b"}


def test_attributes_typed(project):
    project.add_participant("C01", group="client", age_band="30-39", months_in_program=7)
    project.set_attributes("C01", {"graduated": False})
    people = project.participants().set_index("participant")
    assert people.loc["C01", "group"] == "client"
    assert people.loc["C01", "months_in_program"] == "7"
    assert people.loc["C01", "graduated"] == "no"
    assert project.attribute_types() == {"age_band": "text", "months_in_program": "number", "graduated": "yes/no"}


def test_line_by_line_units_and_coding_a_sentence(project):
    project.import_parsed(C03)
    sentences = project.units("C03_interview", "sentence")
    assert sentences.text.tolist()[1:3] == ["Honestly?", "I was just doing my time."]
    assert set(sentences.turn) == {1, 2, 3, 4}
    project.add_code("doing my time")
    cid = project.code("C03_interview", "doing my time", segment=3, unit="sentence")
    assert project.codings().set_index("id").loc[cid, "quote"] == "I was just doing my time."
    with pytest.raises(InvalidInput, match="has no sentence 99"):
        project.code("C03_interview", "doing my time", segment=99, unit="sentence")
    lines = project.units("C03_interview", "line")
    assert len(lines) == 4
