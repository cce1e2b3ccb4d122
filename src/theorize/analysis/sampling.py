"""Theoretical sampling: who has spoken to each category, and where the theory is thin.

Theoretical sampling "means seeking pertinent data to develop your emerging theory", sampling to
fill out the properties of a category rather than to represent a population (Charmaz 2014,
*Constructing Grounded Theory*, 2nd ed., ch. 8, p. 192). So coverage is read per category and per
participant group (or attribute value): how many participants of the group have spoken to it, how
often, and which of its properties they spoke to. A cell is **thin** when fewer than
``min_participants`` participants of the group have spoken to the category (or the property).

Pure functions on DataFrames.
"""

from __future__ import annotations

import pandas as pd

from theorize.errors import InvalidInput

__all__ = ["category_coverage", "property_coverage", "sampling_leads"]


def category_coverage(
    codings: pd.DataFrame, values: pd.DataFrame, group_sizes: dict, *, min_participants: int = 2
) -> pd.DataFrame:
    """Coverage of each category by group.

    Args:
        codings: codings of categories (each coding once per category it lies under):
            ``category_id``, ``participant``, ``group``.
        values: property and dimension values: ``category_id``, ``participant``, ``group``,
            ``property_id``.
        group_sizes: participants in each group (a group nobody spoke in still gets its row).
        min_participants: fewer participants than this makes a cell thin.

    Returns:
        ``category_id``, ``group``, ``participants`` (who spoke to it), ``of_participants`` (the
        group's size), ``codings``, ``properties`` (distinct properties and dimensions spoken to),
        ``thin``.

    Examples:
        >>> c = pd.DataFrame({"category_id": [1, 1, 1], "participant": ["C1", "C2", "K1"],
        ...                   "group": ["client", "client", "counselor"]})
        >>> v = pd.DataFrame({"category_id": [1], "participant": ["C1"], "group": ["client"], "property_id": [7]})
        >>> category_coverage(c, v, {"client": 2, "counselor": 3})[["group", "participants", "thin"]].values.tolist()
        [['client', 2, False], ['counselor', 1, True]]
    """
    if min_participants < 1:
        raise InvalidInput("A cell needs at least one participant to be more than thin.")
    rows = []
    for category in sorted(pd.unique(codings["category_id"])):
        mine = codings[codings["category_id"] == category]
        vals = values[values["category_id"] == category]
        for group in sorted(group_sizes):
            people = mine.loc[mine["group"] == group, "participant"].nunique()
            rows.append(
                {
                    "category_id": category,
                    "group": group,
                    "participants": int(people),
                    "of_participants": int(group_sizes[group]),
                    "codings": int((mine["group"] == group).sum()),
                    "properties": int(vals.loc[vals["group"] == group, "property_id"].nunique()),
                    "thin": people < min(min_participants, group_sizes[group] or 1),
                }
            )
    return pd.DataFrame(
        rows, columns=["category_id", "group", "participants", "of_participants", "codings", "properties", "thin"]
    )


def property_coverage(
    values: pd.DataFrame, properties: pd.DataFrame, group_sizes: dict, *, min_participants: int = 2
) -> pd.DataFrame:
    """Coverage of each property and dimension by group: who has spoken to it, and which values.

    Args:
        values: ``category_id``, ``participant``, ``group``, ``property_id``, ``value``.
        properties: ``id``, ``category_id``, ``kind``, ``text`` of every property (spoken to or not).

    Returns:
        ``category_id``, ``property_id``, ``property``, ``kind``, ``group``, ``participants``,
        ``values`` (the dimension values heard, "a, b") and ``thin``.

    Examples:
        >>> v = pd.DataFrame({"category_id": [1], "participant": ["C1"], "group": ["client"],
        ...                   "property_id": [7], "value": ["total"]})
        >>> p = pd.DataFrame({"id": [7, 8], "category_id": [1, 1], "kind": ["dimension", "property"],
        ...                   "text": ["surveillance: total .. bounded", "who holds power"]})
        >>> property_coverage(v, p, {"client": 3})[["property_id", "participants", "values", "thin"]].values.tolist()
        [[7, 1, 'total', True], [8, 0, '', True]]
    """
    rows = []
    for prop in properties.itertuples():
        mine = values[values["property_id"] == prop.id]
        for group in sorted(group_sizes):
            heard = mine[mine["group"] == group]
            people = heard["participant"].nunique()
            found = sorted({str(v) for v in heard["value"] if str(v)}) if prop.kind == "dimension" else []
            rows.append(
                {
                    "category_id": prop.category_id,
                    "property_id": prop.id,
                    "property": prop.text,
                    "kind": prop.kind,
                    "group": group,
                    "participants": int(people),
                    "values": ", ".join(found),
                    "thin": people < min(min_participants, group_sizes[group] or 1),
                }
            )
    return pd.DataFrame(
        rows, columns=["category_id", "property_id", "property", "kind", "group", "participants", "values", "thin"]
    )


def sampling_leads(
    categories: pd.DataFrame, properties: pd.DataFrame, names: dict, *, min_participants: int = 2
) -> list[str]:
    """What to look for in the next interviews: one sentence per category that is thin somewhere.

    A category is thin in a group that fewer than ``min_participants`` of its participants spoke
    to; a property is thin when fewer than ``min_participants`` participants in all spoke to it;
    a dimension is thin when at most one value on it has been heard (its range is unknown).

    Args:
        categories: :func:`category_coverage`. properties: :func:`property_coverage`.
        names: category id -> name.

    Examples:
        >>> cats = pd.DataFrame({"category_id": [1], "group": ["counselor"], "participants": [1],
        ...                      "of_participants": [4], "thin": [True]})
        >>> props = pd.DataFrame({"category_id": [1, 1], "property": ["advocacy", "trust: low .. high"],
        ...                       "kind": ["property", "dimension"], "group": ["counselor"] * 2,
        ...                       "participants": [1, 2], "values": ["", "low"]})
        >>> sampling_leads(cats, props, {1: "Finding the person"})[0]
        'Finding the person: only 1 of 4 counselor participants spoke to it; advocacy heard from 1 participant; only "low" heard on trust: low .. high.'
    """
    leads = []
    for category, name in names.items():
        parts = [
            f"only {r.participants} of {r.of_participants} {r.group} participants spoke to it"
            for r in categories[(categories["category_id"] == category) & categories["thin"]].itertuples()
        ]
        mine = properties[properties["category_id"] == category]
        for text, part in mine.groupby("property", sort=False):
            heard = int(part["participants"].sum())
            if part["kind"].iloc[0] == "dimension":
                found = sorted({v.strip() for cell in part["values"] for v in str(cell).split(",") if v.strip()})
                if heard and len(found) <= 1:
                    parts.append(f'only "{found[0]}" heard on {text}')
                elif not heard:
                    parts.append(f"nothing heard yet on {text}")
            elif heard < min_participants:
                parts.append(f"{text} heard from {heard} participant{'s' if heard != 1 else ''}")
        if parts:
            leads.append(f"{name}: {'; '.join(parts)}.")
    return leads
