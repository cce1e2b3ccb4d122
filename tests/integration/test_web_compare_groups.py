"""The workbench's group comparison: one category's properties, dimension values and quotes by
group, as a page and as JSON; an unknown category in one sentence."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

import theorize
from tests.helpers import transcript
from theorize.web.app import create_app

CATEGORY = "Living in the court's shadow"


@pytest.fixture
def client(tmp_path):
    study = theorize.create_project(tmp_path / "web.theorize", title="Compare", user="lena")
    study.add_code(CATEGORY, stage="category")
    study.add_code("fearing the judge", stage="focused", parent=CATEGORY)
    study.describe_category(CATEGORY, dimensions=["perceived surveillance: total .. bounded"])
    for pid, group, value in (("C01", "client", "total"), ("K01", "counselor", "bounded")):
        study.import_parsed(
            transcript(pid, [("Interviewer", f"Tell me, {pid}."), ("Participant", "The judge scared me.")]),
            participant=pid,
            group=group,
        )
        cid = study.code(pid, "fearing the judge", quote="judge scared me")
        study.set_property_value(int(cid), "perceived surveillance", value)
    app = create_app({"project": study.location, "user": "lena"}, study=study)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        c.get("/")
        yield c, study.code_id(CATEGORY)
    study.close()


def test_compare_groups_page_and_json(client):
    c, category = client
    data = c.get("/api/compare/groups", params={"category": category}).json()
    assert data["groups"] == ["client", "counselor"]
    assert (
        data["properties"][0]["client"] == "total \u00d71" and data["properties"][0]["counselor"] == "bounded \u00d71"
    )
    assert [q["participant"] for q in data["quotes"]] == ["C01", "K01"]
    page = c.get("/compare/groups", params={"category": category}, headers={"Accept": "text/html"}).text
    assert "perceived surveillance: total .. bounded" in page and "bounded \u00d71" in page
    assert "judge scared me" in page
    empty = c.get("/compare/groups", headers={"Accept": "text/html"}).text
    assert "Choose a category" in empty


def test_an_unknown_category_is_refused_in_one_sentence(client):
    c, _ = client
    response = c.get("/api/compare/groups", params={"category": 999}, headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert "There is no code with id 999 in this project." in response.text


def test_the_json_asks_for_the_category_in_one_sentence(client):
    c, _ = client
    response = c.get("/api/compare/groups", headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"] == "Name the category to compare: /api/compare/groups?category=ID."
