"""Applying codes to spans and segments, in-vivo codes, and deciding on machine suggestions."""

from __future__ import annotations

from sqlalchemy import func, select

from theorize.domain.codebook import CodingStatus, Stage
from theorize.domain.codebook import counts as counts  # the one rule for which codings count, offered here
from theorize.errors import InvalidInput, NotFound
from theorize.services.base import Action, new_guid, now
from theorize.services.codebook import CodebookMixin
from theorize.services.races import carried_span
from theorize.store import schema as t

#: Which codings a code counts in a table: its own only, or its own and those of every code
#: beneath it (the tree, saturation and matrices count the second way; agreement and
#: co-occurrence the first, and say so).
OWN, OWN_AND_BENEATH = "own", "own and beneath"


def coding_row(
    src,
    start: int,
    end: int,
    code_id: int,
    coder_id: int,
    *,
    origin: str = "human",
    model_id: str | None = None,
    confidence: float | None = None,
    status: str = "accepted",
) -> dict:
    """The values of a new coding of the current version of ``src`` (a source row)."""
    return {
        "source_id": src["id"],
        "source_version": src["current_version"],
        "start": start,
        "end": end,
        "code_id": code_id,
        "coder_id": coder_id,
        "origin": origin,
        "model_id": model_id,
        "confidence": confidence,
        "status": status,
        "review": None,
        "guid": new_guid(),
        "created_at": now(),
    }


def _numbers(segment: int | tuple[int, int]) -> str:
    return str(segment) if isinstance(segment, int) else f"{segment[0]}-{segment[1]}"


def _find_quote(
    name: str, text: str, quote: str, occurrence: int | None, lo: int, hi: int, where: str | None
) -> tuple[int, int]:
    """Where quoted words are in ``text[lo:hi]``: the one place, or the ``occurrence``-th.

    Several places and no occurrence named: refused, listing where they are, rather than guessed.
    """
    if not quote:
        raise InvalidInput("The quote to code is empty; give the participant's exact words.")
    if occurrence is not None and occurrence < 1:
        raise InvalidInput(f"Occurrence {occurrence} is not possible; the first time the words occur is 1.")
    found, pos = [], text.find(quote, lo, hi)
    while pos >= 0:
        found.append(pos)
        pos = text.find(quote, pos + 1, hi)
    inside = f" {where} of {name}" if where else f" {name}"
    if not found:
        raise InvalidInput(f"The words {quote[:60]!r} do not occur in{inside}.")
    if occurrence is None:
        if len(found) > 1:
            places = ", ".join(f"{p}-{p + len(quote)}" for p in found[:10])
            raise InvalidInput(
                f"The words {quote[:60]!r} occur {len(found)} times in{inside} (characters {places}); "
                "say which by occurrence number or by turn.",
                places=[(p, p + len(quote)) for p in found],
            )
        occurrence = 1
    if occurrence > len(found):
        raise InvalidInput(f"The words {quote[:60]!r} do not occur {occurrence} times in{inside}.")
    return found[occurrence - 1], found[occurrence - 1] + len(quote)


class _SourceText:
    """A source's current text, read only when its words are needed: a span or a turn is checked
    against the text's length and the turn table, so coding by offsets or turns never reads the
    whole transcript."""

    def __init__(self, study, conn, src):
        self._study, self._conn, self._src, self._text = study, conn, src, None

    def __str__(self) -> str:
        if self._text is None:
            self._text = self._study._source_text(self._conn, self._src["id"])[1]
        return self._text

    def __len__(self) -> int:
        if self._text is not None:
            return len(self._text)
        return int(
            self._conn.execute(
                select(func.length(t.source_version.c.text)).where(
                    t.source_version.c.source_id == self._src["id"],
                    t.source_version.c.version == self._src["current_version"],
                )
            ).scalar_one()
        )

    def find(self, *args) -> int:
        return str(self).find(*args)

    def __getitem__(self, key):
        return str(self)[key]


