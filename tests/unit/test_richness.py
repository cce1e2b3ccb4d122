"""Richness estimators against shared/stats/saturation_cases.json (scikit-bio/EstimateS, vegan 2.6-4)."""

from __future__ import annotations

import doctest
import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from theorize.analysis import richness
from theorize.analysis.richness import (
    accumulation_curve,
    bootstrap_richness,
    chao1,
    chao2,
    incidence_from_code_sets,
    jackknife1,
    jackknife2,
)
from theorize.errors import InvalidInput

STATS = Path(__file__).resolve().parents[3] / "shared" / "stats"


def _cases() -> dict[str, dict]:
    path = STATS / "saturation_cases.json"
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return {case["id"]: case for case in json.loads(path.read_text())["cases"]}


def _csv(name: str) -> pd.DataFrame:
    path = STATS / "saturation" / name
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return pd.read_csv(path, index_col=0)


@pytest.fixture(scope="module")
def cases() -> dict[str, dict]:
    return _cases()


@pytest.fixture(scope="module")
def dune() -> pd.DataFrame:
    return _csv("vegan_dune.csv")


@pytest.fixture(scope="module")
def constructed() -> pd.DataFrame:
    return _csv("constructed_incidence_12x27.csv")


# --- published values ------------------------------------------------------------------------


def test_chao1_matches_skbio_and_estimates(cases):
    case = cases["chao1_skbio_estimateS"]
    expected = case["expected"]
    bc = chao1(case["counts"])
    classic = chao1(case["counts"], bias_corrected=False)
    assert bc.observed == expected["S_obs"]
    assert bc.estimate == pytest.approx(expected["chao1_bias_corrected"], abs=1e-12)
    assert classic.estimate == pytest.approx(expected["chao1_classic"], abs=1e-12)
    assert bc.se == pytest.approx(expected["chao1_sd_bias_corrected"], rel=0.01)
    assert classic.se == pytest.approx(expected["chao1_sd_classic"], rel=0.01)
    assert (bc.ci_low, bc.ci_high) == pytest.approx(tuple(expected["chao1_ci95_bias_corrected"]), rel=0.01)
    assert (classic.ci_low, classic.ci_high) == pytest.approx(tuple(expected["chao1_ci95_classic"]), rel=0.01)
    assert (bc.variant, classic.variant) == ("bias-corrected", "classic")


@pytest.mark.parametrize("name", ["no_singles", "no_doubles"])
def test_chao1_edge_cases_match_skbio(cases, name):
    extra = cases["chao1_skbio_estimateS"]["extra_cases"][name]
    result = chao1(extra["counts"])
    assert result.estimate == pytest.approx(extra["chao1"])
    assert (result.ci_low, result.ci_high) == pytest.approx(tuple(extra["ci95"]), rel=0.01)


def test_chao1_classic_without_doubletons_falls_back_to_bias_corrected():
    result = chao1([1, 1, 4, 5], bias_corrected=False)
    assert result.estimate == 5.0 and result.variant == "bias-corrected"


def test_dune_matches_vegan_specpool(cases, dune):
    expected = cases["vegan_dune_specpool"]["expected"]
    assert dune.shape[0] == expected["m"]
    c2, j1, j2, boot = chao2(dune), jackknife1(dune), jackknife2(dune), bootstrap_richness(dune)
    assert c2.observed == j1.observed == expected["S_obs"]
    assert c2.estimate == pytest.approx(expected["chao2"], abs=1e-4)
    assert c2.se == pytest.approx(expected["chao2_se"], abs=1e-6)
    assert j1.estimate == pytest.approx(expected["jack1"], abs=1e-6)
    assert j1.se == pytest.approx(expected["jack1_se"], abs=1e-6)
    assert j2.estimate == pytest.approx(expected["jack2"], abs=1e-5)
    assert boot.estimate == pytest.approx(expected["boot"], abs=1e-4)


def test_constructed_matrix_file_matches_json(cases, constructed):
    case = cases["constructed_12_interviews_27_codes"]
    assert constructed.to_numpy().tolist() == case["incidence_matrix"]
    assert list(constructed.columns) == case["codes"]
    assert list(constructed.index) == case["interviews"]


def test_constructed_matches_vegan(cases, constructed):
    expected = cases["constructed_12_interviews_27_codes"]["expected"]
    c2 = chao2(constructed)
    assert c2.observed == expected["S_obs"]
    assert c2.estimate == pytest.approx(expected["chao2_classic_vegan"], abs=1e-9)
    assert c2.variant == "classic"
    assert c2.se == pytest.approx(expected["chao2_se_vegan"], abs=1e-6)
    bias_corrected = chao2(constructed, bias_corrected=True)
    assert bias_corrected.estimate == pytest.approx(expected["chao2_bias_corrected_own"], abs=1e-6)
    assert chao2(constructed, bias_corrected=False).estimate == pytest.approx(expected["own_check"]["chao2"])
    assert jackknife1(constructed).estimate == pytest.approx(expected["jack1_vegan"], abs=1e-9)
    assert jackknife2(constructed).estimate == pytest.approx(expected["jack2_vegan"], abs=1e-5)
    assert jackknife2(constructed).estimate == pytest.approx(expected["own_check"]["jack2"], abs=1e-6)
    assert bootstrap_richness(constructed).estimate == pytest.approx(expected["boot_vegan"], abs=1e-4)


