"""Speaker turns in transcript text, found the way transcribers write them.

A speaker label starts a line and ends with a colon: ``Interviewer:``, ``I:``, ``P3:``, ``R:``,
``Q:``/``A:``, ``Participant 2:``, ``Dr. Marsh:``, ``**Lena Marsh:**`` (Markdown bold), with an
optional timestamp before or after the name (``[00:01:23] Interviewer:``,
``Interviewer (00:01:23):``, ``Interviewer: [00:01:23]``). Otter-style exports, a name and a time
alone on a line with the words on the next line (``Lena Marsh  0:03``), count too. A label is
short (at most 40 characters and 5 words), starts with a letter, and its words are capitalised
(lower-case name particles such as "van" or "de" aside), so "the thing is: ..." is not a
label; neither are metadata keys such as ``Note:``, ``Date:`` or ``Location:``. A capitalised
phrase that occurs once only counts when it follows a blank line or a finished sentence (so a
wrapped line "Bridgeway Recovery: they said" is not a new speaker), or when it carries a
transcriber's timestamp (``[00:01:23] Lena Marsh:``, ``Lena Marsh (01:23):``).

A text is a labelled transcript when one of its labels is a transcriber's convention (I, P3,
Participant 2, a name with a timestamp, a label named in ``speaker_override``) or when some
speaker speaks twice; two different lead-ins such as "Findings:" and "Next steps:" do not
make a transcript.

The text keeps the labels; each turn covers the words after its label up to the next label,
continuation paragraphs included, surrounding white space excluded. Lines before the first
label (a title, a header block) stay in the text and belong to no turn. Text without labels
gets one turn per paragraph (paragraphs are blocks between blank lines, or single lines when
the text has no blank lines), with no speaker.

Everything here is one regular-expression pass over the text plus work per label, never per
character, so a 10,000-word transcript takes a few milliseconds.
"""

from __future__ import annotations

import functools
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Union

from theorize.domain.sources import Role, Turn
from theorize.errors import InvalidInput

MAX_LABEL_CHARS = 40
MAX_LABEL_WORDS = 5

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_NAME = r"[^\W\d_][\w.'’\-]*(?:[ \t][\w.'’\-&]+){0,4}"
_H = r"[^\S\n]"  # white space other than a line break

LABEL_RE = re.compile(
    rf"""
    ^{_H}*
    (?:
        (?:[\[(]?(?P<ts1>{_TS})[\])]?{_H}+)?           # [00:01:23] Interviewer:
        (?:\*\*)?
        (?P<label>{_NAME})
        (?:{_H}*[\[(](?P<ts2>{_TS})[\])])?              # Interviewer (00:01:23):
        {_H}*(?:\*\*)?[:：](?:\*\*)?
        (?:{_H}*[\[(](?P<ts3>{_TS})[\])])?              # Interviewer: [00:01:23]
        (?:(?<=：)|(?=\s|\Z))                           # a space after ":", none needed after "："
    |
        (?P<olabel>{_NAME}){_H}+(?P<ots>{_TS}){_H}*\n    # Otter, Teams: "Lena Marsh  0:03" + words below
        (?:{_H}*\n)?(?={_H}*\S)                          # (a .docx puts a blank line between)
    |
        \[(?P<blabel>{_NAME})\]{_H}+(?P<bts>{_TS}){_H}*\n  # Zoom: "[Lena Marsh] 10:04:13" + words below
        (?:{_H}*\n)?(?={_H}*\S)
    |
        \[(?P<tts>{_TS})\]{_H}+(?P<tlabel>{_NAME}){_H}*\n  # Trint: "[00:00:13] Lena Marsh" + words below
        (?:{_H}*\n)?(?={_H}*\S)
    |
        (?P<sts>\d{{1,2}}:\d{{1,2}}:\d{{1,2}}(?:\.\d{{1,3}})?){_H}*-->{_H}*[\d:.]+{_H}*\n  # Teams (Stream):
        (?:{_H}*\n)?(?P<slabel>{_NAME}){_H}*\n          # "0:0:0.0 --> 0:0:5.3", the name, the words
        (?:{_H}*\n)?(?={_H}*\S)
    )
    """,
    re.MULTILINE | re.VERBOSE,
)
INLINE_LABEL_RE = re.compile(rf"{_H}*(?P<label>{_NAME}){_H}*[:：](?:{_H}+|\Z)")

