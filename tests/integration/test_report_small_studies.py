"""Reports of small studies as a researcher starts them: nothing coded yet, and a category that holds
only initial codes placed under it (no focused pass). Each still reads right."""

from __future__ import annotations

import pytest

import theorize
from tests.helpers import C03
from theorize.report import write_report


@pytest.fixture
def fresh(tmp_path):
    study = theorize.create_project(tmp_path / "fresh.theorize", title="Fresh", user="lena")
    yield study
    study.close()


@pytest.mark.parametrize("fmt", ["html", "md", "docx"])
def test_a_project_with_a_source_and_no_codings_gets_a_report(fresh, tmp_path, fmt):
    fresh.import_parsed(C03, participant="P1")
    result = write_report(fresh, tmp_path / f"r.{fmt}", saturation_orders=20)
    assert result.path.exists() and result.quotes == 0


def test_an_empty_project_says_what_is_there_in_plain_words(fresh, tmp_path):
    text = write_report(fresh, tmp_path / "r.md", saturation_orders=20).path.read_text(encoding="utf-8")
    assert "The material comprises 0 sources (0 words); 0 codings by 0 coders; 0 memos." in text
    assert "de-identified" not in text.split("## 2")[0]  # nothing to de-identify yet
    assert "(1 audited action)" in text


def test_a_category_over_initial_codes_counts_and_quotes_their_codings(fresh, tmp_path):
    fresh.import_parsed(C03, participant="P1")
    fresh.add_code("Living in the court's shadow", stage="category")
    for name, words in (("feeling watched", "first weeks"), ("counting days", "the program")):
        fresh.add_code(name, stage="initial", parent="Living in the court's shadow")
        fresh.code("C03_interview", name, quote=words)
    text = write_report(fresh, tmp_path / "r.md", saturation_orders=20).path.read_text(encoding="utf-8")
    assert "1 category with 2 initial codes (counted, not listed) beneath them" in text
    chapter = text.split("## 2 Codebook")[1].split("## 3")[0]
    assert "first weeks" in chapter  # an exemplar quote from the initial codes beneath
    assert "The study interviewed 1 participant without a group." in text


def test_without_participant_groups_sampling_looks_at_everyone(fresh, tmp_path):
    fresh.import_parsed(C03, participant="P1")
    fresh.add_code("Living in the court's shadow", stage="category")
    fresh.add_code("feeling watched", stage="initial", parent="Living in the court's shadow")
    fresh.code("C03_interview", "feeling watched", quote="first weeks")
    view = fresh.sampling()
    assert list(view.coverage["group"]) == ["all participants"]
    assert view.coverage[["participants", "of_participants"]].values.tolist() == [[1, 1]]
    text = write_report(fresh, tmp_path / "r.md", saturation_orders=20).path.read_text(encoding="utf-8")
    assert "Coverage of 1 category by 1 participant group." in text
    assert "all participants participants" not in text
