"""A coding team under load: simulated coders, each coding every few seconds, against
`theorize serve` on PostgreSQL with several workers (loopback only; bounded in coders and time;
stops by itself; works in a schema of its own that it drops after).

Issue 12's load: 20 coders, each coding every 2 s for 5 minutes on 4 workers (goal: p95 round trip
<= 50 ms, 0 errors, 0 lost codings, audit chain intact, server memory flat); then 100 coders for
60 s (p95 and errors). These are the defaults, run one phase after the other on one server.

Prints per phase: coding round trip (p50/p95/p99/max), errors, lost codings (acknowledged by the
server but not stored, counted against what was sent), the server's resident memory (all its
processes) at the start and end, and CPU: the server's processes, this client, PostgreSQL and the
whole machine (2 cores shared with other work make the round trip pessimistic). After all phases:
whether the audit chain is intact.

    THEORIZE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
        nice -n 5 .venv/bin/python benches/load_team.py                      # the issue's load
    ... benches/load_team.py --phase 20:60 --phase 100:30                    # shorter
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy

import theorize
from theorize.domain.sources import ParsedSource, Role, Turn
from theorize.store.engine import database_url

MAX_CODERS, MAX_SECONDS = 200, 600
GOAL_P95_MS = 50.0  # issue 12
SENTENCE = "I felt so relieved when the judge said I was doing my time and the worker listened to me. "
TICK = os.sysconf("SC_CLK_TCK")


def _source() -> ParsedSource:
    text, turns = "", []
    for n in range(120):
        speaker, role = ("Interviewer", Role.INTERVIEWER) if n % 2 == 0 else ("Maria", Role.PARTICIPANT)
        words = SENTENCE * (1 if n % 2 == 0 else 3)
        start = len(text) + len(speaker) + 2
        text += f"{speaker}: {words}\n"
        turns.append(Turn(start, start + len(words), speaker, role))
    return ParsedSource(name="load.txt", text=text, turns=turns)


# -- what the processes cost (from /proc) ------------------------------------------------------------
def _processes() -> dict[int, tuple[int, str, int]]:
    """pid -> (parent, command name, CPU ticks used)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                head, tail = (entry / "stat").read_text().rsplit(")", 1)
                fields = tail.split()
                out[int(entry.name)] = (int(fields[1]), head.split("(", 1)[1], int(fields[11]) + int(fields[12]))
            except (OSError, IndexError, ValueError):
                continue
    return out


def _tree(root: int, procs: dict) -> set[int]:
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, (parent, _, _) in procs.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    return tree


def _rss_mb(root: int) -> int:
    """Resident memory of a process and all its descendants, in MB."""
    total = 0
    for pid in _tree(root, _processes()):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total // 1024


@dataclass
class Cpu:
    """CPU seconds used so far: the server's processes, PostgreSQL's, this client's, the machine's."""

    server: float
    postgres: dict[int, int]  # CPU ticks of each PostgreSQL process
    client: float
    machine_busy: float
    machine_all: float

    @classmethod
    def now(cls, server_pid: int) -> Cpu:
        procs = _processes()
        tree = _tree(server_pid, procs)
        server = sum(procs[p][2] for p in tree if p in procs) / TICK
        postgres = {pid: ticks for pid, (_, name, ticks) in procs.items() if name.startswith("postgres")}
        times = os.times()
        cpu = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = cpu[3] + cpu[4]
        return cls(server, postgres, times.user + times.system, (sum(cpu) - idle) / TICK, sum(cpu) / TICK)

    def postgres_since(self, before: Cpu) -> float:
        """CPU seconds of the PostgreSQL processes alive at the end (one that ended is not counted)."""
        return sum(ticks - before.postgres.get(pid, 0) for pid, ticks in self.postgres.items()) / TICK

    def since(self, before: Cpu, wall: float) -> str:
        cores = os.cpu_count() or 1
        busy = (self.machine_busy - before.machine_busy) / max(1e-9, self.machine_all - before.machine_all)
        return (
            f"CPU over {wall:.0f} s: server {self.server - before.server:.0f} s, "
            f"PostgreSQL {self.postgres_since(before):.0f} s, this client {self.client - before.client:.0f} s; "
            f"machine {busy:.0%} busy of {cores} cores (everything on it), load average {os.getloadavg()[0]:.1f}"
        )


