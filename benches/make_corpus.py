"""Write N realistic interview transcripts, with codings, by recombining the demo study's turns.

    python benches/make_corpus.py 200 --out /tmp/corpus --words 10000 --formats txt,vtt

Each transcript alternates interviewer questions and participant answers drawn (seeded) from the
demo study's twelve interviews, so the text reads like real speech and carries real coded passages.
Beside the files, ``codings.csv`` lists quote-anchored codings (source, coder, code, quote,
occurrence) taken from the demo's reference coding wherever a drawn answer contains a coded quote.
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


def demo_turns() -> tuple[list[str], list[tuple[str, list[tuple[str, str, str]]]]]:
    """Interviewer questions, and participant answers with the (coder, code, quote) inside each."""
    folder = study_folder()
    questions, answers = [], []
    codings_by_source: dict[str, list] = {}
    for sheet in (folder / "analysis" / "codings").glob("*.csv"):
        for row in read_codings(sheet):
            codings_by_source.setdefault(row.source, []).append(row)
    for path in sorted((folder / "sources").iterdir()):
        parsed = read_source(path)
        for turn in parsed.turns:
            words = parsed.text[turn.start:turn.end]
            if turn.role.value == "interviewer":
                questions.append(words)
            else:
                inside = [(r.coder, r.code, r.quote) for r in codings_by_source.get(path.name, []) if r.quote in words]
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


def make_corpus(n: int, out: Path, *, words: int = 10_000, formats: tuple[str, ...] = ("txt", "vtt"),
                seed: int = 7) -> list[Path]:
    """Write ``n`` transcripts of about ``words`` words each into ``out``; returns their paths."""
    rng = random.Random(seed)
    questions, answers = demo_turns()
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    with (out / "codings.csv").open("w", encoding="utf-8", newline="") as fh:
        sheet = csv.writer(fh)
        sheet.writerow(["source", "coder", "code", "quote", "occurrence"])
        for i in range(1, n + 1):
            name = f"P{i:05d}_interview.{formats[(i - 1) % len(formats)]}"
            turns, count, seen = [], 0, {}
            while count < words:
                q = rng.choice(questions)
                a, inside = rng.choice(answers)
                turns += [("Interviewer", q), (f"Participant {i:05d}", a)]
                count += len(q.split()) + len(a.split())
                before = dict(seen)
                for quote in {q for _, _, q in inside}:
                    seen[quote] = seen.get(quote, 0) + a.count(quote) + q.count(quote)
                for coder, code, quote in inside:
                    occurrence = before.get(quote, 0) + q.count(quote) + 1
                    sheet.writerow([name, coder, code, quote, occurrence])
            path = out / name
            write_transcript(path, turns)
            paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="how many transcripts (10 to 10,000)")
    parser.add_argument("--out", type=Path, default=Path("benches/out/corpus"))
    parser.add_argument("--words", type=int, default=10_000, help="words per transcript")
    parser.add_argument("--formats", default="txt,vtt", help="comma-separated: txt, vtt, docx")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    if not set(formats) <= {"txt", "vtt", "docx"} or args.n < 1:
        parser.error("formats are txt, vtt and docx; n must be at least 1")
    paths = make_corpus(args.n, args.out, words=args.words, formats=formats, seed=args.seed)
    print(f"wrote {len(paths)} transcripts and codings.csv to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
