"""Intercoder agreement on a project's codings, the disagreements, and adjudication."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select

from theorize.errors import InvalidInput
from theorize.services.base import ProjectBase, new_guid, now
from theorize.services.coding import coding_row
from theorize.store import schema as t

UNITS = ("turn", "sentence", "character")


@dataclass
class AgreementReport:
    """Agreement between coders per code and overall, with the passages they disagree on.

    ``table`` has one row per code and a last row "all codes"; ``disagreements`` one row per unit
    where the coders' codes differ; ``notes`` says which codes were left out and why.
    """

    unit: str
    coders: list[str]
    sources: list[str]
    table: pd.DataFrame
    disagreements: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _units(study, frame_sources: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Units (source_id, unit index, start, end) of the chosen sources."""
    from theorize.ingest import split_sentences

    rows = []
    for sid in frame_sources["id"]:
        turns = study.segments(int(sid))
        text = study.text(int(sid))
        if turns.empty:
            turns = pd.DataFrame([{"start": 0, "end": len(text), "speaker": None}])
        k = 0
        for turn in turns.itertuples():
            spans = [(turn.start, turn.end)] if unit == "turn" else split_sentences(text, turn.start, turn.end)
            for s, e in spans:
                k += 1
                rows.append({"source_id": int(sid), "unit": k, "start": s, "end": e,
                             "speaker": turn.speaker, "text": text[s:e]})
    return pd.DataFrame(rows, columns=["source_id", "unit", "start", "end", "speaker", "text"])