# -- the coders ----------------------------------------------------------------------------------------
@dataclass
class Phase:
    coders: int
    seconds: int
    latency: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sent: int = 0
    acknowledged: set[int] = field(default_factory=set)
    signed_in: int = 0
    sign_in_errors: list[str] = field(default_factory=list)


async def sign_in(base: str, name: str, password: str, phase: Phase, gate: asyncio.Semaphore):
    """A signed-in client and its CSRF token (Argon2id costs ~0.1 s of CPU: a few at a time)."""
    client = httpx.AsyncClient(base_url=base, timeout=10)
    async with gate:
        try:
            page = await client.get("/login", timeout=60)
            token = re.search(r'name="csrf" content="([^"]+)"', page.text).group(1)
            response = await client.post("/login", data={"name": name, "password": password, "csrf": token}, timeout=60)
            if response.status_code != 303:
                raise ValueError(f"sign-in answered {response.status_code}")
            token = re.search(r'name="csrf" content="([^"]+)"', (await client.get("/account")).text).group(1)
        except (httpx.HTTPError, ValueError, AttributeError) as error:
            phase.sign_in_errors.append(f"{type(error).__name__}: {error}")
            await client.aclose()
            return None
    phase.signed_in += 1
    return client, token


async def code_every(client, token, source_id, code_id, text_length, every, start_at, until, phase):
    await asyncio.sleep(max(0.0, start_at - time.monotonic()) + random.random() * every)  # spread over the interval
    while time.monotonic() < until:
        start = random.randrange(0, text_length - 60)
        end = start + random.randrange(5, 60)
        began = time.perf_counter()
        phase.sent += 1
        try:
            response = await client.post(
                f"/api/sources/{source_id}/codings",
                json={"code_id": code_id, "start": start, "end": end},
                headers={"x-csrf-token": token, "accept": "application/json"},
            )
            phase.latency.append(time.perf_counter() - began)
            if response.status_code == 201:
                phase.acknowledged.add(int(response.json()["id"]))
            else:
                phase.errors.append(f"{response.status_code} {response.text[:80]}")
        except httpx.HTTPError as error:
            phase.latency.append(time.perf_counter() - began)
            phase.errors.append(type(error).__name__)
        await asyncio.sleep(max(0.0, every - (time.perf_counter() - began)))


async def run_phase(base, server_pid, passwords, source_id, code_id, text_length, every, phase: Phase) -> dict:
    gate = asyncio.Semaphore(4)
    clients = await asyncio.gather(*(sign_in(base, n, pw, phase, gate) for n, pw in passwords.items()))
    clients = [c for c in clients if c is not None]
    memory = [_rss_mb(server_pid)]
    cpu = Cpu.now(server_pid)
    began = time.monotonic()
    start_at, until = began + 0.5, began + 0.5 + phase.seconds
    try:
        await asyncio.wait_for(
            asyncio.gather(
                *(
                    code_every(client, token, source_id, code_id, text_length, every, start_at, until, phase)
                    for client, token in clients
                )
            ),
            timeout=phase.seconds + 60,  # an answer never takes longer than the client's 10 s
        )
    finally:
        for client, _ in clients:
            await client.aclose()
    wall = time.monotonic() - began
    memory.append(_rss_mb(server_pid))
    return {"memory": memory, "cpu": Cpu.now(server_pid).since(cpu, wall), "wall": wall}


