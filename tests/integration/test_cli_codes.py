"""`theorize code` and `theorize codes`: the tree, merging, placing, and coding input, as a
researcher types them (exit codes and exact sentences)."""

from __future__ import annotations

import json

import theorize
from tests.helpers import transcript


def _events(path) -> int:
    with theorize.open_project(path) as study:
        return len(study.audit())


def test_the_tree_is_categories_then_focused_then_initial_with_rolled_up_counts(run, study_file):
    with theorize.open_project(study_file, user="lena") as study:
        study.add_code("Complying to get through", stage="category")
        study.move_code("doing my time", "Complying to get through")
        study.add_code("counting the days", parent="doing my time")
        study.add_code("keeping it short")
        study.code("C03_interview", "doing my time", quote="doing my time")
        study.code("C03_interview", "counting the days", quote="I was just doing my time")
        study.code("C03_interview", "keeping it short", quote="So I kept it short")
    result = run("codes")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Complying to get through  category \u00b7 2 codings in 1 source (0 its own) \u00b7 id 2",
        "  doing my time  focused \u00b7 2 codings in 1 source (1 its own) \u00b7 id 1",
        "    counting the days  initial \u00b7 1 coding in 1 source \u00b7 id 3",
        "",
        "Initial codes not yet under a focused code (1):",
        "  keeping it short  initial \u00b7 1 coding in 1 source \u00b7 id 4",
    ]
    rows = json.loads(run("codes", "--json").output)
    assert [(r["name"], r["codings"], r["own_codings"], r["placed"]) for r in rows] == [
        ("Complying to get through", 2, 0, True),
        ("doing my time", 2, 1, True),
        ("counting the days", 1, 1, True),
        ("keeping it short", 1, 1, False),
    ]
    csv_lines = run("codes", "--csv").output.splitlines()
    assert csv_lines[0] == "id,name,path,stage,parent_id,depth,in_vivo,own_codings,codings,sources,placed,definition"
    assert csv_lines[2].startswith("1,doing my time,Complying to get through / doing my time,focused,2,1,no,1,2,1,")
    focused = run("codes", "--stage", "focused")
    assert focused.output.splitlines() == [
        "doing my time  focused \u00b7 2 codings in 1 source (1 its own) \u00b7 id 1"
    ]


def test_an_empty_codebook_and_both_output_flags(run, tmp_path):
    theorize.create_project(tmp_path / "study.theorize", user="lena").close()
    assert run("codes").output.strip() == "The codebook is empty; add a code with `theorize codes add NAME`."
    assert json.loads(run("codes", "--json").output) == []
    both = run("codes", "--json", "--csv")
    assert both.exit_code == 2
    assert "Give --json or --csv, not both." in both.output


