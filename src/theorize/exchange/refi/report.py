"""What an import or export carried over, what it did not and why, and what it had to interpret.

Every ``read_*`` and ``write_*`` function returns one :class:`ExchangeReport`; nothing is dropped
without a line in it.

Examples:
    >>> r = ExchangeReport(file="study.qdpx", direction="import")
    >>> r.carry("Code", 3)
    >>> r.skip("Coding", "coding 1a2b… in interview1.txt", "it refers to a code that is not in the file")
    >>> print(r.summary())
    Import of study.qdpx
    Carried: 3 codes.
    Not carried (1):
      - Coding: coding 1a2b… in interview1.txt: it refers to a code that is not in the file
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

# Plural forms of the element types the summary names, in the order it lists them.
_PLURALS = {
    "User": "users",
    "Code": "codes",
    "Variable": "variables",
    "Case": "cases",
    "Source": "sources",
    "PlainTextSelection": "selections",
    "Coding": "codings",
    "VariableValue": "variable values",
    "Note": "notes",
    "NoteRef": "note references",
    "Link": "links",
    "Set": "sets",
    "Graph": "graphs",
    "Description": "descriptions",
}


@dataclass(frozen=True)
class NotCarried:
    """One thing left behind: its REFI element type, which one, and why."""

    element: str
    what: str
    reason: str

    def __str__(self) -> str:
        return f"{self.element}: {self.what}: {self.reason}"


@dataclass
class ExchangeReport:
    """Per element type, how many were carried; a list of what was not, with reasons; what another
    tool may get wrong (``warnings``); and the interpretations made on the way (``decisions``), such
    as how CRLF line breaks were counted."""

    file: str
    direction: Literal["import", "export"]
    kind: str = "project"  # "project" or "codebook"
    carried: Counter[str] = field(default_factory=Counter)
    not_carried: list[NotCarried] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def carry(self, element: str, n: int = 1) -> None:
        """Count ``n`` elements of type ``element`` as carried."""
        self.carried[element] += n

    def skip(self, element: str, what: str, reason: str) -> None:
        """Record one element of type ``element`` that was not carried, and why."""
        self.not_carried.append(NotCarried(element, what, reason))

    def decide(self, text: str) -> None:
        """Record an interpretation made on the way (one sentence)."""
        self.decisions.append(text)

    def warn(self, text: str) -> None:
        """Record something carried that another tool may still get wrong (one sentence)."""
        self.warnings.append(text)

    def not_carried_counts(self) -> Counter[str]:
        """How many elements of each type were not carried."""
        return Counter(n.element for n in self.not_carried)

    def summary(self, limit: int = 50) -> str:
        """The report as text a researcher can read: one line of counts, then one line per problem and
        per interpretation (at most ``limit`` of each; the full lists are ``not_carried`` and ``decisions``)."""
        order = {e: i for i, e in enumerate(_PLURALS)}
        kinds = sorted(self.carried, key=lambda e: (order.get(e, len(order)), e))
        counts = ", ".join(f"{self.carried[k]} {_plural(k, self.carried[k])}" for k in kinds)
        lines = [f"{self.direction.capitalize()} of {self.file}", f"Carried: {counts or 'nothing'}."]
        if self.not_carried:
            lines.append(f"Not carried ({len(self.not_carried)}):")
            lines += _bullets(self.not_carried, limit)
        else:
            lines.append("Not carried: nothing.")
        if self.warnings:
            lines.append(f"Warnings ({len(self.warnings)}):")
            lines += _bullets(self.warnings, limit)
        if self.decisions:
            lines.append(f"Interpreted ({len(self.decisions)}):")
            lines += _bullets(self.decisions, limit)
        return "\n".join(lines)


def _bullets(items: list, limit: int) -> list[str]:
    out = [f"  - {x}" for x in items[:limit]]
    if len(items) > limit:
        out.append(f"  ... and {len(items) - limit} more")
    return out


def _plural(element: str, n: int) -> str:
    word = _PLURALS.get(element, element)
    return word[:-1] if n == 1 and word.endswith("s") and element in _PLURALS else word
