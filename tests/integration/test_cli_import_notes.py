"""The CLI prints what a reader dropped or guessed when it imported a file (issue 9.7)."""

from __future__ import annotations


def test_import_prints_a_note_for_damaged_bytes(run, study_file, tmp_path):
    data = ("Interviewer: was the café open?\n" * 50).encode() + b"C07: it was \xff closed\n"
    path = tmp_path / "C07_interview.txt"
    path.write_bytes(data)
    result = run("-p", str(study_file), "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Imported C07_interview.txt" in result.output
    assert ("Note: C07_interview.txt is UTF-8 text with a byte that is not UTF-8, at line 51") in result.output


def test_a_clean_file_gets_no_note(run, study_file, tmp_path):
    path = tmp_path / "C08_interview.txt"
    path.write_text("Interviewer: was it open?\nC08: it was.\n", encoding="utf-8")
    result = run("-p", str(study_file), "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Note:" not in result.output
