"""WebVTT (.vtt) and SubRip (.srt) captions: cues become speaker turns.

Text layout: one paragraph per turn, ``Speaker: words`` (only the words when the speaker is not
known), a blank line between paragraphs, so the stored text reads like a transcript; each turn
covers its words. Consecutive cues of the same voice join into one turn, their words joined
with single spaces; ``started_at`` is the first cue's start and ``ended_at`` the last cue's end.
Cue identifiers, NOTE/STYLE/REGION blocks and tags inside cues (``<v>``, ``<c>``, ``<i>``,
``<b>``, ``<00:00:01.000>``, SRT's ``{\\an8}``) are dropped; HTML entities are decoded.

Who speaks a cue: a ``<v Name>`` voice tag; else a leading ``Name:`` in the cue text (the Zoom
export and a common SRT convention) when the name is a known label (I, P3, Speaker 2, a label
given in ``speaker_override``), is written in capitals, or occurs at least twice in the file;
a cue line starting with "- " (the subtitle convention for a change of speaker) starts a new
unnamed turn. A cue with none of these continues the current turn, except that unnamed speech
starts a new paragraph after a pause of ``PAUSE_SECONDS`` so captions without speakers do not
become one paragraph.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from theorize.domain.sources import ParsedSource, Turn
from theorize.errors import InvalidInput
from theorize.ingest.encoding import decode_text
from theorize.ingest.layout import ReadRequest, TextLayout, build_source
from theorize.ingest.turns import LabelKind, label_key, labels_in, split_inline_label

PAUSE_SECONDS = 2.0

_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
_TIMING_RE = re.compile(rf"[^\S\n]*{_TIME}[^\S\n]+-->[^\S\n]+{_TIME}(?:[^\S\n].*)?")
_BLOCK_RE = re.compile(r"[^\S\n]*\S[^\n]*(?:\n[^\S\n]*\S[^\n]*)*")
_VOICE_RE = re.compile(r"<v(?:\.[^\s>]*)*(?:[ \t]+([^>]*))?>")
_TAG_RE = re.compile(r"<[^>\n]*>")
_ASS_RE = re.compile(r"\{\\[^}\n]*\}")
_DASH_RE = re.compile(r"-(?!-)[^\S\n]*(?=\S)")
_KEYWORDS = ("NOTE", "STYLE", "REGION")


@dataclass
class _Utterance:
    start: float
    end: float
    text: str
    speaker: str | None = None  # from a voice tag
    new_speaker: bool = False  # a "- " line: someone else speaks
    inline: tuple[str, LabelKind, int] | None = None  # a leading "Name:" not yet accepted


@dataclass
class _Turn:
    speaker: str | None
    start: float
    end: float
    words: list[str] = field(default_factory=list)


def read_vtt(data: bytes, request: ReadRequest) -> ParsedSource:
    """Read a WebVTT caption file.

    Raises:
        InvalidInput: the file does not start with WEBVTT, or a cue timing line is broken.
    """
    raw = decode_text(data, request.filename, request.encoding).text
    first_line = raw.partition("\n")[0]
    if not (first_line == "WEBVTT" or first_line.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise InvalidInput(
            f"{request.filename} is not a valid WebVTT file (line 1 does not start with WEBVTT); "
            "export the captions again as WebVTT, or rename the file to .txt to import it as text"
        )
    return _read(raw, request, "vtt")


def read_srt(data: bytes, request: ReadRequest) -> ParsedSource:
    """Read a SubRip caption file.

    Raises:
        InvalidInput: a cue timing line is broken.
    """
    raw = decode_text(data, request.filename, request.encoding).text
    return _read(raw, request, "srt")


def _read(raw: str, request: ReadRequest, file_format: str) -> ParsedSource:
    utterances = _utterances(raw, request, file_format == "vtt")
    turns = _join(utterances, request)
    layout = TextLayout()
    spans: list[Turn] = []
    for t in turns:
        words = " ".join(t.words)
        if t.speaker is None:
            start = layout.add(words)
        else:
            start = layout.add(f"{t.speaker}: {words}") + len(t.speaker) + 2
        spans.append(
            Turn(
                start,
                start + len(words),
                speaker=t.speaker,
                role=request.roles.role_of(t.speaker),
                started_at=t.start,
                ended_at=t.end,
            )
        )
    return build_source(layout.text(), request, file_format, turns=spans)


def _utterances(raw: str, request: ReadRequest, vtt: bool) -> list[_Utterance]:
    utterances: list[_Utterance] = []
    blocks = _BLOCK_RE.finditer(raw)
    for i, m in enumerate(blocks):
        lines = m.group().split("\n")
        if vtt and i == 0:  # the header block: WEBVTT and header lines
            timing = next((k for k, line in enumerate(lines) if "-->" in line), None)
            if timing is None:
                continue
            lines = lines[timing:]
        first = lines[0].lstrip()
        if vtt and first.startswith(_KEYWORDS) and first.split(None, 1)[0] in _KEYWORDS:
            continue
        if "-->" in first:
            t = 0
        elif len(lines) > 1 and "-->" in lines[1]:
            t = 1
        else:
            t = 1 if len(lines) > 1 and not any(c.isdigit() for c in lines[0]) else 0
            raise _broken_timing(request.filename, raw, m.start(), t, lines[t])
        tm = _TIMING_RE.fullmatch(lines[t])
        if tm is None:
            raise _broken_timing(request.filename, raw, m.start(), t, lines[t])
        start, end = _time(tm.groups()[:4]), _time(tm.groups()[4:])
        if end < start:
            line = raw.count("\n", 0, m.start()) + 1 + t
            raise InvalidInput(
                f"{request.filename} has a cue that ends before it starts on line {line}; "
                "fix its timing and import it again"
            )
        _cue_utterances(lines[t + 1 :], start, end, vtt, utterances)
    _accept_inline_labels(utterances, request)
    return utterances


def _broken_timing(filename: str, raw: str, block_start: int, k: int, line: str) -> InvalidInput:
    number = raw.count("\n", 0, block_start) + 1 + k
    shown = line.strip()
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return InvalidInput(
        f"{filename} has a broken cue timing on line {number} ({shown!r}); a timing line reads "
        "like 00:00:01.000 --> 00:00:04.000, fix that line and import the file again"
    )


def _time(parts: tuple[str | None, ...]) -> float:
    hours, minutes, secs, fraction = parts
    whole = int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(secs or 0)
    return whole + int(fraction or 0) / 10 ** len(fraction or "0")


def _clean(text: str) -> str:
    if "<" in text:
        text = _TAG_RE.sub("", text)
    if "{" in text:
        text = _ASS_RE.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return " ".join(text.split())


def _cue_utterances(
    payload: list[str], start: float, end: float, vtt: bool, out: list[_Utterance]
) -> None:
    joined = " ".join(payload)
    found: list[_Utterance] = []
    if vtt and "<v" in joined and _VOICE_RE.search(joined):
        pieces = _VOICE_RE.split(joined)  # text, voice, text, voice, text ...
        if pieces[0].strip():
            found.append(_Utterance(start, end, pieces[0]))
        for k in range(1, len(pieces), 2):
            voice = " ".join(html.unescape(pieces[k] or "").split()) or None
            found.append(_Utterance(start, end, pieces[k + 1], speaker=voice, new_speaker=True))
    elif any(_DASH_RE.match(line) for line in payload):
        current: list[str] = []
        dashed = False
        for line in payload:
            d = _DASH_RE.match(line)
            if d is not None:
                if current:
                    found.append(_Utterance(start, end, " ".join(current), new_speaker=dashed))
                current, dashed = [line[d.end() :]], True
            else:
                current.append(line)
        found.append(_Utterance(start, end, " ".join(current), new_speaker=dashed))
    else:
        found.append(_Utterance(start, end, joined))
    for u in found:
        u.text = _clean(u.text)
    out.extend(found)


def _accept_inline_labels(utterances: list[_Utterance], request: ReadRequest) -> None:
    """Take a leading "Name:" as the speaker when it is known, in capitals or repeated."""
    for u in utterances:
        if u.speaker is None and u.text:
            u.inline = split_inline_label(u.text, request.roles)
    counts = labels_in(u.inline[0] for u in utterances if u.inline is not None)
    for u in utterances:
        if u.inline is None:
            continue
        label, kind, rest = u.inline
        if kind is LabelKind.KNOWN or counts[label_key(label)] > 1 or label.isupper():
            u.speaker, u.text, u.new_speaker = label, u.text[rest:], True
        u.inline = None


def _join(utterances: list[_Utterance], request: ReadRequest) -> list[_Turn]:
    turns: list[_Turn] = []
    current: _Turn | None = None
    for u in utterances:
        text = u.text.strip()
        if not text:
            continue
        if u.speaker is not None:
            same = current is not None and current.speaker == u.speaker
            if not same:
                current = _Turn(u.speaker, u.start, u.end)
                turns.append(current)
        elif (
            current is None
            or u.new_speaker
            or (current.speaker is None and u.start - current.end >= PAUSE_SECONDS)
        ):
            current = _Turn(None, u.start, u.end)
            turns.append(current)
        current.words.append(text)
        current.end = max(current.end, u.end)
    return turns
