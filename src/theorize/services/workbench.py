"""Reads the coding workbench needs in one call each: a transcript with its codings, the passages
of a code for constant comparison, the study at a glance, a memo with its links.

Plain dictionaries and dataclasses (no display strings); the web layer lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, func, select

from theorize.domain.codebook import CodingStatus
from theorize.errors import InvalidInput, NotFound
from theorize.services.base import CURRENT_VERSION, ProjectBase
from theorize.services.coding import CodingMixin, counts
from theorize.services.races import carried_span
from theorize.store import schema as t

UNITS = ("sentence", "line", "turn")
_CODING_KEYS = ("id", "start", "end", "code_id", "code", "colour", "stage", "coder", "status", "review", "origin")
#: A text version's turns cut into units: (version row id, its creation time, unit, text hash) ->
#: turns. A version's text and turns never change (an edit makes a new version), so this never goes
#: stale; the turns are shared between reads and not changed by anyone.
_TURNS_CACHE: dict[tuple, list[TranscriptTurn]] = {}


@dataclass
class TranscriptTurn:
    """A speaker turn and its numbered units (sentences or lines) as (number, start, end)."""

    number: int
    speaker: str | None
    role: str
    started_at: float | None
    start: int
    end: int
    units: list[tuple[int, int, int]] = field(default_factory=list)


@dataclass
class Transcript:
    """A source's current text, its turns cut into units, and its codings (pending ones included)."""

    source_id: int
    name: str
    version: int
    participants: list[str]
    text: str
    unit: str
    turns: list[TranscriptTurn]
    codings: list[dict]


def _memo_links(conn, kind: str, ids) -> dict[int, list[dict]]:
    """Memos (id, title) linked to each target of one kind."""
    ids = list(ids)
    if not ids:
        return {}
    out: dict[int, list[dict]] = {}
    rows = conn.execute(
        select(t.memo_link.c.target_id, t.memo.c.id, t.memo.c.title)
        .join(t.memo, t.memo.c.id == t.memo_link.c.memo_id)
        .where(t.memo_link.c.target_type == kind, t.memo_link.c.target_id.in_(ids))
        .order_by(t.memo.c.id)
    )
    for r in rows:
        out.setdefault(r.target_id, []).append({"id": r.id, "title": r.title})
    return out


def _cut(text: str, turns: list[TranscriptTurn], split) -> list[TranscriptTurn]:
    """Turns (a whole-text one when there are none) with their units numbered through the text."""
    turns = turns or [TranscriptTurn(1, None, "", None, 0, len(text))]
    n = 0
    for turn in turns:
        for s, e in [(turn.start, turn.end)] if split is None else split(text, turn.start, turn.end):
            n += 1
            turn.units.append((n, s, e))
    return turns


