"""`theorize demo` de-identifies the demo study: the report shows only pseudonyms, the log is
beside it, the vault opens with the documented demo passphrase, and the trail still verifies."""

from __future__ import annotations

import csv

import pytest

from theorize.deid.vault import read_vault
from theorize.demo import build_demo
from theorize.demo.build import DEMO_PASSPHRASE

#: Identifying details the demo transcripts carry as imported (all fictional).
IMPORTED = [
    "Judge Whitfield",
    "Ashford",
    "Calloway County",
    "Bridgeway",
    "Harbor House",
    "Riverton",
    "Dale Kessinger",
    "Castellano",
    "Luis Ortega",
    "DC-2025-1108",
    "Kessler Auto Body",
    "Orchard Street",
]


@pytest.mark.slow
def test_the_demo_report_shows_only_pseudonyms_with_the_log_beside_it(tmp_path):
    import theorize

    result = build_demo(tmp_path / "demo", deidentify=True)
    report = result.outputs["report (HTML)"].read_text(encoding="utf-8")
    for words in IMPORTED:
        assert words not in report, words
    assert "[Judge A]" in report
    log = list(csv.DictReader(result.outputs["anonymisation log"].read_text(encoding="utf-8").splitlines()))
    assert len(log) > 100 and {"person", "place", "organisation", "identifier", "date"} <= {r["type"] for r in log}
    vault = read_vault(tmp_path / "demo" / "demo-study.vault", DEMO_PASSPHRASE)
    assert any("Whitfield" in text for text in vault["originals"].values())
    with theorize.open_project(result.project) as study:
        assert study.deid_pending_sources() == []
        assert study.verify_audit(deep=True).ok
        # the codings came through: each still on its words (the names in them now pseudonyms)
        codings = study.codings()
        assert len(codings) == 1333 and not (codings.review == "orphaned").any()
        assert (codings.review == "changed").sum() < len(codings) // 4  # those whose words held a name
        assert "[Judge A]" in " ".join(codings.quote)