_INTERVIEWER_RE = re.compile(
    r"(?:interviewer|int|i|q|question|moderator|mod|facilitator|researcher|therapist|counselor"
    r"|counsellor|clinician)(?: ?\d{1,3})?"
)
_PARTICIPANT_RE = re.compile(
    r"(?:participant|respondent|interviewee|answer|a|r|p)(?: ?\d{1,3})?"
    r"|speaker ?\d{1,3}|[^\W\d_]{1,3}\d{1,4}"
)
_PARTICLES = frozenset("van von de der den del della di da dos du la le ten ter bin binti al el y zu".split())
# Keys of header and metadata lines, and words that start spoken sentences: never speakers.
NOT_SPEAKERS = frozenset(
    """
    note notes nb n.b ps p.s date time timestamp place location setting site venue duration length
    study project title subject topic re cc bcc to from sent file filename recording audio video
    transcript transcription transcriber transcribed by transcription date interview date
    interview session version page source summary abstract keywords comment comments remark
    remarks memo observation observations context background purpose aim aims research question
    approach method methods language consent code codes pseudonym age gender sex occupation role
    status participants attendees present absent total example e.g i.e tip warning caution
    important update edit author url link email e-mail phone tel address speaker name text
    content utterance dialogue anyway basically honestly well so and but yes no okay ok also
    actually like then now first second third finally result results conclusion definition
    """.split()
) | {"transcribed by", "transcription date", "interview date", "research question", "key words"}
_TERMINAL = frozenset(".?!…:;\"”’')]*-–—。！？؟」』：")
_BLANK_LINE_RE = re.compile(r"\n[^\S\n]*\n")
_PARAGRAPH_RE = re.compile(r"\S[^\n]*(?:\n[^\S\n]*\S[^\n]*)*")
_LINE_RE = re.compile(r"\S[^\n]*")


SpeakerLabels = Union[str, "re.Pattern[str]", Iterable[Union[str, "re.Pattern[str]"]]]
SpeakerOverride = Union["SpeakerRoles", str, "re.Pattern[str]", Mapping[str | Role, SpeakerLabels], None]
"""What ``speaker_override`` accepts; see ``SpeakerRoles.coerce``."""


class LabelKind(IntEnum):
    """How sure a label is a speaker label."""

    REJECTED = 0
    PLAUSIBLE = 1  # a capitalised short phrase
    KNOWN = 2  # a transcriber's convention (I, P3, Participant 2) or named by the user


@dataclass(frozen=True)
class SpeakerRoles:
    """Which speaker labels belong to which role.

    Labels are compared as written, ignoring case and a trailing full stop; a compiled
    ``re.Pattern`` matches whole labels. Labels named here are always taken as speaker labels.
    Labels not named fall back to the defaults: Interviewer, I, Q, Int, Moderator, Facilitator,
    Researcher, Therapist, Counselor (Counsellor), Clinician (optionally numbered) are
    interviewers; everyone else is a participant.

    Examples:
        >>> roles = SpeakerRoles.coerce({"interviewer": ["Lena Marsh"]})
        >>> [roles.role_of(label).value for label in ("lena marsh", "P3", "I")]
        ['interviewer', 'participant', 'interviewer']
    """

    interviewer: tuple[str | re.Pattern[str], ...] = ()
    participant: tuple[str | re.Pattern[str], ...] = ()
    other: tuple[str | re.Pattern[str], ...] = ()

    @classmethod
    def coerce(cls, value: SpeakerOverride | object) -> SpeakerRoles:
        """Build from what a caller may pass as ``speaker_override``.

        Accepted: None (defaults only); a SpeakerRoles; a label or compiled pattern (the
        interviewer); a mapping from "interviewer", "participant" or "other" (or a Role) to a
        label, a pattern, or a list of them.
        """
        if value is None:
            return cls()
        if isinstance(value, SpeakerRoles):
            return value
        if isinstance(value, (str, re.Pattern)):
            return cls(interviewer=(value,))
        if not isinstance(value, Mapping):
            raise InvalidInput(
                "speaker_override must map interviewer, participant or other to speaker labels, "
                f'for example {{"interviewer": ["Lena Marsh", "I"]}}, not {type(value).__name__}'
            )
        groups: dict[str, tuple[str | re.Pattern[str], ...]] = {}
        for key, labels in value.items():
            role = key.value if isinstance(key, Role) else str(key).strip().lower()
            if role not in ("interviewer", "participant", "other"):
                raise InvalidInput(
                    f"speaker_override names an unknown role {key!r}; use interviewer, participant or other"
                )
            if isinstance(labels, (str, re.Pattern)) or not isinstance(labels, Iterable):
                labels = (labels,)
            groups[role] = tuple(_check_label(x) for x in labels)
        return cls(**groups)

    def named_role(self, label: str) -> Role | None:
        """The role the user gave this label, or None when they did not name it."""
        key = label_key(label)
        for role, labels in (
            (Role.INTERVIEWER, self.interviewer),
            (Role.PARTICIPANT, self.participant),
            (Role.OTHER, self.other),
        ):
            for x in labels:
                if isinstance(x, re.Pattern):
                    if x.fullmatch(label.strip()) is not None:
                        return role
                elif label_key(x) == key:
                    return role
        return None

    def role_of(self, label: str | None) -> Role:
        """The role of a speaker label; a turn without a label is a participant's."""
        if label is None:
            return Role.PARTICIPANT
        named = self.named_role(label)
        if named is not None:
            return named
        if _INTERVIEWER_RE.fullmatch(label_key(label)):
            return Role.INTERVIEWER
        return Role.PARTICIPANT

    def assess(self, label: str) -> LabelKind:
        """How sure we are that ``label`` (a name before a colon) is a speaker label."""
        if self.named_role(label) is not None:
            return LabelKind.KNOWN
        if len(label) > MAX_LABEL_CHARS:
            return LabelKind.REJECTED
        key = label_key(label)
        if _INTERVIEWER_RE.fullmatch(key) or _PARTICIPANT_RE.fullmatch(key):
            return LabelKind.KNOWN
        if key in NOT_SPEAKERS:
            return LabelKind.REJECTED
        words = label.split()
        if not words or len(words) > MAX_LABEL_WORDS or words[0][0].islower():
            return LabelKind.REJECTED
        for w in words[1:]:
            if w[0].islower() and w.casefold() not in _PARTICLES:
                return LabelKind.REJECTED
        return LabelKind.PLAUSIBLE


