"""A folder import reads files in a worker process: with fork and with spawn, and the worker dies
with its parent, even when the parent is killed with SIGKILL."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import theorize
from theorize.errors import InvalidInput

METHODS = [m for m in ("fork", "spawn") if m in multiprocessing.get_all_start_methods()]


def _folder(tmp_path: Path, n: int = 10) -> Path:
    folder = tmp_path / "interviews"
    folder.mkdir()
    for i in range(n):
        lines = [
            f"Interviewer: How did week {k} of case {i} go?\nC{i:02d}: It went fine, week {k}.\n" for k in range(20)
        ]
        (folder / f"C{i:02d}_interview.txt").write_text("".join(lines), encoding="utf-8")
    (folder / "C99_interview.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Interviewer>How are you?\n\n"
        "00:00:03.500 --> 00:00:05.000\n<v C99>Well enough.\n",
        encoding="utf-8",
    )
    (folder / "broken.docx").write_bytes(b"not a word file at all")
    return folder


def _summary(study) -> list[tuple]:
    frame = study.sources()
    out = []
    for name in sorted(frame["name"]):
        seg = study.segments(name)
        out.append((name, study.text(name), tuple(seg["speaker"]), tuple(seg["role"])))
    return out


@pytest.mark.parametrize("method", METHODS)
def test_a_folder_read_in_a_worker_gives_what_reading_here_gives(tmp_path, method):
    folder = _folder(tmp_path)
    here = theorize.create_project(tmp_path / "here.theorize", user="lena")
    there = theorize.create_project(tmp_path / "there.theorize", user="lena")
    a = here.import_folder(folder, workers=0)
    b = there.import_folder(folder, workers=1, start_method=method)
    assert [i.name for i in a.imported] == [i.name for i in b.imported]
    assert len(b.imported) == 11
    assert [(Path(f).name, m) for f, m in a.failed] == [(Path(f).name, m) for f, m in b.failed]
    assert [Path(f).name for f, _ in b.failed] == ["broken.docx"]
    assert _summary(here) == _summary(there)
    assert there.segments("C03_interview.txt")["role"].tolist()[:2] == ["interviewer", "participant"]
    here.close()
    there.close()


def test_an_unknown_start_method_is_refused_in_one_sentence(tmp_path):
    study = theorize.create_project(tmp_path / "s.theorize", user="lena")
    with pytest.raises(InvalidInput, match="'teleport' is not a way this computer can start workers"):
        study.import_folder(_folder(tmp_path), workers=1, start_method="teleport")
    assert study.sources().empty
    study.close()


_PARENT = textwrap.dedent(
    """
    import multiprocessing, sys, time
    import theorize
    from theorize.ingest import folder as reading

    if sys.argv[4] == "no-prctl":  # prove the portable watch alone is enough
        reading.sys = type("fake_sys", (), {"platform": "elsewhere"})()

    def tick(name, i, n):
        if i == 1:
            pids = [p.pid for p in multiprocessing.active_children()]
            print(" ".join(map(str, pids)), flush=True)
            time.sleep(600)

    if __name__ == "__main__":
        study = theorize.create_project(sys.argv[1], user="lena")
        study.import_folder(sys.argv[2], workers=2, start_method=sys.argv[3], progress=tick)
    """
)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see processes")
@pytest.mark.parametrize("guard", ["prctl", "no-prctl"])
@pytest.mark.parametrize("method", METHODS)
def test_the_worker_dies_when_its_parent_is_killed(tmp_path, method, guard):
    folder = _folder(tmp_path, 16)
    script = tmp_path / "parent.py"
    script.write_text(_PARENT, encoding="utf-8")
    parent = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "s.theorize"), str(folder), method, guard],
        stdout=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        line = parent.stdout.readline()
        workers = [int(x) for x in line.split()]
        assert workers, "the import started no worker"
        assert all(_alive(pid) for pid in workers)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = [pid for pid in workers if _alive(pid)]
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        assert left == []
    finally:
        if parent.poll() is None:
            parent.kill()
