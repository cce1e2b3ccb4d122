"""Read-only views of a project as pandas DataFrames, for notebooks, exports and reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import and_, func, select

from theorize.domain.codebook import CodingStatus
from theorize.errors import InvalidInput
from theorize.services.base import CURRENT_VERSION, ProjectBase
from theorize.services.coding import counts
from theorize.store import schema as t

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def _frame(rows, columns) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame([dict(r) for r in rows], columns=columns)


def _bulk(conn, query, *, raw: bool = False) -> pd.DataFrame:
    """A query's rows as a DataFrame, column by column (no dict per row). ``raw``: straight from
    the driver's cursor, for queries of numbers and plain text only (no dates to convert)."""
    import pandas as pd

    if raw:
        keys, rows = [c.name for c in query.selected_columns], _raw_rows(conn, query)
    else:
        result = conn.execute(query)
        keys, rows = list(result.keys()), result.fetchall()
    if not rows:
        return pd.DataFrame(columns=keys)
    return pd.DataFrame(dict(zip(keys, (list(c) for c in zip(*rows)))), columns=keys)


def _raw_rows(conn, query) -> list[tuple]:
    """A query's rows as the driver gives them: several times faster than result rows for a
    million codings, and right for numbers and plain text."""
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def _integers(conn, query) -> np.ndarray:
    """A query of integer columns as an int64 array (rows x columns)."""
    import numpy as np

    rows = _raw_rows(conn, query)
    return np.array(rows, dtype=np.int64).reshape(len(rows), len(query.selected_columns))


def _texts(conn, key, ids) -> dict:
    """Texts of source versions by ``key`` (the version id, or the source id of current versions)."""
    ids = [int(i) for i in ids]
    if not ids:
        return {}
    query = select(key, t.source_version.c.text)
    if key is t.source_version.c.source_id:
        query = query.join(
            t.source,
            and_(
                t.source.c.id == t.source_version.c.source_id, t.source.c.current_version == t.source_version.c.version
            ),
        )
    out = {}
    for start in range(0, len(ids), 500):
        out.update(conn.execute(query.where(key.in_(ids[start : start + 500]))).all())
    return out


def _slices(keys: pd.Series, starts: pd.Series, ends: pd.Series, texts: dict) -> list[str]:
    return [texts[k][a:b] for k, a, b in zip(keys.tolist(), starts.tolist(), ends.tolist())]


