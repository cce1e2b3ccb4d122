"""The report shows each blind coding round: its name, sources, coders, frozen or open codebook,
when it was opened and closed and by whom; for a closed round the agreement per code at the close
and the adjudications recorded after it; an open round says it is open. HTML, Markdown and DOCX."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest

from theorize.report import write_report
from theorize.report.formatting import day

pytest.importorskip("argon2")

from tests.integration.test_team_web import _source  # noqa: E402


@pytest.fixture
def rounds_study(project):
    for name, role in (("lena", "owner"), ("zorba", "coder"), ("ana", "coder")):
        project.add_user(name, role=role)
    project.import_parsed(_source("maria.txt"), participant="P01")
    project.import_parsed(_source("jon.txt"), participant="P02")
    project.add_code("relief", stage="focused")
    project.add_code("serving time", stage="focused")
    maria, jon = (int(i) for i in project.sources().sort_values("name").id[::-1])
    text = project.text(maria)
    relieved, time_ = text.index("so relieved"), text.index("doing my time")
    project.open_round("R1", sources=[maria], coders=["zorba", "ana"], frozen=True)
    project.code(maria, "relief", start=relieved, end=relieved + 11, coder="zorba")
    project.code(maria, "relief", start=relieved, end=relieved + 11, coder="ana")
    project.code(maria, "serving time", start=time_, end=time_ + 13, coder="zorba")
    project.close_round("R1")
    project.adjudicate(
        maria, start=time_, end=time_ + 13, code="serving time", note="Both read it as serving the sentence."
    )
    project.open_round("R2", sources=[jon], coders=["zorba", "ana"])
    return project


def _expected() -> list[str]:
    today = day(datetime.now(UTC))
    return [
        "Blind coding round R1",
        f"Opened {today} by lena; closed {today} by lena.",
        "Coders: ana and zorba. Sources: maria.txt.",
        "The codebook was frozen during the round",
        f"Adjudicated by lena ({today}), maria.txt ",
        "coded 'serving time'. Both read it as serving the sentence.",
        "Blind coding round R2",
        "still open when this report was written",
        "The codebook is open during the round",
    ]


def _agreement_rows(text: str) -> None:
    assert re.search(r"relief\W+100\.0%", text), "relief: both coders gave it to the same sentence"
    assert re.search(r"serving time\W+\d", text)


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_html_and_markdown_show_each_round(rounds_study, tmp_path, fmt):
    result = write_report(rounds_study, tmp_path / f"report.{fmt}", saturation_orders=20)
    text = result.path.read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", " ", text)) if fmt == "html" else text.replace("\\", "")
    flat = " ".join(text.split())
    for words in _expected():
        assert words in flat, words
    _agreement_rows(flat)
    assert flat.index("Blind coding round R1") < flat.index("Blind coding round R2")


def test_docx_shows_each_round(rounds_study, tmp_path):
    docx = pytest.importorskip("docx")
    result = write_report(rounds_study, tmp_path / "report.docx", saturation_orders=20)
    document = docx.Document(str(result.path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    flat = " ".join(" ".join(parts).split())
    for words in _expected():
        assert words in flat, words
    _agreement_rows(flat)


def test_a_project_without_rounds_has_no_round_sections(project, tmp_path):
    project.import_parsed(_source("maria.txt"), participant="P01")
    project.code(1, "relief", quote="so relieved", create=True, stage="focused")
    text = write_report(project, tmp_path / "report.md", saturation_orders=20).path.read_text(encoding="utf-8")
    assert "Blind coding round" not in text
