"""Intercoder agreement on a project's codings, the disagreements, and adjudication."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from theorize.errors import InvalidInput
from theorize.services.base import new_guid, now
from theorize.services.coding import coding_row
from theorize.services.views import ViewsMixin
from theorize.store import schema as t

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


UNITS = ("turn", "sentence", "character")

#: Which codings a code counts in agreement: its own, not those of the codes beneath it.
OWN_CODINGS = "own"


@dataclass
class AgreementReport:
    """Agreement between coders per code and over all codes, with the passages they disagree on.

    Attributes:
        unit: "turn", "sentence" or "character".
        coders, sources: the coders compared and the sources they all coded.
        table: one row per code, keyed by ``code_id``, with ``code`` (its name, or its path where
            names repeat) and stable columns: by turn or sentence ``units``, ``units_coded``,
            ``percent_agreement``, ``alpha``, ``alpha_ci_low``, ``alpha_ci_high``,
            ``alpha_resamples`` and, for two coders, ``kappa``
            (:mod:`theorize.analysis.presence_agreement`); by character ``binary_u_alpha``.
        overall: the same figures over all codes (by character also ``u_alpha``).
        coded_by: code_id x coder: the units each coder gave each code (by turn or sentence).
        coded_any: per coder, the units they gave any code (by turn or sentence).
        disagreements: one row per unit where the coders' codes differ: source, start, end,
            speaker, passage, and each coder's codes.
        notes: sentences on what was left out and why.
        counts: which codings a code counts: ``"own"``, its own only (not those of codes beneath).
    """

    unit: str
    coders: list[str]
    sources: list[str]
    table: pd.DataFrame
    overall: pd.Series
    coded_by: pd.DataFrame
    coded_any: pd.Series
    disagreements: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    counts: str = OWN_CODINGS

    def to_frame(self, *, all_codes: str = "all codes") -> pd.DataFrame:
        """The table as one frame: a row per code, a last row over all codes (``code_id`` empty,
        ``code`` = ``all_codes``), and ``coded_by_<coder>`` columns. What :meth:`write` writes."""
        import pandas as pd

        overall = pd.DataFrame([{"code_id": pd.NA, "code": all_codes, **self.overall.to_dict()}])
        frame = pd.concat([self.table, overall], ignore_index=True) if len(self.table) else overall
        for column in ("code_id", "units", "units_coded", "alpha_resamples"):
            if column in frame:
                frame[column] = frame[column].astype("Int64")
        for column in frame.columns.difference(["code_id", "code", "units", "units_coded", "alpha_resamples"]):
            frame[column] = frame[column].astype(float)
        if len(self.coded_by.columns):
            by = self.coded_by.reindex(self.table["code_id"]).to_numpy().tolist() + [list(self.coded_any)]
            for i, coder in enumerate(self.coders):
                frame.insert(4 + i, f"coded_by_{coder}", [row[i] for row in by])
        return frame

    def per_code(self, value: str | None = None) -> pd.DataFrame:
        """The per-code figure to draw: ``code``, ``value`` (alpha, or binary u-alpha by character)
        and, where there is one, the interval ``ci_low`` / ``ci_high``."""
        value = value or ("alpha" if "alpha" in self.table.columns else "binary_u_alpha")
        keep = ["code", value] + [c for c in ("alpha_ci_low", "alpha_ci_high") if c in self.table and value == "alpha"]
        return self.table[keep].rename(columns={value: "value", "alpha_ci_low": "ci_low", "alpha_ci_high": "ci_high"})

    def write(self, path: str | Path) -> Path:
        """Write :meth:`to_frame` as .csv or .xlsx (by the suffix); returns the path."""
        from theorize.exchange.tables import write_table

        path = Path(path)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise InvalidInput(f"{path.name}: tables are written as .csv or .xlsx.")
        return write_table(self.to_frame(), path)


def _units(study, chosen: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Units of the chosen sources, in order: source_id, start, end, speaker (a source without turns
    is one unit); sentences lie inside turns."""
    import pandas as pd

    turns = study._turn_spans()
    turns = turns[turns["source_id"].isin(chosen["id"])]
    bare = chosen[~chosen["id"].isin(turns["source_id"])]
    whole = pd.DataFrame({"source_id": bare["id"], "start": 0, "end": bare["characters"], "speaker": None})
    units = pd.concat([turns, whole], ignore_index=True) if len(whole) else turns.reset_index(drop=True)
    if unit == "sentence":
        from theorize.ingest import split_sentences

        texts = study._texts_of(units["source_id"].unique())
        rows = [
            (sid, s, e, speaker)
            for sid, a, b, speaker in units.itertuples(index=False)
            for s, e in split_sentences(texts[sid], a, b)
        ]
        units = pd.DataFrame(rows, columns=["source_id", "start", "end", "speaker"])
    return units.sort_values(["source_id", "start"], kind="stable").reset_index(drop=True)


