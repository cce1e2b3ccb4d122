"""Two people at once: two renames of one code, and coding a transcript an owner is correcting. The
later action is carried over (the same words coded in the new text) or refused with a sentence
naming what happened; nothing is lost or coded on other words. Library and web, SQLite and
PostgreSQL."""

from __future__ import annotations

import re

import pytest

from theorize.errors import Conflict

pytest.importorskip("argon2")

from tests.integration.test_team_web import _source, csrf_of, signed_in  # noqa: E402

SECOND_RENAME = (
    "The code 'relief' was changed since you opened it (lena renamed it to 'easing'), so it was not renamed "
    "again; reload the page and rename 'easing' if you still want to."
)


@pytest.fixture
def team(project):
    passwords = {
        n: project.add_user(n, role=r)[1] for n, r in (("lena", "owner"), ("max", "owner"), ("zorba", "coder"))
    }
    project.import_parsed(_source("maria.txt"), participant="P01")
    project.add_code("relief", stage="initial")
    return project, int(project.sources().iloc[0].id), int(project.codes().iloc[0].id), passwords


def test_the_second_of_two_renames_is_refused_naming_who_renamed_it_to_what(team):
    study, _, code, _ = team
    with study.acting_as("lena"):
        study.rename_code(code, "easing", expected="relief")
    events = study.events_after(None)[0]
    with study.acting_as("max"), pytest.raises(Conflict) as refused:
        study.rename_code(code, "comfort", expected="relief")
    assert str(refused.value) == SECOND_RENAME
    assert study.codes().name.tolist() == ["easing"] and study.events_after(None)[0] == events
    with study.acting_as("max"):
        study.rename_code(code, "easing", expected="relief")  # the same change, made first by lena: nothing to do
        study.rename_code(code, "comfort", expected="easing")  # seen fresh: goes through
    assert study.codes().name.tolist() == ["comfort"]


def test_a_coding_on_an_older_text_version_lands_on_the_same_words_or_is_refused(team):
    study, sid, code, _ = team
    old = study.text(sid)
    study.edit_text(sid, old.replace("How did", "So, how did").replace("so relieved", "really relieved"))
    new = study.text(sid)
    a = old.index("doing my time")
    cid = study.code(sid, code, start=a, end=a + 13, version=1)
    coding = study.coding(cid)
    assert new[coding["start"] : coding["end"]] == "doing my time"
    assert coding["start"] == a + 8  # "So, " and "really" for "so" came before it
    assert study.codings().set_index("id").loc[cid, "version"] == 2
    b = old.index("so relieved")
    before = len(study.codings())
    with pytest.raises(Conflict, match=r"The words you selected in maria\.txt were corrected since you opened it"):
        study.code(sid, code, start=b, end=b + 11, version=1)
    with pytest.raises(Conflict):
        study.code_in_vivo(sid, start=b, end=b + 11, version=1)
    assert len(study.codings()) == before


def test_the_web_refuses_a_second_rename_with_409_and_the_sentence(team):
    study, _, code, passwords = team
    lena, max_ = signed_in(study, "lena", passwords["lena"]), signed_in(study, "max", passwords["max"])
    seen = {}
    for name, client in (("lena", lena), ("max", max_)):
        page = client.get(f"/codes/{code}").text
        seen[name] = re.search(r'name="expected" value="([^"]*)"', page).group(1)
    assert seen == {"lena": "relief", "max": "relief"}
    first = lena.post(
        f"/api/codes/{code}/rename",
        json={"name": "easing", "expected": seen["lena"]},
        headers={"x-csrf-token": csrf_of(lena)},
    )
    assert first.status_code == 200
    second = max_.post(
        f"/api/codes/{code}/rename",
        json={"name": "comfort", "expected": seen["max"]},
        headers={"x-csrf-token": csrf_of(max_)},
    )
    assert second.status_code == 409
    assert second.json()["error"] == SECOND_RENAME
    assert study.codes().name.tolist() == ["easing"]


def test_coding_in_the_browser_while_an_owner_corrects_the_transcript(team):
    from theorize.web.offsets import to_dom

    study, sid, code, passwords = team
    zorba, lena = signed_in(study, "zorba", passwords["zorba"]), signed_in(study, "lena", passwords["lena"])
    page = zorba.get(f"/api/sources/{sid}").json()  # what zorba's page shows: version 1
    old = study.text(sid)
    corrected = old.replace("How did", "So, how did").replace("so relieved", "really relieved")
    saved = lena.post(
        f"/api/sources/{sid}/text",
        json={"text": corrected, "version": page["version"], "reason": "typo"},
        headers={"x-csrf-token": csrf_of(lena)},
    )
    assert saved.status_code == 200, saved.text

    def selecting(words):
        start = old.index(words)
        end = start + len(words)
        rows = [r for t in page["turns"] for r in t["rows"]]
        a = next(r for r in rows if r["start"] <= start < r["end"])
        b = next(r for r in rows if r["start"] < end <= r["end"])
        return {
            "code_id": code,
            "version": page["version"],
            "first_start": a["start"],
            "first_end": a["end"],
            "first_offset": to_dom(old, a["start"], start),
            "last_start": b["start"],
            "last_end": b["end"],
            "last_offset": to_dom(old, b["start"], end),
        }

    h = {"x-csrf-token": csrf_of(zorba)}
    kept = zorba.post(f"/api/sources/{sid}/codings", json=selecting("doing my time"), headers=h)
    assert kept.status_code == 201
    assert study.text(sid)[kept.json()["start"] : kept.json()["end"]] == "doing my time"
    refused = zorba.post(f"/api/sources/{sid}/codings", json=selecting("so relieved"), headers=h)
    assert refused.status_code == 409
    assert refused.json()["error"] == (
        "The words you selected in maria.txt were corrected since you opened it (version 1 is now version 2), "
        "so nothing was coded; reload the page and select them again."
    )
    assert [c["id"] for c in study.transcript(sid).codings] == [kept.json()["id"]]
