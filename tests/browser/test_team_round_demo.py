"""A team of three runs a blind round on the demo study in three browsers: the owner opens it on
the team page, two coders code the same words with different codes and each sees only their own
stripes, the owner closes it, sees agreement per code, and adjudicates the disagreement in place."""

from __future__ import annotations

import time

import pytest

import theorize
from tests.browser.conftest import Served
from tests.browser.test_team import signed_in_page
from tests.browser.test_whole_study import select_words

pytest.importorskip("argon2")

OWNER = "Dr. Lena Marsh"
WORDS = "You gotta call the color line every morning."


@pytest.fixture
def demo_team(tmp_path):
    from theorize.demo import build_demo

    result = build_demo(tmp_path / "demo", outputs=False)
    study = theorize.open_project(result.project, user=OWNER)
    passwords = {
        name: study.add_user(name, role=role)[1]
        for name, role in ((OWNER, "owner"), ("priya", "coder"), ("tom", "coder"))
    }
    server = Served(study)
    yield server, passwords
    server.stop()
    study.close()


def code_words(page, server, source_id: int, code: str) -> None:
    page.goto(f"{server.url}/sources/{source_id}")
    page.wait_for_selector("body[data-ready='1']")
    select_words(page, WORDS)
    page.keyboard.press("c")
    page.wait_for_selector("#picker[open]")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('toast').textContent.startsWith('Coded')")


def test_a_team_of_three_runs_a_blind_round_on_the_demo(chromium, demo_team):
    server, passwords = demo_team
    study = server.study
    sid = int(study.sources().set_index("name").loc["C03_interview.txt", "id"])
    others = set(study.codings(sid).coder)  # the demo's two researchers coded it before the round
    assert others == {OWNER, "Sam Okoye"}
    sessions = {name: signed_in_page(chromium, server, name, passwords[name]) for name in (OWNER, "priya", "tom")}
    owner, priya, tom = (sessions[n][1] for n in (OWNER, "priya", "tom"))
    try:
        # the owner opens the round on the team page
        owner.goto(f"{server.url}/team")
        owner.fill("form[action='/api/team/rounds'] input[name=name]", "R1")
        owner.check(f"form[action='/api/team/rounds'] input[name=sources][value='{sid}']")
        owner.fill("form[action='/api/team/rounds'] input[name=coders]", "priya, tom")
        owner.select_option("form[action='/api/team/rounds'] select[name=codebook]", "frozen")
        owner.click("form[action='/api/team/rounds'] button[type=submit]")
        owner.wait_for_selector("section.round h3:has-text('R1')")
        (opened,) = study.rounds()
        assert opened["coders"] == ["priya", "tom"] and opened["codebook"] == "frozen" and not opened["closed_at"]

        # each coder codes the same words, with different codes, and sees only their own stripes
        code_words(priya, server, sid, "watching what gets reported")
        code_words(tom, server, sid, "doing my time")
        for page, me in ((priya, "priya"), (tom, "tom")):
            page.reload()
            page.wait_for_selector("body[data-ready='1']")
            drawn = set(page.eval_on_selector_all(".s[data-coder]", "els => els.map(e => e.dataset.coder)"))
            assert drawn == {me}, (me, drawn)
        mine = study.codings(sid).set_index("coder")
        assert mine.loc["priya", "quote"] == mine.loc["tom", "quote"] == WORDS

        # the owner closes it: agreement per code, then the disagreement side by side, adjudicated
        owner.goto(f"{server.url}/team")
        owner.click("text=Close the round")
        owner.wait_for_selector("section.round h3:has-text('closed')")
        assert owner.locator("table.round-results tbody tr").count() >= 2
        owner.click("text=Review the round's disagreements")
        owner.wait_for_selector("body[data-ready='1']")
        assert "priya and tom" in owner.inner_text("main")
        owner.click(f"ol.disagreements a:has-text('{study.sources().set_index('id').loc[sid, 'name']}')")
        owner.wait_for_selector("section.coder-spans")
        sides = owner.eval_on_selector_all("section.coder-spans", "els => els.map(e => e.getAttribute('aria-label'))")
        assert "priya's codings" in sides and "tom's codings" in sides
        code_id = int(study.codes().set_index("name").loc["watching what gets reported", "id"])
        owner.select_option("form[action='/api/adjudicate'] select[name=code]", str(code_id))
        owner.fill("form[action='/api/adjudicate'] textarea[name=note]", "The call-in line is surveillance.")
        owner.click("form[action='/api/adjudicate'] button[type=submit]")
        owner.wait_for_url(f"{server.url}/memos/*")
        deadline = time.monotonic() + 10
        while not study.round_adjudications().get("R1") and time.monotonic() < deadline:
            time.sleep(0.05)
        (decision,) = study.round_adjudications()["R1"]
        assert decision["by"] == OWNER and "surveillance" in decision["note"]
    finally:
        for context, _, _ in sessions.values():
            context.close()
    for name, (_, _, watch) in sessions.items():
        assert watch.offsite == [] and watch.errors == [], name