def _assign(codings: pd.DataFrame, units: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(coding row, unit position) for every unit a coding's span overlaps; a zero-length coding
    lies in the unit holding its position. Vectorised over all sources at once."""
    import numpy as np
    import pandas as pd

    shift = np.int64(1) << 32  # sources laid end to end, far apart
    rank = pd.Index(units["source_id"].unique())
    base = rank.get_indexer(units["source_id"]).astype(np.int64) * shift
    starts, ends = base + units["start"].to_numpy(np.int64), base + units["end"].to_numpy(np.int64)
    where = rank.get_indexer(codings["source_id"]).astype(np.int64)
    ok = where >= 0
    s = where * shift + codings["start"].to_numpy(np.int64)
    e = where * shift + codings["end"].to_numpy(np.int64)
    first = np.searchsorted(ends, s, side="right")
    last = np.searchsorted(starts, e, side="left") - 1
    point = e <= s
    holder = np.searchsorted(starts, s, side="right") - 1
    first = np.where(point, holder, first)
    last = np.where(point, np.where((holder >= 0) & (ends[np.maximum(holder, 0)] > s), holder, -1), last)
    count = np.where(ok, np.maximum(last - first + 1, 0), 0)
    rows = np.repeat(np.arange(len(codings)), count)
    offsets = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    return rows, np.repeat(first, count) + offsets


def _disagreements(coder_of, where, code_of, code_ids, units, coders, chosen, labels, study) -> pd.DataFrame:
    """One row per unit where the coders' codes differ, with each coder's codes there."""
    import numpy as np
    import pandas as pd

    columns = ["source", "start", "end", "speaker", "passage", *coders]
    m = len(coders)
    key = np.unique((where.astype(np.int64) * len(code_ids) + code_of) * m + coder_of)  # each cell once
    unit, code, coder = key // m // len(code_ids), key // m % len(code_ids), key % m
    cell = unit * len(code_ids) + code
    starts = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]])
    given = np.diff(np.r_[starts, len(cell)])  # coders who gave each (unit, code)
    split = np.unique(unit[starts[given < m]])
    if len(split) == 0:
        return pd.DataFrame(columns=columns)
    keep = np.isin(unit, split)
    unit, code, coder = unit[keep], code[keep], coder[keep]
    names = np.array([labels.get(int(c), str(c)) for c in code_ids], dtype=object)
    rank = np.empty(len(code_ids), dtype=np.int64)
    rank[np.argsort(names.astype(str), kind="stable")] = np.arange(len(code_ids))
    order = np.lexsort((rank[code], coder, unit))
    unit, code, coder = unit[order], code[order], coder[order]
    row = np.searchsorted(split, unit)
    bounds = np.flatnonzero(np.r_[True, (unit[1:] != unit[:-1]) | (coder[1:] != coder[:-1]), True])
    lists = np.full((len(split), m), "", dtype=object)
    texts_of_codes = names[code]
    for a, b in pairwise(bounds):
        lists[row[a], coder[a]] = ", ".join(texts_of_codes[a:b])
    lists = pd.DataFrame(lists, index=split)
    picked = units.iloc[lists.index]
    texts = study._texts_of(picked["source_id"].unique())
    source_names = dict(zip(chosen["id"], chosen["name"]))
    frame = pd.DataFrame(
        {
            "source": picked["source_id"].map(source_names).to_numpy(),
            "start": picked["start"].to_numpy(),
            "end": picked["end"].to_numpy(),
            "speaker": picked["speaker"].to_numpy(),
            "passage": [texts[s][a:b] for s, a, b in zip(picked["source_id"], picked["start"], picked["end"])],
        }
    )
    for i, name in enumerate(coders):
        frame[name] = lists[i].to_numpy()
    return frame[columns]


class AgreementMixin(ViewsMixin):
    """Agreement services."""

    def _agreement_codings(
        self, coders, sources, codes, stage, with_pending=()
    ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
        all_sources = self._source_index()
        if sources:
            wanted = {s for s in sources if isinstance(s, str)}
            chosen = all_sources[
                all_sources.name.isin(wanted) | all_sources.id.isin([s for s in sources if isinstance(s, int)])
            ]
            if len(chosen) != len(set(sources)):
                missing = set(map(str, sources)) - set(chosen.name) - set(map(str, chosen.id))
                raise InvalidInput(f"There is no source {', '.join(sorted(missing))} in this project.")
        else:
            chosen = all_sources
        codings = self._counted_codings(stage=stage, source_ids=chosen["id"])
        if with_pending:
            import pandas as pd

            pending = self._pending_codings(with_pending, stage=stage, source_ids=chosen["id"])
            codings = pd.concat([codings, pending], ignore_index=True).sort_values(
                ["source_id", "start", "id"], kind="stable", ignore_index=True
            )
            if coders:
                coders = list(coders) + [c for c in with_pending if c not in coders]
        if codes:
            codings = codings[codings.code_id.isin([self.code_id(c) for c in codes])]
        coders = list(coders) if coders else sorted(codings.coder.unique())
        if len(coders) < 2:
            who = f"only {coders[0]!r} coded" if coders else "nobody coded"
            raise InvalidInput(f"Agreement needs at least two coders; {who} the chosen material.")
        codings = codings[codings.coder.isin(coders)]
        # Only the sources every chosen coder worked on are shared material.
        per_coder = [set(codings[codings.coder == c].source_id) for c in coders]
        shared = set.intersection(*per_coder) if per_coder else set()
        if not shared:
            raise InvalidInput(f"{' and '.join(coders)} have coded no source in common; there is nothing to compare.")
        chosen = chosen[chosen.id.isin(shared)]
        return codings[codings.source_id.isin(shared)], chosen, coders

    def _pending_codings(self, coders, *, stage: str | None, source_ids) -> pd.DataFrame:
        """The pending machine suggestions of the coders named, in :meth:`_counted_codings`'s
        columns: what ``agreement(with_pending=...)`` counts beside the codings that count."""
        import pandas as pd

        with self._read() as conn:
            ids = {}
            for name in coders:
                row = conn.execute(select(t.coder.c.id).where(t.coder.c.name == name)).first()
                if row is None:
                    machines = conn.execute(
                        select(t.coder.c.name)
                        .join(t.coding, t.coding.c.coder_id == t.coder.c.id)
                        .where(t.coding.c.origin == "machine")
                        .distinct()
                        .order_by(t.coder.c.name)
                    ).scalars()
                    known = ", ".join(repr(m) for m in machines)
                    hint = (
                        f"the machine's suggestions are filed under {known}"
                        if known
                        else "no suggestions were made yet"
                    )
                    raise InvalidInput(f"There is no coder called {name!r} in this project; {hint}.")
                ids[row.id] = name
            q = (
                select(
                    t.coding.c.id,
                    t.coding.c.source_id,
                    t.coding.c.code_id,
                    t.code.c.stage,
                    t.coding.c.coder_id,
                    t.coding.c.start,
                    t.coding.c.end,
                )
                .join(t.code, t.code.c.id == t.coding.c.code_id)
                .where(
                    t.coding.c.origin == "machine",
                    t.coding.c.status == "pending",
                    t.coding.c.coder_id.in_(list(ids)),
                )
            )
            if stage:
                q = q.where(t.code.c.stage == stage)
            rows = conn.execute(q).all()
        frame = pd.DataFrame(rows, columns=["id", "source_id", "code_id", "stage", "coder", "start", "end"])
        frame["coder"] = frame["coder"].map(ids)
        return frame[frame["source_id"].isin(list(source_ids))]

    def agreement(
        self,
        *,
        coders=None,
        sources=None,
        codes=None,
        stage: str | None = None,
        unit: str = "turn",
        resamples: int = 1000,
        seed: int = 0,
        with_pending=None,
    ) -> AgreementReport:
        """Agreement of two or more coders per code and overall, on the sources they all coded.

        Codes are keyed by id (two codes of one name in different branches stay two), and a code
        counts its own codings only, not those of the codes beneath it.

        Args:
            coders: coder names (default: everyone who coded the material; at least two).
            sources: source names or ids (default: all).
            codes: codes to compare (default: all used); stage: only codes of this stage.
            unit: "turn" or "sentence" (code present or absent in each unit: percent agreement,
                Cohen's kappa for two coders, Krippendorff's alpha, nominal, with a 95% bootstrap
                interval from ``resamples`` resamples of units; over all codes too, each unit
                carrying all its codes), or "character" (Krippendorff's unitizing alpha family:
                binary u-alpha per code and u-alpha overall).
            with_pending: a coder name (or several) whose pending suggestions count here as
                their codings, so the machine can be compared with a person before anyone
                decides on its suggestions (a machine's coder is ``machine: <model>``). The
                coder joins ``coders`` if not named there. Without it, as everywhere, pending
                suggestions do not count.

        Examples:
            >>> report = study.agreement(coders=["Dr. Lena Marsh", "Sam Okoye"], stage="focused")  # doctest: +SKIP
            >>> report.overall["alpha"]  # doctest: +SKIP
        """
        import numpy as np
        import pandas as pd

        if unit not in UNITS:
            raise InvalidInput(f"{unit!r} is not a unit of agreement; use one of {', '.join(UNITS)}.")
        pending = [with_pending] if isinstance(with_pending, str) else list(with_pending or ())
        codings, chosen, coders = self._agreement_codings(coders, sources, codes, stage, pending)
        labels = self.code_labels()
        said = [f"{name}: pending suggestions count here (asked for; elsewhere they do not)" for name in pending]
        if unit == "character":
            report = self._unitizing(codings, chosen, coders, labels)
            report.notes[:0] = said
            return report
        from theorize.analysis.presence_agreement import presence_agreement

        units = _units(self, chosen, unit)
        rows, where = _assign(codings, units)
        if len(rows) == 0:
            raise InvalidInput("The chosen coders applied none of the chosen codes to the shared sources.")
        code_ids = np.unique(codings["code_id"].to_numpy()[rows])
        coder_of = pd.Index(coders).get_indexer(codings["coder"].to_numpy()[rows])
        code_of = np.searchsorted(code_ids, codings["code_id"].to_numpy()[rows])
        result = presence_agreement(
            coder_of,
            where,
            code_of,
            n_units=len(units),
            coders=coders,
            codes=list(code_ids),
            n_resamples=resamples,
            rng=seed,
        )
        table = result.table.reset_index().rename(columns={"code": "code_id"})
        table.insert(1, "code", [labels.get(int(c), str(c)) for c in table["code_id"]])
        notes = said + [
            f"{labels.get(int(c), c)}: left out ({why}, so its agreement is undefined)"
            for c, why in result.left_out.items()
        ]
        dis = _disagreements(coder_of, where, code_of, code_ids, units, coders, chosen, labels, self)
        return AgreementReport(
            unit,
            coders,
            list(chosen.name),
            table,
            result.overall,
            result.coded_by.rename_axis("code_id"),
            result.coded_any,
            dis,
            notes,
        )

    def _unitizing(self, codings, chosen, coders, labels) -> AgreementReport:
        import pandas as pd

        from theorize.analysis import binary_u_alpha, u_alpha, u_alpha_by_code

        continuum = {int(r.id): int(r.characters) for r in chosen.itertuples()}
        spans = {
            c: [
                (int(r.source_id), int(r.start), int(r.end), int(r.code_id))
                for r in codings[codings.coder == c].itertuples()
                if r.end > r.start
            ]
            for c in coders
        }
        notes = []
        per_code = u_alpha_by_code(spans, continuum)
        table = pd.DataFrame(
            {
                "code_id": pd.Series(list(per_code), dtype="int64"),
                "code": [labels.get(int(c), str(c)) for c in per_code],
                "binary_u_alpha": pd.Series(list(per_code.values()), dtype=float),
            }
        )
        overall = {"binary_u_alpha": binary_u_alpha(spans, continuum), "u_alpha": float("nan")}
        try:
            overall["u_alpha"] = u_alpha(spans, continuum)
        except InvalidInput as exc:
            notes.append(f"u-alpha over all codes is not defined here: {exc}")
        empty = pd.DataFrame(columns=["source", "start", "end", "speaker", "passage", *coders])
        return AgreementReport(
            "character",
            coders,
            list(chosen.name),
            table,
            pd.Series(overall),
            pd.DataFrame(index=pd.Index([], name="code_id")),
            pd.Series(dtype="int64"),
            empty,
            notes,
        )

    def adjudicate(
        self,
        source: int | str,
        *,
        start: int,
        end: int,
        code: int | str | None,
        note: str,
        adjudicator: str | None = None,
    ) -> int:
        """Record the decision on a disagreement: the agreed code (or none) and a memo giving the reason.

        Writes, in one action, a coding by the adjudicator when ``code`` is given, and an adjudication
        memo linked to the source, the code and the disputed codings. Returns the memo's id.
        """
        if not note.strip():
            raise InvalidInput("An adjudication needs a note saying why the decision was made.")
        with self._action("adjudicate") as act:
            src = self._source_row(act.conn, source)
            _, text = self._source_text(act.conn, src["id"])
            if not 0 <= start <= end <= len(text):
                raise InvalidInput(f"The span {start}-{end} does not fit {src['name']} ({len(text):,} characters).")
            who = self._coder_id(act.conn, adjudicator, act.changes)
            disputed = [
                r.id
                for r in act.conn.execute(
                    select(t.coding.c.id).where(
                        t.coding.c.source_id == src["id"],
                        t.coding.c.start < max(end, start + 1),
                        t.coding.c.end > start,
                    )
                )
            ]
            code_row = self._code_row(act.conn, code) if code is not None else None
            decision = f"coded {code_row['name']!r}" if code_row else "no code applies"
            if code_row:
                act.changes.insert(t.coding, coding_row(src, start, end, code_row["id"], who))
            passage = " ".join(text[start:end].split())
            memo_id = act.changes.insert(
                t.memo,
                {
                    "title": f"Adjudication: {src['name']} {start}-{end}",
                    "type": "code",
                    "body": f"Decision: {decision}.\n\n> {passage}\n\n{note}",
                    "author_id": who,
                    "written_on": now(),
                    "guid": new_guid(),
                    "created_at": now(),
                },
            )
            act.changes.insert(t.memo_link, {"memo_id": memo_id, "target_type": "source", "target_id": src["id"]})
            if code_row:
                act.changes.insert(
                    t.memo_link, {"memo_id": memo_id, "target_type": "code", "target_id": code_row["id"]}
                )
            for cid in disputed:
                act.changes.insert(t.memo_link, {"memo_id": memo_id, "target_type": "coding", "target_id": cid})
            act.summary = f"adjudicated {src['name']} {start}-{end}: {decision}"
        return memo_id
