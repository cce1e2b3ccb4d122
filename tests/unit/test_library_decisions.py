"""Decisions the library makes for every front end: the code tree, which turn shows a coding, which
importer a path gets, which drawing a suffix asks for, and how a listing's values are written."""

from __future__ import annotations

import math
from datetime import datetime

import pytest

from theorize.domain.code_tree import build_code_tree
from theorize.domain.transcript import place_codings
from theorize.errors import InvalidInput
from theorize.exchange.listing import records, to_csv, to_json
from theorize.services.importing import Importer, ImportOptions, importer_for
from theorize.theory.diagram import drawing_format

CODES = [
    {"id": 1, "name": "Testing the counselor", "stage": "category", "parent_id": None},
    {"id": 2, "name": "testing with small disclosures", "stage": "focused", "parent_id": 1},
    {"id": 3, "name": "telling about the relapse", "stage": "initial", "parent_id": 2},
    {"id": 4, "name": "watching the pen", "stage": "initial", "parent_id": 2},
    {"id": 5, "name": "Bracing", "stage": "initial", "parent_id": None},
    {"id": 6, "name": "keeping it short", "stage": "focused", "parent_id": None},
    {"id": 7, "name": "alone", "stage": "initial", "parent_id": 5},
]


def test_a_code_counts_its_own_and_its_descendants_codings_and_their_sources():
    tree = build_code_tree(CODES, {(2, 10): 2, (3, 10): 1, (4, 11): 1, (4, 12): 1, (7, 12): 4})
    by_name = {n.name: n for n in tree.walk(unplaced=True)}
    assert (by_name["Testing the counselor"].codings, by_name["Testing the counselor"].sources) == (5, 3)
    assert by_name["Testing the counselor"].own_codings == 0
    assert (by_name["Bracing"].codings, by_name["Bracing"].own_codings) == (4, 0)
    assert by_name["watching the pen"].path == (
        "Testing the counselor / testing with small disclosures / watching the pen"
    )


def test_the_order_is_categories_then_focused_and_unplaced_initial_codes_apart():
    tree = build_code_tree(CODES, {})
    assert [(n.name, n.depth) for n in tree.walk()] == [
        ("Testing the counselor", 0),
        ("testing with small disclosures", 1),
        ("telling about the relapse", 2),
        ("watching the pen", 2),
        ("keeping it short", 0),
    ]
    assert [n.name for n in tree.unplaced] == ["Bracing"]
    assert [(r["name"], r["placed"]) for r in tree.rows()][-2:] == [("Bracing", False), ("alone", False)]


def test_a_stage_filter_lifts_codes_to_their_nearest_shown_ancestor():
    tree = build_code_tree(CODES, {(3, 10): 1}, stage="initial")
    assert tree.roots == []
    assert [(n.name, n.depth) for n in tree.walk(unplaced=True)] == [
        ("Bracing", 0),
        ("alone", 1),
        ("telling about the relapse", 0),
        ("watching the pen", 0),
    ]


def test_codings_are_placed_under_the_turn_they_start_in():
    turns = [(0, 10), (12, 30), (30, 30), (40, 50)]
    under, outside = place_codings(turns, [(0, 4), (9, 20), (10, 11), (30, 31), (45, 60), (55, 56)])
    assert under == [[0, 1], [], [3], [4]]
    assert outside == [2, 5]
    assert place_codings([], [(0, 1)]) == ([], [0])


@pytest.mark.parametrize(
    ("name", "options", "expected"),
    [
        ("C01.docx", ImportOptions(), Importer.FILE),
        ("project.QDPX", ImportOptions(), Importer.REFI),
        ("codebook.qdc", ImportOptions(), Importer.REFI),
        ("participants.csv", ImportOptions(attributes=True), Importer.ATTRIBUTES),
        ("answers.xlsx", ImportOptions(survey="question"), Importer.SURVEY),
    ],
)
def test_which_importer_a_path_gets(name, options, expected):
    from pathlib import Path

    assert importer_for(Path(name), options) is expected


def test_a_folder_is_one_folder_import_and_two_sheet_kinds_are_refused(tmp_path):
    assert importer_for(tmp_path, ImportOptions()) is Importer.FOLDER
    with pytest.raises(InvalidInput, match="either an attribute sheet or a survey"):
        importer_for(tmp_path / "x.csv", ImportOptions(attributes=True, survey="respondent"))


def test_the_drawing_a_suffix_asks_for():
    assert [drawing_format(f"m.{s}") for s in ("svg", "png", "dot", "gv", "mmd", "mermaid")] == [
        "svg",
        "png",
        "dot",
        "dot",
        "mermaid",
        "mermaid",
    ]
    with pytest.raises(InvalidInput) as err:
        drawing_format("model.pdf")
    assert err.value.fact == "model.pdf: the model is drawn as .svg, .png, .dot or .mmd."


def test_listing_values_are_plain():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "code": ["trust", "time"],
            "codings": [75.0, math.nan],
            "kappa": [0.5, 1.0],
            "when": [pd.Timestamp("2026-02-03 12:00"), pd.NaT],
            "sources": [["C01", "C03"], []],
            "pair": [("a", "b"), ("c", "d")],
        }
    )
    assert records(frame) == [
        {
            "code": "trust",
            "codings": 75,
            "kappa": 0.5,
            "when": "2026-02-03 12:00:00",
            "sources": ["C01", "C03"],
            "pair": ["a", "b"],
        },
        {"code": "time", "codings": None, "kappa": 1.0, "when": None, "sources": [], "pair": ["c", "d"]},
    ]
    assert to_csv(frame).splitlines() == [
        "code,codings,kappa,when,sources,pair",
        "trust,75,0.5,2026-02-03 12:00:00,C01; C03,a; b",
        "time,,1.0,,,c; d",
    ]
    assert "NaN" not in to_json(frame) and "NaT" not in to_json(frame)
    assert to_csv([{"code": '=HYPERLINK("http://x")', "n": -1, "at": datetime(2026, 1, 2)}]).splitlines() == [
        "code,n,at",
        '"\'=HYPERLINK(""http://x"")",-1,2026-01-02 00:00:00',
    ]
