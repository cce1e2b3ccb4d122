"""`theorize memo add` (body from a file, standard input or the editor; never empty; on a turn or a
coding) and `theorize import` (the importer each path gets; an attribute sheet links sources)."""

from __future__ import annotations

import theorize
from tests.helpers import C03, transcript


def test_memo_body_from_standard_input_and_from_a_file(run, study_file, tmp_path):
    piped = run("memo", "add", "Compliance as time served", input="C03 speaks of *doing time*.\n")
    assert piped.output.strip() == "Memo 1 saved"
    (tmp_path / "memo.md").write_text("From a file.", encoding="utf-8")
    assert run("memo", "add", "From a file", "--file", "memo.md").output.strip() == "Memo 2 saved"
    dash = run("memo", "add", "Dash", "--file", "-", input="From a dash.")
    assert dash.output.strip() == "Memo 3 saved"
    with theorize.open_project(study_file) as study:
        assert study.memos().body.tolist() == ["C03 speaks of *doing time*.\n", "From a file.", "From a dash."]


def test_an_empty_memo_is_refused_and_nothing_is_saved(run, study_file):
    empty = run("memo", "add", "Nothing yet", input="")
    assert empty.exit_code == 2
    assert empty.output.strip() == "Error: The memo 'Nothing yet' is empty; write its text first."
    blank = run("memo", "add", "Blank", "--body", "   ")
    assert blank.exit_code == 2
    both = run("memo", "add", "Both", "--body", "x", "--file", "-")
    assert both.output.strip() == "Error: Give the memo's body with --body or --file, not both."
    with theorize.open_project(study_file) as study:
        assert study.memos().empty


def test_the_editor_writes_the_body_when_nothing_is_piped(run, study_file, monkeypatch):
    import click

    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True, raising=False)
    monkeypatch.setattr(click, "edit", lambda text, extension: "Written in the editor.\n\n" + text)
    result = run("memo", "add", "Edited")
    assert result.output.strip() == "Memo 1 saved"
    with theorize.open_project(study_file) as study:
        assert study.memos().body.tolist() == ["Written in the editor.\n\n\n\n"]


def test_a_memo_on_a_turn_and_on_a_coding_when_written(run, study_file):
    run("code", "C03_interview", "doing my time", "--turn", "2")
    result = run(
        "memo",
        "add",
        "The judge in the room",
        "--body",
        "He looks at the pen.",
        "--turn",
        "C03_interview:4",
        "--coding",
        "1",
    )
    assert result.output.strip() == "Memo 1 saved"
    shown = run("memo", "show", "1").output
    assert "turns: C03_interview turn 4" in shown and "codings: 1" in shown and "sources: C03_interview" in shown
    bad = run("memo", "add", "Nowhere", "--body", "x", "--turn", "C03_interview:9")
    assert bad.exit_code == 2
    assert bad.output.strip() == "Error: C03_interview has no turn 9."
    worse = run("memo", "add", "Nowhere", "--body", "x", "--turn", "C03_interview")
    assert worse.output.strip() == (
        "Error: 'C03_interview' does not name a turn; write it as SOURCE:N, e.g. C03_interview.txt:4."
    )


def test_an_attribute_sheet_links_sources_by_the_id_in_their_names(run, tmp_path):
    study = theorize.create_project(tmp_path / "study.theorize", user="lena")
    study.import_parsed(C03)  # C03_interview: no participant yet
    study.import_parsed(transcript("C1_followup", [("Interviewer", "Again?"), ("Participant", "Again.")]))
    study.import_parsed(transcript("group_session", [("Interviewer", "All?"), ("Participant", "All.")]))
    study.close()
    (tmp_path / "participants.csv").write_text(
        "participant,group,months\nC03,client,7\nC1,client,3\nC10,client,9\n", encoding="utf-8"
    )
    result = run("import", "participants.csv", "--attributes")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Read attributes of 3 participants from participants.csv",
        "Linked 2 sources to their participants: C03_interview to C03, C1_followup to C1",
        "Note: 1 source belongs to no participant: group_session; link it with `theorize assign SOURCE PARTICIPANT`.",
    ]
    with theorize.open_project(tmp_path / "study.theorize") as study:
        assert study.sources().participants.tolist() == ["C03", "C1", ""]
        assert len(study.audit()) == 5  # created, three imports, one attribute sheet


def test_an_attribute_sheet_with_a_column_of_file_names(run, tmp_path):
    study = theorize.create_project(tmp_path / "study.theorize", user="lena")
    study.import_parsed(transcript("interview_a", [("Interviewer", "Q?"), ("Participant", "A.")]))
    study.import_parsed(transcript("interview_b", [("Interviewer", "Q?"), ("Participant", "B.")]))
    study.close()
    (tmp_path / "people.csv").write_text(
        "participant,source\nP7,interview_b\nP8,interview_a; other.docx\n", encoding="utf-8"
    )
    result = run("import", "people.csv", "--attributes")
    assert "Linked 2 sources to their participants: interview_a to P8, interview_b to P7" in result.output
    with theorize.open_project(tmp_path / "study.theorize") as study:
        assert "source" not in study.participants().columns


def test_import_refuses_what_is_not_there_and_skips_what_is(run, study_file, tmp_path):
    missing = run("import", "nowhere.docx")
    assert missing.exit_code == 2
    assert missing.output.strip() == "Error: nowhere.docx does not exist."
    both = run("import", "x.csv", "--attributes", "--survey", "respondent")
    assert both.exit_code == 2
    (tmp_path / "C03.txt").write_text("Interviewer: Tell me.\n\nC03: I was just doing my time.\n", encoding="utf-8")
    first = run("import", "C03.txt")
    assert first.output.startswith("Imported C03.txt: 2 turns")
    again = run("import", "C03.txt")
    assert again.exit_code == 0
    assert again.output.startswith("Skipped: C03.txt is already in the project as 'C03.txt' (same text)")
