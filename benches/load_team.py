"""A coding team under load: N simulated coders, each coding every few seconds, against
`theorize serve` on PostgreSQL with several workers (loopback only; bounded in coders and time;
stops by itself).

Prints: coding round trip (p50/p95/max), errors, lost codings (acknowledged by the server but not
stored, counted against what was sent), whether the audit chain is intact after, and the server's
resident memory over time (all its processes).

    THEORIZE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benches/load_team.py --coders 20 --seconds 90 --workers 4
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
import time
import uuid
from pathlib import Path

import httpx
import sqlalchemy

import theorize
from theorize.domain.sources import ParsedSource, Role, Turn
from theorize.store.engine import database_url

MAX_CODERS, MAX_SECONDS = 200, 600
SENTENCE = "I felt so relieved when the judge said I was doing my time and the worker listened to me. "


def _source() -> ParsedSource:
    text, turns = "", []
    for n in range(120):
        speaker, role = ("Interviewer", Role.INTERVIEWER) if n % 2 == 0 else ("Maria", Role.PARTICIPANT)
        words = SENTENCE * (1 if n % 2 == 0 else 3)
        start = len(text) + len(speaker) + 2
        text += f"{speaker}: {words}\n"
        turns.append(Turn(start, start + len(words), speaker, role))
    return ParsedSource(name="load.txt", text=text, turns=turns)


def _rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants, in kB (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


async def coder(
    base: str,
    name: str,
    password: str,
    source_id: int,
    code_id: int,
    text_length: int,
    every: float,
    until: float,
    out: dict,
    signing_in: asyncio.Semaphore,
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        async with signing_in:  # Argon2id costs ~0.1 s of CPU a sign-in: a few at a time (not measured)
            try:
                page = await client.get("/login", timeout=60)
                token = re.search(r'name="csrf" content="([^"]+)"', page.text).group(1)
                response = await client.post(
                    "/login", data={"name": name, "password": password, "csrf": token}, timeout=60
                )
                token = re.search(r'name="csrf" content="([^"]+)"', (await client.get("/account")).text).group(1)
            except httpx.HTTPError as error:
                out["sign_in_errors"].append(type(error).__name__)
                return
        if response.status_code != 303:
            out["sign_in_errors"].append(str(response.status_code))
            return
        out["signed_in"] += 1
        await asyncio.sleep(random.random() * every)  # spread the coders over the interval
        while time.monotonic() < until:
            start = random.randrange(0, text_length - 60)
            end = start + random.randrange(5, 60)
            began = time.perf_counter()
            try:
                response = await client.post(
                    f"/api/sources/{source_id}/codings",
                    json={"code_id": code_id, "start": start, "end": end},
                    headers={"x-csrf-token": token, "accept": "application/json"},
                )
                out["latency"].append(time.perf_counter() - began)
                out["sent"] += 1
                if response.status_code == 201:
                    out["acknowledged"][name] = out["acknowledged"].get(name, 0) + 1
                else:
                    out["errors"].append(f"{response.status_code} {response.text[:80]}")
            except httpx.HTTPError as error:
                out["sent"] += 1
                out["errors"].append(type(error).__name__)
            await asyncio.sleep(max(0.0, every - (time.perf_counter() - began)))


async def sample_memory(pid: int, until: float, samples: list) -> None:
    start = time.monotonic()
    while time.monotonic() < until:
        samples.append((round(time.monotonic() - start), _rss_kb(pid) // 1024))
        await asyncio.sleep(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coders", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between one coder's codings")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    coders, seconds = min(args.coders, MAX_CODERS), min(args.seconds, MAX_SECONDS)
    base_url = os.environ.get("THEORIZE_TEST_POSTGRES_URL")
    if not base_url:
        sys.exit("Set THEORIZE_TEST_POSTGRES_URL to a PostgreSQL server (a schema is made and dropped).")
    schema = f"load_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(database_url(base_url))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = f"{base_url}{'&' if '?' in base_url else '?'}options=-csearch_path%3D{schema}"
    server = None
    try:
        study = theorize.create_project(url, title="Load", user="owner")
        study.add_user("owner", role="owner")
        passwords = {f"coder{n:03d}": study.add_user(f"coder{n:03d}", role="coder")[1] for n in range(coders)}
        study.import_parsed(_source(), participant="P01")
        study.add_code("relief", stage="initial")
        source_id, code_id = int(study.sources().iloc[0].id), int(study.codes().iloc[0].id)
        text_length = len(study.text(source_id))
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        env = {**os.environ, "THEORIZE_USER": "owner"}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "theorize.cli.main",
                "serve",
                url,
                "--port",
                str(port),
                "--workers",
                str(args.workers),
                "--no-browser",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
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
        out: dict = {"latency": [], "errors": [], "sent": 0, "acknowledged": {}, "signed_in": 0, "sign_in_errors": []}
        memory: list = []

        async def run() -> None:
            until = time.monotonic() + seconds
            signing_in = asyncio.Semaphore(4)
            await asyncio.gather(
                sample_memory(server.pid, until, memory),
                *(
                    coder(base, name, pw, source_id, code_id, text_length, args.every, until, out, signing_in)
                    for name, pw in passwords.items()
                ),
            )

        began = time.monotonic()
        asyncio.run(run())
        took = time.monotonic() - began
        stored = study.codings(source=source_id).groupby("coder").size().to_dict()
        lost = sum(max(0, n - stored.get(name, 0)) for name, n in out["acknowledged"].items())
        report = study.verify_audit()
        lat = sorted(out["latency"])
        p = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000) if lat else (lambda q: float("nan"))
        print(
            f"{coders} coders, one coding each every {args.every:g} s, {seconds} s, {args.workers} workers "
            f"(PostgreSQL, loopback); ran {took:.0f} s"
        )
        print(
            f"signed in {out['signed_in']} of {coders} (sign-in failures {len(out['sign_in_errors'])}); "
            f"codings sent {out['sent']}, acknowledged {sum(out['acknowledged'].values())}, "
            f"stored {sum(stored.values())}, lost {lost}, errors {len(out['errors'])}"
            + (f" (first: {out['errors'][0]})" if out["errors"] else "")
        )
        if lat:
            print(
                f"round trip ms: p50 {p(0.5):.1f}  p95 {p(0.95):.1f}  p99 {p(0.99):.1f}  max {lat[-1] * 1000:.1f}"
                f"  mean {statistics.mean(lat) * 1000:.1f}"
            )
        print(f"audit chain after: {'intact' if report.ok else 'BROKEN'}")
        print("server memory (s: MB, all processes): " + ", ".join(f"{t}: {mb}" for t, mb in memory))
        study.close()
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


if __name__ == "__main__":
    main()
