"""Editing a transcript makes a new version and carries every coding over."""

from __future__ import annotations

import pandas as pd

from tests.helpers import transcript


def test_edit_versions_text_and_reanchors_every_coding(project):
    src = transcript(
        "C01",
        [
            ("Interviewer", "How was it? 🙂"),
            (
                "Participant",
                "Maria told me straight, what she has to report and what she doesn't. That's when I— [inaudible] I started to trust her.",
            ),
        ],
    )
    project.import_parsed(src)
    project.add_code("being honest about the rules")
    project.add_code("repair")
    keep = project.code("C01", "being honest about the rules", quote="what she has to report and what she doesn't")
    gone = project.code("C01", "repair", quote="[inaudible]")
    text = project.text("C01")
    new = text.replace("Maria told", "Maria Delgado told").replace(" [inaudible]", "")
    result = project.edit_text("C01", new, reason="fixed name; removed inaudible mark")
    assert (result.version, result.moved, result.changed, result.orphaned) == (2, 1, 0, 1)
    codings = project.codings().set_index("id")
    assert codings.loc[keep, "quote"] == "what she has to report and what she doesn't"
    assert pd.isna(codings.loc[keep, "review"])
    assert codings.loc[gone, "review"] == "orphaned" and codings.loc[gone, "quote"] == ""
    assert project.text("C01", version=1) == text
    turns = project.segments("C01")
    assert turns.loc[1, "text"].startswith("Maria Delgado told me straight")


def test_a_correction_near_the_top_carries_every_one_of_many_codings_once(project):
    """Each coding is carried exactly once: updating spans while walking the codings by their index on
    SQLite visited rows again and pushed them off the end of the text (the demo's de-identification
    orphaned 1,065 of its 1,333 codings; here 1,495 of 1,500)."""
    sentences = [f"Sentence number {i} talks about the court and the counselor." for i in range(300)]
    project.import_parsed(transcript("long", [("Participant", " ".join(sentences))]), participant="P1")
    text = project.text("long")
    for k in range(5):
        project.add_code(f"talk {k}", stage="initial")
    project.code_many(
        [
            {"source": "long", "code": f"talk {k}", "start": text.index(s), "end": text.index(s) + len(s)}
            for s in sentences
            for k in range(5)
        ]
    )
    before = project.codings().sort_values(["start", "code"]).quote.tolist()
    edit = project.edit_text("long", text.replace("Sentence number 0 ", "The very first sentence number 0 ", 1))
    assert (edit.moved, edit.changed, edit.orphaned) == (1495, 5, 0)
    after = project.codings().sort_values(["start", "code"])
    assert after.quote.tolist()[5:] == before[5:]
    assert set(after.quote.tolist()[:5]) == {
        "The very first sentence number 0 talks about the court and the counselor."
    }
    assert (after.review == "changed").sum() == 5 and after.review.isna().sum() == 1495
