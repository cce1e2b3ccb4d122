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
