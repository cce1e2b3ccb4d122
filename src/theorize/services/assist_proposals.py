"""Machine help that proposes rather than codes: focused codes from initial ones, in-vivo
candidates, and a local language model's gerund labels and memo drafts (every prompt and answer a
row in the audit chain)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from theorize.assist import registry
from theorize.assist.protocols import Embedder, LanguageModel
from theorize.domain.codebook import Stage
from theorize.errors import InvalidInput
from theorize.services.assist_corpus import CorpusMixin
from theorize.services.base import Action, new_guid, now
from theorize.services.coding import counts
from theorize.store import schema as t

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
else:
    from theorize._lazy import numpy as np
    from theorize._lazy import pandas as pd


@dataclass
class FocusedCodeProposal:
    """ "These initial codes -> one focused code?": the codes (ids and names), a name to start
    from (the most central member's), how alike they are, and a few of their passages."""

    code_ids: list[int]
    codes: list[str]
    name: str
    cohesion: float
    quotes: list[str] = field(default_factory=list)


@dataclass
class Draft:
    """A language model's draft as shown to the researcher, with what was removed from it."""

    text: str
    labels: list[str]
    quotes_kept: list[str]
    quotes_dropped: list[str]
    exchange_id: int
    model_id: str


def _model(model: str | LanguageModel | None) -> LanguageModel:
    if model is None or isinstance(model, str):
        return registry.language_model("llama-cpp", path=model)
    return model


class ProposalsMixin(CorpusMixin):
    """Proposals: focused codes, in-vivo phrases, gerund labels, memo drafts."""

    if TYPE_CHECKING:  # what this mixin needs from the codebook and the views, made visible

        def codes(self, *, include_merged: bool = False) -> pd.DataFrame: ...
        def codings(
            self,
            source: int | str | None = None,
            *,
            code: int | str | None = None,
            coder: str | None = None,
            include_rejected: bool = False,
            with_text: bool = True,
        ) -> pd.DataFrame: ...
        def merge_codes(self, codes: list[int | str], into: int | str, *, create: bool = True) -> int: ...
        def _insert_code(
            self,
            act: Action,
            name: str,
            *,
            definition: str = "",
            stage: str | Stage = Stage.INITIAL,
            parent_id: int | None = None,
            in_vivo: bool = False,
            colour: str | None = None,
            guid: str | None = None,
        ) -> int: ...

    # -- focused-code proposals ------------------------------------------------------------------
    def propose_focused_codes(
        self,
        *,
        distance: float = 0.6,
        min_size: int = 2,
        unplaced_only: bool = True,
        quotes: int = 3,
        embedder: str | Embedder = "minilm",
    ) -> list[FocusedCodeProposal]:
        """Group initial codes by their names and their passages into candidate focused codes.

        Args:
            distance: how far apart (cosine distance, average linkage) codes in one group may be.
            unplaced_only: only initial codes not yet under a focused code or category.

        Examples:
            >>> for p in study.propose_focused_codes():  # doctest: +SKIP
            ...     print(p.name, p.codes)
        """
        from theorize.assist.proposals import code_vectors, group_codes

        emb = registry.embedder(embedder) if isinstance(embedder, str) else embedder
        codes = self.codes()
        stage_of = dict(zip(codes.id, codes.stage))
        initial = codes[codes.stage == Stage.INITIAL.value]
        if unplaced_only:
            initial = initial[
                initial.parent_id.isna()
                | initial.parent_id.map(lambda p: pd.isna(p) or stage_of.get(int(p)) == Stage.INITIAL.value)
            ]
        if len(initial) < 2:
            return []
        with self._read() as conn:
            spans = self._counted_spans(conn, stage=Stage.INITIAL.value)
            texts = {sid: self._source_text(conn, int(sid))[1] for sid in spans.source_id.unique()}
        passages = {
            int(c): [texts[s][a:b] for s, a, b in zip(g.source_id, g.start, g.end)] for c, g in spans.groupby("code_id")
        }
        ids = [int(i) for i in initial.id]
        names = [str(n).strip('\u201c\u201d"') for n in initial.name]
        name_vecs = emb.embed(names)
        quoted = [passages.get(i, []) for i in ids]
        flat = [p for ps in quoted for p in ps]
        flat_vecs = emb.embed(flat) if flat else np.zeros((0, emb.dimension), np.float32)
        means, at = np.zeros_like(name_vecs), 0
        for row, ps in enumerate(quoted):
            if ps:
                means[row] = flat_vecs[at : at + len(ps)].mean(axis=0)
            at += len(ps)
        groups = group_codes(code_vectors(name_vecs, means), distance=distance, min_size=min_size)
        return [
            FocusedCodeProposal(
                [ids[m] for m in g.members],
                [str(initial.name.iloc[m]) for m in g.members],
                names[g.central],
                round(g.cohesion, 3),
                [q for m in g.members for q in quoted[m][:1]][:quotes],
            )
            for g in groups
        ]

    def accept_proposal(self, codes: list[int | str], name: str, *, how: str = "nest", definition: str = "") -> int:
        """Make a focused code from initial codes in one action: ``nest`` them under it (they stay
        codes of their own) or ``merge`` them into it. Returns the focused code's id."""
        if how == "merge":
            self.merge_codes(list(codes), into=name, create=True)
            with self._read() as conn:
                return int(self._code_row(conn, name)["id"])
        if how != "nest":
            raise InvalidInput(f"{how!r} is not a way to accept a proposal; use nest or merge.")
        if not codes:
            raise InvalidInput("Name the initial codes to put under the focused code.")
        with self._action("accept focused-code proposal") as act:
            rows = [self._code_row(act.conn, c) for c in codes]
            focused = self._insert_code(act, name, definition=definition, stage=Stage.FOCUSED)
            for row in rows:
                act.changes.update(t.code, row["id"], {"parent_id": focused})
            act.summary = f"made focused code {name!r} over {', '.join(repr(r['name']) for r in rows)}"
        return focused

    # -- in-vivo candidates -----------------------------------------------------------------------
    def in_vivo_candidates(self, source: int | str, *, limit: int = 20) -> pd.DataFrame:
        """Phrases of the participant in this transcript that stand out (quoted, repeated, or
        theirs far more than the rest of the corpus's): phrase, start, end, count, score, reasons.

        Examples:
            >>> study.in_vivo_candidates("C01_interview.docx").head()  # doctest: +SKIP
        """
        from theorize.assist.in_vivo import candidates, counts_of

        cols = ["phrase", "start", "end", "count", "score", "reasons"]
        with self._read() as conn:
            wanted = self._source_row(conn, source)["id"]
            docs = self._documents(conn)
        rest: Counter = Counter()
        mine = None
        for d in docs:
            spans = [(u.start, u.end) for u in d.units if u.unit == "turn" and u.role != "interviewer"]
            if d.id == wanted:
                mine = (d.text, spans)
            else:
                rest.update(counts_of(d.text, spans))
        assert mine is not None
        found = candidates(mine[0], mine[1], rest, limit=limit)
        return pd.DataFrame(
            [
                {
                    "phrase": c.phrase,
                    "start": c.start,
                    "end": c.end,
                    "count": c.count,
                    "score": c.score,
                    "reasons": ", ".join(c.reasons),
                }
                for c in found
            ],
            columns=cols,
        )

    # -- a local language model ---------------------------------------------------------------
    def _record_exchange(
        self, act: Action, task: str, model_id: str, prompt: str, answer: str, kept: dict, dropped: int
    ) -> int:
        return act.changes.insert(
            t.machine_exchange,
            {
                "task": task,
                "model_id": model_id,
                "prompt": prompt,
                "answer": answer,
                "kept": json.dumps(kept, ensure_ascii=False),
                "quotes_dropped": dropped,
                "guid": new_guid(),
                "created_at": now(),
            },
        )

    def propose_labels(
        self,
        source: int | str | None = None,
        *,
        span: tuple[int, int] | None = None,
        coding: int | None = None,
        count: int = 3,
        model: str | LanguageModel | None = None,
    ) -> Draft:
        """Gerund code labels for a passage (a span of a source, or a coding) from a local model.

        The prompt and the answer are kept in the audit trail; lines that are not gerund labels
        are dropped.
        """
        from theorize.assist.llm import gerund_prompt, parse_labels

        lm = _model(model)
        _, _, passage = self._passage(source, span, coding)
        prompt = gerund_prompt(passage, count)
        answer = lm.complete(prompt, max_tokens=96)
        labels = parse_labels(answer, count)
        with self._action("machine gerund labels") as act:
            eid = self._record_exchange(
                act,
                "gerund labels",
                lm.model_id,
                prompt,
                answer,
                {"labels": labels.labels, "not_labels": labels.dropped},
                0,
            )
            act.summary = f"asked {lm.model_id} for gerund labels: {len(labels.labels)} proposed"
        return Draft("\n".join(labels.labels), labels.labels, [], [], eid, lm.model_id)

    def draft_memo(
        self, code: int | str, *, passages: int = 8, model: str | LanguageModel | None = None, max_tokens: int = 400
    ) -> Draft:
        """A memo draft for a category (or any code) from its passages, by a local model.

        Every quotation in the draft is checked against the passages: one that is not the
        participants' words verbatim is removed and counted. The prompt, the raw answer and what
        was removed go into the audit trail. The draft is not saved as a memo: the researcher
        rewrites it and saves their own.
        """
        from theorize.assist.llm import check_quotes, memo_prompt

        lm = _model(model)
        with self._read() as conn:
            row = self._code_row(conn, code)
        coded = self.codings(code=int(row["id"]))
        coded = coded[counts(coded.status)]
        quotes = [q for q in coded["quote"].tolist() if q and q.strip()][:passages]
        if not quotes:
            raise InvalidInput(f"{row['name']!r} has no coded passages to write about.")
        prompt = memo_prompt(row["name"], row["definition"] or "", quotes)
        answer = lm.complete(prompt, max_tokens=max_tokens)
        checked = check_quotes(answer, quotes)
        with self._action("machine memo draft") as act:
            eid = self._record_exchange(
                act,
                "memo draft",
                lm.model_id,
                prompt,
                answer,
                {"text": checked.text, "quotes_kept": checked.kept, "quotes_dropped": checked.dropped},
                len(checked.dropped),
            )
            act.summary = (
                f"asked {lm.model_id} for a memo draft on {row['name']!r}: "
                f"{len(checked.kept)} quotations kept, {len(checked.dropped)} not verbatim and removed"
            )
        return Draft(checked.text, [], checked.kept, checked.dropped, eid, lm.model_id)