class WorkbenchMixin(ProjectBase):
    """Reads shaped for the workbench pages and their JSON API."""

    def transcript(self, source: int | str, unit: str = "sentence") -> Transcript:
        """A source ready to read and code: turns, units numbered through the source, codings with
        their code, colour, stage, coder and linked memos."""
        from theorize.ingest.sentences import split_lines, split_sentences

        if unit not in UNITS:
            raise InvalidInput(f"{unit!r} is not a unit; use sentence, line or turn.")
        split = {"sentence": split_sentences, "line": split_lines}.get(unit)
        with self._read() as conn:
            src = self._source_row(conn, source)
            version_id, made, text = conn.execute(
                select(t.source_version.c.id, t.source_version.c.created_at, t.source_version.c.text).where(
                    t.source_version.c.source_id == src["id"], t.source_version.c.version == src["current_version"]
                )
            ).one()
            key = (version_id, made, unit, len(text), hash(text))
            turns = _TURNS_CACHE.get(key)
            people = [
                r.pseudonym
                for r in conn.execute(
                    select(t.participant.c.pseudonym)
                    .join(t.source_participant, t.source_participant.c.participant_id == t.participant.c.id)
                    .where(t.source_participant.c.source_id == src["id"])
                    .order_by(t.participant.c.pseudonym)
                )
            ]
            if turns is None:
                segs = conn.execute(
                    select(
                        t.segment.c.position,
                        t.segment.c.speaker,
                        t.segment.c.role,
                        t.segment.c.started_at,
                        t.segment.c.start,
                        t.segment.c.end,
                    )
                    .where(t.segment.c.source_version_id == version_id)
                    .order_by(t.segment.c.position)
                ).all()
                turns = _cut(text, [TranscriptTurn(*s) for s in segs], split)
                if len(_TURNS_CACHE) > 64:
                    _TURNS_CACHE.clear()
                _TURNS_CACHE[key] = turns
            rows = conn.execute(
                select(
                    t.coding.c.id,
                    t.coding.c.start,
                    t.coding.c.end,
                    t.coding.c.code_id,
                    t.code.c.name,
                    t.code.c.colour,
                    t.code.c.stage,
                    t.coder.c.name,
                    t.coding.c.status,
                    t.coding.c.review,
                    t.coding.c.origin,
                )
                .join(t.code, t.code.c.id == t.coding.c.code_id)
                .join(t.coder, t.coder.c.id == t.coding.c.coder_id)
                # the transcript shows pending suggestions too, marked by their status, to be decided
                .where(t.coding.c.source_id == src["id"], t.coding.c.status != CodingStatus.REJECTED.value)
                .order_by(t.coding.c.start, t.coding.c.id)
            ).all()
            # the memos on this source's codings in one join (not an IN list of every coding id)
            memos: dict[int, list[dict]] = {}
            for r in conn.execute(
                select(t.memo_link.c.target_id, t.memo.c.id, t.memo.c.title)
                .join(t.memo, t.memo.c.id == t.memo_link.c.memo_id)
                .join(t.coding, t.coding.c.id == t.memo_link.c.target_id)
                .where(t.memo_link.c.target_type == "coding", t.coding.c.source_id == src["id"])
                .order_by(t.memo.c.id)
            ):
                memos.setdefault(r.target_id, []).append({"id": r.id, "title": r.title})
        codings = [dict(zip(_CODING_KEYS, r), memos=memos.get(r[0], [])) for r in rows]
        return Transcript(src["id"], src["name"], src["current_version"], people, text, unit, turns, codings)

    def coding(self, coding_id: int, *, with_quote: bool = True, with_memos: bool = True) -> dict:
        """One coding: source, span, words (unless ``with_quote=False``), code, coder, status and
        linked memos (unless ``with_memos=False``)."""
        with self._read() as conn:
            row = (
                conn.execute(
                    select(
                        t.coding.c.id,
                        t.coding.c.source_id,
                        t.source.c.name.label("source"),
                        t.coding.c.start,
                        t.coding.c.end,
                        t.coding.c.code_id,
                        t.code.c.name.label("code"),
                        t.code.c.stage,
                        t.code.c.colour,
                        t.coder.c.name.label("coder"),
                        t.coding.c.status,
                        t.coding.c.origin,
                        t.coding.c.review,
                    )
                    .join(t.source, t.source.c.id == t.coding.c.source_id)
                    .join(t.code, t.code.c.id == t.coding.c.code_id)
                    .join(t.coder, t.coder.c.id == t.coding.c.coder_id)
                    .where(t.coding.c.id == coding_id)
                )
                .mappings()
                .first()
            )
            if row is None:
                raise NotFound(f"There is no coding {coding_id}.", hint="list_codings")
            quote = self._source_text(conn, row["source_id"])[1][row["start"] : row["end"]] if with_quote else None
            memos = _memo_links(conn, "coding", [coding_id]).get(coding_id, []) if with_memos else None
        return {**dict(row), "quote": quote, "memos": memos}

    def code_choices(self) -> list[dict]:
        """Every live code as id, name, path, stage and colour, for choosing one (a lighter :meth:`codes`)."""
        with self._read() as conn:
            rows = conn.execute(
                select(t.code.c.id, t.code.c.name, t.code.c.parent_id, t.code.c.stage, t.code.c.colour)
                .where(t.code.c.merged_into_id.is_(None))
                .order_by(t.code.c.id)
            ).all()
        by_id = {r[0]: r for r in rows}

        def path(r) -> str:
            parts, seen = [r[1]], {r[0]}
            while r[2] is not None and r[2] in by_id and r[2] not in seen:
                r = by_id[r[2]]
                seen.add(r[0])
                parts.append(r[1])
            return " / ".join(reversed(parts))

        return [{"id": r[0], "name": r[1], "path": path(r), "stage": r[3], "colour": r[4]} for r in rows]

    def code_family(self, code: int | str) -> list[int]:
        """A code's id and the ids of every code nested under it (not merged ones)."""
        with self._read() as conn:
            root = self._code_row(conn, code)["id"]
            children: dict[int, list[int]] = {}
            for r in conn.execute(select(t.code.c.id, t.code.c.parent_id).where(t.code.c.merged_into_id.is_(None))):
                children.setdefault(r.parent_id, []).append(r.id)
        out, todo = [], [root]
        while todo:
            cid = todo.pop(0)
            if cid in out:
                continue
            out.append(cid)
            todo.extend(children.get(cid, []))
        return out

    def passages(
        self,
        code: int | str,
        *,
        descendants: bool = True,
        context: int = 80,
        group: str | None = None,
        attribute: str | None = None,
        value: str | None = None,
        coder: str | None = None,
        stage: str | None = None,
        limit: int = 2000,
    ) -> list[dict]:
        """Every passage of a code (and of the codes under it) with words around it, its
        participant, group and attributes: the material of constant comparison."""
        ids = self.code_family(code) if descendants else [self._code_id_of(code)]
        context = max(0, min(int(context), 5000))
        with self._read() as conn:
            q = (
                select(
                    t.coding.c.id,
                    t.coding.c.source_id,
                    t.source.c.name.label("source"),
                    t.coding.c.start,
                    t.coding.c.end,
                    t.code.c.id.label("code_id"),
                    t.code.c.name.label("code"),
                    t.code.c.stage,
                    t.coder.c.name.label("coder"),
                )
                .join(t.code, t.code.c.id == t.coding.c.code_id)
                .join(t.coder, t.coder.c.id == t.coding.c.coder_id)
                .join(t.source, t.source.c.id == t.coding.c.source_id)
                .where(t.coding.c.code_id.in_(ids), counts(t.coding.c.status))
                .order_by(t.coding.c.source_id, t.coding.c.start, t.coding.c.id)
            )
            if coder:
                q = q.where(t.coder.c.name == coder)
            if stage:
                q = q.where(t.code.c.stage == stage)
            rows = conn.execute(q.limit(limit)).all()  # plain tuples, not a mapping per passage
            people = self._people_of_sources(conn, {r[1] for r in rows})
            texts = (
                dict(
                    conn.execute(
                        select(t.source_version.c.source_id, t.source_version.c.text)
                        .join(
                            t.source,
                            and_(
                                t.source.c.id == t.source_version.c.source_id,
                                t.source.c.current_version == t.source_version.c.version,
                            ),
                        )
                        .where(t.source.c.id.in_(sorted({r[1] for r in rows})))
                    ).all()
                )
                if rows
                else {}
            )
        out = []
        for cid, sid, source, s, e, code_id, code_name, code_stage, coder_name in rows:
            person = people.get(sid, {})
            if group and person.get("group") != group:
                continue
            if attribute and str(person.get("attributes", {}).get(attribute)) != str(value):
                continue
            text = texts[sid]
            out.append(
                {
                    "id": cid,
                    "source_id": sid,
                    "source": source,
                    "start": s,
                    "end": e,
                    "code_id": code_id,
                    "code": code_name,
                    "stage": code_stage,
                    "coder": coder_name,
                    "before": text[max(0, s - context) : s],
                    "quote": text[s:e],
                    "after": text[e : e + context],
                    "participant": person.get("pseudonym"),
                    "group": person.get("group"),
                    "attributes": person.get("attributes", {}),
                }
            )
        return out

    def compare_choices(self) -> dict[str, list[str]]:
        """What the compare view's filters offer: participant groups, attribute names and coders
        (plain lists, read without building data frames)."""
        with self._read() as conn:
            groups = sorted({g for g in conn.execute(select(t.participant.c.group_name).distinct()).scalars() if g})
            attributes = [
                a
                for a in conn.execute(select(t.attribute.c.name).order_by(t.attribute.c.id)).scalars()
                if a not in ("participant", "group")
            ]
            coders = list(conn.execute(select(t.coder.c.name).order_by(t.coder.c.id)).scalars())
        return {"groups": groups, "attributes": attributes, "coders": coders}

    def _code_id_of(self, code: int | str) -> int:
        with self._read() as conn:
            return self._code_row(conn, code)["id"]

    def _people_of_sources(self, conn, source_ids) -> dict[int, dict]:
        """The (first) participant of each source with group and attribute values."""
        if not source_ids:
            return {}
        links = conn.execute(
            select(
                t.source_participant.c.source_id,
                t.participant.c.id,
                t.participant.c.pseudonym,
                t.participant.c.group_name,
            )
            .join(t.participant, t.participant.c.id == t.source_participant.c.participant_id)
            .where(t.source_participant.c.source_id.in_(list(source_ids)))
            .order_by(t.participant.c.pseudonym)
        ).all()
        attrs: dict[int, dict[str, str]] = {}
        for r in conn.execute(
            select(t.attribute_value.c.participant_id, t.attribute.c.name, t.attribute_value.c.value).join(
                t.attribute, t.attribute.c.id == t.attribute_value.c.attribute_id
            )
        ):
            attrs.setdefault(r.participant_id, {})[r.name] = r.value
        out: dict[int, dict] = {}
        for r in links:
            out.setdefault(
                r.source_id, {"pseudonym": r.pseudonym, "group": r.group_name, "attributes": attrs.get(r.id, {})}
            )
        return out

    def overview(self, *, recent: int = 12) -> dict:
        """The study at a glance: each source with its participants, group, attributes and the
        share of its characters coded; the newest actions."""
        with self._read() as conn:
            study = dict(conn.execute(select(t.study.c.title, t.study.c.research_question)).mappings().one())
            sources = (
                conn.execute(
                    select(
                        t.source.c.id,
                        t.source.c.name,
                        t.source.c.kind,
                        t.source.c.file_format,
                        t.source.c.current_version,
                        func.length(t.source_version.c.text).label("characters"),
                    )
                    .join(
                        t.source_version,
                        CURRENT_VERSION,
                    )
                    .order_by(t.source.c.id)
                )
                .mappings()
                .all()
            )
            spans: dict[int, list[tuple[int, int]]] = {}
            per_source: dict[int, int] = {}
            for r in conn.execute(
                select(t.coding.c.source_id, t.coding.c.start, t.coding.c.end).where(counts(t.coding.c.status))
            ):
                spans.setdefault(r.source_id, []).append((r.start, r.end))
                per_source[r.source_id] = per_source.get(r.source_id, 0) + 1
            people = self._people_of_sources(conn, [s["id"] for s in sources])
            events = (
                conn.execute(
                    select(
                        t.audit_event.c.id,
                        t.audit_event.c.at,
                        t.audit_event.c.actor,
                        t.audit_event.c.action,
                        t.audit_event.c.summary,
                    )
                    .order_by(t.audit_event.c.id.desc())
                    .limit(recent)
                )
                .mappings()
                .all()
            )
        rows = []
        for s in sources:
            covered = _covered(spans.get(s["id"], []))
            person = people.get(s["id"], {})
            rows.append(
                {
                    **dict(s),
                    "codings": per_source.get(s["id"], 0),
                    "coded_share": covered / s["characters"] if s["characters"] else 0.0,
                    "participant": person.get("pseudonym"),
                    "group": person.get("group"),
                    "attributes": person.get("attributes", {}),
                }
            )
        return {"study": study, "sources": rows, "recent": [dict(e) for e in events]}

    def memo(self, memo_id: int) -> dict:
        """One memo with its author, text and what it links to (kind, id, name)."""
        with self._read() as conn:
            row = (
                conn.execute(
                    select(
                        t.memo.c.id,
                        t.memo.c.title,
                        t.memo.c.type,
                        t.memo.c.body,
                        t.memo.c.written_on,
                        t.coder.c.name.label("author"),
                    )
                    .join(t.coder, t.coder.c.id == t.memo.c.author_id)
                    .where(t.memo.c.id == memo_id)
                )
                .mappings()
                .first()
            )
            if row is None:
                raise NotFound(f"There is no memo {memo_id}.", hint="list_memos")
            names = {
                "code": dict(conn.execute(select(t.code.c.id, t.code.c.name)).all()),
                "source": dict(conn.execute(select(t.source.c.id, t.source.c.name)).all()),
                "memo": dict(conn.execute(select(t.memo.c.id, t.memo.c.title)).all()),
            }
            links = [
                {
                    "kind": r.target_type,
                    "id": r.target_id,
                    "name": names.get(r.target_type, {}).get(r.target_id, f"coding {r.target_id}"),
                }
                for r in conn.execute(
                    select(t.memo_link.c.target_type, t.memo_link.c.target_id)
                    .where(t.memo_link.c.memo_id == memo_id)
                    .order_by(t.memo_link.c.id)
                )
            ]
        return {**dict(row), "links": links}

    def memos_on(self, kind: str, target_id: int) -> list[dict]:
        """Memos (id, title) linked to one code, source, coding or memo."""
        with self._read() as conn:
            return _memo_links(conn, kind, [target_id]).get(target_id, [])


