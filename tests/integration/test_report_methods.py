"""The report a committee signs: the methods section written from the study, positionality from the
reflexive memos, the circular-saturation warning, disagreements with their adjudications beside the
coefficients, theoretical saturation and group comparison; the DOCX's table of contents and its
numbered, referenced figures and tables; and the model figure (a loop back to an earlier stage, a
labelled context box, an undirected contrast, the core band inside the figure with three stages)."""

from __future__ import annotations

import re
import zipfile

import pytest

import theorize
from tests.helpers import transcript
from theorize.domain.theory import CategoryRole as R
from theorize.domain.theory import ModelCategory, ModelRelation, ModelStage, TheoryModel
from theorize.report import write_report
from theorize.theory.layout import layout

CATEGORY = "Living in the court's shadow"
ANSWERS = {
    "C01": "The judge scared me. I kept quiet.",
    "C02": "The judge scared me less. I kept quiet.",
    "C03": "The judge scared me at first.",
    "C04": "The judge scared me, and that was it.",
    "K01": "They say the judge scared me into it.",
    "K02": "The judge scared me too. I kept quiet.",
}


@pytest.fixture
def study(tmp_path):
    """Six interviews (four clients, two counselors) coded by lena and sam, who differ on C02;
    one adjudication; a reflexive and a sampling memo; property values on the category's codings."""
    s = theorize.create_project(
        tmp_path / "study.theorize",
        title="Alliance",
        user="lena",
        research_question="How do clients experience the alliance?",
        method_notes="Constructivist grounded theory; two coders.",
    )
    s.add_code(CATEGORY, stage="category")
    s.add_code("fearing the judge", stage="focused", parent=CATEGORY)
    s.add_code("keeping quiet", stage="focused")
    s.describe_category(CATEGORY, properties=["who holds power"], dimensions=["surveillance: total .. bounded"])
    s.place_category(CATEGORY, "condition")
    for i, (pid, answer) in enumerate(ANSWERS.items(), start=1):
        s.import_parsed(
            transcript(pid, [("Interviewer", "Tell me."), ("Participant", answer)]),
            participant=pid,
            group="client" if pid[0] == "C" else "counselor",
        )
        s.set_attributes(pid, {"interview_date": f"2026-0{i}-01"})
        for coder in ("lena", "sam"):
            s.code(pid, "fearing the judge", segment=2, coder=coder)
            if "kept quiet" in answer and not (pid == "C02" and coder == "sam"):
                s.code(pid, "keeping quiet", segment=2, coder=coder)
    codings = s.codings(code="fearing the judge", coder="lena")
    for source, value in (("C01", "total"), ("C02", "bounded"), ("K01", "total")):
        s.set_property_value(int(codings.loc[codings["source"] == source, "id"].iloc[0]), "surveillance", value)
    s.set_property_value(int(codings.loc[codings["source"] == "K02", "id"].iloc[0]), "who holds power")
    text = s.text("C02")
    start = text.index("The judge")
    s.adjudicate("C02", start=start, end=len(text), code="keeping quiet", note="Silence is a way of keeping quiet.")
    s.write_memo(
        "I used to sit at that table", "I worked as a court liaison before this study.\n\nMore.", type="reflexive"
    )
    s.write_memo("Sampling: counselors next", "Ask the other side.", type="sampling")
    yield s
    s.close()


def _text(path) -> str:
    return " ".join(path.read_text(encoding="utf-8").split())


def test_methods_section_and_positionality_are_written_from_the_study(study, tmp_path):
    out = write_report(study, tmp_path / "r.md", saturation_orders=20, saturation_group=None).path
    text = _text(out)
    assert "### 1.5 How the analysis was done" in out.read_text(encoding="utf-8")
    assert "**Research question.** How do clients experience the alliance?" in text
    assert "**Design.** Constructivist grounded theory; two coders." in text
    assert "**Sampling.** The study interviewed 4 client participants and 2 counselor participants." in text
    assert "in 1 sampling memo: “Sampling: counselors next”" in text
    assert "1 category (1 coding)" not in text and "2 focused codes" in text
    assert "4 memos were written by" in text or "memos were written by" in text
    assert "lena and sam coded independently" in text
    assert "1 decision recorded, each in an adjudication memo" in text
    assert (
        "**I used to sit at that table** (lena · " in text and "I worked as a court liaison before this study." in text
    )


def test_code_saturation_of_focused_codes_carries_the_circular_warning(study, tmp_path):
    text = _text(write_report(study, tmp_path / "r.md", saturation_orders=20, saturation_group=None).path)
    assert (
        "Warning: This saturation is circular: 2 of 2 codes already occur in the first interview (C01)"
        in text.replace("\\", "")
    )


