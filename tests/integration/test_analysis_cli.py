"""The analysis commands through click's runner: agreement, saturation, matrix, cooccurrence,
adjudicate and the model group, with their error paths (exit code 2 and one exact sentence)."""

from __future__ import annotations

import pandas as pd
import pytest

import theorize
from tests.helpers import cli_runner, transcript

ANSWERS = [
    "I was just doing my time. The judge scared me. I trust Luis now.",
    "Luis told me what he has to report. I trusted him after that.",
    "Doing it for me now, not the court. The judge scared me.",
    "I kept quiet in group. The judge scared me, honestly.",
    "He went to bat for me at staffing. Doing it for me now.",
    "I still don't trust any of them. Doing my time, that's all.",
]
QUOTES = {
    "doing my time": "doing my time",
    "judge scared me": "fearing the judge",
    "Doing it for me": "doing it for me",
    "I trust Luis": "client talk/trust",
    "trusted him": "counselor talk/trust",
    "Doing my time": "doing my time",
}


@pytest.fixture
def study_file(tmp_path):
    """Six client interviews coded by lena and sam, who differ on one turn (C04); two codes named
    "trust" in different branches; a category over "fearing the judge"."""
    study = theorize.create_project(tmp_path / "study.theorize", title="Alliance", user="lena")
    study.add_code("Living in the court's shadow", stage="category")
    study.add_code("fearing the judge", stage="focused", parent="Living in the court's shadow")
    for name in ("doing my time", "doing it for me", "client talk", "counselor talk"):
        study.add_code(name, stage="focused")
    study.add_code("trust", stage="initial", parent="client talk")
    study.add_code("trust", stage="initial", parent="counselor talk")
    for i, answer in enumerate(ANSWERS, start=1):
        study.import_parsed(
            transcript(f"C0{i}", [("Interviewer", "Tell me about your counselor."), ("Participant", answer)]),
            participant=f"C0{i}",
            group="client",
        )
        study.set_attributes(f"C0{i}", {"interview_date": f"2026-0{i}-01", "phase": "early" if i < 4 else "late"})
        for words, code in QUOTES.items():
            if words in answer:
                study.code(f"C0{i}", code, quote=words, coder="lena")
                study.code(f"C0{i}", "doing my time" if i == 4 else code, segment=2, coder="sam")
    study.close()
    return tmp_path / "study.theorize"


@pytest.fixture
def run(tmp_path, monkeypatch):
    return cli_runner(monkeypatch, tmp_path)


def _refused(result, sentence: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"Error: {sentence}"
    assert "Traceback" not in result.output


def _events(path) -> int:
    with theorize.open_project(path) as study:
        return len(study.audit())


# --- agreement ---------------------------------------------------------------------------------------


def test_agreement_prints_the_table_with_labels_and_the_counting_rule(run, study_file):
    result = run("agreement", "--disagreements")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Agreement of lena and sam by turn on 6 sources")
    assert "Krippendorff's alpha" in out and "Cohen's kappa" in out and "all codes" in out
    assert "client talk / trust" in out and "counselor talk / trust" in out  # two codes, shown by path
    assert "A code counts only its own codings here, not those of the codes beneath it." in out
    assert "1 disagreements" in out and "I kept quiet in" in out


def test_agreement_writes_the_library_table_as_csv_and_xlsx_and_draws_it(run, study_file, tmp_path):
    assert run("agreement", "--out", "agreement.csv", "--plot", "agreement.svg").exit_code == 0
    table = pd.read_csv(tmp_path / "agreement.csv")
    assert list(table.columns[:6]) == ["code_id", "code", "units", "units_coded", "coded_by_lena", "coded_by_sam"]
    assert {"percent_agreement", "alpha", "alpha_ci_low", "alpha_ci_high", "alpha_resamples", "kappa"} <= set(table)
    overall = table.iloc[-1]
    assert overall["code"] == "all codes" and pd.isna(overall["code_id"])
    assert overall["units"] == 12 and overall["units_coded"] == 6  # turns, not (code, turn) cells
    with theorize.open_project(study_file) as study:
        report = study.agreement()
    assert overall["alpha"] == pytest.approx(report.overall["alpha"])
    assert (tmp_path / "agreement.svg").read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))
    assert run("agreement", "--out", "agreement.xlsx").exit_code == 0
    assert pd.read_excel(tmp_path / "agreement.xlsx").columns[0] == "code_id"


def test_agreement_by_character(run, study_file):
    result = run("agreement", "--unit", "character")
    assert result.exit_code == 0, result.output
    assert "binary u-alpha" in result.stdout and "all codes" in result.stdout
    assert "Note: u-alpha over all codes is not defined here" in result.stdout


