"""Docs that cannot drift: the CLI reference is regenerated from --help and must match."""

from __future__ import annotations

from pathlib import Path

from theorize.cli.reference import cli_reference
from theorize.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[2]


def test_cli_reference_is_current():
    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written.strip() == cli_reference().strip(), (
        "docs/cli.md is out of date; run: python -m theorize.cli.reference > docs/cli.md"
    )


def test_every_setting_is_documented_with_its_variable():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for s in SETTINGS:
        assert s.env in text and s.help


def test_readme_starts_with_the_two_commands():
    head = (ROOT / "README.md").read_text(encoding="utf-8")[:600]
    assert "make demo" in head and "make test" in head
