"""The workbench in a real Chromium: keyboard-only coding of exact words, in-vivo codes, merging,
memos on a turn, compare, undo, disagreements, uploads; axe-core on every page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


def open_transcript(page, study) -> int:
    sid = int(study.sources().iloc[0].id)
    page.goto(f"{page.base}/sources/{sid}")
    page.wait_for_selector("body[data-ready='1']")
    return sid


def keys(page, *presses: str) -> None:
    for key in presses:
        page.keyboard.press(key)


def code_with_keys(page, code: str) -> None:
    page.keyboard.press("c")
    page.wait_for_selector("#picker[open]")
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def test_keyboard_only_coding_stores_exactly_the_selected_words(page, served):
    study = served.study
    open_transcript(page, study)
    before = len(study.codings())
    keys(page, "j", "j", "w", "w", *["]"] * 6)  # row 2; after "felt"; six words on
    assert (
        page.evaluate("getSelection().toString()")
        == " \U0001f600 so relieved, \u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd"
    )
    code_with_keys(page, "relief")
    page.wait_for_function(f"() => document.querySelectorAll('.s').length > {before}")
    page.wait_for_function("() => document.getElementById('toast').textContent.startsWith('Coded')")
    codings = study.codings()
    assert len(codings) == before + 1
    newest = codings.sort_values("id").iloc[-1]
    assert newest.quote == "\U0001f600 so relieved, \u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd"
    assert newest.code == "relief" and newest.coder == "lena"


def test_a_new_code_at_a_chosen_stage_from_the_picker(page, served):
    study = served.study
    open_transcript(page, study)
    keys(page, "j", "j", "j", "j", "j", "w", "]", "]")  # row 5: "The judge said"
    page.keyboard.press("c")
    page.wait_for_selector("#picker[open]")
    page.select_option("#picker-stage", "focused")
    page.focus("#picker-input")
    page.keyboard.type("judged by others")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('toast').textContent.startsWith('Coded')")
    codes = study.codes().set_index("name")
    assert codes.loc["judged by others", "stage"] == "focused"
    assert study.codings(code="judged by others").iloc[0].quote == "judge said"


def test_in_vivo_with_one_key(page, served):
    study = served.study
    open_transcript(page, study)
    keys(page, "j", "j", "j", "j", "j", "j", "w", "w", "w", "]", "]", "]")  # row 6: after "I cried 😭"
    page.keyboard.press("v")
    page.wait_for_function("() => document.getElementById('toast').textContent.startsWith('In-vivo')")
    assert "\u201ca lot\u201d" in set(study.codes().name)


def test_undo_restores_what_the_last_action_changed(page, served):
    study = served.study
    open_transcript(page, study)
    before = sorted(study.codings().id)
    keys(page, "j", "s", "1")  # no recent code yet: nothing happens
    code_with_keys(page, "serving")
    page.wait_for_function("() => document.getElementById('toast').textContent.startsWith('Coded')")
    assert len(study.codings()) == len(before) + 1
    page.keyboard.press("u")
    page.wait_for_function("() => document.getElementById('toast').textContent.startsWith('undid')")
    assert sorted(study.codings().id) == before


def test_a_memo_on_a_turn(page, served):
    study = served.study
    sid = open_transcript(page, study)
    keys(page, "J", "J", "m")  # the second turn, Maria's
    page.wait_for_selector("#memo-form:not([hidden])")
    assert page.input_value("#memo-form [name=title]") == "Turn 2"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("Relief as the first sign of trust.")
    page.click("#memo-form button[type=submit]")
    page.wait_for_function("() => document.getElementById('toast').textContent.includes('saved')")
    memo = study.memos().iloc[-1]
    assert memo.title == "Turn 2" and "Relief as the first sign of trust." in memo.body
    assert "\U0001f600 so relieved" in memo.body
    assert memo.sources == [study.sources().set_index("id").loc[sid, "name"]]


def test_merge_two_codes(page, served):
    study = served.study
    codes = study.codes().set_index("name")
    target, merged = int(codes.loc["relief", "id"]), int(codes.loc["fear of jail", "id"])
    page.goto(f"{page.base}/codes/{target}")
    page.wait_for_selector("body[data-ready='1']")
    page.select_option("form[action$='/merge'] select[name=codes]", [str(merged)])
    page.click("form[action$='/merge'] button")
    page.wait_for_load_state("load")
    page.wait_for_function(f'() => !document.querySelector(\'form[action$="/merge"] option[value="{merged}"]\')')
    assert "fear of jail" not in set(study.codes().name)
    assert len(study.codings(code=target)) == 2


def test_compare_lists_the_passages_of_a_code_and_its_descendants(page, served):
    study = served.study
    codes = study.codes().set_index("name")
    study.move_code("relief", "serving time")
    page.goto(f"{page.base}/compare?code={int(codes.loc['serving time', 'id'])}")
    page.wait_for_selector("body[data-ready='1']")
    shown = sorted(page.locator(".passage mark").all_inner_texts())
    assert shown == sorted(p["quote"] for p in study.passages("serving time"))
    assert shown == ["doing my time", "so relieved"]
    page.click("[data-widen]")
    page.wait_for_function("() => document.querySelector('.passage .before').textContent.includes('How did the first')")


def test_a_disagreement_opens_both_coders_spans(page, served):
    page.goto(f"{page.base}/analyses?part=agreement")
    page.wait_for_selector("body[data-ready='1']")
    page.click("ol.disagreements li:has-text('doing my time') a")
    page.wait_for_selector(".coder-spans")
    coders = page.locator(".coder-spans h2").all_inner_texts()
    assert sorted(coders) == ["lena", "sam"]
    assert page.locator(".coder-spans mark").count() >= 2


def test_a_corrupt_docx_upload_shows_its_sentence(page, served, tmp_path):
    bad = tmp_path / "interview_07.docx"
    bad.write_bytes(b"PK\x03\x04 this is not really a word file")
    page.goto(f"{page.base}/")
    page.wait_for_selector("body[data-ready='1']")
    page.set_input_files("#upload input[type=file]", str(bad))
    page.click("#upload button[type=submit]")
    item = page.locator("#upload-results li.error")
    item.wait_for()
    sentence = item.inner_text()
    assert sentence.startswith("interview_07.docx: interview_07.docx")
    assert "Traceback" not in sentence and len(served.study.sources()) == 1


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/sources/1",
        "/codes",
        "/codes/1",
        "/compare?code=1&code2=2",
        "/memos",
        "/memos/new?source=1",
        "/model",
        "/analyses",
        "/analyses?part=matrix",
        "/history",
        "/out",
    ],
)
def test_every_page_passes_axe(page, served, path):
    served.study.write_memo("A memo", "Some *text*", sources=[1])
    page.goto(f"{page.base}{path}")
    page.wait_for_load_state("load")
    assert axe_violations(page) == []


def test_no_script_from_the_transcript_runs(page, served):
    open_transcript(page, served.study)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator(".words", has_text="onerror=alert(1)").count() == 1
    assert page.locator(".words img").count() == 0


def test_drag_a_code_onto_another_nests_it(page, served):
    study = served.study
    codes = study.codes().set_index("name")
    relief, serving = int(codes.loc["relief", "id"]), int(codes.loc["serving time", "id"])
    page.goto(f"{page.base}/codes")
    page.wait_for_selector("body[data-ready='1']")
    page.drag_and_drop(f"li[data-code='{relief}'] > a", f"li[data-code='{serving}'] > a")
    page.wait_for_selector(f"li[data-code='{serving}'] li[data-code='{relief}']")
    assert int(study.codes().set_index("name").loc["relief", "parent_id"]) == serving


def test_the_memo_editor_previews_and_saves_itself(page, served):
    memo_id = served.study.write_memo("Draft", "first", type="theoretical")
    page.goto(f"{page.base}/memos/{memo_id}")
    page.wait_for_selector("body[data-ready='1']")
    page.fill("textarea[name=body]", "Trust is *earned* <img src=x onerror=alert(1)>")
    page.wait_for_selector("#preview em")
    page.wait_for_function("() => document.getElementById('autosave').textContent.startsWith('Saved')")
    assert served.study.memo(memo_id)["body"] == "Trust is *earned* <img src=x onerror=alert(1)>"
    assert page.locator("#preview img").count() == 0


def test_compare_stays_open_beside_the_transcript_and_coders_hide(page, served):
    study = served.study
    open_transcript(page, study)
    page.click(".margin .s >> nth=0")
    page.click("#detail button:has-text('compare')")
    frame = page.frame_locator("#compare-frame")
    frame.locator(".passage mark").first.wait_for()
    keys(page, "j", "j")  # reading on: the panel stays
    assert page.locator("#compare-box").is_visible()
    visible = page.locator(".margin .s:visible").count()
    page.uncheck("input[name=coder][value=sam]")
    assert page.locator(".margin .s:visible").count() < visible


def test_recent_codes_by_number(page, served):
    study = served.study
    open_transcript(page, study)
    keys(page, "j", "s")
    code_with_keys(page, "serving")
    page.wait_for_function("() => document.getElementById('toast').textContent.startsWith('Coded')")
    page.wait_for_selector("#recent li")
    keys(page, "j", "j", "j", "s", "1")
    page.wait_for_function(
        "() => document.querySelectorAll('#recent li').length === 1 && "
        "document.getElementById('toast').textContent.startsWith('Coded')"
    )
    page.wait_for_timeout(200)
    quotes = list(study.codings(code="serving time").sort_values("id").quote)
    assert quotes[-2:] == [
        "How did the first week go?",
        'Tell me <script>alert("x")</script><img src=x onerror=alert(1)> more.',
    ]
