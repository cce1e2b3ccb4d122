"""Live updates across workers on PostgreSQL: NOTIFY against the 0.25 s poll it replaces.

Two projects opened on one PostgreSQL database stand for two worker processes. Prints, as medians
of several runs:

- the time of one coding action with the NOTIFY it now sends, and without it (the baseline), wall
  and CPU time;
- how long an action written through one project takes to reach the live feed of the other (the
  ``Feed`` of ``web/live.py``, without HTTP): woken by NOTIFY, and polling every 0.25 s (the
  baseline, what every worker did before and what SQLite still does).

Usage: THEORIZE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
       nice -n 10 python benches/bench_live_notify.py [--actions 200] [--samples 20] [--runs 3]
Loopback only; makes a schema of its own and drops it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import threading
import time
import uuid

import sqlalchemy

import theorize
from theorize.domain.sources import ParsedSource, Role, Turn
from theorize.store import audit as audit_module
from theorize.store.engine import database_url
from theorize.web import live


def _source() -> ParsedSource:
    words = "I felt so relieved. The judge said I was doing my time. " * 20
    return ParsedSource(name="maria.txt", text=words, turns=[Turn(0, len(words), "Maria", Role.PARTICIPANT)])


def action_times(study, n: int, notify: bool) -> tuple[float, float]:
    """Median wall ms and mean CPU ms of one coding action."""
    original = audit_module.notify_event
    if not notify:
        audit_module.notify_event = lambda conn, event_id: None
    try:
        walls, cpu0 = [], time.process_time()
        for i in range(n):
            t0 = time.perf_counter()
            study.code(1, "relief", start=i % 500, end=i % 500 + 5)
            walls.append(time.perf_counter() - t0)
        cpu = (time.process_time() - cpu0) / n
    finally:
        audit_module.notify_event = original
    return statistics.median(walls) * 1000, cpu * 1000


def delivery(writer, reader, samples: int, listen: bool) -> list[float]:
    """Seconds from an action's commit (through ``writer``) to its event on ``reader``'s feed."""
    saved = (live.can_listen, live.POLL_SECONDS)
    if not listen:
        live.can_listen = lambda engine: False
    live.POLL_SECONDS = 0.25
    out: list[float] = []

    async def main():
        feed = live.Feed(reader)
        queue = feed.join()
        await asyncio.sleep(0.5)  # the feed has read where the trail ends (and listens)
        for i in range(samples):
            committed: list[float] = []

            def write(i=i, committed=committed):
                writer.code(1, "relief", start=i, end=i + 5)
                committed.append(time.perf_counter())

            thread = threading.Thread(target=write)
            thread.start()
            await asyncio.wait_for(queue.get(), 10)
            heard = time.perf_counter()
            thread.join()
            out.append(max(0.0, heard - committed[0]))
            await asyncio.sleep(0.1 + (i % 5) * 0.037)  # land at different points of the poll cycle
        feed.leave(queue)
        await asyncio.sleep(0.3 if listen else 0.3)

    try:
        asyncio.run(main())
    finally:
        live.can_listen, live.POLL_SECONDS = saved
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    base = os.environ.get("THEORIZE_TEST_POSTGRES_URL")
    if not base:
        raise SystemExit("Set THEORIZE_TEST_POSTGRES_URL to a PostgreSQL server on loopback.")
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(database_url(base))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    try:
        first = theorize.create_project(url, title="bench", user="lena")
        first.import_parsed(_source(), participant="P01")
        first.add_code("relief")
        second = theorize.open_project(url, user="sam")
        rows = {True: [], False: []}
        for _ in range(args.runs):
            for notify in (False, True):
                rows[notify].append(action_times(first, args.actions, notify))
        print(f"One coding action on PostgreSQL, median of {args.runs} runs of {args.actions}:")
        for notify, label in ((False, "without NOTIFY (baseline)"), (True, "with NOTIFY")):
            wall = statistics.median(r[0] for r in rows[notify])
            cpu = statistics.median(r[1] for r in rows[notify])
            print(f"  {label:28} wall {wall:6.2f} ms   CPU {cpu:6.2f} ms")
        print(f"From commit on one worker to the other worker's feed ({args.samples} actions x {args.runs} runs):")
        for listen, label in ((False, "polling every 0.25 s (baseline)"), (True, "LISTEN/NOTIFY")):
            got = []
            cpu0 = time.process_time()
            for _ in range(args.runs):
                got += delivery(first, second, args.samples, listen)
            cpu = time.process_time() - cpu0
            got.sort()
            p95 = got[min(len(got) - 1, int(round(0.95 * (len(got) - 1))))]
            print(
                f"  {label:32} median {statistics.median(got) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms   "
                f"max {got[-1] * 1000:6.1f} ms   (process CPU {cpu:.2f} s)"
            )
        second.close()
        first.close()
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


if __name__ == "__main__":
    main()
