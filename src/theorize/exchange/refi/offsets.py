"""How a file's selection offsets count characters, and the conversion to code points.

REFI offsets are code points of the stored plain text. Some producers (MAXQDA among them) count a
Windows line break (CRLF) as one position. Where selections carry their text in ``name``, both
readings are tried and the one under which more selections match their text wins.

Examples:
    >>> text = "a\\r\\nbc"
    >>> r = choose_reading(text, [(2, 4, "bc")])  # "bc" when CRLF counts as one
    >>> r.reading, r.convert(2), r.convert(4)
    ('CRLF as one position', 3, 5)
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: How many named selections per text are tested (enough to tell the readings apart).
MAX_TESTED = 500
#: The shortest name that counts as the start of a selection's text.
PREFIX_MIN = 20
CODE_POINTS = "code points"
CRLF_AS_ONE = "CRLF as one position"


@dataclass(frozen=True)
class Reading:
    """The chosen way to count, a converter to code points (None when out of range), and the evidence."""

    reading: str
    convert: Callable[[int], int | None]
    matched: int = 0  # named selections whose text matched under this reading
    matched_other: int = 0  # ... under the other reading
    tested: int = 0  # named selections tried


def as_code_points(text: str) -> Callable[[int], int | None]:
    """The identity on ``0..len(text)``; None outside it."""
    n = len(text)
    return lambda p: p if 0 <= p <= n else None


def crlf_as_one(text: str) -> Callable[[int], int | None]:
    """Converts an offset that counts each CRLF as one position into a code-point offset of ``text``."""
    collapsed: list[int] = []  # where each CRLF's line break sits in the collapsed text
    i = text.find("\r\n")
    while i != -1:
        collapsed.append(i - len(collapsed))
        i = text.find("\r\n", i + 2)
    n = len(text) - len(collapsed)

    def convert(p: int) -> int | None:
        return p + bisect_left(collapsed, p) if 0 <= p <= n else None

    return convert


def _same(selected: str, name: str) -> bool:
    """Whether a selection's ``name`` holds its text: all of it, or (as ATLAS.ti and theorize write
    long ones) its first ``PREFIX_MIN`` or more characters, possibly followed by an ellipsis."""
    if selected == name:
        return True
    a = selected.replace("\r\n", "\n") if "\r" in selected else selected
    b = name.replace("\r\n", "\n") if "\r" in name else name
    if a == b or (a.strip() == b.strip() and bool(b.strip())):
        return True
    b = b.removesuffix("…").removesuffix("...")
    return len(b) >= PREFIX_MIN and a.startswith(b)


def _matches(text: str, convert: Callable[[int], int | None], spans: Sequence[tuple[int, int, str]]) -> int:
    hits = 0
    for start, end, name in spans:
        s, e = convert(start), convert(end)
        if s is not None and e is not None and s <= e and _same(text[s:e], name):
            hits += 1
    return hits


def choose_reading(text: str, spans: Sequence[tuple[int, int, str]]) -> Reading:
    """Pick how the offsets of ``spans`` (start, end, name) count characters in ``text``.

    Without CRLF in the text there is nothing to choose: code points. Otherwise the named spans are
    tested under both readings; CRLF-as-one wins only when strictly more of them match that way.
    """
    plain = as_code_points(text)
    if "\r\n" not in text:
        return Reading(CODE_POINTS, plain)
    named = [s for s in spans if s[2]][:MAX_TESTED]
    if not named:
        return Reading(CODE_POINTS, plain)
    one = crlf_as_one(text)
    hits_plain, hits_one = _matches(text, plain, named), _matches(text, one, named)
    if hits_one > hits_plain:
        return Reading(CRLF_AS_ONE, one, hits_one, hits_plain, len(named))
    return Reading(CODE_POINTS, plain, hits_plain, hits_one, len(named))
