"""Reading many files ahead in a worker process, while the caller writes the ones already read.

``read_many`` yields ``(path, parsed)`` in the order of the paths, where ``parsed`` is a
``ParsedSource`` (read here), the compact tuple a worker sends back (see ``compact``), or the
sentence that says why a file could not be read.

The worker only reads. It dies with the process that started it: on Linux the kernel sends it
SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``), and everywhere a watcher thread ends
it once the parent's sentinel closes or the parent process id changes. Workers start with
``fork`` where the platform has it, or ``spawn`` (the only method on Windows and the default on
macOS); either can be asked for.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from theorize.domain.sources import ParsedSource
from theorize.errors import InvalidInput, TheorizeError

START_METHODS = ("fork", "spawn", "forkserver")
WORTH_A_WORKER = 8
"""Fewer files than this are read in the calling process when the number of workers is not given."""

_PR_SET_PDEATHSIG = 1
_WATCH_SECONDS = 0.5

Compact = tuple[dict[str, Any], list[tuple], None]
Read = ParsedSource | Compact | str


def read_one(path: Path, options: dict[str, Any]) -> ParsedSource | str:
    """Read one file; a file that cannot be read gives its sentence instead."""
    from theorize.ingest.registry import read_source

    try:
        return read_source(path, **options)
    except TheorizeError as exc:
        return str(exc)


def compact(parsed: ParsedSource) -> Compact:
    """A ParsedSource as plain values: turns as tuples, which cross processes ten times faster
    than Turn objects (their Role enums are slow to unpickle)."""
    turns = [(x.start, x.end, x.speaker, x.role.value, x.started_at, x.ended_at) for x in parsed.turns]
    fields = {
        "name": parsed.name,
        "text": parsed.text,
        "file_format": parsed.file_format,
        "kind": parsed.kind.value,
        "participant": parsed.participant,
        "metadata": parsed.metadata,
        "notes": list(parsed.notes),
    }
    return fields, turns, None  # words are counted by the writer, which has time to spare


def _read_compact(job: tuple[Path, dict[str, Any]]) -> Compact | str:
    parsed = read_one(*job)
    return parsed if isinstance(parsed, str) else compact(parsed)


def default_start_method() -> str:
    """``fork`` where the platform offers it (workers need not import the caller again), else ``spawn``."""
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def read_many(
    paths: Sequence[Path],
    options: dict[str, Any],
    *,
    workers: int | None = None,
    start_method: str | None = None,
) -> Iterator[tuple[Path, Read]]:
    """Read files in order, ahead of the caller, in worker processes when worth it.

    Args:
        paths: the files.
        options: keyword arguments for ``read_source``.
        workers: worker processes; 0 reads here; None picks one fewer than the cores, and reads
            here when there are fewer than eight files or one core.
        start_method: "fork", "spawn" or "forkserver"; None picks ``default_start_method()``.

    Raises:
        InvalidInput: the start method is not one this platform offers.
    """
    method = start_method or default_start_method()
    if method not in multiprocessing.get_all_start_methods():
        offered = ", ".join(multiprocessing.get_all_start_methods())
        raise InvalidInput(f"{method!r} is not a way this computer can start workers; use one of {offered}")
    cores = os.cpu_count() or 1
    if workers is None:
        workers = 0 if len(paths) < WORTH_A_WORKER or cores < 2 else max(1, cores - 1)
    if workers <= 0 or not paths:
        for path in paths:
            yield path, read_one(path, options)
        return
    context = multiprocessing.get_context(method)
    jobs = [(p, options) for p in paths]
    with ProcessPoolExecutor(
        max_workers=min(workers, len(paths)), mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        yield from zip(paths, pool.map(_read_compact, jobs, chunksize=4))


def die_with_parent(parent_pid: int) -> None:
    """Make this (worker) process end when the process ``parent_pid`` ends, however it ends."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the watcher below still works
            pass
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)
    watcher = threading.Thread(target=_watch_parent, args=(parent_pid,), name="watch parent", daemon=True)
    watcher.start()


def _watch_parent(parent_pid: int) -> None:
    parent = multiprocessing.parent_process()
    sentinel = getattr(parent, "sentinel", None) if parent is not None else None
    while True:
        if sentinel is not None:
            try:
                if multiprocessing.connection.wait([sentinel], timeout=_WATCH_SECONDS):
                    os._exit(1)
            except OSError:
                sentinel = None
        else:
            threading.Event().wait(_WATCH_SECONDS)
        if os.getppid() != parent_pid:
            os._exit(1)