class CodingMixin(CodebookMixin):
    """Services for codings."""

    def _version_id(self, conn, src) -> int:
        """The id of a source's current version (its text is not read)."""
        return conn.execute(
            select(t.source_version.c.id).where(
                t.source_version.c.source_id == src["id"], t.source_version.c.version == src["current_version"]
            )
        ).scalar_one()

    def _resolve_span(
        self,
        act: Action,
        src,
        text: str | _SourceText,
        start: int | None,
        end: int | None,
        segment: int | tuple[int, int] | None,
        quote: str | None,
        occurrence: int | None,
        unit: str = "turn",
    ) -> tuple[int, int]:
        """The span to code: characters, a turn/sentence/line or a range of them (``(first, last)``),
        or quoted words (inside the given segment, when one is given too). Never empty."""
        if (start is not None or end is not None) + (segment is not None or quote is not None) != 1:
            raise InvalidInput("Say what to code: a span (start and end), a segment number, or a quote.")
        if start is not None or end is not None:
            if start is None or end is None:
                raise InvalidInput("A span needs both a start and an end.")
            n = len(text)
            if not (0 <= start <= end <= n):
                raise InvalidInput(
                    f"The span {start}-{end} does not fit {src['name']}, which has {n:,} characters; "
                    f"give 0 <= start <= end <= {n}."
                )
            if start == end:
                raise InvalidInput(f"The span {start}-{end} is empty; a coding needs at least one character.")
            return start, end
        lo, hi = 0, len(text)
        if segment is not None:
            lo, hi = self._segment_span(act, src, text, segment, unit)
        if quote is None:
            return lo, hi
        return _find_quote(
            src["name"],
            str(text),
            quote,
            occurrence,
            lo,
            hi,
            None if segment is None else f"{unit} {_numbers(segment)}",
        )

    def _segment_span(
        self, act: Action, src, text: str | _SourceText, segment: int | tuple[int, int], unit: str
    ) -> tuple[int, int]:
        first, last = (segment, segment) if isinstance(segment, int) else segment
        if first > last:
            raise InvalidInput(f"{unit.capitalize()}s {first}-{last} run backwards; give the first one first.")
        if unit != "turn":
            units = self._units_in(act.conn, src, text, unit)
        else:
            version_id = self._version_id(act.conn, src)
            units = [
                (r.start, r.end)
                for r in act.conn.execute(
                    select(t.segment.c.start, t.segment.c.end)
                    .where(t.segment.c.source_version_id == version_id)
                    .order_by(t.segment.c.position)
                )
            ]
        if not (1 <= first and last <= len(units)):
            missing = first if not 1 <= first <= len(units) else last
            raise InvalidInput(f"{src['name']} has no {unit} {missing}; it has {unit}s 1 to {len(units)}.")
        return units[first - 1][0], units[last - 1][1]

    def _units_in(self, conn, src, text: str | _SourceText, unit: str) -> list[tuple[int, int]]:
        from theorize.ingest import split_lines, split_sentences

        split = {"sentence": split_sentences, "line": split_lines}.get(unit)
        if split is None:
            raise InvalidInput(f"{unit!r} is not a unit; use turn, sentence or line.")
        text = str(text)
        turns = conn.execute(
            select(t.segment.c.start, t.segment.c.end)
            .where(t.segment.c.source_version_id == self._version_id(conn, src))
            .order_by(t.segment.c.position)
        ).all() or [(0, len(text))]
        return [span for a, b in turns for span in split(text, a, b)]

    def code(
        self,
        source: int | str,
        code: int | str,
        *,
        start: int | None = None,
        end: int | None = None,
        segment: int | tuple[int, int] | None = None,
        unit: str = "turn",
        quote: str | None = None,
        occurrence: int | None = None,
        coder: str | None = None,
        origin: str = "human",
        model_id: str | None = None,
        confidence: float | None = None,
        status: str | None = None,
        create: bool = False,
        stage: str = "initial",
        version: int | None = None,
    ) -> int:
        """Apply a code to a span of a source: by offsets, by number of a turn, sentence or line
        (``segment`` with ``unit``; a range as ``(first, last)``), or by quoted words (inside the
        segment when one is given too). Words that occur more than once need ``occurrence``
        (1 = the first) or a segment; they are never guessed. With ``create``, a code not there yet
        is made at ``stage`` in the same action (one undo takes both back).

        Machine suggestions (``origin="machine"``) need a ``model_id`` and wait as ``pending``
        until a person accepts or rejects them. ``version`` names the text version ``start`` and
        ``end`` were read from: a span on an older version is carried to the current one, or
        refused when its words were corrected (``services/races.py``). Returns the coding's id.

        Examples:
            >>> study.code("C03_interview.txt", "fearing jail and sanctions", quote="I just didn't want to go back")  # doctest: +SKIP
            41
        """
        if origin not in ("human", "machine"):
            raise InvalidInput(f"{origin!r} is not an origin; a coding comes from a human or a machine.")
        if origin == "machine" and not model_id:
            raise InvalidInput("A machine suggestion must name the model that made it (model_id).")
        if confidence is not None and not 0.0 <= confidence <= 1.0:
            raise InvalidInput(f"Confidence {confidence} is outside 0 to 1.")
        status = status or (CodingStatus.PENDING.value if origin == "machine" else CodingStatus.ACCEPTED.value)
        CodingStatus(status)
        with self._action("code") as act:
            src = self._source_row(act.conn, source)
            if version is not None and start is not None and end is not None:
                start, end = carried_span(act.conn, src, start, end, version)
            text = _SourceText(self, act.conn, src)  # read only if the words are needed
            s, e = self._resolve_span(act, src, text, start, end, segment, quote, occurrence, unit)
            code_row = self._code_to_apply(act, code, create, stage)
            if code_row["merged_into_id"] is not None:
                raise InvalidInput(f"{code_row['name']!r} was merged into another code; code with that one instead.")
            coder_id = self._coder_id(act.conn, coder, act.changes)
            cid = act.changes.insert(
                t.coding,
                coding_row(
                    src,
                    s,
                    e,
                    code_row["id"],
                    coder_id,
                    origin=origin,
                    model_id=model_id,
                    confidence=confidence,
                    status=status,
                ),
            )
            act.summary = f"coded {src['name']} {s}-{e} with {code_row['name']!r}"
        return cid

    def _code_to_apply(self, act: Action, code: int | str, create: bool, stage: str):
        try:
            return self._code_row(act.conn, code)
        except NotFound:
            if not create or not isinstance(code, str):
                raise
        new_id = self._insert_code(act, code, stage=stage)
        return act.conn.execute(select(t.code).where(t.code.c.id == new_id)).mappings().one()

    def uncode(self, coding_id: int) -> None:
        """Remove one coding (it stays in the audit trail and can be undone)."""
        with self._action("uncode") as act:
            row = act.conn.execute(select(t.coding).where(t.coding.c.id == coding_id)).mappings().first()
            if row is None:
                raise NotFound(f"There is no coding {coding_id}.")
            act.changes.delete(t.coding, coding_id)
            act.summary = f"removed coding {coding_id}"

    def decide(self, coding_id: int, accept: bool) -> None:
        """Accept or reject a machine suggestion."""
        with self._action("accept suggestion" if accept else "reject suggestion") as act:
            row = act.conn.execute(select(t.coding).where(t.coding.c.id == coding_id)).mappings().first()
            if row is None:
                raise NotFound(f"There is no coding {coding_id}.")
            act.changes.update(t.coding, coding_id, {"status": "accepted" if accept else "rejected"})
            act.summary = f"{'accepted' if accept else 'rejected'} suggestion {coding_id}"

    def resolve_review(self, coding_id: int, *, start: int | None = None, end: int | None = None) -> None:
        """Mark a coding flagged after a text edit as reviewed, optionally moving its span."""
        with self._action("review coding") as act:
            row = act.conn.execute(select(t.coding).where(t.coding.c.id == coding_id)).mappings().first()
            if row is None:
                raise NotFound(f"There is no coding {coding_id}.")
            values: dict[str, int | None] = {"review": None}
            if start is not None or end is not None:
                src = self._source_row(act.conn, row["source_id"])
                _, text = self._source_text(act.conn, src["id"])
                s, e = self._resolve_span(act, src, text, start, end, None, None, 1)
                values.update(start=s, end=e)
            act.changes.update(t.coding, coding_id, values)
            act.summary = f"reviewed coding {coding_id}"

    def code_in_vivo(
        self,
        source: int | str,
        *,
        start: int | None = None,
        end: int | None = None,
        quote: str | None = None,
        occurrence: int | None = None,
        coder: str | None = None,
        parent: int | str | None = None,
        version: int | None = None,
    ) -> int:
        """Make an in-vivo code named by the participant's own words and code them with it.

        ``version``: as for :meth:`code`. Returns the new coding's id.
        """
        with self._action("code in vivo") as act:
            src = self._source_row(act.conn, source)
            if version is not None and start is not None and end is not None:
                start, end = carried_span(act.conn, src, start, end, version)
            _, text = self._source_text(act.conn, src["id"])
            s, e = self._resolve_span(act, src, text, start, end, None, quote, occurrence)
            words = " ".join(text[s:e].split()).strip(" .,;:!?")
            if not words:
                raise InvalidInput("An in-vivo code needs the participant's words; the span is empty.")
            name = f"\u201c{words}\u201d" if len(words) <= 200 else f"\u201c{words[:197]}...\u201d"
            parent_id = self._code_row(act.conn, parent)["id"] if parent is not None else None
            existing = act.conn.execute(
                select(t.code.c.id).where(t.code.c.name == name, t.code.c.merged_into_id.is_(None))
            ).first()
            code_id = (
                existing.id
                if existing
                else self._insert_code(act, name, stage=Stage.INITIAL, parent_id=parent_id, in_vivo=True)
            )
            coder_id = self._coder_id(act.conn, coder, act.changes)
            cid = act.changes.insert(t.coding, coding_row(src, s, e, code_id, coder_id))
            act.summary = f"coded {src['name']} {s}-{e} in vivo as {name}"
        return cid


