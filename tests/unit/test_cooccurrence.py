"""Co-occurrence counts and Jaccard: hand-worked cases, a brute-force check, and speed."""

from __future__ import annotations

import doctest
import itertools
import time

import numpy as np
import pandas as pd
import pytest

from theorize.analysis import cooccurrence as module
from theorize.analysis.cooccurrence import cooccurrence, cooccurrence_jaccard
from theorize.errors import InvalidInput


def _codings(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["source_id", "code_id", "start", "end"])


# --- hand-worked cases ----------------------------------------------------------------------------


def test_overlap_counts_pairs_of_codings():
    codings = _codings(
        [
            ("s1", "fear", 0, 100),
            ("s1", "trust", 50, 60),
            ("s1", "trust", 90, 120),
            ("s1", "family", 100, 110),  # touches fear's end: no overlap
            ("s2", "fear", 0, 10),
            ("s2", "family", 5, 8),
            ("s3", "trust", 0, 10),  # another source: never meets s1
        ]
    )
    counts = cooccurrence(codings)
    assert list(counts.index) == ["family", "fear", "trust"]
    assert counts.loc["fear", "trust"] == 2 and counts.loc["trust", "fear"] == 2
    assert counts.loc["fear", "family"] == 1
    assert counts.loc["family", "trust"] == 1  # trust 90-120 overlaps family 100-110
    assert np.diag(counts).tolist() == [2, 2, 3]
    assert counts.dtypes.unique().tolist() == [np.dtype("int64")]


def test_overlap_window_counts_near_codings():
    codings = _codings([("s", "a", 0, 10), ("s", "b", 10, 20), ("s", "c", 25, 30)])
    assert cooccurrence(codings).loc["a", "b"] == 0  # adjacent is not overlapping
    assert cooccurrence(codings, window=1).loc["a", "b"] == 1
    assert cooccurrence(codings, window=4).loc["b", "c"] == 0  # gap of 5
    assert cooccurrence(codings, window=5).loc["b", "c"] == 1


def test_overlap_jaccard_units_are_codings():
    codings = _codings([("s", "a", 0, 10), ("s", "b", 5, 15), ("s", "a", 40, 50), ("s", "c", 60, 70)])
    jaccard = cooccurrence_jaccard(codings)
    # a has two codings, one meets b; b has one coding, it meets a: (1 + 1) / (2 + 1)
    assert jaccard.loc["a", "b"] == pytest.approx(2 / 3)
    assert jaccard.loc["a", "c"] == 0.0
    assert np.diag(jaccard).tolist() == [1.0, 1.0, 1.0]
    assert ((jaccard >= 0) & (jaccard <= 1)).all().all()


def test_segment_mode_is_jaccard_of_segment_sets():
    codings = pd.DataFrame(
        {
            "source_id": ["s"] * 6 + ["t"],
            "code_id": ["a", "b", "a", "a", "b", "a", "b"],
            "segment_index": [0, 0, 1, 2, 3, 2, 0],  # a twice in segment 2 counts once
        }
    )
    counts = cooccurrence(codings, mode="segment")
    assert counts.loc["a", "b"] == 1 and counts.loc["a", "a"] == 3 and counts.loc["b", "b"] == 3
    jaccard = cooccurrence_jaccard(codings, mode="segment")
    assert jaccard.loc["a", "b"] == pytest.approx(1 / 5)  # {s0} / {s0, s1, s2, s3, t0}
    near = cooccurrence(codings, mode="segment", window=1)
    # pairs (a seg, b seg) within 1 in source s: (0,0), (1,0), (2,3)
    assert near.loc["a", "b"] == 3
    near_j = cooccurrence_jaccard(codings, mode="segment", window=1)
    # co-occurring segments: s0 (a, b), s1 (a near b at 0), s2 (a near b at 3), s3 (b near a at 2) -> 4 of 5
    assert near_j.loc["a", "b"] == pytest.approx(4 / 5)


def test_codes_parameter_orders_and_filters():
    codings = _codings([("s", "a", 0, 10), ("s", "b", 5, 15), ("s", "z", 0, 20)])
    counts = cooccurrence(codings, codes=["b", "a", "unused"])
    assert list(counts.index) == ["b", "a", "unused"] and list(counts.columns) == ["b", "a", "unused"]
    assert counts.loc["unused"].tolist() == [0, 0, 0]
    assert cooccurrence_jaccard(codings, codes=["unused", "a"]).loc["unused"].tolist() == [0.0, 0.0]


# --- brute force ------------------------------------------------------------------------------------