def _covered(spans: list[tuple[int, int]]) -> int:
    """Characters covered by at least one span."""
    total, reach = 0, -1
    for s, e in sorted(spans):
        if e <= reach:
            continue
        total += e - max(s, reach)
        reach = e
    return total


class WorkbenchWritesMixin(WorkbenchMixin, CodingMixin):
    """The one write the workbench needs that the library did not have as one action."""

    def current_version(self, source: int | str) -> tuple[int, int]:
        """(source id, current version number) of a source, without reading its text."""
        with self._read() as conn:
            src = self._source_row(conn, source)
        return src["id"], src["current_version"]

    def current_text(self, source: int | str) -> tuple[int, int, str]:
        """(source id, current version number, text) of a source."""
        with self._read() as conn:
            src = self._source_row(conn, source)
            _, text = self._source_text(conn, src["id"])
        return src["id"], src["current_version"], text

    def code_with_new(
        self,
        source: int | str,
        name: str,
        *,
        start: int,
        end: int,
        stage: str = "initial",
        parent: int | str | None = None,
        definition: str = "",
        version: int | None = None,
    ) -> tuple[int, int]:
        """Make a new code and code a span with it, as one action (one undo takes both back);
        ``version`` as for :meth:`code`.

        Returns (code id, coding id).
        """
        from theorize.services.coding import coding_row

        name = (name or "").strip()
        with self._action("code") as act:
            src = self._source_row(act.conn, source)
            start, end = carried_span(act.conn, src, start, end, version)
            _, text = self._source_text(act.conn, src["id"])
            s, e = self._resolve_span(act, src, text, start, end, None, None, 1)
            parent_id = self._code_row(act.conn, parent)["id"] if parent is not None else None
            code_id = self._insert_code(act, name, definition=definition, stage=stage, parent_id=parent_id)
            coder_id = self._coder_id(act.conn, None, act.changes)
            cid = act.changes.insert(t.coding, coding_row(src, s, e, code_id, coder_id))
            act.summary = f"coded {src['name']} {s}-{e} with new code {name!r}"
        return code_id, cid
