"""Every listing: what a researcher typed comes back as typed (never read as terminal markup),
as JSON and as CSV, with no NaN, no `75.0` and no Python lists, readable at 80 columns."""

from __future__ import annotations

import csv
import io
import json

import pytest

import theorize
from tests.helpers import transcript

CLOSER = "[/bold] x"
LINK = "[md link](javascript:x)"
SOURCE = "[red]C01[/red]_interview"


@pytest.fixture
def hostile(tmp_path):
    """A project whose names are all terminal markup."""
    study = theorize.create_project(tmp_path / "study.theorize", title="[bold]Study", user="lena")
    study.import_parsed(
        transcript(
            SOURCE,
            [
                ("Interviewer", "What happened [then]?"),
                ("Participant", "I kept it [i]short[/i]. Always."),
                ("Interviewer", "And later?"),
                ("Participant", "Later I told Luis."),
            ],
        ),
        participant="[i]P1",
    )
    study.add_code(CLOSER, stage="category")
    study.add_code(LINK, parent=CLOSER, stage="focused")
    study.code(SOURCE, LINK, segment=2)
    study.code(SOURCE, CLOSER, quote="Later I told Luis.")
    study.set_attributes("[i]P1", {"[b]phase": "[blink]middle", "months": 7.0})
    study.write_memo("[bold]memo title", "body [red]text", codes=[LINK], sources=[SOURCE])
    study.add_code("[yellow]target", stage="category")
    study.relate(CLOSER, "[yellow]target", "leads to", note="[note]")
    study.snapshot("[/] snap")
    study.rename_code("[yellow]target", "[yellow]target renamed")
    study.close()
    return tmp_path / "study.theorize"


#: Each listing and the typed names it must show exactly as typed.
LISTINGS = {
    ("sources",): [SOURCE, "[i]P1"],
    ("participants",): ["[i]P1", "[b]phase", "[blink]middle"],
    ("codes",): [CLOSER, LINK],
    ("codes", "--table"): [CLOSER, "own_codings"],
    ("codes", "lineage", CLOSER): [CLOSER, LINK],
    ("show", SOURCE): [LINK, "I kept it [i]short[/i]. Always.", "What happened [then]?"],
    ("show", SOURCE, "--units", "sentence"): ["I kept it [i]short[/i]."],
    ("memo",): ["[bold]memo title", LINK, SOURCE],
    ("relate", "--list"): [CLOSER, "[note]"],
    ("snapshot", "--list"): ["[/] snap"],
    ("audit",): [CLOSER, "[/] snap"],
    ("diff", "[/] snap"): ["[yellow]target renamed"],
}


@pytest.mark.parametrize("args", list(LISTINGS), ids=lambda a: " ".join(a))
def test_a_listing_shows_markup_as_typed_and_offers_json_and_csv(run, hostile, args):
    text = run(*args)
    assert text.exit_code == 0, text.output
    for name in LISTINGS[args]:
        assert name in text.output, (name, text.output)
    if args[0] not in ("show", "codes", "memo"):  # a transcript, the tree and memo titles run on
        assert max(len(line) for line in text.output.splitlines()) <= 80, text.output
    as_json = run(*args, "--json")
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.output)
    assert isinstance(rows, list) and rows
    assert "NaN" not in as_json.output
    as_csv = run(*args, "--csv")
    table = list(csv.reader(io.StringIO(as_csv.output)))
    assert len(table) == len(rows) + 1
    for row in table[1:]:
        for cell in row:
            assert cell not in ("nan", "NaN", "NaT", "None", "<NA>"), row
            assert not (cell.startswith("['") or cell.startswith("(")) or cell in (LINK,), row


def test_participants_read_well_at_80_columns_with_whole_numbers(run, hostile):
    result = run("participants")
    assert [line.split() for line in result.output.splitlines()] == [
        ["participant", "group", "[b]phase", "months"],
        ["\u2500" * 41],
        ["[i]P1", "[blink]middle", "7"],
    ]
    rows = json.loads(run("participants", "--json").output)
    assert rows == [{"participant": "[i]P1", "group": "", "[b]phase": "[blink]middle", "months": 7}]


def test_a_closing_tag_as_a_code_name_does_not_break_the_tree_or_the_model(run, hostile):
    tree = run("codes")
    assert tree.exit_code == 0
    assert tree.output.splitlines()[0].startswith("[/bold] x  category")
    assert tree.output.splitlines()[1].startswith("  [md link](javascript:x)  focused")
    with theorize.open_project(hostile, user="lena") as study:
        study.place_category(CLOSER, "condition")
    model = run("model")
    assert model.exit_code == 0, model.output
    assert "Conditions: [/bold] x" in model.output


@pytest.mark.parametrize(
    "args",
    [("cooccurrence",), ("matrix", "participant"), ("matrix", "framework"), ("saturation",)],
    ids=lambda a: " ".join(a),
)
def test_the_analyses_show_typed_names_as_typed(run, hostile, args):
    result = run(*args)
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 0 and args[0] != "saturation":
        assert CLOSER in result.output or LINK in result.output, result.output
