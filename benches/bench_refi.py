"""REFI-QDA export and import of a large project: 200 sources of ~60,000 characters, 50,000 codings.

Prints the median of three runs of each, in seconds, and the peak resident memory of the process.
Targets: each <= 10 s, memory <= 1 GB.

    .venv/bin/python benches/bench_refi.py [--sources 200] [--chars 60000] [--codings 50000] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from theorize.exchange.refi import (
    Code,
    Coding,
    Note,
    RefiProject,
    Selection,
    Source,
    User,
    canonical,
    guid_for,
    read_qdpx,
    write_qdpx,
)

WORDS = (
    "trust",
    "the",
    "and",
    "we",
    "talked",
    "about",
    "school",
    "café",
    "naïve",
    "family",
    "work",
    "felt",
    "because",
    "never",
    "always",
    "maybe",
    "😀",
    "שלום",
    "résumé",
    "support",
    "again",
    "I",
    "you",
    "it",
)


def text_of(rng: random.Random, chars: int) -> str:
    parts: list[str] = []
    size = 0
    while size < chars:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 30)))
        speaker = rng.choice(("I: ", "P: "))
        parts.append(speaker + line)
        size += len(line) + 5
    return "\r\n".join(parts)[:chars]


def build(n_sources: int, chars: int, n_codings: int, seed: int = 1) -> RefiProject:
    """A project in memory: users, a two-level code tree of 60 codes, sources, codings, memos."""
    rng = random.Random(seed)
    users = [User(guid_for("coder", i), f"coder {i}") for i in range(3)]
    codes = [
        Code(
            guid_for("category", p),
            f"category {p}",
            is_codable=False,
            children=[Code(guid_for("code", p * 100 + c), f"code {p}.{c}", stage="initial") for c in range(11)],
        )
        for p in range(5)
    ]
    leaves = [c.guid for top in codes for c in top.children]
    when = datetime(2025, 1, 1, tzinfo=UTC)
    sources = []
    per_source = n_codings // n_sources
    k = 0
    for s in range(n_sources):
        text = text_of(rng, chars)
        selections = []
        for _ in range(per_source):
            start = rng.randrange(0, len(text) - 700)
            end = start + rng.randint(50, 600)
            selections.append(
                Selection(
                    guid_for("segment", k),
                    start,
                    end,
                    creating_user=users[k % 3].guid,
                    created=when,
                    codings=[Coding(guid_for("coding", k), rng.choice(leaves), users[k % 3].guid, when)],
                )
            )
            k += 1
        sources.append(
            Source(
                guid_for("source", s),
                f"interview {s:03}.txt",
                text,
                creating_user=users[0].guid,
                created=when,
                selections=selections,
            )
        )
    notes = [
        Note(
            guid_for("memo", i),
            f"memo {i}",
            "A thought about the code.\n" * 20,
            targets=[leaves[i % len(leaves)]],
            memo_type="code",
        )
        for i in range(200)
    ]
    return RefiProject(name="bench", users=users, codes=codes, sources=sources, notes=notes)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=int, default=200)
    ap.add_argument("--chars", type=int, default=60_000)
    ap.add_argument("--codings", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    project = build(args.sources, args.chars, args.codings)
    built = time.perf_counter() - t0
    exports, imports = [], []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.qdpx"
        for _ in range(args.runs):
            t = time.perf_counter()
            write_qdpx(project, path)
            exports.append(time.perf_counter() - t)
        size = path.stat().st_size
        for _ in range(args.runs):
            t = time.perf_counter()
            again, report = read_qdpx(path)
            imports.append(time.perf_counter() - t)
        same = canonical(again) == canonical(project)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(
        f"model: {args.sources} sources x {args.chars:,} characters, {report.carried['Coding']:,} codings "
        f"(built in {built:.2f} s); file {size / 2**20:.1f} MiB"
    )
    print(f"export: median {statistics.median(exports):.2f} s  (runs: {', '.join(f'{x:.2f}' for x in exports)})")
    print(f"import: median {statistics.median(imports):.2f} s  (runs: {', '.join(f'{x:.2f}' for x in imports)})")
    print(f"round trip identical: {same}")
    print(f"peak RSS: {peak_mib:.0f} MiB")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
