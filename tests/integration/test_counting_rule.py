"""Which codings count (one rule), codes keyed by id in every analysis, codes counting what lies
beneath them, and the bulk and decision services that change what counts: ``code_many``, ``decide``."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.helpers import transcript
from theorize.errors import InvalidInput, NotFound
from theorize.services.coding import counts

ANSWERS = [
    "I trust Luis now. The judge still scares me. Group helps a bit.",
    "Maria trusts me with the hard stuff. The judge still scares me.",
    "I do not trust anyone here. Group helps a bit, I guess.",
]


@pytest.fixture
def study(project):
    """Three client interviews; two codes named "trust", one under "client talk", one under
    "counselor talk"; lena and sam both code with them."""
    project.add_code("client talk", stage="focused")
    project.add_code("counselor talk", stage="focused")
    project.add_code("trust", stage="initial", parent="client talk")
    project.add_code("trust", stage="initial", parent="counselor talk")
    project.add_code("fearing the judge", stage="focused")
    for i, answer in enumerate(ANSWERS, start=1):
        project.import_parsed(
            transcript(f"C0{i}", [("Interviewer", "How is it going?"), ("Participant", answer)]),
            participant=f"C0{i}",
            group="client",
        )
        project.set_attributes(f"C0{i}", {"phase": "early" if i < 3 else "late"})
    return project


def _ids(study) -> dict[str, int]:
    return {
        "client trust": study.code_id("client talk/trust"),
        "counselor trust": study.code_id("counselor talk/trust"),
        "client talk": study.code_id("client talk"),
        "counselor talk": study.code_id("counselor talk"),
        "judge": study.code_id("fearing the judge"),
    }


def _code_both(study, ids) -> None:
    for coder in ("lena", "sam"):
        study.code("C01", ids["client trust"], quote="I trust Luis now", coder=coder)
        study.code("C02", ids["counselor trust"], quote="Maria trusts me", coder=coder)
        study.code("C01", ids["judge"], quote="The judge still scares me", coder=coder)
    study.code("C02", ids["judge"], quote="The judge still scares me", coder="lena")


def test_the_rule_is_one_function():
    assert counts("accepted") and not counts("pending") and not counts("rejected")
    assert counts(pd.Series(["accepted", "pending", "rejected"])).tolist() == [True, False, False]


def test_two_codes_of_one_name_stay_two_in_every_analysis(study):
    ids = _ids(study)
    _code_both(study, ids)
    trusts = {ids["client trust"], ids["counselor trust"]}
    labels = study.code_labels()
    assert labels[ids["client trust"]] == "client talk / trust"
    assert labels[ids["judge"]] == "fearing the judge"
    incidence = study.incidence()
    assert trusts <= set(incidence.columns)
    assert incidence.loc["C01", ids["client trust"]] == 1 and incidence.loc["C01", ids["counselor trust"]] == 0
    assert trusts <= set(study.saturation(base_size=1, run_length=1, n_orders=20).incidence.columns)
    assert trusts <= set(study.code_matrix().index)
    assert trusts <= set(study.attribute_matrix("phase").table.index)
    co = study.cooccurrence(mode="segment")
    assert trusts <= set(co.index) and co.loc[ids["client trust"], ids["counselor trust"]] == 0
    report = study.agreement(resamples=50)
    rows = report.table.set_index("code_id")
    assert trusts <= set(rows.index)
    assert rows.loc[ids["client trust"], "code"] == "client talk / trust"
    assert rows.loc[ids["counselor trust"], "code"] == "counselor talk / trust"


def test_a_code_counts_what_lies_beneath_it_in_saturation_and_matrices(study):
    ids = _ids(study)
    _code_both(study, ids)
    focused = study.incidence(stage="focused")
    assert focused.loc["C01", ids["client talk"]] == 1  # through its "trust"
    assert focused.loc["C02", ids["counselor talk"]] == 1
    assert ids["client trust"] not in focused.columns  # initial codes are not of the stage
    matrix = study.code_matrix()
    assert matrix.loc[ids["client talk"], "C01"] == matrix.loc[ids["client trust"], "C01"] == 2
    assert matrix.attrs["counts"] == "own and beneath"
    assert study.saturation(stage="focused", base_size=1, run_length=1, n_orders=20).counts == "own and beneath"
    # agreement and co-occurrence count a code's own codings, and say so
    report = study.agreement(resamples=50)
    assert report.counts == "own" and ids["client talk"] not in set(report.table["code_id"])
    assert study.cooccurrence().attrs["counts"] == "own"


def test_pending_and_rejected_suggestions_count_nowhere_until_accepted(study):
    ids = _ids(study)
    _code_both(study, ids)
    before = study.incidence()
    suggestion = study.code(
        "C03",
        ids["client trust"],
        quote="I do not trust anyone",
        origin="machine",
        model_id="minilm-int8",
        confidence=0.7,
        coder="lena",
    )
    listed = study.codings().set_index("id")
    assert listed.loc[suggestion, "status"] == "pending"  # views list it, with its status
    codes = study.codes().set_index("id")
    assert codes.loc[ids["client trust"], "codings"] == 2 and codes.loc[ids["client trust"], "pending"] == 1
    pd.testing.assert_frame_equal(study.incidence(), before)
    assert study.code_matrix().loc[ids["client trust"]].sum() == 2
    assert suggestion not in set(study.codings(counted_only=True)["id"])
    study.decide(suggestion, accept=True)
    assert study.incidence().loc["C03", ids["client trust"]] == 1
    assert study.codes().set_index("id").loc[ids["client trust"], "pending"] == 0
    study.decide(suggestion, accept=False)
    assert suggestion not in set(study.codings()["id"])
    assert study.codings(include_rejected=True).set_index("id").loc[suggestion, "status"] == "rejected"
    pd.testing.assert_frame_equal(study.incidence(), before)


def test_decide_names_a_coding_that_is_not_there(study):
    with pytest.raises(NotFound, match=r"^There is no coding 99\.$"):
        study.decide(99, accept=True)


def test_code_many_is_one_action_that_undo_takes_back(study):
    ids = _ids(study)
    events = len(study.audit())
    new = study.code_many(
        [
            {"source": "C01", "code": ids["client trust"], "quote": "I trust Luis now"},
            {"source": "C02", "code": "fearing the judge", "quote": "The judge still scares me", "coder": "sam"},
            {"source": "C03", "code": ids["judge"], "start": 0, "end": 3},
            {"source": "C01", "code": ids["judge"], "quote": "Group helps a bit", "occurrence": 1},
        ]
    )
    assert len(new) == 4 and new == sorted(new)
    assert len(study.audit()) == events + 1
    rows = study.codings().set_index("id").loc[new]
    assert rows["quote"].tolist() == ["I trust Luis now", "The judge still scares me", "Int", "Group helps a bit"]
    assert rows["coder"].tolist() == ["lena", "sam", "lena", "lena"]
    assert set(rows["status"]) == {"accepted"}
    study.undo()
    assert study.codings().empty


def test_code_many_refuses_the_whole_batch_naming_the_bad_item(study):
    ids = _ids(study)
    with pytest.raises(InvalidInput, match=r"^Coding 2: The words 'never said' do not occur in C02\.$"):
        study.code_many(
            [
                {"source": "C01", "code": ids["judge"], "quote": "The judge"},
                {"source": "C02", "code": ids["judge"], "quote": "never said"},
            ]
        )
    assert study.codings().empty
    with pytest.raises(InvalidInput, match=r"^There are no codings to apply\.$"):
        study.code_many([])
    with pytest.raises(InvalidInput, match=r"must name the model"):
        study.code_many([{"source": "C01", "code": ids["judge"], "quote": "The judge"}], origin="machine")


def test_machine_suggestions_in_bulk_wait_as_pending(study):
    ids = _ids(study)
    new = study.code_many(
        [{"source": "C01", "code": ids["judge"], "quote": "The judge", "confidence": 0.9}],
        origin="machine",
        model_id="minilm-int8",
    )
    row = study.codings().set_index("id").loc[new[0]]
    assert (row["status"], row["origin"], row["model_id"], row["confidence"]) == (
        "pending",
        "machine",
        "minilm-int8",
        0.9,
    )
    with pytest.raises(InvalidInput, match=r"^No codings match; check the stage, coder and group\.$"):
        study.incidence()


def test_coding_by_offsets_or_turn_does_not_read_the_transcript(study):
    from sqlalchemy import event

    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement.lower())

    event.listen(study.engine, "before_cursor_execute", seen)
    try:
        study.code("C01", "fearing the judge", start=0, end=5)
        study.code("C01", "fearing the judge", segment=2)
    finally:
        event.remove(study.engine, "before_cursor_execute", seen)
    reads = [s for s in statements if "source_version.text" in s and "length(source_version.text)" not in s]
    assert reads == []
    assert len(study.codings()) == 2


def test_the_agreement_table_is_shaped_and_written_by_the_library(study, tmp_path):
    _code_both(study, _ids(study))
    report = study.agreement(resamples=50)
    frame = report.to_frame()
    assert frame["code"].iloc[-1] == "all codes" and pd.isna(frame["code_id"].iloc[-1])
    assert [c for c in frame.columns if c.startswith("coded_by_")] == ["coded_by_lena", "coded_by_sam"]
    assert frame["coded_by_lena"].iloc[-1] == report.coded_any["lena"]
    plotted = report.per_code()
    assert list(plotted.columns) == ["code", "value", "ci_low", "ci_high"] and len(plotted) == len(report.table)
    written = pd.read_csv(report.write(tmp_path / "agreement.csv"))
    assert list(written.columns) == list(frame.columns) and len(written) == len(frame)
    with pytest.raises(InvalidInput, match=r"^agreement\.txt: tables are written as \.csv or \.xlsx\.$"):
        report.write(tmp_path / "agreement.txt")


def _every_count(study, ids) -> dict:
    """What each view and analysis counts: the code tree, a snapshot, the report, the workbench and
    the matrices."""
    import dataclasses

    from theorize.report.assemble import assemble

    tree = study.code_tree()
    name = f"counted {len(study.snapshots())}"
    study.snapshot(name)
    report = assemble(study)
    overview = study.overview()
    return {
        "tree": tree.rows(),
        "snapshot": {c["id"]: c["codings"] for c in study.snapshot_content(name)["codes"]},
        "report": {
            f.name: getattr(report, f.name) for f in dataclasses.fields(report) if f.name not in ("steps", "generated")
        },  # the audit trail grows by the action itself
        "workbench": (
            [{k: v for k, v in s.items() if k in ("name", "codings", "coded_share")} for s in overview["sources"]],
            [p["id"] for p in study.passages(ids["client talk"])],
        ),
        "matrix": study.code_matrix().to_dict(),
        "attribute matrix": study.attribute_matrix("phase").table.to_dict(),
        "codes": study.codes()["codings"].tolist(),
    }


def test_a_pending_suggestion_changes_no_count_anywhere(study):
    ids = _ids(study)
    _code_both(study, ids)
    before = _every_count(study, ids)
    study.code(
        "C03",
        ids["client trust"],
        quote="I do not trust anyone",
        origin="machine",
        model_id="minilm-int8",
        confidence=0.7,
        coder="lena",
    )
    after = _every_count(study, ids)
    for view in before:
        assert after[view] == before[view], view