def test_agreement_refusals(run, study_file, tmp_path):
    _refused(
        run("agreement", "--coder", "lena"),
        "Agreement needs at least two coders; only 'lena' coded the chosen material.",
    )
    _refused(run("agreement", "--out", "agreement.txt"), "agreement.txt: tables are written as .csv or .xlsx.")
    assert not (tmp_path / "agreement.txt").exists()
    _refused(run("agreement", "--source", "C09"), "There is no source C09 in this project.")
    _refused(
        run("agreement", "--code", "courage"), "There is no code called 'courage'; `theorize codes` shows the codebook."
    )
    _refused(
        run("agreement", "--stage", "theoretical"),
        "Agreement needs at least two coders; nobody coded the chosen material.",
    )


# --- saturation ----------------------------------------------------------------------------------------


def test_saturation_prints_the_curve_and_the_statement_and_writes_them(run, study_file, tmp_path):
    result = run(
        "saturation", "--base", "2", "--run", "2", "--orders", "50", "--out", "curve.csv", "--plot", "curve.png"
    )
    assert result.exit_code == 0, result.output
    assert "cumulative codes" in result.stdout
    assert "With a base of 2 interviews, runs of 2 interviews" in result.stdout
    assert "A code counts its own codings and those of every code beneath it." in result.stdout
    curve = pd.read_csv(tmp_path / "curve.csv")
    assert curve["interview_id"].tolist() == [f"C0{i}" for i in range(1, 7)]
    assert (tmp_path / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_saturation_refusals(run, study_file):
    _refused(run("saturation", "--group", "counselor"), "There are no interviews to analyse in group 'counselor'.")
    _refused(
        run("saturation", "--base", "8"),
        "A base of 8 interviews leaves nothing to assess in 6 interviews; use a smaller base or add interviews.",
    )
    _refused(run("saturation", "--coder", "nobody"), "There is no coder called 'nobody' in this project.")


# --- matrices and co-occurrence ------------------------------------------------------------------------


def test_matrix_by_participant_counts_codes_beneath(run, study_file, tmp_path):
    result = run("matrix", "participant", "--out", "matrix.csv")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "matrix.csv", index_col=0)
    assert table.loc["Living in the court's shadow"].tolist() == table.loc["fearing the judge"].tolist()
    assert table.loc["client talk", "C01"] == table.loc["client talk / trust", "C01"] == 2
    assert "A code counts its own codings and those of every code beneath it." in result.stdout


def test_matrix_by_attribute_and_framework(run, study_file, tmp_path):
    result = run("matrix", "attribute", "--attribute", "phase", "--out", "phase.xlsx")
    assert result.exit_code == 0, result.output
    assert "Fisher's" in result.stdout and "Holm" in result.stdout
    assert "Warning: some expected counts are below 5; those p-values are unreliable." in result.stdout
    assert (tmp_path / "phase.xlsx").exists()
    framework = run("matrix", "framework")
    assert framework.exit_code == 0, framework.output
    assert "Living in the court's shadow" in framework.stdout and "judge scared me" in framework.stdout


def test_matrix_refusals(run, study_file):
    _refused(run("matrix", "attribute"), "Name the attribute: theorize matrix attribute --attribute program_phase.")
    _refused(
        run("matrix", "attribute", "--attribute", "site"),
        "There is no attribute 'site'; `theorize participants` lists them.",
    )
    _refused(run("matrix", "participant", "--stage", "theoretical"), "No codings match; check the stage and coder.")
    _refused(run("matrix", "participant", "--out", "m.json"), "m.json: tables are written as .csv or .xlsx.")


def test_cooccurrence_by_overlap_and_segment(run, study_file, tmp_path):
    result = run("cooccurrence", "--mode", "segment", "--out", "co.csv", "--plot", "co.svg")
    assert result.exit_code == 0, result.output
    assert "A code counts only its own codings here, not those of the codes beneath it." in result.stdout
    table = pd.read_csv(tmp_path / "co.csv", index_col=0)
    assert table.loc["fearing the judge", "doing my time"] == 2
    assert "client talk / trust" in table.index and "counselor talk / trust" in table.index
    assert (tmp_path / "co.svg").exists()
    jaccard = run("cooccurrence", "--jaccard")
    assert jaccard.exit_code == 0 and "1.0" in jaccard.stdout


def test_cooccurrence_refusals(run, study_file):
    _refused(run("cooccurrence", "--window", "-1"), "window must be a whole number, 0 or more; got -1")
    _refused(run("cooccurrence", "--coder", "nobody"), "There is no coder called 'nobody' in this project.")


