"""Correcting a transcript's words in a real Chromium (the textarea's line ends, emoji and
right-to-left text kept), and reviewing the codings the correction flagged."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


def test_correct_the_words_then_review_the_flagged_codings(page, served):
    study = served.study
    sid = int(study.sources().iloc[0].id)
    old = study.text(sid)
    page.goto(f"{page.base}/sources/{sid}")
    page.wait_for_selector("body[data-ready='1']")
    page.click("text=correct the words")
    page.wait_for_selector("body[data-ready='1']")
    assert page.input_value("#edit-text") == old.replace("\r\n", "\n")  # as the browser reads it
    assert axe_violations(page) == []
    value = page.input_value("#edit-text").replace("doing my time", "doing time")
    page.fill("#edit-text", value)
    page.fill("input[name=reason]", "a misheard word")
    page.click("button:has-text('Save as version 2')")
    page.wait_for_selector("tr[data-coding]")
    assert study.text(sid) == old.replace("doing my time", "doing time")  # CRLF, emoji, RTL all kept
    flagged = page.locator("tr[data-coding]")
    assert flagged.count() >= 1
    assert "its words changed" in flagged.first.inner_text()
    coding = int(flagged.first.get_attribute("data-coding"))
    flagged.first.locator("button", has_text="Confirm").click()
    page.wait_for_function(f"() => !document.querySelector('tr[data-coding=\"{coding}\"]')")
    assert not study.coding(coding)["review"]
    page.goto(f"{page.base}/review")
    page.wait_for_selector("body[data-ready='1']")
    assert axe_violations(page) == []


def test_the_plain_upload_form_works_without_script(chromium, served, tmp_path):
    from tests.browser.conftest import open_context

    context, page, watch = open_context(chromium, served, java_script_enabled=False)
    try:
        page.goto(f"{served.url}/")
        path = tmp_path / "plain.txt"
        path.write_text("Interviewer: Hello?\n\nMaria: Hello again, without script.\n", encoding="utf-8")
        page.set_input_files("#upload input[type=file]", str(path))
        page.click("#upload button[type=submit]")
        page.wait_for_load_state()
        assert "plain.txt: imported" in page.locator(".upload-results").inner_text()
        assert "plain.txt" in set(served.study.sources().name)
    finally:
        context.close()
    assert watch.offsite == []
