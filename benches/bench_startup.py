"""Start-up: how long a command takes from the shell, against `python -c "import sqlite3"` in the same run.

Each command runs as a new process, the way a researcher types it; every run of a command is paired
with a run of the baseline just before it, and the figure is the median over the rounds (the time
and the ratio of each pair), so a busy machine moves both sides of a ratio alike. CPU seconds (user +
system, of the process and its children) are printed beside the wall time, with their own ratio:
on a shared machine CPU time is what the command costs, wall time is what a researcher waits.

    python benches/bench_startup.py                 # builds the demo study in a temporary folder
    python benches/bench_startup.py --project demo-study/demo-study.theorize --rounds 9
    python benches/bench_startup.py --tree HEAD --tree 9cf8c3b  # committed trees (git archive), not the
                                                    # working copy (which may hold others' unfinished edits)

Goals (issue 10): `theorize --help` <= 0.3 s, `theorize codes` on the demo <= 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from revisions import unpack  # benches/ is on the path when a bench runs

BASELINE = [sys.executable, "-c", "import sqlite3"]


def theorize_command() -> list[str]:
    script = Path(sys.executable).with_name("theorize")
    return [str(script)] if script.exists() else [sys.executable, "-m", "theorize.cli.main"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of ``argv``."""
    cpu = _children_cpu()
    began = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.strip()}")
    return elapsed, _children_cpu() - cpu


def bench(label: str, theorize: list[str], project: Path, env: dict[str, str], rounds: int) -> None:
    p = ["-p", str(project)]
    commands = {
        "theorize --help": [*theorize, "--help"],
        "theorize codes": [*theorize, *p, "codes"],
        "theorize sources": [*theorize, *p, "sources"],
        "theorize show C03_interview.txt --turns 1-6": [*theorize, *p, "show", "C03_interview.txt", "--turns", "1-6"],
        "theorize memo": [*theorize, *p, "memo"],
        "theorize codes --json": [*theorize, *p, "codes", "--json"],
    }
    for argv in [BASELINE, *commands.values()]:  # warm the file cache once
        timed(argv, env)
    base_all: list[tuple[float, float]] = []
    print(f"\n{label}: median of {rounds} rounds")
    print(f"{'command':46} {'wall s':>7} {'x sqlite3':>9} {'cpu s':>6} {'x sqlite3':>9}")
    for name, argv in commands.items():
        pairs = []
        for _ in range(rounds):
            base = timed(BASELINE, env)
            pairs.append((timed(argv, env), base))
            base_all.append(base)
        wall = statistics.median(t[0] for t, _ in pairs)
        ratio = statistics.median(t[0] / b[0] for t, b in pairs)
        cpu = statistics.median(t[1] for t, _ in pairs)
        cpu_ratio = statistics.median(t[1] / max(b[1], 1e-3) for t, b in pairs)
        print(f"{name:46} {wall:7.3f} {ratio:9.1f} {cpu:6.3f} {cpu_ratio:9.1f}", flush=True)
    name = 'python -c "import sqlite3" (baseline)'
    wall, cpu = statistics.median(b[0] for b in base_all), statistics.median(b[1] for b in base_all)
    print(f"{name:46} {wall:7.3f} {1.0:9.1f} {cpu:6.3f} {1.0:9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=None, help="A built demo project (default: build one).")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--tree",
        action="append",
        default=[],
        help="a git revision whose src/ to time (repeatable); default: the working copy",
    )
    args = parser.parse_args()
    theorize = theorize_command()
    env = {**os.environ, "THEORIZE_USER": "bench", "COLUMNS": "80"}
    env.pop("PYTHONPATH", None)
    with tempfile.TemporaryDirectory() as tmp:
        project = args.project
        if project is None:
            subprocess.run(
                [*theorize, "demo", str(Path(tmp) / "demo")],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
            )
            project = Path(tmp) / "demo" / "demo-study.theorize"
        if not args.tree:
            bench("working copy", theorize, project, env, args.rounds)
        for i, revision in enumerate(args.tree):
            src = unpack(revision, Path(tmp) / f"tree{i}")
            # the entry point script imports theorize from PYTHONPATH first
            bench(revision, theorize, project, {**env, "PYTHONPATH": str(src)}, args.rounds)


if __name__ == "__main__":
    main()
