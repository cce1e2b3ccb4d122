"""How long a write waits while another process holds the project, before the one-sentence refusal.

Another process holds the write lock (as a long folder import does); a library call and a CLI
command each try to write, and this prints how long each waited and what it said.

    python benches/bench_lock_wait.py            # the defaults: library 10 s, CLI 120 s
    python benches/bench_lock_wait.py --cli 5    # a shorter CLI wait (THEORIZE_LOCK_WAIT)
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import theorize
from theorize.errors import Busy
from theorize.store.engine import make_engine, write_transaction


def hold(location: str, held, release) -> None:
    engine = make_engine(location)
    with write_transaction(engine):
        held.set()
        release.wait(600)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", type=float, default=None, help="THEORIZE_LOCK_WAIT for the CLI (default: unset)")
    parser.add_argument("--project", default=None, help="a .theorize file or postgresql:// URL (default: a new file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        location = args.project or str(Path(tmp) / "study.theorize")
        theorize.create_project(location, user="bench").close()
        spawn = multiprocessing.get_context("spawn")
        held, release = spawn.Event(), spawn.Event()
        holder = spawn.Process(target=hold, args=(location, held, release))
        holder.start()
        held.wait(120)
        try:
            study = theorize.open_project(location, user="bench")
            start = time.monotonic()
            try:
                study.add_code("waiting")
                said = "(no refusal)"
            except Busy as error:
                said = str(error)
            print(f"library: refused after {time.monotonic() - start:6.2f} s (lock_wait {study.lock_wait:g} s): {said}")
            study.close()
            env = dict(os.environ)
            env.pop("THEORIZE_LOCK_WAIT", None)
            if args.cli is not None:
                env["THEORIZE_LOCK_WAIT"] = str(args.cli)
            start = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-m", "theorize.cli.main", "-p", location, "codes", "add", "waiting"],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            print(
                f"CLI:     exit {done.returncode} after {time.monotonic() - start:6.2f} s "
                f"(start-up included): {done.stderr.strip()}"
            )
            print(f"         stderr lines: {len(done.stderr.strip().splitlines())}")
        finally:
            release.set()
            holder.join(60)


if __name__ == "__main__":
    main()
