"""The passages machine help works on, and their vectors: each source's current text version cut
into sentences and turns, embedded once and kept in the project.

Passage vectors are a cache of the text and a pinned model: they are written here, in their own
transaction, without an audit event (undo never needs to take them back, and a text edit or an
undone import removes them through their text version's foreign key). A new text version reuses the
vector of every unit whose words did not change, so only what changed goes through the model again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import insert, select

from theorize.assist import registry
from theorize.assist.protocols import Embedder
from theorize.assist.units import (
    Unit,
    covered,
    cut_units,
    from_blobs,
    text_sha256,
    to_blob,
)
from theorize.errors import InvalidInput, NotFound
from theorize.services.base import CURRENT_VERSION, ProjectBase
from theorize.services.coding import counts
from theorize.store import schema as t
from theorize.store.engine import write_transaction

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
else:
    from theorize._lazy import numpy as np
    from theorize._lazy import pandas as pd

Progress = Callable[[int, int], None]


@dataclass
class Document:
    """One source's current text version, its units and who speaks in it."""

    id: int
    name: str
    version_id: int
    text: str
    units: list[Unit]
    participants: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


@dataclass
class Corpus:
    """Units of many sources, one row each, with their vectors in the same order."""

    frame: pd.DataFrame  # source_id, source, participant, group, unit, turn, role, start, end, text
    vectors: np.ndarray  # float32, one unit-length row per unit, C-contiguous (searched in place)
    model_id: str
    approximate: object = None  # an approximate index over the vectors, built when first needed
    masks: dict = field(default_factory=dict, repr=False)  # filters, computed once per corpus

    def mask(self, kind: str, value) -> np.ndarray:
        """The units of a source (``"source"``, its id), of a group (``"group"``), or spoken by any
        participant of a set (``"participants"``, a frozenset): a boolean array, kept for the next
        query (the corpus is rebuilt when a text changes)."""
        key = (kind, value)
        found = self.masks.get(key)
        if found is None:
            column = {"source": "source_id", "group": "group", "participants": "participant"}[kind]
            if kind == "source":
                found = (self.frame.source_id == value).to_numpy()
            else:
                names = {value} if kind == "group" else set(value)
                labels = self.frame[column].astype(str)
                hit = {x: bool(names & set(x.split(", "))) for x in labels.unique()}
                found = labels.map(hit).to_numpy(dtype=bool)
            self.masks[key] = found
        return found

    def coded(self, spans: pd.DataFrame) -> np.ndarray:
        """Which units the codings given (source_id, start, end) mark."""
        if "positions" not in self.masks:
            shift = np.int64(1) << 32  # sources laid end to end, far apart
            rank = pd.Index(self.frame.source_id.unique())
            base = rank.get_indexer(self.frame.source_id).astype(np.int64) * shift
            self.masks["positions"] = (
                rank,
                base + self.frame.start.to_numpy(np.int64),
                base + self.frame.end.to_numpy(np.int64),
            )
        rank, starts, ends = self.masks["positions"]
        where = rank.get_indexer(spans.source_id).astype(np.int64)
        ok = where >= 0
        shift = np.int64(1) << 32
        return covered(
            starts,
            ends,
            where[ok] * shift + spans.start.to_numpy(np.int64)[ok],
            where[ok] * shift + spans.end.to_numpy(np.int64)[ok],
        )


@dataclass
class EmbeddingRun:
    """What embedding did: units computed by the model, reused from an earlier version, total."""

    computed: int
    reused: int
    units: int
    model_id: str


