"""The kappa family against the published values in ../shared/stats/kappa_cases.json."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from theorize.analysis import (
    brennan_prediger,
    category_counts,
    cohen_kappa,
    cohen_kappa_max,
    cohen_kappa_summary,
    conger_kappa,
    contingency_table,
    fleiss_kappa,
    fleiss_kappa_summary,
    gwet_ac1,
    gwet_fleiss_kappa,
    krippendorff_alpha,
    krippendorff_alpha_ci,
    light_kappa,
    percent_agreement,
    randolph_kappa,
    scott_pi,
    segment_presence_matrix,
)
from theorize.errors import InvalidInput

STATS = Path(__file__).parents[2] / ".." / "shared" / "stats"
CASES = STATS / "kappa_cases.json"


def _cases(kind: str) -> list[dict]:
    if not CASES.exists():
        return []
    return json.loads(CASES.read_text(encoding="utf-8"))[kind]


def _ratings_from_table(table) -> list[list[int]]:
    """Two rating vectors (coders x units) with the given contingency table."""
    t = np.asarray(table, dtype=int)
    rows, cols = np.indices(t.shape)
    return [np.repeat(rows.ravel(), t.ravel()).tolist(), np.repeat(cols.ravel(), t.ravel()).tolist()]


# Published figures printed to fewer decimals than the case's tolerance assumes; the tolerance is
# then the rounding of what was printed.
PUBLISHED_ROUNDING = {
    # Cohen (1960) printed kappa_max as .85 (exact 0.846).
    ("cohen1960_p37", "kappa_max"): 5e-3,
    # 0.800 with DKPro's offset 0.001; alpha_cases.json gives this same case tolerance 0.001.
    ("artstein_poesio2008_p568", "krippendorff_alpha"): 1e-3,
    # Fleiss (1971) printed P-bar and P-bar_e to 4 decimals from p_j rounded to 3 (sum of the rounded
    # p_j^2 = 0.2201, exact 0.21994) and category kappas to 3 (the source says "category tol 0.005").
    ("fleiss1971_diagnoses", "po"): 5e-5,
    ("fleiss1971_diagnoses", "pe"): 5e-4,
    ("fleiss1971_diagnoses", "category_kappa"): 5e-3,
    # z printed to 5 decimals (R irr); exact 17.6518306.
    ("fleiss1971_diagnoses", "z"): 5e-6,
}


# What each published figure is, computed from a two-coder table.
def _two_rater(case: dict, key: str):
    t = case["table"]
    summary = lambda w=None: cohen_kappa_summary(table=t, weights=w)  # noqa: E731
    if key == "custom_weighted":
        labels = case["category_labels"]
        agree = np.array([[1.0 if a == b else 0.5 if "Chck" in (a, b) else 0.0 for b in labels] for a in labels])
        s = cohen_kappa_summary(table=t, weights=agree)
        return {"weighted_kappa": s.kappa, "Do": 1 - s.observed_agreement, "De": 1 - s.expected_agreement}
    pi = scott_pi(table=t)
    po = percent_agreement(table=t)
    return {
        "po": lambda: po,
        "pe": lambda: summary().expected_agreement,
        "pe_kappa": lambda: summary().expected_agreement,
        "kappa": lambda: cohen_kappa(table=t),
        "kappa_max": lambda: cohen_kappa_max(table=t),
        # po_max from kappa_max = (po_max - pe) / (1 - pe)
        "max_po": lambda: cohen_kappa_max(table=t) * (1 - summary().expected_agreement) + summary().expected_agreement,
        "gwet_ac1": lambda: gwet_ac1(table=t),
        "scott_pi": lambda: pi,
        "pe_pi": lambda: (po - pi) / (1 - pi),
        "bennett_S": lambda: brennan_prediger(table=t),
        "krippendorff_alpha": lambda: krippendorff_alpha(_ratings_from_table(t)),
        "kappa_linear": lambda: cohen_kappa(table=t, weights="linear"),
        "kappa_linear_equal": lambda: cohen_kappa(table=t, weights="linear"),
        "kappa_quadratic": lambda: cohen_kappa(table=t, weights="quadratic"),
        "kappa_quadratic_squared": lambda: cohen_kappa(table=t, weights="quadratic"),
        "ase": lambda: summary().standard_error,
        "ase_h0": lambda: summary().standard_error_h0,
        "z": lambda: summary().z,
        "z_unweighted": lambda: summary().z,
        "ci95": lambda: [summary().ci_low, summary().ci_high],
        "ase_linear": lambda: summary("linear").standard_error,
        "ci95_linear": lambda: [summary("linear").ci_low, summary("linear").ci_high],
    }[key]()


TWO_RATER = [
    pytest.param(case, key, id=f"{case['id']}-{key}")
    for case in _cases("two_rater_cases")
    for key in [*case["expected"], *(["custom_weighted"] if "custom_weighted" in case else [])]
]


@pytest.mark.parametrize(("case", "key"), TWO_RATER)
def test_two_rater_published_values(case, key):
    tol = PUBLISHED_ROUNDING.get((case["id"], key), case["tolerance"])
    if key == "custom_weighted":
        got = _two_rater(case, key)
        for part in ("weighted_kappa", "Do", "De"):
            assert got[part] == pytest.approx(case["custom_weighted"][part], abs=tol)
        return
    expected = case["expected"][key]
    assert np.asarray(_two_rater(case, key)) == pytest.approx(np.asarray(expected), abs=tol)


# Values that other implementations computed for the same tables (7 decimals).
VERIFIED_TWO = {
    "sklearn_kappa": lambda t: cohen_kappa(table=t),
    "sklearn_kappa_linear": lambda t: cohen_kappa(table=t, weights="linear"),
    "sklearn_kappa_quadratic": lambda t: cohen_kappa(table=t, weights="quadratic"),
    "irrCAC_scott": lambda t: scott_pi(table=t),
    "irrCAC_bp": lambda t: brennan_prediger(table=t),
    "irrCAC_gwet_ac1": lambda t: gwet_ac1(table=t),
}


@pytest.mark.parametrize(
    ("case", "name"),
    [pytest.param(c, n, id=f"{c['id']}-{n}") for c in _cases("two_rater_cases") for n in VERIFIED_TWO],
)
def test_two_rater_matches_other_implementations(case, name):
    assert VERIFIED_TWO[name](case["table"]) == pytest.approx(case["verification"][name], abs=6e-7)


def _coders_by_units(case: dict) -> list[list]:
    return [list(col) for col in zip(*case["ratings_subjects_x_raters"])]


def _counts(case: dict):
    if case.get("counts_subjects_x_categories") is not None:
        return case["counts_subjects_x_categories"]
    return category_counts(_coders_by_units(case))


def _multi_rater(case: dict, key: str):
    counts = _counts(case)
    data = lambda: _coders_by_units(case)  # noqa: E731
    pa = lambda: percent_agreement(data())  # noqa: E731
    return {
        "fleiss_kappa": lambda: fleiss_kappa(counts),
        "po": lambda: fleiss_kappa_summary(counts).observed_agreement,
        "pe": lambda: fleiss_kappa_summary(counts).expected_agreement,
        "z": lambda: fleiss_kappa_summary(counts).z,
        "per_subject_P": lambda: list(fleiss_kappa_summary(counts).unit_agreement),
        "category_kappa": lambda: {str(k): v for k, v in fleiss_kappa_summary(counts).category_kappas.items()},
        "randolph_free_marginal": lambda: randolph_kappa(counts),
        "hubert_kappa": lambda: conger_kappa(data()),
        "conger_kappa": lambda: conger_kappa(data()),
        "light_mean_pairwise_cohen": lambda: light_kappa(data()),
        "cohen_kappa_raters_1_2": lambda: cohen_kappa(data()[:2]),
        "gwet_fleiss_kappa": lambda: gwet_fleiss_kappa(counts),
        "gwet_ac1": lambda: gwet_ac1(data()),
        "krippendorff_alpha": lambda: krippendorff_alpha(data()),
        "fleiss_pa": pa,
        # pe from kappa = (pa - pe) / (1 - pe)
        "fleiss_pe": lambda: (pa() - gwet_fleiss_kappa(counts)) / (1 - gwet_fleiss_kappa(counts)),
    }[key]()


MULTI_RATER = [
    pytest.param(case, key, id=f"{case['id']}-{key}")
    for case in _cases("multi_rater_cases")
    for key in case["expected"]
]


@pytest.mark.parametrize(("case", "key"), MULTI_RATER)
def test_multi_rater_published_values(case, key):
    tol = PUBLISHED_ROUNDING.get((case["id"], key), case["tolerance"])
    expected = case["expected"][key]
    got = _multi_rater(case, key)
    if key == "per_subject_P":  # printed to 3 decimals
        tol = max(tol, 5e-4)
    if isinstance(expected, dict):
        assert set(got) == set(expected)
        for k in expected:
            assert got[k] == pytest.approx(expected[k], abs=tol), k
    else:
        assert np.asarray(got) == pytest.approx(np.asarray(expected), abs=tol)


VERIFIED_MULTI = {
    "statsmodels_fleiss": lambda case: fleiss_kappa(_counts(case)),
    "statsmodels_randolph": lambda case: randolph_kappa(_counts(case)),
    "irrCAC_fleiss": lambda case: gwet_fleiss_kappa(_counts(case)),
    "irrCAC_conger": lambda case: conger_kappa(_coders_by_units(case)),
    "irrCAC_gwet_ac1": lambda case: gwet_ac1(_coders_by_units(case)),
    "irrCAC_bp": lambda case: brennan_prediger(_coders_by_units(case)),
}


@pytest.mark.parametrize(
    ("case", "name"),
    [
        pytest.param(c, n, id=f"{c['id']}-{n}")
        for c in _cases("multi_rater_cases")
        for n in VERIFIED_MULTI
        if n in c["verification"]
    ],
)
def test_multi_rater_matches_other_implementations(case, name):
    assert VERIFIED_MULTI[name](case) == pytest.approx(case["verification"][name], abs=6e-7)


# --- conventions -----------------------------------------------------------------------------------


def _anxiety() -> dict:
    return next(c for c in _cases("two_rater_cases") if c["id"] == "R_irr_anxiety_raters2_3")


def test_unused_categories_are_dropped_unless_listed():
    if not CASES.exists():
        pytest.skip("../shared/stats is not here")
    case = _anxiety()
    data = [case["raw_ratings_rater2"], case["raw_ratings_rater3"]]
    expected = case["expected"]
    assert cohen_kappa(data) == pytest.approx(expected["kappa"], abs=5e-7)
    assert cohen_kappa(data, weights="linear") == pytest.approx(expected["kappa_linear_equal"], abs=5e-7)
    assert cohen_kappa(data, weights="quadratic") == pytest.approx(expected["kappa_quadratic_squared"], abs=5e-7)
    assert contingency_table(data).index.tolist() == [1, 2, 3, 4, 6]
    # Listing category 5 (unused) spreads the weights over six categories: a different value.
    with_five = cohen_kappa(data, weights="linear", categories=[1, 2, 3, 4, 5, 6])
    assert with_five != pytest.approx(expected["kappa_linear_equal"], abs=1e-3)
    # Unweighted kappa does not depend on it.
    assert cohen_kappa(data, categories=[1, 2, 3, 4, 5, 6]) == pytest.approx(expected["kappa"])


def test_ratings_and_table_give_the_same_kappa():
    table = [[25, 12, 3], [13, 2, 15], [12, 16, 2]]
    data = _ratings_from_table(table)
    for fn in (cohen_kappa, scott_pi, brennan_prediger, gwet_ac1, percent_agreement):
        assert fn(data) == pytest.approx(fn(table=table))
    assert contingency_table(data).to_numpy().tolist() == table


def test_two_coder_kappa_uses_units_both_coded():
    data = [["a", "b", "a", None, "b"], ["a", "b", "b", "a", None]]
    assert cohen_kappa(data) == pytest.approx(cohen_kappa([["a", "b", "a"], ["a", "b", "b"]]))
    assert contingency_table(data).to_numpy().sum() == 3


def test_labels_and_dataframes():
    frame = pd.DataFrame([["yes", "no", "yes"], ["yes", "no", "no"]], index=["ann", "bo"])
    table = contingency_table(frame)
    assert table.index.name == "ann" and table.columns.name == "bo"
    assert cohen_kappa(frame) == pytest.approx(cohen_kappa([[1, 0, 1], [1, 0, 0]]))


def test_fleiss_equals_scott_for_two_coders_and_gwet_fleiss_without_gaps():
    data = _ratings_from_table([[20, 10, 2], [5, 30, 3], [1, 4, 25]])
    counts = category_counts(data)
    assert fleiss_kappa(counts) == pytest.approx(scott_pi(data))
    assert gwet_fleiss_kappa(counts) == pytest.approx(fleiss_kappa(counts))
    assert conger_kappa(data) == pytest.approx(cohen_kappa(data))
    assert randolph_kappa(counts) == pytest.approx(brennan_prediger(data))


# --- degenerate input ------------------------------------------------------------------------------


def test_one_coder_is_refused_by_name():
    frame = pd.DataFrame([[1, 2, 1], [None, None, None]], index=["A", "B"])
    with pytest.raises(InvalidInput, match="at least two coders; only 'A' coded"):
        cohen_kappa(frame)
    with pytest.raises(InvalidInput, match="at least two coders"):
        gwet_ac1([[1, 2, 3]])
    with pytest.raises(InvalidInput, match="at least two coders"):
        conger_kappa([[1, 2, 3]])


def test_no_unit_rated_by_two_coders():
    data = [[1, None, 2, None], [None, 1, None, 2]]
    with pytest.raises(InvalidInput, match="rated no unit in common"):
        cohen_kappa(data)
    with pytest.raises(InvalidInput, match="No unit was rated by two or more coders"):
        percent_agreement(data)
    with pytest.raises(InvalidInput, match="No unit was rated by two or more coders"):
        gwet_ac1(data)


def test_a_single_category_everywhere_is_undefined():
    data = [["x"] * 5, ["x"] * 5]
    for fn in (cohen_kappa, scott_pi):
        with pytest.raises(InvalidInput, match="undefined.*chance agreement"):
            fn(data)
    with pytest.raises(InvalidInput, match="at least two categories"):
        brennan_prediger(data)
    with pytest.raises(InvalidInput, match="at least two categories"):
        gwet_ac1(data)
    with pytest.raises(InvalidInput, match="undefined"):
        fleiss_kappa([[2, 0], [2, 0]])
    # Percent agreement is defined: every pair agrees.
    assert percent_agreement(data) == 1.0
    # With the categories coders could choose, Bennett's S is defined (Brennan & Prediger 1981).
    assert brennan_prediger(data, categories=["x", "y"]) == 1.0


def test_fleiss_refuses_unequal_raters_and_names_the_generalisation():
    with pytest.raises(InvalidInput, match="gwet_fleiss_kappa"):
        fleiss_kappa([[3, 0], [1, 1]])


def test_bad_tables_and_weights():
    with pytest.raises(InvalidInput, match="square"):
        cohen_kappa(table=[[1, 2, 3], [4, 5, 6]])
    with pytest.raises(InvalidInput, match="empty"):
        cohen_kappa(table=[[0, 0], [0, 0]])
    with pytest.raises(InvalidInput, match="2 x 2"):
        cohen_kappa(table=[[1, 2], [3, 4]], weights=np.eye(3))
    with pytest.raises(InvalidInput, match="weights must be"):
        cohen_kappa(table=[[1, 2], [3, 4]], weights="cubic")
    with pytest.raises(InvalidInput, match="compares two coders"):
        cohen_kappa([[1, 2], [1, 2], [2, 2]])
    with pytest.raises(InvalidInput, match="not among the categories"):
        cohen_kappa([[1, 2], [1, 3]], categories=[1, 2])
    with pytest.raises(InvalidInput, match="not both"):
        cohen_kappa([[1, 2], [1, 2]], table=[[1, 0], [0, 1]])


# --- segment presence ------------------------------------------------------------------------------


def test_segment_presence_matrix_per_code_with_assignments():
    codings = pd.DataFrame(
        [
            ("ann", "s1", "fear"),
            ("ann", "s2", "hope"),
            ("bo", "s1", "fear"),
            ("bo", "s1", "fear"),
            ("cy", "s3", "hope"),
        ],
        columns=["coder", "unit_id", "code"],
    )
    assignments = [(c, u) for c in ("ann", "bo") for u in ("s1", "s2", "s3")] + [("cy", "s3")]
    m = segment_presence_matrix(codings, assignments=assignments, codes=["fear", "hope", "anger"])
    assert list(m) == ["fear", "hope", "anger"]
    fear = m["fear"]
    assert fear.index.tolist() == ["ann", "bo", "cy"] and fear.columns.tolist() == ["s1", "s2", "s3"]
    assert fear.loc["ann"].tolist() == [1.0, 0.0, 0.0]
    assert fear.loc["bo"].tolist() == [1.0, 0.0, 0.0]
    assert np.isnan(fear.loc["cy", "s1"]) and fear.loc["cy", "s3"] == 0.0
    assert m["anger"].fillna(0).to_numpy().sum() == 0
    assert krippendorff_alpha(m["hope"]) == pytest.approx(krippendorff_alpha([[0, 1, 0], [0, 0, 0], [None, None, 1]]))


def test_segment_presence_matrix_refuses_strays():
    with pytest.raises(InvalidInput, match="not among the units assigned"):
        segment_presence_matrix([("ann", 1, "x")], assignments=[("ann", 2)])
    with pytest.raises(InvalidInput, match="not in units="):
        segment_presence_matrix([("ann", 1, "x")], units=[2, 3])
    with pytest.raises(InvalidInput, match="columns"):
        segment_presence_matrix(pd.DataFrame({"coder": ["a"], "code": ["x"]}))


# --- presence of many codes in units (turns), from the coded cells alone -----------------------------


def _coded(coders: int, codes: int, units: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    data = (rng.random((codes, coders, units)) < rng.random((codes, 1, 1)) * 0.4).astype(float)
    data[1] = 0  # a code nobody gave
    return data


def _presence(data: np.ndarray, **kwargs):
    from theorize.analysis.presence_agreement import presence_agreement

    k, c, u = np.nonzero(data)
    return presence_agreement(
        c,
        u,
        k,
        n_units=data.shape[2],
        coders=[f"c{i}" for i in range(data.shape[1])],
        codes=[f"k{i}" for i in range(data.shape[0])],
        **kwargs,
    )


@pytest.mark.parametrize("coders", [2, 3, 5])
def test_presence_agreement_equals_the_dense_coefficients(coders):
    krippendorff = pytest.importorskip("krippendorff")
    data = _coded(coders, 8, 120, seed=coders)
    result = _presence(data, n_resamples=0)
    assert result.left_out == {"k1": "nobody gave it"}
    for i, code in enumerate(f"k{i}" for i in range(8)):
        if code == "k1":
            assert code not in result.table.index
            continue
        row = result.table.loc[code]
        assert row["alpha"] == pytest.approx(krippendorff_alpha(data[i]), abs=1e-12)
        assert row["alpha"] == pytest.approx(
            krippendorff.alpha(reliability_data=data[i], level_of_measurement="nominal"), abs=1e-10
        )
        assert row["percent_agreement"] == pytest.approx(percent_agreement(data[i]), abs=1e-12)
        assert row["units_coded"] == int(data[i].any(axis=0).sum())
        if coders == 2:
            assert row["kappa"] == pytest.approx(cohen_kappa(data[i]), abs=1e-12)
    pooled = np.concatenate(list(data), axis=1)  # coders x (codes x units)
    assert result.overall["alpha"] == pytest.approx(krippendorff_alpha(pooled), abs=1e-12)
    assert result.overall["percent_agreement"] == pytest.approx(percent_agreement(pooled), abs=1e-12)
    assert result.overall["units"] == 120  # units are turns, not (code, turn) cells
    assert result.overall["units_coded"] == int(data.any(axis=(0, 1)).sum())
    assert result.coded_by.loc["k0"].tolist() == data[0].sum(axis=1).astype(int).tolist()
    assert result.coded_any.tolist() == data.any(axis=0).sum(axis=1).tolist()


def test_presence_agreement_per_code_interval_is_the_unit_bootstrap():
    data = _coded(2, 3, 200, seed=9)
    ours = _presence(data, n_resamples=4000, rng=1).table.loc["k0"]
    reference = krippendorff_alpha_ci(data[0], n_resamples=4000, rng=2)
    assert ours["alpha_ci_low"] == pytest.approx(reference.ci_low, abs=0.02)
    assert ours["alpha_ci_high"] == pytest.approx(reference.ci_high, abs=0.02)


def test_the_interval_over_all_codes_resamples_units_with_all_their_codes():
    """Naive: draw turns with replacement, keep every code of each drawn turn, recompute."""
    data = _coded(2, 6, 150, seed=4)
    rng = np.random.default_rng(3)
    naive = []
    for _ in range(3000):
        pick = rng.integers(0, 150, 150)
        naive.append(krippendorff_alpha(np.concatenate(list(data[:, :, pick]), axis=1)))
    ours = _presence(data, n_resamples=3000, rng=5).overall
    low, high = np.quantile(naive, [0.025, 0.975])
    assert ours["alpha_ci_low"] == pytest.approx(low, abs=0.015)
    assert ours["alpha_ci_high"] == pytest.approx(high, abs=0.015)
    assert ours["alpha_resamples"] == 3000


def test_presence_agreement_is_seeded_and_repeats_count_once():
    data = _coded(2, 4, 60, seed=2)
    k, c, u = np.nonzero(data)
    from theorize.analysis.presence_agreement import presence_agreement

    twice = presence_agreement(
        np.r_[c, c], np.r_[u, u], np.r_[k, k], n_units=60, coders=["a", "b"], codes=["w", "x", "y", "z"], rng=7
    )
    once = presence_agreement(c, u, k, n_units=60, coders=["a", "b"], codes=["w", "x", "y", "z"], rng=7)
    pd.testing.assert_frame_equal(twice.table, once.table)


def test_presence_agreement_refuses_what_it_cannot_compute():
    from theorize.analysis.presence_agreement import presence_agreement

    with pytest.raises(InvalidInput, match="at least two coders"):
        presence_agreement([0], [0], [0], n_units=3, coders=["a"], codes=["x"])
    with pytest.raises(InvalidInput, match="A unit position is outside 0 to 2"):
        presence_agreement([0], [3], [0], n_units=3, coders=["a", "b"], codes=["x"])
    with pytest.raises(InvalidInput, match="Alpha over all codes is undefined"):
        presence_agreement([], [], [], n_units=3, coders=["a", "b"], codes=["x"])
    everywhere = presence_agreement(
        [0, 0, 1, 1, 0],
        [0, 1, 0, 1, 0],
        [0, 0, 0, 0, 1],
        n_units=2,
        coders=["a", "b"],
        codes=["x", "y"],
        n_resamples=10,
    )
    assert everywhere.left_out == {"x": "every coder gave it to every unit"}


@pytest.mark.slow
def test_the_interval_over_all_codes_covers_the_true_alpha():
    """Issue 9 item 13: codes of one turn share its difficulty; resampling cells one by one was too
    narrow. The bench prints the figures (benches/bench_alpha.py --coverage)."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "benches" / "bench_alpha.py"
    spec = importlib.util.spec_from_file_location("bench_alpha", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    figures = bench.interval_coverage(120, resamples=300, seed=3)
    assert figures["coverage_turns"] >= 0.88
    assert figures["coverage_cells"] < figures["coverage_turns"]
    assert figures["width_cells"] < 0.8 * figures["width_turns"]
