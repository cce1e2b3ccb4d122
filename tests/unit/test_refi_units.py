"""The small pure parts of REFI exchange: GUIDs, offsets, description extras, the report, canonical form."""

from __future__ import annotations

import doctest
import importlib
import uuid

import pytest

from theorize.exchange.refi import Code, ExchangeReport, RefiProject, canonical, extras, guid_for, normalise_guid
from theorize.exchange.refi.model import GUID_NAMESPACE
from theorize.exchange.refi.offsets import CODE_POINTS, CRLF_AS_ONE, choose_reading, crlf_as_one


@pytest.mark.parametrize(
    "raw,want",
    [
        ("{1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294}", "1ff58b12-6f6f-4b0c-8be5-bbdc91f55294"),
        (" 1ff58b12-6f6f-4b0c-8be5-bbdc91f55294 ", "1ff58b12-6f6f-4b0c-8be5-bbdc91f55294"),
        ("line:6", None),
        ("", None),
        (None, None),
        ("{1ff58b12-6f6f-4b0c-8be5-bbdc91f5529}", None),
    ],
)
def test_normalise_guid(raw, want):
    assert normalise_guid(raw) == want


def test_guid_for_is_deterministic_and_kind_specific():
    assert guid_for("code", 1) == str(uuid.uuid5(GUID_NAMESPACE, "code:1"))
    assert guid_for("code", 1) != guid_for("memo", 1) != guid_for("code", 2)
    assert normalise_guid(guid_for("code", 1)) == guid_for("code", 1)


def test_crlf_as_one_maps_every_position():
    text = "ab\r\ncd\r\n\r\ne"
    collapsed = text.replace("\r\n", "\n")
    convert = crlf_as_one(text)
    for p in range(len(collapsed) + 1):
        start = convert(p)
        assert text[:start].replace("\r\n", "\n") == collapsed[:p]
    assert convert(-1) is None and convert(len(collapsed) + 1) is None


def test_choose_reading_ties_and_absences_keep_code_points():
    assert choose_reading("a\nb", [(2, 3, "b")]).reading == CODE_POINTS  # no CRLF: nothing to choose
    assert choose_reading("a\r\nb", [(0, 1, "a")]).reading == CODE_POINTS  # both readings match: a tie
    assert choose_reading("a\r\nb", [(2, 3, "")]).reading == CODE_POINTS  # no names to test
    r = choose_reading("a\r\nbc\r\nd", [(2, 4, "bc"), (5, 6, "d")])
    assert (r.reading, r.matched, r.matched_other, r.tested) == (CRLF_AS_ONE, 2, 0, 2)


@pytest.mark.parametrize(
    "description", ["", "text", "text\n", "line\n\nmore", "[theorize] stage: mine, typed by hand\nx"]
)
def test_extras_round_trip(description):
    fields = {"stage": "category", "merged from": "a, b"}
    assert extras.parse(extras.compose(description, fields), ("stage", "merged from")) == (description, fields)


def test_extras_leave_unknown_fields_in_the_text():
    text = "ok\n\n[theorize] colour: red\n[theorize] stage: focused"
    assert extras.parse(text, ("stage",)) == ("ok\n\n[theorize] colour: red", {"stage": "focused"})


def test_report_summary_counts_problems_and_interpretations():
    r = ExchangeReport(file="s.qdpx", direction="export")
    r.carry("Code", 1)
    r.carry("Source", 2)
    r.carry("Widget", 3)
    r.skip("Coding", "coding x", "no code")
    r.decide("CRLF read as one position")
    assert r.summary() == (
        "Export of s.qdpx\nCarried: 1 code, 2 sources, 3 Widget.\nNot carried (1):\n  - Coding: coding x: no code\n"
        "Interpreted (1):\n  - CRLF read as one position"
    )
    assert r.not_carried_counts() == {"Coding": 1}


def test_canonical_ignores_order_but_not_parents():
    a, b = Code(guid_for("code", 1), "a"), Code(guid_for("code", 2), "b")
    flat = RefiProject(name="x", codes=[a, b])
    assert canonical(flat) == canonical(RefiProject(name="y", codes=[b, a]))
    nested = RefiProject(name="x", codes=[Code(a.guid, "a", children=[b])])
    assert canonical(nested) != canonical(flat)


def test_report_summary_is_capped_but_lists_keep_everything():
    r = ExchangeReport(file="s.qdpx", direction="import")
    for i in range(60):
        r.skip("PlainTextSelection", f"selection {i}", "out of range")
    text = r.summary(limit=5)
    assert text.count("  - ") == 5 and text.endswith("  ... and 55 more") and len(r.not_carried) == 60


@pytest.mark.parametrize("name", ["canonical", "extras", "model", "offsets", "report"])
def test_docstring_examples_hold(name):
    module = importlib.import_module(f"theorize.exchange.refi.{name}")
    assert doctest.testmod(module).failed == 0


def test_dates_without_a_zone_are_written_as_utc_and_yes_no_as_booleans():
    from datetime import datetime, timedelta, timezone

    from theorize.exchange.refi.write_elements import format_date, refi_boolean

    assert format_date(datetime(2026, 2, 3, 12, 30)) == "2026-02-03T12:30:00Z"
    assert format_date(datetime(2026, 2, 3, 12, 30, tzinfo=timezone(timedelta(hours=2)))) == "2026-02-03T12:30:00+02:00"
    assert [refi_boolean(v) for v in ("yes", "No", "TRUE", "0", "y", "perhaps", "")] == [
        "true",
        "false",
        "true",
        "false",
        "true",
        None,
        None,
    ]


def test_warnings_are_listed_apart_in_the_summary():
    r = ExchangeReport(file="out.qdpx", direction="export")
    r.carry("Code", 2)
    r.warn("2 codes are named 'trust'")
    assert r.summary().splitlines() == [
        "Export of out.qdpx",
        "Carried: 2 codes.",
        "Not carried: nothing.",
        "Warnings (1):",
        "  - 2 codes are named 'trust'",
    ]
