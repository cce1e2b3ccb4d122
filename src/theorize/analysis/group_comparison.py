"""Comparing groups: a category's properties, dimension values and quotes side by side.

Constant comparison across groups (Glaser & Strauss 1967, ch. 3; Charmaz 2014, ch. 6) asks how a
category looks from each side: which of its properties each group speaks to, where on each
dimension they place their experience, and in whose words. Pure functions on DataFrames.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from theorize.errors import InvalidInput

__all__ = ["compare_properties", "quotes_by_group"]


def compare_properties(values: pd.DataFrame, properties: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """One row per property or dimension of a category, one column per group.

    Args:
        values: ``property_id``, ``participant``, ``group``, ``value`` of one category.
        properties: ``id``, ``kind``, ``text`` of its properties and dimensions.
        groups: the groups to set side by side, in order (at least two).

    Returns:
        ``property``, ``kind``, then per group ``<group>`` (for a property: "n participants"; for
        a dimension: each value heard with its count, "total ×2, bounded ×1"; "" when nobody spoke
        to it) and ``only_in`` (the one group that spoke to it, else "").

    Examples:
        >>> v = pd.DataFrame({"property_id": [1, 1, 2], "participant": ["C1", "K1", "C1"],
        ...                   "group": ["client", "counselor", "client"], "value": ["total", "bounded", ""]})
        >>> p = pd.DataFrame({"id": [1, 2], "kind": ["dimension", "property"],
        ...                   "text": ["surveillance: total .. bounded", "who holds power"]})
        >>> compare_properties(v, p, ["client", "counselor"]).values.tolist()
        [['surveillance: total .. bounded', 'dimension', 'total ×1', 'bounded ×1', ''], ['who holds power', 'property', '1 participant', '', 'client']]
    """
    if len(groups) < 2:
        raise InvalidInput("A comparison needs at least two groups.")
    rows = []
    for prop in properties.itertuples():
        row = {"property": prop.text, "kind": prop.kind}
        spoke = []
        for group in groups:
            heard = values[(values["property_id"] == prop.id) & (values["group"] == group)]
            if heard.empty:
                row[group] = ""
                continue
            spoke.append(group)
            if prop.kind == "dimension":
                tally = Counter(str(v) for v in heard["value"])
                row[group] = ", ".join(f"{v} \u00d7{n}" for v, n in sorted(tally.items(), key=lambda x: (-x[1], x[0])))
            else:
                n = heard["participant"].nunique()
                row[group] = f"{n} participant{'s' if n != 1 else ''}"
        row["only_in"] = spoke[0] if len(spoke) == 1 else ""
        rows.append(row)
    return pd.DataFrame(rows, columns=["property", "kind", *groups, "only_in"])


def quotes_by_group(quotes: pd.DataFrame, groups: list[str], *, per_group: int = 3) -> pd.DataFrame:
    """A few quotes per group, those that carry most property values first, one per participant
    before a second from anyone.

    Args:
        quotes: ``group``, ``participant``, ``quote``, ``values`` (how many property values the
            coding carries), ``coding_id``.

    Examples:
        >>> q = pd.DataFrame({"group": ["a", "a", "b"], "participant": ["A1", "A1", "B1"],
        ...                   "quote": ["x", "y", "z"], "values": [1, 2, 0], "coding_id": [1, 2, 3]})
        >>> quotes_by_group(q, ["a", "b"], per_group=1)["quote"].tolist()
        ['y', 'z']
    """
    picked = []
    for group in groups:
        mine = quotes[quotes["group"] == group].sort_values(["values", "coding_id"], ascending=[False, True])
        first = mine.drop_duplicates("participant")
        rest = mine.drop(first.index)
        picked.append(pd.concat([first, rest]).head(per_group))
    if not picked:
        return quotes.head(0)
    return pd.concat(picked, ignore_index=True)
