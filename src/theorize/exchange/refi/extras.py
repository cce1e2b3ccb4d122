"""theorize's extras that REFI has no place for, carried as readable lines at the end of a Description.

A code's stage, lineage and in-vivo flag, a memo's type and what a memo is about when REFI cannot
hold a NoteRef there (a case, a set) are written as lines such as ``[theorize] stage: focused`` after
the researcher's own text. Other tools show them as part of the description; theorize reads them
back, so nothing is dropped either way.

Examples:
    >>> text = compose("Trust shown in talk.", {"stage": "focused"})
    >>> text
    'Trust shown in talk.\\n\\n[theorize] stage: focused'
    >>> parse(text)
    ('Trust shown in talk.', {'stage': 'focused'})
"""

from __future__ import annotations

import re
from collections.abc import Collection

_LINE = re.compile(r"^\[theorize\] ([a-z][a-z ]*): (.*)$")
PREFIX = "[theorize]"


def compose(description: str, fields: dict[str, str]) -> str:
    """``description`` followed by one ``[theorize] name: value`` line per non-empty field."""
    lines = [f"{PREFIX} {k}: {v}" for k, v in fields.items() if v]
    if not lines:
        return description
    block = "\n".join(lines)
    return f"{description}\n\n{block}" if description else block


def parse(text: str, known: Collection[str] | None = None) -> tuple[str, dict[str, str]]:
    """Split a Description into the researcher's text and theorize's fields (the inverse of compose).

    Only the unbroken run of ``[theorize]`` lines at the very end counts, and, when ``known`` is
    given, only lines naming a known field: anything else stays in the text.
    """
    if PREFIX not in text:
        return text, {}
    lines = text.split("\n")
    fields: dict[str, str] = {}
    i = len(lines)
    while i > 0:
        m = _LINE.match(lines[i - 1].rstrip("\r"))
        if not m or (known is not None and m.group(1) not in known):
            break
        fields[m.group(1)] = m.group(2).strip()
        i -= 1
    if not fields:
        return text, {}
    rest = "\n".join(lines[:i])
    if rest.endswith("\n"):  # the blank line compose() put between the text and the fields
        rest = rest[:-1]
    return rest, dict(reversed(fields.items()))


def split_guids(value: str) -> list[str]:
    """The GUIDs of a comma-separated field, in order."""
    return [g.strip() for g in value.split(",") if g.strip()]
