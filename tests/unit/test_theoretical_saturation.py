"""Theoretical saturation: a category's properties and dimension values, counted by hand."""

import pandas as pd
import pytest

from theorize.analysis.theoretical_saturation import (
    circularity_check,
    properties_over_snapshots,
    property_discovery,
    saturation_points,
    singleton_check,
)
from theorize.errors import InvalidInput


def _values(rows):
    return pd.DataFrame(rows, columns=["interview", "category_id", "property_id", "kind", "value"])


# Category 1 ("facing the court's shadow") has the property P10 "who holds power" and the
# dimension D11 "perceived surveillance: total .. bounded". Category 2 has property P20.
# By hand, in the order I1..I5:
#   I1: P10 (new property), D11=total (new value)            -> cat 1: 2 new, total 2
#   I2: D11=total again (old), P10 again (old)               -> cat 1: 0 new, total 2
#   I3: D11=bounded (new value)                              -> cat 1: 1 new, total 3
#   I4: D11=" bounded " (same value once trimmed)            -> cat 1: 0 new
#   I5: nothing                                              -> cat 1: 0 new; last new = I3, 2 after
#   cat 2: P20 first in I5 (the last interview)              -> not saturated
HAND = _values(
    [
        ("I1", 1, 10, "property", ""),
        ("I1", 1, 11, "dimension", "total"),
        ("I2", 1, 11, "dimension", "total"),
        ("I2", 1, 10, "property", "anything"),
        ("I3", 1, 11, "dimension", "bounded"),
        ("I4", 1, 11, "dimension", " bounded "),
        ("I5", 2, 20, "property", ""),
    ]
)
ORDER = ["I1", "I2", "I3", "I4", "I5"]


def test_new_properties_and_dimension_values_per_interview_by_hand():
    d = property_discovery(HAND, ORDER)
    one = d[d.category_id == 1]
    assert one["new_properties"].tolist() == [1, 0, 0, 0, 0]
    assert one["new_dimension_values"].tolist() == [1, 0, 1, 0, 0]
    assert one["cumulative_elements"].tolist() == [2, 2, 3, 3, 3]
    assert one["properties_spoken_to"].tolist() == [2, 2, 1, 1, 0]
    two = d[d.category_id == 2]
    assert two["new_elements"].tolist() == [0, 0, 0, 0, 1]


def test_the_interview_after_which_nothing_new_appeared():
    points = saturation_points(property_discovery(HAND, ORDER)).set_index("category_id")
    assert points.loc[1, "last_new_interview"] == "I3"
    assert points.loc[1, "elements"] == 3
    assert points.loc[1, "interviews_after"] == 2
    assert points.loc[2, "last_new_interview"] == "I5"
    assert points.loc[2, "interviews_after"] == 0  # the last interview still added: not saturated


def test_interview_order_decides_what_is_new():
    d = property_discovery(HAND, list(reversed(ORDER)))
    one = d[d.category_id == 1]
    # I4 first: D11=bounded new (1); I3: nothing; I2: total + P10 (2); I1: nothing
    assert one["new_elements"].tolist() == [0, 1, 0, 2, 0]


def test_values_of_unknown_interviews_or_kinds_are_refused():
    with pytest.raises(InvalidInput, match="not in the order given: I9"):
        property_discovery(_values([("I9", 1, 10, "property", "")]), ORDER)
    with pytest.raises(InvalidInput, match="either 'property' or 'dimension'"):
        property_discovery(_values([("I1", 1, 10, "colour", "")]), ORDER)
    with pytest.raises(InvalidInput, match="no interviews"):
        property_discovery(HAND, [])


def test_properties_over_snapshots_count_new_texts():
    s1 = {"model": {"properties": [{"code_id": 1, "kind": "property", "text": "who holds power"}]}}
    s2 = {
        "model": {
            "properties": [
                {"code_id": 1, "kind": "property", "text": "who holds power"},
                {"code_id": 1, "kind": "dimension", "text": "surveillance: total .. bounded"},
            ]
        }
    }
    frame = properties_over_snapshots([("June", s1), ("July", s2), ("August", s2)])
    assert frame[["snapshot", "properties", "dimensions", "new"]].values.tolist() == [
        ["June", 1, 0, 1],
        ["July", 1, 1, 1],
        ["August", 1, 1, 0],
    ]


def test_focused_codes_all_in_the_first_interview_are_circular():
    inc = pd.DataFrame(
        [[1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [0, 1, 1, 0, 0]], index=["C01", "C02", "C03"], columns=[1, 2, 3, 4, 5]
    )
    t0 = pd.Timestamp("2026-01-01", tz="UTC")
    made = pd.Series([t0] * 5, index=[1, 2, 3, 4, 5])
    first = pd.Series([t0, t0 + pd.Timedelta(days=1), t0 + pd.Timedelta(days=2)], index=inc.index)
    check = circularity_check(inc, made, first, stage="focused")
    assert check.circular and check.in_first_interview == 5 and check.defined_after_corpus == 0
    assert check.sentence.startswith(
        "This saturation is circular: 5 of 5 codes already occur in the first interview (C01)"
    )
    # the same curve of initial codes is what initial coding looks like: no warning
    assert not circularity_check(inc, made, first, stage="initial").circular


def test_codes_defined_after_the_whole_corpus_was_coded_are_circular():
    inc = pd.DataFrame([[1, 0, 0], [0, 1, 0], [0, 0, 1]], index=["A", "B", "C"], columns=[1, 2, 3])
    t0 = pd.Timestamp("2026-01-01", tz="UTC")
    first = pd.Series([t0, t0 + pd.Timedelta(days=1), t0 + pd.Timedelta(days=2)], index=inc.index)
    late = pd.Series([t0 + pd.Timedelta(days=3)] * 3, index=[1, 2, 3])
    check = circularity_check(inc, late, first, stage="focused")
    assert check.circular and check.defined_after_corpus == 3 and check.in_first_interview == 1
    early = pd.Series([t0] * 3, index=[1, 2, 3])
    assert not circularity_check(inc, early, first, stage="focused").circular


def test_singleton_warning_when_almost_every_code_is_a_singleton():
    inc = pd.DataFrame([[1, 1, 1, 1, 0, 1], [0, 0, 0, 0, 1, 1]], columns=range(6))
    check = singleton_check(inc, unseen=72277)
    assert (check.codes, check.singletons, round(check.share, 3)) == (6, 5, 0.833)
    assert check.warn
    assert check.sentence.startswith("5 of 6 codes (83%) occur in one interview only")
    assert "(72,277 unseen codes)" in check.sentence
    assert not singleton_check(pd.DataFrame([[1, 1], [1, 1]])).warn
