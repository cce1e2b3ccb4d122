"""The command line: exact messages and exit codes, as a researcher sees them."""

from __future__ import annotations

import pytest

import theorize
from tests.helpers import C03, cli_runner


@pytest.fixture
def run(tmp_path, monkeypatch):
    return cli_runner(monkeypatch, tmp_path)


@pytest.fixture
def study_file(tmp_path):
    study = theorize.create_project(tmp_path / "study.theorize", title="Demo", user="lena")
    study.import_parsed(C03, participant="C03")
    study.add_code("doing my time", stage="focused")
    study.close()
    return tmp_path / "study.theorize"


def test_init_creates_a_project_and_refuses_a_second_time(run, tmp_path):
    result = run("init", "new.theorize", "--title", "Alliance")
    assert result.exit_code == 0
    assert result.output.strip() == "Created new.theorize"
    again = run("init", "new.theorize")
    assert again.exit_code == 2
    assert again.output.strip() == "Error: new.theorize exists already; open it, or choose another name."


def test_init_refuses_a_name_without_the_suffix(run):
    result = run("init", "study.db")
    assert result.exit_code == 2
    assert "project files end in .theorize" in result.output


def test_no_project_here_is_one_sentence(run):
    result = run("codes")
    assert result.exit_code == 2
    assert result.output.startswith("Error: No project here; name one with --project FILE")


def test_code_by_quote_then_show_lists_it_under_its_turn(run, study_file):
    result = run("code", "C03_interview", "doing my time", "--quote", "I was just doing my time")
    assert result.exit_code == 0, result.output
    assert "doing my time on C03_interview" in result.output
    shown = run("show", "C03_interview")
    assert "Honestly? I was just doing my time." in shown.output
    assert "\u25b8 #1 doing my time (lena" in shown.output


def test_unknown_code_name_exit_2_and_nothing_changes(run, study_file):
    result = run("code", "C03_interview", "courage", "--turn", "2")
    assert result.exit_code == 2
    assert result.output.strip() == "Error: There is no code called 'courage'; `theorize codes` shows the codebook."
    with theorize.open_project(study_file) as study:
        assert study.codings().empty


def test_span_past_the_end(run, study_file):
    result = run("code", "C03_interview", "doing my time", "--span", "10-99999")
    assert result.exit_code == 2
    assert "does not fit C03_interview, which has" in result.output
    assert "Traceback" not in result.output


def test_a_bad_span_and_a_bad_flag(run, study_file):
    result = run("code", "C03_interview", "doing my time", "--span", "ten-twenty")
    assert result.exit_code == 2
    assert (
        result.output.strip() == "Error: 'ten-twenty' is not a span; write it as START-END in characters, e.g. 120-245."
    )
    flag = run("codes", "--colour")
    assert flag.exit_code == 2
    assert "Error: No such option '--colour'." in flag.output


def test_codebook_work_snapshot_diff_undo_and_audit(run, study_file):
    assert run("codes", "add", "bracing for the judge").exit_code == 0
    assert run("snapshot", "after interview 2").exit_code == 0
    assert run("codes", "merge", "bracing for the judge", "--into", "doing my time").exit_code == 0
    assert run("codes", "promote", "doing my time", "category").exit_code == 0
    diff = run("diff", "after interview 2")
    assert diff.output.splitlines() == [
        "merged: bracing for the judge -> doing my time",
        "promoted: doing my time (focused -> category)",
    ]
    undo = run("undo")
    assert undo.output.startswith("Undid event")
    assert "promoted" in undo.output
    verify = run("audit", "verify")
    assert verify.exit_code == 0
    assert verify.output.startswith("The audit trail is intact:")
    tree = run("codes")
    assert "doing my time" in tree.output and "focused" in tree.output


def test_memo_and_relate(run, study_file):
    assert run("codes", "add", "Living in the court's shadow", "--stage", "category").exit_code == 0
    result = run(
        "memo",
        "add",
        "Compliance as time served",
        "--type",
        "theoretical",
        "--body",
        "Doing *time*.",
        "--code",
        "doing my time",
        "--source",
        "C03_interview",
    )
    assert result.output.strip() == "Memo 1 saved"
    shown = run("memo", "show", "1")
    assert "Compliance as time served" in shown.output and "codes: doing my time" in shown.output
    rel = run("relate", "Living in the court's shadow", "doing my time", "--type", "is a condition for")
    assert rel.exit_code == 0
    bad = run("relate", "doing my time", "Living in the court's shadow", "--type", "causes")
    assert bad.exit_code == 2
    assert "'causes' is not a relation type" in bad.output


