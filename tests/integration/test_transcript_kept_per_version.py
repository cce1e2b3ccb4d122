"""The transcript page keeps a text version's turns and row HTML between requests: two projects
with the same words keep their own speakers, and a correction shows its new words at once."""

from __future__ import annotations

import theorize
from theorize.domain.sources import ParsedSource, Role, Turn
from theorize.web.layout import lay_out, rows_html

TEXT = "Ana: We talked about trust.\nBo: The judge said so. I listened.\n"


def parsed(first: str, second: str) -> ParsedSource:
    a, b = TEXT.index("We talked"), TEXT.index("The judge")
    turns = [
        Turn(a, TEXT.index("\n"), first, Role.INTERVIEWER),
        Turn(b, len(TEXT) - 1, second, Role.PARTICIPANT),
    ]
    return ParsedSource(name="same.txt", text=TEXT, turns=turns)


def page_rows(study) -> str:
    tr = study.transcript("same.txt")
    turns, codings = lay_out(tr)
    return rows_html(turns, {c["id"]: c for c in codings})


def test_projects_with_the_same_words_keep_their_own_speakers(tmp_path):
    one = theorize.create_project(tmp_path / "one.theorize", title="One", user="lena")
    two = theorize.create_project(tmp_path / "two.theorize", title="Two", user="lena")
    try:
        one.import_parsed(parsed("Ana", "Bo"), participant="P1")
        two.import_parsed(parsed("Interviewer", "Carla"), participant="P2")
        for _ in range(2):  # the second time from what was kept
            assert [t.speaker for t in one.transcript("same.txt").turns] == ["Ana", "Bo"]
            assert [t.speaker for t in two.transcript("same.txt").turns] == ["Interviewer", "Carla"]
            assert '<span class="speaker">Carla</span>' in page_rows(two)
            assert "Carla" not in page_rows(one)
    finally:
        one.close()
        two.close()


def test_a_correction_shows_its_words_and_the_codings_on_them(tmp_path):
    study = theorize.create_project(tmp_path / "p.theorize", title="P", user="lena")
    try:
        study.import_parsed(parsed("Ana", "Bo"), participant="P1")
        study.add_code("judged")
        study.code("same.txt", "judged", quote="The judge said so")
        before = page_rows(study)
        assert "The judge said so." in before
        study.edit_text("same.txt", TEXT.replace("The judge said so.", "The magistrate said so."))
        after = page_rows(study)
        assert "The magistrate said so." in after and "The judge" not in after
        tr = study.transcript("same.txt")
        _, codings = lay_out(tr)
        assert len(codings) == 1 and f'data-c="{codings[0]["id"]}"' in after
    finally:
        study.close()
