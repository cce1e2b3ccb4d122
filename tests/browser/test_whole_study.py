"""A whole small study in the browser, from an empty project to the report: upload a transcript, code
selected words with new codes, build the codebook, write a memo, place the category in the model,
and download the report that carries the quote and the memo. Each step is checked in the project."""

from __future__ import annotations

import time

import pandas as pd
import pytest

import theorize
from tests.browser.conftest import Served, open_context

pytestmark = pytest.mark.browser

INTERVIEW = """Interviewer: How did the first weeks of treatment go?

Maria: Honestly, it felt like the judge watches everything I do. I was counting the days until the court let go.

Interviewer: And your counselor?

Maria: She asked what I wanted for me, not for the court. That was the first time I talked back and meant it.
"""


@pytest.fixture
def empty_served(tmp_path):
    study = theorize.create_project(tmp_path / "whole.theorize", title="Whole study", user="lena")
    server = Served(study)
    yield server
    server.stop()
    study.close()


def until(done, seconds: float = 10.0) -> None:
    """Wait for what the page did to show in the project."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the page's action did not reach the project"
        time.sleep(0.05)


def select_words(page, words: str) -> None:
    """Select ``words`` in the transcript as a mouse would (one text node holds them)."""
    found = page.evaluate(
        """(words) => {
        const walker = document.createTreeWalker(document.querySelector('.transcript'), NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(words);
            if (at < 0) continue;
            node.parentElement.closest('.row, [data-s]')?.focus();
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
            return true;
        }
        return false; }""",
        words,
    )
    assert found, f"{words!r} is not on the page"


def code_as_new(page, words: str, name: str, stage: str) -> None:
    select_words(page, words)
    page.keyboard.press("c")
    page.wait_for_selector("#picker[open]")
    page.select_option("#picker-stage", stage)
    page.focus("#picker-input")
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(name) => document.getElementById('toast').textContent.startsWith('Coded')"
        " && document.getElementById('toast').textContent.includes(name)",
        arg=name,
    )


def test_a_whole_small_study_from_upload_to_report_in_the_browser(chromium, empty_served, tmp_path):
    server, study = empty_served, empty_served.study
    context, page, watch = open_context(chromium, server, accept_downloads=True)
    try:
        # 1. the study page: upload the transcript
        interview = tmp_path / "C01_interview.txt"
        interview.write_text(INTERVIEW, encoding="utf-8")
        page.goto(server.url + "/")
        page.wait_for_selector("body[data-ready='1']")
        page.set_input_files("#upload input[name=file]", str(interview))
        page.fill("#upload input[name=participant]", "C01")
        page.click("#upload button[type=submit]")
        page.wait_for_selector("#upload-results li:has-text('imported (')", timeout=30000)
        assert page.locator("#upload-results li.error").count() == 0
        sources = study.sources()
        assert list(sources.name) == ["C01_interview.txt"] and list(sources.participants) == ["C01"]
        sid = int(sources.iloc[0].id)

        # 2. the transcript: code selected words with two new initial codes
        page.goto(f"{server.url}/sources/{sid}")
        page.wait_for_selector("body[data-ready='1']")
        code_as_new(page, "the judge watches everything", "being watched by the court", "initial")
        code_as_new(page, "counting the days", "counting the days", "initial")
        codings = study.codings().set_index("code")
        assert codings.loc["being watched by the court", "quote"] == "the judge watches everything"
        assert codings.loc["counting the days", "quote"] == "counting the days"
        assert set(codings.coder) == {"lena"}

        # 3. the codebook: a category, and both initial codes placed under it
        page.goto(server.url + "/codes")
        page.wait_for_selector("body[data-ready='1']")
        page.fill("form[action='/api/codes'] input[name=name]", "Living in the court's shadow")
        page.select_option("form[action='/api/codes'] select[name=stage]", "category")
        page.click("form[action='/api/codes'] button[type=submit]")
        page.wait_for_function('() => document.body.textContent.includes("Living in the court\'s shadow")')
        codes = study.codes().set_index("name")
        category = int(codes.loc["Living in the court's shadow", "id"])
        for name in ("being watched by the court", "counting the days"):
            code_id = int(study.codes().set_index("name").loc[name, "id"])
            page.goto(f"{server.url}/codes/{code_id}")
            page.wait_for_selector("body[data-ready='1']")
            page.select_option(f"form[action='/api/codes/{code_id}/move'] select[name=parent]", str(category))
            page.click(f"form[action='/api/codes/{code_id}/move'] button[type=submit]")
            until(lambda name=name: study.codes().set_index("name").loc[name, "parent_id"] is not pd.NA)
            page.wait_for_load_state("load")  # the form reloads its page
        codes = study.codes().set_index("name")
        assert codes.loc["being watched by the court", "parent_id"] == category
        assert codes.loc["counting the days", "parent_id"] == category

        # 4. a memo
        page.goto(server.url + "/memos/new")
        page.wait_for_selector("body[data-ready='1']")
        page.fill("#memo-editor input[name=title]", "Surveillance before trust")
        page.fill("#memo-editor textarea[name=body]", "The court is in the room before the counselor is.")
        page.click("#memo-editor button[type=submit]")
        page.wait_for_function("() => location.pathname.match(/^\\/memos\\/\\d+$/)", timeout=10000)
        memo = study.memos().set_index("title").loc["Surveillance before trust"]
        assert "The court is in the room" in memo.body

        # 5. the model: the category as the core
        page.goto(server.url + "/model")
        page.wait_for_selector("body[data-ready='1']")
        page.select_option("form[action='/api/model/place'] select[name=code]", str(category))
        page.select_option("form[action='/api/model/place'] select[name=role]", "core")
        page.click("form[action='/api/model/place'] button[type=submit]")
        page.wait_for_function("() => document.querySelector('svg, img[src*=\"model\"]') !== null")
        page.wait_for_function("() => document.body.textContent.includes('core')")
        until(lambda: study.model().core_category_id is not None)
        model = study.model()
        assert model.category(model.core_category_id).name == "Living in the court's shadow"

        # 6. the report, downloaded from the Out page
        page.goto(server.url + "/out")
        page.wait_for_selector("body[data-ready='1']")
        with page.expect_download(timeout=60000) as download:
            page.click("a[href='/out/html']")
        report = tmp_path / "report.html"
        download.value.save_as(report)
        html = report.read_text(encoding="utf-8")
        assert "the judge watches everything" in html
        assert "Living in the court" in html and "Surveillance before trust" in html
    finally:
        context.close()
    assert watch.offsite == [] and watch.errors == []
    # every step was lena's, one audited action each (downloading the report changes nothing)
    trail = study.audit()
    assert set(trail.actor) == {"lena"}
    assert list(trail.action) == [
        "create project",
        "import source",
        "code",  # a new code and its coding: one action
        "code",
        "add code",
        "move code",
        "move code",
        "write memo",
        "place category",
    ]
