"""While a frozen round is open the codebook pages say so before anyone tries a change; closed, they do not."""

from __future__ import annotations

import pytest

pytest.importorskip("argon2")

from tests.integration.test_team_web import _fresh_address_waits, signed_in, team  # noqa: E402,F401

SAYS = "The codebook is frozen while the blind round “R1” is open"


def test_the_codebook_pages_say_the_codebook_is_frozen_while_the_round_is_open(team):
    study, passwords = team
    first = int(study.sources().id.iloc[0])
    code = int(study.codes().id.iloc[0])
    coder = signed_in(study, "zorba", passwords["zorba"])
    assert SAYS not in coder.get("/codes").text
    study.open_round("R1", sources=[first], coders=["zorba", "ana"], frozen=True)
    owner = signed_in(study, "lena", passwords["lena"])
    assert SAYS in owner.get("/codes").text and SAYS in owner.get(f"/codes/{code}").text
    assert SAYS in coder.get("/codes").text  # a code's own page waits for the coder: it shows others' codings
    study.close_round("R1")
    assert SAYS not in owner.get("/codes").text and SAYS not in owner.get(f"/codes/{code}").text


def test_an_open_round_does_not_say_frozen(team):
    study, passwords = team
    study.open_round("R1", sources=[int(study.sources().id.iloc[0])], coders=["zorba", "ana"])
    owner = signed_in(study, "lena", passwords["lena"])
    assert "is frozen" not in owner.get("/codes").text