def test_export_csv_and_xlsx(run, study_file, tmp_path):
    run("code", "C03_interview", "doing my time", "--turn", "2")
    result = run("export", "csv", "codings.csv", "--table", "codings")
    assert result.exit_code == 0
    import pandas as pd

    frame = pd.read_csv(tmp_path / "codings.csv")
    assert frame.loc[0, "code"] == "doing my time" and frame.loc[0, "quote"].startswith("Honestly?")
    assert run("export", "study.xlsx").exit_code == 0
    sheets = pd.read_excel(tmp_path / "study.xlsx", sheet_name=None)
    assert {"sources", "codes", "codings", "memos", "audit"} <= set(sheets)
    bad = run("export", "pdf", "x.pdf")
    assert bad.exit_code == 2
    assert "'pdf' is not an export format" in bad.output


def test_tampered_audit_exit_code_1(run, study_file):
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{study_file}")
    with engine.begin() as conn:
        conn.execute(text("update audit_event set actor = 'mallory' where id = 2"))
    engine.dispose()
    result = run("audit", "verify")
    assert result.exit_code == 1
    assert "Problem: event 2 (import source) was changed after it was written" in result.output


def test_a_file_that_is_not_a_database_and_an_unreachable_server(run, tmp_path):
    (tmp_path / "junk.theorize").write_text("notes, not a database " * 20, encoding="utf-8")
    result = run("-p", "junk.theorize", "sources")
    assert result.exit_code == 2
    assert result.output.strip() == (
        "Error: junk.theorize is not a theorize project (it is not a database file); check the file name."
    )
    down = run("-p", "postgresql://nobody@127.0.0.1:1/x", "sources")
    assert down.exit_code == 2
    assert down.output.startswith("Error: Could not reach the database at 127.0.0.1:1/x:")
    assert "Traceback" not in down.output


def test_a_memo_file_in_the_wrong_encoding_and_an_impossible_occurrence(run, study_file, tmp_path):
    (tmp_path / "memo.md").write_bytes("Caf\xe9 notes".encode("utf-16"))
    result = run("memo", "add", "Notes", "--file", "memo.md")
    assert result.exit_code == 2
    assert result.output.strip() == "Error: memo.md is not UTF-8 text; save the memo as UTF-8 and try again."
    bad = run("code", "C03_interview", "doing my time", "--quote", "doing my time", "--occurrence", "0")
    assert bad.exit_code == 2
    assert "Occurrence 0 is not possible" in bad.output


def test_uncode_review_decide_assign_and_memo_link(run, study_file):
    run("code", "C03_interview", "doing my time", "--turn", "2")
    assert run("uncode", "1").output.strip() == "Removed coding #1"
    assert run("uncode", "1").exit_code == 2
    with theorize.open_project(study_file, user="lena") as study:
        cid = study.code(
            "C03_interview", "doing my time", segment=2, origin="machine", model_id="minilm-int8", confidence=0.8
        )
    assert run("decide", str(cid), "--reject").output.strip() == f"Coding #{cid} rejected"
    assert run("decide", str(cid)).exit_code == 2
    assert run("assign", "C03_interview", "C03", "C09").exit_code == 0
    run("memo", "add", "On time", "--body", "x")
    assert run("memo", "link", "1", "--code", "doing my time").exit_code == 0
    with theorize.open_project(study_file) as study:
        assert study.codings(include_rejected=True).status.tolist() == ["rejected"]
        assert set(study.sources().participants.iloc[0].split(", ")) == {"C03", "C09"}
        assert study.memos().iloc[0].codes == ["doing my time"]
    text_path = study_file.parent / "fixed.txt"
    with theorize.open_project(study_file) as study:
        text_path.write_text(study.text("C03_interview").replace("doing my time", "serving time"), encoding="utf-8")
        cid = study.code("C03_interview", "doing my time", quote="I was just doing my time")
    assert run("edit", "C03_interview", str(text_path)).exit_code == 0
    assert run("review", str(cid)).output.strip() == f"Coding #{cid} reviewed"