class BulkCodingMixin(CodingMixin):
    """Many codings in one action."""

    def code_many(self, codings, *, origin: str = "human", model_id: str | None = None) -> list[int]:
        """Apply many codings in one action (a coding sheet, a model's suggestions).

        Each item is a mapping with ``source`` and ``code`` (names or ids), the span as ``start`` and
        ``end`` or as ``quote`` (with ``occurrence``, default 1), and optionally ``coder``,
        ``confidence``. Any bad item refuses the whole batch with a sentence naming it. Returns the
        new codings' ids in order.
        """
        if origin == "machine" and not model_id:
            raise InvalidInput("Machine suggestions must name the model that made them (model_id).")
        status = "pending" if origin == "machine" else "accepted"
        with self._action("code many") as act:
            sources, texts, codes, coders, rows = {}, {}, {}, {}, []
            for n, item in enumerate(codings, start=1):
                ref = item["source"]
                if ref not in sources:
                    sources[ref] = self._source_row(act.conn, ref)
                    texts[ref] = self._source_text(act.conn, sources[ref]["id"])[1]
                src, text = sources[ref], texts[ref]
                try:
                    s, e = self._resolve_span(
                        act,
                        src,
                        text,
                        item.get("start"),
                        item.get("end"),
                        None,
                        item.get("quote"),
                        int(item.get("occurrence") or 1),
                    )
                except InvalidInput as exc:
                    raise InvalidInput(f"Coding {n}: {exc}") from None
                cref = item["code"]
                if cref not in codes:
                    codes[cref] = self._code_row(act.conn, cref)["id"]
                who = item.get("coder") or self.actor
                if who not in coders:
                    coders[who] = self._coder_id(act.conn, who, act.changes)
                rows.append(
                    coding_row(
                        src,
                        s,
                        e,
                        codes[cref],
                        coders[who],
                        origin=origin,
                        model_id=model_id,
                        confidence=item.get("confidence"),
                        status=status,
                    )
                )
            if not rows:
                raise InvalidInput("There are no codings to apply.")
            ids = act.changes.insert_rows(t.coding, rows)
            act.summary = f"applied {len(ids)} codings to {len(sources)} sources"
        return ids
