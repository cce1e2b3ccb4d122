"""A team in two browsers: a coding by one appears in the other's open transcript within a second;
a blind round hides the other coders' stripes and closing it shows them."""

from __future__ import annotations

import json
import time

import pytest

from tests.browser.conftest import Served, fixture_study, open_context

pytest.importorskip("argon2")


@pytest.fixture
def team_served(tmp_path, location):
    """Three people on a served project, on SQLite and on CI's PostgreSQL (live updates by NOTIFY there)."""
    study = fixture_study(tmp_path, location)
    passwords = {
        name: study.add_user(name, role=role)[1]
        for name, role in (("lena", "owner"), ("sam", "coder"), ("ana", "coder"))
    }
    server = Served(study)
    yield server, passwords
    server.stop()
    study.close()


def signed_in_page(chromium, server, name, password):
    context, page, watch = open_context(chromium, server)
    page.goto(f"{server.url}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")
    return context, page, watch


def code_from_page(page, source_id: int, code_id: int, start: int, end: int) -> dict:
    """The other person codes through their own page's session and CSRF token."""
    return page.evaluate(
        """async ([sid, body]) => {
        const token = document.querySelector('meta[name="csrf"]').content;
        const r = await fetch(`/api/sources/${sid}/codings`, {method: "POST", body: JSON.stringify(body),
            headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": token}});
        return await r.json(); }""",
        [source_id, {"code_id": code_id, "start": start, "end": end}],
    )


def test_a_coding_by_one_appears_in_the_others_page_within_a_second(chromium, team_served):
    server, passwords = team_served
    study = server.study
    sid = int(study.sources().iloc[0].id)
    lena_ctx, lena, lena_watch = signed_in_page(chromium, server, "lena", passwords["lena"])
    sam_ctx, sam, sam_watch = signed_in_page(chromium, server, "sam", passwords["sam"])
    try:
        lena.goto(f"{server.url}/sources/{sid}")
        lena.wait_for_selector("body[data-ready='1']")
        lena.wait_for_selector("body[data-live='1']")  # the event stream is open
        text = study.text(sid)
        start = text.index("first week")
        code = int(study.codes().set_index("name").loc["fear of jail", "id"])
        made = code_from_page(sam, sid, code, start, start + len("first week"))
        sent = time.monotonic()  # the coding is stored: from here it must reach the other page within 1 s
        assert made["coder"] == "sam", json.dumps(made)
        lena.wait_for_selector(f".s[data-c='{made['id']}']", timeout=3000)
        assert time.monotonic() - sent < 1.0
    finally:
        lena_ctx.close()
        sam_ctx.close()
    assert lena_watch.errors == [] and sam_watch.errors == []
    assert lena_watch.offsite == [] and sam_watch.offsite == []


def test_a_blind_round_hides_then_reveals(chromium, team_served):
    server, passwords = team_served
    study = server.study
    sid = int(study.sources().iloc[0].id)
    study.open_round("R1", sources=[sid], coders=["sam", "ana"])
    ana_ctx, ana, watch = signed_in_page(chromium, server, "ana", passwords["ana"])
    owner_ctx, owner, _ = signed_in_page(chromium, server, "lena", passwords["lena"])
    try:
        ana.goto(f"{server.url}/sources/{sid}")
        ana.wait_for_selector("body[data-ready='1']")
        assert ana.locator(".s[data-coder='sam']").count() == 0
        assert ana.locator(".s[data-coder='lena']").count() == 0
        assert ana.goto(f"{server.url}/compare").status == 403
        owner.goto(f"{server.url}/team")
        owner.click("text=Close the round")
        owner.wait_for_url(f"{server.url}/team")
        assert "closed" in owner.inner_text("section.round h3")
        ana.goto(f"{server.url}/sources/{sid}")
        ana.wait_for_selector("body[data-ready='1']")
        assert ana.locator(".s[data-coder='sam']").count() > 0
    finally:
        ana_ctx.close()
        owner_ctx.close()
