"""Machine help in the workbench: similar passages (real MiniLM model), the machine's suggestions
accepted or rejected one by one and in bulk, focused-code proposals; roles, CSRF and escaping."""

from __future__ import annotations

import pytest

import theorize
from tests.integration.assist_study import build
from tests.integration.test_web_app import PAYLOAD

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from theorize.web import create_app
from theorize.web.people import Person


def _model_or_skip():
    from theorize.assist import registry
    from theorize.errors import BackendUnavailable

    try:
        registry.embedder("minilm").embed(["x"])
    except BackendUnavailable as exc:
        pytest.skip(f"the MiniLM model package is missing: {exc.fact}")


@pytest.fixture(scope="module")
def assist_study(tmp_path_factory):
    _model_or_skip()
    study = theorize.create_project(tmp_path_factory.mktemp("assist") / "web.theorize", title="Assist", user="lena")
    build(study)
    study.add_code(f"waiting {PAYLOAD}", stage="initial")
    study.add_code("waiting for the end", stage="initial")
    study.code("P1_interview", f"waiting {PAYLOAD}", quote="counted the days until it was over")
    study.code("P2_interview", "waiting for the end", quote="waited for the weeks to pass")
    yield study
    study.close()


def _client(study, role="owner"):
    app = create_app({"project": study.location, "user": "lena"}, study=study)
    app.state.person = Person("lena" if role == "owner" else "vera", role)
    c = TestClient(app, base_url="http://127.0.0.1")
    c.get("/")
    c.headers.update({"X-CSRF-Token": c.get("/api/session").json()["csrf"], "Accept": "application/json"})
    return c


@pytest.fixture
def client(assist_study):
    with _client(assist_study) as c:
        yield c


def test_similar_passages_to_a_selection_come_from_the_real_model(client, assist_study):
    sid = int(assist_study.sources().set_index("name").loc["P3_interview", "id"])
    text = assist_study.text(sid)
    a = text.index("I was terrified the judge")
    b = a + len("I was terrified the judge would put me in jail.")
    found = client.get(f"/api/sources/{sid}/similar", params={"start": a, "end": b, "k": 3}).json()["passages"]
    assert len(found) == 3
    assert found[0]["score"] >= found[1]["score"] >= found[2]["score"]
    assert "fearing the judge" in found[0]["codes"]
    assert {"source", "participant", "text", "score", "source_id"} <= set(found[0])
    others = client.get(
        f"/api/sources/{sid}/similar", params={"start": a, "end": b, "k": 5, "other_participants": "1", "uncoded": "1"}
    ).json()
    assert all(p["participant"] != "P3" and p["codes"] == "" for p in others["passages"])


def test_similar_passages_refuse_a_silly_count_in_one_sentence(client, assist_study):
    response = client.get("/api/sources/1/similar", params={"start": 0, "end": 5, "k": 500})
    assert response.status_code == 422
    assert response.json()["error"] == "Ask for 1 to 50 similar passages, not 500."


def test_more_like_these_leaves_out_the_codes_own_passages(client, assist_study):
    code = int(assist_study.codes().set_index("name").loc["doing my time", "id"])
    found = client.get(f"/api/codes/{code}/similar", params={"k": 4}).json()["passages"]
    assert found and all("doing my time" not in p["codes"] for p in found)
    assert any("served my time" in p["text"] for p in found)


def test_suggestions_listed_accepted_one_by_one_and_in_bulk(assist_study):
    with _client(assist_study) as client:
        response = client.post("/api/suggestions/run", json={"stage": "focused"})
        assert response.status_code == 200, response.text
        pending = client.get("/api/suggestions").json()["suggestions"]
        assert pending and all(s["origin"] == "machine" and s["status"] == "pending" for s in pending)
        html = client.get("/suggestions", headers={"Accept": "text/html"}).text
        assert "machine" in html and pending[0]["model_id"] in html
        sid = pending[0]["source_id"]
        page = client.get(f"/sources/{sid}", headers={"Accept": "text/html"}).text
        assert " pending" in page  # the machine's pending stripes are drawn apart
        first = pending[0]["id"]
        form = client.post(
            "/api/suggestions/decide",
            data={"csrf": client.headers["X-CSRF-Token"], "one": f"accept:{first}"},
            headers={"Accept": "text/html"},
            follow_redirects=False,
        )
        assert form.status_code == 303
        assert assist_study.coding(first)["status"] == "accepted"
        rest = [s["id"] for s in pending[1:]]
        if rest:
            n = client.post("/api/suggestions/decide", json={"coding": rest, "decision": "reject"}).json()
            assert n == {"decided": len(rest), "decision": "reject"}
        again = client.post("/api/suggestions/decide", json={"all": "1", "decision": "accept"})
        assert again.status_code == 422
        assert again.json()["error"] == "There are no pending suggestions to decide on."


