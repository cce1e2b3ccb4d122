"""The machine as a coder in agreement, on request only: `agreement --with-pending CODER` counts a
coder's pending suggestions; without it pending suggestions count nowhere (the one rule)."""

from __future__ import annotations

import json

import pytest

import theorize
from tests.integration import assist_study
from theorize.errors import InvalidInput
from theorize.services.assist import machine_coder_name

pytest.importorskip("onnxruntime")

MACHINE = machine_coder_name("all-MiniLM-L6-v2-onnx-int8")


@pytest.fixture
def suggested(project):
    """Lena's focused codings of P1 and P2, and the machine's pending suggestions on every sentence
    of all three interviews (coded or not), so the two share P1 and P2."""
    assist_study.build(project)
    run = project.suggest(only_uncoded=False)
    assert run.ids and run.coder == MACHINE
    return project


def test_pending_suggestions_count_only_when_asked_and_then_as_if_accepted(suggested):
    study = suggested
    judge_before = study.codes().set_index("name").loc["fearing the judge", "codings"]
    with pytest.raises(InvalidInput, match="at least two coders|no source in common"):
        study.agreement(coders=["lena", MACHINE], stage="focused", unit="sentence")
    asked = study.agreement(coders=["lena"], with_pending=MACHINE, stage="focused", unit="sentence", resamples=0)
    assert asked.coders == ["lena", MACHINE]
    assert set(asked.sources) == {"P1_interview", "P2_interview"}  # P3: lena coded nothing there
    assert asked.notes[0] == f"{MACHINE}: pending suggestions count here (asked for; elsewhere they do not)"
    assert asked.coded_any[MACHINE] > 0
    # asking changed nothing: the suggestions are still pending and count nowhere else
    assert study.codes().set_index("name").loc["fearing the judge", "codings"] == judge_before
    assert set(study.suggestions().status) == {"pending"}
    # once accepted, the plain comparison gives the same figures
    study.decide_suggestions(accept=True)
    plain = study.agreement(coders=["lena", MACHINE], stage="focused", unit="sentence", resamples=0)
    assert plain.overall["alpha"] == pytest.approx(asked.overall["alpha"])
    assert plain.table["alpha"].tolist() == pytest.approx(asked.table["alpha"].tolist(), nan_ok=True)
    assert (plain.coded_any == asked.coded_any).all()


def test_rejected_suggestions_never_count_even_when_asked(suggested):
    study = suggested
    judge = study.suggestions()
    judge = judge[judge.code == "fearing the judge"]
    study.decide_suggestions(list(judge.id), accept=False)
    asked = study.agreement(coders=["lena"], with_pending=[MACHINE], stage="focused", unit="sentence", resamples=0)
    by = asked.coded_by.rename(index=study.code_labels())
    assert by.loc["fearing the judge", MACHINE] == 0 and by.loc["fearing the judge", "lena"] > 0


def test_an_unknown_coder_is_named_with_the_machine_coders_there_are(suggested):
    with pytest.raises(InvalidInput) as err:
        suggested.agreement(with_pending="machine: gpt")
    assert str(err.value) == (
        f"There is no coder called 'machine: gpt' in this project; the machine's suggestions are filed under {MACHINE!r}."
    )


@pytest.fixture
def suggested_file(tmp_path):
    study = theorize.create_project(tmp_path / "study.theorize", user="lena")
    assist_study.build(study)
    study.suggest(only_uncoded=False)
    study.close()
    return tmp_path / "study.theorize"


def test_cli_with_pending_compares_the_machine_with_a_person(run, suggested_file):
    result = run("agreement", "--stage", "focused", "--unit", "sentence", "--coder", "lena")
    assert result.exit_code == 2
    result = run(
        "agreement", "--stage", "focused", "--unit", "sentence", "--coder", "lena", "--with-pending", MACHINE, "--json"
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows[-1]["code"] == "all codes" and rows[-1][f"coded_by_{MACHINE}"] > 0
    assert {r["code"] for r in rows} >= {"fearing the judge", "doing my time", "trusting the counselor"}
    assert (
        result.stderr.strip() == f"Note: {MACHINE}: pending suggestions count here (asked for; elsewhere they do not)"
    )
    text = run("agreement", "--stage", "focused", "--unit", "sentence", "--with-pending", MACHINE)
    assert text.exit_code == 0 and text.stdout.startswith(f"Agreement of lena and {MACHINE} by sentence on 2 sources")


def test_cli_unknown_coder_is_one_sentence_and_exit_code_2(run, suggested_file):
    result = run("agreement", "--with-pending", "machine")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: There is no coder called 'machine' in this project; the machine's suggestions are filed under {MACHINE!r}."
    )
