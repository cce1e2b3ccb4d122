"""Time `audit verify`: the hash chain alone, with an anchor, and the deep check that replays every
recorded change and compares every table.

Run: .venv/bin/python benches/bench_audit_verify.py [--project FILE] [--repeats R]

Without ``--project`` the demo study is built (without its report) in a temporary folder. Make a
bigger project with ``benches/make_corpus.py 200 --project /tmp/c200.theorize``. Prints the events,
the rows compared and the median seconds of R runs. Numbers, not pass/fail.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import theorize


def median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.project
        if path is None:
            from theorize.demo import build_demo

            build_demo(Path(tmp) / "demo", outputs=False)
            path = Path(tmp) / "demo" / "demo-study.theorize"
        study = theorize.open_project(path)
        anchor = study.audit_anchor()
        deep = study.verify_audit(deep=True)
        print(
            f"project: {path.name}, {deep.events:,} events, {deep.rows_checked:,} rows compared, "
            f"{len(deep.differences)} differences"
        )
        for label, fn in (
            ("chain", lambda: study.verify_audit()),
            ("chain + anchor", lambda: study.verify_audit(anchor=anchor)),
            ("chain + deep", lambda: study.verify_audit(deep=True)),
        ):
            print(f"{label:>15}: {median_seconds(fn, args.repeats):.3f} s (median of {args.repeats})")
        study.close()


if __name__ == "__main__":
    main()
