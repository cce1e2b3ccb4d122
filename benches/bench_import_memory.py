"""Peak memory of importing a large plain-text transcript, per MB of file, against a baseline.

Writes a fictional .txt transcript of ``--mb`` MB, then in a fresh process per measurement reads it
(``read_source``) and imports it (``import_file`` into a new SQLite project), printing the peak
resident memory that the step added, per MB of file. The same is measured for the source tree of
``--baseline`` (a git revision, unpacked with ``git archive``) in the same run. Then a .docx zip
bomb (1 MB packed, 1.1 GiB unpacked) is read, printing how long the refusal took and the memory it
added. Numbers, not pass/fail.

    .venv/bin/python benches/bench_import_memory.py [--mb 50] [--baseline f1a0ffa] [--accents]
"""

from __future__ import annotations

import argparse
import io
import random
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_WORDS = [
    "the",
    "judge",
    "said",
    "I",
    "had",
    "to",
    "go",
    "so",
    "I",
    "went",
    "to",
    "Bridgeway",
    "and",
    "my",
    "counselor",
    "listened",
    "which",
    "I",
    "did",
    "not",
    "expect",
    "at",
    "first",
    "because",
    "everyone",
    "in",
    "that",
    "court",
    "wanted",
    "something",
    "from",
    "me",
    "and",
    "she",
    "just",
    "asked",
    "how",
    "my",
    "week",
    "was",
    "going",
    "and",
    "whether",
    "I",
    "slept",
]

_MEASURE = textwrap.dedent(
    """
    import resource, sys, time
    import theorize
    from theorize.ingest import read_source
    step, path, project = sys.argv[1:4]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    outcome = "ok"
    try:
        if step == "read":
            read_source(path, max_bytes=1 << 40)
        else:
            study = theorize.create_project(project, user="bench")
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            t = time.perf_counter()
            study.import_file(path, max_bytes=1 << 40)
            study.close()
    except theorize.errors.TheorizeError as e:
        outcome = "refused: " + str(e)[:60]
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(before, peak, seconds, outcome, sep="\\t")
    """
)


def write_transcript(path: Path, mb: float, accents: bool) -> None:
    rng = random.Random(9)
    words = _WORDS + (["café", "naïve", "don’t"] if accents else [])  # ’ makes Python store 2 bytes a letter
    target = int(mb * 1_000_000)
    with path.open("w", encoding="utf-8") as f:
        f.write("FICTIONAL DEMO TRANSCRIPT - memory bench\n\n")
        size, k = 0, 0
        while size < target:
            line = (
                ("Interviewer: " if k % 2 == 0 else "C03: ")
                + " ".join(rng.choice(words) for _ in range(rng.randint(8, 80)))
                + ".\n"
            )
            f.write(line)
            size += len(line.encode("utf-8"))
            k += 1


def docx_bomb(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Interviewer: How did it start?")
    packed = io.BytesIO()
    document.save(packed)
    out = io.BytesIO()
    with zipfile.ZipFile(packed) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename != "word/document.xml":
                dst.writestr(info, data, compress_type=info.compress_type)
                continue
            head, _, tail = data.rpartition(b"</w:document>")
            target = zipfile.ZipInfo(info.filename, info.date_time)
            target.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(target, "w", force_zip64=True) as f:
                f.write(head)
                for _ in range(1100):
                    f.write(b" " * (1 << 20))
                f.write(b"</w:document>" + tail)
    path.write_bytes(out.getvalue())


def unpack(revision: str, into: Path) -> Path:
    """The ``src`` folder of a git revision, unpacked under ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "src"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def measure(src: Path, step: str, path: Path, tmp: Path) -> tuple[int, int, float, str]:
    project = tmp / f"bench-{step}-{abs(hash(src))}.theorize"
    project.unlink(missing_ok=True)
    env = {"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, step, str(path), str(project)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{step} with {src} failed:\n{out.stderr[-2000:]}")
    before, peak, seconds, outcome = out.stdout.strip().split("\t")
    return int(before), int(peak), float(seconds), outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50, help="size of the transcript in MB")
    parser.add_argument("--baseline", default="f1a0ffa", help="git revision to compare with ('' for none)")
    parser.add_argument(
        "--accents", action="store_true", help="put a few accented words and curly apostrophes in the text"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        text = tmp / "big_interview.txt"
        write_transcript(text, args.mb, args.accents)
        mb = text.stat().st_size / 1_000_000
        trees = [("now", ROOT / "src")]
        if args.baseline:
            trees.append((args.baseline, unpack(args.baseline, tmp / "baseline")))
        print(f"transcript: {mb:.1f} MB{' (with accents)' if args.accents else ''}")
        print(f"{'tree':>10} {'step':>7} {'added MB':>9} {'per MB':>7} {'peak MB':>8} {'seconds':>8}")
        for label, src in trees:
            for step in ("read", "import"):
                before, peak, seconds, _ = measure(src, step, text, tmp)
                added = (peak - before) / 1024
                print(f"{label:>10} {step:>7} {added:9.0f} {added / mb:7.2f} {peak / 1024:8.0f} {seconds:8.2f}")
        bomb = tmp / "bomb.docx"
        docx_bomb(bomb)
        print(f"\nzip bomb: {bomb.stat().st_size / 1_000_000:.1f} MB .docx that unpacks to 1.1 GiB")
        for label, src in trees:
            before, peak, seconds, outcome = measure(src, "read", bomb, tmp)
            print(f"{label:>10} {seconds:6.2f} s, {(peak - before) / 1024:6.0f} MB added, {outcome}")


if __name__ == "__main__":
    main()
