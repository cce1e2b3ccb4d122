"""A closed round's agreement in the workbench: /analyses?round=NAME compares the round's coders on
the round's sources only; an unknown round gets one sentence."""

from __future__ import annotations

import pytest

pytest.importorskip("argon2")

from tests.integration.test_team_web import _fresh_address_waits, signed_in, team  # noqa: E402,F401


def test_a_rounds_agreement_is_scoped_to_its_coders_and_sources(team):
    study, passwords = team
    first, second = (int(i) for i in study.sources().id)
    study.open_round("R1", sources=[first], coders=["zorba", "ana"])
    b = study.text(first).index("doing my time")
    with study.acting_as("ana"):  # the same turn as zorba's coding, the next sentence: units matter
        study.code(first, "relief", start=b, end=b + 13)
    study.close_round("R1")
    with study.acting_as("ana"):  # after the round, on another source: not the round's material
        study.code(second, "relief", start=0, end=5)
    owner = signed_in(study, "lena", passwords["lena"])
    scoped = owner.get("/api/analyses/agreement", params={"round": "R1", "resamples": 50}).json()
    assert scoped["coders"] == ["ana", "zorba"]
    # the same figures the team page kept at the close (counted in sentences)
    (kept,) = study.rounds()
    alphas = dict(
        zip(
            [r[scoped["table"]["columns"].index("code")] for r in scoped["table"]["rows"]],
            [r[scoped["table"]["columns"].index("alpha")] for r in scoped["table"]["rows"]],
        )
    )
    for row in kept["results"]["codes"]:
        assert alphas[row["code"]] == (None if row["alpha"] is None else round(row["alpha"], 3)) or (
            row["alpha"] is None and alphas[row["code"]] == ""
        )
    everyone = owner.get("/api/analyses/agreement", params={"resamples": 50}).json()
    assert set(everyone["coders"]) == {"ana", "lena", "zorba"}
    page = owner.get("/analyses", params={"round": "R1"})
    assert page.status_code == 200 and "Blind round <strong>R1</strong>: ana and zorba on 1 source(s)" in page.text
    team_page = owner.get("/team").text
    assert "/analyses?part=agreement&amp;round=R1" in team_page


def test_an_unknown_round_is_one_sentence(team):
    study, passwords = team
    owner = signed_in(study, "lena", passwords["lena"])
    response = owner.get("/analyses", params={"round": "R9"})
    assert response.status_code == 404
    assert "There is no coding round &#39;R9&#39;; the rounds are: none yet." in response.text
    assert "Traceback" not in response.text
