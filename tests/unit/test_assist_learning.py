"""Learning codes from a researcher's codings, grouping initial codes, in-vivo phrases and the
checks on a language model's answers: pure functions on arrays and strings."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from theorize.assist.in_vivo import candidates
from theorize.assist.llm import REMOVED, check_quotes, parse_labels
from theorize.assist.proposals import group_codes
from theorize.assist.suggest import CodeSuggester, best_threshold
from theorize.assist.units import label_matrix
from theorize.errors import InvalidInput


def themed(n_per: int = 40, d: int = 16, seed: int = 0):
    """Three themes and uncoded filler, in four sources; a unit of a theme carries its code."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(4, d)) * 3
    labels = np.repeat(np.arange(4), n_per)
    X = centres[labels] + rng.normal(size=(len(labels), d))
    X = (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32)
    Y = np.zeros((len(labels), 3), bool)
    for j in range(3):
        Y[labels == j, j] = True
    groups = np.tile(np.arange(4), len(labels) // 4)
    return X, Y, groups


@pytest.mark.parametrize("method", ["knn", "prototype", "linear", "linear+knn", "auto"])
def test_each_learner_recovers_codes_on_unseen_sources(method):
    X, Y, groups = themed()
    s = CodeSuggester(method=method, per_unit=1).fit(X, Y, groups)
    assert s.fit_.precision >= 0.9 and s.fit_.recall >= 0.9 and s.fit_.folds == 4
    found = s.suggest(X)
    got = np.zeros_like(Y)
    for r, c, score in found:
        got[r, c] = True
        assert 0 <= score <= 1
    assert (got == Y).mean() >= 0.95
    if method == "auto":
        assert {f.method for f in s.fits_} == {"knn", "prototype", "linear", "linear+knn"}


def test_how_many_codes_a_unit_gets_is_chosen_by_cross_validation_up_to_the_cap():
    X, Y, groups = themed()  # one code per unit: a second would only add wrong suggestions
    s = CodeSuggester(method="linear", per_unit=3).fit(X, Y, groups)
    assert s.fit_.per_unit == 1 and {f.per_unit for f in s.fits_} == {1, 2, 3}
    assert max(np.bincount([r for r, _, _ in s.suggest(X)])) == 1


def test_no_codings_to_learn_from_is_refused():
    X, Y, groups = themed()
    with pytest.raises(InvalidInput, match="There are no codings to learn from"):
        CodeSuggester().fit(X, np.zeros_like(Y), groups)
    with pytest.raises(InvalidInput, match="'svm' is not a way of learning codes"):
        CodeSuggester(method="svm").fit(X, Y, groups)


def test_the_threshold_is_the_one_with_the_best_f1():
    scores = np.array([[0.9], [0.8], [0.7], [0.2]])
    Y = np.array([[True], [True], [False], [False]])
    assert best_threshold(scores, Y, per_unit=1) == (0.8, 1.0, 1.0, 1.0)


def test_a_coding_marks_every_unit_its_span_overlaps():
    starts, ends = np.array([0, 10, 20]), np.array([9, 19, 29])
    Y = label_matrix(starts, ends, [(5, 12, 7), (25, 25, 8), (0, 3, 99)], [7, 8])
    assert Y.tolist() == [[True, False], [True, False], [False, True]]


def test_codes_alike_are_grouped_and_the_central_one_named():
    v = np.array([[1, 0, 0], [0.95, 0.3, 0], [0.9, 0.1, 0.1], [0, 0, 1], [0, 0.1, 1]], dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    groups = group_codes(v, distance=0.2)
    assert [g.members for g in groups] == [[0, 1, 2], [3, 4]]
    assert groups[0].central == 2 and 0.9 < groups[0].cohesion <= 1


def test_in_vivo_candidates_prefer_quoted_and_repeated_phrases_of_this_participant():
    text = (
        'I call it "the paper trail". The paper trail follows you. '
        "My counselor listened to me. The paper trail never ends."
    )
    rest = Counter({f"other{i} words{i}": 5 for i in range(200)})
    rest["counselor listened"] = 40
    found = candidates(text, [(0, len(text))], rest)
    assert found[0].phrase == "paper trail" and found[0].count == 3
    assert found[0].reasons == ["quoted", "said 3 times", "distinctive"]
    assert text[found[0].start : found[0].end] == "paper trail"
    assert all("counselor listened" != c.phrase.lower() for c in found)


def test_only_gerund_labels_are_kept():
    answer = 'Here are three labels:\n1. Bracing for the judge\nLabel 2: Keeping it short\n3. "I was doing my time"'
    labels = parse_labels(answer)
    assert labels.labels == ["bracing for the judge", "keeping it short"]
    assert labels.dropped == ["Here are three labels:", "I was doing my time"]


def test_a_quotation_not_in_the_transcripts_is_removed_and_counted():
    passages = ["Honestly? I was just doing my  time.", "She kept what I told her to herself."]
    draft = 'Clients say "I was just doing my time" and \u201cthe judge was my friend\u201d; one said "she KEPT what I told her".'
    checked = check_quotes(draft, passages)
    assert checked.dropped == ["the judge was my friend"]
    assert checked.kept == ["I was just doing my  time", "She kept what I told her"]  # as said
    assert REMOVED in checked.text and "judge was my friend" not in checked.text
    assert "\u201cI was just doing my  time\u201d" in checked.text
