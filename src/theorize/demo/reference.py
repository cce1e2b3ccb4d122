"""Reading the demo study's reference analysis files: coding sheets, memos, snapshots, codebook.

Codings in the sheets are anchored by the quoted words (and which occurrence of them in the
participant's turns), not by offsets, so they survive re-segmentation and text edits.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from theorize.errors import InvalidInput


@dataclass(frozen=True)
class ReferenceCoding:
    source: str
    coder: str
    code: str
    quote: str
    occurrence: int
    focused_code: str
    date: date


@dataclass(frozen=True)
class ReferenceMemo:
    path: Path
    title: str
    type: str
    author: str
    date: date
    codes: tuple[str, ...]
    sources: tuple[str, ...]
    body: str


def read_codings(path: Path) -> list[ReferenceCoding]:
    """One coding sheet (``<ID>_initial_A.csv`` or ``<ID>_focused_<coder>.csv``)."""
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            try:
                out.append(
                    ReferenceCoding(
                        source=row["source"],
                        coder=row["coder"],
                        code=row["code"],
                        quote=row["quote"],
                        occurrence=int(row.get("occurrence") or 1),
                        focused_code=row.get("focused_code") or "",
                        date=date.fromisoformat(row["date"]),
                    )
                )
            except (KeyError, ValueError) as exc:
                raise InvalidInput(f"{path.name} line {i} is not a valid coding row ({exc}).") from None
    return out


def read_memo(path: Path) -> ReferenceMemo:
    """A memo: YAML front matter between '---' lines, then a Markdown body."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        raise InvalidInput(f"{path.name} has no front matter; start it with a '---' block.")
    _, front, body = text.split("---", 2)
    meta = yaml.safe_load(front)
    return ReferenceMemo(
        path=path,
        title=meta["title"],
        type=meta["type"],
        author=str(meta["author"]),
        date=meta["date"] if isinstance(meta["date"], date) else date.fromisoformat(str(meta["date"])),
        codes=tuple(meta.get("codes") or ()),
        sources=tuple(meta.get("sources") or ()),
        body=body.strip(),
    )


def read_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def participant_spans(text: str, turns) -> list[tuple[int, int]]:
    """The spans of the participants' own words (turns whose role is participant)."""
    return [(t.start, t.end) for t in turns.itertuples() if t.role == "participant"]


def find_quote(text: str, spans: list[tuple[int, int]], quote: str, occurrence: int) -> tuple[int, int] | None:
    """The code-point span of the ``occurrence``-th time ``quote`` appears inside one participant turn."""
    seen = 0
    for start, end in spans:
        pos = text.find(quote, start, end)
        while pos >= 0:
            seen += 1
            if seen == occurrence:
                return pos, pos + len(quote)
            pos = text.find(quote, pos + 1, end)
    return None
