"""Time nominal Krippendorff's alpha on 1,000,000 units x 3 coders: ours vs the krippendorff package.

Run: .venv/bin/python benches/bench_alpha.py [--units N] [--repeats R] [--seed S]

Prints the median of R runs for each implementation on the same seeded data, their ratio, and
whether the two values agree. Numbers, not pass/fail.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--coders", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()

    data = make_data(args.units, args.coders, args.seed)
    print(f"data: {args.units:,} units x {args.coders} coders, nominal, 5 values, 10% missing, "
          f"seed {args.seed}")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"numpy {np.__version__}")

    ours_t, ours = median_time(lambda: krippendorff_alpha(data, "nominal"), args.repeats)
    print(f"theorize krippendorff_alpha: {ours_t:8.3f} s  (median of {args.repeats})  "
          f"alpha = {ours:.10f}")
    try:
        import krippendorff
    except ImportError:
        print("krippendorff package not installed (pip install krippendorff): no comparison")
        return
    theirs_t, theirs = median_time(
        lambda: krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"), args.repeats
    )
    version = importlib.metadata.version("krippendorff")
    print(f"krippendorff {version} alpha: {theirs_t:8.3f} s  "
          f"(median of {args.repeats})  alpha = {theirs:.10f}")
    print(f"ratio (krippendorff / theorize): {theirs_t / ours_t:.2f}x")
    agree = abs(ours - theirs) <= 1e-9
    print(f"values agree to 1e-9: {agree}  (difference {abs(ours - theirs):.2e})")


if __name__ == "__main__":
    main()