class ViewsMixin(ProjectBase):
    """DataFrame views."""

    @property
    def study(self) -> dict:
        """The study's title, research question and method notes."""
        with self._read() as conn:
            row = (
                conn.execute(select(t.study.c.title, t.study.c.research_question, t.study.c.method_notes))
                .mappings()
                .one()
            )
        return dict(row)

    def sources(self) -> pd.DataFrame:
        """One row per source: id, name, kind, format, version, participants, turns, characters, words."""
        import pandas as pd

        cols = ["id", "name", "kind", "file_format", "version", "participants", "turns", "characters", "words"]
        with self._read() as conn:
            rows = (
                conn.execute(
                    select(
                        t.source.c.id,
                        t.source.c.name,
                        t.source.c.kind,
                        t.source.c.file_format,
                        t.source.c.current_version.label("version"),
                        t.source_version.c.id.label("vid"),
                        t.source_version.c.text,
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
            people: dict[int, list[str]] = {}
            for r in conn.execute(
                select(t.source_participant.c.source_id, t.participant.c.pseudonym).join(
                    t.participant, t.participant.c.id == t.source_participant.c.participant_id
                )
            ):
                people.setdefault(r.source_id, []).append(r.pseudonym)
            turns: dict[int, int] = dict(
                conn.execute(
                    select(t.segment.c.source_version_id, func.count()).group_by(t.segment.c.source_version_id)
                ).all()
            )
        out = [
            {
                "id": r["id"],
                "name": r["name"],
                "kind": r["kind"],
                "file_format": r["file_format"],
                "version": r["version"],
                "participants": ", ".join(sorted(people.get(r["id"], []))),
                "turns": turns.get(r["vid"], 0),
                "characters": len(r["text"]),
                "words": len(r["text"].split()),
            }
            for r in rows
        ]
        return pd.DataFrame(out, columns=cols)

    def _source_index(self) -> pd.DataFrame:
        """id, name, characters and first participant of every source, without reading a text."""
        with self._read() as conn:
            frame = _bulk(
                conn,
                select(t.source.c.id, t.source.c.name, func.length(t.source_version.c.text).label("characters"))
                .join(
                    t.source_version,
                    CURRENT_VERSION,
                )
                .order_by(t.source.c.id),
            )
            first = dict(
                conn.execute(
                    select(t.source_participant.c.source_id, func.min(t.participant.c.pseudonym))
                    .join(t.participant, t.participant.c.id == t.source_participant.c.participant_id)
                    .group_by(t.source_participant.c.source_id)
                ).all()
            )
        frame["participant"] = frame["id"].map(first)
        return frame

    def _counted_codings(self, *, stage: str | None = None, coder: str | None = None, source_ids=None) -> pd.DataFrame:
        """The codings that count (:func:`~theorize.services.coding.counts`): id, source_id,
        code_id, stage (the code's), coder (a name), start, end; of the code stage and the coder
        given, in the sources given. No text is read."""
        import pandas as pd

        columns = (
            t.coding.c.id,
            t.coding.c.source_id,
            t.coding.c.code_id,
            t.coding.c.coder_id,
            t.coding.c.start,
            t.coding.c.end,
        )
        with self._read() as conn:
            q = select(*columns).where(counts(t.coding.c.status))
            if coder:
                q = q.where(t.coding.c.coder_id == self._coder_id(conn, coder))
            values = _integers(conn, q.order_by(t.coding.c.source_id, t.coding.c.start, t.coding.c.id))
            coders = dict(conn.execute(select(t.coder.c.id, t.coder.c.name)).all())
            stages = dict(conn.execute(select(t.code.c.id, t.code.c.stage)).all())
        frame = pd.DataFrame(values, columns=[c.name for c in columns])
        if source_ids is not None:
            frame = frame[frame["source_id"].isin(list(source_ids))]
        frame.insert(3, "stage", frame["code_id"].map(stages))
        if stage:
            frame = frame[frame["stage"] == stage]
        frame.insert(4, "coder", frame.pop("coder_id").map(coders))
        return frame.reset_index(drop=True)

    def _code_rows(self) -> pd.DataFrame:
        """id, name, stage and parent_id of every live code, without counting codings."""
        with self._read() as conn:
            return _bulk(
                conn,
                select(t.code.c.id, t.code.c.name, t.code.c.stage, t.code.c.parent_id)
                .where(t.code.c.merged_into_id.is_(None))
                .order_by(t.code.c.id),
            )

    def code_id(self, code: int | str) -> int:
        """The id of a code given by id, name or path ("parent/child" where names repeat).

        Examples:
            >>> study.code_id("doing my time")  # doctest: +SKIP
            3
        """
        with self._read() as conn:
            return int(self._code_row(conn, code)["id"])

    def _texts_of(self, source_ids) -> dict[int, str]:
        """The current text of each source named, read once each."""
        with self._read() as conn:
            return _texts(conn, t.source_version.c.source_id, source_ids)

    def code_labels(self) -> dict[int, str]:
        """How to show each live code: its name, or its path ("parent / name") where another live
        code has the same name (two codes named "trust" in different branches stay two). Codes
        are keyed by id everywhere; names are for display."""
        import pandas as pd

        codes = self._code_rows()
        names = dict(zip(codes["id"].astype(int), codes["name"]))
        parents = {int(i): (None if pd.isna(p) else int(p)) for i, p in zip(codes["id"], codes["parent_id"])}
        repeated = set(codes.loc[codes["name"].duplicated(keep=False), "id"].astype(int))

        def path(code: int) -> str:
            parts: list[str] = []
            node: int | None = code
            seen: set[int] = set()
            while node is not None and node in names and node not in seen:
                seen.add(node)
                parts.append(names[node])
                node = parents[node]
            return " / ".join(reversed(parts))

        return {code: (path(code) if code in repeated else name) for code, name in names.items()}

    def text(self, source: int | str, version: int | None = None) -> str:
        """A source's text (the current version unless one is named)."""
        with self._read() as conn:
            src = self._source_row(conn, source)
            return self._source_text(conn, src["id"], version)[1]

    def segments(self, source: int | str | None = None, *, with_text: bool = True) -> pd.DataFrame:
        """Speaker turns of the current versions: source, turn number, span, speaker, role, times, text.

        Each transcript is read once, however many turns it has."""
        cols = ["source_id", "source", "turn", "start", "end", "speaker", "role", "started_at", "ended_at", "text"]
        with self._read() as conn:
            q = (
                select(
                    t.source.c.id.label("source_id"),
                    t.source.c.name.label("source"),
                    t.segment.c.position.label("turn"),
                    t.segment.c.start,
                    t.segment.c.end,
                    t.segment.c.speaker,
                    t.segment.c.role,
                    t.segment.c.started_at,
                    t.segment.c.ended_at,
                    t.source_version.c.id.label("version_id"),
                )
                .join(t.source_version, t.source_version.c.id == t.segment.c.source_version_id)
                .join(
                    t.source,
                    and_(
                        t.source.c.id == t.source_version.c.source_id,
                        t.source.c.current_version == t.source_version.c.version,
                    ),
                )
            )
            if source is not None:
                q = q.where(t.source.c.id == self._source_row(conn, source)["id"])
            frame = _bulk(conn, q.order_by(t.source.c.id, t.segment.c.position), raw=True)
            texts = _texts(conn, t.source_version.c.id, frame["version_id"].unique()) if with_text else {}
        if with_text:
            frame["text"] = _slices(frame["version_id"], frame["start"], frame["end"], texts)
        else:
            frame["text"] = None
        return frame[cols]

    def _turn_spans(self) -> pd.DataFrame:
        """source_id, start, end and speaker of every turn of the current versions, in order; the
        least an analysis needs, read straight from the driver."""
        with self._read() as conn:
            return _bulk(
                conn,
                select(t.source_version.c.source_id, t.segment.c.start, t.segment.c.end, t.segment.c.speaker)
                .join(t.source_version, t.source_version.c.id == t.segment.c.source_version_id)
                .join(
                    t.source,
                    and_(
                        t.source.c.id == t.source_version.c.source_id,
                        t.source.c.current_version == t.source_version.c.version,
                    ),
                )
                .order_by(t.source_version.c.source_id, t.segment.c.position),
                raw=True,
            )

    def units(self, source: int | str, unit: str = "sentence") -> pd.DataFrame:
        """A source cut into units for line-by-line coding: ``turn``, ``sentence`` or ``line``.

        Units are numbered from 1 through the source; sentences and lines lie inside turns (the
        speaker labels are never part of a unit). Computed from the text, not stored.

        Examples:
            >>> study.units("C03_interview.txt", "sentence").head()  # doctest: +SKIP
        """
        import pandas as pd

        from theorize.ingest import split_lines, split_sentences

        if unit not in ("turn", "sentence", "line"):
            raise InvalidInput(f"{unit!r} is not a unit; use turn, sentence or line.")
        turns = self.segments(source)
        text = self.text(source)
        if turns.empty:
            turns = pd.DataFrame([{"turn": None, "start": 0, "end": len(text), "speaker": None, "role": None}])
        split = {"sentence": split_sentences, "line": split_lines}.get(unit)
        rows, n = [], 0
        for turn in turns.itertuples():
            spans = [(turn.start, turn.end)] if split is None else split(text, turn.start, turn.end)
            for s, e in spans:
                n += 1
                rows.append(
                    {
                        "unit": n,
                        "turn": turn.turn,
                        "speaker": turn.speaker,
                        "role": turn.role,
                        "start": s,
                        "end": e,
                        "text": text[s:e],
                    }
                )
        return pd.DataFrame(rows, columns=["unit", "turn", "speaker", "role", "start", "end", "text"])

    def codes(self, *, include_merged: bool = False) -> pd.DataFrame:
        """The codebook: id, name, path, stage, parent, definition, in-vivo, colour, counts.

        ``codings`` and ``sources`` count the code's own codings that count (:func:`counts`:
        accepted ones); ``pending`` the machine suggestions waiting for a decision."""
        import pandas as pd

        cols = [
            "id",
            "name",
            "path",
            "stage",
            "parent_id",
            "definition",
            "in_vivo",
            "colour",
            "merged_into_id",
            "codings",
            "sources",
            "pending",
        ]
        with self._read() as conn:
            rows = [dict(r) for r in conn.execute(select(t.code).order_by(t.code.c.id)).mappings()]
            tally = {
                r.code_id: (r.n, r.s)
                for r in conn.execute(
                    select(
                        t.coding.c.code_id,
                        func.count().label("n"),
                        func.count(t.coding.c.source_id.distinct()).label("s"),
                    )
                    .where(counts(t.coding.c.status))
                    .group_by(t.coding.c.code_id)
                )
            }
            pending: dict[int, int] = dict(
                conn.execute(
                    select(t.coding.c.code_id, func.count())
                    .where(t.coding.c.status == CodingStatus.PENDING.value)
                    .group_by(t.coding.c.code_id)
                ).all()
            )
        by_id = {r["id"]: r for r in rows}

        def path(r) -> str:
            parts, node, seen = [r["name"]], r, {r["id"]}
            while node["parent_id"] is not None and node["parent_id"] not in seen:
                node = by_id[node["parent_id"]]
                seen.add(node["id"])
                parts.append(node["name"])
            return " / ".join(reversed(parts))

        out = []
        for r in rows:
            if r["merged_into_id"] is not None and not include_merged:
                continue
            n, s = tally.get(r["id"], (0, 0))
            out.append(
                {
                    "id": r["id"],
                    "name": r["name"],
                    "path": path(r),
                    "stage": r["stage"],
                    "parent_id": r["parent_id"],
                    "definition": r["definition"],
                    "in_vivo": bool(r["in_vivo"]),
                    "colour": r["colour"],
                    "merged_into_id": r["merged_into_id"],
                    "codings": n,
                    "sources": s,
                    "pending": pending.get(r["id"], 0),
                }
            )
        frame = pd.DataFrame(out, columns=cols)
        frame["parent_id"] = frame["parent_id"].astype("Int64")
        frame["merged_into_id"] = frame["merged_into_id"].astype("Int64")
        return frame

    def codings(
        self,
        source: int | str | None = None,
        *,
        code: int | str | None = None,
        coder: str | None = None,
        include_rejected: bool = False,
        with_text: bool = True,
        counted_only: bool = False,
    ) -> pd.DataFrame:
        """Codings: id, source, code, coder, span, quote, origin, status, review flag, when.

        Every coding but rejected ones, each with its ``status`` (pending suggestions are listed,
        though they do not count yet); ``include_rejected`` adds those, ``counted_only`` keeps
        only the codings that count in analyses (:func:`theorize.services.coding.counts`)."""
        cols = [
            "id",
            "source_id",
            "source",
            "code_id",
            "code",
            "stage",
            "coder",
            "start",
            "end",
            "quote",
            "origin",
            "model_id",
            "confidence",
            "status",
            "review",
            "version",
            "created_at",
        ]
        with self._read() as conn:
            q = (
                select(
                    t.coding.c.id,
                    t.coding.c.source_id,
                    t.source.c.name.label("source"),
                    t.coding.c.code_id,
                    t.code.c.name.label("code"),
                    t.code.c.stage,
                    t.coder.c.name.label("coder"),
                    t.coding.c.start,
                    t.coding.c.end,
                    t.coding.c.origin,
                    t.coding.c.model_id,
                    t.coding.c.confidence,
                    t.coding.c.status,
                    t.coding.c.review,
                    t.coding.c.source_version.label("version"),
                    t.coding.c.created_at,
                )
                .join(t.source, t.source.c.id == t.coding.c.source_id)
                .join(t.code, t.code.c.id == t.coding.c.code_id)
                .join(t.coder, t.coder.c.id == t.coding.c.coder_id)
            )
            if source is not None:
                q = q.where(t.coding.c.source_id == self._source_row(conn, source)["id"])
            if code is not None:
                q = q.where(t.coding.c.code_id == self._code_row(conn, code)["id"])
            if coder is not None:
                q = q.where(t.coder.c.name == coder)
            if counted_only:
                q = q.where(counts(t.coding.c.status))
            elif not include_rejected:
                q = q.where(t.coding.c.status != CodingStatus.REJECTED.value)
            frame = _bulk(conn, q.order_by(t.coding.c.source_id, t.coding.c.start, t.coding.c.id))
            texts = _texts(conn, t.source_version.c.source_id, frame["source_id"].unique()) if with_text else {}
        frame["quote"] = _slices(frame["source_id"], frame["start"], frame["end"], texts) if with_text else None
        return frame[cols]

    def memos(self) -> pd.DataFrame:
        """Memos: id, title, type, author, written on, body, and what each is linked to."""
        import pandas as pd

        cols = ["id", "title", "type", "author", "written_on", "body", "codes", "sources", "codings", "memos"]
        with self._read() as conn:
            rows = [
                dict(r)
                for r in conn.execute(
                    select(
                        t.memo.c.id,
                        t.memo.c.title,
                        t.memo.c.type,
                        t.coder.c.name.label("author"),
                        t.memo.c.written_on,
                        t.memo.c.body,
                    )
                    .join(t.coder, t.coder.c.id == t.memo.c.author_id)
                    .order_by(t.memo.c.written_on, t.memo.c.id)
                ).mappings()
            ]
            links: dict[int, dict[str, list]] = {}
            code_names = dict(conn.execute(select(t.code.c.id, t.code.c.name)).all())
            source_names = dict(conn.execute(select(t.source.c.id, t.source.c.name)).all())
            for link in conn.execute(select(t.memo_link)).mappings():
                names = {"code": code_names, "source": source_names}.get(link["target_type"], {})
                name = names.get(link["target_id"], link["target_id"])
                links.setdefault(link["memo_id"], {}).setdefault(link["target_type"], []).append(name)
        for r in rows:
            for kind, col in (("code", "codes"), ("source", "sources"), ("coding", "codings"), ("memo", "memos")):
                r[col] = links.get(r["id"], {}).get(kind, [])
        return pd.DataFrame(rows, columns=cols)

    def participants(self) -> pd.DataFrame:
        """Participants with their group and one column per attribute."""
        import pandas as pd

        with self._read() as conn:
            people = conn.execute(
                select(t.participant.c.id, t.participant.c.pseudonym, t.participant.c.group_name).order_by(
                    t.participant.c.pseudonym
                )
            ).all()
            attrs = conn.execute(select(t.attribute.c.id, t.attribute.c.name).order_by(t.attribute.c.id)).all()
            values = {(r.participant_id, r.attribute_id): r.value for r in conn.execute(select(t.attribute_value))}
        out = []
        for p in people:
            row = {"participant": p.pseudonym, "group": p.group_name}
            for a in attrs:
                row[a.name] = values.get((p.id, a.id))
            out.append(row)
        return pd.DataFrame(out, columns=["participant", "group"] + [a.name for a in attrs])

    def attribute_types(self) -> dict[str, str]:
        """Each attribute's declared type (text, number, date, yes/no, category)."""
        with self._read() as conn:
            return dict(conn.execute(select(t.attribute.c.name, t.attribute.c.type)).all())

    def relations(self) -> pd.DataFrame:
        """Relations: id, source code, type, target code, note."""
        cols = ["id", "source_id", "source", "type", "target_id", "target", "note"]
        a, b = t.code.alias("a"), t.code.alias("b")
        with self._read() as conn:
            rows = (
                conn.execute(
                    select(
                        t.relation.c.id,
                        a.c.id.label("source_id"),
                        a.c.name.label("source"),
                        t.relation_type.c.name.label("type"),
                        b.c.id.label("target_id"),
                        b.c.name.label("target"),
                        t.relation.c.note,
                    )
                    .join(a, a.c.id == t.relation.c.source_code_id)
                    .join(b, b.c.id == t.relation.c.target_code_id)
                    .join(t.relation_type, t.relation_type.c.id == t.relation.c.type_id)
                    .order_by(t.relation.c.id)
                )
                .mappings()
                .all()
            )
        return _frame(rows, cols)

    def relation_types(self) -> list[str]:
        with self._read() as conn:
            return [r.name for r in conn.execute(select(t.relation_type.c.name).order_by(t.relation_type.c.id))]

    def coders(self) -> pd.DataFrame:
        with self._read() as conn:
            return _frame(
                conn.execute(select(t.coder.c.id, t.coder.c.name, t.coder.c.role)).mappings().all(),
                ["id", "name", "role"],
            )

    def snapshots(self) -> pd.DataFrame:
        with self._read() as conn:
            return _frame(
                conn.execute(
                    select(t.snapshot.c.id, t.snapshot.c.name, t.snapshot.c.taken_at).order_by(
                        t.snapshot.c.taken_at, t.snapshot.c.id
                    )
                )
                .mappings()
                .all(),
                ["id", "name", "taken_at"],
            )
