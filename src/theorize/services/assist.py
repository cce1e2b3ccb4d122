"""Machine help for constant comparison: similar passages, code suggestions, focused-code
proposals, in-vivo candidates and a local language model's drafts. All on this machine.

Passage vectors are a cache kept outside the audit chain (see ``assist_corpus``). Everything a
person would want to know the machine did is audited: each suggestion is a coding (origin ``machine``, the model, its
confidence, status ``pending`` until a person decides), and every prompt and answer of a language
model is a row in the chain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from theorize.assist import registry
from theorize.assist.protocols import Embedder
from theorize.assist.units import label_matrix, overlaps
from theorize.errors import InvalidInput, NotFound
from theorize.services.assist_corpus import Progress
from theorize.services.assist_proposals import ProposalsMixin
from theorize.services.coding import coding_row
from theorize.store import schema as t

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
else:
    from theorize._lazy import numpy as np
    from theorize._lazy import pandas as pd


#: How much the question before a sentence may weigh beside the sentence when codes are learned:
#: each suggest run tries these and keeps the one that does best by cross-validation over the
#: interviews it learns from (0: the question is not read).
QUESTION_WEIGHTS = (0.0, 0.3, 0.6)


def machine_coder_name(model_id: str) -> str:
    """The coder a model's suggestions are filed under, so agreement can name it."""
    return f"machine: {model_id}"


@dataclass
class SuggestionRun:
    """What ``suggest`` stored, and how its learner did on interviews it had not seen."""

    ids: list[int]
    coder: str
    model_id: str
    method: str
    threshold: float
    precision: float
    recall: float
    f1: float
    codes: list[str]
    notes: list[str] = field(default_factory=list)


