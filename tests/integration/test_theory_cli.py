"""Grounded theory beyond code counts through the CLI: property and dimension values on codings,
theoretical saturation, the circular-saturation warning, theoretical sampling, group comparison and
`describe --method-notes`, with their error paths (exit code 2 and one exact sentence)."""

from __future__ import annotations

import pytest

import theorize
from tests.helpers import cli_runner, transcript

ANSWERS = {
    "C01": "The judge scared me. She holds my liberty.",
    "C02": "The judge scared me less later. I knew the limits.",
    "C03": "The judge scared me at first.",
    "K01": "They think the judge scared me into reporting them.",
    "K02": "The judge scared me too, as a new counselor.",
}
CATEGORY = "Living in the court's shadow"


@pytest.fixture
def study_file(tmp_path):
    """Three clients and two counselors, in interview order C01, C02, C03, K01, K02; a category with
    one property and one dimension over the focused code "fearing the judge"; one coding each."""
    study = theorize.create_project(tmp_path / "study.theorize", title="Alliance", user="lena")
    study.add_code(CATEGORY, stage="category")
    study.add_code("fearing the judge", stage="focused", parent=CATEGORY)
    study.describe_category(
        CATEGORY, properties=["who holds power"], dimensions=["perceived surveillance: total .. bounded"]
    )
    for i, (pid, answer) in enumerate(ANSWERS.items(), start=1):
        group = "client" if pid.startswith("C") else "counselor"
        study.import_parsed(
            transcript(pid, [("Interviewer", "Tell me."), ("Participant", answer)]), participant=pid, group=group
        )
        study.set_attributes(pid, {"interview_date": f"2026-0{i}-01"})
        study.code(pid, "fearing the judge", quote="judge scared me", coder="lena")
    study.close()
    return tmp_path / "study.theorize"


@pytest.fixture
def run(tmp_path, monkeypatch):
    return cli_runner(monkeypatch, tmp_path, columns=200)


