"""Benchmark: co-occurrence of 50,000 codings (100 sources, 200 codes).

Prints the median wall time of 3 runs (target: <= 1 s). Run:

    .venv/bin/python benches/bench_cooccurrence.py
    .venv/bin/python benches/bench_cooccurrence.py --project c2000.theorize [--baseline /tmp/baseline-wt/src]

``--project`` prints the time and peak memory of ``study.cooccurrence(mode="segment")`` on a
project (make_corpus.py --project), and of the baseline library given, each in a fresh process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from theorize.analysis.cooccurrence import cooccurrence

N_CODINGS, N_SOURCES, N_CODES, SOURCE_LENGTH, REPEATS = 50_000, 100, 200, 50_000, 3


def codings(seed: int = 0) -> pd.DataFrame:
    """500 codings per 50,000-character source, 20-500 characters long; about 30 segments each."""
    rng = np.random.default_rng(seed)
    start = rng.integers(0, SOURCE_LENGTH, N_CODINGS)
    return pd.DataFrame(
        {
            "source_id": [f"interview_{s:03d}" for s in rng.integers(0, N_SOURCES, N_CODINGS)],
            "code_id": [f"code_{c:03d}" for c in rng.integers(0, N_CODES, N_CODINGS)],
            "start": start,
            "end": start + rng.integers(20, 500, N_CODINGS),
            "segment_index": start // 1_500,
        }
    )


def timed(label: str, call) -> object:
    times, result = [], None
    for _ in range(REPEATS):
        began = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - began)
    runs = ", ".join(f"{t:.3f}" for t in times)
    print(f"{label:<46} median {statistics.median(times):8.3f} s   (runs: {runs})")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=None, help="time study.cooccurrence() on this project")
    parser.add_argument("--baseline", type=Path, default=None, help="the baseline library's src folder")
    args = parser.parse_args()
    if args.project:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from make_corpus import compare

        compare('study.cooccurrence(mode="segment")', args.project, args.baseline)
        return
    data = codings()
    print(f"{len(data):,} codings, {N_SOURCES} sources, {N_CODES} codes, {REPEATS} runs each")
    counts = timed("overlap, count", lambda: cooccurrence(data))
    timed("overlap, jaccard", lambda: cooccurrence(data, measure="jaccard"))
    timed("overlap within 100 characters, count", lambda: cooccurrence(data, window=100))
    timed("segment, count", lambda: cooccurrence(data, mode="segment"))
    timed("segment within 1 segment, jaccard", lambda: cooccurrence(data, mode="segment", window=1, measure="jaccard"))
    pairs = (counts.to_numpy().sum() - np.trace(counts.to_numpy())) // 2
    print(f"overlapping pairs of codings of different codes: {pairs:,}")


if __name__ == "__main__":
    main()
