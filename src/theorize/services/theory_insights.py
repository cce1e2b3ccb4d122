"""Grounded theory beyond code counts, on a project: property and dimension values on codings,
theoretical saturation per category, checks of code saturation, theoretical sampling and the
comparison of participant groups.

A coding belongs to a category when its code is the category or lies beneath it; only codings that
count (:func:`theorize.services.coding.counts`: pending machine suggestions never do) carry values
into an analysis. Values are set and removed through audited actions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from theorize.errors import InvalidInput, NotFound
from theorize.services.coding import counts
from theorize.services.insights import InsightsMixin
from theorize.store import schema as t

if TYPE_CHECKING:
    import pandas as pd

    from theorize.analysis.theoretical_saturation import (
        CircularityCheck,
        SingletonCheck,
    )
else:
    from theorize._lazy import pandas as pd

VALUE_COLUMNS = [
    "coding_id",
    "source_id",
    "interview",
    "participant",
    "group",
    "category_id",
    "category",
    "property_id",
    "kind",
    "property",
    "value",
    "start",
    "end",
]


def dimension_name(text: str) -> str:
    """The name of a dimension written "name: pole .. pole" (the whole text otherwise).

    Examples:
        >>> dimension_name("perceived surveillance: total .. bounded")
        'perceived surveillance'
    """
    return text.split(":", 1)[0].strip() if ":" in text else text.strip()


@dataclass
class TheoreticalSaturation:
    """Theoretical saturation of categories: their properties and dimension values, interview by
    interview, and their growth over codebook snapshots.

    Attributes:
        interviews: source names in interview order.
        categories: category id -> name.
        discovery: :func:`~theorize.analysis.theoretical_saturation.property_discovery`.
        points: :func:`~theorize.analysis.theoretical_saturation.saturation_points`.
        snapshots: :func:`~theorize.analysis.theoretical_saturation.properties_over_snapshots`.
        statements: one sentence per category, for the methods section.
    """

    interviews: list[str]
    categories: dict[int, str]
    discovery: pd.DataFrame
    points: pd.DataFrame
    snapshots: pd.DataFrame
    statements: list[str]


class TheoryInsightsMixin(InsightsMixin):
    """Property values on codings, theoretical saturation, sampling, group comparison."""

    # -- properties of a category, and their values on codings ---------------------------------
    def category_properties(self, category: int | str | None = None) -> pd.DataFrame:
        """The properties and dimensions of one category (or of all): id, category_id, category,
        kind, text, name (a dimension's name before its colon), position."""
        cols = ["id", "category_id", "category", "kind", "text", "name", "position"]
        with self._read() as conn:
            q = select(
                t.category_property.c.id,
                t.category_property.c.code_id.label("category_id"),
                t.code.c.name.label("category"),
                t.category_property.c.kind,
                t.category_property.c.text,
                t.category_property.c.position,
            ).join(t.code, t.code.c.id == t.category_property.c.code_id)
            if category is not None:
                q = q.where(t.category_property.c.code_id == self._code_row(conn, category)["id"])
            rows = [
                dict(r)
                for r in conn.execute(
                    q.order_by(t.category_property.c.code_id, t.category_property.c.position)
                ).mappings()
            ]
        for r in rows:
            r["name"] = dimension_name(r["text"]) if r["kind"] == "dimension" else r["text"]
        return pd.DataFrame(rows, columns=cols)

    def _category_of(self, conn, code_id: int) -> list[int]:
        """The coding's code and every code above it (a coding belongs to each)."""
        line, node = [], code_id
        while node is not None and node not in line:
            line.append(node)
            node = conn.execute(select(t.code.c.parent_id).where(t.code.c.id == node)).scalar_one_or_none()
        return line

    def _property_row(self, conn, coding_id: int, prop: int | str):
        coding = conn.execute(select(t.coding.c.id, t.coding.c.code_id).where(t.coding.c.id == coding_id)).first()
        if coding is None:
            raise NotFound(f"There is no coding #{coding_id}; `theorize show SOURCE` shows codings by number.")
        line = self._category_of(conn, coding.code_id)
        rows = conn.execute(select(t.category_property).where(t.category_property.c.code_id.in_(line))).mappings().all()
        if isinstance(prop, int) or str(prop).isdigit():
            found = [r for r in rows if r["id"] == int(prop)]
        else:
            wanted = str(prop).strip().lower()
            found = [r for r in rows if r["text"].lower() == wanted] or [
                r for r in rows if r["kind"] == "dimension" and dimension_name(r["text"]).lower() == wanted
            ]
        if not found:
            names = "; ".join(r["text"] for r in rows) or "none (add them with `theorize model describe`)"
            raise NotFound(
                f"Coding #{coding_id} belongs to no category with a property {prop!r}; its categories have: {names}."
            )
        return found[0]

    def set_property_value(self, coding: int, prop: int | str, value: str = "") -> None:
        """Say that a coding speaks to a property of its category, or where it places the passage on
        a dimension (``value``: "total", "bounded", or a point between, in the researcher's words).

        Examples:
            >>> study.set_property_value(12, "perceived surveillance", "total")  # doctest: +SKIP
        """
        value = (value or "").strip()
        with self._action("set property value") as act:
            row = self._property_row(act.conn, int(coding), prop)
            if row["kind"] == "dimension" and not value:
                raise InvalidInput(f"{row['text']!r} is a dimension: give the value the passage has on it.")
            old = (
                act.conn.execute(
                    select(t.coding_property).where(
                        t.coding_property.c.coding_id == int(coding), t.coding_property.c.property_id == row["id"]
                    )
                )
                .mappings()
                .first()
            )
            if old is not None:
                if old["value"] == value:
                    return
                act.changes.update(t.coding_property, old["id"], {"value": value})
            else:
                act.changes.insert(
                    t.coding_property, {"coding_id": int(coding), "property_id": row["id"], "value": value}
                )
            shown = f"{dimension_name(row['text'])} = {value}" if row["kind"] == "dimension" else row["text"]
            act.summary = f"coding #{coding}: {shown}"

    def remove_property_value(self, coding: int, prop: int | str) -> None:
        """Take a property or dimension value off a coding."""
        with self._action("remove property value") as act:
            row = self._property_row(act.conn, int(coding), prop)
            old = act.conn.execute(
                select(t.coding_property.c.id).where(
                    t.coding_property.c.coding_id == int(coding), t.coding_property.c.property_id == row["id"]
                )
            ).first()
            if old is None:
                raise NotFound(f"Coding #{coding} has no value of {row['text']!r}.")
            act.changes.delete(t.coding_property, old.id)
            act.summary = f"coding #{coding}: removed {row['text']!r}"

    def property_values(self, category: int | str | None = None) -> pd.DataFrame:
        """Every property and dimension value on codings that count: coding_id, source_id,
        interview (the source's name), participant, group, category_id, category, property_id, kind,
        property (its text), value, start, end."""
        with self._read() as conn:
            cat_id = self._code_row(conn, category)["id"] if category is not None else None
            q = (
                select(
                    t.coding_property.c.coding_id,
                    t.coding.c.source_id,
                    t.source.c.name.label("interview"),
                    t.category_property.c.code_id.label("category_id"),
                    t.code.c.name.label("category"),
                    t.coding_property.c.property_id,
                    t.category_property.c.kind,
                    t.category_property.c.text.label("property"),
                    t.coding_property.c.value,
                    t.coding.c.start,
                    t.coding.c.end,
                )
                .join(t.coding, t.coding.c.id == t.coding_property.c.coding_id)
                .join(t.source, t.source.c.id == t.coding.c.source_id)
                .join(t.category_property, t.category_property.c.id == t.coding_property.c.property_id)
                .join(t.code, t.code.c.id == t.category_property.c.code_id)
                .where(counts(t.coding.c.status))
            )
            if cat_id is not None:
                q = q.where(t.category_property.c.code_id == cat_id)
            frame = pd.DataFrame(
                [
                    dict(r)
                    for r in conn.execute(
                        q.order_by(t.coding.c.source_id, t.coding.c.start, t.coding_property.c.id)
                    ).mappings()
                ]
            )
            people = {
                r.source_id: (r.pseudonym, r.group_name)
                for r in conn.execute(
                    select(t.source_participant.c.source_id, t.participant.c.pseudonym, t.participant.c.group_name)
                    .join(t.participant, t.participant.c.id == t.source_participant.c.participant_id)
                    .order_by(t.participant.c.pseudonym.desc())
                )
            }
        if frame.empty:
            return pd.DataFrame(columns=VALUE_COLUMNS)
        frame["participant"] = frame["source_id"].map(lambda s: people.get(s, ("", ""))[0])
        frame["group"] = frame["source_id"].map(lambda s: people.get(s, ("", ""))[1])
        return frame[VALUE_COLUMNS]

    # -- theoretical saturation -----------------------------------------------------------------
    def theoretical_saturation(
        self, category: int | str | None = None, *, group: str | None = None
    ) -> TheoreticalSaturation:
        """When each category's properties and dimension values stopped growing: new elements per
        interview in interview order, the interview after which nothing new appeared, and the
        categories' properties over codebook snapshots.

        Examples:
            >>> s = study.theoretical_saturation(group="client")  # doctest: +SKIP
            >>> s.points  # doctest: +SKIP
        """
        order = self.interview_order(group=group)
        if not order:
            raise InvalidInput("There are no interviews to analyse" + (f" in group {group!r}." if group else "."))
        values = self.property_values(category)
        values = values[values["source_id"].isin([s for s, _ in order])]
        if values.empty:
            where = f" of {category!r}" if category is not None else ""
            raise InvalidInput(
                f"No coding carries a property or dimension value{where} yet; set them with "
                "`theorize properties set CODING PROPERTY [VALUE]`."
            )
        from theorize.analysis.theoretical_saturation import (
            properties_over_snapshots,
            property_discovery,
            saturation_points,
        )

        names = [n for _, n in order]
        discovery = property_discovery(values, names)
        points = saturation_points(discovery)
        categories = dict(zip(values["category_id"].astype(int), values["category"]))
        with self._read() as conn:
            snaps = [
                (r.name, json.loads(r.content))
                for r in conn.execute(
                    select(t.snapshot.c.name, t.snapshot.c.content).order_by(t.snapshot.c.taken_at, t.snapshot.c.id)
                )
            ]
        snapshots = properties_over_snapshots(snaps)
        snapshots = snapshots[snapshots["category_id"].isin(list(categories))].reset_index(drop=True)
        return TheoreticalSaturation(
            names,
            categories,
            discovery,
            points,
            snapshots,
            [_point_sentence(categories[int(r.category_id)], r) for r in points.itertuples()],
        )

    def saturation_checks(
        self, incidence: pd.DataFrame, *, stage: str | None, unseen: float | None = None
    ) -> tuple[CircularityCheck, SingletonCheck]:
        """The checks to print beside a code saturation curve: is it circular (codes made from the
        whole corpus), and do the estimates of unseen codes rest on singletons.

        Args:
            incidence: interviews (rows, by name, in order) x code ids, as :meth:`incidence` gives.
            stage: the stage of code analysed. unseen: the estimate of codes not yet seen.
        """
        from theorize.analysis.theoretical_saturation import (
            SingletonCheck,
            circularity_check,
            singleton_check,
        )

        with self._read() as conn:
            created = dict(conn.execute(select(t.code.c.id, t.code.c.created_at)).all())
            first: dict[str, object] = {}
            for r in conn.execute(
                select(t.source.c.name, t.coding.c.created_at)
                .join(t.source, t.source.c.id == t.coding.c.source_id)
                .where(counts(t.coding.c.status))
            ):
                if r.name not in first or r.created_at < first[r.name]:
                    first[r.name] = r.created_at
        created_at = pd.to_datetime(pd.Series(created, dtype=object), utc=True)
        first_at = pd.to_datetime(pd.Series(first, dtype=object), utc=True)
        return (
            circularity_check(incidence, created_at, first_at, stage=stage),
            singleton_check(incidence, unseen=unseen)
            if stage in (None, "initial")
            else SingletonCheck(0, 0, 0.0, False, ""),
        )

    def saturation_warnings(self, report, *, stage: str | None) -> list[str]:
        """Sentences to print beside a code saturation report (:meth:`saturation`): circular when
        the codes were made from the whole corpus; estimates of unseen codes resting on singletons.

        Examples:
            >>> s = study.saturation(stage="focused")  # doctest: +SKIP
            >>> study.saturation_warnings(s, stage="focused")  # doctest: +SKIP
            ['This saturation is circular: 15 of 16 codes already occur in the first interview ...']
        """
        circular, singles = self.saturation_checks(report.incidence, stage=stage, unseen=report.chao2.unobserved)
        return [c.sentence for c in (circular, singles) if c.sentence]


@dataclass
class SamplingView:
    """Coverage of each category by participant group (or attribute value), thin cells marked,
    beside the sampling memos, and what to look for next.

    Attributes:
        by: "group" or the attribute the participants are split by.
        categories: category id -> name.
        coverage: :func:`~theorize.analysis.sampling.category_coverage`.
        properties: :func:`~theorize.analysis.sampling.property_coverage`.
        memos: the sampling memos (id, title, written_on).
        leads: :func:`~theorize.analysis.sampling.sampling_leads`.
    """

    by: str
    categories: dict[int, str]
    coverage: pd.DataFrame
    properties: pd.DataFrame
    memos: pd.DataFrame
    leads: list[str]


@dataclass
class GroupComparison:
    """One category seen from each group: properties and dimension values side by side, and quotes.

    Attributes:
        category: its name. groups: the groups compared, in order.
        properties: :func:`~theorize.analysis.group_comparison.compare_properties`.
        coverage: participants of each group who spoke to the category, of how many.
        quotes: group, participant, source, coding_id, quote (a few per group).
    """

    category: str
    groups: list[str]
    properties: pd.DataFrame
    coverage: pd.DataFrame
    quotes: pd.DataFrame


class SamplingMixin(TheoryInsightsMixin):
    """Theoretical sampling and group comparison on the categories."""

    def _people(self, by: str) -> pd.Series:
        """Each participant's group, or value of the attribute ``by``."""
        people = self.participants().set_index("participant")
        column = "group" if by == "group" else by
        if column not in people.columns:
            names = ", ".join(c for c in people.columns if c != "group") or "none"
            raise NotFound(f"There is no participant attribute {by!r}; the attributes are: {names}.")
        return people[column].fillna("").astype(str)

    def category_codings(self) -> pd.DataFrame:
        """Codings that count, once for each category (or core category) they lie under:
        coding_id, category_id, source_id, participant, group, start, end."""
        from theorize.services.insights import rolled_up

        codings, codes = self._counted_codings(), self._code_rows()
        cols = ["coding_id", "category_id", "source_id", "participant", "group", "start", "end"]
        if codings.empty:
            return pd.DataFrame(columns=cols)
        rolled = rolled_up(codings[["id", "source_id", "code_id", "start", "end"]], codes)
        rolled = rolled[rolled["stage"].isin(["category", "theoretical"])]
        who = self._participant_of()
        groups = self.participants().set_index("participant")["group"].to_dict()
        out = rolled.rename(columns={"id": "coding_id", "code_id": "category_id"})
        out["participant"] = out["source_id"].map(who).fillna("")
        out["group"] = out["participant"].map(groups).fillna("")
        return out[cols].reset_index(drop=True)

    def sampling(self, *, by: str = "group", min_participants: int = 2) -> SamplingView:
        """Which participants of each group have spoken to each category and to its properties,
        thin cells marked, beside the sampling memos: where to sample next.

        Examples:
            >>> view = study.sampling()  # doctest: +SKIP
            >>> print("\n".join(view.leads))  # doctest: +SKIP
        """
        from theorize.analysis.sampling import (
            category_coverage,
            property_coverage,
            sampling_leads,
        )

        side = self._people(by)
        if len(side) and (side == "").all():  # no participant has a group yet: everyone in one column
            side = side.where(side != "", "all participants")
        sizes = side[side != ""].value_counts().to_dict()
        codings = self.category_codings()
        if codings.empty:
            raise InvalidInput("No coding lies under a category yet; group codes into categories first.")
        codings = codings.assign(group=codings["participant"].map(side).fillna(""))
        values = self.property_values().assign(group=lambda f: f["participant"].map(side).fillna(""))
        names = dict(zip(self._code_rows()["id"].astype(int), self._code_rows()["name"]))
        cats = sorted(int(c) for c in pd.unique(codings["category_id"]))
        coverage = category_coverage(codings, values, sizes, min_participants=min_participants)
        props = self.category_properties()
        props = props[props["category_id"].isin(cats)]
        prop_cov = property_coverage(values, props, sizes, min_participants=min_participants)
        memos = self.memos()
        memos = memos.loc[memos["type"] == "sampling", ["id", "title", "written_on"]].reset_index(drop=True)
        categories = {c: names[c] for c in cats}
        return SamplingView(
            by,
            categories,
            coverage,
            prop_cov,
            memos,
            sampling_leads(coverage, prop_cov, categories, min_participants=min_participants),
        )

    def compare_groups(
        self, category: int | str, *, groups: list[str] | None = None, by: str = "group", quotes: int = 3
    ) -> GroupComparison:
        """A category's properties, dimension values and quotes by group, side by side.

        Examples:
            >>> cmp = study.compare_groups("Living in the court's shadow")  # doctest: +SKIP
            >>> cmp.properties  # doctest: +SKIP
        """
        from theorize.analysis.group_comparison import (
            compare_properties,
            quotes_by_group,
        )

        cat_id = self.code_id(category)
        side = self._people(by)
        known = sorted(v for v in side.unique() if v)
        groups = list(groups) if groups else known
        unknown = [g for g in groups if g not in known]
        if unknown:
            raise NotFound(
                f"There is no {'group' if by == 'group' else by} {unknown[0]!r}; "
                f"the participants are in: {', '.join(known) or 'no group'}."
            )
        values = self.property_values(cat_id).assign(group=lambda f: f["participant"].map(side).fillna(""))
        props = self.category_properties(cat_id)
        table = compare_properties(values, props, groups)
        codings = self.category_codings()
        codings = codings[codings["category_id"] == cat_id].assign(
            group=lambda f: f["participant"].map(side).fillna("")
        )
        sizes = side.value_counts().to_dict()
        coverage = pd.DataFrame(
            [
                {
                    "group": g,
                    "participants": int(codings.loc[codings["group"] == g, "participant"].nunique()),
                    "of_participants": int(sizes.get(g, 0)),
                    "codings": int((codings["group"] == g).sum()),
                }
                for g in groups
            ]
        )
        counted = values.groupby("coding_id").size()
        texts = self._texts_of(codings["source_id"].unique())
        sources = dict(zip(self._source_index()["id"], self._source_index()["name"]))
        pool = codings.assign(
            values=codings["coding_id"].map(counted).fillna(0).astype(int),
            quote=[texts[s][a:b] for s, a, b in zip(codings["source_id"], codings["start"], codings["end"])],
            source=codings["source_id"].map(sources),
        )
        picked = quotes_by_group(pool, groups, per_group=quotes)
        return GroupComparison(
            self.code_labels().get(cat_id, str(cat_id)),
            groups,
            table,
            coverage,
            picked[["group", "participant", "source_id", "source", "coding_id", "quote"]].reset_index(drop=True),
        )


def _point_sentence(name: str, row) -> str:
    if row.last_new_interview is None:
        return f"{name}: no property or dimension value recorded."
    if row.interviews_after == 0:
        return (
            f"{name}: {row.elements} properties and dimension values; the last interview "
            f"({row.last_new_interview}) still added one, so the category is not saturated in these data."
        )
    return (
        f"{name}: {row.elements} properties and dimension values; nothing new after {row.last_new_interview} "
        f"(interview {row.last_new_position} of {row.interviews}; {row.interviews_after} interview{'s' if row.interviews_after != 1 else ''} since added none)."
    )
