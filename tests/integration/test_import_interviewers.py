"""Interviewer roles by name, and a project that remembers its interviewers across imports."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import theorize
from theorize.cli.main import cli
from theorize.ingest import read_source_bytes


@pytest.mark.parametrize(
    "label",
    ["Therapist", "Counselor", "Counsellor", "Clinician", "Facilitator", "Moderator", "Researcher", "Therapist 2"],
)
def test_helping_professions_lead_the_interview(label):
    src = read_source_bytes(f"{label}: How was the week?\nRowan: Long.\n{label}: Go on.\n".encode(), "a.txt")
    assert [(t.speaker, t.role.value) for t in src.turns] == [
        (label, "interviewer"),
        ("Rowan", "participant"),
        (label, "interviewer"),
    ]


def _folder(tmp_path, n=30, interviewer="Lena Marsh"):
    folder = tmp_path / "interviews"
    folder.mkdir()
    for i in range(1, n + 1):
        (folder / f"C{i:02d}_interview.txt").write_text(
            f"{interviewer}: How did it start?\nC{i:02d}: With the judge, case {i}.\n"
            f"{interviewer}: And then?\nC{i:02d}: Then Bridgeway.\n",
            encoding="utf-8",
        )
    return folder


@pytest.mark.parametrize("workers", [0, 1])
def test_a_folder_finds_its_interviewer_and_the_project_remembers(location, tmp_path, workers):
    study = theorize.create_project(location, user="lena")
    result = study.import_folder(_folder(tmp_path), workers=workers)
    assert len(result.imported) == 30
    assert [i.name for i in result.imported] == [f"C{i:02d}_interview.txt" for i in range(1, 31)]
    assert all(item.interviewer_found for item in result.imported)
    assert result.interviewers_remembered == ["Lena Marsh"]
    assert study.interviewers() == ["Lena Marsh"]
    for name in ("C01_interview.txt", "C30_interview.txt"):
        assert study.segments(name)["role"].tolist() == ["interviewer", "participant"] * 2
    # A later single file: Lena is known, so no note is due.
    one = tmp_path / "C31_interview.txt"
    one.write_text("Lena Marsh: Hello.\nC31: Hi.\n", encoding="utf-8")
    item = study.import_file(one)
    assert item.interviewer_found
    assert study.segments("C31_interview.txt")["role"].tolist() == ["interviewer", "participant"]
    study.undo()
    study.undo()  # the folder, and the interviewer remembered with it
    assert study.interviewers() == []
    study.close()


def test_an_interviewer_named_once_is_remembered(location, tmp_path):
    study = theorize.create_project(location, user="lena")
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Dr Okafor: How are you?\nRowan: Fine.\n", encoding="utf-8")
    b.write_text("dr okafor: And today?\nSasha: Tired.\n", encoding="utf-8")
    study.import_file(a, interviewer=["Dr Okafor"])
    assert study.interviewers() == ["Dr Okafor"]
    item = study.import_file(b)
    assert item.interviewer_found
    assert study.segments("b.txt")["role"].tolist() == ["interviewer", "participant"]
    study.close()


def test_generic_speaker_numbers_are_not_taken_for_the_interviewer(tmp_path):
    folder = tmp_path / "zoom"
    folder.mkdir()
    for i in range(3):
        (folder / f"z{i}.txt").write_text("Speaker 1: Hello.\nSpeaker 2: Hi.\nSpeaker 1: So.\n", encoding="utf-8")
    study = theorize.create_project(tmp_path / "s.theorize", user="lena")
    result = study.import_folder(folder, workers=0)
    assert result.interviewers_remembered == [] and study.interviewers() == []
    assert study.segments("z0.txt")["role"].tolist() == ["participant"] * 3
    study.close()


def test_a_30_file_import_prints_no_note_per_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("THEORIZE_USER", "lena")
    monkeypatch.delenv("THEORIZE_PROJECT", raising=False)
    theorize.create_project(tmp_path / "study.theorize", user="lena").close()
    _folder(tmp_path)
    result = CliRunner().invoke(cli, ["import", "interviews"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Note:" not in result.output
    assert result.output.count("Imported C") == 30
