"""Start-up: `theorize --help` and `theorize codes` load none of the heavy libraries (pandas, numpy,
scipy, matplotlib, Alembic); the times are in benches/bench_startup.py, not here."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import theorize

HEAVY = ("pandas", "numpy", "scipy", "matplotlib", "alembic", "theorize.analysis")

PROBE = """
import json, sys
from theorize.cli.main import cli
try:
    cli.main(args=sys.argv[1:], prog_name="theorize")
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)
"""


def loaded(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "THEORIZE_USER": "lena", "COLUMNS": "80"},
        check=True,
    )
    return json.loads(done.stderr.strip().splitlines()[-1])


@pytest.fixture
def current_project(tmp_path):
    from tests.helpers import C03

    study = theorize.create_project(tmp_path / "study.theorize", user="lena")
    study.import_parsed(C03)
    study.add_code("doing my time", stage="focused")
    study.code("C03_interview", "doing my time", segment=2)
    study.close()
    return tmp_path / "study.theorize"


def test_help_loads_no_heavy_library():
    assert loaded("--help") == []


def test_codes_on_a_current_project_loads_no_heavy_library(current_project):
    assert loaded("-p", str(current_project), "codes") == []


def test_an_analysis_still_loads_what_it_needs(current_project):
    assert "pandas" in loaded("-p", str(current_project), "sources")


READERS = ("pandas", "numpy", "pypdf", "docx", "odf", "striprtf", "lxml", "charset_normalizer")


def test_importing_a_text_file_loads_no_other_reader(tmp_path):
    # A .txt import reads with the text reader only: the PDF, Word, OpenDocument, RTF and HTML
    # readers' libraries (and pandas, for sheets) wait for a file that needs them.
    path = tmp_path / "C03_interview.txt"
    path.write_text("Interviewer: How did it start?\nC03: With the judge.\n", encoding="utf-8")
    probe = (
        "import json, sys\n"
        "import theorize\n"
        "study = theorize.create_project(sys.argv[1], user='lena')\n"
        "study.import_file(sys.argv[2])\n"
        f"print(json.dumps(sorted(m for m in {READERS!r} if m in sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "s.theorize"), str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_a_sheet_reader_is_there_when_asked_for():
    from theorize import ingest

    assert callable(ingest.read_survey) and callable(ingest.read_attributes)
    assert "yes/no" in ingest.ATTRIBUTE_TYPES