def test_agreement_is_beside_its_disagreements_and_adjudications(study, tmp_path):
    text = _text(write_report(study, tmp_path / "r.md", saturation_orders=20, saturation_group=None).path)
    assert "### 4.3 Disagreements and adjudications" in text
    assert "The coders differed on 1 turn; 1 decision on them are recorded in adjudication memos." in text
    assert (
        "| C02 | The judge scared me less. I kept quiet. | fearing the judge, keeping quiet | fearing the judge | coded 'keeping quiet' |"
        in text
    )
    assert re.search(r"Percent agreement \(\d+\.\d%\) and Krippendorff's alpha \(-?\d\.\d\d\) differ because", text)


def test_theoretical_saturation_and_group_comparison_sections(study, tmp_path):
    text = _text(write_report(study, tmp_path / "r.md", saturation_orders=20, saturation_group=None).path)
    assert "### 4.4 Theoretical saturation" in text
    assert f"| {CATEGORY} | 3 | K02 | 6 of 6 | 0 |" in text  # total (C01), bounded (C02), the property (K02)
    assert "## 5 Theoretical sampling and comparison of groups" in text
    assert f"### 5.2 {CATEGORY}, by group" in text
    assert "| surveillance: total .. bounded | bounded ×1, total ×1 | total ×1 |" in text


def test_docx_has_a_table_of_contents_and_numbered_referenced_figures_and_tables(study, tmp_path):
    path = write_report(study, tmp_path / "r.docx", saturation_orders=20, saturation_group=None).path
    with zipfile.ZipFile(path) as z:
        body, settings = z.read("word/document.xml").decode(), z.read("word/settings.xml").decode()
    assert 'TOC \\o "1-2" \\h \\z \\u' in body and 'w:fldCharType="begin"' in body
    assert '<w:updateFields w:val="true"/>' in settings
    words = re.sub(r"<[^>]+>", "", body)
    assert "Figure 1. " in words and "Figure 1 shows the model" in words
    captions = [int(n) for n in re.findall(r"Table (\d+)\. ", words)]
    assert captions == list(range(1, len(captions) + 1)) and len(captions) >= 8
    # each analysis refers to its own numbered figure or table
    for ref in re.findall(r"\((?:Figure \d+; )?Table (\d+)\)", words):
        assert int(ref) in captions


def _three_stage_model() -> TheoryModel:
    cats = [
        ModelCategory("s1", "Complying", R.STAGE),
        ModelCategory("s2", "Testing the counselor", R.STAGE),
        ModelCategory("s3", "Finding the person behind the role", R.STAGE),
        ModelCategory("core", "From compliance to alliance in drug court treatment", R.CORE),
        ModelCategory("ctx", "Rupture and repair", R.CONTEXT),
        ModelCategory("a", "Doing it for me", R.CONSEQUENCE),
        ModelCategory("b", "Staying guarded", R.CONSEQUENCE),
    ]
    stages = [
        ModelStage(1, "Compliance", ("s1",)),
        ModelStage(2, "Testing", ("s2",)),
        ModelStage(3, "Recognition", ("s3",)),
    ]
    relations = [
        ModelRelation("s1", "s2", "leads to"),
        ModelRelation("s2", "s3", "leads to"),
        ModelRelation("s3", "s2", "leads back to"),
        ModelRelation("ctx", "s2", "leads back to"),
        ModelRelation("s3", "a", "leads to"),
        ModelRelation("a", "b", "contrasts with"),
    ]
    return TheoryModel("t", cats, stages, relations, "core")


def test_a_loop_back_to_an_earlier_stage_is_drawn():
    lay = layout(_three_stage_model(), 7.0)
    loop = next(e for e in lay.edges if (e.source_id, e.target_id) == ("s3", "s2"))
    testing, recognition = lay.box("s2"), lay.box("s3")
    assert len(loop.points) >= 3 and loop.label_lines  # routed around the boxes, and labelled
    start, end = loop.points[0], loop.points[-1]
    assert recognition.x - 1e-6 <= start[0] <= recognition.x + recognition.w + 1e-6
    assert testing.x - 1e-6 <= end[0] <= testing.x + testing.w + 1e-6  # it ends on the earlier stage
    assert loop.directed


def test_context_is_labelled_contrast_undirected_and_core_band_inside_with_three_stages():
    model = _three_stage_model()
    lay = layout(model, 7.0)
    assert lay.box("ctx").lines[0] == "Context:"
    contrast = next(e for e in lay.edges if e.label == "contrasts with")
    assert not contrast.directed and contrast.dashed
    core = lay.box("core")
    assert core.x > 0 and core.x + core.w < lay.width_in
    from theorize.theory.diagram import to_svg

    svg = to_svg(model)
    assert svg.count("<path") > 0
