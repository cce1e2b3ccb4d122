"""Time nominal Krippendorff's alpha on 1,000,000 units x 3 coders: ours vs the krippendorff package;
the coverage of the 95% interval of alpha over all codes; agreement on a whole project.

Run: .venv/bin/python benches/bench_alpha.py [--units N] [--repeats R] [--seed S]
     .venv/bin/python benches/bench_alpha.py --coverage [--replications 400]
     .venv/bin/python benches/bench_alpha.py --project c200.theorize [--baseline /tmp/baseline-wt/src]

Prints the median of R runs for each implementation on the same seeded data, their ratio, and
whether the two values agree. ``--coverage`` simulates coded turns whose codes share the turn's
difficulty and prints how often each interval over all codes holds the true alpha: resampling
(code, turn) cells one by one (the old way) and resampling turns. ``--project`` prints the time and
peak memory of ``study.agreement()`` on a project (make one with make_corpus.py --project), and of
the baseline library given. Numbers, not pass/fail.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import statistics
import time

import numpy as np

from theorize.analysis import krippendorff_alpha


def make_data(units: int, coders: int, seed: int) -> np.ndarray:
    """Nominal ratings 0-4: each coder copies a true value 80% of the time, 10% missing."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 5, units)
    data = np.where(rng.random((coders, units)) < 0.8, truth, rng.integers(0, 5, (coders, units)))
    data = data.astype(float)
    data[rng.random(data.shape) < 0.1] = np.nan
    return data


def median_time(fn, repeats: int) -> tuple[float, float]:
    times, value = [], float("nan")
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def coded_turns(turns: int, codes: int, rng: np.random.Generator) -> np.ndarray:
    """Two coders x codes x turns, 0/1: each turn has a difficulty shared by all its codes, so a
    hard turn brings misses and stray codes on several codes at once, as in real transcripts."""
    prevalence = rng.beta(1.0, 5.0, size=codes)
    difficulty = rng.beta(0.4, 1.2, size=turns)
    truth = rng.random((codes, turns)) < prevalence[:, None]
    miss = rng.random((2, codes, turns)) < difficulty[None, None, :]
    stray = rng.random((2, codes, turns)) < 0.5 * difficulty[None, None, :] * prevalence[None, :, None]
    return np.where(truth[None], ~miss, stray).astype(np.int8)


def _pooled_alpha(data: np.ndarray) -> float:
    n1 = data.sum(axis=0)  # codes x turns: coders giving the code
    d = (2 * n1 * (2 - n1)).sum()
    n = 2 * n1.size
    ones = n1.sum()
    return 1 - (n - 1) * d / (2 * ones * (n - ones))


def interval_coverage(
    replications: int = 400, *, turns: int = 300, codes: int = 20, resamples: int = 500, seed: int = 1
) -> dict[str, float]:
    """How often the 95% interval of alpha over all codes holds the true alpha, per method."""
    from theorize.analysis import krippendorff_alpha_ci
    from theorize.analysis.presence_agreement import presence_agreement

    rng = np.random.default_rng(seed)
    truth = _pooled_alpha(coded_turns(400_000, codes, np.random.default_rng(seed + 1)))
    hits = {"cells": 0, "turns": 0}
    widths = {"cells": [], "turns": []}
    for _ in range(replications):
        data = coded_turns(turns, codes, rng)
        pooled = data.reshape(2, codes * turns)
        cells = krippendorff_alpha_ci(pooled, n_resamples=resamples, rng=rng)
        c, k, u = np.nonzero(data)
        units = presence_agreement(
            c, u, k, n_units=turns, coders=["a", "b"], codes=list(range(codes)), n_resamples=resamples, rng=rng
        ).overall
        for name, low, high in (
            ("cells", cells.ci_low, cells.ci_high),
            ("turns", units["alpha_ci_low"], units["alpha_ci_high"]),
        ):
            hits[name] += low <= truth <= high
            widths[name].append(high - low)
    return {
        "true_alpha": truth,
        **{f"coverage_{k}": v / replications for k, v in hits.items()},
        **{f"width_{k}": float(np.mean(v)) for k, v in widths.items()},
    }


def project_figures(project: str, baseline: str | None) -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from make_corpus import compare

    compare("study.agreement()", Path(project), Path(baseline) if baseline else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coverage", action="store_true", help="simulate the coverage of the interval over all codes")
    parser.add_argument("--replications", type=int, default=400)
    parser.add_argument("--project", default=None, help="time study.agreement() on this project")
    parser.add_argument("--baseline", default=None, help="the baseline library's src folder, e.g. of a git worktree")
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--coders", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    if args.coverage:
        figures = interval_coverage(args.replications)
        print(
            f"true alpha over all codes {figures['true_alpha']:.4f}; {args.replications} replications of "
            "300 turns x 20 codes, 2 coders, 95% intervals from 500 resamples"
        )
        for name, what in (("cells", "resampling (code, turn) cells one by one"), ("turns", "resampling turns")):
            print(f"  {what:42s} coverage {figures[f'coverage_{name}']:.3f}, mean width {figures[f'width_{name}']:.4f}")
        return
    if args.project:
        project_figures(args.project, args.baseline)
        return

    data = make_data(args.units, args.coders, args.seed)
    print(f"data: {args.units:,} units x {args.coders} coders, nominal, 5 values, 10% missing, seed {args.seed}")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, numpy {np.__version__}")

    ours_t, ours = median_time(lambda: krippendorff_alpha(data, "nominal"), args.repeats)
    print(f"theorize krippendorff_alpha: {ours_t:8.3f} s  (median of {args.repeats})  alpha = {ours:.10f}")
    try:
        import krippendorff
    except ImportError:
        print("krippendorff package not installed (pip install krippendorff): no comparison")
        return
    theirs_t, theirs = median_time(
        lambda: krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"), args.repeats
    )
    version = importlib.metadata.version("krippendorff")
    print(f"krippendorff {version} alpha: {theirs_t:8.3f} s  (median of {args.repeats})  alpha = {theirs:.10f}")
    print(f"ratio (krippendorff / theorize): {theirs_t / ours_t:.2f}x")
    agree = abs(ours - theirs) <= 1e-9
    print(f"values agree to 1e-9: {agree}  (difference {abs(ours - theirs):.2e})")


if __name__ == "__main__":
    main()
