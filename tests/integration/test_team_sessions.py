"""What a worker remembers about a session: a request does not ask the project who its person is
more than once in a few seconds, yet a removal or a new role is heard at once in the process that
made it and within those seconds in any other (another worker, the CLI); SQLite and PostgreSQL."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("argon2")
from sqlalchemy import event  # noqa: E402

import theorize  # noqa: E402
from tests.integration.test_team_web import csrf_of, signed_in, team  # noqa: E402, F401
from theorize.web.auth import SESSION_RECHECK_SECONDS  # noqa: E402


def _code(client, study) -> int:
    sid = int(study.sources().iloc[0].id)
    response = client.post(
        f"/api/sources/{sid}/codings",
        json={"code_id": int(study.codes().iloc[0].id), "start": 0, "end": 5},
        headers={"x-csrf-token": csrf_of(client), "accept": "application/json"},
    )
    return response.status_code


def test_a_coder_coding_again_and_again_is_looked_up_once(team):
    study, passwords = team
    ana = signed_in(study, "ana", passwords["ana"])
    token = csrf_of(ana)
    sid, code_id = int(study.sources().iloc[0].id), int(study.codes().iloc[0].id)
    lookups = []

    def count(_conn, _cursor, statement, *_args):
        if "account_secret.epoch" in statement:
            lookups.append(statement)

    event.listen(study.engine, "before_cursor_execute", count)
    try:
        began = time.monotonic()
        for n in range(5):
            response = ana.post(
                f"/api/sources/{sid}/codings",
                json={"code_id": code_id, "start": n, "end": n + 5},
                headers={"x-csrf-token": token, "accept": "application/json"},
            )
            assert response.status_code == 201
        took = time.monotonic() - began
    finally:
        event.remove(study.engine, "before_cursor_execute", count)
    assert len(lookups) <= 1 + int(took // SESSION_RECHECK_SECONDS)


def test_a_removal_in_this_process_is_heard_at_the_next_request(team):
    study, passwords = team
    ana = signed_in(study, "ana", passwords["ana"])
    assert ana.get("/api/study").status_code == 200
    study.remove_user("ana")  # the library, on the engine the server uses
    assert ana.get("/api/study").status_code == 401
    assert _code(ana, study) == 401


def test_a_new_role_given_elsewhere_is_heard_within_seconds(team):
    study, passwords = team
    ana = signed_in(study, "ana", passwords["ana"])
    assert _code(ana, study) == 201
    with theorize.open_project(study.location, user="lena") as elsewhere:  # another process's engine
        elsewhere.set_role("ana", "viewer")
    changed = time.monotonic()
    while _code(ana, study) != 403:
        assert time.monotonic() - changed < SESSION_RECHECK_SECONDS + 1.0, "the old role outlived the recheck"
        time.sleep(0.1)
