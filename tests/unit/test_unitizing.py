"""Unitizing alpha for coded spans against the unitizing_cases in ../shared/stats/alpha_cases.json."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from theorize.analysis import (
    UnitizingAgreement,
    binary_u_alpha,
    krippendorff_alpha,
    u_alpha,
    u_alpha_by_code,
    unitizing_agreement,
    unitizing_alpha_2004,
)
from theorize.errors import InvalidInput

STATS = Path(__file__).parents[2] / ".." / "shared" / "stats"
CASES = STATS / "alpha_cases.json"


def _case(case_id: str) -> dict:
    if not CASES.exists():
        pytest.skip("../shared/stats is not here")
    cases = json.loads(CASES.read_text(encoding="utf-8"))["unitizing_cases"]
    return next(c for c in cases if c["id"] == case_id)


def _figure_12_11() -> tuple[dict, int, dict]:
    """Krippendorff (2019) fig. 12.11: positions are 1-based inclusive; ours are 0-based, end excl."""
    case = _case("krippendorff2019_fig12_11_u_alpha_family")
    spans = {
        coder: [(s["start"] - 1, s["end"], s["value"]) for s in coder_spans]
        for coder, coder_spans in case["coders"].items()
    }
    return spans, case["continuum_length"], case


def _figure_2_2004() -> tuple[dict, int, dict]:
    """Krippendorff (2004) fig. 2: a continuum from 150 of length 300; spans [start, start+length)."""
    case = _case("krippendorff2004_QQ_fig2_unitizing_alpha")
    begin = case["continuum"]["begin"]
    spans = {
        coder: [(s["start"] - begin, s["start"] - begin + s["length"], s["value"]) for s in coder_spans]
        for coder, coder_spans in case["coders"].items()
    }
    return spans, case["continuum"]["length"], case


def test_u_alpha_of_figure_12_11():
    spans, length, case = _figure_12_11()
    tol = case["tolerance"]
    assert u_alpha(spans, length) == pytest.approx(case["expected"]["u_alpha_nominal"], abs=tol["u_alpha_nominal"])
    assert binary_u_alpha(spans, length) == pytest.approx(case["expected"]["binary_u_alpha"], abs=tol["binary_u_alpha"])
    # the case's independent re-implementation, to its 6 decimals
    check = case["verification"]["independent_python_reimpl"]
    assert u_alpha(spans, length) == pytest.approx(check["u_alpha_nominal"], abs=1e-6)
    assert binary_u_alpha(spans, length) == pytest.approx(check["binary_u_alpha"], abs=1e-6)


def test_unitizing_agreement_bundles_the_family():
    spans, length, case = _figure_12_11()
    result = unitizing_agreement(spans, length)
    assert isinstance(result, UnitizingAgreement)
    assert result.u_alpha == pytest.approx(u_alpha(spans, length))
    assert result.binary_u_alpha == pytest.approx(binary_u_alpha(spans, length))
    assert dict(result.code_alphas) == pytest.approx(dict(u_alpha_by_code(spans, length)))
    assert (result.n_coders, result.continuum_length) == (3, 60)
    assert list(result.code_alphas) == ["1", "2", "3", "4", "5", "6", "7"]


def test_per_code_binary_u_alpha_of_figure_12_11():
    spans, length, _ = _figure_12_11()
    by_code = u_alpha_by_code(spans, length)
    # All three coders put "1" on 1-7: perfect. "6" covers 33-44 for all three, cut differently:
    # observed disagreement counts positions only, so it is perfect too.
    assert by_code["1"] == pytest.approx(1.0)
    assert by_code["6"] == pytest.approx(1.0)
    # "2" (Alex only, 8-13) is no better than chance, nor are "3" and "4" (one coder each).
    assert by_code["2"] == pytest.approx(by_code["3"]) == pytest.approx(by_code["4"])
    assert by_code["2"] < 0
    for code, value in by_code.items():
        assert binary_u_alpha(spans, length, code=code) == pytest.approx(value)


def test_binary_u_alpha_for_one_code_is_u_alpha_on_that_code_alone():
    spans, length, _ = _figure_12_11()
    only_five = {coder: [s for s in coder_spans if s[2] == "5"] for coder, coder_spans in spans.items()}
    assert binary_u_alpha(spans, length, code="5") == pytest.approx(u_alpha(only_five, length))


def test_original_unitizing_alpha_of_2004_figure_2():
    spans, length, case = _figure_2_2004()
    result = unitizing_alpha_2004(spans, length)
    expected, tol = case["expected"], case["tolerance"]
    c, k = result.codes["c"], result.codes["k"]
    assert c.alpha == pytest.approx(expected["alpha_c"], abs=tol["alpha_c"])
    assert c.observed_disagreement == pytest.approx(expected["Do_c"], abs=5e-5)  # printed to 4 dp
    assert c.expected_disagreement == pytest.approx(expected["De_c"], abs=5e-5)
    assert k.alpha == pytest.approx(expected["alpha_k"], abs=tol["alpha_c"])
    assert k.observed_disagreement == pytest.approx(expected["Do_k"], abs=5e-5)
    assert k.expected_disagreement == pytest.approx(expected["De_k"], abs=5e-4)  # printed to 3 dp
    assert result.alpha == pytest.approx(expected["alpha_overall"], abs=tol["alpha_overall"])
    # zyocum/text-alpha on the same figure: c = 0.728599, micro-average 0.858665
    assert c.alpha == pytest.approx(0.728599, abs=1e-6)
    assert result.alpha == pytest.approx(0.858665, abs=1e-6)


@pytest.mark.parametrize("pair", ["A", "B", "C", "D"])
def test_original_unitizing_alpha_of_1995_pairs(pair):
    case = _case("krippendorff1995_pairs_A_to_D")
    units = case["units"][pair]
    # The 1995 expected disagreements are for a continuous continuum: stretch positions x50000
    # (as DKPro's test does); D_o does not change with the stretch.
    stretch = 50_000
    spans = {coder: [(s * stretch, (s + n) * stretch, "c") for s, n in units[coder]] for coder in "01"}
    result = unitizing_alpha_2004(spans, case["continuum"]["length"] * stretch).codes["c"]
    expected, tol = case["expected"], case["tolerance"]
    assert result.observed_disagreement == pytest.approx(expected["Do"][pair], abs=tol["Do"])
    assert result.expected_disagreement == pytest.approx(expected["De_large_stretch"][pair], abs=tol["De"])
    assert result.alpha == pytest.approx(expected["alpha"][pair], abs=tol["alpha"])
    unstretched = {coder: [(s, s + n, "c") for s, n in units[coder]] for coder in "01"}
    assert unitizing_alpha_2004(unstretched, 24).codes["c"].observed_disagreement == pytest.approx(
        expected["Do"][pair], abs=tol["Do"]
    )


def test_dkpro_distance_examples():
    # Krippendorff (2004) delta^2: overlapping units (225,70)/(220,80) -> 50, (370,30)/(355,20) ->
    # 850, and a unit of 20 inside the other coder's gap -> 400. Sum both directions, / (m(m-1)L^2).
    spans = {"i": [(225, 295, "c"), (370, 400, "c")], "j": [(220, 300, "c"), (355, 375, "c"), (400, 420, "c")]}
    result = unitizing_alpha_2004(spans, 450).codes["c"]
    assert result.observed_disagreement == pytest.approx(2 * (50 + 850 + 400) / (2 * 450**2))


# --- several sources -------------------------------------------------------------------------------


def test_sources_are_laid_end_to_end_for_u_alpha():
    a = {"ann": [(0, 5, "x"), (8, 12, "y")], "bo": [(1, 5, "x"), (8, 10, "y")]}
    b = {"ann": [(2, 6, "y")], "bo": [(0, 6, "y")]}
    by_source = {c: [("s1", *s) for s in a[c]] + [("s2", *s) for s in b[c]] for c in a}
    laid_out = {c: a[c] + [(s + 20, e + 20, k) for s, e, k in b[c]] for c in a}
    assert u_alpha(by_source, {"s1": 20, "s2": 10}) == pytest.approx(u_alpha(laid_out, 30))
    frame = pd.DataFrame(
        [(c, *span) for c, spans in by_source.items() for span in spans],
        columns=["coder", "source", "start", "end", "code"],
    )
    assert u_alpha(frame, {"s1": 20, "s2": 10}) == pytest.approx(u_alpha(laid_out, 30))


def test_gaps_end_at_source_boundaries_in_the_2004_alpha():
    one = {"ann": [("s1", 0, 2, "x"), ("s2", 0, 3, "x")], "bo": [("s1", 0, 2, "x")]}
    split = unitizing_alpha_2004(one, {"s1": 10, "s2": 10}).codes["x"]
    # By hand: units 2, 3, 2 (n = 3); gaps 8 and 7 (ann), 8 and 10 (bo, cut at the boundary);
    # sum (n-1)/3 (2l^3 - 3l^2 + l) = 28; sum l^2 sum_{gaps >= l} (gap - l + 1) = 457;
    # D_e = 2/20 * 485 / (40 * 39 - 10).
    assert split.expected_disagreement == pytest.approx(2 / 20 * 485 / 1550)
    joined = unitizing_alpha_2004({"ann": [(0, 2, "x"), (10, 13, "x")], "bo": [(0, 2, "x")]}, 20).codes[
        "x"
    ]  # bo's gap would run 2-20 on one continuum
    assert joined.expected_disagreement != pytest.approx(split.expected_disagreement)


def test_u_alpha_equals_alpha_on_positions_when_units_are_single_positions():
    # With every unit one position long, e_ck loses its length correction and |u-alpha is
    # Krippendorff's nominal alpha with each position a unit (phi a value like any other).
    rng = np.random.default_rng(4)
    values = rng.choice(["a", "b", None], size=(3, 40), p=[0.3, 0.2, 0.5])
    spans = {f"c{i}": [(p, p + 1, v) for p, v in enumerate(row) if v is not None] for i, row in enumerate(values)}
    positions = [["phi" if v is None else v for v in row] for row in values]
    assert u_alpha(spans, 40) == pytest.approx(krippendorff_alpha(positions))


# --- conventions and degenerate input --------------------------------------------------------------


def test_overlapping_same_code_spans_of_one_coder_merge():
    merged = {"ann": [(0, 10, "x")], "bo": [(2, 10, "x")]}
    overlapping = {"ann": [(0, 6, "x"), (4, 10, "x")], "bo": [(2, 10, "x")]}
    assert binary_u_alpha(overlapping, 20, code="x") == pytest.approx(binary_u_alpha(merged, 20, code="x"))
    assert unitizing_alpha_2004(overlapping, 20).alpha == pytest.approx(unitizing_alpha_2004(merged, 20).alpha)


def test_adjacent_spans_stay_separate_units():
    one = {"ann": [(0, 10, "x")], "bo": [(0, 10, "x")], "cy": [(12, 14, "x")]}
    two = {"ann": [(0, 5, "x"), (5, 10, "x")], "bo": [(0, 10, "x")], "cy": [(12, 14, "x")]}
    assert u_alpha(one, 20) != pytest.approx(u_alpha(two, 20))


def test_overlapping_codes_are_refused_for_u_alpha_only():
    spans = {"ann": [(0, 6, "x"), (4, 10, "y")], "bo": [(0, 6, "x"), (6, 10, "y")]}
    with pytest.raises(InvalidInput, match=r"ann's spans 0-6 \('x'\) and 4-10 \('y'\) overlap"):
        u_alpha(spans, 20)
    with pytest.raises(InvalidInput, match="mutually exclusive"):
        unitizing_agreement(spans, 20)
    assert set(u_alpha_by_code(spans, 20)) == {"x", "y"}


def test_one_coder_is_refused():
    with pytest.raises(InvalidInput, match="at least two coders; only 'ann' is listed"):
        u_alpha({"ann": [(0, 5, "x")]}, 10)


def test_a_coder_who_coded_nothing_still_counts():
    assert u_alpha({"ann": [(0, 5, "x")], "bo": []}, 10) < 0.5
    assert u_alpha({"ann": [(0, 5, "x")], "bo": [(0, 5, "x")]}, 10) == pytest.approx(1.0)


def test_nothing_coded_is_undefined():
    with pytest.raises(InvalidInput, match="undefined"):
        u_alpha({"ann": [], "bo": []}, 10)
    with pytest.raises(InvalidInput, match="No coder coded any span"):
        unitizing_alpha_2004({"ann": [], "bo": []}, 10)


def test_one_code_over_the_whole_text_is_undefined():
    with pytest.raises(InvalidInput, match="undefined"):
        binary_u_alpha({"ann": [(0, 10, "x")], "bo": [(0, 10, "x")]}, 10, code="x")


def test_spans_are_checked():
    with pytest.raises(InvalidInput, match="does not fit"):
        u_alpha({"ann": [(0, 11, "x")], "bo": []}, 10)
    with pytest.raises(InvalidInput, match="does not fit"):
        u_alpha({"ann": [(5, 5, "x")], "bo": []}, 10)
    with pytest.raises(InvalidInput, match="whole-number positions"):
        u_alpha({"ann": [(0.5, 3, "x")], "bo": []}, 10)
    with pytest.raises(InvalidInput, match=r"\(start, end, code\)"):
        u_alpha({"ann": [(0, 3)], "bo": []}, 10)
    with pytest.raises(InvalidInput, match="names a source with no length"):
        u_alpha({"ann": [("s9", 0, 3, "x")], "bo": []}, {"s1": 10})
    with pytest.raises(InvalidInput, match="length must be a whole number"):
        u_alpha({"ann": [], "bo": []}, 0)
    with pytest.raises(InvalidInput, match="No coder used the code 'z'"):
        binary_u_alpha({"ann": [(0, 3, "x")], "bo": []}, 10, code="z")


def test_binary_u_alpha_over_all_codes_merges_one_coders_overlapping_codes():
    # A coder who gives two codes to overlapping words has coded those words: one relevant unit.
    overlapping = {"A": [(0, 6, "x"), (3, 9, "y")], "B": [(0, 9, "x")]}
    merged = {"A": [(0, 9, "x")], "B": [(0, 9, "x")]}
    assert binary_u_alpha(overlapping, 20) == pytest.approx(binary_u_alpha(merged, 20))
    with pytest.raises(InvalidInput, match="overlap"):
        u_alpha(overlapping, 20)
