"""A team server: every route asks who is there, a viewer cannot write, a write needs its CSRF
token, a coder in a blind round reads only their own codings through every route; on SQLite and
on PostgreSQL."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("argon2")
from fastapi.testclient import TestClient  # noqa: E402
from starlette.routing import Route  # noqa: E402

from theorize.domain.sources import ParsedSource, Role, Turn  # noqa: E402
from theorize.web import create_app  # noqa: E402
from theorize.web.auth import ROUTE_PERMISSIONS  # noqa: E402

WORDS = [
    ("Interviewer", Role.INTERVIEWER, "How did the first week go?"),
    ("Maria", Role.PARTICIPANT, "I felt so relieved. The judge said I was doing my time."),
]


def _source(name: str) -> ParsedSource:
    text, turns = f"({name})\n", []
    for speaker, role, words in WORDS:
        start = len(text) + len(speaker) + 2
        text += f"{speaker}: {words}\n"
        turns.append(Turn(start, start + len(words), speaker, role))
    return ParsedSource(name=name, text=text, turns=turns)


@pytest.fixture(autouse=True)
def _fresh_address_waits():
    """Failed sign-ins by address are kept per worker process; each test starts without any."""
    from theorize.web.routes import team as team_routes

    team_routes._FAILED_BY_ADDRESS.clear()
    yield
    team_routes._FAILED_BY_ADDRESS.clear()


@pytest.fixture
def team(project):
    """lena (owner), zorba and ana (coders), vic (viewer); a source coded by lena and zorba."""
    passwords = {}
    for name, role in (("lena", "owner"), ("zorba", "coder"), ("ana", "coder"), ("vic", "viewer")):
        passwords[name] = project.add_user(name, role=role)[1]
    project.import_parsed(_source("maria.txt"), participant="P01")
    project.import_parsed(_source("jon.txt"), participant="P02")
    project.add_code("relief", stage="initial")
    sid = int(project.sources().iloc[0].id)
    text = project.text(sid)
    a = text.index("so relieved")
    project.code(sid, "relief", start=a, end=a + 11, coder="zorba")
    project.code(sid, "relief", start=a - 5, end=a + 11, coder="lena")
    return project, passwords


def client_for(study):
    return TestClient(create_app({"project": study.location}, study=study), base_url="http://127.0.0.1")


def csrf_of(client) -> str:
    page = client.get("/login") if "theorize_session" not in client.cookies else client.get("/account")
    return re.search(r'name="csrf" content="([^"]+)"', page.text).group(1)


def signed_in(study, name, password):
    client = client_for(study)
    token = csrf_of(client)
    response = client.post(
        "/login", data={"name": name, "password": password, "csrf": token, "next": "/"}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return client


def concrete(study, template: str) -> str:
    sid = int(study.sources().iloc[0].id)
    values = {
        "source_id": sid,
        "code_id": int(study.codes().iloc[0].id),
        "coding_id": int(study.codings().iloc[0].id),
        "memo_id": 1,
        "fmt": "svg",
        "change": "rename",
        "part": "matrix",
        "name": "R1",
    }
    for key, value in values.items():
        template = template.replace("{" + key + "}", str(value))
    return template


def routes(app):
    for route in app.state.routes:
        if isinstance(route, Route):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, route.path


def test_every_route_asks_who_is_there(team):
    study, _ = team
    client = client_for(study)
    seen = 0
    for method, template in routes(client.app):
        if template == "/login":
            continue
        response = client.request(
            method,
            concrete(study, template),
            follow_redirects=False,
            headers={"x-csrf-token": "x"} if method != "GET" else {},
        )
        seen += 1
        if method == "GET" and not template.startswith("/api/"):
            assert response.status_code == 303 and response.headers["location"].startswith("/login"), template
        elif method == "GET":
            assert response.status_code == 401, template
            assert response.json()["error"] == "Sign in first: this workbench is for the members of its team."
        else:  # a write without a session: the CSRF guard or the sign-in check refuses it
            assert response.status_code in (401, 403), (method, template)
    assert seen >= 40


def test_a_viewer_cannot_write_through_any_route(team):
    study, passwords = team
    client = signed_in(study, "vic", passwords["vic"])
    token = csrf_of(client)
    assert client.get("/").status_code == 200
    writes = [
        (m, p)
        for m, p in routes(client.app)
        if m != "GET" and p not in ("/login", "/logout") and p != "/account/password"
    ]
    assert len(writes) >= 15
    before = study.audit_head() if hasattr(study, "audit_head") else None
    for method, template in writes:
        response = client.request(method, concrete(study, template), json={}, headers={"x-csrf-token": token})
        assert response.status_code == 403, (method, template, response.status_code)
        assert response.json()["error"] == "vic (viewer) may not do this."
    assert before == (study.audit_head() if hasattr(study, "audit_head") else None)


def test_every_write_route_says_who_may_use_it(team):
    """A new write route must be named in ROUTE_PERMISSIONS (else only an owner may use it)."""
    study, _ = team
    app = client_for(study).app
    unnamed = [
        (m, p)
        for m, p in routes(app)
        if m != "GET" and (m, p) not in ROUTE_PERMISSIONS and not p.startswith(("/api/team/", "/login"))
    ]
    assert unnamed == []


def test_a_write_without_its_csrf_token_is_refused(team):
    study, passwords = team
    client = signed_in(study, "zorba", passwords["zorba"])
    sid = int(study.sources().iloc[0].id)
    n = len(study.codings())
    response = client.post(f"/api/sources/{sid}/codings", json={"code_id": 1, "start": 0, "end": 5})
    assert response.status_code == 403
    assert len(study.codings()) == n
    ok = client.post(
        f"/api/sources/{sid}/codings",
        json={"code_id": int(study.codes().iloc[0].id), "start": 0, "end": 5},
        headers={"x-csrf-token": csrf_of(client)},
    )
    assert ok.status_code == 201
    assert study.events().iloc[-1]["actor"] == "zorba" if hasattr(study, "events") else True


def test_a_coder_cannot_change_the_codebook_nor_open_rounds(team):
    study, passwords = team
    client = signed_in(study, "zorba", passwords["zorba"])
    token = csrf_of(client)
    assert client.post("/api/codes", json={"name": "x"}, headers={"x-csrf-token": token}).status_code == 403
    assert (
        client.post(
            "/api/team/rounds",
            json={"name": "R", "sources": [1], "coders": ["zorba", "ana"]},
            headers={"x-csrf-token": token},
        ).status_code
        == 403
    )
    assert client.get("/team").status_code == 403


def test_sign_in_refuses_wrong_passwords_then_waits(team):
    study, passwords = team
    client = client_for(study)
    token = csrf_of(client)
    for _ in range(3):
        response = client.post("/login", data={"name": "ana", "password": "wrong", "csrf": token})
        assert response.status_code == 401
        assert "That name and password do not match a person on this team." in response.text
    response = client.post("/login", data={"name": "ana", "password": passwords["ana"], "csrf": token})
    assert response.status_code == 429
    assert "Too many failed sign-ins for ana; wait" in response.text


def test_a_new_password_ends_older_sessions(team):
    study, passwords = team
    old = signed_in(study, "ana", passwords["ana"])
    other = signed_in(study, "ana", passwords["ana"])
    assert old.cookies["theorize_session"] != other.cookies["theorize_session"]  # a new session id each time
    response = other.post(
        "/account/password",
        data={"old": passwords["ana"], "new": "a longer secret", "csrf": csrf_of(other)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert other.get("/").status_code == 200
    assert old.get("/api/study").status_code == 401
    assert study.sign_in("ana", "a longer secret")["name"] == "ana"
    assert not study.audit_log_mentions("a longer secret") if hasattr(study, "audit_log_mentions") else True


def test_the_audit_names_the_person_signed_in(team):
    study, passwords = team
    client = signed_in(study, "ana", passwords["ana"])
    sid = int(study.sources().iloc[0].id)
    response = client.post(
        f"/api/sources/{sid}/codings",
        json={"code_id": int(study.codes().iloc[0].id), "start": 0, "end": 5},
        headers={"x-csrf-token": csrf_of(client)},
    )
    assert response.status_code == 201 and response.json()["coder"] == "ana"


def test_a_coder_in_a_blind_round_reads_only_their_own_codings(team):
    study, passwords = team
    sid = int(study.sources().iloc[0].id)
    study.open_round("R1", sources=[sid], coders=["zorba", "ana"])
    ana = signed_in(study, "ana", passwords["ana"])
    others = [int(c) for c in study.codings(source=sid).id]
    assert others
    seen = 0
    for method, template in routes(ana.app):
        # /events is an endless stream (what a coder in a round hears is tested in test_team_live.py)
        if method != "GET" or template in ("/login", "/events") or template.startswith("/static"):
            continue
        response = ana.get(concrete(study, template))
        seen += 1
        if response.status_code == 200:
            body = response.text
            assert "zorba" not in body, template
        else:
            assert response.status_code in (403, 404, 422), (template, response.status_code)
    assert seen >= 30
    assert ana.get(f"/api/sources/{sid}").json()["codings"] == []
    assert ana.get(f"/api/codings/{others[0]}").status_code == 404
    # zorba sees his own; the owner, outside the round, sees all
    zorba = signed_in(study, "zorba", passwords["zorba"])
    assert {c["coder"] for c in zorba.get(f"/api/sources/{sid}").json()["codings"]} == {"zorba"}
    owner = signed_in(study, "lena", passwords["lena"])
    assert {c["coder"] for c in owner.get(f"/api/sources/{sid}").json()["codings"]} == {"zorba", "lena"}
    # closed: everyone sees everything again, and the round keeps its agreement
    response = owner.post("/api/team/rounds/R1/close", json={}, headers={"x-csrf-token": csrf_of(owner)})
    assert response.status_code == 200
    assert {c["coder"] for c in ana.get(f"/api/sources/{sid}").json()["codings"]} == {"zorba", "lena"}
    assert study.rounds()[0]["closed_at"] is not None


def test_without_accounts_the_workbench_is_as_before(project):
    client = client_for(project)
    assert client.get("/").status_code == 200
    assert client.get("/api/session").json()["role"] == "owner"


def test_a_head_request_needs_what_its_get_needs(team):
    study, passwords = team
    client = signed_in(study, "zorba", passwords["zorba"])
    assert client.head("/team").status_code in (403, 405)  # never a page for someone who may not see it
    assert client.head("/deid").status_code in (403, 405)
