"""Saturation against shared/stats/saturation_cases.json, plus properties of the bootstrap."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from theorize.analysis import saturation
from theorize.analysis.richness import accumulation_curve, chao2, jackknife2
from theorize.analysis.saturation import (
    bootstrap_saturation,
    discovery_curve,
    guest_saturation,
    saturation_statement,
)
from theorize.errors import InvalidInput

STATS = Path(__file__).resolve().parents[3] / "shared" / "stats"


def _cases() -> dict[str, dict]:
    path = STATS / "saturation_cases.json"
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return {case["id"]: case for case in json.loads(path.read_text())["cases"]}


@pytest.fixture(scope="module")
def cases() -> dict[str, dict]:
    return _cases()


@pytest.fixture(scope="module")
def constructed(cases) -> pd.DataFrame:
    case = cases["constructed_12_interviews_27_codes"]
    return pd.DataFrame(case["incidence_matrix"], index=case["interviews"], columns=case["codes"])


def _sets_from_new_counts(new_per_interview: list[int]) -> list[set[int]]:
    """Code sets in which interview i introduces exactly new_per_interview[i] codes."""
    sets, next_code = [], 0
    for n in new_per_interview:
        sets.append(set(range(next_code, next_code + n)))
        next_code += n
    return sets


def _variants() -> list[tuple[str, str]]:
    path = STATS / "saturation_cases.json"
    if not path.exists():
        return [("missing", "missing")]
    out = []
    for case in json.loads(path.read_text())["cases"]:
        for key in case.get("guest2020_variants_computed", {}):
            out.append((case["id"], key))
    return out


def _parse(key: str) -> dict:
    base, run, thr, mode = key.split("_")
    return {
        "base_size": int(base[4:]),
        "run_length": int(run[3:]),
        "threshold": int(thr[3:-3]) / 100,
        "run_mode": "jump" if mode == "jump" else "slide",
    }


# --- published / reference values ------------------------------------------------------------


@pytest.mark.parametrize(("case_id", "key"), _variants())
@pytest.mark.parametrize("report", ["before_run", "end_of_run"])
def test_guest_variants_reproduce_reference(cases, case_id, key, report):
    case = cases[case_id]
    expected = case["guest2020_variants_computed"][key]
    if "incidence_matrix" in case:
        data = pd.DataFrame(case["incidence_matrix"], index=case["interviews"], columns=case["codes"])
    else:
        data = _sets_from_new_counts(case["new_themes_per_interview"])
    result = guest_saturation(data, report=report, **_parse(key))
    assert result.base_codes == expected["base_themes"]
    got = [(r.first, r.last, r.new_codes, r.ratio, r.meets) for r in result.runs]
    want = [(*r["run"], r["new_themes"], r["ratio"], r["meets"]) for r in expected["runs"]]
    assert [g[:3] + g[4:] for g in got] == [w[:3] + w[4:] for w in want]
    np.testing.assert_allclose([g[3] for g in got], [w[3] for w in want], atol=5e-7)
    assert result.interview == expected[f"saturation_n_{report}"]
    assert result.reached == (expected[f"saturation_n_{report}"] is not None)
    assert result.parameters.report == report


def test_reported_interview_label(constructed):
    result = guest_saturation(constructed)
    assert (result.interview, result.interview_id) == (6, "I06")
    assert guest_saturation(constructed, report="end_of_run").interview_id == "I08"


def test_discovery_curve_matches_reference(cases, constructed):
    case = cases["constructed_12_interviews_27_codes"]
    curve = discovery_curve(constructed)
    assert curve["new_codes"].tolist() == case["new_codes_per_interview"]
    assert curve["cumulative_codes"].tolist() == case["cumulative_codes"]
    assert curve["interview_id"].tolist() == case["interviews"]
    assert curve["proportion_new"].sum() == pytest.approx(1.0)
    assert curve["cumulative_share"].iloc[-1] == pytest.approx(1.0)


def test_guest_new_theme_sequence_base_count(cases):
    case = cases["guest_style_new_theme_sequence"]
    curve = discovery_curve(_sets_from_new_counts(case["new_themes_per_interview"]))
    assert curve["cumulative_codes"].iloc[3] == case["base4_unique_themes"]


# --- discovery curve ---------------------------------------------------------------------------


def test_discovery_curve_by_stage(constructed):
    stages = {code: ("initial" if i < 10 else "focused") for i, code in enumerate(constructed.columns)}
    curve = discovery_curve(constructed, stages)
    assert list(pd.unique(curve["stage"])) == ["initial", "focused"]
    finals = curve.groupby("stage", sort=False)["cumulative_codes"].last()
    assert finals.tolist() == [10, 17]
    for _, part in curve.groupby("stage"):
        assert (part["cumulative_codes"].diff().dropna() >= 0).all()
        assert part["proportion_new"].sum() == pytest.approx(1.0)


def test_discovery_curve_stage_mapping_must_match_codes(constructed):
    with pytest.raises(
        InvalidInput,
        match=r"^None of the codes has a stage; key the stage mapping by the incidence table's column labels\.$",
    ):
        discovery_curve(constructed, {"not a code": "initial"})


def test_counts_are_presence(constructed):
    assert discovery_curve(constructed * 3).equals(discovery_curve(constructed))


@pytest.mark.parametrize("seed", range(5))
def test_curve_properties_on_random_data(seed):
    rng = np.random.default_rng(seed)
    x = (rng.random((rng.integers(1, 30), rng.integers(1, 50))) < 0.2).astype(int)
    x[-1, 0] = 1
    curve = discovery_curve(x)
    assert (np.diff(curve["cumulative_codes"]) >= 0).all()
    assert (curve["new_codes"] <= curve["codes"]).all()
    assert curve["cumulative_codes"].iloc[-1] == x.any(axis=0).sum()


# --- bootstrap ----------------------------------------------------------------------------------


@pytest.mark.parametrize("run_mode", ["jump", "slide"])
@pytest.mark.parametrize("report", ["before_run", "end_of_run"])
@pytest.mark.parametrize("threshold", [0.0, 0.05, 0.2])
def test_bootstrap_agrees_with_guest_order_by_order(constructed, run_mode, report, threshold):
    params = {"base_size": 4, "run_length": 2, "threshold": threshold, "run_mode": run_mode, "report": report}
    rng = np.random.default_rng(11)
    orders = rng.permuted(np.tile(np.arange(12), (40, 1)), axis=1)
    present = constructed.to_numpy() > 0
    cumulative = saturation._cumulative_codes(present, orders)
    points = saturation._saturation_points(cumulative, saturation.SaturationParameters(**params))
    for order, point, row in zip(orders, points, cumulative):
        one = guest_saturation(constructed.iloc[order], **params)
        assert (one.interview or 0) == point
        np.testing.assert_array_equal(discovery_curve(constructed.iloc[order])["cumulative_codes"], row)


def test_bootstrap_summary(constructed):
    boot = bootstrap_saturation(constructed, 2000, seed=3)
    again = bootstrap_saturation(constructed, 2000, seed=3)
    assert boot.distribution.equals(again.distribution) and boot.curve.equals(again.curve)
    assert boot.share_reached + boot.share_not_reached == pytest.approx(1.0)
    assert boot.distribution["share"].sum() == pytest.approx(boot.share_reached)
    assert boot.distribution["orders"].sum() == round(boot.share_reached * 2000)
    assert (np.diff(boot.distribution["cumulative_share"]) > 0).all()
    exact = accumulation_curve(constructed)["codes"].to_numpy()
    np.testing.assert_allclose(boot.curve["mean"], exact, atol=0.25)
    assert (boot.curve["low"] <= boot.curve["median"]).all() and (boot.curve["median"] <= boot.curve["high"]).all()
    assert (np.diff(boot.curve["median"]) >= 0).all()
    median = boot.interview_quantile(0.5)
    assert median is not None
    at_median = boot.distribution.set_index("interview")["cumulative_share"]
    assert at_median[median] >= 0.5
    assert boot.interview_quantile(1.0) is None or boot.share_reached == 1.0


def test_bootstrap_never_reached():
    x = np.eye(8, dtype=int)  # every interview brings a new code
    boot = bootstrap_saturation(x, 50, base_size=4, run_length=2, threshold=0.05, seed=0)
    assert boot.share_reached == 0 and boot.distribution.empty
    assert boot.interview_quantile(0.5) is None
    result = guest_saturation(x)
    assert "never reached" in saturation_statement(result, bootstrap=boot)


def test_bootstrap_rejects_bad_arguments(constructed):
    orders = r"^The number of orders \(n_orders\) must be a whole number, 1 or more, not 0; give one such as 200\.$"
    with pytest.raises(InvalidInput, match=orders):
        bootstrap_saturation(constructed, 0)
    with pytest.raises(InvalidInput, match=r"^The level must lie between 0 and 1, not 1\.5; give 0\.95 for 95%\.$"):
        bootstrap_saturation(constructed, 10, level=1.5)


# --- the statement -------------------------------------------------------------------------------


def test_statement_reached_with_chao2(constructed):
    text = saturation_statement(guest_saturation(constructed), chao2(constructed))
    assert text.startswith("With a base of 4 interviews, runs of 2 interviews (consecutive, non-overlapping)")
    assert "new-information threshold of 5%" in text
    assert "saturation was reached at interview 6" in text
    assert "an estimated 3 (95% CI 0\u201316) codes remain unobserved (Chao2, classic)." in text


def test_statement_not_reached_and_sliding(constructed):
    text = saturation_statement(guest_saturation(constructed, 4, 3, 0.05, "jump"))
    assert "saturation was not reached within the 12 interviews analysed" in text
    assert "lowest new-information ratio of a run was 9.5%" in text
    text = saturation_statement(guest_saturation(constructed, 4, 2, 0.0, "slide", "end_of_run"))
    assert "sliding by one interview" in text and "reached at interview 11" in text
    assert "the last interview of the first run" in text


def test_statement_without_interval_and_with_bootstrap(constructed):
    boot = bootstrap_saturation(constructed, 500, seed=1)
    text = saturation_statement(guest_saturation(constructed), jackknife2(constructed), bootstrap=boot)
    assert "an estimated 6 codes remain unobserved (second-order jackknife)." in text
    assert "Over 500 random interview orders, saturation was reached in" in text


def test_statement_singular_and_none_remaining():
    from theorize.analysis.richness import RichnessEstimate

    x = [{"a", "b"}, {"c"}, {"a", "d"}, {"e"}, {"a"}, {"b"}]
    result = guest_saturation(x, threshold=0.0)
    one = RichnessEstimate("Chao2", "", 6.2, 5)
    none = RichnessEstimate("Chao2", "", 5.0, 5, 0.0, 5.0, 5.0)
    assert "an estimated 1 code remains unobserved (Chao2)." in saturation_statement(result, one)
    assert "no further codes are estimated to remain unobserved (Chao2)." in saturation_statement(result, none)


# --- degenerate input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"base_size": 12},
            r"^A base of 12 interviews leaves nothing to assess in 12 interviews; use a smaller base "
            r"or add interviews\.$",
        ),
        (
            {"base_size": 11},
            r"^A base of 11 and runs of 2 need at least 13 interviews and there are 12; use a smaller "
            r"base or shorter runs, or add interviews\.$",
        ),
        ({"threshold": 5}, "0.05 for 5%"),
        ({"threshold": "5%"}, "0.05 for 5%"),
        (
            {"run_length": 0},
            r"^The run length \(run_length\) must be a whole number of interviews, 1 or more, not 0; "
            r"give one such as 4\.$",
        ),
        ({"base_size": 2.5}, r"^The base \(base_size\) must be a whole number"),
        (
            {"run_mode": "overlap"},
            r"^The run mode \(run_mode\) is 'jump' or 'slide', not 'overlap'; choose one of them\.$",
        ),
        ({"report": "after"}, "report"),
    ],
)
def test_bad_parameters(constructed, kwargs, message):
    with pytest.raises(InvalidInput, match=message):
        guest_saturation(constructed, **kwargs)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (pd.DataFrame(), "no interviews"),
        ([], "no interviews"),
        ({}, "no interviews"),
        (np.zeros((6, 0)), "no codes"),
        ([set()] * 6, "no codes"),
        ([[1, 1]], r"leaves nothing to assess in 1 interview; use a smaller base or add interviews\.$"),
        ([[0, 0]] * 4 + [[1, 0]] * 3, "first 4 interviews have no codes"),
    ],
)
def test_degenerate_input(data, message):
    with pytest.raises(InvalidInput, match=message):
        guest_saturation(data)
    if "first 4" in message:  # in random orders the base usually has codes; an empty base is "not reached"
        assert 0 < bootstrap_saturation(data, 2000, seed=0).share_not_reached < 0.1
    else:
        with pytest.raises(InvalidInput, match=message):
            bootstrap_saturation(data, 5)


@pytest.mark.parametrize("data", [pd.DataFrame(), [], {}, np.zeros((6, 0)), [set()] * 6, [[0, 0]] * 3])
def test_degenerate_discovery_curve(data):
    with pytest.raises(InvalidInput, match="no interviews|no codes|no code occurs"):
        discovery_curve(data)


def test_one_interview_has_a_curve_but_no_saturation():
    assert discovery_curve([{"a", "b"}])["cumulative_codes"].tolist() == [2]


def test_docstring_examples():
    assert doctest.testmod(saturation, raise_on_error=False).failed == 0