def _refused(result, sentence: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"Error: {sentence}"
    assert "Traceback" not in result.output


def _coding(path, pid: str) -> int:
    with theorize.open_project(path) as study:
        frame = study.codings(pid)
    return int(frame["id"].iloc[0])


def _events(path) -> int:
    with theorize.open_project(path) as study:
        return len(study.audit())


def _set_values(run, path) -> None:
    # by hand: C01 adds the property and "total" (2), C02 adds "bounded" (1), C03 and K01 add nothing,
    # K02 says "total" again: the last new element came in C02, three interviews before the end
    for pid, args in (
        ("C01", ["who holds power"]),
        ("C01", ["perceived surveillance", "total"]),
        ("C02", ["perceived surveillance", "bounded"]),
        ("C03", ["who holds power"]),
        ("K02", ["perceived surveillance: total .. bounded", "total"]),
    ):
        result = run("properties", "set", str(_coding(path, pid)), *args)
        assert result.exit_code == 0, result.output


def test_values_set_on_codings_are_listed_and_audited(run, study_file):
    before = _events(study_file)
    _set_values(run, study_file)
    assert _events(study_file) == before + 5
    listing = run("properties", "--category", CATEGORY, "--json")
    assert listing.exit_code == 0
    import json

    rows = {r["text"]: r for r in json.loads(listing.output)}
    assert rows["who holds power"]["codings"] == 2
    assert rows["perceived surveillance: total .. bounded"]["values"] == "bounded, total"
    assert run("undo").exit_code == 0  # the last value (K02's) is taken off again
    with theorize.open_project(study_file) as study:
        assert len(study.property_values(CATEGORY)) == 4


def test_theoretical_saturation_names_the_interview_after_which_nothing_new_appeared(run, study_file):
    _set_values(run, study_file)
    result = run("theoretical-saturation")
    assert result.exit_code == 0, result.output
    assert (
        f"{CATEGORY}: 3 properties and dimension values; nothing new after C02 (interview 2 of 5; "
        "3 interviews since added none)."
    ) in result.output
    curve = run("theoretical-saturation", "--curve", "--json")
    import json

    rows = json.loads(curve.output)
    assert [r["new"] for r in rows] == [2, 1, 0, 0, 0]
    assert [r["cumulative"] for r in rows] == [2, 3, 3, 3, 3]
    clients = run("theoretical-saturation", "--group", "client", "--curve", "--json")
    assert [r["interview"] for r in json.loads(clients.output)] == ["C01", "C02", "C03"]


def test_theoretical_saturation_refusals(run, study_file):
    _refused(
        run("theoretical-saturation"),
        "No coding carries a property or dimension value yet; set them with "
        "`theorize properties set CODING PROPERTY [VALUE]`.",
    )
    _refused(run("theoretical-saturation", "--out", "curve.txt"), "curve.txt: tables are written as .csv or .xlsx.")
    _refused(
        run("theoretical-saturation", "--group", "judges"), "There are no interviews to analyse in group 'judges'."
    )


def test_property_value_refusals_leave_the_project_unchanged(run, study_file):
    before = _events(study_file)
    coding = _coding(study_file, "C01")
    _refused(
        run("properties", "set", "9999", "who holds power"),
        "There is no coding #9999; `theorize show SOURCE` shows codings by number.",
    )
    _refused(
        run("properties", "set", str(coding), "courage"),
        f"Coding #{coding} belongs to no category with a property 'courage'; its categories have: "
        "who holds power; perceived surveillance: total .. bounded.",
    )
    _refused(
        run("properties", "set", str(coding), "perceived surveillance"),
        "'perceived surveillance: total .. bounded' is a dimension: give the value the passage has on it.",
    )
    _refused(
        run("properties", "remove", str(coding), "who holds power"),
        f"Coding #{coding} has no value of 'who holds power'.",
    )
    assert _events(study_file) == before


def test_code_saturation_of_focused_codes_made_from_the_corpus_warns_that_it_is_circular(run, study_file):
    result = run("saturation", "--stage", "focused", "--base", "2", "--run", "1", "--orders", "20")
    assert result.exit_code == 0, result.output
    assert "Warning: This saturation is circular: 1 of 1 codes already occur in the first interview (C01)" in " ".join(
        result.output.split()
    )
    assert "theorize theoretical-saturation" in result.output


def test_sampling_marks_thin_cells_and_prints_what_to_look_for(run, study_file):
    _set_values(run, study_file)
    result = run("sampling", "--min-participants", "3", "--table")
    assert result.exit_code == 0, result.output
    assert "thin" in result.output  # two counselors cannot reach three
    assert "To look for in the next interviews:" in result.output
    assert f"{CATEGORY}: only 2 of 2 counselor participants spoke to it" not in result.output
    plain = run("sampling")
    assert "No category is thin in any group" in plain.output
    _refused(
        run("sampling", "--by", "phase"),
        "There is no participant attribute 'phase'; the attributes are: interview_date.",
    )


def test_compare_groups_sets_properties_and_quotes_side_by_side(run, study_file):
    _set_values(run, study_file)
    result = run("compare-groups", CATEGORY)
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert f"{CATEGORY}: 3 of 3 client participants, 3 codings; 2 of 2 counselor participants, 2 codings" in out
    assert "bounded ×1, total ×1" in out and "who holds power property 2 participants client" in out
    assert "\u201cjudge scared me\u201d (K01" in out
    _refused(
        run("compare-groups", CATEGORY, "--group", "client", "--group", "judges"),
        "There is no group 'judges'; the participants are in: client, counselor.",
    )
    _refused(
        run("compare-groups", "courage"), "There is no code called 'courage'; `theorize codes` shows the codebook."
    )


def test_describe_reads_method_notes_from_a_file(run, study_file, tmp_path):
    (tmp_path / "notes.md").write_text("Constructivist grounded theory (Charmaz 2014).\n", encoding="utf-8")
    assert run("describe", "--method-notes", "notes.md").exit_code == 0
    shown = run("describe")
    assert "Method notes: Constructivist grounded theory (Charmaz 2014)." in shown.output
    _refused(
        run("describe", "--method-notes", "missing.md"),
        "There is no file missing.md; give a text file of method notes.",
    )
    (tmp_path / "notes.bin").write_bytes(b"\xff\xfe\x00\x81")
    _refused(
        run("describe", "--method-notes", "notes.bin"),
        "notes.bin is not a text file; save the method notes as plain text or Markdown.",
    )


def test_property_values_on_sqlite_and_postgresql(project):
    """The library on both databases: values set, counted, audited, undone; pending suggestions do not count."""
    project.add_code(CATEGORY, stage="category")
    project.add_code("fearing the judge", stage="focused", parent=CATEGORY)
    project.describe_category(CATEGORY, dimensions=["perceived surveillance: total .. bounded"])
    for pid in ("C01", "C02"):
        project.import_parsed(
            transcript(pid, [("Interviewer", "Tell me."), ("Participant", ANSWERS[pid])]),
            participant=pid,
            group="client",
        )
        project.code(pid, "fearing the judge", quote="judge scared me")
    ids = project.codings()["id"].tolist()
    project.set_property_value(ids[0], "perceived surveillance", "total")
    project.set_property_value(ids[1], "perceived surveillance", "bounded")
    result = project.theoretical_saturation()
    assert result.discovery["new_elements"].tolist() == [1, 1]
    assert project.audit()["action"].tolist()[-1] == "set property value"
    project.undo()
    assert project.property_values()["value"].tolist() == ["total"]
