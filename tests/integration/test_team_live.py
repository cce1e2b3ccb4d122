"""Live updates on a real server: what one person codes reaches another's open event stream within a
second (SQLite and PostgreSQL), and a coder in a blind round hears only their own actions."""

from __future__ import annotations

import json
import re
import threading
import time

import pytest

pytest.importorskip("argon2")
httpx = pytest.importorskip("httpx")
uvicorn = pytest.importorskip("uvicorn")

from tests.helpers import Served  # noqa: E402
from tests.integration.test_team_web import _source  # noqa: E402


@pytest.fixture
def server(project):
    passwords = {
        name: project.add_user(name, role=role)[1]
        for name, role in (("lena", "owner"), ("zorba", "coder"), ("ana", "coder"))
    }
    project.import_parsed(_source("maria.txt"), participant="P01")
    project.add_code("relief", stage="initial")
    served = Served(project, team=True)
    yield project, served.url, passwords
    served.stop()


def sign_in(base, name, password) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=5)
    token = re.search(r'name="csrf" content="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"name": name, "password": password, "csrf": token}).status_code == 303
    token = re.search(r'name="csrf" content="([^"]+)"', client.get("/account").text).group(1)
    return client, token


def first_event(client: httpx.Client, found: list, ready: threading.Event) -> None:
    with client.stream("GET", "/events", timeout=10) as response:
        ready.set()
        for line in response.iter_lines():
            if line.startswith("data: "):
                found.append((time.monotonic(), json.loads(line[6:])))
                return


def test_a_coding_by_one_reaches_the_other_within_a_second(server):
    study, base, passwords = server
    lena, _ = sign_in(base, "lena", passwords["lena"])
    zorba, token = sign_in(base, "zorba", passwords["zorba"])
    found: list = []
    ready = threading.Event()
    listener = threading.Thread(target=first_event, args=(lena, found, ready), daemon=True)
    listener.start()
    ready.wait(5)
    time.sleep(0.4)  # the feed has read where the trail ends
    sid = int(study.sources().iloc[0].id)
    sent = time.monotonic()
    response = zorba.post(
        f"/api/sources/{sid}/codings",
        json={"code_id": int(study.codes().iloc[0].id), "start": 0, "end": 5},
        headers={"x-csrf-token": token},
    )
    assert response.status_code == 201
    listener.join(5)
    assert found, "no event arrived"
    at, event = found[0]
    assert event["actor"] == "zorba" and event["action"] == "code" and event["kind"] == "codings"
    assert at - sent < 1.0


def test_a_coder_in_a_blind_round_hears_only_their_own_actions(server):
    study, base, passwords = server
    sid = int(study.sources().iloc[0].id)
    study.open_round("R1", sources=[sid], coders=["zorba", "ana"])
    ana, ana_token = sign_in(base, "ana", passwords["ana"])
    zorba, token = sign_in(base, "zorba", passwords["zorba"])
    found: list = []
    ready = threading.Event()
    listener = threading.Thread(target=first_event, args=(ana, found, ready), daemon=True)
    listener.start()
    ready.wait(5)
    time.sleep(0.4)
    code = int(study.codes().iloc[0].id)
    assert (
        zorba.post(
            f"/api/sources/{sid}/codings", json={"code_id": code, "start": 0, "end": 5}, headers={"x-csrf-token": token}
        ).status_code
        == 201
    )
    time.sleep(0.8)
    assert (
        ana.post(
            f"/api/sources/{sid}/codings",
            json={"code_id": code, "start": 6, "end": 9},
            headers={"x-csrf-token": ana_token},
        ).status_code
        == 201
    )
    listener.join(5)
    assert found and found[0][1]["actor"] == "ana"


def _events_from(client: httpx.Client, url: str, headers: dict | None = None, want: int = 1) -> list[dict]:
    found: list[dict] = []
    with client.stream("GET", url, headers=headers or {}, timeout=10) as response:
        for line in response.iter_lines():
            if line.startswith("data: "):
                found.append(json.loads(line[6:]))
                if len(found) == want:
                    break
    return found


def test_what_happened_between_drawing_a_page_and_opening_its_stream_still_arrives(server):
    study, base, passwords = server
    lena, _ = sign_in(base, "lena", passwords["lena"])
    zorba, token = sign_in(base, "zorba", passwords["zorba"])
    sid = int(study.sources().iloc[0].id)
    drawn = lena.get(f"/sources/{sid}").text
    trail = int(re.search(r'data-trail="(\d+)"', drawn).group(1))
    code = int(study.codes().iloc[0].id)
    made = zorba.post(
        f"/api/sources/{sid}/codings", json={"code_id": code, "start": 0, "end": 5}, headers={"x-csrf-token": token}
    )
    assert made.status_code == 201
    (event,) = _events_from(lena, f"/events?after={trail}")
    assert event["actor"] == "zorba" and event["action"] == "code" and event["id"] == trail + 1


def test_a_reconnecting_browser_hears_from_the_last_id_it_heard_and_nothing_twice(server):
    study, base, passwords = server
    lena, _ = sign_in(base, "lena", passwords["lena"])
    zorba, token = sign_in(base, "zorba", passwords["zorba"])
    sid = int(study.sources().iloc[0].id)
    code = int(study.codes().iloc[0].id)
    first = study.events_after(None)[0]
    for start in (0, 10, 20):
        assert (
            zorba.post(
                f"/api/sources/{sid}/codings",
                json={"code_id": code, "start": start, "end": start + 4},
                headers={"x-csrf-token": token},
            ).status_code
            == 201
        )
    # the page said "after first"; the browser had heard one more before it lost the connection
    events = _events_from(lena, f"/events?after={first}", headers={"Last-Event-ID": str(first + 1)}, want=2)
    assert [e["id"] for e in events] == [first + 2, first + 3]
