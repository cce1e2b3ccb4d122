"""Benchmark: bootstrap_saturation over 1,000 random orders of 60 interviews x 1,000 codes.

Prints the median wall time of 3 runs (target: <= 3 s on 2 cores). Run:

    .venv/bin/python benches/bench_saturation.py
    .venv/bin/python benches/bench_saturation.py --project c2000.theorize [--baseline /tmp/baseline-wt/src]

``--project`` prints the time and peak memory of ``study.saturation()`` on a project (make one with
make_corpus.py --project), and of the baseline library given, each in a fresh process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from theorize.analysis.richness import accumulation_curve, chao2
from theorize.analysis.saturation import bootstrap_saturation, guest_saturation

N_INTERVIEWS, N_CODES, N_ORDERS, REPEATS = 60, 1_000, 1_000, 3


def incidence(seed: int = 0) -> pd.DataFrame:
    """A skewed code prevalence (a few common codes, many rare ones), as in real codebooks."""
    rng = np.random.default_rng(seed)
    prevalence = rng.beta(0.3, 4.0, size=N_CODES)
    table = (rng.random((N_INTERVIEWS, N_CODES)) < prevalence).astype(np.int8)
    return pd.DataFrame(
        table, index=[f"I{i:02d}" for i in range(1, N_INTERVIEWS + 1)], columns=[f"code{j:04d}" for j in range(N_CODES)]
    )


def timed(label: str, call) -> None:
    times = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    runs = ", ".join(f"{t:.3f}" for t in times)
    print(f"{label:<58} median {statistics.median(times):8.3f} s   (runs: {runs})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=None, help="time study.saturation() on this project")
    parser.add_argument("--baseline", type=Path, default=None, help="the baseline library's src folder")
    args = parser.parse_args()
    if args.project:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from make_corpus import compare

        compare("study.saturation()", args.project, args.baseline)
        return
    data = incidence()
    print(
        f"{N_INTERVIEWS} interviews x {N_CODES} codes ({int((data.to_numpy() > 0).any(axis=0).sum())} observed), "
        f"{REPEATS} runs each"
    )
    timed(f"bootstrap_saturation, {N_ORDERS:,} orders, jump", lambda: bootstrap_saturation(data, N_ORDERS, seed=1))
    timed(
        f"bootstrap_saturation, {N_ORDERS:,} orders, slide",
        lambda: bootstrap_saturation(data, N_ORDERS, run_mode="slide", seed=1),
    )
    timed("guest_saturation (one order)", lambda: guest_saturation(data))
    timed("chao2", lambda: chao2(data))
    timed("accumulation_curve (exact, with SD)", lambda: accumulation_curve(data))


if __name__ == "__main__":
    main()
