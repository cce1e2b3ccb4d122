"""Security: what a researcher typed never runs in a spreadsheet, and every file theorize writes is
readable by its owner only, whatever the umask."""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import theorize
from tests.helpers import C03
from theorize.exchange.tables import write_table

HYPERLINK = '=HYPERLINK("http://x","y")'
DANGEROUS = [HYPERLINK, "+1+2", "-1+2", "@SUM(A1)", "\tcmd", "\rcmd"]


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
    frame = pd.DataFrame(
        {"code": ["-0.2", "trust", "=1+1"], "kappa": [-0.2, 0.5, -1.0], "n": [-3, 4, 5]},
        index=pd.Index(["=A1", "b", "-c"], name="row"),
    )
    write_table(frame, tmp_path / "t.xlsx", index=True)
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values == [
        ["row", "code", "kappa", "n"],
        ["=A1", "-0.2", -0.2, -3],
        ["b", "trust", 0.5, 4],
        ["-c", "=1+1", -1.0, 5],
    ]
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


# -- 9.10 owner-only files -------------------------------------------------------------------------


@pytest.fixture
def umask_022():
    """The usual umask, under which a plain open() makes files everyone can read."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def open_to_others(*paths: Path) -> dict[str, str]:
    """The paths that group or others could read, with their modes (empty when all are private)."""
    out = {}
    for path in paths:
        assert path.exists(), path
        mode = path.stat().st_mode
        if mode & 0o077:
            out[path.name] = oct(stat.S_IMODE(mode))
    return out


def test_the_project_file_and_its_wal_and_shm_are_owner_only(tmp_path, umask_022):
    path = tmp_path / "study.theorize"
    study = theorize.create_project(path, user="lena")
    study.import_parsed(C03)
    with study.engine.connect():  # while a connection is open, SQLite keeps its -wal and -shm
        companions = [Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert open_to_others(path, *companions) == {}
    study.close()


def test_a_project_left_readable_by_an_older_version_is_made_owner_only(tmp_path, umask_022):
    path = tmp_path / "study.theorize"
    theorize.create_project(path, user="lena").close()
    wal = Path(f"{path}-wal")
    wal.write_bytes(b"")
    for p in (path, wal):
        os.chmod(p, 0o644)
    study = theorize.open_project(path, user="lena")
    study.add_code("trust")
    assert open_to_others(path) == {}
    study.close()


def test_the_backup_made_before_a_migration_is_owner_only(tmp_path, umask_022):
    from alembic import command

    from theorize.store.engine import make_engine
    from theorize.store.migrate import _config, upgrade

    path = tmp_path / "old.theorize"
    engine = make_engine(path)
    with engine.begin() as conn:  # a project at the first schema, as an older theorize left it
        cfg = _config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    os.chmod(path, 0o644)
    backup = upgrade(engine, path)
    engine.dispose()
    assert backup is not None and Path(backup).name.startswith("old.theorize.bak-0001-")
    assert open_to_others(Path(backup)) == {}


def test_exports_are_owner_only(run, study_file, tmp_path, umask_022):
    for args in (
        ("export", "study.xlsx"),
        ("export", "csv", "codes.csv", "--table", "codes"),
        ("export", "csv", "tables"),
        ("export", "study.qdpx"),
        ("export", "codebook.qdc"),
        ("cooccurrence", "--out", "co.csv"),
        ("cooccurrence", "--out", "co.xlsx"),
    ):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
    folder = tmp_path / "tables"
    written = [tmp_path / n for n in ("study.xlsx", "codes.csv", "study.qdpx", "codebook.qdc", "co.csv", "co.xlsx")]
    assert len(list(folder.glob("*.csv"))) == 8
    assert open_to_others(folder, *folder.glob("*.csv"), *written) == {}


def test_an_existing_export_is_made_owner_only_when_overwritten(run, study_file, tmp_path, umask_022):
    target = tmp_path / "codes.csv"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o644)
    assert run("export", "csv", "codes.csv", "--table", "codes").exit_code == 0
    assert open_to_others(target) == {}
    assert target.read_text(encoding="utf-8").startswith("id,name")


def test_reports_plots_and_model_drawings_are_owner_only(run, study_file, tmp_path, umask_022):
    from theorize.analysis.plots import plot_agreement, plot_discovery_curve

    study = theorize.open_project(study_file, user="lena")
    study.add_code("Living in the court's shadow", stage="category")
    study.add_code("Complying to get through", stage="category")
    study.place_category("Living in the court's shadow", "condition")
    study.place_category("Complying to get through", "core")
    study.close()
    for args in [("model", "draw", f"model.{s}") for s in ("svg", "png", "dot", "mmd")] + [
        ("report", "--format", f, "--out", f"report.{f}") for f in ("html", "docx", "md")
    ]:
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
    frame = pd.DataFrame({"code": ["a", "b"], "value": [0.5, -0.2]})
    curve = pd.DataFrame(
        {
            "interview": [1, 2],
            "interview_id": ["C01", "C02"],
            "codes": [3, 2],
            "new_codes": [3, 1],
            "cumulative_codes": [3, 4],
        }
    )
    plots = [
        plot_agreement(frame, tmp_path / "agreement.png"),
        plot_agreement(frame, tmp_path / "agreement.svg"),
        plot_discovery_curve(curve, tmp_path / "curve.png"),
    ]
    written = [tmp_path / f"model.{s}" for s in ("svg", "png", "dot", "mmd")]
    written += [tmp_path / f"report.{f}" for f in ("html", "docx", "md")]
    written += list(tmp_path.glob("report-*.png"))  # the Markdown report's figures
    assert open_to_others(*written, *plots) == {}


@pytest.mark.slow
def test_the_demo_outputs_are_owner_only(tmp_path, umask_022):
    from theorize.demo import build_demo

    result = build_demo(tmp_path / "demo")
    files = [tmp_path / "demo" / "demo-study.theorize", *result.outputs.values()]
    assert open_to_others(tmp_path / "demo", *files) == {}


def test_a_project_in_a_missing_folder_is_still_sqlites_own_error(tmp_path):
    from sqlalchemy import exc

    from theorize.store.engine import make_engine

    engine = make_engine(tmp_path / "missing" / "study.theorize")
    with pytest.raises(exc.OperationalError, match="unable to open database file"):
        engine.connect()
    assert not (tmp_path / "missing").exists()


def test_a_control_character_in_a_name_does_not_stop_the_xlsx_export(tmp_path):
    study = theorize.create_project(tmp_path / "s.theorize", user="lena")
    study.add_code("bad\x01name")
    from theorize.exchange.tables import export_tables

    export_tables(study, tmp_path / "s.xlsx")
    study.close()
    names = [c.value for c in openpyxl.load_workbook(tmp_path / "s.xlsx")["codes"]["B"]]
    assert names == ["name", "bad\ufffdname"]


def test_owner_only_even_under_umask_000(tmp_path):
    old = os.umask(0)
    try:
        path = tmp_path / "study.theorize"
        study = theorize.create_project(path, user="lena")
        study.add_code(HYPERLINK)
        from theorize.exchange.tables import export_tables

        written = export_tables(study, tmp_path / "tables", fmt="csv", which=["codes", "codings"])
        with study.engine.connect():
            assert open_to_others(path, Path(f"{path}-wal"), Path(f"{path}-shm"), tmp_path / "tables", *written) == {}
        study.close()
    finally:
        os.umask(old)