def report(phase: Phase, every: float, workers: int, found: dict, stored_ids: set[int]) -> None:
    lost = len(phase.acknowledged - stored_ids)
    lat = sorted(phase.latency)
    kinds: dict[str, int] = {}
    for error in phase.errors:
        kinds[error] = kinds.get(error, 0) + 1
    print(
        f"\n== {phase.coders} coders, one coding each every {every:g} s, {phase.seconds} s, {workers} workers "
        f"(PostgreSQL, loopback); coded for {found['wall']:.0f} s"
    )
    print(
        f"signed in {phase.signed_in} of {phase.coders} (sign-in failures {len(phase.sign_in_errors)}"
        + (f": {phase.sign_in_errors[0]}" if phase.sign_in_errors else "")
        + f"); codings sent {phase.sent}, acknowledged {len(phase.acknowledged)}, "
        f"acknowledged but not stored (lost) {lost}, errors {len(phase.errors)}"
        + (
            " (" + "; ".join(f"{n}x {k}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1])[:3]) + ")"
            if kinds
            else ""
        )
    )
    if lat:

        def p(q: float) -> float:
            return lat[min(len(lat) - 1, int(q * len(lat)))] * 1000

        print(
            f"round trip ms: p50 {p(0.5):.1f}  p95 {p(0.95):.1f}  p99 {p(0.99):.1f}  max {lat[-1] * 1000:.1f}  "
            f"mean {statistics.mean(lat) * 1000:.1f}   (issue 12 goal: p95 <= {GOAL_P95_MS:g})"
        )
    print(f"server memory MB (all its processes): start {found['memory'][0]}, end {found['memory'][-1]}")
    print(found["cpu"])


def _phase(text: str) -> tuple[int, int]:
    coders, _, seconds = text.partition(":")
    return min(int(coders), MAX_CODERS), min(int(seconds or 60), MAX_SECONDS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--phase",
        action="append",
        type=_phase,
        metavar="CODERS:SECONDS",
        help="coders and how long they code; repeat for phases one after the other (default 20:300 then 100:60)",
    )
    parser.add_argument("--every", type=float, default=2.0, help="seconds between one coder's codings")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    phases = [Phase(c, s) for c, s in (args.phase or [(20, 300), (100, 60)])]
    base_url = os.environ.get("THEORIZE_TEST_POSTGRES_URL")
    if not base_url:
        sys.exit("Set THEORIZE_TEST_POSTGRES_URL to a PostgreSQL server (a schema is made and dropped).")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # still drops the schema
    schema = f"load_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(database_url(base_url))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = f"{base_url}{'&' if '?' in base_url else '?'}options=-csearch_path%3D{schema}"
    server, log = None, tempfile.TemporaryFile()
    try:
        study = theorize.create_project(url, title="Load", user="owner")
        study.add_user("owner", role="owner")
        most = max(p.coders for p in phases)
        passwords = {f"coder{n:03d}": study.add_user(f"coder{n:03d}", role="coder")[1] for n in range(most)}
        study.import_parsed(_source(), participant="P01")
        study.add_code("relief", stage="initial")
        source_id, code_id = int(study.sources().iloc[0].id), int(study.codes().iloc[0].id)
        text_length = len(study.text(source_id))
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        command = [sys.executable, "-m", "theorize.cli.main", "serve", url, "--port", str(port)]
        command += ["--workers", str(args.workers), "--no-browser"]
        server = subprocess.Popen(
            command, env={**os.environ, "THEORIZE_USER": "owner"}, stdout=subprocess.DEVNULL, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        else:
            sys.exit("The server did not start within 30 s.")
        time.sleep(1.0)  # every worker up
        print(f"theorize {theorize.__version__}, {os.cpu_count()} cores, load average before {os.getloadavg()[0]:.1f}")
        for phase in phases:
            team = dict(list(passwords.items())[: phase.coders])
            found = asyncio.run(run_phase(base, server.pid, team, source_id, code_id, text_length, args.every, phase))
            stored_ids = set(int(i) for i in study.codings(source=source_id).id)
            report(phase, args.every, args.workers, found, stored_ids)
        stored = len(study.codings(source=source_id))
        sent = sum(p.sent for p in phases)
        print(f"\nall phases: codings sent {sent}, stored {stored} (a timed-out request may still have been stored)")
        print(f"audit chain after: {'intact' if study.verify_audit().ok else 'BROKEN'}")
        study.close()
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
            log.seek(0)
            tail = log.read().decode("utf-8", "replace").strip().splitlines()[-5:]
            if tail:
                print("server said (last lines):\n  " + "\n  ".join(tail))
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


if __name__ == "__main__":
    main()