def _check_label(x: object) -> str | re.Pattern[str]:
    if isinstance(x, (str, re.Pattern)):
        return x
    raise InvalidInput(f"speaker_override labels must be text or compiled patterns, not {x!r}")


@functools.lru_cache(maxsize=4096)
def label_key(label: str) -> str:
    """A label compared loosely: case-folded, single-spaced, without a trailing full stop."""
    return " ".join(label.split()).rstrip(".").casefold()


@dataclass(frozen=True)
class LabelHint:
    """A speaker label a reader found from layout (a bold run in a .docx), not from the text.

    ``line_start`` is where the labelled line starts; the speech is looked for from
    ``speech_from`` on. A PLAUSIBLE hint counts only when its label repeats or follows a break,
    like a capitalised label found in the text.
    """

    line_start: int
    speaker: str
    speech_from: int
    started_at: float | None = None
    kind: LabelKind = LabelKind.KNOWN


class _Labels:
    """The labels found in a text, as parallel columns: a long transcript has hundreds of
    thousands, and a tuple each would cost four times the memory."""

    __slots__ = ("kind", "line_start", "speaker", "speech_from", "started_at")

    def __init__(self) -> None:
        self.line_start = array("q")
        self.speech_from = array("q")
        self.speaker: list[str] = []
        self.started_at: list[float | None] = []
        self.kind: list[LabelKind] = []

    def __len__(self) -> int:
        return len(self.speaker)

    def append(
        self, line_start: int, speech_from: int, speaker: str, started_at: float | None, kind: LabelKind
    ) -> None:
        self.line_start.append(line_start)
        self.speech_from.append(speech_from)
        self.speaker.append(speaker)
        self.started_at.append(started_at)
        self.kind.append(kind)

    def select(self, indices: Iterable[int]) -> _Labels:
        """The labels at these positions, in this order."""
        out = _Labels()
        for i in indices:
            out.append(self.line_start[i], self.speech_from[i], self.speaker[i], self.started_at[i], self.kind[i])
        return out


def seconds(timestamp: str | None) -> float | None:
    """Seconds in "hh:mm:ss", "mm:ss" or "hh:mm:ss.fff" (comma or point), or None.

    Examples:
        >>> seconds("00:01:23"), seconds("1:02:03.5"), seconds("04:05")
        (83.0, 3723.5, 245.0)
    """
    if not timestamp:
        return None
    whole, _, fraction = timestamp.replace(",", ".").partition(".")
    total = 0
    for part in whole.split(":"):
        total = total * 60 + int(part)
    return total + (float("0." + fraction) if fraction else 0.0)


