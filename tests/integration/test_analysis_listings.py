"""--json and --csv on the analysis commands: one listing on stdout, snake_case columns, nothing else."""

from __future__ import annotations

import csv
import io
import json

from tests.integration.test_analysis_cli import study_file  # noqa: F401  (six interviews, lena and sam)


def _json(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _csv(result) -> list[list[str]]:
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(result.stdout)))


def test_agreement_json_is_the_per_code_table_with_the_all_codes_row(run, study_file):  # noqa: F811
    rows = _json(run("agreement", "--json"))
    assert {"code_id", "code", "units_coded", "percent_agreement", "kappa"} <= set(rows[0])
    codes = [row["code"] for row in rows]
    assert "doing my time" in codes and "fearing the judge" in codes
    assert codes[-1] == "all codes"


def test_agreement_json_with_disagreements_lists_the_passages(run, study_file):  # noqa: F811
    rows = _json(run("agreement", "--disagreements", "--json"))
    assert len(rows) >= 1
    assert all(isinstance(row, dict) for row in rows)


def test_agreement_csv_has_the_snake_case_header_and_no_prose(run, study_file):  # noqa: F811
    table = _csv(run("agreement", "--csv"))
    assert table[0][:2] == ["code_id", "code"]
    assert "percent_agreement" in table[0]
    assert not any("Agreement of" in ",".join(row) for row in table)


def test_saturation_json_is_one_row_per_interview(run, study_file):  # noqa: F811
    result = run("saturation", "--orders", "20", "--json")
    rows = _json(result)
    assert [row["interview"] for row in rows] == [1, 2, 3, 4, 5, 6]
    assert set(rows[0]) == {"interview", "interview_id", "codes", "new_codes", "cumulative_codes"}
    assert rows[-1]["cumulative_codes"] >= rows[0]["cumulative_codes"]


def test_saturation_csv_header(run, study_file):  # noqa: F811
    table = _csv(run("saturation", "--orders", "20", "--csv"))
    assert table[0] == ["interview", "interview_id", "codes", "new_codes", "cumulative_codes"]
    assert len(table) == 7


def test_matrix_json_is_the_code_by_participant_table(run, study_file):  # noqa: F811
    rows = _json(run("matrix", "participant", "--json"))
    assert set(rows[0]) == {"code", "C01", "C02", "C03", "C04", "C05", "C06"}
    judge = next(row for row in rows if row["code"] == "fearing the judge")
    assert judge["C01"] >= 1 and judge["C02"] == 0


def test_matrix_attribute_csv_prints_only_the_table(run, study_file):  # noqa: F811
    table = _csv(run("matrix", "attribute", "--attribute", "phase", "--csv"))
    assert table[0][0] == "code"
    assert all(len(row) == len(table[0]) for row in table)


def test_cooccurrence_json_is_a_long_list_of_code_pairs(run, study_file):  # noqa: F811
    rows = _json(run("cooccurrence", "--mode", "segment", "--json"))
    assert rows
    assert list(rows[0]) == ["code_a_id", "code_a", "code_b_id", "code_b", "count"]
    assert all(row["code_a_id"] < row["code_b_id"] and row["count"] > 0 for row in rows)
    pairs = {(row["code_a"], row["code_b"]) for row in rows}
    assert any({"doing my time", "fearing the judge"} == set(p) for p in pairs)


def test_cooccurrence_csv_header(run, study_file):  # noqa: F811
    table = _csv(run("cooccurrence", "--mode", "segment", "--csv"))
    assert table[0] == ["code_a_id", "code_a", "code_b_id", "code_b", "count"]


def test_json_and_csv_together_are_refused(run, study_file):  # noqa: F811
    result = run("saturation", "--json", "--csv")
    assert result.exit_code == 2
    assert "Give --json or --csv, not both." in result.stderr
    assert "Traceback" not in result.output


def test_a_bad_out_path_is_refused_in_json_mode(run, study_file):  # noqa: F811
    result = run("agreement", "--json", "--out", "table.txt")
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == "Error: table.txt: tables are written as .csv or .xlsx."
    assert result.stdout == ""


def test_out_in_json_mode_keeps_stdout_to_the_listing(run, study_file, tmp_path):  # noqa: F811
    result = run("saturation", "--orders", "20", "--json", "--out", "curve.csv")
    assert len(_json(result)) == 6
    assert "Wrote" in result.stderr and (tmp_path / "curve.csv").exists()


def test_a_code_that_looks_like_a_formula_is_neutralised_in_csv(run, study_file):  # noqa: F811
    import theorize

    with theorize.open_project(study_file) as study:
        study.add_code("=SUM(A1)", stage="initial")
        study.code("C01", "=SUM(A1)", segment=2, coder="lena")
    table = _csv(run("cooccurrence", "--mode", "segment", "--csv"))
    cells = {cell for row in table[1:] for cell in row}
    assert "'=SUM(A1)" in cells and "=SUM(A1)" not in cells
    assert any(
        row["code_b"] == "=SUM(A1)" or row["code_a"] == "=SUM(A1)"
        for row in _json(run("cooccurrence", "--mode", "segment", "--json"))
    )