def _brute(frame: pd.DataFrame, mode: str, window: int) -> tuple[np.ndarray, np.ndarray]:
    codes = sorted(frame["code_id"].unique())
    index = {c: i for i, c in enumerate(codes)}
    if mode == "segment":
        frame = frame.drop_duplicates(["source_id", "segment_index", "code_id"])
    rows = frame.to_dict("records")
    k = len(codes)
    counts, units, hits = np.zeros((k, k), dtype=int), np.zeros(k, dtype=int), set()
    for r in rows:
        units[index[r["code_id"]]] += 1
    for (ia, r), (ib, s) in itertools.combinations(enumerate(rows), 2):
        if r["source_id"] != s["source_id"] or r["code_id"] == s["code_id"]:
            continue
        if mode == "overlap":
            gap = max(s["start"] - r["end"], r["start"] - s["end"])
            near = gap < 0 if window == 0 else gap <= window
        else:
            near = abs(r["segment_index"] - s["segment_index"]) <= window
        if near:
            a, b = index[r["code_id"]], index[s["code_id"]]
            counts[a, b] += 1
            counts[b, a] += 1
            unit_a = (r["source_id"], r["segment_index"]) if mode == "segment" else ia
            unit_b = (s["source_id"], s["segment_index"]) if mode == "segment" else ib
            hits |= {(a, b, unit_a), (b, a, unit_b)}
    np.fill_diagonal(counts, units)
    jaccard = np.eye(k)
    for a, b in itertools.permutations(range(k), 2):
        together = {u for (x, y, u) in hits if {x, y} == {a, b}}
        if mode == "segment":
            either = {(r["source_id"], r["segment_index"]) for r in rows if index[r["code_id"]] in (a, b)}
        else:
            either = [r for r in rows if index[r["code_id"]] in (a, b)]
        jaccard[a, b] = len(together) / len(either)
    return counts, jaccard


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("chunk", [4_000_000, 3])
def test_matches_brute_force(seed, chunk, monkeypatch):
    monkeypatch.setattr(module, "_PAIRS_PER_CHUNK", chunk)
    monkeypatch.setattr(module, "_BITMAP_LIMIT", 64_000_000 if chunk > 3 else 0)  # bitmap and sort paths
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 45))
    frame = pd.DataFrame(
        {
            "source_id": rng.choice(["s1", "s2", "s3"], n),
            "code_id": rng.choice(list("abcde"), n),
            "start": rng.integers(0, 200, n),
            "segment_index": rng.integers(0, 8, n),
        }
    )
    frame["end"] = frame["start"] + rng.integers(1, 40, n)
    for mode in ("overlap", "segment"):
        for window in (0, 1, 3):
            counts, jaccard = _brute(frame, mode, window)
            np.testing.assert_array_equal(cooccurrence(frame, mode, window).to_numpy(), counts)
            np.testing.assert_allclose(cooccurrence_jaccard(frame, mode, window).to_numpy(), jaccard)


def test_symmetric_and_bounded_on_random_data():
    rng = np.random.default_rng(5)
    n = 2000
    frame = pd.DataFrame(
        {"source_id": rng.integers(0, 10, n), "code_id": rng.integers(0, 30, n), "start": rng.integers(0, 5000, n)}
    )
    frame["end"] = frame["start"] + rng.integers(1, 200, n)
    counts = cooccurrence(frame).to_numpy()
    jaccard = cooccurrence_jaccard(frame).to_numpy()
    assert (counts == counts.T).all() and (jaccard == jaccard.T).all()
    assert (counts >= 0).all() and ((jaccard >= 0) & (jaccard <= 1)).all()


def test_fifty_thousand_codings_stay_fast():
    rng = np.random.default_rng(0)
    n = 50_000
    frame = pd.DataFrame(
        {"source_id": rng.integers(0, 100, n), "code_id": rng.integers(0, 200, n), "start": rng.integers(0, 50_000, n)}
    )
    frame["end"] = frame["start"] + rng.integers(20, 500, n)
    began = time.perf_counter()
    counts = cooccurrence(frame)
    elapsed = time.perf_counter() - began
    assert counts.shape == (200, 200)
    assert elapsed < 5.0  # generous guard against a quadratic regression; benches/ measures the real figure


# --- degenerate input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "kwargs", "message"),
    [
        (pd.DataFrame(columns=["source_id", "code_id", "start", "end"]), {}, "no codings"),
        (pd.DataFrame({"source_id": ["s"], "code_id": ["a"]}), {}, "no start or end column"),
        (
            pd.DataFrame({"source_id": ["s"], "code_id": ["a"], "start": [0], "end": [5]}),
            {"mode": "segment"},
            "no segment_index column",
        ),
        (_codings([("s", "a", 5, 5)]), {}, "end where or before they start"),
        (_codings([("s", "a", 0.5, 5)]), {}, "whole numbers"),
        (_codings([("s", None, 0, 5)]), {}, "no code_id"),
        (_codings([("s", "a", 0, 5)]), {"window": -1}, "window"),
        (_codings([("s", "a", 0, 5)]), {"mode": "paragraph"}, "mode"),
        (_codings([("s", "a", 0, 5)]), {"measure": "cosine"}, "measure"),
        (_codings([("s", "a", 0, 5)]), {"codes": []}, "codes is empty"),
        ([("s", "a", 0, 5)], {}, "table"),
    ],
)
def test_degenerate_input(frame, kwargs, message):
    with pytest.raises(InvalidInput, match=message):
        cooccurrence(frame, **kwargs)


def test_docstring_examples():
    assert doctest.testmod(module, raise_on_error=False).failed == 0
