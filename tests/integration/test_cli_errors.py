"""Every command's error paths, as a researcher meets them: exit code 2 and one exact sentence, with
the project left as it was."""

from __future__ import annotations

import pytest

import theorize

#: (arguments, the one line printed) in a project with C03.txt, codes 'doing my time' (initial)
#: and 'keeping it short' (focused), and memo 1.
ERRORS = [
    (
        ("codes", "rename", "doing my time", "keeping it short"),
        "Error: There is already a code called 'keeping it short' in that place of the codebook (id 2).",
    ),
    (
        ("codes", "rename", "nothing", "x"),
        "Error: There is no code called 'nothing'; `theorize codes` shows the codebook.",
    ),
    (
        ("codes", "define", "nothing", "x"),
        "Error: There is no code called 'nothing'; `theorize codes` shows the codebook.",
    ),
    (
        ("codes", "split", "doing my time", "--codings", "a,b", "--name", "n"),
        "Error: 'a,b' is not a list of coding ids; write them like 4,9,12.",
    ),
    (
        ("codes", "split", "doing my time", "--codings", "9", "--name", "n"),
        "Error: Codings 9 are not codings of 'doing my time'.",
    ),
    (
        ("codes", "add", "doing my time"),
        "Error: There is already a code called 'doing my time' in that place of the codebook (id 1).",
    ),
    (
        ("codes", "add", "x", "--colour", "red"),
        "Error: 'red' is not a colour; give it as #RRGGBB, for example #1f77b4.",
    ),
    (
        ("codes", "add", "x", "--stage", "final"),
        "Error: 'final' is not a coding stage; use one of initial, focused, category, theoretical.",
    ),
    (("codes", "lineage", "nothing"), "Error: There is no code called 'nothing'; `theorize codes` shows the codebook."),
    (
        ("codes", "in-vivo", "C03.txt", "--quote", "absent words"),
        "Error: The words 'absent words' do not occur in C03.txt.",
    ),
    (
        ("codes", "merge", "doing my time", "--into", "doing my time"),
        "Error: 'doing my time' cannot be merged into itself.",
    ),
    (
        ("code", "C03.txt", "doing my time", "--turn", "1", "--line", "2"),
        "Error: Give one of --turn, --sentence or --line.",
    ),
    (
        ("code", "C03.txt", "doing my time"),
        "Error: Say what to code: a span (start and end), a segment number, or a quote.",
    ),
    (("memo", "show", "9"), "Error: There is no memo 9."),
    (("memo", "edit", "9", "--body", "x"), "Error: There is no memo 9."),
    (("memo", "edit", "1", "--body", " "), "Error: The new text of memo 1 is empty; a memo keeps its text."),
    (("memo", "link", "1"), "Error: Name something to link: --code, --source, --turn, --coding or --memo."),
    (("memo", "add", "", "--body", "x"), "Error: A memo needs a title."),
    (("model", "stage", ""), "Error: A stage needs a name."),
    (
        ("model", "place", "doing my time", "stage", "--stage", "nine"),
        "Error: There is no stage 'nine'; add it with `theorize model stage NAME`.",
    ),
    (("model", "describe", "doing my time"), "Error: Give at least one --property or --dimension."),
    (("model", "draw", "m.pdf"), "Error: m.pdf: the model is drawn as .svg, .png, .dot or .mmd."),
    (("model", "draw", "m.svg"), "Error: The model is empty; place categories first (theorize model place)."),
    (("snapshot",), "Error: Give the snapshot a name, e.g. theorize snapshot 'after interview 4'."),
    (("diff", "nothing"), "Error: There is no snapshot called 'nothing'; `theorize snapshot --list` shows them."),
    (
        ("trace", "nonsense"),
        "Error: 'nonsense' is not a quote reference; they look like C03_interview.txt@v1:120-180#3f2a9c01.",
    ),
    (("show", "C09.txt"), "Error: There is no source 'C09.txt' in this project; `theorize sources` lists them."),
    (
        ("show", "C03.txt", "--turns", "one"),
        "Error: 'one' is not a turn number; give one number, e.g. 4, or a range, e.g. 4-6.",
    ),
    (
        ("assign", "C09.txt", "C09"),
        "Error: There is no source 'C09.txt' in this project; `theorize sources` lists them.",
    ),
    (("edit", "C03.txt", "C03.txt"), "Error: The new text of C03.txt is the same as the current one; nothing to save."),
    (("uncode", "5"), "Error: There is no coding 5."),
    (("review", "5"), "Error: There is no coding 5."),
    (("decide", "5", "--accept"), "Error: There is no coding 5."),
    (("decide", "5"), "Error: Say --accept or --reject."),
    (("relate", "doing my time"), "Error: Name both codes: theorize relate SOURCE TARGET --type 'leads to'."),
    (
        ("relate", "doing my time", "doing my time"),
        "Error: A relation links two different codes; both ends are 'doing my time'.",
    ),
    (("relate", "--add-type", " "), "Error: A relation type needs a name."),
    (
        ("export", "csv", "out.csv", "extra.csv"),
        "Error: Give the format and one file: theorize export [csv|xlsx|qdpx|qdc] FILE.",
    ),
    (("report", "--format", "html", "--out", "nowhere/r.html"), "Error: The folder nowhere does not exist."),
    (
        ("import", "C03.txt", "--survey", "respondent"),
        "Error: C03.txt has a suffix theorize cannot read as a spreadsheet (.txt); save it as .csv or .xlsx",
    ),
    (
        ("codes", "promote", "keeping it short", "focused"),
        "Error: 'keeping it short' is already a focused code; promotion goes to a later stage than that.",
    ),
]


@pytest.fixture
def small_study(run, tmp_path):
    (tmp_path / "C03.txt").write_text("Interviewer: Tell me.\n\nC03: I was just doing my time.\n", encoding="utf-8")
    for args in (
        ("init", "study.theorize"),
        ("import", "C03.txt"),
        ("codes", "add", "doing my time"),
        ("codes", "add", "keeping it short", "--stage", "focused"),
        ("memo", "add", "m", "--body", "x"),
    ):
        assert run(*args).exit_code == 0
    return tmp_path / "study.theorize"


def _events(path) -> int:
    with theorize.open_project(path) as study:
        return len(study.audit())


@pytest.mark.parametrize(("args", "sentence"), ERRORS, ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_a_refusal_is_one_sentence_with_exit_code_2_and_changes_nothing(run, small_study, args, sentence):
    before = _events(small_study)
    result = run(*args)
    assert result.exit_code == 2
    assert result.output.strip() == sentence
    assert "Traceback" not in result.output
    assert _events(small_study) == before
