"""Choosing exemplar quotes and saying where each one is: participant, turn or time, reference."""

from __future__ import annotations

import bisect
from collections import defaultdict

import pandas as pd

from theorize.report.content import Quote

# A quote reads well in a write-up between these lengths (characters); outside, it is used only
# when nothing better is there.
GOOD_LENGTH = (60, 260)
USABLE_LENGTH = (25, 500)


def clock(seconds: float) -> str:
    """Seconds into a recording as mm:ss (h:mm:ss from an hour).

    Examples:
        >>> clock(261.4), clock(3723)
        ('04:21', '1:02:03')
    """
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def one_line(text: str) -> str:
    """Whitespace (line breaks in a transcript) folded to single spaces."""
    return " ".join(str(text).split())


class QuotePicker:
    """Picks quotes from accepted codings and turns them into :class:`Quote` objects.

    Args:
        study: the project (for :meth:`~theorize.Project.reference`).
        codings: accepted codings with their quotes (``study.codings()``).
        participant_of: source id -> participant pseudonym.
        segments: ``study.segments()`` if already read; otherwise each quoted source's turns are
            read when first needed (a report quotes from a few of many sources).
    """

    def __init__(
        self, study, codings: pd.DataFrame, participant_of: dict[int, str], segments: pd.DataFrame | None = None
    ):
        self.study = study
        self.participant_of = participant_of
        self.used: set[tuple[int, int, int]] = set()
        self._anchors: dict[str, int] = defaultdict(int)
        self._turns: dict[int, tuple[list[int], list[tuple[int, float | None]]]] = {}
        if segments is not None:
            for sid, group in segments.groupby("source_id", sort=False):
                self._index(int(sid), group)
        frame = codings[["id", "source_id", "source", "code", "coder", "start", "end", "quote", "review"]]
        frame = frame[(frame["end"] > frame["start"]) & (frame["review"].fillna("") != "orphaned")].copy()
        frame["flagged"] = frame["review"].notna()
        frame["text"] = frame["quote"].map(one_line).astype(object)
        frame["length"] = [len(t) for t in frame["text"]]  # a project without codings has no strings here
        self.codings = frame

    def _index(self, source_id: int, turns: pd.DataFrame) -> None:
        turns = turns.sort_values("start")
        times = [None if pd.isna(v) else float(v) for v in turns["started_at"]]
        self._turns[source_id] = (turns["start"].astype(int).tolist(), list(zip(turns["turn"].astype(int), times)))

    def location(self, source_id: int, start: int) -> str:
        """ "turn 14", or the recording time "04:21" when the source has one (captions)."""
        if int(source_id) not in self._turns:
            self._index(int(source_id), self.study.segments(int(source_id)))
        starts, turns = self._turns[int(source_id)]
        i = bisect.bisect_right(starts, start) - 1
        if i < 0:
            return ""
        number, started_at = turns[i]
        return clock(started_at) if started_at is not None else f"turn {number}"

    def pick(self, coding_ids, k: int) -> list[Quote]:
        """Up to ``k`` quotes from these codings: readable lengths, different participants, and
        passages not already quoted in the report where there is a choice. Codings left without
        words by a text edit (orphaned) are never quoted; those whose words changed only when
        nothing else is there."""
        frame = self.codings[self.codings["id"].isin(coding_ids)]
        frame = frame[frame["length"] >= USABLE_LENGTH[0]] if (frame["length"] >= USABLE_LENGTH[0]).any() else frame
        if frame.empty or k <= 0:
            return []
        frame = frame.drop_duplicates(["source_id", "start", "end"]).copy()
        low, high = GOOD_LENGTH
        frame["fit"] = [
            0 if low <= n <= high else 1 if USABLE_LENGTH[0] <= n <= USABLE_LENGTH[1] else 2 for n in frame["length"]
        ]
        frame["seen"] = [
            (int(s), int(a), int(b)) in self.used for s, a, b in zip(frame["source_id"], frame["start"], frame["end"])
        ]
        frame["closeness"] = (frame["length"] - 150).abs() // 25
        frame = frame.sort_values(["seen", "flagged", "fit", "closeness", "id"])
        chosen, people = [], set()
        for row in frame.itertuples():
            who = self.participant_of.get(int(row.source_id), row.source)
            if who not in people:
                chosen.append(row)
                people.add(who)
            if len(chosen) == k:
                break
        if len(chosen) < k:
            taken = {r.id for r in chosen}
            chosen += [r for r in frame.itertuples() if r.id not in taken][: k - len(chosen)]
        return [self._quote(r) for r in chosen]

    def _quote(self, row) -> Quote:
        reference = self.study.reference(int(row.id))
        self.used.add((int(row.source_id), int(row.start), int(row.end)))
        base = "q-" + reference.rsplit("#", 1)[-1]
        self._anchors[base] += 1
        anchor = base if self._anchors[base] == 1 else f"{base}-{self._anchors[base]}"
        return Quote(
            text=row.text,
            reference=reference,
            anchor=anchor,
            participant=self.participant_of.get(int(row.source_id), ""),
            location=self.location(int(row.source_id), int(row.start)),
            source=row.source,
            code=row.code,
            coder=row.coder,
        )
