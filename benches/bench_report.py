"""Report speed: the results report of a 200-interview, 50,000-coding project in HTML, DOCX and
Markdown, agreement included (target, issue 10.5: the HTML report <= 15 s; 31 s when the issue was
filed). Prints the median of 3 runs per format, wall and CPU time (CPU time is what the report
costs; on a shared machine the wall time also counts the others' work).

    python benches/bench_report.py [--interviews 200] [--codings 50000] [--runs 3] [--keep DIR]
    python benches/bench_report.py --keep DIR --baseline /tmp/baseline-wt/src --formats html

With ``--baseline`` each run happens in a fresh process, first with the baseline library (e.g. a git
worktree of the commit before a change), then with this one, and prints wall and CPU time and the
peak memory of both.

The project is built from the demo study: each interview joins two or three of the demo's
transcripts (a line naming the interview keeps every text distinct) and carries their codings at
the same offsets, by both coders where the demo has both; the demo's codebook, model and memos
are copied over. Participants P001-P200: four in five are clients, interviewed in order.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

import theorize
from theorize.demo import build_demo
from theorize.domain.sources import ParsedSource, Role, Turn
from theorize.report import write_report


def demo_parts(demo) -> list[dict]:
    """Each demo source: its text, turns and codings (offsets in its own text)."""
    codings = demo.codings(with_text=False)
    segments = demo.segments()
    formats = dict(zip(demo.sources()["name"], demo.sources()["file_format"]))
    parts = []
    for name in demo.sources()["name"]:
        turns = [
            Turn(
                int(r.start),
                int(r.end),
                r.speaker,
                role=Role(r.role),
                started_at=None if pd.isna(r.started_at) else float(r.started_at),
                ended_at=None if pd.isna(r.ended_at) else float(r.ended_at),
            )
            for r in segments[segments.source == name].itertuples()
        ]
        own = codings[codings.source == name]
        parts.append(
            {
                "name": name,
                "text": demo.text(name),
                "turns": turns,
                "format": formats[name],
                "codings": list(zip(own.code_id, own.coder, own.start, own.end)),
            }
        )
    return parts


def interview(i: int, parts: list[dict], k: int) -> tuple[ParsedSource, list[tuple[int, str, int, int]]]:
    """Interview ``i`` from ``k`` demo transcripts in a row, and its codings (demo code ids)."""
    chosen = [parts[(i + j) % len(parts)] for j in range(k)]
    head = f"Bench interview {i:03d}\n\n"
    text, turns, codings, clock = head, [], [], 0.0
    for part in chosen:
        shift = len(text)
        last = 0.0
        for t in part["turns"]:
            started = None if t.started_at is None else t.started_at + clock
            ended = None if t.ended_at is None else t.ended_at + clock
            turns.append(replace(t, start=t.start + shift, end=t.end + shift, started_at=started, ended_at=ended))
            last = max(last, ended or 0.0)
        codings += [(c, coder, s + shift, e + shift) for c, coder, s, e in part["codings"]]
        text += part["text"] + "\n\n"
        clock += last + 5.0
    fmt = chosen[0]["format"]
    return ParsedSource(
        name=f"P{i:03d}_interview.{'vtt' if fmt == 'vtt' else 'txt'}", text=text, turns=turns, file_format=fmt
    ), codings


def copy_codebook(demo, study) -> dict[int, int]:
    """The demo's live codes (parents first), model and memos into ``study``; demo id -> new id."""
    codes = demo.codes()
    new: dict[int, int] = {}
    pending = list(codes.itertuples())
    while pending:
        later = []
        for r in pending:
            parent = None if pd.isna(r.parent_id) else int(r.parent_id)
            if parent is not None and parent not in new:
                later.append(r)
                continue
            new[int(r.id)] = study.add_code(
                r.name, stage=r.stage, definition=r.definition or "", in_vivo=bool(r.in_vivo), parent=new.get(parent)
            )
        pending = later
    model = demo.model()
    for s in sorted(model.stages, key=lambda s: s.order):
        study.add_stage(s.name)
    for c in model.categories:
        stage = next((s.name for s in model.stages if c.id in s.category_ids), None)
        study.place_category(new[int(c.id)], c.role.value, stage=stage)
        if c.properties or c.dimensions:
            study.describe_category(new[int(c.id)], properties=c.properties, dimensions=c.dimensions)
    for name in set(demo.relation_types()) - set(study.relation_types()):
        study.add_relation_type(name)
    for r in model.relations:
        study.relate(new[int(r.source_id)], new[int(r.target_id)], r.label)
    every = demo.codes(include_merged=True).set_index("id")

    def where(cid: int) -> int | None:  # a merged code's name stands for the code it went into
        seen = set()
        while cid not in new and cid not in seen:
            seen.add(cid)
            into = every.at[cid, "merged_into_id"]
            if pd.isna(into):
                return None
            cid = int(into)
        return new.get(cid)

    by_name: dict[str, int] = {}
    for cid, name in every["name"].items():
        if where(int(cid)) is not None:
            by_name.setdefault(name, where(int(cid)))
    for m in demo.memos().itertuples():
        study.write_memo(
            m.title,
            m.body,
            type=m.type,
            author=m.author,
            written_on=m.written_on,
            codes=[by_name[n] for n in m.codes if by_name.get(n)],
        )
    return new


