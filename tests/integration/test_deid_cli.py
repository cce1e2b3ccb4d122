"""`theorize deid ...` as a researcher types it: scan, review, apply, lists, log; bad input in one sentence."""

from __future__ import annotations

import csv
import json

WORDS = (
    "Participant: Judge Whitfield gave me a night. Call Luis at 555-201-3344, case DC-2025-1108.\n\n"
    "Participant: Drug Court is fine. Whitfield is strict.\n"
)


def _project(run, tmp_path):
    (tmp_path / "C01.txt").write_text(WORDS, encoding="utf-8")
    assert run("init", "study.theorize").exit_code == 0
    assert run("import", "C01.txt").exit_code == 0


def test_scan_review_apply_and_log(run, tmp_path):
    _project(run, tmp_path)
    assert run("deid", "lists", "--deny", "Luis").exit_code == 0
    result = run("deid", "scan", "--json")
    assert result.exit_code == 0, result.output
    found = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert {"source", "start", "end", "type", "text", "score", "recogniser"} <= set(found[0])
    said = {f["text"]: f for f in found}
    assert said["Judge Whitfield"]["type"] == "person" and said["DC-2025-1108"]["type"] == "identifier"
    assert "Drug Court" not in said
    keep = [str(f["id"]) for f in found if f["text"] != "555-201-3344"]
    phone = said["555-201-3344"]["id"]
    assert run("deid", "review", "--accept", ",".join(keep), "--reject", str(phone)).exit_code == 0
    assert run("deid", "status").output.startswith("not de-identified: C01")
    (tmp_path / "pass.txt").write_text("a long vault passphrase\n")
    result = run("deid", "apply", "--passphrase-file", "pass.txt")
    assert result.exit_code == 0, result.output
    assert "De-identified 1 sources" in result.output and (tmp_path / "study.vault").exists()
    text = run("show", "C01.txt").output
    assert "[Judge A]" in text and "Whitfield" not in text and "555-201-3344" in text
    assert run("deid", "status").output.strip() == "Every source is de-identified."
    assert run("deid", "log", "--out", "log.csv").exit_code == 0
    rows = list(csv.DictReader((tmp_path / "log.csv").read_text(encoding="utf-8").splitlines()))
    assert {r["type"] for r in rows} == {"person", "identifier"}
    assert not any("Whitfield" in v for r in rows for v in r.values())
    assert run("audit", "verify", "--deep").exit_code == 0


def test_bad_input_is_one_sentence_and_exit_2(run, tmp_path, monkeypatch):
    _project(run, tmp_path)
    monkeypatch.delenv("THEORIZE_VAULT_PASSPHRASE", raising=False)
    result = run("deid", "review", "--accept", "x,y")
    assert result.exit_code == 2
    assert result.output.strip() == "Error: 'x,y' is not a list of finding numbers; write e.g. 3,5,7-9."
    result = run("deid", "review", "--accept", "999")
    assert result.exit_code == 2
    assert result.output.strip() == "Error: There is no finding 999; `theorize deid scan` lists them."
    result = run("deid", "apply")
    assert result.exit_code == 2
    assert result.output.strip() == (
        "Error: Give the vault's passphrase with --passphrase-file FILE, "
        "--passphrase-env NAME or THEORIZE_VAULT_PASSPHRASE."
    )
    run("deid", "scan")
    monkeypatch.setenv("PW", "secret words")
    result = run("deid", "apply", "--passphrase-env", "PW")
    assert result.exit_code == 2
    assert result.output.strip() == (
        "Error: Some findings are not yet reviewed; accept or reject them first (`theorize deid review`)."
    )
    result = run("deid", "review", "--add", "C01.txt", "5-2", "person")
    assert result.exit_code == 2
    assert "is not a span of the text" in result.output


def test_reports_and_exports_say_whether_the_sources_are_de_identified(run, tmp_path, monkeypatch):
    _project(run, tmp_path)
    assert run("code", "C01.txt", "a night in jail", "--quote", "gave me a night", "--create").exit_code == 0
    refused = run("report", "--out", "r.md", "--require-deid")
    assert refused.exit_code == 2
    assert refused.output.strip() == (
        "Error: 1 source not yet de-identified (C01.txt); run `theorize deid scan`, "
        "review and apply first, or leave out --require-deid."
    )
    assert run("export", "--require-deid", "codes.csv", "--table", "codes").exit_code == 2
    warned = run("export", "codes.csv", "--table", "codes")
    assert warned.exit_code == 0 and "Warning: 1 source not yet de-identified (C01.txt)." in warned.output
    assert run("report", "--out", "r.md").exit_code == 0
    assert "1 source not yet de-identified (C01.txt)" in (tmp_path / "r.md").read_text()
    run("deid", "scan")
    run("deid", "review", "--accept-all")
    monkeypatch.setenv("THEORIZE_VAULT_PASSPHRASE", "a long vault passphrase")
    assert run("deid", "apply").exit_code == 0
    assert run("report", "--out", "r2.md", "--require-deid").exit_code == 0
    written = (tmp_path / "r2.md").read_text()
    assert "every source de-identified" in written and "Whitfield" not in written
    assert run("export", "--require-deid", "--format", "qdpx", "study.qdpx").exit_code == 0
