"""Theoretical saturation: when the properties of a category stop growing.

Charmaz (2014, *Constructing Grounded Theory*, 2nd ed., ch. 8) asks of saturation not whether codes
repeat but whether new data still add properties to a category: "categories are 'saturated' when
gathering fresh data no longer sparks new theoretical insights, nor reveals new properties of these
core theoretical categories" (p. 213). Here that is counted from the property and dimension values
researchers set on the codings of a category.

Definitions used throughout (a category's *elements*):

* a **property** of a category ("who holds power over liberty") is new in the first interview, in
  interview order, where a coding of the category speaks to it;
* a **dimension value** ("perceived surveillance" at "total") is new in the first interview where a
  coding places the passage there; the dimension itself is new with its first value.

A category's saturation point is the last interview that added an element: after it, nothing new
appeared (``None`` when no element was recorded). When it is the last interview, the category is
not saturated in these data.

Also here, two checks of code saturation itself: codes made from the whole corpus (circular) and
estimates of unseen codes that rest on singletons.

All functions are pure: DataFrames in, DataFrames or small dataclasses out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from theorize.errors import InvalidInput

__all__ = [
    "CircularityCheck",
    "SingletonCheck",
    "circularity_check",
    "properties_over_snapshots",
    "property_discovery",
    "saturation_points",
    "singleton_check",
]

#: Columns of the values table :func:`property_discovery` takes.
VALUE_COLUMNS = ("interview", "category_id", "property_id", "kind", "value")


def property_discovery(values: pd.DataFrame, interviews: Sequence) -> pd.DataFrame:
    """New properties and new dimension values of each category, interview by interview.

    Args:
        values: one row per value set on a coding: ``interview`` (as in ``interviews``),
            ``category_id``, ``property_id``, ``kind`` ("property" or "dimension") and ``value``
            (the point on a dimension; ignored for a property).
        interviews: every interview in the order it was held (interviews with no values count too).

    Returns:
        One row per category and interview, in interview order: ``category_id``, ``interview``,
        ``position`` (1 = first), ``new_properties``, ``new_dimension_values``, ``new_elements``
        (their sum), ``cumulative_elements`` and ``properties_spoken_to`` (distinct properties and
        dimensions spoken to in that interview).

    Examples:
        >>> v = pd.DataFrame({"interview": ["A", "A", "B", "C"], "category_id": [1, 1, 1, 1],
        ...                   "property_id": [10, 11, 11, 10], "kind": ["property", "dimension", "dimension", "property"],
        ...                   "value": ["", "total", "bounded", ""]})
        >>> property_discovery(v, ["A", "B", "C"])[["interview", "new_elements", "cumulative_elements"]].values.tolist()
        [['A', 2, 2], ['B', 1, 3], ['C', 0, 3]]
    """
    interviews = list(interviews)
    if not interviews:
        raise InvalidInput("There are no interviews to count properties in.")
    missing = [c for c in VALUE_COLUMNS if c not in values.columns]
    if missing:
        raise InvalidInput(f"The values table lacks the column(s) {', '.join(missing)}.")
    unknown = sorted(set(values["interview"]) - set(interviews), key=str)
    if unknown:
        raise InvalidInput(f"Values name interviews not in the order given: {', '.join(map(str, unknown))}.")
    position = {name: i for i, name in enumerate(interviews)}
    frame = values.assign(position=values["interview"].map(position))
    kinds = frame["kind"].astype(str)
    if not kinds.isin(["property", "dimension"]).all():
        raise InvalidInput("A value's kind is either 'property' or 'dimension'.")
    # an element: a property (value ignored), or a dimension at one value
    frame = frame.assign(element_value=np.where(kinds == "dimension", frame["value"].astype(str).str.strip(), ""))
    first = frame.sort_values("position", kind="stable").drop_duplicates(
        ["category_id", "property_id", "element_value"]
    )
    rows = []
    for category in sorted(pd.unique(frame["category_id"])):
        mine, firsts = frame[frame["category_id"] == category], first[first["category_id"] == category]
        total = 0
        for i, name in enumerate(interviews):
            new = firsts[firsts["position"] == i]
            n_prop = int((new["kind"] == "property").sum())
            n_dim = int((new["kind"] == "dimension").sum())
            total += n_prop + n_dim
            spoken = int(mine.loc[mine["position"] == i, "property_id"].nunique())
            rows.append(
                {
                    "category_id": category,
                    "interview": name,
                    "position": i + 1,
                    "new_properties": n_prop,
                    "new_dimension_values": n_dim,
                    "new_elements": n_prop + n_dim,
                    "cumulative_elements": total,
                    "properties_spoken_to": spoken,
                }
            )
    columns = [
        "category_id",
        "interview",
        "position",
        "new_properties",
        "new_dimension_values",
        "new_elements",
        "cumulative_elements",
        "properties_spoken_to",
    ]
    return pd.DataFrame(rows, columns=columns)


def saturation_points(discovery: pd.DataFrame) -> pd.DataFrame:
    """Per category: the interview after which nothing new appeared.

    Returns ``category_id``, ``elements`` (all properties and dimension values seen),
    ``last_new_interview`` (None when nothing was recorded), ``last_new_position``,
    ``interviews`` and ``interviews_after`` (how many interviews since added nothing): a category
    whose last new element came in the last interview is not saturated in these data.

    Examples:
        >>> d = pd.DataFrame({"category_id": [1, 1, 1], "interview": ["A", "B", "C"], "position": [1, 2, 3],
        ...                   "new_elements": [2, 1, 0], "cumulative_elements": [2, 3, 3]})
        >>> row = saturation_points(d).iloc[0]
        >>> row["last_new_interview"], int(row["interviews_after"])
        ('B', 1)
    """
    rows = []
    for category, part in discovery.groupby("category_id", sort=True):
        part = part.sort_values("position")
        added = part[part["new_elements"] > 0]
        last = added.iloc[-1] if len(added) else None
        rows.append(
            {
                "category_id": category,
                "elements": int(part["new_elements"].sum()),
                "last_new_interview": None if last is None else last["interview"],
                "last_new_position": None if last is None else int(last["position"]),
                "interviews": len(part),
                "interviews_after": len(part) - (0 if last is None else int(last["position"])),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "category_id",
            "elements",
            "last_new_interview",
            "last_new_position",
            "interviews",
            "interviews_after",
        ],
    )


def properties_over_snapshots(snapshots: Sequence[tuple[str, dict]]) -> pd.DataFrame:
    """How many properties and dimensions each category had in each codebook snapshot.

    Args:
        snapshots: (name, content) in the order taken; content as stored by a snapshot (its
            ``model.properties`` rows carry ``code_id``, ``kind`` and ``text``).

    Returns:
        ``snapshot``, ``category_id``, ``properties``, ``dimensions``, ``new`` (texts not in the
        category's previous snapshot): the growth of the categories as the codebook was revised.

    Examples:
        >>> one = {"model": {"properties": [{"code_id": 5, "kind": "property", "text": "advocacy"}]}}
        >>> two = {"model": {"properties": [{"code_id": 5, "kind": "property", "text": "advocacy"},
        ...                                 {"code_id": 5, "kind": "dimension", "text": "trust: low .. high"}]}}
        >>> properties_over_snapshots([("s1", one), ("s2", two)])["new"].tolist()
        [1, 1]
    """
    rows: list[dict] = []
    seen: dict[int, set[tuple[str, str]]] = {}
    for name, content in snapshots:
        props = (content.get("model") or {}).get("properties") or []
        by_cat: dict[int, list[dict]] = {}
        for p in props:
            by_cat.setdefault(int(p["code_id"]), []).append(p)
        for category in sorted(set(by_cat) | set(seen)):
            items = by_cat.get(category, [])
            texts = {(p["kind"], p["text"]) for p in items}
            rows.append(
                {
                    "snapshot": name,
                    "category_id": category,
                    "properties": sum(1 for p in items if p["kind"] == "property"),
                    "dimensions": sum(1 for p in items if p["kind"] == "dimension"),
                    "new": len(texts - seen.get(category, set())),
                }
            )
            seen[category] = seen.get(category, set()) | texts
    return pd.DataFrame(rows, columns=["snapshot", "category_id", "properties", "dimensions", "new"])


@dataclass(frozen=True)
class CircularityCheck:
    """Whether a code saturation curve is circular: its codes were made from data already read.

    Attributes:
        circular: True when either sign below holds.
        codes: codes in the analysis.
        in_first_interview: of them, how many occur in the first interview already.
        defined_after_corpus: of them, how many were created after every interview had been coded.
        sentence: one sentence to print beside the curve ("" when not circular).
    """

    circular: bool
    codes: int
    in_first_interview: int
    defined_after_corpus: int
    sentence: str


def circularity_check(
    incidence: pd.DataFrame, created_at: pd.Series, first_coded_at: pd.Series, *, stage: str | None, share: float = 0.8
) -> CircularityCheck:
    """Whether code saturation of focused (or later) codes is circular.

    Focused codes are made by comparing initial codes across the data read so far (Charmaz 2014,
    ch. 6); a curve of codes that were defined after the whole corpus was read, and applied back to
    the first interviews, rises at once and then stays flat: it shows how the codes were made, not
    that the data stopped adding. Two signs, either one enough:

    * a code created after every interview had its first coding (``created_at`` later than the
      latest of ``first_coded_at``), for at least ``share`` of the codes;
    * at least ``share`` of the codes already occur in the first interview.

    Initial codes are never circular here (``stage == "initial"``).

    Args:
        incidence: interviews (rows, in order) x codes (columns, ids), 0/1.
        created_at: when each code (index: id) was created.
        first_coded_at: when each interview (index: row label) got its first coding.
        stage: the stage of code analysed (None: all).
        share: the share of codes at which a sign holds.

    Examples:
        >>> inc = pd.DataFrame([[1, 1, 1], [1, 0, 1]], index=["I1", "I2"], columns=[1, 2, 3])
        >>> t = pd.Timestamp("2026-01-01")
        >>> circularity_check(inc, pd.Series([t] * 3, index=[1, 2, 3]), pd.Series([t, t], index=["I1", "I2"]),
        ...                   stage="focused").in_first_interview
        3
    """
    codes = [c for c in incidence.columns if incidence[c].sum() > 0]
    n = len(codes)
    if stage == "initial" or n == 0 or len(incidence) < 2:
        return CircularityCheck(False, n, 0, 0, "")
    first = int((incidence.iloc[0][codes] > 0).sum())
    corpus_read = first_coded_at.reindex(incidence.index).max()
    made = created_at.reindex(codes)
    after = int((made >= corpus_read).sum()) if pd.notna(corpus_read) else 0
    circular = after >= share * n or first >= share * n
    if not circular:
        return CircularityCheck(False, n, first, after, "")
    what = f"{stage} codes" if stage else "these codes"
    signs = []
    if first >= share * n:
        signs.append(f"{first} of {n} codes already occur in the first interview ({incidence.index[0]})")
    if after >= share * n:
        signs.append(f"{after} of {n} were defined after every interview had been coded")
    sentence = (
        f"This saturation is circular: {' and '.join(signs)}, so the {what} were made from data "
        "already read and their curve cannot show saturation; `theorize theoretical-saturation` "
        "shows when the categories' properties stopped growing."
    )
    return CircularityCheck(True, n, first, after, sentence)


@dataclass(frozen=True)
class SingletonCheck:
    """Whether estimates of unseen codes rest on singletons (codes in one interview only).

    Attributes:
        codes: codes observed; singletons: of them, in one interview only; share: singletons / codes.
        warn: True at or above the share asked for.
        sentence: one sentence to print beside the estimates ("" when not warned).
    """

    codes: int
    singletons: int
    share: float
    warn: bool
    sentence: str


def singleton_check(incidence: pd.DataFrame, *, unseen: float | None = None, share: float = 0.8) -> SingletonCheck:
    """Warn when almost every code is a singleton, the case where Chao2 and the jackknives break down.

    Chao2 = S_obs + Q1^2 / (2 Q2) (Chao 1987; Colwell & Coddington 1994): with Q1 (codes in one
    interview) near S_obs and Q2 small, the estimate of unseen codes grows without bound and says
    more about how finely the codes were cut (initial codes are single-use by design, Charmaz 2014,
    ch. 5) than about codes left to find.

    Examples:
        >>> inc = pd.DataFrame([[1, 0, 0, 1], [0, 1, 1, 1]], columns=[1, 2, 3, 4])
        >>> singleton_check(inc, unseen=12).singletons
        3
    """
    present = incidence.to_numpy() > 0
    per_code = present.sum(axis=0)
    observed = int((per_code > 0).sum())
    singles = int((per_code == 1).sum())
    ratio = singles / observed if observed else 0.0
    warn = observed > 0 and ratio >= share
    sentence = ""
    if warn:
        about = f" ({unseen:,.0f} unseen codes)" if unseen is not None else ""
        sentence = (
            f"{singles} of {observed} codes ({ratio:.0%}) occur in one interview only, so the estimates "
            f"of codes not yet seen{about} rest on singletons and are not to be trusted; initial codes "
            "are cut finely on purpose, and their count does not saturate."
        )
    return SingletonCheck(observed, singles, ratio, warn, sentence)
