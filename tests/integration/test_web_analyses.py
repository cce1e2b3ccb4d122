"""Model, analyses and downloads through the workbench, in-process."""

from __future__ import annotations

import io
import zipfile

import pytest

pytest.importorskip("fastapi")

from tests.integration.test_web_app import client, source_id, web_study  # noqa: F401,E402


def test_the_model_is_built_through_forms_and_drawn(client, web_study):
    web_study.add_code("accepting the program", stage="category")
    web_study.add_code("losing control", stage="category")
    cat = int(web_study.codes().set_index("name").loc["accepting the program", "id"])
    other = int(web_study.codes().set_index("name").loc["losing control", "id"])
    assert client.post("/api/model/stage", json={"name": "Entering"}).status_code == 200
    assert client.post("/api/model/place", json={"code": cat, "role": "stage", "stage": "Entering"}).status_code == 200
    client.post("/api/model/place", json={"code": other, "role": "condition"})
    client.post(
        "/api/model/describe",
        json={"code": cat, "properties": "who advocates\nhow fast", "dimensions": "trust: guarded .. open"},
    )
    assert (
        client.post("/api/model/relate", json={"source": other, "target": cat, "type": "leads to"}).status_code == 200
    )
    relation = int(web_study.relations().iloc[0].id)
    svg = client.get("/model.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and b"accepting the program" in svg.content
    png = client.get("/model.png?download=1")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n" and "attachment" in png.headers["content-disposition"]
    assert "Entering" in client.get("/model", headers={"Accept": "text/html"}).text
    model = client.get("/api/model").json()
    assert [s["name"] for s in model["stages"]] == ["Entering"]
    assert {c["name"] for c in model["categories"]} >= {"accepting the program", "losing control"}
    client.post("/api/model/unrelate", json={"relation": relation})
    assert web_study.relations().empty
    response = client.post("/api/model/place", json={"code": cat, "role": "middle"})
    assert response.status_code == 422 and response.json()["error"].startswith("'middle' is not a place in the model")


def test_agreement_lists_disagreements_that_open_both_spans_and_adjudicate(client, web_study):
    fear = int(web_study.codes().iloc[1].id)
    web_study.code(source_id(web_study), fear, quote="I was doing my time", coder="lena")
    data = client.get("/api/analyses/agreement?resamples=50").json()
    assert data["coders"] == ["lena", "sam"]
    assert "all codes" in data["table"]["rows"][-1]
    d = next(x for x in data["disagreements"] if "doing my time" in x["passage"])
    spans = client.get(f"/api/disagreement?source={d['source']}&start={d['start']}&end={d['end']}").json()["spans"]
    assert [c["quote"] for c in spans["sam"]] == ["doing my time"]
    assert [c["quote"] for c in spans["lena"]] == ["I was doing my time"]
    page = client.get(
        "/analyses/disagreement",
        params={"source": d["source"], "start": d["start"], "end": d["end"]},
        headers={"Accept": "text/html"},
    ).text
    assert "sam" in page and "Adjudicate" in page
    serving = int(web_study.codes().set_index("name").loc["serving time", "id"])
    response = client.post(
        "/api/adjudicate",
        json={
            "source": d["source"],
            "start": d["start"],
            "end": d["end"],
            "code": serving,
            "note": "Both read it as serving time.",
        },
    )
    assert response.status_code == 201
    assert web_study.memo(response.json()["memo_id"])["title"].startswith("Adjudication")


def test_analyses_with_too_little_material_say_so_in_a_sentence(client, web_study):
    sat = client.get("/api/analyses/saturation").json()
    assert "sentence" in sat or "statement" in sat
    page = client.get("/analyses?part=matrix", headers={"Accept": "text/html"})
    assert page.status_code == 200
    pairs = client.get("/api/analyses/cooccurrence").json()
    assert ["relief", "relief"] not in [p[:2] for p in pairs.get("pairs", [])]
    assert client.get("/api/analyses/nothing").status_code == 404


def test_downloads_come_from_the_library(client, web_study):
    qdc = client.get("/out/qdc")
    assert qdc.status_code == 200 and b"CodeBook" in qdc.content
    xlsx = client.get("/out/xlsx")
    assert zipfile.ZipFile(io.BytesIO(xlsx.content)).namelist()
    html = client.get("/out/html")
    assert html.status_code == 200 and b"serving time" in html.content and b"<script>alert" not in html.content
    assert client.get("/out/exe").status_code == 404
    assert "REFI-QDA" in client.get("/out", headers={"Accept": "text/html"}).text


def test_the_agreement_page_words_its_headings_and_ends_with_all_codes(client, web_study):
    fear = int(web_study.codes().iloc[1].id)
    web_study.code(source_id(web_study), fear, quote="I was doing my time", coder="lena")
    page = client.get("/analyses?part=agreement&resamples=50", headers={"Accept": "text/html"}).text
    head = page[page.index("<thead>") : page.index("</thead>")]
    assert '<th scope="col">Percent agreement</th>' in head and "Krippendorff&#39;s alpha" in head
    assert "Coded by lena" in head and "_" not in head
    rows = page[page.index("<tbody>") : page.index("</tbody>")].split("<tr>")
    assert "<td>all codes</td>" in rows[-1]


def test_the_matrix_names_its_codes_beside_their_ids(client, web_study):
    table = client.get("/api/analyses/matrix").json()["table"]
    assert table["columns"][:2] == ["code_id", "code"]
    names = web_study.codes().set_index("id")["name"]
    assert all(row[1] == names[row[0]] for row in table["rows"])
    page = client.get("/analyses?part=matrix", headers={"Accept": "text/html"}).text
    assert '<th scope="col">Code</th>' in page and "code_id" not in page
