"""Machine help on a project, with the real embedder (all-MiniLM-L6-v2, int8 ONNX): passages
embedded once per text version, similar passages, suggestions stored as pending machine codings
that count nowhere until a person accepts them."""

from __future__ import annotations

import pytest

pytest.importorskip("onnxruntime")

from tests.integration import assist_study
from theorize.errors import InvalidInput
from theorize.services.assist import machine_coder_name

MACHINE = machine_coder_name("all-MiniLM-L6-v2-onnx-int8")


@pytest.fixture
def study(project):
    assist_study.build(project)
    return project


def test_passages_are_embedded_once_and_an_edit_reembeds_only_what_changed(study):
    first = study.embed_units()
    assert 0 < first.computed <= first.units  # a one-sentence turn is embedded once for both
    again = study.embed_units()
    assert (again.computed, again.reused) == (0, 0)
    text = study.text("P3_interview")
    study.edit_text("P3_interview", text.replace("cook dinner on Sundays", "bake bread on Saturdays"))
    after = study.embed_units(["P3_interview"])
    # the changed sentence, which is also its whole turn: one new passage through the model;
    # every other unit of the new version keeps its vector
    assert (after.computed, after.reused) == (1, after.units - 2)


def test_similar_passages_find_the_same_theme_in_other_interviews(study):
    found = study.similar(text="I was afraid the judge would jail me", k=3)
    assert list(found.columns) == ["rank", "score", "source", "participant", "turn", "start", "end", "text", "codes"]
    assert "judge" in found.text[0] and found.score.is_monotonic_decreasing
    coded = study.codings(code="fearing the judge").id.iloc[0]
    others = study.similar(coding=int(coded), k=3, other_participants=True, coded=False)
    assert set(others.participant) <= {"P2", "P3"} and (others.codes == "").all()
    assert "judge" in others.text[0] or "court" in others.text[0]
    theirs = study.similar(text="counted the days", group="client", coded=True, k=2)
    assert (theirs.codes != "").all()


def test_suggestions_are_pending_machine_codings_that_count_nowhere_until_accepted(study):
    run = study.suggest(["P3_interview"])
    assert run.ids and run.coder == MACHINE and run.method in ("knn", "prototype", "linear", "linear+knn")
    mine = study.suggestions()
    assert set(mine.source) == {"P3_interview"}
    assert {"fearing the judge", "doing my time", "trusting the counselor"} & set(mine.code)
    judge = mine[mine.quote.str.contains("judge")]
    assert list(judge.code) == ["fearing the judge"]
    assert not mine.quote.str.contains("bicycles").any()
    codes = study.codes().set_index("name")
    assert codes.loc["fearing the judge", "codings"] == 4  # pending suggestions do not count
    with pytest.raises(InvalidInput, match="have coded no source in common|at least two coders"):
        study.agreement(coders=["lena", MACHINE])
    n = study.decide_suggestions(accept=True, code="fearing the judge")
    assert n == 1
    assert study.codes().set_index("name").loc["fearing the judge", "codings"] == 5
    events = study.audit()
    assert {"suggest codes", "accept suggestions"} <= set(events.action)


def test_a_rejected_suggestion_is_not_made_again_and_undo_takes_suggestions_back(study):
    run = study.suggest(["P3_interview"])
    study.decide_suggestions(run.ids, accept=False)
    again = study.suggest(["P3_interview"])
    assert again.ids == []
    assert len(study.suggestions(status="rejected")) == len(run.ids)
    study.undo()  # the second suggest made nothing and left no event; this undoes the rejection
    assert len(study.suggestions()) == len(run.ids)


def test_bulk_decisions_refuse_what_is_not_a_pending_suggestion(study):
    human = int(study.codings().id.iloc[0])
    with pytest.raises(InvalidInput) as err:
        study.decide_suggestions([human], accept=True)
    assert str(err.value) == f"Coding {human} is not a pending machine suggestion."
    with pytest.raises(InvalidInput, match="There are no pending suggestions to decide on."):
        study.decide_suggestions(accept=False, source="P1_interview")