class CorpusMixin(ProjectBase):
    """Units, their vectors and the codings on them, for every kind of machine help."""

    def _documents(self, conn, sources=None) -> list[Document]:
        ids = None if sources is None else [self._source_row(conn, s)["id"] for s in sources]
        q = (
            select(t.source.c.id, t.source.c.name, t.source_version.c.id.label("vid"), t.source_version.c.text)
            .join(
                t.source_version,
                CURRENT_VERSION,
            )
            .order_by(t.source.c.id)
        )
        if ids is not None:
            q = q.where(t.source.c.id.in_(ids))
        rows = conn.execute(q).all()
        turns: dict[int, list] = {}
        for r in conn.execute(
            select(
                t.segment.c.source_version_id,
                t.segment.c.start,
                t.segment.c.end,
                t.segment.c.position,
                t.segment.c.role,
            )
            .where(t.segment.c.source_version_id.in_([r.vid for r in rows]))
            .order_by(t.segment.c.source_version_id, t.segment.c.position)
        ):
            turns.setdefault(r.source_version_id, []).append((r.start, r.end, r.position, r.role))
        people: dict[int, list] = {}
        for r in conn.execute(
            select(t.source_participant.c.source_id, t.participant.c.pseudonym, t.participant.c.group_name)
            .join(t.participant, t.participant.c.id == t.source_participant.c.participant_id)
            .order_by(t.participant.c.pseudonym)
        ):
            people.setdefault(r.source_id, []).append((r.pseudonym, r.group_name))
        return [
            Document(
                r.id,
                r.name,
                r.vid,
                r.text,
                cut_units(r.text, turns.get(r.vid, [])),
                [p for p, _ in people.get(r.id, [])],
                sorted({g for _, g in people.get(r.id, []) if g}),
            )
            for r in rows
        ]

    def embed_units(
        self, sources=None, *, embedder: str | Embedder = "minilm", progress: Progress | None = None
    ) -> EmbeddingRun:
        """Embed the sentences and turns of the current text versions that have no vector yet.

        Units whose words are unchanged since an earlier version (or repeated elsewhere) reuse
        that vector; only new words go through the model.

        Examples:
            >>> study.embed_units().computed  # doctest: +SKIP
            4812
        """
        emb = registry.embedder(embedder) if isinstance(embedder, str) else embedder
        with self._read() as conn:
            docs = self._documents(conn, sources)
        return self._embed_documents(docs, emb, progress)

    def _embed_documents(self, docs: list[Document], emb: Embedder, progress: Progress | None) -> EmbeddingRun:
        with self._read() as conn:
            vids = [d.version_id for d in docs]
            have = set()
            for chunk in _chunks(vids):
                have |= {
                    tuple(r)
                    for r in conn.execute(
                        select(
                            t.unit_embedding.c.source_version_id,
                            t.unit_embedding.c.unit,
                            t.unit_embedding.c.start,
                            t.unit_embedding.c.end,
                        ).where(
                            t.unit_embedding.c.model_id == emb.model_id, t.unit_embedding.c.source_version_id.in_(chunk)
                        )
                    )
                }
            missing = [
                (d.version_id, u, text_sha256(d.text[u.start : u.end]), d.text[u.start : u.end])
                for d in docs
                for u in d.units
                if (d.version_id, u.unit, u.start, u.end) not in have
            ]
            known: dict[str, bytes] = {}
            for chunk in _chunks(sorted({m[2] for m in missing})):
                for r in conn.execute(
                    select(t.unit_embedding.c.text_sha256, t.unit_embedding.c.vector).where(
                        t.unit_embedding.c.model_id == emb.model_id, t.unit_embedding.c.text_sha256.in_(chunk)
                    )
                ):
                    known.setdefault(r.text_sha256, r.vector)
        total = sum(len(d.units) for d in docs)
        if not missing:
            return EmbeddingRun(0, 0, total, emb.model_id)
        new = {sha: passage for _, _, sha, passage in missing if sha not in known}
        reused = sum(1 for m in missing if m[2] in known)
        shas = list(new)
        vectors = emb.embed([new[s] for s in shas], progress=progress)
        known.update({s: to_blob(v) for s, v in zip(shas, vectors)})
        rows = [
            {
                "source_version_id": vid,
                "unit": u.unit,
                "start": u.start,
                "end": u.end,
                "text_sha256": sha,
                "model_id": emb.model_id,
                "vector": known[sha],
            }
            for vid, u, sha, _ in missing
        ]
        with write_transaction(self.engine) as conn:
            for first in range(0, len(rows), 2000):
                conn.execute(insert(t.unit_embedding), rows[first : first + 2000])
        self._assist_cache().clear()
        return EmbeddingRun(len(shas), reused, total, emb.model_id)

    def _assist_cache(self) -> dict:
        cache = self.__dict__.get("_assist_corpora")
        if cache is None:
            cache = self.__dict__["_assist_corpora"] = {}
        return cache

    def corpus(
        self,
        sources=None,
        *,
        unit: str = "sentence",
        in_turn: bool = True,
        embedder: str | Embedder = "minilm",
        progress: Progress | None = None,
    ) -> Corpus:
        """The units of the sources (default: all) with their vectors, embedding what is missing.

        With ``in_turn`` a sentence is read in its turn: its vector is the normalised sum of its
        own and its turn's, so "Yeah, that's it." carries what the turn is about (on the demo this
        raises how often a sentence's nearest sentences in other interviews share its code).
        """
        if unit not in ("sentence", "turn"):
            raise InvalidInput(f"{unit!r} is not a unit machine help compares; use sentence or turn.")
        emb = registry.embedder(embedder) if isinstance(embedder, str) else embedder
        blend = in_turn and unit == "sentence"
        with self._read() as conn:
            q = select(t.source.c.id, t.source.c.current_version).order_by(t.source.c.id)
            if sources is not None:
                q = q.where(t.source.c.id.in_([self._source_row(conn, s)["id"] for s in sources]))
            key = (emb.model_id, unit, blend, tuple(tuple(r) for r in conn.execute(q)))
        cached = self._assist_cache().get(key)
        if cached is not None:
            return cached
        with self._read() as conn:
            docs = self._documents(conn, sources)
        self._embed_documents(docs, emb, progress)
        kinds = [unit, "turn"] if blend else [unit]
        with self._read() as conn:
            blobs: dict[tuple, bytes] = {}
            for chunk in _chunks([d.version_id for d in docs]):
                for r in conn.execute(
                    select(
                        t.unit_embedding.c.source_version_id,
                        t.unit_embedding.c.unit,
                        t.unit_embedding.c.start,
                        t.unit_embedding.c.end,
                        t.unit_embedding.c.vector,
                    ).where(
                        t.unit_embedding.c.model_id == emb.model_id,
                        t.unit_embedding.c.unit.in_(kinds),
                        t.unit_embedding.c.source_version_id.in_(chunk),
                    )
                ):
                    blobs[(r.source_version_id, r.unit, r.start, r.end)] = r.vector
        rows, order, turns = [], [], []
        for d in docs:
            turn_of = {u.turn: (u.start, u.end) for u in d.units if u.unit == "turn"}
            for u in d.units:
                if u.unit == unit:
                    rows.append(
                        {
                            "source_id": d.id,
                            "source": d.name,
                            "participant": ", ".join(d.participants),
                            "group": ", ".join(d.groups),
                            "unit": u.unit,
                            "turn": u.turn,
                            "role": u.role,
                            "start": u.start,
                            "end": u.end,
                            "text": d.text[u.start : u.end],
                        }
                    )
                    order.append(blobs[(d.version_id, unit, u.start, u.end)])
                    if blend:
                        turns.append(blobs[(d.version_id, "turn", *turn_of[u.turn])])
        frame = pd.DataFrame(
            rows,
            columns=["source_id", "source", "participant", "group", "unit", "turn", "role", "start", "end", "text"],
        )
        vectors = from_blobs(order, emb.dimension)
        if blend:
            vectors = vectors + from_blobs(turns, emb.dimension)
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        found = Corpus(frame, np.ascontiguousarray(vectors, dtype=np.float32), emb.model_id)
        self._assist_cache()[key] = found
        return found

    def _passage(self, source, span: tuple[int, int] | None, coding: int | None) -> tuple[int, tuple[int, int], str]:
        """(source id, span, words) of a passage named by a coding or by a span of a source."""
        with self._read() as conn:
            if coding is not None:
                row = conn.execute(select(t.coding).where(t.coding.c.id == coding)).mappings().first()
                if row is None:
                    raise NotFound(f"There is no coding {coding}.", hint="list_codings")
                source, span = row["source_id"], (row["start"], row["end"])
            if source is None or span is None:
                raise InvalidInput("Say which passage: a span of a source, or a coding number.")
            source_id = self._source_row(conn, source)["id"]
            _, text = self._source_text(conn, source_id)
        a, b = span
        if not 0 <= a < b <= len(text):
            raise InvalidInput(f"The span {a}-{b} does not fit a text of {len(text):,} characters.")
        return source_id, (a, b), text[a:b]

    def _counted_spans(self, conn, *, stage: str | None = None, coder: str | None = None) -> pd.DataFrame:
        """Codings that count (the project's one rule: pending suggestions do not): source_id, code_id, code name, start, end."""
        q = (
            select(
                t.coding.c.source_id, t.coding.c.code_id, t.code.c.name.label("code"), t.coding.c.start, t.coding.c.end
            )
            .join(t.code, t.code.c.id == t.coding.c.code_id)
            .join(t.coder, t.coder.c.id == t.coding.c.coder_id)
            .where(counts(t.coding.c.status), t.code.c.merged_into_id.is_(None))
        )
        if stage:
            q = q.where(t.code.c.stage == stage)
        if coder:
            q = q.where(t.coder.c.name == coder)
        rows = [tuple(r) for r in conn.execute(q)]  # plain tuples: pandas probes Row objects slowly
        return pd.DataFrame(rows, columns=["source_id", "code_id", "code", "start", "end"])

    @staticmethod
    def _codes_on(frame: pd.DataFrame, spans: pd.DataFrame) -> list[list[str]]:
        """For each unit, the names of the codes whose counted codings overlap it."""
        out: list[list[str]] = [[] for _ in range(len(frame))]
        if not len(frame) or spans.empty:
            return out
        spans = spans[spans.source_id.isin(frame.source_id.unique())]
        by_source = {sid: g for sid, g in spans.groupby("source_id")}
        for sid, rows in frame.groupby("source_id").indices.items():
            g = by_source.get(sid)
            if g is None:
                continue
            starts, ends = frame.start.to_numpy()[rows, None], frame.end.to_numpy()[rows, None]
            a, b = g.start.to_numpy()[None, :], g.end.to_numpy()[None, :]
            # as overlaps(): a span marks the units it overlaps; an empty span, the unit holding it
            hit = np.where(b > a, (starts < b) & (ends > a), (starts <= a) & (ends > a))
            names = g.code.to_numpy()
            for r, marks in zip(rows, hit):
                for name in names[marks]:
                    if name not in out[r]:
                        out[r].append(name)
        return out


def _chunks(values: list, size: int = 500):
    for first in range(0, len(values), size):
        yield values[first : first + size]
