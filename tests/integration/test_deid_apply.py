"""De-identifying a project: scan, review, apply; afterwards nothing identifying is left in the
project (tables, -wal, audit trail, older text versions), the trail still verifies, deep too, and
the vault gives the originals back only with the passphrase."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text as sql

from tests.helpers import transcript
from theorize.deid.vault import read_vault
from theorize.errors import Conflict, InvalidInput

REAL = ["Whitfield", "Ashford", "DC-2025-1108", "Luis", "Ortega", "Castellano", "555-201-3344"]


def _study(project):
    project.import_parsed(
        transcript(
            "C03",
            [
                ("Interviewer", "Is this going to the court?"),
                (
                    "Participant",
                    (
                        "Does Judge Whitfield get this? I live on Orchard Street in Ashford with my mom. "
                        "My lawyer, Ms. Castellano, said drug court was the way. Case number's DC-2025-1108."
                    ),
                ),
                ("Participant", "Luis Ortega is my counselor. Luis is okay. Call me at 555-201-3344."),
            ],
        )
    )
    project.import_parsed(
        transcript(
            "C04",
            [
                (
                    "Participant",
                    "Judge Whitfield gave me a night. Higher Power stuff, Drug Court, all of it. Whitfield again.",
                ),
            ],
        )
    )
    project.add_code("waiting for the judge")
    coding = project.code("C03", "waiting for the judge", quote="Does Judge Whitfield get this?")
    project.write_memo("judge", "Whitfield seems feared; Luis trusted.")
    return coding


def _apply(project, tmp_path):
    project.deid_scan(use_model=False)
    project.deid_add_term("deny", "Luis", "person")
    found = project.deid_scan()  # spaCy's model finds the town
    project.deid_decide_all("accept")
    return found, project.deid_apply("correct horse battery", vault=tmp_path / "study.vault")


def test_scan_finds_titles_names_places_and_case_numbers_with_offsets(project):
    _study(project)
    found = project.deid_scan(use_model=False)
    text = project.text("C03")
    assert all(text[f["start"] : f["end"]] == f["text"] for f in found if f["source"] == "C03")
    said = {(f["text"], f["type"]) for f in found}
    assert {
        ("Judge Whitfield", "person"),
        ("Orchard Street", "place"),
        ("Ms. Castellano", "person"),
        ("DC-2025-1108", "identifier"),
        ("555-201-3344", "phone"),
    } <= said
    assert not any(f["text"] in ("Drug Court", "Higher Power") for f in found)


def test_apply_replaces_consistently_and_leaves_nothing_identifying_anywhere(project, tmp_path):
    coding = _study(project)
    _apply(project, tmp_path)
    c03, c04 = project.text("C03"), project.text("C04")
    assert "[Judge A]" in c03 and "[Judge A]" in c04 and "[Case number 1]" in c03
    assert c04.count("[Judge A]") == 2  # "Judge Whitfield" and "Whitfield": one person
    quote = project.codings().set_index("id").loc[coding, "quote"]
    assert "[Judge A]" in quote  # the coding followed the words into the new version
    assert project.deid_pending_sources() == []
    with project.engine.connect() as conn:
        for table in conn.dialect.get_table_names(conn):
            rows = conn.execute(sql(f'select * from "{table}"')).all()
            flat = " ".join(str(v) for row in rows for v in row)
            for word in REAL:
                assert word not in flat, (table, word)
    assert project.verify_audit().ok
    assert project.verify_audit(deep=True).ok, project.verify_audit(deep=True).differences[:3]
    content = read_vault(tmp_path / "study.vault", "correct horse battery")
    assert any("Whitfield" in v for v in content["originals"].values())
    with pytest.raises(InvalidInput, match="The passphrase does not open study.vault"):
        read_vault(tmp_path / "study.vault", "wrong")


def test_the_project_file_and_its_wal_hold_none_of_the_real_words(sqlite_project, tmp_path):
    project = sqlite_project
    _study(project)
    _apply(project, tmp_path)
    for path in (project.path, project.path.with_name(project.path.name + "-wal")):
        if path.exists():
            data = path.read_bytes()
            for word in REAL:
                assert word.encode() not in data, (path.name, word)
    sqlite3.connect(project.path).close()


def test_the_log_says_what_was_replaced_where_but_never_the_words(project, tmp_path):
    _study(project)
    _apply(project, tmp_path)
    log = project.deid_log()
    assert {"person", "place", "identifier", "phone"} <= set(log["type"])
    assert not any(word in " ".join(map(str, log.to_numpy().ravel())) for word in REAL)
    row = log[log["type"] == "identifier"].iloc[0]
    assert project.text(row["source"])[row["start"] : row["end"]] == row["replacement"]


def test_apply_refuses_pending_findings_and_undo_of_withheld_words(project, tmp_path):
    _study(project)
    project.deid_scan(use_model=False)
    with pytest.raises(InvalidInput, match="Some findings are not yet reviewed"):
        project.deid_apply("pw", vault=tmp_path / "v.vault")
    project.deid_decide_all("accept")
    project.deid_apply("pw", vault=tmp_path / "v.vault")
    with pytest.raises(Conflict, match="cannot be undone"):
        project.undo()


def test_a_later_transcript_gets_the_same_replacement_from_the_vault(project, tmp_path):
    _study(project)
    _apply(project, tmp_path)
    project.import_parsed(transcript("C05", [("Participant", "Whitfield was fair to me, honestly.")]))
    assert project.deid_pending_sources() == ["C05"]
    project.deid_scan(["C05"], passphrase="correct horse battery", vault=tmp_path / "study.vault", use_model=False)
    project.deid_decide_all("accept")
    project.deid_apply("correct horse battery", vault=tmp_path / "study.vault")
    assert project.text("C05") == "Participant: [Judge A] was fair to me, honestly."
