"""How well and how fast de-identification finds what identifies a person.

Quality: the gold passages in tests/data/deid_gold.txt (fictional, in the voice of the demo's
interviews, with look-alikes that are not identifiers) and, apart, tests/data/deid_gold_heldout.txt
(written after the recognisers were tuned on the first, so the fairer figure), each scanned as one
batch like a project's transcripts. Printed per type:

- recall: gold spans overlapped by some finding (any type: any replacement hides the words);
- strict recall: gold spans found with the same type and the same bounds;
- precision: findings that overlap some gold span.

Speed: the demo's twelve transcripts (about 32,000 words), scanned ``--repeat`` times; words per
second of wall time and of CPU time (the machine may be shared; CPU time says what one scan costs).
Numbers, not pass/fail.

    .venv/bin/python benches/bench_deid.py [--repeat 3] [--no-speed]
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from pathlib import Path

from theorize.deid.detect import Detector, load_nlp
from theorize.deid.recognisers import TYPES

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
GOLD = DATA / "deid_gold.txt"
#: Written after the recognisers were tuned on GOLD, and not used to tune them: the fairer figure.
HELD_OUT = DATA / "deid_gold_heldout.txt"
_MARK = re.compile(r"\[\[(\w+):(.+?)\]\]")


def read_gold(path: Path = GOLD) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """(text, [(start, end, type)]) per passage, from lines marked ``[[type:words]]``."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, spans, pos = [], [], 0
        for match in _MARK.finditer(line):
            text.append(line[pos : match.start()])
            start = sum(map(len, text))
            text.append(match.group(2))
            spans.append((start, start + len(match.group(2)), match.group(1)))
            pos = match.end()
        text.append(line[pos:])
        out.append(("".join(text), spans))
    return out


def score(gold, found) -> dict[str, dict[str, float]]:
    """Recall, strict recall and precision per type and overall."""
    counts: dict[str, Counter] = {t: Counter() for t in (*TYPES, "all")}
    for (_, spans), findings in zip(gold, found):
        for start, end, kind in spans:
            hit = any(f.start < end and start < f.end for f in findings)
            exact = any((f.start, f.end, f.type) == (start, end, kind) for f in findings)
            for key in (kind, "all"):
                counts[key].update(gold=1, hit=hit, exact=exact)
        for f in findings:
            right = any(f.start < end and start < f.end for start, end, _ in spans)
            for key in (f.type, "all"):
                counts[key].update(found=1, right=right)
    table = {}
    for kind, c in counts.items():
        if c["gold"] or c["found"]:
            table[kind] = {
                "gold": c["gold"],
                "found": c["found"],
                "recall": c["hit"] / c["gold"] if c["gold"] else float("nan"),
                "strict_recall": c["exact"] / c["gold"] if c["gold"] else float("nan"),
                "precision": c["right"] / c["found"] if c["found"] else float("nan"),
            }
    return table


def quality(path: Path) -> list:
    gold = read_gold(path)
    found = Detector().scan([text for text, _ in gold])
    print(f"\n{path.name}: {len(gold)} passages, {sum(len(s) for _, s in gold)} identifying spans")
    print(f"{'type':<14}{'gold':>6}{'found':>7}{'recall':>9}{'strict':>9}{'precision':>11}")
    for kind, row in score(gold, found).items():
        print(
            f"{kind:<14}{row['gold']:>6}{row['found']:>7}{row['recall']:>9.2f}{row['strict_recall']:>9.2f}"
            f"{row['precision']:>11.2f}"
        )
    missed = [
        text[s:e]
        for (text, spans), fs in zip(gold, found)
        for s, e, _ in spans
        if not any(f.start < e and s < f.end for f in fs)
    ]
    wrong = [
        f.text
        for (_, spans), fs in zip(gold, found)
        for f in fs
        if not any(f.start < e and s < f.end for s, e, _ in spans)
    ]
    print("missed:", ", ".join(missed) or "none")
    print("found but not identifying:", ", ".join(wrong) or "none")
    return found


def speed(repeat: int) -> None:
    from theorize.demo import study_folder
    from theorize.ingest import read_source

    texts = [read_source(p).text for p in sorted((study_folder() / "sources").iterdir())]
    words = sum(len(t.split()) for t in texts)
    load_nlp()
    detector = Detector()
    detector.scan(["Warm up, Judge Harmon."])
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        detector.scan(texts)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    print(
        f"Speed: {len(texts)} demo transcripts, {words:,} words, best of {repeat}: "
        f"{words / min(walls):,.0f} words/s wall, {words / min(cpus):,.0f} words/s per CPU second"
    )
    parts = {}
    nlp = load_nlp()
    cpu = time.process_time()
    list(nlp.pipe(texts, batch_size=8))
    parts["spaCy NER"] = time.process_time() - cpu
    from theorize.deid.recognisers import run_patterns

    cpu = time.process_time()
    for text in texts:
        run_patterns(text)
    parts["pattern recognisers"] = time.process_time() - cpu
    print("  CPU seconds per part: " + ", ".join(f"{k} {v:.2f}" for k, v in parts.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    for path in (GOLD, HELD_OUT):
        quality(path)
    if not args.no_speed:
        speed(args.repeat)


if __name__ == "__main__":
    main()
