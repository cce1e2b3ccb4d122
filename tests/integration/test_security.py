"""Security: what a researcher typed never runs in a spreadsheet, and every file theorize writes is
readable by its owner only, whatever the umask."""

from __future__ import annotations

import csv

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

import theorize
from tests.helpers import C03
from theorize.cli.main import cli
from theorize.exchange.tables import write_table

HYPERLINK = '=HYPERLINK("http://x","y")'
DANGEROUS = [HYPERLINK, "+1+2", "-1+2", "@SUM(A1)", "\tcmd", "\rcmd"]


@pytest.fixture
def run(tmp_path, monkeypatch):
    """The CLI in the test's folder, as lena."""
    monkeypatch.chdir(tmp_path)
    env = {"THEORIZE_USER": "lena", "THEORIZE_PROJECT": None}
    return lambda *args: CliRunner(env=env).invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def study_file(tmp_path):
    study = theorize.create_project(tmp_path / "study.theorize", title="Demo", user="lena")
    study.import_parsed(C03, participant="C03")
    for name in DANGEROUS:
        study.add_code(name, definition=name)
    study.code("C03_interview", HYPERLINK, segment=2)
    study.close()
    return tmp_path / "study.theorize"


# -- 9.8 formula injection -------------------------------------------------------------------------

def test_a_code_named_as_a_formula_is_text_in_the_xlsx_export(run, study_file, tmp_path):
    assert run("export", "study.xlsx").exit_code == 0
    book = openpyxl.load_workbook(tmp_path / "study.xlsx")
    sheet = book["codes"]
    header = [c.value for c in sheet[1]]
    cells = {c.value: c for c in sheet[get_column(header, "name")][1:]}
    for name in DANGEROUS:
        cell = cells[name]  # the exact words, not an apostrophe-prefixed copy
        assert cell.data_type == "s", name
        assert cell.quotePrefix, name
    formulas = [c.coordinate for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def get_column(header: list, name: str) -> str:
    return openpyxl.utils.get_column_letter(header.index(name) + 1)


def test_a_code_named_as_a_formula_is_defused_in_the_csv_export(run, study_file, tmp_path):
    assert run("export", "csv", "codes.csv", "--table", "codes").exit_code == 0
    with open(tmp_path / "codes.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["name"] for r in rows) == sorted("'" + n for n in DANGEROUS)
    assert sorted(r["definition"] for r in rows) == sorted("'" + n for n in DANGEROUS)
    for row in rows:
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())


def test_every_exported_csv_table_is_defused(run, study_file, tmp_path):
    assert run("export", "csv", "tables").exit_code == 0
    for path in (tmp_path / "tables").glob("*.csv"):
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                assert not any(v.startswith(("=", "+", "@", "\t", "\r")) for v in row), (path.name, row)
    with open(tmp_path / "tables" / "codings.csv", encoding="utf-8", newline="") as fh:
        assert {r["code"] for r in csv.DictReader(fh)} == {"'" + HYPERLINK}


def test_numbers_stay_numbers_and_only_text_is_defused(tmp_path):
    frame = pd.DataFrame({"code": ["-0.2", "trust", "=1+1"], "kappa": [-0.2, 0.5, -1.0], "n": [-3, 4, 5]},
                         index=pd.Index(["=A1", "b", "-c"], name="row"))
    write_table(frame, tmp_path / "t.xlsx", index=True)
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values == [["row", "code", "kappa", "n"], ["=A1", "-0.2", -0.2, -3], ["b", "trust", 0.5, 4],
                      ["-c", "=1+1", -1.0, 5]]
    kinds = [[c.data_type for c in row] for row in sheet.iter_rows()]
    assert kinds[1:] == [["s", "s", "n", "n"]] * 3
    write_table(frame, tmp_path / "t.csv", index=True)
    back = pd.read_csv(tmp_path / "t.csv", dtype={"code": str})
    assert back["row"].tolist() == ["'=A1", "b", "'-c"]
    assert back["code"].tolist() == ["'-0.2", "trust", "'=1+1"]
    assert back["kappa"].tolist() == [-0.2, 0.5, -1.0]
    assert back["n"].tolist() == [-3, 4, 5]


def test_analysis_tables_written_by_the_cli_are_defused(run, study_file, tmp_path):
    result = run("cooccurrence", "--out", "co.csv")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "co.csv").read_text(encoding="utf-8")
    assert "'" + HYPERLINK.replace('"', '""') in text
    assert "\n=" not in text and ",=" not in text
