"""The workbench app: built over one project, loopback only, CSRF on every write, a strict CSP,
errors as one sentence; and the fixtures the other web tests share."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

import theorize
from theorize.domain.sources import ParsedSource, Role, Turn

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from theorize.web import create_app  # noqa: E402

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
# Emoji (two UTF-16 units), a combining accent, right-to-left words, CRLF line ends, and markup payloads.
LINES = [
    ("Interviewer", Role.INTERVIEWER, "How did the first week go?"),
    (
        "Maria",
        Role.PARTICIPANT,
        "I felt \U0001f600 so relieved, \u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd, "
        "and the cafe\u0301 was open. Then I slept.",
    ),
    ("Interviewer", Role.INTERVIEWER, f"Tell me {PAYLOAD} more."),
    ("Maria", Role.PARTICIPANT, "The judge said\r\nI was doing my time.\r\nI cried \U0001f62d a lot."),
]


def fixture_source() -> ParsedSource:
    text, turns = "", []
    for speaker, role, words in LINES:
        label = f"{speaker}: "
        start = len(text) + len(label)
        text += label + words + "\r\n"
        turns.append(Turn(start, start + len(words), speaker, role, started_at=float(len(turns) * 75)))
    return ParsedSource(name=f"maria {PAYLOAD}.txt", text=text, turns=turns)


@pytest.fixture
def web_study(tmp_path):
    """A project with the fixture transcript, three codes, codings by two coders and a memo."""
    study = theorize.create_project(tmp_path / "web.theorize", title=f"Study {PAYLOAD}", user="lena")
    study.import_parsed(fixture_source(), participant="P01", group="client")
    study.set_attributes("P01", {"age": 34, "note": PAYLOAD})
    study.add_code("relief", stage="initial")
    study.add_code(f"fear {PAYLOAD}", stage="initial")
    study.add_code("serving time", stage="focused")
    src = study.sources().iloc[0]
    text = study.text(int(src.id))
    a = text.index("so relieved")
    study.code(int(src.id), "relief", start=a, end=a + len("so relieved"), coder="lena")
    study.code(int(src.id), "relief", start=a - 2, end=a + len("so relieved"), coder="sam")
    b = text.index("doing my time")
    cid = study.code(int(src.id), "serving time", start=b, end=b + len("doing my time"), coder="sam")
    study.write_memo(f"On time {PAYLOAD}", f"Time as *punishment* {PAYLOAD}", codings=[cid], codes=["serving time"])
    yield study
    study.close()


@pytest.fixture
def client(web_study):
    app = create_app({"project": web_study.location, "user": "lena"}, study=web_study)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        c.get("/")
        token = c.get("/api/session").json()["csrf"]
        c.headers.update({"X-CSRF-Token": token, "Accept": "application/json"})
        yield c


def source_id(study) -> int:
    return int(study.sources().iloc[0].id)


def test_every_page_answers_with_the_security_headers(client, web_study):
    sid = source_id(web_study)
    for url in ["/", f"/sources/{sid}", "/codes", "/compare", "/memos", "/history", "/static/app.css"]:
        response = client.get(url, headers={"Accept": "text/html"})
        assert response.status_code == 200, url
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"


def test_a_write_without_the_token_is_refused(client, web_study):
    sid = source_id(web_study)
    before = len(web_study.codings())
    response = client.post("/api/codes", json={"name": "sneaky"}, headers={"X-CSRF-Token": "forged"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]
    bare = TestClient(client.app, base_url="http://127.0.0.1")
    response = bare.post(f"/api/sources/{sid}/codings", json={"start": 0, "end": 5, "code_id": 1})
    assert response.status_code == 403
    assert len(web_study.codings()) == before
    assert "sneaky" not in set(web_study.codes().name)


def test_a_write_from_another_site_is_refused_even_with_a_token(client, web_study):
    response = client.post("/api/codes", json={"name": "x"}, headers={"Origin": "http://evil.example"})
    assert response.status_code == 403
    assert response.json()["error"] == "This change was refused: it came from another site."
    assert client.post("/api/codes", json={"name": "y"}, headers={"Origin": "http://127.0.0.1:8765"}).status_code == 201


def test_a_form_may_carry_the_token_as_a_field(client, web_study):
    token = client.headers["X-CSRF-Token"]
    response = client.post(
        "/api/codes",
        data={"csrf": token, "name": "from a form"},
        headers={"X-CSRF-Token": "", "Accept": "text/html"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "from a form" in set(web_study.codes().name)


def test_only_loopback_host_names_are_answered(client):
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "answers only to" in response.text


def test_every_user_text_is_escaped(client, web_study):
    sid = source_id(web_study)
    for url in [
        "/",
        f"/sources/{sid}",
        "/codes",
        "/memos",
        "/memos/1",
        "/history",
        f"/compare?code={int(web_study.codes().iloc[0].id)}",
    ]:
        html = client.get(url, headers={"Accept": "text/html"}).text
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html), url


def test_errors_are_one_sentence_in_json_and_in_pages(client):
    response = client.get("/api/codings/999")
    assert response.status_code == 404
    assert response.json()["error"] == ("There is no coding 999. The transcript shows its codings in the margin.")
    page = client.get("/sources/999", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "There is no source 999" in page.text
    assert "`theorize" not in page.text


def test_the_person_acting_is_recorded(client, web_study):
    client.post("/api/codes", json={"name": "trust"})
    assert web_study.audit().iloc[-1].actor == "lena"


def test_serve_refuses_a_port_in_use_in_one_sentence(tmp_path, web_study):
    import socket

    from theorize.cli.main import cli

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.listen()
    try:
        result = CliRunner().invoke(cli, ["serve", web_study.location, "--port", str(port), "--no-browser"])
    finally:
        sock.close()
    assert result.exit_code == 2
    assert result.output.strip().endswith(f"Port {port} on 127.0.0.1 is in use; choose another with --port.")


def test_serve_names_a_missing_project_in_one_sentence(tmp_path):
    from theorize.cli.main import cli

    result = CliRunner().invoke(cli, ["serve", str(tmp_path / "none.theorize"), "--no-browser"])
    assert result.exit_code == 2
    assert "There is no project at" in result.output


def test_every_route_of_the_app_answers_without_a_server_error(client, web_study):
    """Each route, enumerated from the app: pages and reads answer; writes without a body say what
    is missing in one sentence; none fails with a 500."""
    from starlette.routing import Route

    from theorize.web.routes import ROUTERS

    sid, code = source_id(web_study), int(web_study.codes().iloc[0].id)
    coding, memo = int(web_study.codings().iloc[0].id), 1
    values = {
        "source_id": sid,
        "code_id": code,
        "coding_id": coding,
        "memo_id": memo,
        "fmt": "svg",
        "change": "rename",
        "part": "matrix",
    }
    query = {
        "/analyses/disagreement": f"?source={web_study.sources().iloc[0]['name']}&start=0&end=40",
        "/api/disagreement": f"?source={web_study.sources().iloc[0]['name']}&start=0&end=40",
        "/api/compare": f"?code={code}",
        "/api/snapshots/diff": "?before=none",
    }
    seen = 0
    for route in [r for router in ROUTERS for r in router.routes]:
        if not isinstance(route, Route) or route.path.startswith("/static"):
            continue
        path = route.path
        for name, value in values.items():
            path = path.replace("{" + name + "}", str(value))
        path += query.get(route.path, "")
        for method in sorted(route.methods - {"HEAD"}):
            if route.path.startswith("/out/"):
                continue  # downloads: test_downloads_come_from_the_library
            response = client.request(method, path, json={} if method == "POST" else None)
            seen += 1
            assert response.status_code < 500, (method, path, response.text[:300])
            if response.status_code >= 400:
                assert response.json()["error"] and "\n" not in response.json()["error"], (method, path)
    assert seen >= 35
