"""The compare view paints its first screenful of passages first; the rest, held back for that
paint, are there to scroll to at once, with scripts and without them."""

from __future__ import annotations

import pytest

from tests.browser.conftest import open_context
from theorize.web.compare_html import FIRST

pytestmark = pytest.mark.browser


def many_passages(study, n: int = 40) -> int:
    sid = int(study.sources().iloc[0].id)
    study.add_code("many", stage="initial")
    study.code_many([{"source": sid, "code": "many", "start": a, "end": a + 3} for a in range(0, 4 * n, 4)])
    return int(study.codes().set_index("name").loc["many", "id"])


def test_the_passages_after_the_first_screenful_are_shown_after_the_first_paint(page, served):
    code = many_passages(served.study)
    page.goto(f"{page.base}/compare?code={code}")
    page.wait_for_selector("body[data-ready='1']")
    passages = page.locator(".passage")
    assert passages.count() == 40
    page.wait_for_selector(".later:not([hidden])", state="attached")
    last = passages.nth(39)
    last.scroll_into_view_if_needed()
    assert last.is_visible() and passages.nth(FIRST).is_visible()


def test_without_scripts_every_passage_is_shown(chromium, served):
    code = many_passages(served.study)
    context, page, watch = open_context(chromium, served, java_script_enabled=False)
    try:
        page.goto(f"{served.url}/compare?code={code}")
        last = page.locator(".passage").nth(39)
        last.scroll_into_view_if_needed()
        assert last.is_visible()
    finally:
        context.close()
    assert watch.offsite == [] and watch.errors == []
