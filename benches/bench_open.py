"""Open a 200-source, 50,000-coding project and list one source's codings.

    python benches/bench_open.py [--n 200] [--codings 50000]

Target (issue 2): open + list one source's codings in < 100 ms; memory under 1 GB throughout.
Builds the project once with the public API (import_file, code_many), then times fresh opens.
"""

from __future__ import annotations

import argparse
import csv
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_corpus import make_corpus  # noqa: E402

import theorize  # noqa: E402

FOCUSED = "focused"


def build(n: int, max_codings: int, folder: Path) -> Path:
    files = make_corpus(n, folder / "corpus", words=10_000, formats=("txt", "vtt"))
    project = folder / "big.theorize"
    study = theorize.create_project(project, user="bench")
    for path in files:
        study.import_file(path)
    rows = []
    with (folder / "corpus" / "codings.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rows.append(row)
    codes = sorted({r["code"] for r in rows})
    for code in codes:
        study.add_code(code, stage="initial")
    coders = {"A": "Dr. Lena Marsh", "B": "Sam Okoye"}
    batch, done = [], 0
    for row in rows[:max_codings]:
        batch.append(
            {
                "source": row["source"],
                "code": row["code"],
                "quote": row["quote"],
                "occurrence": int(row["occurrence"]),
                "coder": coders.get(row["coder"], row["coder"]),
            }
        )
        if len(batch) == 5000:
            done += len(study.code_many(batch))
            batch = []
    if batch:
        done += len(study.code_many(batch))
    study.close()
    print(f"built {n} sources with {done:,} codings")
    return project


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--codings", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        project = build(args.n, args.codings, Path(tmp))
        print(f"build took {time.perf_counter() - t0:.1f} s")
        with theorize.open_project(project, user="bench") as study:
            names = list(study.codings(with_text=False).source.unique())
        times = []
        for i in range(args.runs):
            name = names[(i * 37) % len(names)]
            t0 = time.perf_counter()
            study = theorize.open_project(project, user="bench")
            listing = study.codings(name)
            times.append(time.perf_counter() - t0)
            study.close()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"open + list one source's codings ({len(listing)} rows): median {statistics.median(times) * 1000:.0f} ms "
            f"over {args.runs} opens; peak memory {peak:.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
