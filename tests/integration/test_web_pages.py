"""Study, codebook, compare, memos and history pages and their JSON API, in-process."""

from __future__ import annotations

import io

import pytest

pytest.importorskip("fastapi")

from tests.integration.test_web_app import PAYLOAD, client, source_id, web_study  # noqa: F401,E402


def code_id(study, name: str) -> int:
    return int(study.codes().set_index("name").loc[name, "id"])


def test_study_lists_sources_participants_coded_share_and_activity(client, web_study):
    data = client.get("/api/study").json()
    source = data["sources"][0]
    assert source["participant"] == "P01" and source["group"] == "client" and source["codings"] == 3
    assert 0 < source["coded_share"] < 0.2
    assert data["participants"][0]["age"] == "34"
    assert data["recent"][0]["summary"].startswith("wrote memo")
    html = client.get("/", headers={"Accept": "text/html"}).text
    assert "P01" in html and "<meter" in html


def test_upload_imports_a_transcript_and_names_a_corrupt_docx_in_one_sentence(client, web_study):
    good = ("interview_02.txt", io.BytesIO(b"Interviewer: Hello?\nP02: I was scared of the judge.\n"), "text/plain")
    bad = ("broken.docx", io.BytesIO(b"this is not a zip file at all"), "application/octet-stream")
    response = client.post("/api/sources", files=[("file", good), ("file", bad)], data={"participant": "P02"})
    assert response.status_code == 201
    ok, refused = response.json()["results"]
    assert ok["imported"] and ok["name"] == "interview_02.txt"
    assert not refused["imported"]
    assert refused["error"].startswith("broken.docx")
    assert "\n" not in refused["error"] and "Traceback" not in refused["error"]
    assert len(web_study.sources()) == 2


def test_an_upload_with_no_file_is_one_sentence(client):
    response = client.post("/api/sources", data={"participant": "P02"})
    assert response.status_code == 422
    assert response.json()["error"] == "Choose a file to import."


def test_codebook_tree_rolls_counts_up_and_searches(client, web_study):
    client.post(f"/api/codes/{code_id(web_study, 'relief')}/move", json={"parent": code_id(web_study, "serving time")})
    tree = client.get("/api/codes").json()
    serving = tree["stages"]["focused"][0]
    assert serving["name"] == "serving time" and serving["codings"] == 1 and serving["total"] == 3
    found = client.get("/api/codes?q=relie").json()["stages"]
    assert [c["name"] for c in found["focused"]] == ["serving time"]  # kept as the parent of a match
    assert found["initial"] == []
    css = client.get("/codes.css").text
    assert f".c{code_id(web_study, 'relief')}{{background:#" in css


def test_codebook_changes_rename_define_promote_merge_split_and_lineage(client, web_study):
    relief, fear = code_id(web_study, "relief"), code_id(web_study, f"fear {PAYLOAD}")
    assert client.post(f"/api/codes/{relief}/rename", json={"name": "easing"}).status_code == 200
    client.post(f"/api/codes/{relief}/define", json={"definition": "Feeling the pressure let go."})
    client.post(f"/api/codes/{relief}/promote", json={"stage": "focused"})
    client.post(f"/api/codes/{relief}/merge", json={"codes": [fear]})
    codes = web_study.codes().set_index("id")
    assert codes.loc[relief, "name"] == "easing" and codes.loc[relief, "stage"] == "focused"
    assert fear not in codes.index
    lineage = client.get(f"/api/codes/{relief}/lineage").json()["lineage"]
    assert {row["how"] for row in lineage} >= {"renamed", "promoted", "merged"}
    codings = [int(c) for c in web_study.codings(code=relief).id][:1]
    response = client.post(f"/api/codes/{relief}/split", json={"codings": codings, "name": "easing, partly"})
    assert response.status_code == 200
    assert "easing, partly" in set(web_study.codes().name)
    page = client.get(f"/codes/{relief}", headers={"Accept": "text/html"}).text
    assert "Lineage" in page and "renamed" in page


def test_moving_a_code_inside_itself_is_one_sentence(client, web_study):
    serving, relief = code_id(web_study, "serving time"), code_id(web_study, "relief")
    client.post(f"/api/codes/{relief}/move", json={"parent": serving})
    response = client.post(f"/api/codes/{serving}/move", json={"parent": relief})
    assert response.status_code == 422
    assert response.json()["error"] == "'serving time' cannot go inside itself or one of its own sub-codes."
    assert client.post(f"/api/codes/{relief}/fly", json={}).status_code == 404


def test_snapshots_and_their_diff(client, web_study):
    assert client.post("/api/snapshots", json={"name": "before"}).status_code == 201
    client.post(f"/api/codes/{code_id(web_study, 'relief')}/rename", json={"name": "easing"})
    diff = client.get("/api/snapshots/diff?before=before").json()
    assert diff["renamed"] == [["relief", "easing"]]
    page = client.get("/codes?before=before", headers={"Accept": "text/html"}).text
    assert "relief → easing" in page


