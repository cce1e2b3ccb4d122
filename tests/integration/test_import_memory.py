"""Importing a long plain-text transcript takes under four times its size in memory, not twenty;
the text is stored once, as text, and the audit and undo of the import stay exact."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap

import pytest

import theorize
from theorize.ingest.text import count_words

_IMPORT = textwrap.dedent(
    """
    import resource, sys
    import theorize
    study = theorize.create_project(sys.argv[2], user="lena")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    item = study.import_file(sys.argv[1])
    study.close()
    print(item.turns, item.words, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
    """
)


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux")
@pytest.mark.parametrize(
    ("fine", "newline"),
    [("fine", "\n"), ("fine’", "\n"), ("fine’", "\r\n")],
    ids=["ascii", "curly-apostrophe", "curly-apostrophe-crlf"],
)
def test_a_20_mb_transcript_imports_in_under_4_times_its_size(tmp_path, fine, newline):
    # One curly apostrophe makes Python hold the text at 2 bytes a character; Windows line
    # endings must not make it twice.
    line = (
        f"Interviewer: how did the week go with the judge and the counselor?{newline}C03: " + f"{fine} " * 60 + newline
    )
    path = tmp_path / "long.txt"
    repeats = 20_000_000 // len(line.encode("utf-8"))
    path.write_bytes((line * repeats).encode("utf-8"))
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT, str(path), str(tmp_path / "s.theorize")],
        capture_output=True,
        text=True,
        check=True,
    )
    turns, words, grown_kib = map(int, out.stdout.split())
    assert turns == 2 * repeats
    assert words == repeats * (12 + 1 + 60)
    assert grown_kib * 1024 < 4 * path.stat().st_size


def _rows(study) -> dict[str, list[tuple]]:
    """Every row of every table but the audit trail and the study row (which carries its head)."""
    from sqlalchemy import select

    from theorize.store import schema

    with study.engine.connect() as conn:
        return {
            name: sorted((tuple(r) for r in conn.execute(select(table))), key=repr)
            for name, table in schema.metadata.tables.items()
            if name not in ("audit_event", "study")
        }


def test_an_imported_text_is_stored_once_as_text_and_its_undo_is_exact(location, tmp_path):
    from sqlalchemy import text as sql

    text = (
        "FICTIONAL\n\n"
        + "Interviewer: how was court?\nC03: the judge said I don\u2019t have to, caf\u00e9 \U0001f600\n" * 2000
    )
    study = theorize.create_project(location, user="lena")
    first = tmp_path / "c03.txt"
    first.write_text(text, encoding="utf-8")
    study.import_file(first)  # a first source, which undo must leave as it is
    before = _rows(study)
    other = tmp_path / "c04.txt"
    other.write_text(text.replace("C03", "C04"), encoding="utf-8")
    item = study.import_file(other)
    assert item.turns == 4000
    assert study.text(item.source_id) == text.replace("C03", "C04")
    with study.engine.connect() as conn:
        stored, digest = conn.execute(
            sql("SELECT text, text_sha256 FROM source_version WHERE source_id = :s"), {"s": item.source_id}
        ).one()
        changes = conn.execute(sql("SELECT changes FROM audit_event ORDER BY id DESC LIMIT 1")).scalar_one()
        if conn.dialect.name == "sqlite":  # stored as TEXT, not as the bytes it was handed over in
            assert (
                conn.execute(
                    sql("SELECT typeof(text) FROM source_version WHERE source_id = :s"), {"s": item.source_id}
                ).scalar_one()
                == "text"
            )
    assert stored == text.replace("C03", "C04")
    assert digest == hashlib.sha256(stored.encode("utf-8")).hexdigest()
    version = next(c for c in json.loads(changes) if c["table"] == "source_version")
    assert version["after"]["text"] == {"sha256": digest, "characters": len(stored)}  # the trail keeps no copy
    assert study.verify_audit(deep=True).ok
    study.undo()
    assert _rows(study) == before
    assert study.verify_audit(deep=True).ok
    study.close()


def test_words_are_counted_as_split_counts_them(tmp_path):
    text = "Interviewer: so\n\nC03:  well\tI  was\u00a0just\n doing my time " * 1000
    assert count_words(text) == len(text.split())
    assert count_words(text, chunk=7) == len(text.split())
    study = theorize.create_project(tmp_path / "s.theorize", user="lena")
    path = tmp_path / "c03.txt"
    path.write_text(text, encoding="utf-8")
    assert study.import_file(path).words == len(text.split())
    study.close()


def test_windows_line_endings_are_read_as_one_text_with_lf(tmp_path):
    text = "Interviewer: how was court?\r\nC03: I don\u2019t know,\rcaf\u00e9 \U0001f600\r\n" * 300
    path = tmp_path / "c03.txt"
    path.write_bytes(text.encode("utf-8"))
    study = theorize.create_project(tmp_path / "s.theorize", user="lena")
    item = study.import_file(path)
    assert study.text(item.source_id) == text.replace("\r\n", "\n").replace("\r", "\n")
    assert item.turns == 600
    study.close()
