"""The README's picture of the workbench, taken from the demo study in Chromium.

The test always takes the picture; it writes docs/workbench.png when that file is missing or when
THEORIZE_UPDATE_SCREENSHOT=1 (so that a test run does not leave a changed binary behind)."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from tests.browser.conftest import ROOT, axe_violations, open_context

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TARGET = ROOT / "docs" / "workbench.png"


def png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", data[16:24])


def test_the_readme_screenshot_of_the_demo(chromium, demo_served, tmp_path):
    context, page, watch = open_context(chromium, demo_served)
    try:
        study = demo_served.study
        source = study.sources().iloc[0]
        page.goto(f"{demo_served.url}/sources/{int(source.id)}")
        page.wait_for_selector("body[data-ready='1']")
        stripe = page.locator(".s").nth(4)
        stripe.scroll_into_view_if_needed()
        stripe.click()
        page.wait_for_selector("#detail:not([hidden])")
        page.evaluate("() => window.scrollTo(0, 0)")
        assert axe_violations(page) == []
        shot = page.screenshot(type="png")
    finally:
        context.close()
    assert watch.offsite == [] and watch.errors == []
    assert png_size(shot) == (1400, 900)
    if os.environ.get("THEORIZE_UPDATE_SCREENSHOT") == "1" or not TARGET.exists():
        TARGET.write_bytes(shot)
    assert png_size(Path(TARGET).read_bytes()) == (1400, 900)


@pytest.mark.parametrize(
    "path", ["/", "/codes", "/compare?code=20", "/memos", "/model", "/analyses?part=agreement", "/history"]
)
def test_the_demos_pages_pass_axe(chromium, demo_served, path):
    context, page, watch = open_context(chromium, demo_served)
    try:
        page.goto(f"{demo_served.url}{path}")
        page.wait_for_selector("body[data-ready='1']")
        assert axe_violations(page) == []
    finally:
        context.close()
    assert watch.offsite == [] and watch.errors == []
