"""How fast the readers parse: words per second for .txt, .vtt, .html and .docx transcripts.

Makes fictional transcripts in a temporary folder (default: 20 of 10,000 words per format),
reads each with ``theorize.ingest.read_source`` (best CPU time of ``--repeat``) and prints words/s
and the time against .txt in the same run. Numbers, not pass/fail.

    .venv/bin/python benches/bench_import_parse.py [--count 20] [--words 10000] [--formats txt,vtt]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import docx

from theorize.ingest import read_source

_WORDS = (
    "the judge said I had to go so I went to Bridgeway and my counselor listened "
    "which I did not expect at first because everyone in that court wanted something "
    "from me and she just asked how my week was going and whether I slept"
).split()
_SPEAKERS = ("Interviewer", "C03")


def _turns(n_words: int, rng: random.Random) -> list[tuple[str, str]]:
    turns, total, k = [], 0, 0
    while total < n_words:
        size = rng.randint(8, 80)
        words = " ".join(rng.choice(_WORDS) for _ in range(size))
        turns.append((_SPEAKERS[k % 2], words[0].upper() + words[1:] + "."))
        total += size
        k += 1
    return turns


def _write_txt(path: Path, turns: list[tuple[str, str]]) -> None:
    lines = ["FICTIONAL DEMO TRANSCRIPT - bench", ""]
    lines += [f"{who}: {words}\n" for who, words in turns]
    path.write_text("\n".join(lines), encoding="utf-8")


def _stamp(t: float) -> str:
    h, rest = divmod(t, 3600)
    m, s = divmod(rest, 60)
    return f"{int(h):02d}:{int(m):02d}:{s:06.3f}"


def _write_vtt(path: Path, turns: list[tuple[str, str]]) -> None:
    out, t = ["WEBVTT", ""], 0.0
    for who, words in turns:
        ws = words.split()
        for i in range(0, len(ws), 10):  # cues of about ten words, as captioners make them
            out += [f"{_stamp(t)} --> {_stamp(t + 3)}", f"<v {who}>{' '.join(ws[i : i + 10])}", ""]
            t += 3.2
    path.write_text("\n".join(out), encoding="utf-8")


def _write_html(path: Path, turns: list[tuple[str, str]]) -> None:
    body = "\n".join(f"<p><b>{who}:</b> {words}</p>" for who, words in turns)
    path.write_text(
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>bench</title>'
        "<style>p { margin: 0 }</style></head>\n<body>\n<h1>FICTIONAL DEMO TRANSCRIPT - bench</h1>\n"
        f"{body}\n</body></html>\n",
        encoding="utf-8",
    )


def _write_docx(path: Path, turns: list[tuple[str, str]]) -> None:
    document = docx.Document()
    document.add_paragraph("FICTIONAL DEMO TRANSCRIPT - bench")
    for who, words in turns:
        p = document.add_paragraph()
        p.add_run(f"{who}:").bold = True
        p.add_run(f" {words}")
    document.save(str(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20, help="transcripts per format")
    parser.add_argument("--words", type=int, default=10_000, help="words per transcript")
    parser.add_argument("--formats", default="txt,vtt,html,docx", help="comma-separated: txt, vtt, html, docx")
    parser.add_argument("--repeat", type=int, default=5, help="read each set this many times; the best counts")
    args = parser.parse_args()
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        writers = {".txt": _write_txt, ".vtt": _write_vtt, ".html": _write_html, ".docx": _write_docx}
        txt_speed = None
        chosen = [f".{name.strip().lstrip('.')}" for name in args.formats.split(",")]
        for suffix, write in ((s, writers[s]) for s in chosen):
            paths = []
            for i in range(args.count):
                path = folder / f"interview_{i:03d}{suffix}"
                write(path, _turns(args.words, rng))
                paths.append(path)
            elapsed = float("inf")
            for _ in range(args.repeat):
                started = time.process_time()  # CPU time: other work on the machine does not count
                sources = [read_source(path) for path in paths]
                elapsed = min(elapsed, time.process_time() - started)
            words = sum(len(s.text.split()) for s in sources)
            turns = sum(len(s.turns) for s in sources)
            speed = words / elapsed
            if suffix == ".txt":
                txt_speed = speed
            ratio = f", {txt_speed / speed:.2f}x the time of .txt" if txt_speed else ""
            print(
                f"{suffix:6} {args.count} files, {words:,} words, {turns:,} turns: "
                f"{elapsed:.3f} s, {words / elapsed:,.0f} words/s{ratio}"
            )


if __name__ == "__main__":
    main()