def test_exact_accumulation_matches_vegan_specaccum(cases, constructed):
    expected = cases["constructed_12_interviews_27_codes"]["expected"]
    curve = accumulation_curve(constructed)
    assert curve["interviews"].tolist() == list(range(1, 13))
    np.testing.assert_allclose(curve["codes"], expected["exact_accumulation_vegan_specaccum"], atol=1e-5)
    np.testing.assert_allclose(curve["sd"], expected["exact_accumulation_sd_vegan"], atol=1e-6)


# --- definitions checked by brute force --------------------------------------------------------


def _delete_one_jackknife_variance(x: np.ndarray) -> float:
    present = x > 0
    m = present.shape[0]
    s = np.array([present[np.arange(m) != i].any(axis=0).sum() for i in range(m)], dtype=float)
    return (m - 1) / m * ((s - s.mean()) ** 2).sum()


def test_jackknife_se_formula_is_the_delete_one_jackknife(dune, constructed):
    for data in (dune, constructed):
        expected = _delete_one_jackknife_variance(data.to_numpy())
        assert jackknife1(data, se_formula="jackknife").se ** 2 == pytest.approx(expected)


def test_exact_accumulation_is_the_mean_over_every_order():
    rng = np.random.default_rng(7)
    x = (rng.random((6, 15)) < 0.3).astype(int)
    x[0, 0] = 1
    orders = np.array(list(itertools.permutations(range(6))))
    cumulative = np.array([np.logical_or.accumulate(x[o] > 0, axis=0).sum(axis=1) for o in orders])
    np.testing.assert_allclose(accumulation_curve(x)["codes"], cumulative.mean(axis=0))


# --- properties --------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
def test_estimators_are_consistent_on_random_matrices(seed):
    rng = np.random.default_rng(seed)
    m, c = rng.integers(2, 15), rng.integers(1, 40)
    x = (rng.random((m, c)) < rng.uniform(0.05, 0.7)).astype(int)
    if not x.any():
        x[0, 0] = 1
    observed = int(x.any(axis=0).sum())
    for est in (chao2(x), chao2(x, bias_corrected=True), jackknife1(x), bootstrap_richness(x)):
        assert est.observed == observed
        assert est.estimate >= observed - 1e-12
        assert np.isfinite(est.estimate)
        if est.ci_low is not None:
            assert observed - 1e-9 <= est.ci_low <= est.estimate + 1e-9 <= est.ci_high + 2e-9
            assert est.se >= 0
    curve = accumulation_curve(x)
    assert (np.diff(curve["codes"]) >= -1e-9).all()
    assert curve["codes"].iloc[-1] == pytest.approx(observed)
    assert curve["codes"].iloc[0] == pytest.approx((x > 0).sum(axis=1).mean())
    assert (curve["sd"] >= 0).all() and curve["sd"].iloc[-1] == pytest.approx(0)


def test_unobserved_and_its_interval(constructed):
    est = chao2(constructed)
    assert est.unobserved == pytest.approx(2.75)
    low, high = est.unobserved_ci
    assert low == pytest.approx(est.ci_low - 27) and high == pytest.approx(est.ci_high - 27)
    assert jackknife2(constructed).unobserved_ci is None


def test_code_sets_are_accepted():
    sets = {"I1": {"a", "b"}, "I2": {"b", "c"}, "I3": {"d"}}
    table = incidence_from_code_sets(sets)
    assert chao2(sets) == chao2(table)
    assert list(table.index) == ["I1", "I2", "I3"]


# --- degenerate input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: chao2([[1, 0, 1]]), "at least two interviews"),
        (lambda: jackknife1(pd.DataFrame()), "no interviews"),
        (lambda: jackknife2(np.zeros((3, 0))), "no codes"),
        (lambda: bootstrap_richness([[0, 0], [0, 0]]), "no code occurs"),
        (lambda: accumulation_curve([[1, -1], [0, 1]]), "negative"),
        (lambda: chao2([[1, np.nan], [0, 1]]), "empty cells"),
        (lambda: chao2([[1, "yes"], [0, 1]]), "numbers"),
        (lambda: chao2([1, 0, 1]), "two-dimensional"),
        (lambda: chao1([]), "no counts"),
        (lambda: chao1([0, 0]), "every count is 0"),
        (lambda: chao1([1.5, 2]), "whole"),
        (lambda: chao1([1, 2], level=95), "between 0 and 1"),
        (lambda: jackknife1([[1, 0], [0, 1]], se_formula="other"), "se_formula"),
        (lambda: incidence_from_code_sets([]), "no interviews"),
        (lambda: incidence_from_code_sets([set(), set()]), "no codes"),
    ],
)
def test_degenerate_input_raises_invalid_input(call, message):
    with pytest.raises(InvalidInput, match=message):
        call()


def test_docstring_examples():
    assert doctest.testmod(richness, raise_on_error=False).failed == 0
