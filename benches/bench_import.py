"""Import speed: 200 transcripts of 10,000 words into a SQLite project, against a raw sqlite3 baseline.

    python benches/bench_import.py [--n 200] [--words 10000] [--runs 3]

Targets (issue 2): .txt and .vtt at >= 200,000 words/s end to end, and at least half the speed of
the baseline measured in the same run (the same texts split into turns and inserted with raw
sqlite3); .docx at >= 50,000 words/s. Prints the median of the runs.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_corpus import make_corpus  # noqa: E402

import theorize  # noqa: E402

_TURN = re.compile(r"^(Interviewer|Participant \d+): ", re.M)


def baseline(files: list[Path], db: Path) -> int:
    """The plain way: read each .txt, split it into turns with one regex, insert with sqlite3."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("create table source (id integer primary key, name text, text text)")
    conn.execute("create table turn (source_id integer, position integer, start integer, end integer, speaker text)")
    words = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        words += len(text.split())
        with conn:
            sid = conn.execute("insert into source (name, text) values (?, ?)", (path.name, text)).lastrowid
            marks = list(_TURN.finditer(text))
            rows = [
                (sid, i, m.end(), marks[i + 1].start() if i + 1 < len(marks) else len(text), m.group(1))
                for i, m in enumerate(marks)
            ]
            conn.executemany("insert into turn values (?, ?, ?, ?, ?)", rows)
    conn.close()
    return words


def theorize_import(files: list[Path], project: Path) -> int:
    study = theorize.create_project(project, user="bench")
    result = study.import_folder(files[0].parent)  # what `theorize import FOLDER` does
    study.close()
    assert not result.failed, result.failed[:3]
    return sum(item.words for item in result.imported)


def run(fmt: str, n: int, words: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = make_corpus(n, tmp / "corpus", words=words, formats=(fmt,))
        (tmp / "corpus" / "codings.csv").unlink()
        ours, base = [], []
        for r in range(runs):
            t0 = time.perf_counter()
            w = theorize_import(files, tmp / f"p{r}.theorize")
            ours.append(w / (time.perf_counter() - t0))
            if fmt == "txt":
                t0 = time.perf_counter()
                wb = baseline(files, tmp / f"b{r}.db")
                base.append(wb / (time.perf_counter() - t0))
        med = statistics.median(ours)
        line = f"{fmt:5s} {n} files x {words} words: theorize {med:,.0f} words/s (median of {runs})"
        if base:
            bmed = statistics.median(base)
            # Each run measures both back to back, so the ratio of a pair shares the machine's state.
            ratios = sorted(o / b for o, b in zip(ours, base, strict=True))
            line += (
                f"; raw sqlite3 baseline {bmed:,.0f} words/s; ratio of medians {med / bmed:.2f}, "
                f"median of paired ratios {statistics.median(ratios):.2f} (range {ratios[0]:.2f}-{ratios[-1]:.2f})"
            )
        print(line, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--formats", default="txt,vtt,docx")
    args = parser.parse_args()
    for fmt in args.formats.split(","):
        run(fmt, args.n if fmt != "docx" else max(args.n // 5, 1), args.words, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
