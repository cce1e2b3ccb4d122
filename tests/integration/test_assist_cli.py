"""Machine help on the command line, as a researcher types it: exit codes and exact sentences."""

from __future__ import annotations

import json

import pytest

import theorize
from tests.integration import assist_study

pytest.importorskip("onnxruntime")


@pytest.fixture
def coded(tmp_path):
    study = theorize.create_project(tmp_path / "study.theorize", user="lena")
    assist_study.build(study)
    study.close()
    return tmp_path / "study.theorize"


def test_similar_lists_passages_with_their_codes_and_takes_json(run, coded):
    result = run("similar", "--text", "I was afraid the judge would jail me", "-k", "3", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 3 and "judge" in rows[0]["text"]
    assert set(rows[0]) == {"rank", "score", "source", "participant", "turn", "start", "end", "text", "codes"}
    result = run("similar", "P1_interview", "--span", "0-5", "--uncoded", "--other-participants", "-k", "2")
    assert result.exit_code == 0 and "P1_interview" not in result.stdout


def test_suggest_then_accept_in_bulk(run, coded):
    result = run("suggest", "P3_interview")
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first.endswith(
        "suggestions by machine: all-MiniLM-L6-v2-onnx-int8 "
        f"({first.split('(')[1].split(')')[0]}), pending your decision."
    )
    pending = json.loads(run("suggestions", "list", "--json").stdout)
    assert pending and {r["status"] for r in pending} == {"pending"}
    judge = [r for r in pending if r["code"] == "fearing the judge"]
    result = run("suggestions", "accept", "--code", "fearing the judge")
    assert result.exit_code == 0 and result.stdout.strip() == f"Accepted {len(judge)} suggestion" + (
        "s" if len(judge) != 1 else ""
    )
    rest = json.loads(run("suggestions", "list", "--json").stdout)
    assert len(rest) == len(pending) - len(judge)
    result = run("suggestions", "reject", *[str(r["id"]) for r in rest])
    assert result.exit_code == 0 and run("suggestions", "list").stdout.strip() == "No pending suggestions."


@pytest.mark.parametrize(
    "args, sentence",
    [
        (("similar",), 'Say which passage: --span START-END of a source, --coding N, or --text "words".'),
        (("similar", "--span", "1-5"), "--span needs the source it is in: theorize similar SOURCE --span START-END."),
        (("similar", "--coding", "999"), "There is no coding 999. The transcript shows coding numbers."),
        (("similar", "--text", "x", "--attribute", "phase"), "'phase' is not NAME=VALUE, e.g. program_phase=early."),
        (("suggestions", "accept"), "Say which suggestions: their numbers, --source, --code or --min-confidence."),
        (("suggestions", "accept", "1"), "Coding 1 is not a pending machine suggestion."),
        (("suggest", "--learn-from", "sam"), "sam has no focused codings to learn from; code some passages first."),
    ],
)
def test_errors_are_one_sentence_and_exit_code_2(run, coded, args, sentence):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {sentence}"


def test_embed_in_vivo_and_proposals(run, coded):
    result = run("embed")
    assert result.exit_code == 0 and "embedded" in result.stdout
    assert (
        run("embed")
        .stdout.strip()
        .endswith(
            "0 embedded, 0 reused from earlier versions, "
            f"{result.stdout.split()[0]} already done (all-MiniLM-L6-v2-onnx-int8)"
        )
    )
    found = json.loads(run("in-vivo-candidates", "P1_interview", "--json").stdout)
    assert all(set(r) == {"phrase", "start", "end", "count", "score", "reasons"} for r in found)
    result = run("propose", "focused")
    assert result.exit_code == 0
    assert result.stdout.strip() == "No group of initial codes is close enough to propose; try a larger --distance."
