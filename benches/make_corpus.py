"""Write N realistic interview transcripts, with codings, by recombining the demo study's turns.

    python benches/make_corpus.py 200 --out /tmp/corpus --words 10000 --formats txt,vtt

Each transcript alternates interviewer questions and participant answers drawn (seeded) from the
demo study's twelve interviews, so the text reads like real speech and carries real coded passages.
Beside the files, ``codings.csv`` lists quote-anchored codings (source, coder, code, quote,
occurrence, parent) taken from the demo's reference coding wherever a drawn answer contains a coded
quote (``parent``: the focused code an initial code fed into).

With ``--project FILE`` it also builds a project from them: the folder imported, the demo's focused
codes with the initial codes nested under them, and every coding applied (coders A and B):

    python benches/make_corpus.py 200 --out /tmp/corpus200 --project /tmp/corpus200.theorize
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

from theorize.demo import study_folder
from theorize.demo.reference import read_codings
from theorize.ingest import read_source


def demo_turns() -> tuple[list[str], list[tuple[str, list[tuple[str, str, str, str]]]]]:
    """Interviewer questions, and participant answers with the (coder, code, quote, parent) inside each."""
    folder = study_folder()
    questions, answers = [], []
    codings_by_source: dict[str, list] = {}
    for sheet in (folder / "analysis" / "codings").glob("*.csv"):
        for row in read_codings(sheet):
            codings_by_source.setdefault(row.source, []).append(row)
    for path in sorted((folder / "sources").iterdir()):
        parsed = read_source(path)
        for turn in parsed.turns:
            words = parsed.text[turn.start : turn.end]
            if turn.role.value == "interviewer":
                questions.append(words)
            else:
                inside = [
                    (r.coder, r.code, r.quote, r.focused_code)
                    for r in codings_by_source.get(path.name, [])
                    if r.quote in words
                ]
                answers.append((words, inside))
    return questions, answers


def _stamp(seconds: float) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{int(h):02d}:{int(m):02d}:{s:06.3f}"


def write_transcript(path: Path, turns: list[tuple[str, str]]) -> None:
    """Write turns [(speaker, words)] as .txt ("Speaker: words") or .vtt (voice-tagged cues)."""
    if path.suffix == ".vtt":
        lines, clock = ["WEBVTT", ""], 0.0
        for speaker, words in turns:
            duration = max(1.0, len(words.split()) / 2.5)
            lines += [f"{_stamp(clock)} --> {_stamp(clock + duration)}", f"<v {speaker}>{words}", ""]
            clock += duration + 0.4
        path.write_text("\n".join(lines), encoding="utf-8")
    elif path.suffix == ".docx":
        import docx

        document = docx.Document()
        for speaker, words in turns:
            p = document.add_paragraph()
            p.add_run(f"{speaker}:").bold = True
            p.add_run(f" {words}")
        document.save(path)
    else:
        path.write_text("\n\n".join(f"{speaker}: {words}" for speaker, words in turns) + "\n", encoding="utf-8")


def make_corpus(
    n: int, out: Path, *, words: int = 10_000, formats: tuple[str, ...] = ("txt", "vtt"), seed: int = 7
) -> list[Path]:
    """Write ``n`` transcripts of about ``words`` words each into ``out``; returns their paths."""
    rng = random.Random(seed)
    questions, answers = demo_turns()
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    with (out / "codings.csv").open("w", encoding="utf-8", newline="") as fh:
        sheet = csv.writer(fh)
        sheet.writerow(["source", "coder", "code", "quote", "occurrence", "parent"])
        for i in range(1, n + 1):
            name = f"P{i:05d}_interview.{formats[(i - 1) % len(formats)]}"
            turns, count, seen = [], 0, {}
            while count < words:
                q = rng.choice(questions)
                a, inside = rng.choice(answers)
                turns += [("Interviewer", q), (f"Participant {i:05d}", a)]
                count += len(q.split()) + len(a.split())
                before = dict(seen)
                for quote in {q for _, _, q, _ in inside}:
                    seen[quote] = seen.get(quote, 0) + a.count(quote) + q.count(quote)
                for coder, code, quote, parent in inside:
                    occurrence = before.get(quote, 0) + q.count(quote) + 1
                    sheet.writerow([name, coder, code, quote, occurrence, parent])
            path = out / name
            write_transcript(path, turns)
            paths.append(path)
    return paths


def build_project(folder: Path, project: Path, *, batch: int = 50):
    """A project from a corpus folder: the files imported, the codes made (initial codes under the
    focused code they fed into; one name may sit under two parents) and ``codings.csv`` applied in
    batches of ``batch`` sources per action. Returns the open project."""
    import theorize

    study = theorize.create_project(project, title=f"Corpus of {folder.name}", user="A")
    study.import_folder(folder)
    with (folder / "codings.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    codes: dict[tuple[str, str], int] = {}

    def code_id(code: str, parent: str) -> int:
        key = (code, parent)
        if key not in codes:
            stage = "initial" if parent else "focused"
            codes[key] = study.add_code(code, stage=stage, parent=code_id(parent, "") if parent else None)
        return codes[key]

    by_source: dict[str, list[dict]] = {}
    for row in rows:
        by_source.setdefault(row["source"], []).append(
            {
                "source": row["source"],
                "code": code_id(row["code"], row.get("parent") or ""),
                "coder": row["coder"],
                "quote": row["quote"],
                "occurrence": int(row["occurrence"]),
            }
        )
    names = sorted(by_source)
    for i in range(0, len(names), batch):
        study.code_many([item for name in names[i : i + batch] for item in by_source[name]])
    return study


_MEASURE = """
import resource, sys, time
import theorize
study = theorize.open_project(sys.argv[1])
began, cpu = time.perf_counter(), time.process_time()
exec(sys.argv[2])
print(time.perf_counter() - began, time.process_time() - cpu,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def measure(statement: str, project: Path, *, src: Path | None = None) -> tuple[float, float, float]:
    """Run ``statement`` (with ``study`` open on ``project``) in a fresh process, with the library
    from ``src`` (e.g. a worktree of the baseline commit's ``src``) or the installed one.

    Returns (wall seconds, CPU seconds, peak resident MB of the whole process)."""
    import os
    import subprocess

    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(project), statement],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        cwd="/",
    )
    if out.returncode:
        tail = (out.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise SystemExit(f"{statement} on {project.name} failed (exit {out.returncode}): {tail}")
    wall, cpu, peak = map(float, out.stdout.split()[-3:])
    return wall, cpu, peak


def compare(statement: str, project: Path, baseline: Path | None = None, *, runs: int = 1) -> None:
    """Print wall time, CPU time and peak memory of ``statement`` on ``project``: with the baseline
    library (when given), then with this one, each run in a fresh process (median of ``runs``)."""
    import statistics

    for label, src in (("baseline", baseline), ("now", None)):
        if label == "baseline" and baseline is None:
            continue
        results = [measure(statement, project, src=src) for _ in range(runs)]
        wall, cpu = (statistics.median(r[i] for r in results) for i in (0, 1))
        peak = max(r[2] for r in results)
        print(
            f"{label:8s} {statement} on {project.name}: {wall:7.1f} s wall, {cpu:7.1f} s CPU, peak {peak:,.0f} MB",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="how many transcripts (10 to 10,000)")
    parser.add_argument("--out", type=Path, default=Path("benches/out/corpus"))
    parser.add_argument("--words", type=int, default=10_000, help="words per transcript")
    parser.add_argument("--formats", default="txt,vtt", help="comma-separated: txt, vtt, docx")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--project", type=Path, default=None, help="also build a project (.theorize) from them")
    args = parser.parse_args(argv)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    if not set(formats) <= {"txt", "vtt", "docx"} or args.n < 1:
        parser.error("formats are txt, vtt and docx; n must be at least 1")
    paths = make_corpus(args.n, args.out, words=args.words, formats=formats, seed=args.seed)
    print(f"wrote {len(paths)} transcripts and codings.csv to {args.out}", flush=True)
    if args.project is not None:
        study = build_project(args.out, args.project)
        print(
            f"built {args.project}: {len(study.sources())} sources, {len(study.codings(with_text=False)):,} codings, "
            f"{len(study.codes())} codes",
            flush=True,
        )
        study.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