def test_a_focused_code_proposal_is_accepted_by_nesting(client, assist_study):
    html = client.get("/proposals", headers={"Accept": "text/html"}).text
    assert "<script>alert" not in html and "<img src=x" not in html
    waiting = assist_study.codes().set_index("name")
    ids = [int(waiting.loc[f"waiting {PAYLOAD}", "id"]), int(waiting.loc["waiting for the end", "id"])]
    response = client.post("/api/proposals/accept", json={"code": ids, "name": "waiting it out", "how": "nest"})
    assert response.status_code == 201
    codes = assist_study.codes().set_index("name")
    focused = int(codes.loc["waiting it out", "id"])
    assert codes.loc["waiting it out", "stage"] == "focused"
    assert {int(codes.loc[f"waiting {PAYLOAD}", "parent_id"]), int(codes.loc["waiting for the end", "parent_id"])} == {
        focused
    }


def test_a_viewer_may_read_but_not_decide(assist_study):
    with _client(assist_study, "viewer") as viewer:
        assert viewer.get("/suggestions", headers={"Accept": "text/html"}).status_code == 200
        for url, body in [
            ("/api/suggestions/decide", {"all": "1", "decision": "accept"}),
            ("/api/suggestions/run", {"stage": "focused"}),
            ("/api/proposals/accept", {"code": [1], "name": "x"}),
        ]:
            response = viewer.post(url, json=body)
            assert response.status_code == 403, url
            assert response.json()["error"] == "vera (viewer) may not do this."


def test_writes_without_the_token_are_refused(client):
    for url in ["/api/suggestions/decide", "/api/suggestions/run", "/api/proposals/accept"]:
        response = client.post(url, json={}, headers={"X-CSRF-Token": ""})
        assert response.status_code == 403, url
        assert "no valid CSRF token" in response.json()["error"]


def test_the_pages_say_so_when_the_model_is_missing(assist_study, monkeypatch):
    from theorize.assist import registry
    from theorize.errors import BackendUnavailable

    def missing(*args, **kwargs):
        raise BackendUnavailable("Machine help needs onnxruntime, which is not installed.", hint="install_assist")

    monkeypatch.setattr(registry, "embedder", missing)
    with _client(assist_study) as client:
        html = client.get("/proposals", headers={"Accept": "text/html"}).text
        assert "Machine help needs onnxruntime, which is not installed. Install theorize[assist]" in html
        response = client.get("/api/sources/1/similar", params={"start": 0, "end": 5})
        assert response.status_code == 503
        assert response.json()["error"].startswith("Machine help needs onnxruntime, which is not installed.")


def test_in_vivo_candidates_of_the_transcript_in_view(client, assist_study):
    sid = int(assist_study.sources().set_index("name").loc["P3_interview", "id"])
    found = client.get(f"/api/sources/{sid}/in-vivo-candidates").json()["candidates"]
    text = assist_study.text(sid)
    assert all(text[c["start"] : c["end"]] == c["phrase"] or c["phrase"] in text for c in found)
    assert all({"phrase", "count", "score", "reasons"} <= set(c) for c in found)


def test_an_open_blind_round_hides_others_codes_on_similar_passages(assist_study):
    if not hasattr(assist_study, "open_round"):
        pytest.skip("blind rounds are not in this build")
    assist_study.open_round("round 1", sources=["P1_interview", "P2_interview"], coders=["vera", "sam"])
    try:
        with _client(assist_study, "coder") as vera:
            sid = int(assist_study.sources().set_index("name").loc["P3_interview", "id"])
            text = assist_study.text(sid)
            a = text.index("I was terrified the judge")
            found = vera.get(f"/api/sources/{sid}/similar", params={"start": a, "end": a + 20, "k": 5}).json()
            assert found["passages"] and all(
                p["codes"] == "" for p in found["passages"] if p["source"] in ("P1_interview", "P2_interview")
            )
    finally:
        assist_study.close_round("round 1")
