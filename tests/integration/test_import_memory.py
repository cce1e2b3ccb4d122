"""Importing a long plain-text transcript takes a few times its size in memory, not twenty."""

from __future__ import annotations

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
def test_a_20_mb_transcript_imports_in_under_5_times_its_size(tmp_path):
    line = "Interviewer: how did the week go with the judge and the counselor?\nC03: " + "fine " * 60 + "\n"
    path = tmp_path / "long.txt"
    repeats = 20_000_000 // len(line)
    path.write_text(line * repeats, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT, str(path), str(tmp_path / "s.theorize")],
        capture_output=True,
        text=True,
        check=True,
    )
    turns, words, grown_kib = map(int, out.stdout.split())
    assert turns == 2 * repeats
    assert words == repeats * (12 + 1 + 60)
    assert grown_kib * 1024 < 5 * path.stat().st_size


def test_words_are_counted_as_split_counts_them(tmp_path):
    text = "Interviewer: so\n\nC03:  well\tI  was\u00a0just\n doing my time " * 1000
    assert count_words(text) == len(text.split())
    assert count_words(text, chunk=7) == len(text.split())
    study = theorize.create_project(tmp_path / "s.theorize", user="lena")
    path = tmp_path / "c03.txt"
    path.write_text(text, encoding="utf-8")
    assert study.import_file(path).words == len(text.split())
    study.close()