# --- adjudication ---------------------------------------------------------------------------------------


def test_adjudicate_records_the_decision_in_one_action(run, study_file):
    before = _events(study_file)
    result = run(
        "adjudicate", "C04", "--span", "57-110", "--code", "fearing the judge", "--note", "The judge is named."
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Decision recorded in memo 1"
    assert _events(study_file) == before + 1
    with theorize.open_project(study_file) as study:
        memo = study.memos().iloc[0]
        assert memo.title == "Adjudication: C04 57-110" and "coded 'fearing the judge'" in memo.body


def test_adjudicate_refusals_leave_the_project_unchanged(run, study_file):
    before = _events(study_file)
    _refused(
        run("adjudicate", "C04", "--span", "57-110", "--note", "  "),
        "An adjudication needs a note saying why the decision was made.",
    )
    _refused(
        run("adjudicate", "C04", "--span", "0-9999", "--note", "x"),
        "The span 0-9999 does not fit C04 (110 characters).",
    )
    _refused(
        run("adjudicate", "C04", "--span", "x", "--note", "x"),
        "'x' is not a span; write it as START-END in characters, e.g. 120-245.",
    )
    _refused(
        run("adjudicate", "C09", "--span", "1-2", "--note", "x"),
        "There is no source 'C09' in this project; `theorize sources` lists them.",
    )
    _refused(
        run("adjudicate", "C04", "--span", "57-110", "--code", "courage", "--note", "x"),
        "There is no code called 'courage'; `theorize codes` shows the codebook.",
    )
    assert _events(study_file) == before


# --- the model ---------------------------------------------------------------------------------------------


def test_model_is_built_shown_and_drawn(run, study_file, tmp_path):
    assert (
        run("model").stdout.strip() == "The model is empty: place categories with `theorize model place CATEGORY ROLE`."
    )
    assert run("model", "stage", "Compliance").stdout.strip() == "Added stage 'Compliance'"
    assert run("model", "stage", "Testing").exit_code == 0
    assert (
        run("model", "place", "Living in the court's shadow", "condition").stdout.strip()
        == 'Placed "Living in the court\'s shadow" as condition'
    )
    assert run("model", "place", "doing my time", "stage", "--stage", "Compliance").exit_code == 0
    assert run("model", "place", "doing it for me", "core").exit_code == 0
    described = run(
        "model",
        "describe",
        "Living in the court's shadow",
        "--property",
        "who holds power",
        "--dimension",
        "fear: paralysing .. manageable",
    )
    assert described.stdout.strip() == "Saved"
    shown = run("model").stdout.splitlines()
    assert shown[:3] == [
        "Core category: doing it for me",
        "Conditions: Living in the court's shadow",
        "Stage 1, Compliance: doing my time",
    ]
    for name in ("m.svg", "m.png", "m.dot", "m.mmd"):
        result = run("model", "draw", name)
        assert result.exit_code == 0 and result.stdout.strip() == f"Wrote {name}"
    assert (tmp_path / "m.dot").read_text(encoding="utf-8").lstrip().startswith(("digraph", "strict digraph"))
    assert "flowchart LR" in (tmp_path / "m.mmd").read_text(encoding="utf-8")
    with theorize.open_project(study_file) as study:
        model = study.model()
    assert {c.name for c in model.categories} == {"Living in the court's shadow", "doing my time", "doing it for me"}
    assert [s.name for s in model.stages] == ["Compliance", "Testing"]


def test_model_refusals(run, study_file):
    _refused(run("model", "draw", "m.svg"), "The model is empty; place categories first (theorize model place).")
    before = _events(study_file)
    _refused(run("model", "describe", "doing my time"), "Give at least one --property or --dimension.")
    _refused(
        run("model", "place", "courage", "core"),
        "There is no code called 'courage'; `theorize codes` shows the codebook.",
    )
    _refused(
        run("model", "place", "doing my time", "stage", "--stage", "Nowhere"),
        "There is no stage 'Nowhere'; add it with `theorize model stage NAME`.",
    )
    _refused(
        run("model", "--snapshot", "spring"),
        "There is no snapshot called 'spring'; `theorize snapshot --list` shows them.",
    )
    assert _events(study_file) == before
    assert run("model", "place", "doing it for me", "core").exit_code == 0
    _refused(run("model", "draw", "m.txt"), "m.txt: the model is drawn as .svg, .png, .dot or .mmd.")
    bad_role = run("model", "place", "doing it for me", "hero")
    assert bad_role.exit_code == 2 and "'hero' is not one of 'condition', 'stage'" in bad_role.output
