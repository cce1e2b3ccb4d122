"""Who the interviewer is across a folder of transcripts: the one named speaker who talks in
several of them, while the participants change from file to file.

A transcript whose labels follow no convention ("Lena Marsh:", "C03:") names nobody as the
interviewer. ``InterviewerFinder`` holds such files back (up to ``PENDING_FILES``) until a later
file shows which of their speakers recurs; that speaker's turns become the interviewer's, in the
held files and in every later one. Files come out in the order they went in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from theorize.domain.sources import ParsedSource, Role
from theorize.ingest.turns import LabelKind, SpeakerRoles, label_key

PENDING_FILES = 8
"""Files held back at most while the interviewer is not yet known."""

_CONVENTIONS = SpeakerRoles()


def speaker_roles(parsed: Any) -> dict[str, str]:
    """Each speaker of a ParsedSource, or of a worker's compact tuple, with its role's value."""
    if isinstance(parsed, ParsedSource):
        return {t.speaker: t.role.value for t in parsed.turns if t.speaker}
    return {turn[2]: turn[3] for turn in parsed[1] if turn[2]}


def lacks_interviewer(roles: dict[str, str]) -> bool:
    """Two or more speakers, none of them taken for the interviewer."""
    return "interviewer" not in roles.values() and sum(r != "interviewer" for r in roles.values()) >= 2


def with_interviewers(parsed: Any, keys: set[str]) -> Any:
    """``parsed`` with the participant turns of these speakers (compared loosely) made the interviewer's."""
    if not keys:
        return parsed
    if isinstance(parsed, ParsedSource):
        if any(t.speaker and t.role is Role.PARTICIPANT and label_key(t.speaker) in keys for t in parsed.turns):
            parsed.turns = [
                replace(t, role=Role.INTERVIEWER)
                if t.speaker and t.role is Role.PARTICIPANT and label_key(t.speaker) in keys
                else t
                for t in parsed.turns
            ]
        return parsed
    fields, turns, words = parsed
    mine = {s for s, r in speaker_roles(parsed).items() if r == "participant" and label_key(s) in keys}
    if mine:
        turns = [(*x[:3], "interviewer", *x[4:]) if x[2] in mine else x for x in turns]
    return fields, turns, words


class InterviewerFinder:
    """Finds the interviewer of a folder of transcripts as the files come in.

    ``found`` maps each speaker found (compared loosely) to the label as first written.

    Examples:
        >>> from theorize.domain.sources import Turn
        >>> def talk(*who):
        ...     return ParsedSource("x", "ab", [Turn(0, 1, w) for w in who])
        >>> finder = InterviewerFinder()
        >>> finder.add("c1", talk("Lena Marsh", "C01"))
        []
        >>> [(name, {t.speaker: t.role.value for t in p.turns}) for name, p in finder.add("c2", talk("Lena Marsh", "C02"))]
        [('c1', {'Lena Marsh': 'interviewer', 'C01': 'participant'}), ('c2', {'Lena Marsh': 'interviewer', 'C02': 'participant'})]
        >>> finder.found
        {'lena marsh': 'Lena Marsh'}
    """

    def __init__(self, known: Iterable[str] = ()) -> None:
        self.found: dict[str, str] = {}
        self._known = {label_key(k) for k in known}
        self._files_of: Counter[str] = Counter()
        self._queue: list[tuple[Any, Any]] = []

    def add(self, item: Any, parsed: Any) -> list[tuple[Any, Any]]:
        """Take one file (``parsed`` may be an error sentence); return the files ready to write."""
        if not isinstance(parsed, str):
            for speaker in speaker_roles(parsed):
                self._files_of[label_key(speaker)] += 1
        self._queue.append((item, parsed))
        self._resolve()
        ready = []
        while self._queue and (len(self._queue) > PENDING_FILES or not self._waiting(self._queue[0][1])):
            ready.append(self._release())
        return ready

    def finish(self) -> list[tuple[Any, Any]]:
        """The files still held back, with what was found applied."""
        return [self._release() for _ in range(len(self._queue))]

    def _waiting(self, parsed: Any) -> bool:
        if isinstance(parsed, str):
            return False
        roles = speaker_roles(parsed)
        return lacks_interviewer(roles) and not any(label_key(s) in self.found for s in roles)

    def _resolve(self) -> None:
        for _, parsed in self._queue:
            if not self._waiting(parsed):
                continue
            candidates = [
                s
                for s, role in speaker_roles(parsed).items()
                if role == "participant"
                and self._files_of[label_key(s)] >= 2
                and label_key(s) not in self._known
                and _CONVENTIONS.assess(s) is not LabelKind.KNOWN
            ]
            if len(candidates) == 1:
                self.found.setdefault(label_key(candidates[0]), candidates[0])

    def _release(self) -> tuple[Any, Any]:
        item, parsed = self._queue.pop(0)
        if not isinstance(parsed, str):
            parsed = with_interviewers(parsed, set(self.found))
        return item, parsed
