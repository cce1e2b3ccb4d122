"""Exact similar-passage search in place (one product over the matrix, filters as masks) gives what
sorting every allowed score gives; marking units by many codings at once matches one at a time."""

from __future__ import annotations

import numpy as np
import pytest

from theorize.assist.index import ExactIndex, top_k
from theorize.assist.units import covered, overlaps


@pytest.mark.parametrize("k", [1, 10, 250])
def test_top_k_is_the_sorted_allowed_scores(k):
    rng = np.random.default_rng(k)
    v = rng.normal(size=(2000, 16)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    q = v[3] + rng.normal(0, 0.1, 16).astype(np.float32)
    keep = rng.random(2000) < 0.3
    for mask in (None, keep):
        allowed = np.arange(2000) if mask is None else np.flatnonzero(mask)
        scores = v[allowed] @ q
        want = allowed[np.lexsort((allowed, -scores))][:k]
        got, best = top_k(v, q, k, mask)
        assert got.tolist() == want.tolist()
        assert np.allclose(best, v[want] @ q)
        assert np.all(np.diff(best) <= 0)


def test_top_k_with_few_or_no_rows_allowed():
    v = np.eye(5, dtype=np.float32)
    q = np.ones(5, dtype=np.float32)
    only = np.array([False, False, True, False, True])
    assert top_k(v, q, 10, only)[0].tolist() == [2, 4]
    assert top_k(v, q, 3, np.zeros(5, bool))[0].tolist() == []
    assert ExactIndex().fit(v).search(q[None, :], 2)[1].tolist() == [[0, 1]]  # ties: first rows first


def test_covered_marks_what_overlaps_marks():
    rng = np.random.default_rng(7)
    cuts = np.sort(rng.choice(np.arange(1, 5000), 400, replace=False))
    starts, ends = np.r_[0, cuts[:-1]], cuts - 1  # units with a one-character gap between them
    spans = rng.integers(0, 5000, size=(60, 2))
    spans = np.sort(spans, axis=1)
    spans[:5, 1] = spans[:5, 0]  # a few empty spans: the unit holding them
    want = np.zeros(len(starts), bool)
    for a, b in spans:
        want |= overlaps(starts, ends, int(a), int(b))
    assert covered(starts, ends, spans[:, 0], spans[:, 1]).tolist() == want.tolist()
