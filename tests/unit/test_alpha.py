"""Krippendorff's alpha against ../shared/stats/alpha_cases.json and the krippendorff package."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from theorize.analysis import (
    AlphaInterval,
    coincidence_matrix,
    krippendorff_alpha,
    krippendorff_alpha_ci,
)
from theorize.errors import InvalidInput

STATS = Path(__file__).parents[2] / ".." / "shared" / "stats"
CASES = STATS / "alpha_cases.json"
LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _cases() -> list[dict]:
    if not CASES.exists():
        return []
    return json.loads(CASES.read_text(encoding="utf-8"))["cases"]


def _case(case_id: str) -> dict:
    if not CASES.exists():
        pytest.skip("../shared/stats is not here")
    return next(c for c in _cases() if c["id"] == case_id)


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in _cases()])
def test_published_alpha(case):
    got = krippendorff_alpha(case["reliability_data"], case["level_of_measurement"])
    assert got == pytest.approx(case["expected_alpha"], abs=case["tolerance"])
    for name, value in case["verification"].items():  # other implementations, 6 decimals
        assert got == pytest.approx(value, abs=6e-6), name


def test_ordinal_is_krippendorffs_rank_metric_not_gwets_weights():
    data = _case("krippendorff2011_C_ordinal")["reliability_data"]
    assert krippendorff_alpha(data, "ordinal") == pytest.approx(0.815, abs=5e-4)
    assert krippendorff_alpha(data, "ordinal") != pytest.approx(0.834, abs=5e-3)


def test_ordinal_labels_need_and_follow_the_given_order():
    numbers = [[1, 2, 3, 3, 2], [1, 3, 3, 2, 2], [2, 2, 3, 3, 1]]
    names = {1: "low", 2: "mid", 3: "high"}
    labels = [[names[v] for v in row] for row in numbers]
    with pytest.raises(InvalidInput, match="categories=.*rank order"):
        krippendorff_alpha(labels, "ordinal")
    assert krippendorff_alpha(labels, "ordinal", categories=["low", "mid", "high"]) == pytest.approx(
        krippendorff_alpha(numbers, "ordinal")
    )


def test_single_coded_units_drop_out():
    data = [[1, 2, 3, 1, None], [1, 2, 2, None, 4], [None, 2, 3, None, None]]
    assert krippendorff_alpha(data) == pytest.approx(krippendorff_alpha([[1, 2, 3], [1, 2, 2], [None, 2, 3]]))
    matrix = coincidence_matrix(data)
    assert matrix.to_numpy().sum() == 8  # pairable values only: 2 + 3 + 3
    assert matrix.index.tolist() == [1, 2, 3]  # 4 occurs only in a unit coded once
    assert coincidence_matrix(data, categories=[1, 2, 3, 4]).shape == (4, 4)


def test_coincidence_matrix_of_krippendorff_2011_example_c():
    data = _case("krippendorff2011_C_nominal")["reliability_data"]
    o = coincidence_matrix(data)
    # Krippendorff (2011), example C: n = 40, n_1..n_5 = 9, 13, 10, 5, 3
    assert o.to_numpy().sum() == pytest.approx(40)
    assert o.sum(axis=1).tolist() == pytest.approx([9, 13, 10, 5, 3])
    assert o.loc[1, 1] == pytest.approx(7) and o.loc[1, 2] == pytest.approx(4 / 3)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_krippendorff_package_on_random_data(level, seed):
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(seed)
    coders, units = rng.integers(2, 7), rng.integers(5, 300)
    truth = rng.integers(0, 7, units)
    data = np.where(rng.random((coders, units)) < 0.7, truth, rng.integers(0, 7, (coders, units)))
    data = data.astype(float)
    data[rng.random(data.shape) < 0.3] = np.nan
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert krippendorff_alpha(data, level) == pytest.approx(expected, abs=1e-10)


def test_many_coders_and_labels_match_krippendorff_package():
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(7)
    data = rng.integers(0, 4, (25, 60)).astype(float)
    data[rng.random(data.shape) < 0.5] = np.nan
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    labels = pd.DataFrame(data).apply(lambda col: col.map({0: "a", 1: "b", 2: "c", 3: "d"}))
    assert krippendorff_alpha(labels) == pytest.approx(expected, abs=1e-10)


def test_dataframe_rows_are_coders():
    frame = pd.DataFrame([[1, 2, 2], [1, 2, 3]], index=["ann", "bo"], columns=["u1", "u2", "u3"])
    assert krippendorff_alpha(frame) == pytest.approx(krippendorff_alpha(frame.to_numpy()))


# --- bootstrap -------------------------------------------------------------------------------------


def test_bootstrap_interval_is_seeded_and_brackets_alpha():
    data = _case("hayes_krippendorff2007_ordinal")["reliability_data"]
    one = krippendorff_alpha_ci(data, "ordinal", n_resamples=1000, rng=3)
    two = krippendorff_alpha_ci(data, "ordinal", n_resamples=1000, rng=np.random.default_rng(3))
    assert isinstance(one, AlphaInterval) and one == two
    assert one.alpha == pytest.approx(0.7598, abs=1e-4)
    assert one.ci_low < one.alpha < one.ci_high <= 1
    values = np.array(data, dtype=float)
    per_unit = (~np.isnan(values)).sum(0)
    assert one.n_units == (per_unit >= 2).sum() == 40
    assert one.n_pairable == per_unit[per_unit >= 2].sum()
    assert one.n_resamples == 1000


@pytest.mark.parametrize("level", LEVELS)
def test_bootstrap_matches_naive_resampling_of_units(level):
    """Grouping identical units must not change the distribution of resampled alphas."""
    data = np.array(_case("krippendorff2011_C_nominal")["reliability_data"], dtype=float)
    pairable = data[:, (~np.isnan(data)).sum(0) >= 2]
    rng = np.random.default_rng(11)
    naive = []
    while len(naive) < 3000:
        sample = pairable[:, rng.integers(0, pairable.shape[1], pairable.shape[1])]
        try:
            naive.append(krippendorff_alpha(sample, level))
        except InvalidInput:
            continue
    # 80% intervals: the upper 2.5% of this distribution sits on alpha = 1 (no disagreeing unit
    # drawn, probability (8/11)^11 = 0.03), which would make a 95% comparison a coin toss.
    ours = krippendorff_alpha_ci(data, level, n_resamples=3000, confidence=0.8, rng=5)
    low, high = np.quantile(naive, [0.1, 0.9])
    assert ours.ci_low == pytest.approx(low, abs=0.03)
    assert ours.ci_high == pytest.approx(high, abs=0.03)


def test_bootstrap_arguments_are_checked():
    data = [[1, 2, 3], [1, 2, 2]]
    with pytest.raises(InvalidInput, match="confidence"):
        krippendorff_alpha_ci(data, confidence=95)
    with pytest.raises(InvalidInput, match="n_resamples"):
        krippendorff_alpha_ci(data, n_resamples=0)


def test_bootstrap_skips_samples_without_variation():
    # One unit in 31 carries the only other value: about (30/31)^31 = 36% of samples miss it.
    data = [[1] * 30 + [2], [1] * 30 + [2]]
    result = krippendorff_alpha_ci(data, n_resamples=500, rng=0)
    assert 200 < result.n_resamples < 450
    assert result.alpha == 1.0 and result.ci_low == result.ci_high == 1.0


def test_bootstrap_refuses_when_no_sample_varies():
    # Two uniform units of different values: a one-sample bootstrap misses the variation half the
    # time; some seed among 60 does (the chance that none does is 2^-60).
    data = [[1, 2], [1, 2]]
    messages = []
    for seed in range(60):
        try:
            krippendorff_alpha_ci(data, n_resamples=1, rng=seed)
        except InvalidInput as err:
            messages.append(str(err))
    assert messages and "too uniform" in messages[0]


# --- degenerate input ------------------------------------------------------------------------------


def test_one_coder_is_refused():
    with pytest.raises(InvalidInput, match="at least two coders; only 'coder 1' coded"):
        krippendorff_alpha([[1, 2, 3], [None, None, None]])
    with pytest.raises(InvalidInput, match="at least two coders"):
        krippendorff_alpha([[1, 2, 3]])


def test_all_units_single_coded_is_refused():
    with pytest.raises(InvalidInput, match="No unit was coded by two or more coders"):
        krippendorff_alpha([[1, None, 3], [None, 2, None]])


@pytest.mark.parametrize("level", LEVELS)
def test_no_variation_is_undefined(level):
    with pytest.raises(InvalidInput, match="undefined.*every pairable value is the same"):
        krippendorff_alpha([[2, 2, 2, 7], [2, 2, 2, None]], level)


def test_perfect_agreement_is_one():
    assert krippendorff_alpha([[1, 2, 3, 1], [1, 2, 3, 1]]) == 1.0


def test_levels_and_values_are_checked():
    with pytest.raises(InvalidInput, match="level must be one of"):
        krippendorff_alpha([[1, 2], [1, 2]], "binary")
    with pytest.raises(InvalidInput, match="interval level needs numbers"):
        krippendorff_alpha([["a", "b"], ["a", "a"]], "interval")
    with pytest.raises(InvalidInput, match="ratio level needs values of zero or more"):
        krippendorff_alpha([[-1, 2], [1, 2]], "ratio")
    with pytest.raises(InvalidInput, match="coders x units matrix"):
        krippendorff_alpha([1, 2, 3])


# --- interval and ratio: large constants and a single value (issue 9, item 12) ---------------------


@pytest.mark.parametrize("offset", [0.0, 1e8, 1e9])
@pytest.mark.parametrize("level", ["interval", "ratio"])
def test_a_large_constant_changes_nothing(level, offset):
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(4)
    truth = rng.integers(0, 6, 80)
    data = np.where(rng.random((3, 80)) < 0.7, truth, rng.integers(0, 6, (3, 80))).astype(float)
    data[rng.random(data.shape) < 0.2] = np.nan
    shifted = data + offset
    expected = krippendorff.alpha(reliability_data=shifted, level_of_measurement=level)
    assert krippendorff_alpha(shifted, level) == pytest.approx(expected, abs=1e-9)
    if level == "interval":  # alpha on an interval scale does not see where zero is
        assert krippendorff_alpha(shifted, level) == pytest.approx(krippendorff_alpha(data, level), abs=1e-9)
        shifted_ci = krippendorff_alpha_ci(shifted, level, n_resamples=200, rng=2)
        plain_ci = krippendorff_alpha_ci(data, level, n_resamples=200, rng=2)
        assert (shifted_ci.ci_low, shifted_ci.ci_high) == pytest.approx((plain_ci.ci_low, plain_ci.ci_high), abs=1e-9)


@pytest.mark.parametrize("level", ["interval", "ratio"])
@pytest.mark.parametrize("units", range(2, 12))
def test_one_value_through_rounding_is_undefined_not_one(level, units):
    # 0.1 has no exact binary form: n * sum(n_c x^2) - (sum n_c x)^2 came out a hair above 0 for
    # five units, and alpha came out 1.0.
    with pytest.raises(InvalidInput, match="undefined.*every pairable value is the same"):
        krippendorff_alpha(np.full((2, units), 0.1), level)
    with pytest.raises(InvalidInput, match="undefined"):
        krippendorff_alpha_ci(np.full((3, units), 0.1), level, n_resamples=50, rng=0)


@pytest.mark.parametrize("level", ["interval", "ratio"])
def test_bootstrap_skips_samples_of_one_value(level):
    # The one unit of 0.2 is missed by about a third of the samples: those have a single value
    # (0.1), where alpha is undefined, and are skipped rather than counted as 1.
    data = np.full((2, 31), 0.1)
    data[:, 0] = 0.2
    result = krippendorff_alpha_ci(data, level, n_resamples=500, rng=0)
    assert 200 < result.n_resamples < 450
    assert result.alpha == pytest.approx(1.0) and result.ci_low == pytest.approx(1.0)