def _assign(codings: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Each coding's units: those its span overlaps (a zero-length coding: the unit holding it)."""
    out = []
    for sid, group in codings.groupby("source_id"):
        u = units[units.source_id == sid]
        starts, ends = u.start.to_numpy(), u.end.to_numpy()
        for c in group.itertuples():
            if c.end > c.start:
                hit = (starts < c.end) & (ends > c.start)
            else:
                hit = (starts <= c.start) & (ends > c.start)
            for unit in u.unit.to_numpy()[hit]:
                out.append((c.coder, f"{sid}:{unit}", c.code))
    return pd.DataFrame(out, columns=["coder", "unit_id", "code"])


class AgreementMixin(ProjectBase):
    """Agreement services."""

    def _agreement_codings(self, coders, sources, codes, stage) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
        all_sources = self.sources()
        if sources:
            wanted = {s if isinstance(s, str) else None for s in sources}
            chosen = all_sources[all_sources.name.isin(wanted) | all_sources.id.isin([s for s in sources if isinstance(s, int)])]
            if len(chosen) != len(set(sources)):
                missing = set(map(str, sources)) - set(chosen.name) - set(map(str, chosen.id))
                raise InvalidInput(f"There is no source {', '.join(sorted(missing))} in this project.")
        else:
            chosen = all_sources
        codings = self.codings(with_text=False)
        codings = codings[codings.source_id.isin(chosen.id) & (codings.status == "accepted")]
        if stage:
            codings = codings[codings.stage == stage]
        if codes:
            names = set(self.codes().set_index("id").loc[[self._code_id(c) for c in codes], "name"])
            codings = codings[codings.code.isin(names)]
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

    def _code_id(self, ref) -> int:
        with self._read() as conn:
            return self._code_row(conn, ref)["id"]

    def agreement(self, *, coders=None, sources=None, codes=None, stage: str | None = None,
                  unit: str = "turn", resamples: int = 1000, seed: int = 0) -> AgreementReport:
        """Agreement of two or more coders per code and overall, on the sources they all coded.

        Args:
            coders: coder names (default: everyone who coded the material; at least two).
            sources: source names or ids (default: all).
            codes: codes to compare (default: all used); stage: only codes of this stage.
            unit: "turn" or "sentence" (code present or absent in each unit: percent agreement,
                Cohen's kappa for two coders, Krippendorff's alpha, nominal, with a 95% bootstrap
                interval over units from ``resamples`` resamples), or "character"
                (Krippendorff's unitizing alpha family: binary u-alpha per code and u-alpha overall).

        Examples:
            >>> report = study.agreement(coders=["Dr. Lena Marsh", "Sam Okoye"], stage="focused")  # doctest: +SKIP
            >>> report.table.tail(1)  # doctest: +SKIP
        """
        if unit not in UNITS:
            raise InvalidInput(f"{unit!r} is not a unit of agreement; use one of {', '.join(UNITS)}.")
        codings, chosen, coders = self._agreement_codings(coders, sources, codes, stage)
        if unit == "character":
            return self._unitizing(codings, chosen, coders)
        from theorize.analysis import cohen_kappa, krippendorff_alpha_ci, percent_agreement, segment_presence_matrix

        units = _units(self, chosen, unit)
        units["unit_id"] = units.source_id.astype(str) + ":" + units.unit.astype(str)
        assigned = _assign(codings, units)
        if assigned.empty:
            raise InvalidInput("The chosen coders applied none of the chosen codes to the shared sources.")
        matrices = segment_presence_matrix(assigned, coders=coders, units=list(units.unit_id))
        rows, notes = [], []
        for code, m in matrices.items():
            data = m.to_numpy()
            used = int((data.sum(axis=0) > 0).sum())
            row = {"code": code, "units": data.shape[1], "units coded": used,
                   **{f"coded by {c}": int(data[i].sum()) for i, c in enumerate(coders)}}
            try:
                row["percent agreement"] = percent_agreement(data)
                interval = krippendorff_alpha_ci(data, "nominal", n_resamples=resamples, rng=seed)
                row["Krippendorff's alpha"] = interval.alpha
                row["alpha 95% CI low"], row["alpha 95% CI high"] = interval.ci_low, interval.ci_high
                if len(coders) == 2:
                    row["Cohen's kappa"] = cohen_kappa(data)
            except InvalidInput as exc:
                notes.append(f"{code}: left out ({exc})")
                continue
            rows.append(row)
        pooled = pd.concat(matrices, axis=1).to_numpy()
        overall = {"code": "all codes", "units": len(units), "units coded": int((pooled.sum(axis=0) > 0).sum()),
                   **{f"coded by {c}": int(pooled[i].sum()) for i, c in enumerate(coders)},
                   "percent agreement": percent_agreement(pooled)}
        interval = krippendorff_alpha_ci(pooled, "nominal", n_resamples=resamples, rng=seed)
        overall.update({"Krippendorff's alpha": interval.alpha, "alpha 95% CI low": interval.ci_low,
                        "alpha 95% CI high": interval.ci_high})
        if len(coders) == 2:
            overall["Cohen's kappa"] = cohen_kappa(pooled)
        rows.append(overall)
        table = pd.DataFrame(rows)
        dis = self._disagreements(assigned, units, coders, chosen)
        return AgreementReport(unit, coders, list(chosen.name), table, dis, notes)

    def _disagreements(self, assigned, units, coders, chosen) -> pd.DataFrame:
        names = dict(zip(chosen.id, chosen.name))
        by = assigned.groupby(["unit_id", "coder"])["code"].apply(lambda s: sorted(set(s))).unstack(fill_value=[])
        rows = []
        lookup = units.set_index("unit_id")
        for unit_id, codes in by.iterrows():
            sets = [frozenset(codes.get(c, []) if isinstance(codes.get(c, []), list) else []) for c in coders]
            if len(set(sets)) > 1:
                u = lookup.loc[unit_id]
                rows.append({"source": names[u.source_id], "start": int(u.start), "end": int(u.end),
                             "speaker": u.speaker, "passage": u.text,
                             **{c: ", ".join(sorted(s)) for c, s in zip(coders, sets)}})
        return pd.DataFrame(rows, columns=["source", "start", "end", "speaker", "passage", *coders])

    def _unitizing(self, codings, chosen, coders) -> AgreementReport:
        from theorize.analysis import binary_u_alpha, u_alpha, u_alpha_by_code

        continuum = {int(r.id): int(r.characters) for r in chosen.itertuples()}
        spans = {c: [(int(r.source_id), int(r.start), int(r.end), r.code)
                     for r in codings[codings.coder == c].itertuples() if r.end > r.start] for c in coders}
        notes = []
        per_code = u_alpha_by_code(spans, continuum)
        rows = [{"code": code, "binary u-alpha": value} for code, value in per_code.items()]
        overall = {"code": "all codes", "binary u-alpha": binary_u_alpha(spans, continuum)}
        try:
            overall["u-alpha"] = u_alpha(spans, continuum)
        except InvalidInput as exc:
            notes.append(f"u-alpha over all codes is not defined here: {exc}")
        rows.append(overall)
        empty = pd.DataFrame(columns=["source", "start", "end", "speaker", "passage", *coders])
        return AgreementReport("character", coders, list(chosen.name), pd.DataFrame(rows), empty, notes)

    def adjudicate(self, source: int | str, *, start: int, end: int, code: int | str | None, note: str,
                   adjudicator: str | None = None) -> int:
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
            disputed = [r.id for r in act.conn.execute(select(t.coding.c.id).where(
                t.coding.c.source_id == src["id"], t.coding.c.start < max(end, start + 1), t.coding.c.end > start))]
            code_row = self._code_row(act.conn, code) if code is not None else None
            decision = f"coded {code_row['name']!r}" if code_row else "no code applies"
            if code_row:
                act.changes.insert(t.coding, coding_row(src, start, end, code_row["id"], who))
            passage = " ".join(text[start:end].split())
            memo_id = act.changes.insert(t.memo, {
                "title": f"Adjudication: {src['name']} {start}-{end}", "type": "code",
                "body": f"Decision: {decision}.\n\n> {passage}\n\n{note}", "author_id": who,
                "written_on": now(), "guid": new_guid(), "created_at": now()})
            act.changes.insert(t.memo_link, {"memo_id": memo_id, "target_type": "source", "target_id": src["id"]})
            if code_row:
                act.changes.insert(t.memo_link, {"memo_id": memo_id, "target_type": "code", "target_id": code_row["id"]})
            for cid in disputed:
                act.changes.insert(t.memo_link, {"memo_id": memo_id, "target_type": "coding", "target_id": cid})
            act.summary = f"adjudicated {src['name']} {start}-{end}: {decision}"
        return memo_id
