"""Live across worker processes on PostgreSQL: two servers (two apps, as two workers would be) on
one database; a coding posted to one reaches an event stream on the other within a second, even
with the feeds' polling slowed to once in 30 s, so it is PostgreSQL's NOTIFY that carries it; and a
project in another schema of the same database does not wake them."""

from __future__ import annotations

import threading
import time

import pytest

pytest.importorskip("argon2")
httpx = pytest.importorskip("httpx")
uvicorn = pytest.importorskip("uvicorn")

import theorize  # noqa: E402
from tests.helpers import Served  # noqa: E402
from tests.integration.test_team_live import first_event, sign_in  # noqa: E402
from tests.integration.test_team_web import _source  # noqa: E402
from theorize.web import live  # noqa: E402

pytestmark = pytest.mark.postgres


@pytest.fixture
def two_workers(pg_url, monkeypatch):
    monkeypatch.setattr(live, "POLL_SECONDS", 30.0)
    monkeypatch.setattr(live, "LISTENING_POLL_SECONDS", 30.0)
    first = theorize.create_project(pg_url, title="Two workers", user="lena")
    passwords = {n: first.add_user(n, role=r)[1] for n, r in (("lena", "owner"), ("zorba", "coder"))}
    first.import_parsed(_source("maria.txt"), participant="P01")
    first.add_code("relief", stage="initial")
    second = theorize.open_project(pg_url, user="lena")
    servers = [Served(first, team=True), Served(second, team=True)]
    yield first, [s.url for s in servers], passwords
    for served in servers:
        served.stop()
    second.close()
    first.close()


def _listen_on(base: str, name: str, password: str) -> tuple[list, threading.Thread]:
    client, _ = sign_in(base, name, password)
    found: list = []
    ready = threading.Event()
    listener = threading.Thread(target=first_event, args=(client, found, ready), daemon=True)
    listener.start()
    ready.wait(5)
    time.sleep(0.5)  # the feed has read where the trail ends and listens
    return found, listener


def test_a_coding_posted_to_one_worker_reaches_a_stream_on_the_other_within_a_second(two_workers):
    study, (worker_a, worker_b), passwords = two_workers
    found, listener = _listen_on(worker_b, "lena", passwords["lena"])
    zorba, token = sign_in(worker_a, "zorba", passwords["zorba"])
    sid, code = int(study.sources().iloc[0].id), int(study.codes().iloc[0].id)
    sent = time.monotonic()
    response = zorba.post(
        f"/api/sources/{sid}/codings", json={"code_id": code, "start": 0, "end": 5}, headers={"x-csrf-token": token}
    )
    assert response.status_code == 201
    listener.join(5)
    assert found, "no event arrived on the other worker"
    at, event = found[0]
    assert event["actor"] == "zorba" and event["action"] == "code" and event["kind"] == "codings"
    assert at - sent < 1.0  # the feeds poll only every 30 s here: NOTIFY woke it


def test_a_project_in_another_schema_of_the_database_does_not_wake_the_feed(two_workers, pg_url):
    import os
    import uuid

    import sqlalchemy

    from theorize.store.engine import database_url

    study, (_, worker_b), passwords = two_workers
    base = os.environ["THEORIZE_TEST_POSTGRES_URL"]
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(database_url(base))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    other = theorize.create_project(f"{base}{sep}options=-csearch_path%3D{schema}", title="Other", user="sam")
    try:
        found, listener = _listen_on(worker_b, "lena", passwords["lena"])
        other.add_code("elsewhere")  # an event in the other project: no wake-up, nothing to hear
        time.sleep(1.0)
        assert not found
        study.add_code("hope")  # one in this project, through the library: heard at once
        listener.join(5)
        assert found and found[0][1]["action"] == "add code"
    finally:
        other.close()
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
