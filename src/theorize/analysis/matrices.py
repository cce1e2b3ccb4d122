"""Matrices a researcher reads across cases: codes by participant, codes by attribute, framework.

Input is a DataFrame of codings, one row per coding, with ``code_id`` and either a
``participant_id`` column or ``source_id`` plus a mapping source -> participant (``participant_of``).
Participants without any coding still count when they are named (``participants=`` or the
attribute table), because "no participant mentioned it" is a finding.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd
from scipy.stats import chi2 as chi2_distribution
from scipy.stats import fisher_exact

from theorize.errors import InvalidInput

__all__ = [
    "AttributeComparison",
    "code_by_attribute",
    "code_by_participant",
    "framework_matrix",
    "share_of_participants",
]

ParticipantOf: TypeAlias = Mapping[Any, Hashable] | pd.Series | None


@dataclass(frozen=True)
class AttributeComparison:
    """Codes compared across the values of one participant attribute (e.g. site, gender, role).

    Attributes:
        attribute: the attribute's name (the Series name), or "".
        table: rows = codes; columns a MultiIndex (attribute value, measure) with measures
            ``codings`` (codings of the code by participants with that value), ``participants``
            (participants with that value who have the code) and ``percent`` (of participants with
            that value).
        tests: rows = codes; columns ``test`` ("Fisher's exact" for two values, "chi-square" for
            more), ``chi2`` (Pearson's statistic, no continuity correction), ``dof``, ``p_value``
            (of the named test, two-sided), ``p_holm`` (Holm-adjusted over the codes),
            ``min_expected`` (smallest expected count) and ``small_sample`` (some expected count < 5).
        group_sizes: participants per attribute value (the denominators of ``percent``).
        excluded_participants: participants with codings but no value for the attribute, left out.
    """

    attribute: str
    table: pd.DataFrame
    tests: pd.DataFrame
    group_sizes: pd.Series
    excluded_participants: tuple[Hashable, ...]


def _with_participants(codings: pd.DataFrame, participant_of: ParticipantOf) -> pd.DataFrame:
    """codings with a participant_id column, checked."""
    if not isinstance(codings, pd.DataFrame):
        raise InvalidInput("codings must be a table (DataFrame) with one row per coding")
    if len(codings) == 0:
        raise InvalidInput("there are no codings")
    if "code_id" not in codings.columns:
        raise InvalidInput("the codings have no code_id column")
    if codings["code_id"].isna().any():
        raise InvalidInput("some codings have no code_id")
    if participant_of is not None:
        if "source_id" not in codings.columns:
            raise InvalidInput("participant_of maps sources to participants, but the codings have no source_id column")
        mapping = participant_of if isinstance(participant_of, pd.Series) else pd.Series(dict(participant_of))
        participant = codings["source_id"].map(mapping)
        unmapped = pd.unique(codings.loc[participant.isna(), "source_id"])
        if len(unmapped):
            raise InvalidInput(
                f"{len(unmapped)} source(s) have no participant in participant_of: " + ", ".join(map(str, unmapped[:5]))
            )
        return codings.assign(participant_id=participant.to_numpy())
    if "participant_id" not in codings.columns:
        raise InvalidInput("the codings have no participant_id column; pass participant_of (source -> participant)")
    if codings["participant_id"].isna().any():
        raise InvalidInput("some codings have no participant_id; pass participant_of or fill them in")
    return codings


def _labels(found: Sequence[Hashable], given: Sequence[Hashable] | None) -> list[Hashable]:
    if given is not None:
        labels = list(dict.fromkeys(given))
        if not labels:
            raise InvalidInput("an empty list of codes or participants was given; leave it out or name some")
        return labels
    unique = list(pd.unique(pd.Series(list(found), dtype=object)))
    try:
        return sorted(unique)
    except TypeError:
        return unique


def code_by_participant(
    codings: pd.DataFrame,
    participant_of: ParticipantOf = None,
    *,
    participants: Sequence[Hashable] | None = None,
    codes: Sequence[Hashable] | None = None,
) -> pd.DataFrame:
    """Codings of each code by each participant (a code x participant count matrix).

    Definition: cell (code, participant) = number of codings of the code in that participant's sources
    (Miles, Huberman & Saldaña 2014, case-ordered meta-matrix; MAXQDA "Code Matrix Browser").

    Args:
        codings: one row per coding, with ``code_id`` and ``participant_id`` (or ``source_id`` and
            ``participant_of``).
        participant_of: optional mapping source_id -> participant id.
        participants: all participants, in column order, including those with no codings
            (default: those in the codings, sorted).
        codes: codes in row order (default: those in the codings, sorted); others are left out.

    Returns:
        DataFrame of whole numbers, rows ``code_id``, columns ``participant_id``.

    Raises:
        InvalidInput: no codings, missing columns, or sources without a participant.

    Examples:
        >>> codings = pd.DataFrame({"code_id": ["a", "a", "b"], "participant_id": ["P1", "P1", "P2"]})
        >>> code_by_participant(codings, participants=["P1", "P2", "P3"]).loc["a"].tolist()
        [2, 0, 0]
    """
    data = _with_participants(codings, participant_of)
    rows = _labels(data["code_id"], codes)
    cols = _labels(data["participant_id"], participants)
    table = pd.crosstab(data["code_id"], data["participant_id"])
    table = table.reindex(index=rows, columns=cols, fill_value=0).astype(np.int64)
    table.index.name, table.columns.name = "code_id", "participant_id"
    return table


def share_of_participants(table: pd.DataFrame) -> pd.DataFrame:
    """Per code: codings, participants with the code, and their share of all participants (columns).

    Args:
        table: from :func:`code_by_participant` (codes x participants counts).

    Returns:
        DataFrame indexed by code with ``codings``, ``participants`` and ``share`` (0 to 1).

    Raises:
        InvalidInput: the table has no participants (columns).

    Examples:
        >>> t = pd.DataFrame({"P1": [2, 1], "P2": [0, 1]}, index=["a", "b"])
        >>> share_of_participants(t)["share"].tolist()
        [0.5, 1.0]
    """
    if table.shape[1] == 0:
        raise InvalidInput("the table has no participants, so there is no share to compute")
    present = (table > 0).sum(axis=1)
    return pd.DataFrame(
        {
            "codings": table.sum(axis=1).astype(np.int64),
            "participants": present.astype(np.int64),
            "share": present / table.shape[1],
        },
        index=table.index,
    )


def _holm(p: np.ndarray) -> np.ndarray:
    order = np.argsort(p)
    m = p.size
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def _test(table: np.ndarray) -> tuple[str, float, int, float, float]:
    """test, Pearson chi2, dof, p, min expected for a 2 x k table (rows: with / without the code)."""
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    expected = np.outer(rows, cols) / table.sum()
    dof = (table.shape[0] - 1) * (table.shape[1] - 1)
    nonzero = expected > 0
    stat = float((((table - expected) ** 2)[nonzero] / expected[nonzero]).sum())
    if table.shape[1] == 2:
        p = float(fisher_exact(table, alternative="two-sided")[1])
        return "Fisher's exact", stat, dof, min(p, 1.0), float(expected.min())
    p = float(chi2_distribution.sf(stat, dof)) if (rows > 0).all() else 1.0
    return "chi-square", stat, dof, p, float(expected.min())


def code_by_attribute(
    codings: pd.DataFrame,
    attributes: pd.Series | Mapping[Hashable, Hashable],
    participant_of: ParticipantOf = None,
    *,
    codes: Sequence[Hashable] | None = None,
) -> AttributeComparison:
    """Codes by the values of a participant attribute, with a test of association per code.

    For each code the participants form a 2 x k table: with / without the code x the k attribute
    values. Two values: Fisher's exact test (Fisher 1935; scipy.stats.fisher_exact, two-sided).
    More: Pearson's chi-square test of independence (Pearson 1900), dof k - 1, flagged
    ``small_sample`` when an expected count is below 5 (Cochran 1954), where the p-value is unreliable.
    A code every participant (or none) has gives chi2 = 0 and p = 1. Holm's (1979) adjustment is
    given for testing many codes at once. The unit is the participant, not the coding.

    Args:
        codings: one row per coding, with ``code_id`` and ``participant_id`` (or ``source_id`` and
            ``participant_of``).
        attributes: participant id -> attribute value (a Series, whose name is the attribute's, or
            a mapping). Every participant listed counts, including those without codings;
            participants with no value are left out.
        participant_of: optional mapping source_id -> participant id.
        codes: codes in row order (default: those in the codings, sorted).

    Returns:
        AttributeComparison with the table, the tests and the group sizes.

    Raises:
        InvalidInput: no codings, missing columns, no participant with a value, or fewer than two
            attribute values.

    Examples:
        >>> codings = pd.DataFrame({"code_id": ["a", "a", "b"], "participant_id": ["P1", "P2", "P3"]})
        >>> site = pd.Series({"P1": "north", "P2": "north", "P3": "south", "P4": "south"}, name="site")
        >>> result = code_by_attribute(codings, site)
        >>> result.table.loc["a", ("north", "percent")], result.tests.loc["a", "test"]
        (np.float64(100.0), "Fisher's exact")
    """
    data = _with_participants(codings, participant_of)
    values = attributes if isinstance(attributes, pd.Series) else pd.Series(dict(attributes), dtype=object)
    name = str(values.name) if values.name is not None else ""
    values = values.dropna()
    if values.empty:
        raise InvalidInput(f"no participant has a value for the attribute{' ' + repr(name) if name else ''}")
    if not values.index.is_unique:
        raise InvalidInput("a participant appears more than once in the attribute values")
    groups = _labels(values.to_numpy(), None)
    if len(groups) < 2:
        raise InvalidInput(
            f"the attribute {name + ' ' if name else ''}has only one value ({groups[0]!r}) among the participants; "
            "comparing needs at least two"
        )
    excluded = tuple(p for p in pd.unique(data["participant_id"]) if p not in values.index)
    data = data[data["participant_id"].isin(values.index)]
    if data.empty:
        raise InvalidInput("none of the participants with codings has a value for the attribute; check the ids")
    rows = _labels(data["code_id"], codes)
    group_of = data["participant_id"].map(values)
    codings_n = pd.crosstab(data["code_id"], group_of).reindex(index=rows, columns=groups, fill_value=0)
    having = data.drop_duplicates(["code_id", "participant_id"])
    people = pd.crosstab(having["code_id"], having["participant_id"].map(values))
    people = people.reindex(index=rows, columns=groups, fill_value=0)
    sizes = values.value_counts().reindex(groups).astype(np.int64).rename("participants")
    percent = people * 100.0 / sizes.to_numpy()[None, :]
    table = pd.concat({"codings": codings_n, "participants": people, "percent": percent}, axis=1)
    measures = ["codings", "participants", "percent"]
    table = table.swaplevel(axis=1).reindex(columns=pd.MultiIndex.from_product([groups, measures]))
    table.columns.names = [name or "value", "measure"]
    table.index.name = "code_id"
    records = []
    for code in rows:
        with_code = people.loc[code].to_numpy(dtype=np.int64)
        contingency = np.vstack([with_code, sizes.to_numpy() - with_code]).astype(np.int64)
        test, stat, dof, p, min_expected = _test(contingency)
        records.append((test, stat, dof, p, min_expected, bool(min_expected < 5)))
    tests = pd.DataFrame(
        records,
        index=pd.Index(rows, name="code_id"),
        columns=["test", "chi2", "dof", "p_value", "min_expected", "small_sample"],
    )
    tests.insert(4, "p_holm", _holm(tests["p_value"].to_numpy()))
    sizes.index.name = name or "value"
    return AttributeComparison(name, table, tests, sizes, excluded)


def framework_matrix(
    codings: pd.DataFrame,
    categories: Mapping[Hashable, Hashable],
    participant_of: ParticipantOf = None,
    *,
    k: int = 3,
    text_column: str = "text",
    select: Literal["first", "longest"] = "first",
    participants: Sequence[Hashable] | None = None,
    category_order: Sequence[Hashable] | None = None,
) -> pd.DataFrame:
    """A framework matrix: participants x categories, each cell holding up to k exemplar quotes.

    Definition (Ritchie & Spencer 1994; Gale et al. 2013, BMC Med Res Methodol 13:117): one row per
    case, one column per category of the analytic framework; each cell summarises that case's data on
    that category, here by its exemplar quotes. A quote belongs to a category through its code
    (``categories`` maps code -> category; codes not in it are left out). The same quote coded twice
    in one category appears once.

    Args:
        codings: one row per coding, with ``code_id``, the quote in ``text_column`` and
            ``participant_id`` (or ``source_id`` and ``participant_of``); with ``start`` the quotes
            keep their order in the source.
        categories: code id -> category.
        participant_of: optional mapping source_id -> participant id.
        k: most quotes per cell.
        text_column: column with the quote text.
        select: "first" (in order of the source) or "longest" quotes.
        participants: rows, in order, including participants without quotes (default: those with codings).
        category_order: columns, in order (default: in order of first appearance in ``categories``).

    Returns:
        DataFrame, rows ``participant_id``, columns ``category``; each cell a tuple of quote strings
        (empty when the participant said nothing coded to that category).

    Raises:
        InvalidInput: no codings, missing columns, k < 1, or no code has a category.

    Examples:
        >>> codings = pd.DataFrame({"code_id": ["fear", "trust", "fear"], "participant_id": ["P1", "P1", "P2"],
        ...                         "text": ["I was scared", "she listened", "jail"]})
        >>> m = framework_matrix(codings, {"fear": "Threat", "trust": "Alliance"})
        >>> m.loc["P1", "Threat"], m.loc["P2", "Alliance"]
        (('I was scared',), ())
    """
    data = _with_participants(codings, participant_of)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise InvalidInput(f"k (quotes per cell) must be a whole number, at least 1; got {k!r}")
    if text_column not in data.columns:
        raise InvalidInput(f"the codings have no {text_column} column with the quote text")
    if select not in ("first", "longest"):
        raise InvalidInput(f"select must be 'first' or 'longest'; got {select!r}")
    category = data["code_id"].map(lambda c: categories.get(c))
    if category.isna().all():
        raise InvalidInput("none of the coded codes has a category; the mapping's keys must be code ids")
    data = data.assign(category=category.to_numpy(), _text=data[text_column].fillna("").astype(str).str.strip())
    cols = list(dict.fromkeys(category_order if category_order is not None else categories.values()))
    rows = _labels(data["participant_id"], participants)
    data = data[data["category"].notna() & (data["_text"] != "")]
    data = data.assign(_order=np.arange(len(data)), _length=data["_text"].str.len())
    if select == "longest":
        data = data.sort_values(["_length", "_order"], ascending=[False, True], kind="stable")
    else:
        keys = [c for c in ("source_id", "start") if c in data.columns]
        data = data.sort_values([*keys, "_order"], kind="stable")
    data = data.drop_duplicates(["participant_id", "category", "_text"])
    grouped = data.groupby(["participant_id", "category"], sort=False)
    cells = {(p, c): tuple(g["_text"].head(k)) for (p, c), g in grouped}
    matrix = pd.DataFrame(
        [[cells.get((p, c), ()) for c in cols] for p in rows],
        index=pd.Index(rows, name="participant_id"),
        columns=pd.Index(cols, name="category"),
        dtype=object,
    )
    return matrix
