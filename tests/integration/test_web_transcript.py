"""The transcript page and its API: rows, stripes, coding by the browser's UTF-16 offsets,
in-vivo codes, removing a coding."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")

from tests.integration.test_web_app import PAYLOAD, client, source_id, web_study  # noqa: F401,E402
from theorize.web.offsets import from_dom, to_dom  # noqa: E402


def _row_of(data, index):
    for turn in data["turns"]:
        for row in turn["rows"]:
            if row["start"] <= index < row["end"]:
                return row
    raise AssertionError(index)


def _selection(text, data, words):
    """What the browser sends for selecting ``words``: row bounds and UTF-16 offsets in the rows."""
    start = text.index(words)
    end = start + len(words)
    a, b = _row_of(data, start), _row_of(data, end - 1)
    return {
        "first_start": a["start"],
        "first_end": a["end"],
        "first_offset": to_dom(text, a["start"], start),
        "last_start": b["start"],
        "last_end": b["end"],
        "last_offset": to_dom(text, b["start"], end),
        "version": data["version"],
    }


def test_the_page_shows_turns_speakers_times_numbered_rows_and_stripes(client, web_study):
    sid = source_id(web_study)
    html = client.get(f"/sources/{sid}", headers={"Accept": "text/html"}).text
    assert 'class="speaker">Maria<' in html and "<time>1:15</time>" in html
    assert 'id="u1"' in html and 'class="n" aria-hidden="true">1<' in html
    assert html.count('class="s l') >= 3  # three codings, two of them overlapping
    assert 'class="s l0' in html and 'class="s l1' in html


def test_the_api_gives_rows_and_codings_with_lanes(client, web_study):
    data = client.get(f"/api/sources/{source_id(web_study)}").json()
    assert [t["speaker"] for t in data["turns"]] == ["Interviewer", "Maria", "Interviewer", "Maria"]
    lanes = sorted(c["lane"] for c in data["codings"] if c["code"] == "relief")
    assert lanes == [0, 1]
    assert data["coders"] == ["lena", "sam"]
    serving = next(c for c in data["codings"] if c["code"] == "serving time")
    assert serving["memos"][0]["title"].startswith("On time")


@pytest.mark.parametrize(
    "words",
    [
        "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd",
        "\U0001f600 so",
        "cafe\u0301 was",
        "said\r\nI was doing",
        "cried \U0001f62d a lot",
    ],
)
def test_coding_the_browsers_selection_stores_exactly_those_words(client, web_study, words):
    sid = source_id(web_study)
    text = web_study.text(sid)
    data = client.get(f"/api/sources/{sid}").json()
    code_id = int(web_study.codes().set_index("name").loc["relief", "id"])
    response = client.post(f"/api/sources/{sid}/codings", json={**_selection(text, data, words), "code_id": code_id})
    assert response.status_code == 201, response.text
    coding = web_study.coding(response.json()["id"])
    assert coding["quote"] == words
    assert coding["coder"] == "lena"


def test_a_selection_with_spaces_at_its_edges_codes_the_words(client, web_study):
    sid = source_id(web_study)
    text = web_study.text(sid)
    data = client.get(f"/api/sources/{sid}").json()
    body = {**_selection(text, data, " so relieved, "), "new_code": "easing", "stage": "focused"}
    response = client.post(f"/api/sources/{sid}/codings", json=body)
    assert response.status_code == 201
    assert web_study.coding(response.json()["id"])["quote"] == "so relieved,"
    assert web_study.codes().set_index("name").loc["easing", "stage"] == "focused"
    assert web_study.audit().iloc[-1].action == "code"  # a new code and its coding: one action
    web_study.undo()
    assert "easing" not in set(web_study.codes().name)


def test_in_vivo_names_the_code_by_the_words(client, web_study):
    sid = source_id(web_study)
    text = web_study.text(sid)
    data = client.get(f"/api/sources/{sid}").json()
    response = client.post(f"/api/sources/{sid}/in-vivo", json=_selection(text, data, "doing my time"))
    assert response.status_code == 201
    assert response.json()["code"] == "\u201cdoing my time\u201d"


def test_a_stale_page_codes_the_same_words_after_a_correction_or_is_refused_in_one_sentence(client, web_study):
    sid = source_id(web_study)
    text = web_study.text(sid)
    data = client.get(f"/api/sources/{sid}").json()
    web_study.edit_text(sid, text.replace("first week", "first weeks").replace("so relieved", "so very relieved"))
    kept = client.post(f"/api/sources/{sid}/codings", json={**_selection(text, data, "was open"), "code_id": 1})
    assert kept.status_code == 201
    assert web_study.text(sid)[kept.json()["start"] : kept.json()["end"]] == "was open"  # moved by 6
    body = {**_selection(text, data, "so relieved"), "code_id": 1}
    response = client.post(f"/api/sources/{sid}/codings", json=body)
    assert response.status_code == 409
    assert response.json()["error"].startswith("The words you selected in ")


def test_an_empty_selection_is_refused(client, web_study):
    sid = source_id(web_study)
    data = client.get(f"/api/sources/{sid}").json()
    row = data["turns"][1]["rows"][0]
    body = {
        "first_start": row["start"],
        "first_end": row["end"],
        "first_offset": 3,
        "last_start": row["start"],
        "last_end": row["end"],
        "last_offset": 3,
        "code_id": 1,
    }
    response = client.post(f"/api/sources/{sid}/codings", json=body)
    assert response.status_code == 422
    assert response.json()["error"] == "Select some words first: the selection is empty."


def test_removing_a_coding_and_reading_one(client, web_study):
    cid = int(web_study.codings().iloc[0].id)
    assert client.get(f"/api/codings/{cid}").json()["code"] == "relief"
    assert client.delete(f"/api/codings/{cid}").status_code == 200
    assert cid not in set(web_study.codings().id)


def test_units_switch_to_lines_and_coders_can_be_hidden(client, web_study):
    sid = source_id(web_study)
    data = client.get(f"/api/sources/{sid}?unit=line").json()
    maria = data["turns"][3]["rows"]
    assert len(maria) == 3  # three lines in the last turn
    hidden = client.get(f"/api/sources/{sid}/codings?hide=sam").json()["codings"]
    assert {c["coder"] for c in hidden} == {"lena"}


@pytest.mark.parametrize(
    "text,start", [("ab\U0001f600cd", 0), ("x\r\ny\u0301z", 0), ("\u05e9\u05dc\u05d5\u05dd ok", 1)]
)
def test_offsets_round_trip_through_the_browsers_units(text, start):
    for index in range(start, len(text) + 1):
        if index and text[index - 1] == "\r" and index < len(text) and text[index] == "\n":
            continue  # inside a CRLF: the browser cannot point there
        assert from_dom(text, start, len(text), to_dom(text, start, index)) == index


def test_a_stale_page_is_carried_over_or_refused_for_code_point_spans_too(client, web_study):
    sid = source_id(web_study)
    old = web_study.text(sid)
    web_study.edit_text(sid, old.replace("first week", "first weeks"))
    a = old.index("first week")
    response = client.post(f"/api/sources/{sid}/codings", json={"start": a, "end": a + 10, "code_id": 1, "version": 1})
    assert response.status_code == 409
    b = old.index("so relieved")
    carried = client.post(f"/api/sources/{sid}/codings", json={"start": b, "end": b + 11, "code_id": 1, "version": 1})
    assert carried.status_code == 201 and carried.json()["start"] == b + 1
    ok = client.post(f"/api/sources/{sid}/codings", json={"start": 0, "end": 5, "code_id": 1, "version": 2})
    assert ok.status_code == 201 and ok.json()["colour"].startswith("#")
