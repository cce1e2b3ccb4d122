"""The workbench's de-identification review: findings in their words' context, decided by forms
(CSRF as every write), retyped, everything escaped; what is still to de-identify."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi")
from tests.integration.test_web_app import client, web_study  # noqa: F401  (fixtures)


def test_review_page_lists_findings_in_context_and_decides_them(client, web_study):  # noqa: F811
    web_study.deid_add_term("deny", "Maria", "person")
    web_study.deid_scan(use_model=False)
    html = client.get("/deid", headers={"Accept": "text/html"}).text
    assert "Not yet de-identified" in html and "<mark>Maria</mark>" in html
    assert "<script>alert" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)
    found = client.get("/api/deid?status=pending").json()["findings"]
    maria = [f["id"] for f in found if f["text"] == "Maria"]
    assert maria
    token = client.headers["X-CSRF-Token"]
    response = client.post(
        "/api/deid/decide",
        data={"csrf": token, "finding": str(maria[0]), "decision": "accept"},
        headers={"X-CSRF-Token": "", "Accept": "text/html"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert (
        client.post("/api/deid/decide", json={"finding": maria[1:], "decision": "reject"}).json()["decided"]
        == len(maria) - 1
    )
    assert (
        client.post("/api/deid/decide", json={"finding": [maria[0]], "decision": "retype", "type": "place"}).status_code
        == 200
    )
    statuses = {f["id"]: (f["status"], f["type"]) for f in web_study.deid_findings()}
    assert statuses[maria[0]] == ("accepted", "place")


def test_a_decision_without_the_token_or_with_a_bad_id_is_refused_in_one_sentence(client, web_study):  # noqa: F811
    response = client.post("/api/deid/decide", json={"finding": ["x"], "decision": "accept"})
    assert response.status_code == 422
    assert response.json()["error"] == "The field 'finding' has an unusable value 'x'."
    response = client.post(
        "/api/deid/decide", json={"finding": [1], "decision": "accept"}, headers={"X-CSRF-Token": ""}
    )
    assert response.status_code == 403
