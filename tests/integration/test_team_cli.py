"""`theorize users` and `theorize rounds`: one-time passwords, owners only, the last owner kept, the
trail naming who did it and never holding a password hash; exact sentences and exit code 2."""

from __future__ import annotations

import re

import pytest

import theorize

pytest.importorskip("argon2")


@pytest.fixture
def team_file(run, study_file):
    result = run("-p", str(study_file), "users", "add", "lena", "--role", "coder")
    assert result.exit_code == 0
    return study_file, result.output


def test_the_first_person_added_is_an_owner_with_a_one_time_password(team_file):
    study_file, output = team_file
    password = re.search(r"One-time password \(shown once; change it after signing in\): (\S+)", output).group(1)
    assert output.startswith("Added lena as owner.")
    with theorize.open_project(study_file, user="lena") as study:
        assert study.sign_in("lena", password)["role"] == "owner"


def test_users_list_role_remove(run, team_file):
    study_file, _ = team_file
    p = ("-p", str(study_file))
    assert run(*p, "users", "add", "sam").output.startswith("Added sam as coder.")
    assert run(*p, "users", "role", "sam", "viewer").output == "sam is now viewer.\n"
    listed = run(*p, "users", "list", "--json").output
    assert '"name": "sam"' in listed and '"role": "viewer"' in listed
    assert run(*p, "users", "remove", "sam").output == "sam can no longer sign in.\n"
    with theorize.open_project(study_file, user="lena") as study:
        assert [u["disabled"] for u in study.users()] == [False, True]
        assert study.verify_audit(deep=True).ok
        actions = study.history()["action"].tolist() if hasattr(study, "history") else []
        assert not actions or {"add user", "change role", "remove user"} <= set(actions)
    import sqlite3

    trail = " ".join(r[0] for r in sqlite3.connect(study_file).execute("select changes from audit_event"))
    assert "argon2" not in trail and "password_hash" not in trail


def test_only_an_owner_manages_the_team(run, team_file):
    study_file, _ = team_file
    run("-p", str(study_file), "users", "add", "sam")
    result = run("-p", str(study_file), "-u", "sam", "users", "add", "bob")
    assert result.exit_code == 2
    assert result.output.strip() == "Error: Only an owner may do this; sam is not an owner of this project."


def test_the_last_owner_stays(run, team_file):
    study_file, _ = team_file
    result = run("-p", str(study_file), "users", "role", "lena", "viewer")
    assert result.exit_code == 2
    assert result.output.strip() == "Error: lena is the last owner; make someone else an owner first."


def test_a_role_is_one_of_three(run, team_file):
    study_file, _ = team_file
    result = run("-p", str(study_file), "users", "remove", "nobody")
    assert result.exit_code == 2
    assert result.output.strip().startswith("Error: There is no person called 'nobody' on the team.")


def test_rounds_open_close_list(run, team_file):
    study_file, _ = team_file
    p = ("-p", str(study_file))
    run(*p, "users", "add", "sam")
    run(*p, "users", "add", "ana")
    result = run(*p, "rounds", "open", "R1", "--source", "1", "--coder", "sam", "--coder", "ana")
    assert result.output == "Opened the blind round R1 for sam, ana.\n"
    assert "open" in run(*p, "rounds", "list").output
    again = run(*p, "rounds", "open", "R1", "--source", "1", "--coder", "sam", "--coder", "ana")
    assert again.exit_code == 2 and again.output.strip() == "Error: There is already a round called 'R1'."
    closed = run(*p, "rounds", "close", "R1")
    assert closed.output.startswith("Closed the round R1.")
    with theorize.open_project(study_file, user="lena") as study:
        assert study.rounds()[0]["results"] is not None