def build(folder: Path, n: int, target: int) -> Path:
    began = time.perf_counter()
    demo = theorize.open_project(build_demo(folder / "demo").project)
    parts = demo_parts(demo)
    per = sum(len(p["codings"]) for p in parts) / len(parts)
    study = theorize.create_project(
        folder / "bench.theorize",
        title="Bench: 200 interviews",
        user="Dr. Lena Marsh",
        research_question="How fast is the report?",
    )
    for coder in demo.coders().itertuples():
        study.add_coder(coder.name, role=coder.role)
    new = copy_codebook(demo, study)
    sheet = folder / "participants.csv"
    with sheet.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["participant", "group", "program_phase", "interview_date"])
        for i in range(1, n + 1):
            w.writerow(
                [
                    f"P{i:03d}",
                    "client" if i % 5 else "counselor",
                    ["early", "middle", "near graduation"][i % 3],
                    str(date(2026, 1, 5) + timedelta(days=i)),
                ]
            )
    study.import_attributes(sheet)
    total = 0
    for i in range(1, n + 1):
        k = 3 if (target - total) / max(1, n - i + 1) > 2 * per else 2
        parsed, codings = interview(i, parts, k)
        study.import_parsed(parsed, participant=f"P{i:03d}")
        items = [
            {"source": parsed.name, "code": new[c], "coder": coder, "start": s, "end": e}
            for c, coder, s, e in codings
            if c in new
        ][: max(0, target - total)]
        if items:
            total += len(study.code_many(items))
    demo.close()
    print(
        f"built {n} interviews, {total:,} codings in {time.perf_counter() - began:.0f} s "
        f"({study.sources()['words'].sum():,} words)",
        flush=True,
    )
    study.close()
    return folder / "bench.theorize"


def compare(project: Path, folder: Path, args) -> None:
    """Each format, each run, in a fresh process: baseline, then now."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from make_corpus import measure

    for fmt in args.formats.split(","):
        for label, src in (("baseline", args.baseline), ("now", None)):
            runs = [
                measure(
                    f"from theorize.report import write_report; write_report(study, {str(folder / f'r.{fmt}')!r})",
                    project,
                    src=src,
                )
                for _ in range(args.runs)
            ]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            peak = max(r[2] for r in runs)
            print(
                f"{fmt:5s} {label:8s}: median {wall:6.2f} s wall, {cpu:6.2f} s CPU, peak {peak:,.0f} MB "
                f"({args.runs} runs)",
                flush=True,
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=200)
    parser.add_argument("--codings", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="build the project in this folder and keep it")
    parser.add_argument("--formats", default="html,docx,md")
    parser.add_argument("--baseline", type=Path, default=None, help="the baseline library's src folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        project = folder / "bench.theorize"
        if not project.exists():
            build(folder, args.interviews, args.codings)
        if args.baseline:
            compare(project, folder, args)
            return 0
        study = theorize.open_project(project)
        for fmt in args.formats.split(","):
            times, cpus = [], []
            for run in range(args.runs):
                cpu = time.process_time()
                result = write_report(study, folder / f"report-{run}.{fmt}")
                times.append(result.seconds)
                cpus.append(time.process_time() - cpu)
            print(
                f"{fmt:5s} report: median {statistics.median(times):6.2f} s wall, "
                f"{statistics.median(cpus):6.2f} s CPU (runs: {', '.join(f'{t:.2f}' for t in times)} s wall; "
                f"{', '.join(f'{c:.2f}' for c in cpus)} s CPU); {result.quotes} quotes, "
                f"{result.path.stat().st_size / 1e6:.1f} MB",
                flush=True,
            )
        study.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
