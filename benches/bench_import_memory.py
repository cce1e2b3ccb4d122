"""Peak memory of importing a large plain-text transcript, per MB of file, against baselines.

Writes fictional .txt transcripts of ``--mb`` MB: plain ASCII, with a few accented words and
curly apostrophes (which make Python hold the text at 2 bytes a character), and the latter with
Windows line endings (``accents-crlf``). In a fresh process per measurement it reads each
(``read_source``) and imports it (``import_file`` into a new SQLite project), printing the peak
resident memory that the step added per MB of file (the median of ``--runs`` runs), wall and CPU
seconds. Each process first reads (and imports) the first 4 KB of the same file, so the libraries
a tree loads to read a .txt are not counted: the figure is memory per MB of text
(tests/integration/test_import_memory.py counts them too, at 20 MB). The same is measured in the
same run for the source trees of ``--baseline`` (git revisions, comma-separated, unpacked with
``git archive``): by default f1a0ffa (19x, when issue 9 was filed) and 9cf8c3b~1 (before "store
the text once").
Then a .docx zip bomb (1 MB packed, 1.1 GiB unpacked) is read, printing how long the refusal took
and the memory it added. Numbers, not pass/fail.

    nice -n 10 .venv/bin/python benches/bench_import_memory.py [--mb 100] [--runs 3]
        [--baseline f1a0ffa,9cf8c3b~1] [--kinds ascii,accents,accents-crlf]
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from pathlib import Path

from revisions import ROOT, unpack  # benches/ is on the path when a bench runs

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
    from pathlib import Path
    import theorize
    from theorize.ingest import read_source
    step, path, project = sys.argv[1:4]
    warm = None
    if path.endswith(".txt"):  # the same kind of file, small: what any tree loads to read it, loaded first
        warm = Path(project).with_suffix(".warm.txt")
        with open(path, "rb") as f:
            warm.write_bytes(f.read(4096).rsplit(b"\\n", 1)[0])
        read_source(warm)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t, cpu = time.perf_counter(), time.process_time()
    outcome = "ok"
    try:
        if step == "read":
            read_source(path, max_bytes=1 << 40)
        else:
            study = theorize.create_project(project, user="bench")
            if warm is not None:
                study.import_file(warm)
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            t, cpu = time.perf_counter(), time.process_time()
            study.import_file(path, max_bytes=1 << 40)
            study.close()
    except theorize.errors.TheorizeError as e:
        outcome = "refused: " + str(e)[:60]
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(before, peak, seconds, cpu, outcome, sep="\\t")
    """
)


def write_transcript(path: Path, mb: float, accents: bool, newline: str = "\n") -> None:
    rng = random.Random(9)
    words = _WORDS + (["café", "naïve", "don’t"] if accents else [])  # ’ makes Python store 2 bytes a letter
    target = int(mb * 1_000_000)
    with path.open("w", encoding="utf-8", newline=newline) as f:
        f.write("FICTIONAL DEMO TRANSCRIPT - memory bench\n\n")
        size, k = 0, 0
        while size < target:
            line = (
                ("Interviewer: " if k % 2 == 0 else "C03: ")
                + " ".join(rng.choice(words) for _ in range(rng.randint(8, 80)))
                + ".\n"
            )
            f.write(line)
            size += len(line.encode("utf-8")) + len(newline) - 1
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


def measure(src: Path, step: str, path: Path, tmp: Path) -> tuple[int, int, float, float, str]:
    project = tmp / f"bench-{step}-{abs(hash(src))}.theorize"
    for old in tmp.glob(project.name + "*"):
        old.unlink()
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
    before, peak, seconds, cpu, outcome = out.stdout.strip().split("\t")
    return int(before), int(peak), float(seconds), float(cpu), outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=100, help="size of each transcript in MB")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is printed")
    parser.add_argument(
        "--baseline", default="f1a0ffa,9cf8c3b~1", help="git revisions to compare with, comma-separated ('' for none)"
    )
    parser.add_argument(
        "--kinds", default="ascii,accents", help="ascii, accents, accents-crlf (Windows line endings), comma-separated"
    )
    parser.add_argument("--no-bomb", action="store_true", help="leave out the zip bomb")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        trees = [("now", ROOT / "src")]
        for i, revision in enumerate(r for r in args.baseline.split(",") if r.strip()):
            trees.append((revision.strip(), unpack(revision.strip(), tmp / f"baseline{i}")))
        print(f"median of {args.runs} runs; 'per MB' is the peak resident memory added per MB of file")
        print(
            f"{'text':>12} {'tree':>10} {'step':>7} {'added MB':>9} {'per MB':>7} {'peak MB':>8} {'wall s':>7} {'cpu s':>6}"
        )
        for kind in args.kinds.split(","):
            text = tmp / f"big_interview_{kind}.txt"
            write_transcript(text, args.mb, kind.startswith("accents"), "\r\n" if kind.endswith("crlf") else "\n")
            mb = text.stat().st_size / 1_000_000
            for label, src in trees:
                for step in ("read", "import"):
                    runs = [measure(src, step, text, tmp) for _ in range(args.runs)]
                    added = statistics.median((peak - before) / 1024 for before, peak, *_ in runs)
                    peak = statistics.median(r[1] / 1024 for r in runs)
                    wall = statistics.median(r[2] for r in runs)
                    cpu = statistics.median(r[3] for r in runs)
                    print(
                        f"{kind:>12} {label:>10} {step:>7} {added:9.0f} {added / mb:7.2f} {peak:8.0f} {wall:7.2f} {cpu:6.2f}",
                        flush=True,
                    )
            text.unlink()
        print(f"(transcripts of {mb:.1f} MB)")
        if args.no_bomb:
            return
        bomb = tmp / "bomb.docx"
        docx_bomb(bomb)
        print(f"\nzip bomb: {bomb.stat().st_size / 1_000_000:.1f} MB .docx that unpacks to 1.1 GiB")
        for label, src in trees:
            before, peak, seconds, cpu, outcome = measure(src, "read", bomb, tmp)
            print(f"{label:>10} {seconds:6.2f} s ({cpu:.2f} s CPU), {(peak - before) / 1024:6.0f} MB added, {outcome}")


if __name__ == "__main__":
    main()
