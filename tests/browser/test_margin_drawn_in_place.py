"""A new coding is drawn in the margin where it is, without the page asking the server for the
whole transcript's layout again; its detail, highlight and removal work at once."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_workbench import code_with_keys, keys, open_transcript

pytestmark = pytest.mark.browser

WORDS = "\U0001f600 so relieved, \u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd"  # an emoji: two UTF-16 units


def test_a_new_coding_is_drawn_highlighted_and_removed_without_a_relayout(page, served):
    study = served.study
    open_transcript(page, study)
    layouts: list[str] = []
    page.on("request", lambda r: layouts.append(r.url) if re.search(r"/api/sources/\d+/codings\?", r.url) else None)
    before = len(study.codings())
    keys(page, "j", "j", "w", "w", *["]"] * 6)  # row 2, the words after "felt"
    code_with_keys(page, "relief")
    page.wait_for_function("() => document.getElementById('toast').textContent.startsWith('Coded')")
    newest = study.codings().sort_values("id").iloc[-1]
    assert len(study.codings()) == before + 1 and newest.quote == WORDS
    stripe = page.locator(f'.margin .s[data-c="{int(newest.id)}"]')
    assert stripe.count() == 1  # the words lie in one row

    stripe.click()
    assert page.inner_text("#detail h2") == "relief"
    assert "coded by lena" in page.inner_text("#detail")
    shown = page.evaluate("() => [...CSS.highlights.get('coding')].map((r) => r.toString()).join('')")
    assert shown == WORDS  # exactly the stored words, the emoji counted as the browser counts it
    assert layouts == []  # nothing but the coding itself went to the server

    page.click("#detail button:has-text('remove')")
    page.wait_for_function("() => document.getElementById('toast').textContent.startsWith('Removed')")
    assert stripe.count() == 0
    assert len(study.codings()) == before
    assert layouts == []

    page.reload()  # the server draws the same margin the page drew
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator(f'.margin .s[data-c="{int(newest.id)}"]').count() == 0
