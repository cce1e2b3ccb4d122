"""Sentences and lines inside a span of text, for coding sentence by sentence or line by line.

A sentence ends at ".", "!" or "?" (closing quotes and brackets included) followed by white
space and then anything but a lower-case letter, at "。", "！", "？" without a space, and at a
blank line. Not an end: a full stop after an abbreviation (Dr., Mr., Mrs., Ms., Prof., St.,
e.g., i.e., vs., cf., approx., Jr., Sr., ...), after a single capital initial ("J. Smith"),
"No." before a number, an ellipsis ("...", "…": in transcripts it marks a pause, not an end),
and anything inside square brackets ("[inaudible 00:01:02]", "[crosstalk. unclear]"). A single
line break is not an end either: hard-wrapped text breaks lines mid-sentence.

Spans are code-point offsets into the whole text, end exclusive, without surrounding white space.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from theorize.errors import InvalidInput

ABBREVIATIONS = frozenset(
    """dr mr mrs ms mx prof st jr sr vs v cf approx e.g i.e eg ie fig figs dept inc ltd co corp
    mt ave rd blvd est gen gov sen rep rev hon lt col sgt capt cmdr adm no nos vol pp p ca viz
    al""".split()
)
_CLOSERS = "\"'”’»)]"
_ENDER_RE = re.compile(r"(?:[.!?؟]+|…+|[。！？]+)[\"'”’»)\]]*")
_BRACKET_RE = re.compile(r"\[[^\]\n]*\]")
_PARAGRAPH_RE = re.compile(r"\S[^\n]*(?:\n[^\S\n]*\S[^\n]*)*")
_LINE_RE = re.compile(r"\S[^\n]*")
_OPENERS = "\"'“‘«(["


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The sentences inside ``text[start:end]`` as (start, end) offsets into ``text``.

    Examples:
        >>> t = "Dr. Marsh asked me. I said [inaudible 00:01:02] no... well, yes! Then we left."
        >>> [t[s:e] for s, e in split_sentences(t)]
        ['Dr. Marsh asked me.', 'I said [inaudible 00:01:02] no... well, yes!', 'Then we left.']
    """
    end = _check_span(text, start, end)
    spans: list[tuple[int, int]] = []
    for block in _PARAGRAPH_RE.finditer(text, start, end):
        _split_block(text, block.start(), block.start() + len(block.group().rstrip()), spans)
    return spans


def split_lines(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The non-blank lines inside ``text[start:end]`` as (start, end) offsets, white space trimmed.

    Examples:
        >>> t = "Interviewer: Hi\\n\\n  P3: Hello  \\n"
        >>> [t[s:e] for s, e in split_lines(t)]
        ['Interviewer: Hi', 'P3: Hello']
    """
    end = _check_span(text, start, end)
    return [(m.start(), m.start() + len(m.group().rstrip())) for m in _LINE_RE.finditer(text, start, end)]


def _check_span(text: str, start: int, end: int | None) -> int:
    end = len(text) if end is None else end
    if not 0 <= start <= end <= len(text):
        raise InvalidInput(
            f"the span {start}..{end} lies outside the text ({len(text)} characters); "
            "give offsets between 0 and the length of the text"
        )
    return end


def _split_block(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    brackets = [(m.start(), m.end()) for m in _BRACKET_RE.finditer(text, start, end)]
    opens = [b[0] for b in brackets]
    current = start
    for m in _ENDER_RE.finditer(text, start, end):
        if _ends_sentence(text, m, start, end, brackets, opens):
            _emit(text, current, m.end(), spans)
            current = m.end()
    _emit(text, current, end, spans)


def _emit(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        left = start + len(piece) - len(piece.lstrip())
        spans.append((left, left + len(stripped)))


def _ends_sentence(
    text: str,
    m: re.Match[str],
    start: int,
    end: int,
    brackets: list[tuple[int, int]],
    opens: list[int],
) -> bool:
    mark = m.group().rstrip(_CLOSERS)
    after = m.end()
    i = bisect_right(opens, m.start()) - 1
    if i >= 0 and brackets[i][0] < m.start() < brackets[i][1] - 1:
        return False  # inside [ ... ]
    if mark[-1] in "。！？":
        return True
    if after < end and not text[after].isspace():
        return False
    nxt = after
    while nxt < end and text[nxt].isspace():
        nxt += 1
    if nxt < end and text[nxt].islower():
        return False
    if "?" in mark or "!" in mark or "؟" in mark:
        return True
    if mark[0] == "…" or len(mark) > 1:
        return False  # an ellipsis: a pause
    word_start = m.start()
    while word_start > start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start : m.start()].lstrip(_OPENERS)
    key = word.casefold()
    if key in ABBREVIATIONS and (key not in ("no", "nos", "p", "pp") or _digit_at(text, nxt, end)):
        return False
    if len(word) == 1 and word.isupper():
        return False  # an initial: "J. Smith"
    return True


def _digit_at(text: str, i: int, end: int) -> bool:
    return i < end and text[i].isdigit()