def detect_turns(text: str, roles: SpeakerRoles | None = None, hints: Sequence[LabelHint] = ()) -> list[Turn]:
    """Find the speaker turns of a transcript, or one turn per paragraph when it has no labels.

    Args:
        text: the stored text, with "\\n" line endings.
        roles: which labels are the interviewer's; defaults when None.
        hints: labels a reader found from layout; they win over the text on their line.

    Returns:
        Turns in text order, not overlapping, each covering the spoken words only.

    Examples:
        >>> text = "DEMO\\nInterviewer: How did it start?\\nP3: With the judge."
        >>> [(t.speaker, text[t.start:t.end]) for t in detect_turns(text)]
        [('Interviewer', 'How did it start?'), ('P3', 'With the judge.')]
    """
    roles = roles or SpeakerRoles()
    labels = _find_labels(text, roles, hints)
    if not _is_transcript(labels):
        return paragraph_turns(text)
    turns: list[Turn] = []
    role_of: dict[str | None, Role] = {}
    last = len(labels) - 1
    for i in range(len(labels)):
        speech_from = labels.speech_from[i]
        seg_end = labels.line_start[i + 1] if i < last else len(text)
        segment = text[speech_from:seg_end]
        spoken = segment.strip()
        if not spoken:
            continue
        start = speech_from + len(segment) - len(segment.lstrip())
        speaker = labels.speaker[i]
        turns.append(
            Turn(
                start,
                start + len(spoken),
                speaker=speaker,
                role=role_of.get(speaker) or role_of.setdefault(speaker, roles.role_of(speaker)),
                started_at=labels.started_at[i],
            )
        )
    return turns


def _find_labels(text: str, roles: SpeakerRoles, hints: Sequence[LabelHint]) -> _Labels:
    hinted = {h.line_start for h in hints}
    labels = _Labels()
    for h in hints:
        labels.append(h.line_start, h.speech_from, h.speaker, h.started_at, h.kind)
    assessed: dict[str, LabelKind] = {}  # a transcript repeats its few labels hundreds of times
    same: dict[str, str] = {}  # one string object per label, however often it is found
    for m in LABEL_RE.finditer(text):
        if m.start() in hinted:
            continue
        label = m["label"] or m["olabel"] or m["blabel"] or m["tlabel"] or m["slabel"]
        speaker = same.setdefault(label, label)
        kind = assessed.get(speaker)
        if kind is None:
            kind = assessed[speaker] = roles.assess(speaker)
        if kind is LabelKind.REJECTED:
            continue
        ts1, ts2, ts3, ots, bts, tts, sts = m.group("ts1", "ts2", "ts3", "ots", "bts", "tts", "sts")
        stamp = ts1 or ts2 or ts3 or ots or bts or tts or sts
        if stamp is not None and (stamp.count(":") == 2 or ts2 or ts3 or bts):
            kind = LabelKind.KNOWN  # a transcriber's timestamped label, not "10:30 Court:"
        labels.append(m.start(), m.end(), speaker, seconds(stamp), kind)
    if hints:
        labels = labels.select(sorted(range(len(labels)), key=labels.line_start.__getitem__))
    counts = Counter(label_key(sp) for sp in labels.speaker)
    known = LabelKind.KNOWN
    keep = [
        i
        for i in range(len(labels))
        if labels.kind[i] is known
        or counts[label_key(labels.speaker[i])] > 1
        or _after_a_break(text, labels.line_start[i])
    ]
    return labels if len(keep) == len(labels) else labels.select(keep)


def _is_transcript(labels: _Labels) -> bool:
    """Labelled when a label is a transcriber's convention or some speaker speaks twice."""
    if any(kind is LabelKind.KNOWN for kind in labels.kind):
        return True
    keys = [label_key(sp) for sp in labels.speaker]
    return len(set(keys)) < len(keys)


def _after_a_break(text: str, line_start: int) -> bool:
    """True when the line before is blank or ends a sentence (so a new speaker may start)."""
    if line_start == 0:
        return True
    previous = text[text.rfind("\n", 0, line_start - 1) + 1 : line_start - 1].rstrip()
    return not previous or previous[-1] in _TERMINAL


def paragraph_turns(text: str, start: int = 0, end: int | None = None) -> list[Turn]:
    """One speakerless participant turn per paragraph of ``text[start:end]``.

    Paragraphs are blocks between blank lines; a text without blank lines has one per line.
    """
    end = len(text) if end is None else end
    pattern = _PARAGRAPH_RE if _BLANK_LINE_RE.search(text, start, end) else _LINE_RE
    turns = []
    for m in pattern.finditer(text, start, end):
        block = m.group()
        turns.append(Turn(m.start(), m.start() + len(block.rstrip())))
    return turns


def split_inline_label(text: str, roles: SpeakerRoles) -> tuple[str, LabelKind, int] | None:
    """A speaker label at the very start of a caption cue ("Lena Marsh: Hello").

    Returns the label, how sure it is, and where the words after it start; None when the text
    does not start with a plausible label.
    """
    m = INLINE_LABEL_RE.match(text)
    if m is None:
        return None
    kind = roles.assess(m["label"])
    if kind is LabelKind.REJECTED:
        return None
    return m["label"], kind, m.end()


def labels_in(values: Iterable[str]) -> Counter[str]:
    """How often each label (compared loosely) occurs."""
    return Counter(label_key(v) for v in values)
