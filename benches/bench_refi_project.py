"""REFI-QDA export and re-import of a 200-interview, 50,000-coding project, through the project.

    python benches/bench_refi_project.py [--n 200] [--codings 50000] [--runs 3]

Target (issue 5): export and re-import each <= 10 s, memory <= 1 GB. (bench_refi.py times the
file reader and writer alone, on an in-memory model.)
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_open import build  # noqa: E402

import theorize  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--codings", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        project = build(args.n, args.codings, tmp)
        exports, imports = [], []
        for r in range(args.runs):
            study = theorize.open_project(project, user="bench")
            t0 = time.perf_counter()
            study.export_refi(tmp / f"big{r}.qdpx")
            exports.append(time.perf_counter() - t0)
            study.close()
            target = theorize.create_project(tmp / f"again{r}.theorize", user="bench")
            t0 = time.perf_counter()
            report = target.import_refi(tmp / f"big{r}.qdpx")
            imports.append(time.perf_counter() - t0)
            target.close()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size = (tmp / "big0.qdpx").stat().st_size / 1e6
        print(
            f"export {statistics.median(exports):.2f} s, re-import {statistics.median(imports):.2f} s "
            f"(median of {args.runs}); {report.carried['Coding']:,} codings; file {size:.1f} MB; peak memory {peak:.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