def test_nothing_to_learn_from_is_one_sentence(project):
    assist_study.build(project, coded=False)
    with pytest.raises(InvalidInput) as err:
        project.suggest()
    assert str(err.value) == "lena has no focused codings to learn from; code some passages first."


def test_focused_code_proposals_group_initial_codes_by_name_and_passages(project):
    assist_study.build(project, coded=False)
    groups = {
        "fearing the judge": ["worrying about jail", "fearing jail"],
        "doing my time": ["counting the days", "counting down the weeks"],
    }
    quotes = {
        "worrying about jail": "I was terrified the judge would put me in jail.",
        "fearing jail": assist_study.CODES["fearing the judge"][0],
        "counting the days": "ticked off the days on a calendar",
        "counting down the weeks": assist_study.CODES["doing my time"][3],
    }
    for name, quote in quotes.items():
        project.add_code(name, stage="initial")
        source = next(s for s in ("P1_interview", "P2_interview", "P3_interview") if quote in project.text(s))
        project.code(source, name, quote=quote)
    proposals = project.propose_focused_codes()
    found = sorted(sorted(p.codes) for p in proposals)
    assert found == sorted(sorted(v) for v in groups.values())
    assert all(p.quotes for p in proposals)
    made = project.accept_proposal(["counting the days", "counting down the weeks"], "doing my time")
    tree = project.codes().set_index("name")
    assert tree.loc["counting the days", "parent_id"] == made and tree.loc["doing my time", "stage"] == "focused"
    assert project.audit().action.iloc[-1] == "accept focused-code proposal"


def test_in_vivo_candidates_are_the_participants_own_repeated_or_quoted_words(project):
    from tests.helpers import transcript

    assist_study.build(project, coded=False)
    project.import_parsed(
        transcript(
            "P4_interview",
            [
                ("Interviewer", "How would you put it?"),
                (
                    "Participant",
                    (
                        'They call it "the paper trail". Everything goes on the paper trail, and the paper trail '
                        "follows you. I was walking on eggshells."
                    ),
                ),
                ("Interviewer", "Why?"),
                ("Participant", "Walking on eggshells, every single week."),
            ],
        ),
        participant="P4",
        group="client",
    )
    found = project.in_vivo_candidates("P4_interview")
    assert list(found.phrase[:2]) == ["paper trail", "walking on eggshells"] or {
        "paper trail",
        "walking on eggshells",
    } <= {p.lower() for p in found.phrase[:3]}
    row = found[found.phrase.str.lower() == "paper trail"].iloc[0]
    assert "quoted" in row.reasons and row["count"] == 3
    text = project.text("P4_interview")
    assert text[row.start : row.end].lower() == "paper trail"


def test_machine_help_facts_for_the_methods_section(study):
    run = study.suggest(["P3_interview"])
    study.decide_suggestions(run.ids[:1], accept=True)
    facts = study.machine_help_facts()
    assert facts["suggested"] == len(run.ids) and facts["accepted"] == 1
    assert facts["pending"] == len(run.ids) - 1
    assert facts["embedding_models"] == ["all-MiniLM-L6-v2-onnx-int8"]
    assert list(facts["suggestion_models"]) == [run.model_id]


def test_a_large_project_searches_the_approximate_index_with_the_same_filters(study, monkeypatch):
    from theorize.assist import registry

    exact = study.similar(text="I was afraid the judge would jail me", k=4, coded=False)
    monkeypatch.setattr(registry, "APPROXIMATE_FROM", 10)
    study._assist_cache().clear()
    approximate = study.similar(text="I was afraid the judge would jail me", k=4, coded=False)
    assert approximate.equals(exact)


def test_an_undone_import_takes_its_passage_vectors_with_it(project):
    from sqlalchemy import func, select

    from theorize.store import schema as t

    assist_study.build(project, coded=False)
    project.embed_units()

    def stored() -> int:
        with project.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(t.unit_embedding)).scalar_one()

    before = stored()
    p3 = len([u for u in project.corpus(["P3_interview"], in_turn=False).frame.itertuples()])
    project.undo()  # the import of P3_interview
    assert list(project.sources().name) == ["P1_interview", "P2_interview"]
    assert stored() == before - p3 - len(assist_study.THIRD)  # its sentences and its turns
