"""Start-up: how long a command takes from the shell, against `python -c "import sqlite3"` in the same run.

Each command runs as a new process, the way a researcher types it; every run of a command is paired
with a run of the baseline just before it, and the figure is the median over the rounds (the time
and the ratio of each pair), so a busy machine moves both sides of a ratio alike.

    python benches/bench_startup.py                 # builds the demo study in a temporary folder
    python benches/bench_startup.py --project demo-study/demo-study.theorize --rounds 9

Goals (issue 10): `theorize --help` <= 0.3 s, `theorize codes` on the demo <= 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASELINE = [sys.executable, "-c", "import sqlite3"]


def theorize_command() -> list[str]:
    script = Path(sys.executable).with_name("theorize")
    return [str(script)] if script.exists() else [sys.executable, "-m", "theorize.cli.main"]


def timed(argv: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.strip()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=None, help="A built demo project (default: build one).")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    theorize = theorize_command()
    env = {**os.environ, "THEORIZE_USER": "bench", "COLUMNS": "80"}
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
        p = ["-p", str(project)]
        commands = {
            "theorize --help": [*theorize, "--help"],
            "theorize codes": [*theorize, *p, "codes"],
            "theorize sources": [*theorize, *p, "sources"],
            "theorize show C03_interview.txt --turns 1-6": [
                *theorize,
                *p,
                "show",
                "C03_interview.txt",
                "--turns",
                "1-6",
            ],
            "theorize memo": [*theorize, *p, "memo"],
            "theorize codes --json": [*theorize, *p, "codes", "--json"],
        }
        for argv in [BASELINE, *commands.values()]:  # warm the file cache once
            timed(argv, env)
        base_all: list[float] = []
        print(f"{'command':48} {'median s':>9} {'x sqlite3':>10}")
        for label, argv in commands.items():
            pairs = []
            for _ in range(args.rounds):
                base = timed(BASELINE, env)
                pairs.append((timed(argv, env), base))
                base_all.append(base)
            seconds = statistics.median(t for t, _ in pairs)
            ratio = statistics.median(t / b for t, b in pairs)
            print(f"{label:48} {seconds:9.3f} {ratio:10.1f}")
        label = 'python -c "import sqlite3" (baseline)'
        print(f"{label:48} {statistics.median(base_all):9.3f} {1.0:10.1f}")


if __name__ == "__main__":
    main()
