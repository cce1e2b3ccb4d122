"""Saturation, co-occurrence and matrices on a project: the project's data into the pure functions
of ``theorize.analysis``.

Codes are keyed by id in every result (two codes named "trust" in different branches stay two);
``study.code_labels()`` gives the names to show. Which codings count is decided once
(:func:`theorize.services.coding.counts`). In saturation and the matrices a code counts its own
codings and those of every code beneath it (``counts == "own and beneath"``); co-occurrence counts
each code's own codings only (``counts == "own"``), since a code always co-occurs with what lies
beneath it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from theorize.errors import InvalidInput
from theorize.services.coding import OWN, OWN_AND_BENEATH
from theorize.services.views import ViewsMixin

if TYPE_CHECKING:
    import pandas as pd

    from theorize.analysis.matrices import AttributeComparison
    from theorize.analysis.richness import RichnessEstimate
    from theorize.analysis.saturation import GuestSaturation, SaturationBootstrap


@dataclass
class SaturationReport:
    """Code saturation in interview order: the curve (and by stage), Guest et al.'s point, the
    bootstrap over orders, the exact accumulation curve (expected codes after n interviews in any
    order), the estimates of codes not yet seen, and a sentence for the methods section.

    Attributes:
        interviews: source names in interview order.
        incidence: interviews x code ids, 1 where the code (or a code beneath it) occurs.
        curve: the discovery curve (:func:`theorize.analysis.saturation.discovery_curve`).
        by_stage: the curve per stage of code.
        counts: ``"own and beneath"``: a code occurs where it or a code beneath it was applied.
    """

    interviews: list[str]
    incidence: pd.DataFrame
    curve: pd.DataFrame
    by_stage: pd.DataFrame
    guest: GuestSaturation
    bootstrap: SaturationBootstrap
    accumulation: pd.DataFrame
    chao2: RichnessEstimate
    jackknife1: RichnessEstimate
    jackknife2: RichnessEstimate
    statement: str
    counts: str = OWN_AND_BENEATH


def rolled_up(codings: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Each coding once for its own code and once for every code above it: ``code_id`` becomes
    the code that counts it, ``stage`` that code's stage and ``own`` says whether it is the coding's
    own code. Pure; ``codes`` has ``id``, ``parent_id`` and ``stage``.

    Examples:
        >>> import pandas as pd
        >>> codes = pd.DataFrame({"id": [1, 2], "parent_id": [None, 1], "stage": ["focused", "initial"]})
        >>> rolled_up(pd.DataFrame({"id": [7], "code_id": [2]}), codes)[["code_id", "own"]].values.tolist()
        [[2, True], [1, False]]
    """
    import pandas as pd

    parent = {int(i): (None if pd.isna(p) else int(p)) for i, p in zip(codes["id"], codes["parent_id"])}
    stage = dict(zip(codes["id"].astype(int), codes["stage"]))
    lines: dict[int, list[int]] = {}
    for code in pd.unique(codings["code_id"]):
        line: list[int] = []
        node: int | None = int(code)
        seen: set[int] = set()
        while node is not None and node not in seen:
            seen.add(node)
            line.append(node)
            node = parent.get(node)
        lines[int(code)] = line
    out = codings.assign(code_id=codings["code_id"].map(lines)).explode("code_id", ignore_index=True)
    out["code_id"] = out["code_id"].astype("int64")
    depth = codings["code_id"].map({c: len(line) for c, line in lines.items()}).to_numpy()
    out["own"] = out["code_id"].to_numpy() == codings["code_id"].to_numpy().repeat(depth)
    out["stage"] = out["code_id"].map(stage)
    return out


