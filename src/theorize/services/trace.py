"""Stable references from a quote in a write-up back to its coding, and showing one in context."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from theorize.errors import InvalidInput, NotFound
from theorize.services.base import ProjectBase
from theorize.store import schema as t

_REF = re.compile(r"^(?P<source>.+)@v(?P<version>\d+):(?P<start>\d+)-(?P<end>\d+)#(?P<guid>[0-9a-f]{8})$")


@dataclass(frozen=True)
class Trace:
    """A quote found again: where it was coded, the words then, and where they stand now."""

    reference: str
    coding_id: int
    source: str
    code: str
    coder: str
    version: int
    start: int
    end: int
    quote: str
    before: str
    after: str
    speaker: str | None
    turn: int | None
    current_version: int
    current_start: int
    current_end: int
    review: str | None


def format_reference(source: str, version: int, start: int, end: int, guid: str) -> str:
    """``<source>@v<version>:<start>-<end>#<first 8 of the coding's GUID>``.

    Examples:
        >>> format_reference("C03_interview.txt", 1, 120, 180, "3f2a9c01-0000-4000-8000-000000000000")
        'C03_interview.txt@v1:120-180#3f2a9c01'
    """
    return f"{source}@v{version}:{start}-{end}#{guid.replace('-', '')[:8]}"


class TraceMixin(ProjectBase):
    """References and tracing."""

    def reference(self, coding_id: int) -> str:
        """The stable reference a report prints beside a coding's quote."""
        with self._read() as conn:
            row = conn.execute(
                select(t.coding.c.guid, t.coding.c.start, t.coding.c.end, t.coding.c.source_version, t.source.c.name)
                .join(t.source, t.source.c.id == t.coding.c.source_id)
                .where(t.coding.c.id == coding_id)
            ).first()
        if row is None:
            raise NotFound(f"There is no coding {coding_id}.")
        return format_reference(row.name, row.source_version, row.start, row.end, row.guid)

    def trace(self, reference: str, *, context: int = 200) -> Trace:
        """Find a report's quote again: the coding, its words in the text version quoted, and its
        place in the current text (after any edits).

        Examples:
            >>> study.trace("C03_interview.txt@v1:120-180#3f2a9c01").quote  # doctest: +SKIP
        """
        m = _REF.match(reference.strip())
        if not m:
            raise InvalidInput(
                f"{reference!r} is not a quote reference; they look like C03_interview.txt@v1:120-180#3f2a9c01."
            )
        with self._read() as conn:
            src = self._source_row(conn, m["source"])
            candidates = (
                conn.execute(
                    select(t.coding, t.code.c.name.label("code"), t.coder.c.name.label("coder"))
                    .join(t.code, t.code.c.id == t.coding.c.code_id)
                    .join(t.coder, t.coder.c.id == t.coding.c.coder_id)
                    .where(t.coding.c.source_id == src["id"])
                )
                .mappings()
                .all()
            )
            hit = next((c for c in candidates if c["guid"].replace("-", "").startswith(m["guid"])), None)
            if hit is None:
                raise NotFound(
                    f"No coding of {src['name']} matches {reference}; it may have been removed (see `theorize audit`)."
                )
            version = int(m["version"])
            vrow = conn.execute(
                select(t.source_version.c.id, t.source_version.c.text).where(
                    t.source_version.c.source_id == src["id"], t.source_version.c.version == version
                )
            ).first()
            if vrow is None:
                raise NotFound(f"{src['name']} has no text version {version}.")
            start, end = int(m["start"]), int(m["end"])
            text = vrow.text
            turn = conn.execute(
                select(t.segment.c.position, t.segment.c.speaker).where(
                    t.segment.c.source_version_id == vrow.id, t.segment.c.start <= start, t.segment.c.end >= start
                )
            ).first()
        return Trace(
            reference,
            hit["id"],
            src["name"],
            hit["code"],
            hit["coder"],
            version,
            start,
            end,
            text[start:end],
            text[max(0, start - context) : start],
            text[end : end + context],
            turn.speaker if turn else None,
            turn.position if turn else None,
            src["current_version"],
            hit["start"],
            hit["end"],
            hit["review"],
        )
