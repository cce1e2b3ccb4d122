"""What an importer hands to the project: the plain text of a source and its speaker turns.

Offsets are Unicode code points into ``text``, 0-based, end exclusive, everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Role(str, Enum):
    """Who speaks in a turn."""

    INTERVIEWER = "interviewer"
    PARTICIPANT = "participant"
    OTHER = "other"


class SourceKind(str, Enum):
    """What a source is, in the researcher's words."""

    INTERVIEW = "interview"
    FOCUS_GROUP = "focus group"
    FIELD_NOTE = "field note"
    DOCUMENT = "document"
    SURVEY_RESPONSE = "survey response"


@dataclass(frozen=True, slots=True)  # slots: a long transcript holds hundreds of thousands
class Turn:
    """One speaker turn: a span of the source text.

    ``start``/``end`` cover the words spoken (without the speaker label). ``started_at`` and
    ``ended_at`` are seconds from the start of the recording, when the file says so.
    """

    start: int
    end: int
    speaker: str | None = None
    role: Role = Role.PARTICIPANT
    started_at: float | None = None
    ended_at: float | None = None


@dataclass
class ParsedSource:
    """A file read into text and turns, ready to become a source in a project.

    ``name`` is the title the researcher sees (by default the file name without its folder);
    ``file_format`` is the reader that produced it ("txt", "docx", "vtt", ...).
    ``participant`` is a pseudonym id when the reader knows it (a survey respondent), else None.
    ``notes`` are sentences about what the reader dropped or guessed (with the position), for
    the researcher to read; ``metadata`` holds what the file says about itself (a header).
    """

    name: str
    text: str
    turns: list[Turn] = field(default_factory=list)
    file_format: str = "txt"
    kind: SourceKind = SourceKind.INTERVIEW
    participant: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = len(self.text)
        for t in self.turns:
            if not (0 <= t.start <= t.end <= n):
                raise ValueError(f"turn {t} lies outside the text of {self.name} ({n} characters)")
