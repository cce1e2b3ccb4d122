"""Bad files at the command line: one sentence, exit code 2, no traceback, the project as it was;
a folder import reports each bad file and goes on with the rest."""

from __future__ import annotations

import zipfile

import pytest
from click.testing import CliRunner

import theorize
from theorize.cli.main import cli


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("THEORIZE_USER", "lena")
    theorize.create_project(tmp_path / "study.theorize", user="lena").close()
    return tmp_path


def _state(path):
    with theorize.open_project(path) as study:
        return len(study.sources()), study.audit().action.tolist()


def run(*args):
    return CliRunner().invoke(cli, list(args))


BAD = {
    "corrupt.docx": (b"PK\x03\x04 this is not really a zip", "corrupt.docx"),
    "locked.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "password-protected"),
    "interview_03.docx": (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        "interview_03.docx is not a Word file (it looks like a PDF)",
    ),
    "empty.txt": (b"", "empty.txt"),
    "binary.txt": (bytes(range(256)) * 40, "binary.txt"),
    "broken.vtt": (b"WEBVTT\n\n00:00:01.000 --> banana\n<v Lena>Hello\n", "broken.vtt"),
    "notes.pages": (b"whatever", "notes.pages has a suffix theorize cannot read"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_file_is_one_sentence_exit_2_and_nothing_changes(here, name):
    data, expected = BAD[name]
    (here / name).write_bytes(data)
    before = _state(here / "study.theorize")
    result = run("import", name)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ")
    assert expected in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _state(here / "study.theorize") == before


def test_a_scanned_pdf_without_text(here):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    with open(here / "scan.pdf", "wb") as fh:
        writer.write(fh)
    result = run("import", "scan.pdf")
    assert result.exit_code == 2
    assert "scan.pdf has no text layer" in result.output


def test_a_file_over_the_size_limit(here):
    (here / "huge.txt").write_bytes(b"Interviewer: hello\n" * 120_000)  # about 2.3 MB
    result = run("import", "huge.txt", "--max-size", "1")
    assert result.exit_code == 2
    assert "huge.txt is" in result.output and "limit" in result.output


def test_a_folder_reports_each_bad_file_and_imports_the_rest(here):
    folder = here / "interviews"
    folder.mkdir()
    (folder / "C01.txt").write_text("Interviewer: How was court?\n\nParticipant: Scary, honestly.\n", encoding="utf-8")
    (folder / "C02.txt").write_text(
        "Interviewer: And Luis?\n\nParticipant: He was straight with me.\n", encoding="utf-16"
    )
    (folder / "bad.docx").write_bytes(b"%PDF-1.4\n")
    (folder / "empty.txt").write_bytes(b"")
    result = run("import", str(folder))
    assert result.exit_code == 2
    assert "Imported C01.txt" in result.output and "Imported C02.txt" in result.output
    assert "bad.docx is not a Word file" in result.output
    assert "2 imported, 0 already there, 2 refused." in result.output
    assert _state(here / "study.theorize") == (2, ["create project", "import folder"])
    assert run("undo").exit_code == 0  # the folder was one action
    assert _state(here / "study.theorize")[0] == 0


def test_importing_the_same_file_twice_is_reported(here):
    (here / "C01.txt").write_text("Interviewer: Hi.\n\nParticipant: Hello.\n", encoding="utf-8")
    assert run("import", "C01.txt").exit_code == 0
    again = run("import", "C01.txt")
    assert again.exit_code == 0
    assert "Skipped: C01.txt is already in the project as 'C01.txt' (same text)" in again.output
    assert _state(here / "study.theorize")[0] == 1


def test_cp1252_and_utf16_are_read(here):
    (here / "cp.txt").write_bytes("Participant: The café – naïve of me.\n".encode("cp1252"))
    assert run("import", "cp.txt").exit_code == 0
    with theorize.open_project(here / "study.theorize") as study:
        assert "café – naïve" in study.text("cp.txt")


def test_survey_per_respondent(here):
    (here / "survey.csv").write_text(
        "id,What helped?,What got in the way?\nR1,My counselor,The court\nR2,Group,\n", encoding="utf-8"
    )
    result = run("import", "survey.csv", "--survey", "respondent")
    assert result.exit_code == 0, result.output
    with theorize.open_project(here / "study.theorize") as study:
        sources = study.sources()
        assert len(sources) == 2
        assert set(sources.participants) == {"R1", "R2"}


def test_attribute_sheet(here):
    (here / "people.csv").write_text(
        "participant,group,age,graduated\nC01,client,34,no\nC02,client,41,yes\n", encoding="utf-8"
    )
    assert run("import", "people.csv", "--attributes").exit_code == 0
    with theorize.open_project(here / "study.theorize") as study:
        people = study.participants().set_index("participant")
        assert people.loc["C02", "graduated"] == "yes"
        assert study.attribute_types()["age"] == "number"


def test_a_transcript_without_a_recognised_interviewer_gets_a_note(here):
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Lena Marsh>How did it start?\n\n"
        "00:00:04.000 --> 00:00:09.000\n<v Keisha Moore>With the judge, honestly.\n"
    )
    (here / "a.vtt").write_text(vtt, encoding="utf-8")
    result = run("import", "a.vtt")
    assert result.exit_code == 0
    assert "Note: no speaker in a.vtt was recognised as the interviewer (Lena Marsh, Keisha Moore)" in result.output
    assert run("undo").exit_code == 0
    again = run("import", "a.vtt", "--interviewer", "Lena Marsh")
    assert "Note:" not in again.output
    with theorize.open_project(here / "study.theorize") as study:
        assert study.segments("a.vtt").role.tolist() == ["interviewer", "participant"]
