"""The README's commands, run as a reader runs them: `make demo`, the tour in the built demo
(its trace reference taken from the built report), a study of one's own, and the notebook lines."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import theorize
from theorize.cli.main import cli
from theorize.demo import study_folder

README = Path(__file__).resolve().parents[2] / "README.md"
REFERENCE = re.compile(r"[A-Z]\d\d_interview\.[a-z]+@v\d+:\d+-\d+#[0-9a-f]{8}")

pytestmark = pytest.mark.slow


def blocks(language: str) -> list[str]:
    """The README's fenced blocks of one language, in order."""
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def commands(block: str) -> list[tuple[list[str], str | None]]:
    """Each `theorize ...` line as its arguments (comments dropped), with a file piped in by `<`."""
    out = []
    for line in block.splitlines():
        words = shlex.split(line, comments=True)
        if not words or words[0] != "theorize":
            continue
        piped = None
        if "<" in words:
            at = words.index("<")
            piped, words = words[at + 1], words[:at]
        out.append((words[1:], piped))
    return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`make demo`: the demo study built by the command the Makefile runs."""
    where = tmp_path_factory.mktemp("readme")
    mp = pytest.MonkeyPatch()
    mp.chdir(where)
    mp.setenv("THEORIZE_USER", "Dr. Lena Marsh")
    mp.setenv("COLUMNS", "80")
    mp.delenv("THEORIZE_PROJECT", raising=False)
    result = CliRunner().invoke(cli, ["demo", "demo-study"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    yield where
    mp.undo()


def _run(args: list[str], piped: str | None = None):
    stdin = Path(piped).read_text(encoding="utf-8") if piped else ""
    result = CliRunner().invoke(cli, args, input=stdin, catch_exceptions=False)
    shown = " ".join(args)
    assert result.exit_code == 0, f"theorize {shown}\n{result.output}"
    assert "Traceback" not in result.output and "NaN" not in result.output, shown
    return result


def test_the_tour_runs_in_the_built_demo(demo, monkeypatch):
    monkeypatch.chdir(demo / "demo-study")
    report = None
    tour = commands(blocks("sh")[1])
    assert len(tour) >= 17
    for args, piped in tour:
        if args == ["trace", "REF"]:
            found = REFERENCE.findall(report.read_text(encoding="utf-8"))
            assert found, "the report prints no references"
            args = ["trace", found[0]]
        result = _run(args, piped)
        if args[:1] == ["report"]:
            report = Path(result.output.strip().splitlines()[0])
        if args == ["participants"]:
            assert max(len(line) for line in result.output.splitlines()) <= 80
    example = REFERENCE.search(blocks("sh")[1]).group()
    assert example.split("#")[0] in report.read_text(encoding="utf-8"), "the README's example reference is stale"


def test_a_study_of_ones_own_runs_as_written(demo, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(study_folder() / "sources", tmp_path / "interviews")
    shutil.copy(study_folder() / "participants.csv", tmp_path / "participants.csv")
    (tmp_path / "memo.md").write_text("Time served is what compliance feels like.", encoding="utf-8")
    (tmp_path / "note.md").write_text("Everything goes on record.", encoding="utf-8")
    with theorize.open_project(demo / "demo-study" / "demo-study.theorize") as study:
        text = study.text("C01_interview.docx")
    (tmp_path / "fixed.txt").write_text(
        text.replace("It started as doing my time", "It started as serving my time"), encoding="utf-8"
    )
    other = theorize.create_project(tmp_path / "elsewhere.theorize", user="Sam Okoye")
    other.add_code("bracing for the judge")
    other.export_refi(tmp_path / "from_nvivo.qdpx")
    other.close()
    own = commands(blocks("sh")[2])
    assert own[0][0][:2] == ["init", "study.theorize"]
    for args, piped in own:
        result = _run(["-p", "study.theorize", *args] if args[0] != "init" else args, piped)
        if args[:1] == ["codes"] and len(args) == 1:
            assert "complying for the court  focused" in result.output
            assert "  doing my time  initial" in result.output
    with theorize.open_project(tmp_path / "study.theorize") as study:
        assert set(study.sources().participants) >= {"C01", "K04"}
        memos = study.memos().set_index("title")
        assert memos.loc["On the recorder", "body"] == "Everything goes on record."
        assert study.codings().id.tolist().count(2) == 0
        assert "bracing for the judge" in set(study.codes().name)


def test_the_notebook_lines_run(demo, monkeypatch):
    monkeypatch.chdir(demo)
    (code,) = blocks("python")
    namespace: dict = {}
    for line in code.splitlines():
        exec(line.split("  #")[0], namespace)  # noqa: S102 - the README's own lines
    assert namespace["study"].codings(coder="Sam Okoye").shape[0] > 0
    namespace["study"].close()
