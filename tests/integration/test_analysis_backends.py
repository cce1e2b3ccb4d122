"""The analyses read the project the same way on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.helpers import transcript

ANSWERS = [
    "I was just doing my time. The judge scared me.",
    "Luis told me what he has to report. I trusted him after that.",
    "Doing it for me now, not the court. My daughter is why.",
    "I kept quiet in group. The judge scared me, honestly.",
    "He went to bat for me at staffing. Doing it for me now.",
    "I still don't trust any of them. Doing my time, that's all.",
]


@pytest.fixture
def coded(project):
    codes = {
        "doing my time": "doing my time",
        "judge scared me": "fearing the judge",
        "has to report": "being honest about the rules",
        "Doing it for me": "doing it for me",
        "went to bat": "counselor advocating",
        "don't trust": "staying guarded",
    }
    for name in set(codes.values()):
        project.add_code(name, stage="focused")
    for i, answer in enumerate(ANSWERS, start=1):
        src = transcript(f"C0{i}", [("Interviewer", "Tell me about your counselor."), ("Participant", answer)])
        project.import_parsed(src, participant=f"C0{i}", group="client")
        project.set_attributes(f"C0{i}", {"interview_date": f"2026-0{i}-01", "phase": "early" if i < 4 else "late"})
        for words, code in codes.items():
            if words in answer:
                project.code(f"C0{i}", code, quote=words, coder="lena")
                if code != "staying guarded":  # the second coder misses one
                    project.code(f"C0{i}", code, segment=2, coder="sam")
    return project


def test_agreement_saturation_and_matrices_on_every_backend(coded):
    report = coded.agreement(coders=["lena", "sam"], unit="sentence", resamples=200)
    assert 0 < report.overall["percent_agreement"] <= 1
    assert not report.disagreements.empty
    result = coded.saturation(group="client", base_size=2, run_length=2, n_orders=100)
    assert result.interviews == [f"C0{i}" for i in range(1, 7)]
    assert "base of 2" in result.statement
    table = coded.code_matrix()
    assert list(table.columns) == [f"C0{i}" for i in range(1, 7)]
    phase = coded.attribute_matrix("phase")
    assert set(phase.group_sizes.index) == {"early", "late"}
    co = coded.cooccurrence(mode="segment")
    ids = {name: coded.code_id(name) for name in ("doing my time", "fearing the judge")}
    assert co.loc[ids["doing my time"], ids["fearing the judge"]] >= 1