class AssistMixin(ProposalsMixin):
    """Machine help services."""

    # -- similar passages ---------------------------------------------------------------------
    def similar(
        self,
        source: int | str | None = None,
        *,
        span: tuple[int, int] | None = None,
        coding: int | None = None,
        text: str | None = None,
        k: int = 10,
        unit: str = "sentence",
        group: str | None = None,
        attribute: tuple[str, str] | None = None,
        coded: bool | None = None,
        other_participants: bool = False,
        embedder: str | Embedder = "minilm",
        progress: Progress | None = None,
    ) -> pd.DataFrame:
        """The ``k`` units most like a passage: a span of a source, a coding, or words given.

        Args:
            source, span: the passage as characters ``(start, end)`` of a source.
            coding: the passage a coding marks (its number).
            text: any words.
            group: only participants of this group; attribute: only participants with
                ``(name, value)``; coded: only coded (True) or uncoded (False) units;
            other_participants: leave out the passage's own participant.

        Returns one row per unit, best first: score (cosine), source, participant, turn, span,
        text, and the codes that count on it.

        Examples:
            >>> study.similar(text="I was just doing my time", k=5)  # doctest: +SKIP
        """
        if sum(x is not None for x in (span, coding, text)) != 1:
            raise InvalidInput("Say which passage to compare: a span of a source, a coding number, or words.")
        if k < 1:
            raise InvalidInput(f"Ask for at least one similar passage, not {k}.")
        query_source: int | None = None
        query_span: tuple[int, int] = (0, 0)
        if text is None:
            query_source, query_span, text = self._passage(source, span, coding)
        emb = registry.embedder(embedder) if isinstance(embedder, str) else embedder
        corpus = self.corpus(unit=unit, embedder=emb, progress=progress)
        frame = corpus.frame
        with self._read() as conn:
            spans = self._counted_spans(conn)
            if attribute is not None:
                allowed = self._participants_with(conn, *attribute)
        keep = np.ones(len(frame), dtype=bool)
        if query_source is not None:
            same = corpus.mask("source", query_source)
            a, b = query_span
            rows = np.flatnonzero(same)
            keep[rows[overlaps(frame.start.to_numpy()[rows], frame.end.to_numpy()[rows], a, b)]] = False
            if other_participants:
                mine = frozenset(p for x in frame.participant.iloc[rows[:1]] for p in x.split(", ")) - {""}
                keep &= ~same
                if mine:
                    keep &= ~corpus.mask("participants", mine)
        if group is not None:
            keep &= corpus.mask("group", group)
        if attribute is not None:
            keep &= corpus.mask("participants", frozenset(allowed))
        if coded is not None:
            keep &= corpus.coded(spans) if coded else ~corpus.coded(spans)
        if not keep.any():
            return _similar_frame(frame.iloc[[]], np.zeros(0), [])
        query = emb.embed([text])[0]
        if len(frame) >= registry.APPROXIMATE_FROM:
            top = _approximate_top(corpus, query, keep, k)
            best = corpus.vectors[top] @ query
        else:
            from theorize.assist.index import top_k  # numpy: loaded when a search runs, not at start-up

            top, best = top_k(corpus.vectors, query, k, keep)
        chosen = frame.iloc[top]
        return _similar_frame(chosen, best, self._codes_on(chosen.reset_index(drop=True), spans))

    def _participants_with(self, conn, name: str, value: str) -> set[str]:
        attr = conn.execute(select(t.attribute.c.id).where(t.attribute.c.name == name)).first()
        if attr is None:
            raise NotFound(f"There is no attribute {name!r}.", hint="list_participants")
        return {
            r.pseudonym
            for r in conn.execute(
                select(t.participant.c.pseudonym)
                .join(t.attribute_value, t.attribute_value.c.participant_id == t.participant.c.id)
                .where(t.attribute_value.c.attribute_id == attr.id, t.attribute_value.c.value == str(value))
            )
        }

    # -- code suggestions --------------------------------------------------------------------
    def suggest(
        self,
        sources=None,
        *,
        stage: str = "focused",
        learn_from: str | None = None,
        learn_sources=None,
        method: str = "auto",
        only_uncoded: bool = True,
        per_unit: int = 2,
        min_examples: int = 3,
        embedder: str | Embedder = "minilm",
        progress: Progress | None = None,
    ) -> SuggestionRun:
        """Suggest codes for passages, learned from a researcher's own codings at one stage.

        The learner (``knn``, ``prototype``, ``linear`` or ``auto``: the best by cross-validation
        over interviews) and its threshold are chosen on the researcher's codings; suggestions
        are stored as the machine's codings, pending until a person accepts or rejects them
        (:meth:`decide_suggestions`). A suggestion once rejected is not made again.

        Args:
            sources: where to suggest (default: every source).
            learn_from: the coder whose codings teach the machine (default: the person acting).
            learn_sources: the sources to learn from (default: all the coder coded at the stage).
            only_uncoded: suggest only for sentences without a counted coding of the stage.
            per_unit: at most this many codes per sentence.
            min_examples: codes on fewer sentences than this are not learned (named in notes).
        """
        from theorize.assist.suggest import CodeSuggester

        emb = registry.embedder(embedder) if isinstance(embedder, str) else embedder
        teacher = learn_from or self.actor
        corpus = self.corpus(unit="sentence", embedder=emb, progress=progress)
        frame = corpus.frame
        spoken = (frame.role != "interviewer").to_numpy()
        with self._read() as conn:
            taught = self._counted_spans(conn, stage=stage, coder=teacher)
            counted = self._counted_spans(conn, stage=stage)
            target_ids = set(frame.source_id) if sources is None else {self._source_row(conn, s)["id"] for s in sources}
            learn_ids = (
                set(taught.source_id)
                if learn_sources is None
                else {self._source_row(conn, s)["id"] for s in learn_sources} & set(taught.source_id)
            )
            made = pd.DataFrame(
                conn.execute(
                    select(t.coding.c.source_id, t.coding.c.code_id, t.coding.c.start, t.coding.c.end).where(
                        t.coding.c.origin == "machine"
                    )
                ).all(),
                columns=["source_id", "code_id", "start", "end"],
            )
        if taught.empty or not learn_ids:
            raise InvalidInput(f"{teacher} has no {stage} codings to learn from; code some passages first.")
        starts, ends = frame.start.to_numpy(), frame.end.to_numpy()
        code_ids = sorted(set(taught.code_id))
        Y = np.zeros((len(frame), len(code_ids)), dtype=bool)
        for sid, rows in frame.groupby("source_id").indices.items():
            g = taught[taught.source_id == sid]
            Y[rows] = label_matrix(
                starts[rows], ends[rows], g[["start", "end", "code_id"]].itertuples(index=False), code_ids
            )
        train = spoken & frame.source_id.isin(learn_ids).to_numpy()
        enough = Y[train].sum(axis=0) >= min_examples
        names = dict(zip(taught.code_id, taught.code))
        notes = [
            f"{names[c]!r} is on fewer than {min_examples} sentences and was not learned."
            for c, ok in zip(code_ids, enough)
            if not ok
        ]
        code_ids = [c for c, ok in zip(code_ids, enough) if ok]
        if not code_ids:
            raise InvalidInput(
                f"No {stage} code of {teacher} is on {min_examples} sentences or more; "
                "there is too little to learn from."
            )
        Y = Y[:, enough]
        question = self._questions(corpus, emb)
        tried = []
        for weight in QUESTION_WEIGHTS:
            X = np.hstack([corpus.vectors, weight * question]).astype(np.float32)
            fitted = CodeSuggester(method=method, per_unit=per_unit).fit(
                X[train], Y[train], frame.source_id.to_numpy()[train]
            )
            tried.append((fitted.fit_.f1, -weight, weight, fitted, X))
        _, _, weight, learner, X = max(tried, key=lambda x: x[:2])
        target = spoken & frame.source_id.isin(target_ids).to_numpy()
        if only_uncoded:
            for sid, rows in frame.groupby("source_id").indices.items():
                for c in counted[counted.source_id == sid].itertuples():
                    target[rows[overlaps(starts[rows], ends[rows], c.start, c.end)]] = False
        rows_of = np.flatnonzero(target)
        found = learner.suggest(X[rows_of])
        context = f"sentence-in-turn-after-question-{weight:g}" if weight else "sentence-in-turn"
        model_id = f"{emb.model_id}/{context}/{learner.fit_.method}"
        coder = machine_coder_name(emb.model_id)
        with self._action("suggest codes") as act:
            coder_id = self._coder_id(act.conn, coder, act.changes)
            new, sources_seen = [], {}
            for r, j, score in found:
                u = frame.iloc[rows_of[r]]
                sid, code_id = int(u.source_id), code_ids[j]
                prior = made[(made.source_id == sid) & (made.code_id == code_id)]
                if (
                    len(prior)
                    and overlaps(prior.start.to_numpy(), prior.end.to_numpy(), int(u.start), int(u.end)).any()
                ):
                    continue
                if sid not in sources_seen:
                    sources_seen[sid] = self._source_row(act.conn, sid)
                new.append(
                    coding_row(
                        sources_seen[sid],
                        int(u.start),
                        int(u.end),
                        code_id,
                        coder_id,
                        origin="machine",
                        model_id=model_id,
                        confidence=round(score, 4),
                        status="pending",
                    )
                )
            ids = act.changes.insert_rows(t.coding, new)
            f = learner.fit_
            act.summary = (
                f"suggested {len(ids)} {stage} codings in {len(sources_seen)} sources, learned from "
                f"{teacher} ({model_id}, threshold {f.threshold:.2f}; on unseen interviews precision "
                f"{f.precision:.2f}, recall {f.recall:.2f})"
            )
        return SuggestionRun(
            ids,
            coder,
            model_id,
            f.method,
            f.threshold,
            f.precision,
            f.recall,
            f.f1,
            [names[c] for c in code_ids],
            notes,
        )

    def _questions(self, corpus, emb: Embedder) -> np.ndarray:
        """For each unit, the vector of the interviewer's turn before it: what was asked says what
        an answer is about ("And your counselor?"). Zeros where nothing was asked before."""
        turns = self.corpus(unit="turn", embedder=emb)
        tf = turns.frame
        asked = np.full(len(tf), -1)
        last, source = -1, None
        for i, (sid, role) in enumerate(zip(tf.source_id.to_numpy(), tf.role.to_numpy())):
            if sid != source:
                last, source = -1, sid
            asked[i] = last
            if role == "interviewer":
                last = i
        where = dict(zip(zip(tf.source_id.to_numpy(), tf.turn.to_numpy()), asked))
        frame = corpus.frame
        rows = np.array([where.get(key, -1) for key in zip(frame.source_id.to_numpy(), frame.turn.to_numpy())])
        question = np.zeros_like(corpus.vectors)
        question[rows >= 0] = turns.vectors[rows[rows >= 0]]
        return question

    def suggestions(self, *, status: str | None = "pending", source: int | str | None = None) -> pd.DataFrame:
        """The machine's suggestions: id, source, code, span, quote, model, confidence, status."""
        cols = ["id", "source", "code", "start", "end", "quote", "model_id", "confidence", "status"]
        with self._read() as conn:
            q = (
                select(
                    t.coding.c.id,
                    t.coding.c.source_id,
                    t.source.c.name.label("source"),
                    t.code.c.name.label("code"),
                    t.coding.c.start,
                    t.coding.c.end,
                    t.coding.c.model_id,
                    t.coding.c.confidence,
                    t.coding.c.status,
                )
                .join(t.source, t.source.c.id == t.coding.c.source_id)
                .join(t.code, t.code.c.id == t.coding.c.code_id)
                .where(t.coding.c.origin == "machine")
                .order_by(t.coding.c.source_id, t.coding.c.start, t.coding.c.id)
            )
            if status:
                q = q.where(t.coding.c.status == status)
            if source is not None:
                q = q.where(t.coding.c.source_id == self._source_row(conn, source)["id"])
            rows = [dict(r) for r in conn.execute(q).mappings()]
            texts = {sid: self._source_text(conn, sid)[1] for sid in {r["source_id"] for r in rows}}
        for r in rows:
            r["quote"] = texts[r["source_id"]][r["start"] : r["end"]]
        return pd.DataFrame(rows, columns=cols)

    def decide_suggestions(
        self,
        ids: list[int] | None = None,
        *,
        accept: bool,
        source: int | str | None = None,
        code: int | str | None = None,
        min_confidence: float | None = None,
    ) -> int:
        """Accept or reject pending suggestions in bulk, in one action: the ids given, or every
        pending one of a source, a code, or at or above a confidence. Returns how many."""
        with self._action("accept suggestions" if accept else "reject suggestions") as act:
            q = select(t.coding.c.id).where(t.coding.c.origin == "machine", t.coding.c.status == "pending")
            if ids is not None:
                q = q.where(t.coding.c.id.in_(ids))
            if source is not None:
                q = q.where(t.coding.c.source_id == self._source_row(act.conn, source)["id"])
            if code is not None:
                q = q.where(t.coding.c.code_id == self._code_row(act.conn, code)["id"])
            if min_confidence is not None:
                q = q.where(t.coding.c.confidence >= min_confidence)
            chosen = [r.id for r in act.conn.execute(q.order_by(t.coding.c.id))]
            if ids is not None and len(chosen) != len(set(ids)):
                bad = sorted(set(ids) - set(chosen))
                raise InvalidInput(f"Coding {', '.join(map(str, bad[:10]))} is not a pending machine suggestion.")
            if not chosen:
                raise InvalidInput("There are no pending suggestions to decide on.")
            for cid in chosen:
                act.changes.update(t.coding, cid, {"status": "accepted" if accept else "rejected"})
            act.summary = f"{'accepted' if accept else 'rejected'} {len(chosen)} machine suggestions"
        return len(chosen)

    def machine_help_facts(self) -> dict:
        """What the machine suggested and what people accepted, for the report's methods section:
        counts by status and by model, and the language model exchanges (with quotes dropped)."""
        with self._read() as conn:
            rows = conn.execute(
                select(t.coding.c.model_id, t.coding.c.status, func.count())
                .where(t.coding.c.origin == "machine")
                .group_by(t.coding.c.model_id, t.coding.c.status)
            ).all()
            talks = conn.execute(
                select(
                    t.machine_exchange.c.task,
                    t.machine_exchange.c.model_id,
                    func.count(),
                    func.sum(t.machine_exchange.c.quotes_dropped),
                ).group_by(t.machine_exchange.c.task, t.machine_exchange.c.model_id)
            ).all()
            embedded = conn.execute(select(t.unit_embedding.c.model_id).distinct()).scalars().all()
        by_status = {s: 0 for s in ("pending", "accepted", "rejected")}
        models: dict[str, dict[str, int]] = {}
        for model_id, status, n in rows:
            by_status[status] = by_status.get(status, 0) + n
            models.setdefault(model_id, {})[status] = n
        return {
            "suggested": sum(by_status.values()),
            **by_status,
            "suggestion_models": models,
            "embedding_models": sorted(embedded),
            "language_model_exchanges": [
                {"task": task, "model_id": m, "count": n, "quotes_dropped": int(d or 0)} for task, m, n, d in talks
            ],
        }


def _approximate_top(corpus, query: np.ndarray, keep: np.ndarray, k: int) -> np.ndarray:
    """The best ``k`` allowed units by the approximate index, asking it for more while filters
    leave too few."""
    if corpus.approximate is None:
        corpus.approximate = registry.vector_index("approximate").fit(corpus.vectors)
    want = 4 * k
    while True:
        _, positions = corpus.approximate.search(query[None, :], min(want, len(keep)))
        found = positions[0][positions[0] >= 0]
        found = found[keep[found]]
        if len(found) >= k or want >= len(keep):
            break
        want *= 4
    return found[np.argsort(-(corpus.vectors[found] @ query), kind="stable")[:k]]


def _similar_frame(rows: pd.DataFrame, scores: np.ndarray, codes: list[list[str]]) -> pd.DataFrame:
    out = rows[["source", "participant", "turn", "start", "end", "text"]].copy()
    out.insert(0, "score", np.round(scores.astype(float), 4))
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out["codes"] = [", ".join(c) for c in codes]
    out["turn"] = out["turn"].astype("Int64")
    return out.reset_index(drop=True)