def test_compare_lists_a_codes_passages_with_descendants_and_filters(client, web_study):
    serving, relief = code_id(web_study, "serving time"), code_id(web_study, "relief")
    client.post(f"/api/codes/{relief}/move", json={"parent": serving})
    passages = client.get(f"/api/compare?code={serving}").json()["passages"]
    assert sorted(p["quote"] for p in passages) == ["doing my time", "so relieved", "\U0001f600 so relieved"]
    assert passages[0]["participant"] == "P01" and passages[0]["attributes"]["age"] == "34"
    assert [p["quote"] for p in client.get(f"/api/compare?code={serving}&coder=lena").json()["passages"]] == [
        "so relieved"
    ]
    assert client.get(f"/api/compare?code={serving}&group=counselor").json()["passages"] == []
    assert len(client.get(f"/api/compare?code={serving}&attribute=age&value=34").json()["passages"]) == 3
    page = client.get(f"/compare?code={relief}&code2={serving}&context=10", headers={"Accept": "text/html"}).text
    assert page.count('class="compare-col"') == 2
    wide = client.get(f"/api/codings/{passages[0]['id']}/context?chars=1000").json()
    assert wide["before"].startswith("Interviewer: How did")


def test_compare_of_an_unknown_code_is_one_sentence(client):
    response = client.get("/api/compare?code=999")
    assert response.status_code == 404
    assert response.json()["error"].startswith("There is no code with id 999")


def test_memos_list_write_edit_link_and_preview_safely(client, web_study):
    sid = source_id(web_study)
    response = client.post(
        "/api/memos", json={"title": "Turn 2", "type": "reflexive", "body": "> I felt\n\nMy *note*", "sources": [sid]}
    )
    memo_id = response.json()["id"]
    memo = client.get(f"/api/memos/{memo_id}").json()
    assert memo["type"] == "reflexive" and memo["links"] == [
        {"kind": "source", "id": sid, "name": memo["links"][0]["name"]}
    ]
    assert "<em>note</em>" in memo["html"]
    client.post(f"/api/memos/{memo_id}", json={"body": "Rewritten", "codes": [code_id(web_study, "relief")]})
    memo = web_study.memo(memo_id)
    assert memo["body"] == "Rewritten" and {link["kind"] for link in memo["links"]} == {"source", "code"}
    listed = client.get("/api/memos?type=reflexive").json()["memos"]
    assert [m["id"] for m in listed] == [memo_id]
    html = client.post("/api/markdown", json={"body": f"Hi {PAYLOAD} [x](javascript:alert(1))"}).json()["html"]
    assert "<script>" not in html and "<img" not in html and 'href="javascript' not in html
    page = client.get("/memos/1", headers={"Accept": "text/html"}).text
    assert "<em>punishment</em>" in page and "<script>alert" not in page


def test_a_memo_needs_a_title(client):
    response = client.post("/api/memos", json={"title": "", "body": "x"})
    assert response.status_code == 422
    assert response.json()["error"] == "The field 'title' is missing."


def test_history_filters_and_undo_of_the_last_action(client, web_study):
    client.post("/api/codes", json={"name": "trust"})
    events = client.get("/api/history?action=add code").json()["events"]
    assert {e["action"] for e in events} == {"add code"}
    assert client.get("/api/history?actor=nobody").json()["events"] == []
    undone = client.post("/api/undo").json()["undone"]
    assert "added code 'trust'" in undone
    assert "trust" not in set(web_study.codes().name)
    assert "undo" in client.get("/history", headers={"Accept": "text/html"}).text


def test_upload_of_an_attribute_sheet_and_of_a_codebook(client, web_study, tmp_path):
    sheet = ("people.csv", io.BytesIO(b"participant,group,age\nP01,client,35\nP09,counselor,50\n"), "text/csv")
    response = client.post("/api/sources", files=[("file", sheet)], data={"what": "attributes"})
    assert response.json()["results"][0]["said"] == "attributes of 2 participants"
    people = web_study.participants().set_index("participant")
    assert people.loc["P09", "group"] == "counselor" and str(people.loc["P01", "age"]) == "35"
    web_study.export_refi(tmp_path / "book.qdc", fmt="qdc")
    response = client.post(
        "/api/sources",
        data={"what": "refi"},
        files=[("file", ("book.qdc", (tmp_path / "book.qdc").read_bytes(), "application/xml"))],
    )
    assert response.status_code == 201, response.text
    wrong = client.post("/api/sources", data={"what": "photos"}, files=[("file", ("a.txt", b"x", "text/plain"))])
    assert wrong.status_code == 422 and wrong.json()["error"].startswith("'photos' is not something to import")


def test_the_study_title_and_question_change(client, web_study):
    assert client.post("/api/study", json={"title": "Alliance", "research_question": "How?"}).status_code == 200
    assert web_study.study["title"] == "Alliance" and web_study.study["research_question"] == "How?"
    assert "Alliance" in client.get("/memos", headers={"Accept": "text/html"}).text
    assert client.post("/api/study", json={"title": " "}).json()["error"] == "A study needs a title."
