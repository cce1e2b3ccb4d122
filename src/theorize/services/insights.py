"""Saturation, co-occurrence and matrices on a project: the project's data into the pure functions
of ``theorize.analysis``."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from theorize.errors import InvalidInput
from theorize.services.base import ProjectBase


@dataclass
class SaturationReport:
    """Code saturation in interview order: the curve (and by stage), Guest et al.'s point, the
    bootstrap over orders, the exact accumulation curve (expected codes after n interviews in any
    order), the estimates of codes not yet seen, and a sentence for the methods section."""

    interviews: list[str]
    curve: pd.DataFrame
    by_stage: pd.DataFrame
    guest: object
    bootstrap: object
    accumulation: pd.DataFrame
    chao2: object
    jackknife1: object
    jackknife2: object
    statement: str


class InsightsMixin(ProjectBase):
    """Saturation, co-occurrence and matrices."""

    def interview_order(self, *, group: str | None = None, sources=None) -> list[tuple[int, str]]:
        """Sources in the order the interviews were held: by the participant attribute
        ``interview_date`` where it exists, else in import order. ``group`` keeps one group's."""
        frame = self.sources()
        people = self.participants().set_index("participant")
        if sources:
            frame = frame[frame.name.isin([s for s in sources if isinstance(s, str)]) |
                          frame.id.isin([s for s in sources if isinstance(s, int)])]
        rows = []
        for r in frame.itertuples():
            pid = r.participants.split(", ")[0] if r.participants else None
            if group and (pid is None or people.loc[pid, "group"] != group):
                continue
            date = people.loc[pid, "interview_date"] if pid and "interview_date" in people.columns else None
            rows.append((str(date) if isinstance(date, str) else "", r.id, r.name))
        rows.sort(key=lambda x: (x[0] == "", x[0], x[1]))
        return [(sid, name) for _, sid, name in rows]

    def incidence(self, *, group: str | None = None, stage: str | None = None, coder: str | None = None,
                  sources=None) -> pd.DataFrame:
        """Interviews (rows, in interview order) x codes (columns): 1 where the code occurs."""
        order = self.interview_order(group=group, sources=sources)
        if not order:
            raise InvalidInput("There are no interviews to analyse" + (f" in group {group!r}." if group else "."))
        codings = self._filtered_codings(stage, coder, [s for s, _ in order], "the stage, coder and group")
        names = dict(order)
        table = pd.crosstab(codings.source_id.map(names), codings.code).clip(upper=1)
        return table.reindex([n for _, n in order], fill_value=0)

    def saturation(self, *, group: str | None = None, stage: str | None = None, coder: str | None = None,
                   base_size: int = 4, run_length: int = 2, threshold: float = 0.05, run_mode: str = "jump",
                   report: str = "before_run", n_orders: int = 1000, seed: int = 0) -> SaturationReport:
        """Code saturation (Guest, Namey & Chen 2020) with a bootstrap over interview orders and
        estimates of codes not yet seen (Chao2, jackknife).

        Examples:
            >>> s = study.saturation(group="client", stage="initial")  # doctest: +SKIP
            >>> print(s.statement)  # doctest: +SKIP
        """
        from theorize.analysis.richness import accumulation_curve, chao2, jackknife1, jackknife2
        from theorize.analysis.saturation import (
            bootstrap_saturation, discovery_curve, guest_saturation, saturation_statement,
        )

        inc = self.incidence(group=group, stage=stage, coder=coder)
        params = dict(base_size=base_size, run_length=run_length, threshold=threshold, run_mode=run_mode, report=report)
        guest = guest_saturation(inc, **params)
        boot = bootstrap_saturation(inc, n_orders, seed=seed, **params)
        estimate = chao2(inc)
        stages = dict(zip(self.codes()["name"], self.codes()["stage"]))
        by_stage = discovery_curve(self.incidence(group=group, coder=coder), stages=stages) if stage is None else discovery_curve(inc)
        return SaturationReport(list(inc.index), discovery_curve(inc), by_stage, guest, boot, accumulation_curve(inc),
                                estimate,
                                jackknife1(inc), jackknife2(inc),
                                saturation_statement(guest, estimate, bootstrap=boot))

    def cooccurrence(self, *, mode: str = "overlap", window: int = 0, measure: str = "count",
                     stage: str | None = None, coder: str | None = None) -> pd.DataFrame:
        """Code x code co-occurrence: overlapping codings (or within ``window`` characters), or codes
        within ``window`` turns of each other (``mode="segment"``); counts or Jaccard."""
        from theorize.analysis.cooccurrence import cooccurrence

        codings = self._filtered_codings(stage, coder)
        if mode == "segment":
            codings = self._with_turn_index(codings)
        frame = codings.drop(columns=["code_id"]).rename(columns={"code": "code_id"})
        return cooccurrence(frame, mode=mode, window=window, measure=measure)

    def _filtered_codings(self, stage, coder, source_ids=None, check: str = "the stage and coder") -> pd.DataFrame:
        """Accepted codings, of one stage and one coder where given, in the given sources."""
        codings = self.codings(with_text=False)
        codings = codings[codings.status == "accepted"]
        if source_ids is not None:
            codings = codings[codings.source_id.isin(source_ids)]
        if stage:
            codings = codings[codings.stage == stage]
        if coder:
            codings = codings[codings.coder == coder]
        if codings.empty:
            raise InvalidInput(f"No codings match; check {check}.")
        return codings

    def _with_turn_index(self, codings: pd.DataFrame) -> pd.DataFrame:
        import numpy as np

        turns = self.segments()
        out = []
        for sid, group in codings.groupby("source_id"):
            tt = turns[turns.source_id == sid]
            starts = tt.start.to_numpy()
            idx = np.searchsorted(starts, group.start.to_numpy(), side="right") - 1
            g = group.copy()
            g["segment_index"] = np.maximum(idx, 0)
            out.append(g)
        return pd.concat(out)

    def _participant_of(self) -> dict[int, str]:
        frame = self.sources()
        return {int(r.id): r.participants.split(", ")[0] for r in frame.itertuples() if r.participants}

    def code_matrix(self, *, stage: str | None = None, coder: str | None = None, share: bool = False) -> pd.DataFrame:
        """Codes x participants: how many codings each participant's sources have of each code
        (``share=True``: codings, participants and share of participants per code)."""
        from theorize.analysis.matrices import code_by_participant, share_of_participants

        codings = self._filtered_codings(stage, coder)
        mapping = self._participant_of()
        codings = codings[codings.source_id.isin(mapping)].drop(columns=["code_id"]).rename(columns={"code": "code_id"})
        table = code_by_participant(codings, mapping, participants=sorted(set(mapping.values())))
        return share_of_participants(table) if share else table

    def attribute_matrix(self, attribute: str, *, stage: str | None = None, coder: str | None = None):
        """Codes by the values of a participant attribute, with Fisher's exact or chi-square tests."""
        from theorize.analysis.matrices import code_by_attribute

        people = self.participants().set_index("participant")
        if attribute not in people.columns:
            raise InvalidInput(f"There is no attribute {attribute!r}; `theorize participants` lists them.")
        codings = self._filtered_codings(stage, coder)
        mapping = self._participant_of()
        codings = codings[codings.source_id.isin(mapping)].drop(columns=["code_id"]).rename(columns={"code": "code_id"})
        values = people[attribute].dropna().rename(attribute)
        return code_by_attribute(codings, values, mapping)

    def framework(self, *, k: int = 2, coder: str | None = None) -> pd.DataFrame:
        """Participants x categories, each cell up to ``k`` exemplar quotes from the codes nested
        under the category."""
        from theorize.analysis.matrices import framework_matrix

        codes = self.codes()
        by_id = codes.set_index("id")
        category_of = {}
        for r in codes.itertuples():
            node = r
            while node is not None:
                if node.stage in ("category", "theoretical"):
                    category_of[r.name] = node.name
                    break
                parent = node.parent_id
                node = next(by_id.loc[[int(parent)]].reset_index().itertuples()) if pd.notna(parent) else None
        codings = self._filtered_codings(None, coder).copy()
        codings = codings[codings.code.isin(category_of)]
        if codings.empty:
            raise InvalidInput("No codings sit under a category yet; nest codes under categories first.")
        text = self.codings(with_text=True).set_index("id")["quote"]
        codings["text"] = codings["id"].map(text)
        mapping = self._participant_of()
        codings = codings[codings.source_id.isin(mapping)].drop(columns=["code_id"]).rename(columns={"code": "code_id"})
        return framework_matrix(codings, category_of, mapping, k=k)
