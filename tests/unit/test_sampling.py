"""Theoretical sampling and group comparison, counted by hand."""

import pandas as pd
import pytest

from theorize.analysis.group_comparison import compare_properties, quotes_by_group
from theorize.analysis.sampling import category_coverage, property_coverage, sampling_leads
from theorize.errors import InvalidInput

# Category 1 coded for C1, C2, C3 (clients) and K1 (one of two counselors); category 2 only for C1.
CODINGS = pd.DataFrame(
    {
        "category_id": [1, 1, 1, 1, 1, 2],
        "participant": ["C1", "C1", "C2", "C3", "K1", "C1"],
        "group": ["client"] * 4 + ["counselor", "client"],
    }
)
VALUES = pd.DataFrame(
    {
        "category_id": [1, 1, 1, 1],
        "participant": ["C1", "C2", "K1", "C3"],
        "group": ["client", "client", "counselor", "client"],
        "property_id": [10, 11, 11, 11],
        "value": ["", "total", "bounded", "total"],
    }
)
PROPS = pd.DataFrame(
    {
        "id": [10, 11, 12],
        "category_id": [1, 1, 1],
        "kind": ["property", "dimension", "property"],
        "text": ["who holds power", "surveillance: total .. bounded", "what is reported"],
    }
)
SIZES = {"client": 3, "counselor": 2}


def test_category_coverage_by_group_with_thin_cells():
    cov = category_coverage(CODINGS, VALUES, SIZES)
    rows = cov.set_index(["category_id", "group"])
    assert rows.loc[(1, "client"), ["participants", "codings", "properties", "thin"]].tolist() == [3, 4, 2, False]
    assert rows.loc[(1, "counselor"), ["participants", "of_participants", "properties", "thin"]].tolist() == [
        1,
        2,
        1,
        True,
    ]
    assert rows.loc[(2, "client"), ["participants", "thin"]].tolist() == [1, True]
    assert rows.loc[(2, "counselor"), ["participants", "thin"]].tolist() == [0, True]
    # a group of one participant is not thin when that one has spoken
    one = category_coverage(CODINGS, VALUES, {"client": 3, "counselor": 1})
    assert not one.set_index(["category_id", "group"]).loc[(1, "counselor"), "thin"]
    with pytest.raises(InvalidInput):
        category_coverage(CODINGS, VALUES, SIZES, min_participants=0)


def test_property_coverage_and_leads():
    props = property_coverage(VALUES, PROPS, SIZES)
    rows = props.set_index(["property_id", "group"])
    assert rows.loc[(11, "client"), ["participants", "values", "thin"]].tolist() == [2, "total", False]
    assert rows.loc[(11, "counselor"), ["participants", "values"]].tolist() == [1, "bounded"]
    assert rows.loc[(12, "client"), "participants"] == 0
    cats = category_coverage(CODINGS, VALUES, SIZES)
    leads = sampling_leads(cats, props, {1: "Court's shadow"})
    assert leads == [
        "Court's shadow: only 1 of 2 counselor participants spoke to it; who holds power heard from "
        "1 participant; what is reported heard from 0 participants."
    ]


def test_a_dimension_heard_at_one_value_only_is_a_lead():
    values = VALUES[VALUES["value"] != "bounded"]
    props = property_coverage(values, PROPS, SIZES)
    cats = category_coverage(CODINGS, values, SIZES, min_participants=1)
    leads = sampling_leads(cats, props, {1: "Court's shadow"}, min_participants=1)
    assert 'only "total" heard on surveillance: total .. bounded' in leads[0]


def test_compare_properties_side_by_side():
    table = compare_properties(VALUES, PROPS, ["client", "counselor"])
    assert table.values.tolist() == [
        ["who holds power", "property", "1 participant", "", "client"],
        ["surveillance: total .. bounded", "dimension", "total ×2", "bounded ×1", ""],
        ["what is reported", "property", "", "", ""],
    ]
    with pytest.raises(InvalidInput, match="at least two groups"):
        compare_properties(VALUES, PROPS, ["client"])


def test_quotes_one_per_participant_first():
    quotes = pd.DataFrame(
        {
            "group": ["client"] * 3,
            "participant": ["C1", "C1", "C2"],
            "quote": ["a", "b", "c"],
            "values": [3, 2, 0],
            "coding_id": [1, 2, 3],
        }
    )
    assert quotes_by_group(quotes, ["client"], per_group=2)["quote"].tolist() == ["a", "c"]
