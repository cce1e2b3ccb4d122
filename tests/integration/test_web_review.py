"""Correcting a transcript's words in the browser and reviewing the codings the correction flagged;
and a plain (no script) upload form carrying its CSRF token as a multipart field."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from tests.integration.test_web_app import PAYLOAD, client, source_id, web_study  # noqa: F401  (fixtures)
from theorize.web.people import Person


def _html(client, url):  # noqa: F811
    return client.get(url, headers={"Accept": "text/html"}).text


def test_editing_the_text_keeps_codings_on_their_words_and_lists_the_flagged(client, web_study):  # noqa: F811
    sid = source_id(web_study)
    old = web_study.text(sid)
    page = _html(client, f"/sources/{sid}/edit")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page  # the payload in the words is shown, as text
    # the browser sends a textarea's lines ended by CRLF; this transcript's are CRLF already
    new = old.replace("so relieved", "so very relieved").replace("doing my time", "doing time")
    sent = new.replace("\r\n", "\n").replace("\n", "\r\n")
    response = client.post(f"/api/sources/{sid}/text", json={"text": sent, "version": 1, "reason": "typo"})
    assert response.status_code == 200, response.text
    assert response.json()["version"] == 2 and response.json()["changed"] >= 1
    assert web_study.text(sid) == new
    relief = web_study.codings(sid).set_index("code").loc["relief"].iloc[0]
    assert web_study.text(sid)[relief.start : relief.end].endswith("relieved")
    flagged = client.get("/api/review").json()["flagged"]
    serving = [f for f in flagged if f["code"] == "serving time"]
    assert serving and serving[0]["quote"] == "doing time"
    assert "its words changed" in _html(client, "/review")
    stale = client.post(f"/api/sources/{sid}/text", json={"text": new + "x", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["error"].startswith("The transcript was changed since this page was opened")
    # confirm one as it is; adjust another to other characters
    assert client.post(f"/api/codings/{serving[0]['id']}/review", json={}).status_code == 200
    others = [f for f in client.get("/api/review").json()["flagged"]]
    if others:
        f = others[0]
        client.post(f"/api/codings/{f['id']}/review", json={"start": f["start"], "end": f["end"] - 1})
        assert web_study.coding(f["id"])["end"] == f["end"] - 1
    assert all(f["id"] != serving[0]["id"] for f in client.get("/api/review").json()["flagged"])


def test_saving_the_same_text_says_so(client, web_study):  # noqa: F811
    sid = source_id(web_study)
    response = client.post(f"/api/sources/{sid}/text", json={"text": web_study.text(sid)})
    assert response.status_code == 422
    assert "is the same as the current one; nothing to save." in response.json()["error"]


def test_a_viewer_may_not_edit_or_review_and_a_coder_may_not_edit(client, web_study):  # noqa: F811
    sid = source_id(web_study)
    client.app.state.person = Person("vera", "viewer")
    assert client.post(f"/api/sources/{sid}/text", json={"text": "x"}).status_code == 403
    assert client.post("/api/codings/1/review", json={}).status_code == 403
    assert "may read this transcript but not correct its words" in _html(client, f"/sources/{sid}/edit")
    client.app.state.person = Person("cody", "coder")
    assert (
        client.post(f"/api/sources/{sid}/text", json={"text": "x"}).json()["error"] == "cody (coder) may not do this."
    )


def test_writes_without_the_token_are_refused(client, web_study):  # noqa: F811
    sid = source_id(web_study)
    for url in [f"/api/sources/{sid}/text", "/api/codings/1/review"]:
        assert client.post(url, json={"text": "x"}, headers={"X-CSRF-Token": ""}).status_code == 403, url


def test_a_plain_upload_form_carries_its_token_as_a_field(client, web_study):  # noqa: F811
    html = _html(client, "/")
    assert 'enctype="multipart/form-data">\n    <input type="hidden" name="csrf"' in html
    token = client.headers["X-CSRF-Token"]
    files = {"file": ("second.txt", b"Interviewer: Hello?\n\nMaria: Hello again.\n", "text/plain")}
    response = client.post(
        "/api/sources", data={"csrf": token, "what": "transcript"}, files=files, headers={"X-CSRF-Token": ""}
    )
    assert response.status_code == 201, response.text
    assert "second.txt" in set(web_study.sources().name)
    wrong = client.post(
        "/api/sources", data={"csrf": "forged", "what": "transcript"}, files=files, headers={"X-CSRF-Token": ""}
    )
    assert wrong.status_code == 403
    page = client.post(
        "/api/sources",
        data={"csrf": token, "what": "transcript"},
        headers={"X-CSRF-Token": "", "Accept": "text/html"},
        files={"file": ("third.txt", b"Maria: Once more.\n", "text/plain")},
    )
    assert page.status_code == 201 and "third.txt: imported" in page.text  # a page for the plain form
    missing = client.post("/api/sources", data={"what": "transcript"}, files=files, headers={"X-CSRF-Token": ""})
    assert missing.status_code == 403


def test_the_token_field_is_read_from_a_multipart_body():
    from theorize.web.security import multipart_field

    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="csrf"\r\n\r\nnot it\r\n'
        b'--XyZ\r\nContent-Disposition: form-data; name="csrf"\r\n\r\ntok-123\r\n--XyZ--\r\n'
    )
    assert multipart_field(body, "multipart/form-data; boundary=XyZ", "csrf") == "tok-123"
    assert multipart_field(body, 'multipart/form-data; boundary="XyZ"', "csrf") == "tok-123"
    assert multipart_field(body, "multipart/form-data", "csrf") is None
    assert multipart_field(body, "multipart/form-data; boundary=XyZ", "other") is None
    assert PAYLOAD  # the fixtures' payloads are the ones the pages above escape


def test_an_empty_text_and_an_unflagged_coding_are_refused_in_one_sentence(client, web_study):  # noqa: F811
    sid = source_id(web_study)
    empty = client.post(f"/api/sources/{sid}/text", json={"text": "  \n"})
    assert empty.status_code == 422
    assert empty.json()["error"] == (
        "The corrected text is empty; a transcript keeps at least some words (delete the source instead)."
    )
    coding = int(web_study.codings().iloc[0].id)
    response = client.post(f"/api/codings/{coding}/review", json={})
    assert response.status_code == 422
    assert response.json()["error"] == f"Coding {coding} is not waiting for review."
