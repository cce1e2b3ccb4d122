#!/usr/bin/env python3
"""Convert a plain-text interview transcript to .docx.

Input format (UTF-8):
    first non-empty line   -> heading paragraph (e.g. "FICTIONAL DEMO TRANSCRIPT ...")
    following paragraphs   -> one per turn, separated by blank lines, each starting
                              with a speaker label such as "Interviewer:" or "Participant:"

In the output each turn is one paragraph: the speaker label is a bold run, followed by
a normal run holding a leading space and the words of the turn.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from docx import Document

LABEL_RE = re.compile(r"^(Interviewer|Participant|[A-Z][\w .'-]{0,40}):\s*(.*)$", re.S)


def read_blocks(text: str) -> list[str]:
    """Split text into paragraphs at blank lines; join wrapped lines within a paragraph."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return [" ".join(line.strip() for line in b.splitlines()).strip() for b in blocks if b.strip()]


def convert(src: Path, dst: Path, heading_level: int = 1) -> int:
    blocks = read_blocks(src.read_text(encoding="utf-8"))
    if not blocks:
        raise ValueError(f"{src}: empty transcript")
    doc = Document()
    doc.add_heading(blocks[0], level=heading_level)
    turns = 0
    for block in blocks[1:]:
        para = doc.add_paragraph()
        m = LABEL_RE.match(block)
        if m:
            para.add_run(f"{m.group(1)}:").bold = True
            para.add_run(f" {m.group(2)}")
            turns += 1
        else:  # unlabelled paragraph (e.g. a note): keep as plain text
            para.add_run(block)
    dst.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(dst))
    return turns


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input", type=Path, help="transcript .txt (Speaker: text paragraphs)")
    ap.add_argument("output", type=Path, help="output .docx")
    ap.add_argument("--heading-level", type=int, default=1, help="heading level of the first line (default 1)")
    args = ap.parse_args(argv)
    n = convert(args.input, args.output, args.heading_level)
    print(f"wrote {args.output} ({n} turns)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