def test_merge_into_a_new_code_creates_it_in_the_same_action(run, study_file):
    run("codes", "add", "bracing for the judge")
    run("codes", "add", "keeping it short")
    run("code", "C03_interview", "keeping it short", "--quote", "So I kept it short")
    before = _events(study_file)
    result = run(
        "codes", "merge", "bracing for the judge", "keeping it short", "--into", "guarding what reaches the judge"
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Merged 2 codes into 'guarding what reaches the judge'; 1 coding moved"
    assert _events(study_file) == before + 1
    with theorize.open_project(study_file) as study:
        codes = study.codes().set_index("name")
        assert codes.loc["guarding what reaches the judge", "stage"] == "initial"
        assert codes.loc["guarding what reaches the judge", "codings"] == 1
        assert "keeping it short" not in codes.index
    assert run("undo").exit_code == 0
    with theorize.open_project(study_file) as study:
        assert "guarding what reaches the judge" not in set(study.codes().name)
    missing = run("codes", "merge", "nothing like it", "--into", "doing my time")
    assert missing.exit_code == 2
    assert missing.output.strip() == (
        "Error: There is no code called 'nothing like it'; `theorize codes` shows the codebook."
    )


def test_move_places_initial_codes_under_a_focused_code_without_merging(run, study_file):
    run("codes", "add", "counting the days")
    run("codes", "add", "keeping it short")
    before = _events(study_file)
    result = run("codes", "move", "counting the days", "keeping it short", "--under", "doing my time")
    assert result.output.strip() == "Moved 2 codes under 'doing my time'"
    assert _events(study_file) == before + 1
    tree = run("codes").output
    assert "  counting the days  initial" in tree and "not yet under a focused code" not in tree
    inside = run("codes", "move", "doing my time", "--under", "counting the days")
    assert inside.exit_code == 2
    assert inside.output.strip() == "Error: 'doing my time' cannot go inside itself or one of its own sub-codes."
    assert run("codes", "move", "counting the days").output.strip() == "Moved 1 code to the top"


def test_code_create_is_one_action_that_one_undo_takes_back(run, study_file):
    before = _events(study_file)
    result = run("code", "C03_interview", "keeping it short", "--quote", "So I kept it short", "--create")
    assert result.exit_code == 0, result.output
    assert _events(study_file) == before + 1
    run("undo")
    with theorize.open_project(study_file) as study:
        assert "keeping it short" not in set(study.codes().name)
        assert study.codings().empty
    refused = run("code", "C03_interview", "keeping it short", "--quote", "not in the text", "--create")
    assert refused.exit_code == 2
    assert refused.output.strip() == "Error: The words 'not in the text' do not occur in C03_interview."
    with theorize.open_project(study_file) as study:
        assert "keeping it short" not in set(study.codes().name)


def test_ranges_of_turns_and_sentences_and_single_numbers(run, study_file):
    two = run("code", "C03_interview", "doing my time", "--turn", "2")
    assert two.exit_code == 0 and "\u201cHonestly?" in two.output
    turns = run("code", "C03_interview", "doing my time", "--turn", "2-3")
    assert turns.exit_code == 0
    assert "What was that like with your counselor?\u201d" in turns.output
    sentences = run("code", "C03_interview", "doing my time", "--sentence", "3-4")
    assert sentences.exit_code == 0, sentences.output
    assert "\u201cI was just doing my time. I said what they wanted to hear" in sentences.output
    shown = run("show", "C03_interview", "--turns", "2")
    assert shown.exit_code == 0
    assert "Honestly?" in shown.output and "Tell me about" not in shown.output
    backwards = run("code", "C03_interview", "doing my time", "--turn", "3-2")
    assert backwards.exit_code == 2
    assert backwards.output.strip() == "Error: Turns 3-2 run backwards; give the first one first."
    beyond = run("code", "C03_interview", "doing my time", "--sentence", "2-99")
    assert beyond.exit_code == 2
    assert "has no sentence 99" in beyond.output
    word = run("code", "C03_interview", "doing my time", "--turn", "two")
    assert word.exit_code == 2
    assert word.output.strip() == "Error: 'two' is not a turn number; give one number, e.g. 4, or a range, e.g. 4-6."


def test_an_empty_span_is_refused(run, study_file):
    result = run("code", "C03_interview", "doing my time", "--span", "0-0")
    assert result.exit_code == 2
    assert result.output.strip() == "Error: The span 0-0 is empty; a coding needs at least one character."


def test_words_said_twice_are_listed_not_guessed_and_a_turn_narrows_them(run, tmp_path):
    study = theorize.create_project(tmp_path / "study.theorize", user="lena")
    study.import_parsed(
        transcript(
            "C05_interview",
            [
                ("Interviewer", "And the judge?"),
                ("Participant", "I kept it short. Always."),
                ("Interviewer", "Even later?"),
                ("Participant", "Later too I kept it short."),
            ],
        )
    )
    study.add_code("keeping it short")
    study.close()
    twice = run("code", "C05_interview", "keeping it short", "--quote", "kept it short")
    assert twice.exit_code == 2
    assert twice.output.strip() == (
        "Error: The words 'kept it short' occur 2 times in C05_interview (characters 44-57, 119-132); "
        "say which by occurrence number or by turn."
    )
    narrowed = run("code", "C05_interview", "keeping it short", "--quote", "kept it short", "--turn", "4")
    assert narrowed.exit_code == 0
    assert "keeping it short on C05_interview 119-132" in narrowed.output
    second = run("code", "C05_interview", "keeping it short", "--quote", "kept it short", "--occurrence", "2")
    assert "119-132" in second.output
    absent = run("code", "C05_interview", "keeping it short", "--quote", "kept it short", "--turn", "3")
    assert absent.exit_code == 2
    assert absent.output.strip() == "Error: The words 'kept it short' do not occur in turn 3 of C05_interview."


def test_an_in_vivo_code_can_be_named_with_straight_quotes(run, study_file):
    made = run("codes", "in-vivo", "C03_interview", "--quote", "doing my time")
    assert made.output.strip() == "Coding #1 with in-vivo code \u201cdoing my time\u201d"
    again = run("code", "C03_interview", '"doing my time"', "--quote", "So I kept it short")
    assert again.exit_code == 0, again.output
    assert "Coding #2: \u201cdoing my time\u201d" in again.output
    assert run("codes", "lineage", '"doing my time"').output.strip() == "This code has no lineage yet."