class InsightsMixin(ViewsMixin):
    """Saturation, co-occurrence and matrices."""

    def interview_order(self, *, group: str | None = None, sources=None) -> list[tuple[int, str]]:
        """Sources in the order the interviews were held: by the participant attribute
        ``interview_date`` where it exists, else in import order. ``group`` keeps one group's."""
        frame = self._source_index()
        people = self.participants().set_index("participant")
        if sources:
            frame = frame[
                frame.name.isin([s for s in sources if isinstance(s, str)])
                | frame.id.isin([s for s in sources if isinstance(s, int)])
            ]
        rows = []
        for r in frame.itertuples():
            pid = r.participant if isinstance(r.participant, str) else None
            if group and (pid is None or people.loc[pid, "group"] != group):
                continue
            date = people.loc[pid, "interview_date"] if pid and "interview_date" in people.columns else None
            rows.append((str(date) if isinstance(date, str) else "", r.id, r.name))
        rows.sort(key=lambda x: (x[0] == "", x[0], x[1]))
        return [(sid, name) for _, sid, name in rows]

    def incidence(
        self, *, group: str | None = None, stage: str | None = None, coder: str | None = None, sources=None
    ) -> pd.DataFrame:
        """Interviews (rows, by name, in interview order) x codes (columns, by id): 1 where the code,
        or a code beneath it, was applied."""
        import pandas as pd

        order = self.interview_order(group=group, sources=sources)
        if not order:
            raise InvalidInput("There are no interviews to analyse" + (f" in group {group!r}." if group else "."))
        codings = self._filtered_codings(stage, coder, [s for s, _ in order], "the stage, coder and group")
        import numpy as np

        rows = pd.Index([s for s, _ in order]).get_indexer(codings["source_id"])
        codes, columns = pd.factorize(codings["code_id"], sort=True)
        present = np.zeros((len(order), len(columns)), dtype=np.int64)
        present[rows, codes] = 1
        return pd.DataFrame(
            present,
            index=pd.Index([n for _, n in order], name="interview"),
            columns=pd.Index(columns.astype("int64"), name="code_id"),
        )

    def saturation(
        self,
        *,
        group: str | None = None,
        stage: str | None = None,
        coder: str | None = None,
        base_size: int = 4,
        run_length: int = 2,
        threshold: float = 0.05,
        run_mode: str = "jump",
        report: str = "before_run",
        n_orders: int = 1000,
        seed: int = 0,
    ) -> SaturationReport:
        """Code saturation (Guest, Namey & Chen 2020) with a bootstrap over interview orders and
        estimates of codes not yet seen (Chao2, jackknife). A code occurs in an interview where it
        or a code beneath it was applied.

        Examples:
            >>> s = study.saturation(group="client", stage="initial")  # doctest: +SKIP
            >>> print(s.statement)  # doctest: +SKIP
        """
        from theorize.analysis.richness import (
            accumulation_curve,
            chao2,
            jackknife1,
            jackknife2,
        )
        from theorize.analysis.saturation import (
            Report,
            RunMode,
            bootstrap_saturation,
            discovery_curve,
            guest_saturation,
            saturation_statement,
        )

        inc = self.incidence(group=group, stage=stage, coder=coder)
        # run_mode and report come as words from any front end; the analysis refuses others in a sentence
        mode, at = cast(RunMode, run_mode), cast(Report, report)
        guest = guest_saturation(inc, base_size, run_length, threshold, mode, at)
        boot = bootstrap_saturation(
            inc,
            n_orders,
            base_size=base_size,
            run_length=run_length,
            threshold=threshold,
            run_mode=mode,
            report=at,
            seed=seed,
        )
        estimate = chao2(inc)
        curve = discovery_curve(inc)
        if stage is None:
            codes = self._code_rows()
            by_stage = discovery_curve(inc, stages=dict(zip(codes["id"].astype(int), codes["stage"])))
        else:
            by_stage = curve.assign(stage=stage)[["stage", *curve.columns]]
        return SaturationReport(
            list(inc.index),
            inc,
            curve,
            by_stage,
            guest,
            boot,
            accumulation_curve(inc),
            estimate,
            jackknife1(inc),
            jackknife2(inc),
            saturation_statement(guest, estimate, bootstrap=boot),
        )

    def cooccurrence(
        self,
        *,
        mode: str = "overlap",
        window: int = 0,
        measure: str = "count",
        stage: str | None = None,
        coder: str | None = None,
    ) -> pd.DataFrame:
        """Code x code co-occurrence (rows and columns: code ids): overlapping codings (or within
        ``window`` characters), or codes within ``window`` turns of each other
        (``mode="segment"``); counts or Jaccard. Each code counts its own codings only
        (``frame.attrs["counts"] == "own"``)."""
        from theorize.analysis.cooccurrence import Measure, Mode, cooccurrence

        codings = self._filtered_codings(stage, coder, roll_up=False)
        if mode == "segment":
            codings = self._with_turn_index(codings)
        # mode and measure come as words from any front end; the analysis refuses others in a sentence
        frame = cooccurrence(codings, mode=cast(Mode, mode), window=window, measure=cast(Measure, measure))
        frame.attrs["counts"] = OWN
        return frame

    def _filtered_codings(
        self, stage, coder, source_ids=None, check: str = "the stage and coder", *, roll_up: bool = True
    ) -> pd.DataFrame:
        """The codings that count, of one coder where given, in the given sources; rolled up (each
        coding also counted for every code above its own) unless ``roll_up=False``; then of codes
        of the stage given."""
        codings = self._counted_codings(coder=coder, source_ids=source_ids, stage=None if roll_up else stage)
        if roll_up and len(codings):
            codings = rolled_up(codings, self._code_rows())
            if stage:
                codings = codings[codings["stage"] == stage]
        if codings.empty:
            raise InvalidInput(f"No codings match; check {check}.")
        return codings

    def _with_turn_index(self, codings: pd.DataFrame) -> pd.DataFrame:
        import numpy as np
        import pandas as pd

        turns = self._turn_spans()
        turns = turns[turns["source_id"].isin(codings["source_id"].unique())]
        shift = np.int64(1) << 32  # sources laid end to end, far apart: one search for all
        rank = pd.Index(turns["source_id"].unique())
        keys = rank.get_indexer(turns["source_id"]).astype(np.int64) * shift + turns["start"].to_numpy(np.int64)
        where = rank.get_indexer(codings["source_id"]).astype(np.int64)
        position = np.searchsorted(keys, where * shift + codings["start"].to_numpy(np.int64), side="right") - 1
        first = np.searchsorted(keys, where * shift, side="left")
        index = np.where(where >= 0, np.maximum(position - first, 0), 0)
        return codings.assign(segment_index=index)

    def _participant_of(self) -> dict[int, str]:
        frame = self._source_index()
        return {int(i): p for i, p in zip(frame["id"], frame["participant"]) if isinstance(p, str)}

    def code_matrix(self, *, stage: str | None = None, coder: str | None = None, share: bool = False) -> pd.DataFrame:
        """Codes (rows, by id) x participants: how many codings each participant's sources have of
        each code and the codes beneath it (``share=True``: codings, participants and share of
        participants per code)."""
        from theorize.analysis.matrices import (
            code_by_participant,
            share_of_participants,
        )

        codings = self._filtered_codings(stage, coder)
        mapping = self._participant_of()
        codings = codings[codings.source_id.isin(mapping)]
        table = code_by_participant(codings, mapping, participants=sorted(set(mapping.values())))
        table = share_of_participants(table) if share else table
        table.attrs["counts"] = OWN_AND_BENEATH
        return table

    def attribute_matrix(
        self, attribute: str, *, stage: str | None = None, coder: str | None = None
    ) -> AttributeComparison:
        """Codes (by id, counting the codes beneath them) by the values of a participant attribute,
        with Fisher's exact or chi-square tests."""
        from theorize.analysis.matrices import code_by_attribute

        people = self.participants().set_index("participant")
        if attribute not in people.columns:
            raise InvalidInput(f"There is no attribute {attribute!r}; `theorize participants` lists them.")
        codings = self._filtered_codings(stage, coder)
        mapping = self._participant_of()
        codings = codings[codings.source_id.isin(mapping)]
        values = people[attribute].dropna().rename(attribute)
        return code_by_attribute(codings, values, mapping)

    def framework(self, *, k: int = 2, coder: str | None = None) -> pd.DataFrame:
        """Participants x categories (columns: category ids), each cell up to ``k`` exemplar quotes
        from the category's codings and those of the codes nested under it."""
        from theorize.analysis.matrices import framework_matrix

        codes = self.codes()
        categories = codes[codes["stage"].isin(["category", "theoretical"])]
        codings = self._filtered_codings(None, coder)
        codings = codings[codings["code_id"].isin(categories["id"])]
        codings = codings.drop_duplicates(["id", "code_id"])
        if codings.empty:
            raise InvalidInput("No codings sit under a category yet; nest codes under categories first.")
        text = self.codings(with_text=True).set_index("id")["quote"]
        codings = codings.assign(text=codings["id"].map(text))
        mapping = self._participant_of()
        codings = codings[codings.source_id.isin(mapping)]
        ids = [int(c) for c in categories["id"]]
        return framework_matrix(codings, {c: c for c in ids}, mapping, k=k, category_order=ids)
