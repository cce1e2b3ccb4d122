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

Speed: one regular expression matches whole cues; Python runs once per cue, not per character.
"""

from __future__ import annotations

import html
import itertools
import operator
import re

from theorize.domain.sources import ParsedSource, Role, Turn
from theorize.errors import InvalidInput
from theorize.ingest.encoding import decode_text, release
from theorize.ingest.filetype import check_text
from theorize.ingest.layout import ReadRequest, TextLayout, build_source, where
from theorize.ingest.turns import LabelKind, label_key, labels_in, split_inline_label

PAUSE_SECONDS = 2.0

_TIME = r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_CUE_RE = re.compile(
    rf"""
    ^(?:(?P<id>[^\n]*)\n)?                                            # cue identifier
    [^\S\n]*(?P<start>{_TIME})[^\S\n]+-->[^\S\n]+(?P<end>{_TIME})     # timing
    (?:[^\S\n][^\n]*)?(?:\n|\Z)                                       # cue settings
    (?:<v(?:\.[^\s>]*)*[ \t]+(?P<voice>[^>\n]*)>(?=[^\n]))?              # <v Name>
    (?P<payload>(?:(?![^\n]*-->)[^\S\n]*\S[^\n]*(?:\n|\Z))*)            # text, up to a blank line
    """,
    re.MULTILINE | re.VERBOSE,
)
# The same without looking for a timing line inside the text: six times faster. A cue glued to the
# next one (no blank line between) then shows as "-->" in its text, and the careful one reads the file.
_FAST_CUE_RE = re.compile(_CUE_RE.pattern.replace(r"(?![^\n]*-->)", ""), re.MULTILINE | re.VERBOSE)
# The usual WebVTT of a transcription service (Teams, Zoom with voices): every cue one voice and one
# line of plain words, timings written hh:mm:ss.fff with single spaces. Read in bulk: one findall,
# then Python once per turn instead of once per cue. Any other file goes the careful way.
_SIMPLE_CUE_RE = re.compile(
    r"""
    (\n*                                                          # blank lines before
    (?:[^\n]*\n)??                                                # cue identifier (tried last)
    (\d\d:\d\d:\d\d\.\d\d\d)\ -->\ (\d\d:\d\d:\d\d\.\d\d\d)(?:\ [^\n]*)?\n     # timing, settings
    <v\ ([^>\n]*)>                                                # <v Name>
    ([^\s<&{](?:[^\n<&{]*[^\s<&{])?)(?:</v>)?                      # the words
    (?:\n|\Z)(?=\n|\Z))                                           # then a blank line
    """,
    re.VERBOSE,
)
_BLOCK_RE = re.compile(r"[^\S\n]*\S[^\n]*(?:\n[^\S\n]*\S[^\n]*)*")
_BLANK_LINE_RE = re.compile(r"\n[^\S\n]*(?:\n|\Z)")
_VOICE_RE = re.compile(r"<v(?:\.[^\s>]*)*(?:[ \t]+([^>]*))?>")
_TAG_RE = re.compile(r"<[^>\n]*>")
_ASS_RE = re.compile(r"\{\\[^}\n]*\}")
_DASH_RE = re.compile(r"^-(?!-)[^\S\n]*(?=\S)", re.MULTILINE)
_KEYWORDS = ("NOTE", "STYLE", "REGION")
_ENDS = frozenset(".?!…\"”’')]-–—。！？")

# A cue, as a list for speed: start, end (timestamps as written), speaker, whether a new
# speaker starts here ("- "), the words, and a leading "Name:" not yet accepted.
_START, _END, _SPEAKER, _NEW, _TEXT, _INLINE = range(6)


def read_vtt(data: bytes, request: ReadRequest) -> ParsedSource:
    """Read a WebVTT caption file.

    Raises:
        InvalidInput: the file does not start with WEBVTT, or a cue timing line is broken.
    """
    check_text(data, request.filename, "a caption file")
    decoded = decode_text(data, request.filename, request.encoding)
    release(data)
    raw = decoded.text
    first_line = raw.partition("\n")[0]
    if not (first_line == "WEBVTT" or first_line.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise InvalidInput(
            f"{request.filename} is not a valid WebVTT file (line 1 does not start with WEBVTT); "
            "export the captions again as WebVTT, or rename the file to .txt to import it as text"
        )
    blank = _BLANK_LINE_RE.search(raw)
    header_end = blank.start() if blank is not None else len(raw)
    arrow = raw.find("-->", 0, header_end)
    if arrow != -1:  # no blank line after the header: the first cue starts on that line
        header_end = raw.rfind("\n", 0, arrow) + 1
    return _read(raw, header_end, request, "vtt", decoded.notes)


def read_srt(data: bytes, request: ReadRequest) -> ParsedSource:
    """Read a SubRip caption file.

    Raises:
        InvalidInput: a cue timing line is broken.
    """
    check_text(data, request.filename, "a caption file")
    decoded = decode_text(data, request.filename, request.encoding)
    release(data)
    raw = decoded.text
    return _read(raw, 0, request, "srt", decoded.notes)


def _read(raw: str, pos: int, request: ReadRequest, file_format: str, notes: tuple[str, ...]) -> ParsedSource:
    vtt = file_format == "vtt"
    simple = _simple_turns(raw, pos) if vtt and raw.endswith("\n") else None  # a cut file: the careful way
    if simple is not None:
        return _lay_out(simple, request, file_format, list(notes))
    try:
        cues, pos = _cues(raw, pos, request.filename, vtt, _FAST_CUE_RE)
    except _Glued:
        cues, pos = _cues(raw, pos, request.filename, vtt, _CUE_RE)
    cut = not raw.endswith("\n")  # a caption file ends its last line; a file cut short does not
    if pos < len(raw):
        _check_gap(raw, pos, len(raw), request.filename, vtt, at_cut_end=cut)
    _accept_inline_labels(cues, request)
    said = list(notes)
    if cut and cues and cues[-1][_TEXT] and cues[-1][_TEXT][-1] not in _ENDS:
        said.append(
            f"{request.filename} ends in the middle of a cue ({where(raw, len(raw))}); "
            "the file looks cut short, so words may be missing at its end"
        )
    return _lay_out(_join(cues), request, file_format, said)


def _simple_turns(raw: str, pos: int) -> list[list] | None:
    """The turns of a WebVTT file whose cues are all ``<v Name>words`` on one line, as ``_join``
    makes them; None when any cue is not (then the careful reader reads the file)."""
    cues = _SIMPLE_CUE_RE.findall(raw, pos)
    if not cues or len(cues) != raw.count("-->", pos):
        return None
    covered = sum(map(len, map(operator.itemgetter(0), cues)))
    rest = raw[pos + covered :]
    if rest and not rest.isspace():  # something between cues that is not a cue
        return None
    speakers: dict[str, str | None] = {}
    turns: list[list] = []
    for voice, group in itertools.groupby(cues, operator.itemgetter(3)):
        speaker = speakers.get(voice, "")
        if speaker == "":
            speaker = speakers[voice] = " ".join(html.unescape(voice).split()) or None
        run = list(group)
        words = " ".join([cue[4] for cue in run])
        if "  " in words or "\t" in words:
            words = " ".join(words.split())
        if turns and turns[-1][0] == speaker:  # two voice tags that name one speaker
            turns[-1][2] = run[-1][2]
            turns[-1][3].append(words)
        else:
            turns.append([speaker, run[0][1], run[-1][2], [words]])
    return turns


class _Glued(Exception):
    """A cue's text holds a timing line: the fast pattern read two cues as one."""


def _cues(raw: str, pos: int, filename: str, vtt: bool, pattern: re.Pattern[str]) -> tuple[list[list], int]:
    """The cues from ``pos`` on, and where the last one ends."""
    cues: list[list] = []
    speakers: dict[str, str | None] = {}  # a voice tag as written -> the speaker
    fast = pattern is _FAST_CUE_RE
    group = operator.methodcaller("group", "id", "start", "end", "voice", "payload")
    for m in pattern.finditer(raw, pos):
        if m.start() != pos:
            _check_gap(raw, pos, m.start(), filename, vtt)
        pos = m.end()
        ident, start, end, voice, payload = group(m)
        if ident and "-->" in ident:  # a timing line read as an identifier
            raise _broken_timing(filename, raw, m.start(), ident)
        if fast and "-->" in payload:
            raise _Glued
        if voice is not None and vtt and "<v" not in payload:  # the common case: one voice
            speaker = speakers.get(voice, "")
            if speaker == "":
                speaker = speakers[voice] = " ".join(html.unescape(voice).split()) or None
            text = payload.strip()
            if "<" in text or "&" in text or "\n" in text or "{" in text or "  " in text or "\t" in text:
                text = _clean(text)
            cues.append([start, end, speaker, True, text, None])
        elif voice is not None:
            _add_cue(start, end, f"<v {voice}>{payload}", vtt, cues)
        elif payload:
            _add_cue(start, end, payload, vtt, cues)
    return cues, pos


def _check_gap(raw: str, start: int, end: int, filename: str, vtt: bool, at_cut_end: bool = False) -> None:
    """Text between cues must be blank, or (in WebVTT) a NOTE, STYLE or REGION block.

    ``at_cut_end``: the gap ends the file, which stops mid-line (it was cut short).
    """
    for block in _BLOCK_RE.finditer(raw, start, end):
        first = block.group().lstrip()
        if vtt and first.startswith(_KEYWORDS) and first.split(None, 1)[0] in _KEYWORDS:
            continue
        lines = block.group().split("\n")
        # The timing line is the first line that mentions a time or an arrow, else line 2
        # (after an identifier), else line 1.
        k = next(
            (i for i, line in enumerate(lines) if "-->" in line or re.search(r"\d:\d\d", line)),
            1 if len(lines) > 1 else 0,
        )
        offset = block.start() + sum(len(line) + 1 for line in lines[:k])
        raise _broken_timing(filename, raw, offset, lines[k], cut=at_cut_end and block.end() == end)


def _broken_timing(filename: str, raw: str, offset: int, line: str, cut: bool = False) -> InvalidInput:
    number = raw.count("\n", 0, offset) + 1
    shown = line.strip()
    if len(shown) > 60:
        shown = shown[:57] + "..."
    if cut:
        return InvalidInput(
            f"{filename} ends in the middle of a cue timing on line {number} ({shown!r}); "
            "the file looks cut short, so export the captions again"
        )
    return InvalidInput(
        f"{filename} has a broken cue timing on line {number} ({shown!r}); a timing line reads "
        "like 00:00:01.000 --> 00:00:04.000, fix that line and import the file again"
    )


def seconds(timestamp: str) -> float:
    """Seconds in a cue timestamp ("01:02:03.500", "02:03,5").

    Examples:
        >>> seconds("01:02:03.500"), seconds("02:03,5")
        (3723.5, 123.5)
    """
    if len(timestamp) == 12 and timestamp[2] == ":" and timestamp[5] == ":":  # hh:mm:ss.fff, most cues
        return int(timestamp[:2]) * 3600 + int(timestamp[3:5]) * 60 + int(timestamp[6:8]) + int(timestamp[9:]) / 1000
    whole, _, fraction = timestamp.replace(",", ".").partition(".")
    total = 0
    for part in whole.split(":"):
        total = total * 60 + int(part)
    return total + int(fraction) / 10 ** len(fraction)


def _clean(text: str) -> str:
    text = text.strip()
    if "<" in text:
        text = _TAG_RE.sub("", text)
    if "{" in text:
        text = _ASS_RE.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    if "\n" in text or "  " in text or "\t" in text or "<" in text:
        return " ".join(text.split())
    return text.strip()


def _add_cue(start: str, end: str, payload: str, vtt: bool, cues: list[list]) -> None:
    if vtt and "<v" in payload and _VOICE_RE.search(payload):
        pieces = _VOICE_RE.split(payload)  # text, voice, text, voice, text ...
        if pieces[0].strip():
            cues.append([start, end, None, False, _clean(pieces[0]), None])
        for k in range(1, len(pieces), 2):
            speaker = " ".join(html.unescape(pieces[k] or "").split()) or None
            cues.append([start, end, speaker, True, _clean(pieces[k + 1]), None])
        return
    if payload.startswith("-") or "\n-" in payload:
        parts = _DASH_RE.split(payload)
        if parts[0].strip():
            cues.append([start, end, None, False, _clean(parts[0]), None])
        for part in parts[1:]:
            cues.append([start, end, None, True, _clean(part), None])
        return
    cues.append([start, end, None, False, _clean(payload), None])


def _accept_inline_labels(cues: list[list], request: ReadRequest) -> None:
    """Take a leading "Name:" as the speaker when it is known, in capitals or repeated."""
    found = False
    for cue in cues:
        text = cue[_TEXT]
        if cue[_SPEAKER] is None and ":" in text:
            cue[_INLINE] = split_inline_label(text, request.roles)
            found = found or cue[_INLINE] is not None
    if not found:
        return
    counts = labels_in(c[_INLINE][0] for c in cues if c[_INLINE] is not None)
    for cue in cues:
        if cue[_INLINE] is None:
            continue
        label, kind, rest = cue[_INLINE]
        if kind is LabelKind.KNOWN or counts[label_key(label)] > 1 or label.isupper():
            cue[_SPEAKER], cue[_TEXT], cue[_NEW] = label, cue[_TEXT][rest:], True
        cue[_INLINE] = None


def _join(cues: list[list]) -> list[list]:
    """Cues into turns: [speaker, first cue start, last cue end, [words, ...]]."""
    turns: list[list] = []
    current: list | None = None
    for start, end, speaker, new, text, _ in cues:
        if not text:
            continue
        if speaker is not None:
            if current is None or current[0] != speaker:
                current = [speaker, start, end, []]
                turns.append(current)
        elif current is None or new or (current[0] is None and seconds(start) - seconds(current[2]) >= PAUSE_SECONDS):
            current = [None, start, end, []]
            turns.append(current)
        current[2] = end
        current[3].append(text)
    return turns


def _lay_out(turns: list[list], request: ReadRequest, file_format: str, notes: list[str]) -> ParsedSource:
    layout = TextLayout()
    spans: list[Turn] = []
    roles: dict[str | None, Role] = {}
    for speaker, start_at, end_at, texts in turns:
        words = " ".join(texts)
        if speaker not in roles:
            roles[speaker] = request.roles.role_of(speaker)
        if speaker is None:
            start = layout.add(words)
        else:
            start = layout.add(f"{speaker}: {words}") + len(speaker) + 2
        spans.append(Turn(start, start + len(words), speaker, roles[speaker], seconds(start_at), seconds(end_at)))
    return build_source(layout.text(), request, file_format, turns=spans, notes=notes)
