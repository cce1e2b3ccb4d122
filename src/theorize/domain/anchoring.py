"""Re-anchoring codings when a transcript's text is edited.

A coding points at a span of code points in one version of a source. When the researcher fixes a
transcription error, the new version is compared with the old one word by word, and every span is
carried over through the matching stretches. Nothing is dropped: a span whose words changed is marked
"changed", one whose words are all gone is marked "orphaned" and kept as an empty span where its words
used to be, for the researcher to review.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Anchor:
    """Where a span lands in the new text and whether a person should look at it."""

    start: int
    end: int
    review: str | None  # None (unchanged words), "changed", or "orphaned"


def _tokens(text: str) -> tuple[list[str], list[int]]:
    words, starts = [], []
    for m in _TOKEN.finditer(text):
        words.append(m.group())
        starts.append(m.start())
    return words, starts


class TextDiff:
    """The edit between an old and a new text, as character ranges of equal, replaced, deleted and
    inserted words.

    Examples:
        >>> d = TextDiff("I was scared of the judge.", "I was scared of Judge Whitfield.")
        >>> d.anchor(0, 12)
        Anchor(start=0, end=12, review=None)
        >>> a = d.anchor(6, 25)
        >>> d.new[a.start:a.end], a.review
        ('scared of Judge Whitfield', 'changed')
    """

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new
        old_tokens, old_starts = _tokens(old)
        new_tokens, new_starts = _tokens(new)
        old_starts.append(len(old))
        new_starts.append(len(new))
        matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
        # (tag, old_start, old_end, new_start, new_end) in characters; inserts are left out because
        # no old character lies inside them.
        self.ops: list[tuple[str, int, int, int, int]] = [
            (tag, old_starts[i1], old_starts[i2], new_starts[j1], new_starts[j2])
            for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            if tag != "insert"
        ]
        self._op_starts = [op[1] for op in self.ops]

    def _op_at(self, pos: int) -> tuple[str, int, int, int, int] | None:
        i = bisect.bisect_right(self._op_starts, pos) - 1
        if i >= 0 and self.ops[i][1] <= pos < self.ops[i][2]:
            return self.ops[i]
        return None

    def _map_start(self, pos: int) -> int:
        op = self._op_at(pos)
        if op is None:
            return len(self.new)
        tag, o0, _, n0, _ = op
        return n0 + pos - o0 if tag == "equal" else n0

    def _map_end(self, pos: int) -> int:
        op = self._op_at(pos - 1) if pos > 0 else None
        if op is None:
            return 0 if pos <= 0 else len(self.new)
        tag, o0, _, n0, n1 = op
        if tag == "equal":
            return n0 + pos - o0
        return n1 if tag == "replace" else n0

    def _overlap(self, start: int, end: int) -> dict[str, int]:
        """How many characters of old[start:end] lie in equal, replaced and deleted stretches."""
        out = {"equal": 0, "replace": 0, "delete": 0}
        i = max(bisect.bisect_right(self._op_starts, start) - 1, 0)
        while i < len(self.ops) and self.ops[i][1] < end:
            tag, o0, o1, _, _ = self.ops[i]
            out[tag] += max(0, min(o1, end) - max(o0, start))
            i += 1
        return out

    def anchor(self, start: int, end: int) -> Anchor:
        """Carry the old span ``[start, end)`` into the new text."""
        if start == end:  # a zero-length mark stays a zero-length mark
            op = self._op_at(start)
            pos = self._map_start(start)
            return Anchor(pos, pos, None if op is None or op[0] == "equal" else "changed")
        overlap = self._overlap(start, end)
        if overlap["equal"] == 0 and overlap["replace"] == 0:
            pos = self._map_start(start)
            return Anchor(pos, pos, "orphaned")
        new_start, new_end = self._map_start(start), self._map_end(end)
        new_end = max(new_end, new_start)
        same = self.new[new_start:new_end] == self.old[start:end]
        return Anchor(new_start, new_end, None if same else "changed")
