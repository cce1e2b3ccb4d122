"""Code x participant, code x attribute (Fisher / chi-square) and framework matrices."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from theorize.analysis import matrices
from theorize.analysis.matrices import (
    code_by_attribute,
    code_by_participant,
    framework_matrix,
    share_of_participants,
)
from theorize.errors import InvalidInput


@pytest.fixture()
def codings() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_id": ["int1", "int1", "int2", "int3", "int3", "int4"],
            "code_id": ["fear", "trust", "fear", "fear", "fear", "family"],
            "start": [50, 10, 0, 5, 80, 0],
            "text": ["scared of jail", "she listened", "the judge", "roll the dice", "not going back", "my kids"],
        }
    )


PARTICIPANT_OF = {"int1": "P1", "int2": "P2", "int3": "P3", "int4": "P4"}


def test_code_by_participant_counts_and_roster(codings):
    table = code_by_participant(codings, PARTICIPANT_OF, participants=["P1", "P2", "P3", "P4", "P5"])
    assert list(table.index) == ["family", "fear", "trust"]
    assert table.loc["fear"].tolist() == [1, 1, 2, 0, 0]
    assert table.to_numpy().sum() == len(codings)
    share = share_of_participants(table)
    assert share.loc["fear"].tolist() == [4, 3, 0.6]
    assert share.loc["trust", "share"] == pytest.approx(0.2)


def test_participant_column_instead_of_mapping(codings):
    with_column = codings.assign(participant_id=codings["source_id"].map(PARTICIPANT_OF))
    assert code_by_participant(with_column).equals(code_by_participant(codings, PARTICIPANT_OF))


def test_fisher_exact_matches_the_tea_tasting_experiment():
    # Fisher (1935): 8 cups, 4 milk-first; the lady named 3 of 4 correctly. Two-sided p = 34/70.
    poured = pd.Series({f"C{i}": ("milk first" if i < 4 else "tea first") for i in range(8)}, name="poured")
    said_milk = ["C0", "C1", "C2", "C4"]
    codings = pd.DataFrame({"code_id": "said milk first", "participant_id": said_milk})
    result = code_by_attribute(codings, poured)
    row = result.tests.loc["said milk first"]
    assert row["test"] == "Fisher's exact"
    assert row["p_value"] == pytest.approx(34 / 70)
    assert bool(row["small_sample"]) is True  # expected counts of 2
    assert result.table.loc["said milk first", ("milk first", "percent")] == 75.0
    assert result.group_sizes.tolist() == [4, 4]


def test_chi_square_for_more_than_two_values():
    rng = np.random.default_rng(2)
    people = [f"P{i:02d}" for i in range(60)]
    site = pd.Series({p: ["north", "south", "east"][i % 3] for i, p in enumerate(people)}, name="site")
    chosen = [p for p in people if rng.random() < (0.8 if site[p] == "north" else 0.3)]
    codings = pd.DataFrame({"code_id": "stigma", "participant_id": chosen})
    result = code_by_attribute(codings, site)
    row = result.tests.loc["stigma"]
    with_code = result.table.loc["stigma"].xs("participants", level="measure").to_numpy()
    sizes = result.group_sizes.to_numpy()
    stat, p, dof, expected = chi2_contingency(np.vstack([with_code, sizes - with_code]), correction=False)
    assert row["test"] == "chi-square" and row["dof"] == dof == 2
    assert row["chi2"] == pytest.approx(stat) and row["p_value"] == pytest.approx(p)
    assert row["min_expected"] == pytest.approx(expected.min())
    assert bool(row["small_sample"]) is False
    assert list(result.table.columns.get_level_values(0).unique()) == ["east", "north", "south"]


def test_code_everyone_has_is_not_significant():
    site = pd.Series({"P1": "a", "P2": "b", "P3": "c"}, name="site")
    codings = pd.DataFrame({"code_id": ["x", "x", "x", "y"], "participant_id": ["P1", "P2", "P3", "P1"]})
    tests = code_by_attribute(codings, site).tests
    assert tests.loc["x", "chi2"] == 0.0 and tests.loc["x", "p_value"] == 1.0
    assert (tests["p_holm"] >= tests["p_value"] - 1e-12).all() and (tests["p_holm"] <= 1).all()
    assert not tests.isna().any().any()


def test_participants_without_a_value_are_excluded(codings):
    gender = pd.Series({"P1": "f", "P2": "m", "P3": None, "P5": "m"}, name="gender")
    result = code_by_attribute(codings, gender, PARTICIPANT_OF)
    assert set(result.excluded_participants) == {"P3", "P4"}
    assert result.group_sizes.to_dict() == {"f": 1, "m": 2}
    assert result.attribute == "gender"


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        (pd.Series({"P1": "f", "P2": "f"}, name="gender"), "only one value"),
        (pd.Series({"P1": None}, dtype=object), "no participant has a value for the attribute$"),
        (pd.Series({"Q1": "f", "Q2": "m"}), "none of the participants with codings has a value"),
    ],
)
def test_attribute_needs_two_values(codings, attributes, message):
    with pytest.raises(InvalidInput, match=message):
        code_by_attribute(codings, attributes, PARTICIPANT_OF)


def test_framework_matrix(codings):
    categories = {"fear": "Threat", "trust": "Alliance", "family": "Motivation"}
    matrix = framework_matrix(codings, categories, PARTICIPANT_OF, k=1, participants=["P1", "P2", "P3", "P4", "P5"])
    assert list(matrix.columns) == ["Threat", "Alliance", "Motivation"]
    assert matrix.loc["P3", "Threat"] == ("roll the dice",)  # first in the source (start 5)
    assert matrix.loc["P5", "Threat"] == ()
    longest = framework_matrix(codings, categories, PARTICIPANT_OF, k=1, select="longest")
    assert longest.loc["P3", "Threat"] == ("not going back",)
    both = framework_matrix(codings, categories, PARTICIPANT_OF, k=5)
    assert both.loc["P3", "Threat"] == ("roll the dice", "not going back")


def test_framework_matrix_merges_codes_and_duplicate_quotes():
    codings = pd.DataFrame(
        {"code_id": ["a", "b", "c"], "participant_id": "P1", "text": ["same words", "same words ", "other"]}
    )
    matrix = framework_matrix(codings, {"a": "Cat", "b": "Cat"})
    assert matrix.loc["P1", "Cat"] == ("same words",)
    assert list(matrix.columns) == ["Cat"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: code_by_participant(c.iloc[:0], PARTICIPANT_OF), "no codings"),
        (lambda c: code_by_participant(c), "no participant_id column"),
        (lambda c: code_by_participant(c, {"int1": "P1"}), "3 source\\(s\\) have no participant"),
        (lambda c: code_by_participant(c.drop(columns="code_id"), PARTICIPANT_OF), "no code_id"),
        (lambda c: framework_matrix(c, {"x": "X"}, PARTICIPANT_OF), "none of the coded codes has a category"),
        (lambda c: framework_matrix(c, {"fear": "F"}, PARTICIPANT_OF, k=0), "k \\(quotes per cell\\)"),
        (lambda c: framework_matrix(c, {"fear": "F"}, PARTICIPANT_OF, text_column="quote"), "no quote column"),
        (lambda c: share_of_participants(pd.DataFrame(index=["a"])), "no participants"),
    ],
)
def test_degenerate_input(codings, call, message):
    with pytest.raises(InvalidInput, match=message):
        call(codings)


def test_docstring_examples():
    assert doctest.testmod(matrices, raise_on_error=False).failed == 0
