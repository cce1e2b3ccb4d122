"""The stored text of a source and how readers build it.

Readers of structured formats (.docx, .odt, .html, captions, surveys) lay their paragraphs out
one after another with a blank line between them ("\\n\\n"); line breaks inside a paragraph
stay "\\n". Plain-text formats keep the file's text as it is. ``build_source`` then finds the
turns (unless the reader already knows them) and the kind of source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from theorize.domain.sources import ParsedSource, Role, SourceKind, Turn
from theorize.errors import InvalidInput
from theorize.ingest.turns import LabelHint, SpeakerRoles, detect_turns, label_key

PARAGRAPH_BREAK = "\n\n"


@dataclass(frozen=True)
class ReadRequest:
    """What a reader needs besides the bytes.

    ``filename`` is the file name as the researcher knows it (used in messages); ``name`` is
    the source's title; ``kind`` forces the kind of source instead of inferring it.
    """

    filename: str
    name: str
    roles: SpeakerRoles = SpeakerRoles()
    encoding: str | None = None
    kind: SourceKind | None = None


class TextLayout:
    """Builds a text from paragraphs, a blank line between each, and says where each starts.

    Examples:
        >>> layout = TextLayout()
        >>> layout.add("Interviewer: Hello"), layout.add("P3: Hi")
        (0, 20)
        >>> layout.text()
        'Interviewer: Hello\\n\\nP3: Hi'
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0

    def add(self, paragraph: str) -> int:
        """Append a paragraph and return the offset where it starts."""
        if self._parts:
            self._parts.append(PARAGRAPH_BREAK)
            self._length += len(PARAGRAPH_BREAK)
        start = self._length
        self._parts.append(paragraph)
        self._length += len(paragraph)
        return start

    @property
    def length(self) -> int:
        """Characters laid out so far."""
        return self._length

    def text(self) -> str:
        """The whole text."""
        return "".join(self._parts)


def where(text: str, offset: int) -> str:
    """Where an offset is, the way a researcher finds it: the line and a few words before it.

    Examples:
        >>> where("Interviewer: How did it\\nC03: With the judge and", 47)
        "line 2, after 'With the judge and'"
    """
    line = text.count("\n", 0, offset) + 1
    before = " ".join(text[max(0, offset - 60) : offset].split()[-4:])
    return f"line {line}, after {before!r}" if before else f"line {line}"


_HEADINGS = {"SUMMARY KEYWORDS": "keywords", "KEYWORDS": "keywords", "SPEAKERS": "speakers"}


def header_metadata(header: str) -> dict[str, str]:
    """What a transcription service writes above the first turn (Otter.ai: a title, the date,
    SUMMARY KEYWORDS and SPEAKERS), as metadata; {} when the header has none of those headings.

    Examples:
        >>> header_metadata("Interview with C03\\nFri, 5/12 10:04AM\\nSPEAKERS\\nLena Marsh, C03\\n\\nLena Marsh  0:03")
        {'title': 'Interview with C03', 'recorded': 'Fri, 5/12 10:04AM', 'speakers': 'Lena Marsh, C03'}
    """
    lines = [line.strip() for line in header.split("\n") if line.strip()]
    found = [i for i, line in enumerate(lines) if line in _HEADINGS]
    if not found:
        return {}
    out: dict[str, str] = {}
    before = lines[: found[0]]
    if before:
        out["title"] = before[0]
    if len(before) > 1:
        out["recorded"] = before[1]
    for i in found:
        if i + 1 < len(lines) and lines[i + 1] not in _HEADINGS:
            out[_HEADINGS[lines[i]]] = lines[i + 1]
    return out


def empty_error(filename: str) -> InvalidInput:
    """The error for a file with no text in it."""
    return InvalidInput(f"{filename} has no text in it; check that you chose the right file and that it was saved")


def infer_kind(turns: Sequence[Turn]) -> SourceKind:
    """A focus group when 3+ participants speak, an interview when labelled, else a document."""
    speakers = {(t.speaker, t.role) for t in turns if t.speaker is not None}
    if not speakers:
        return SourceKind.DOCUMENT
    participants = {label_key(s) for s, role in speakers if role is Role.PARTICIPANT}
    return SourceKind.FOCUS_GROUP if len(participants) >= 3 else SourceKind.INTERVIEW


def build_source(
    text: str,
    request: ReadRequest,
    file_format: str,
    *,
    turns: list[Turn] | None = None,
    hints: Sequence[LabelHint] = (),
    metadata: dict[str, str] | None = None,
    notes: Sequence[str] = (),
) -> ParsedSource:
    """Finish a reader's work: refuse empty text, find turns, name the kind of source.

    ``notes`` say what the reader dropped or guessed, and where, for the researcher to read.
    """
    if not text or text.isspace():
        raise empty_error(request.filename)
    if turns is None:
        turns = detect_turns(text, request.roles, hints)
    metadata = dict(metadata or {})
    if turns and turns[0].speaker is not None and turns[0].start > 0:
        metadata.update(header_metadata(text[: min(turns[0].start, 20_000)]))
    return ParsedSource(
        name=request.name,
        text=text,
        turns=turns,
        file_format=file_format,
        kind=request.kind or infer_kind(turns),
        metadata=metadata,
        notes=list(notes),
    )
