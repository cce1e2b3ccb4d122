"""Code suggestions learned from a researcher's own codings, on passage vectors.

Three learners (and the mean of two of them) score every (unit, code) pair between 0 and 1; a suggestion is a score at or above a
threshold chosen by cross-validation over sources (train on some interviews, score the others), so
the threshold is set by how the learner does on interviews it has not seen. Components follow
scikit-learn's conventions: ``__init__`` stores parameters, ``fit`` returns self, learned state ends
in ``_``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theorize.assist.index import ExactIndex
from theorize.errors import InvalidInput

METHODS = ("knn", "prototype", "linear", "linear+knn")


class NeighbourSuggester:
    """k nearest coded-or-uncoded units vote for their codes, weighted by similarity."""

    def __init__(self, k: int = 15, power: float = 4.0) -> None:
        self.k = k
        self.power = power

    def fit(self, X: np.ndarray, Y: np.ndarray) -> NeighbourSuggester:
        self.index_ = ExactIndex().fit(X)
        self.Y_ = Y.astype(np.float32)
        return self

    def scores(self, X: np.ndarray) -> np.ndarray:
        sims, pos = self.index_.search(X, min(self.k, len(self.Y_)))
        w = np.clip(sims, 0, None) ** self.power
        w[pos < 0] = 0
        votes = np.einsum("qk,qkc->qc", w, self.Y_[np.clip(pos, 0, None)])
        return votes / np.maximum(w.sum(axis=1, keepdims=True), 1e-12)


class PrototypeSuggester:
    """Each code's prototype is the mean of its units; a unit scores by how much nearer it is to
    the code's prototype than to the prototype of units without that code."""

    def fit(self, X: np.ndarray, Y: np.ndarray) -> PrototypeSuggester:
        def unit_mean(rows: np.ndarray) -> np.ndarray:
            m = X[rows].mean(axis=0) if rows.any() else np.zeros(X.shape[1], np.float32)
            return m / max(float(np.linalg.norm(m)), 1e-12)

        self.with_ = np.stack([unit_mean(Y[:, j]) for j in range(Y.shape[1])])
        self.without_ = np.stack([unit_mean(~Y[:, j]) for j in range(Y.shape[1])])
        return self

    def scores(self, X: np.ndarray) -> np.ndarray:
        margin = X @ self.with_.T - X @ self.without_.T
        return 1.0 / (1.0 + np.exp(-12.0 * margin))


class LinearSuggester:
    """A linear model per code: ridge regression of the code's presence on the vectors (one
    closed-form solve for all codes), then each code's output turned into a probability by a
    logistic fit with the classes weighted equally, so a rare code is not drowned by the many
    uncoded units and scores of different codes compare."""

    def __init__(self, alpha: float = 10.0) -> None:
        self.alpha = alpha

    def fit(self, X: np.ndarray, Y: np.ndarray) -> LinearSuggester:
        X = X.astype(np.float64)
        target = Y.astype(np.float64)
        self.mean_ = target.mean(axis=0)
        gram = X.T @ X + self.alpha * np.eye(X.shape[1])
        self.coef_ = np.linalg.solve(gram, X.T @ (target - self.mean_))
        out = X @ self.coef_ + self.mean_
        self.scale_ = np.array([_platt(out[:, j], Y[:, j]) for j in range(Y.shape[1])]).reshape(-1, 2)
        return self

    def scores(self, X: np.ndarray) -> np.ndarray:
        out = X.astype(np.float64) @ self.coef_ + self.mean_
        return (1.0 / (1.0 + np.exp(-(self.scale_[:, 0] * out + self.scale_[:, 1])))).astype(np.float32)


def _platt(f: np.ndarray, y: np.ndarray, steps: int = 30) -> tuple[float, float]:
    """(a, b) of P(y | f) = 1 / (1 + exp(-(a f + b))), fitted by Newton's method with both classes
    weighing alike (Platt 1999, "Probabilistic outputs for support vector machines")."""
    if y.all() or not y.any():
        return 0.0, 10.0 if y.all() else -10.0
    w = np.where(y, 0.5 / y.sum(), 0.5 / (~y).sum())
    a, b = 1.0, 0.0
    F = np.stack([f, np.ones_like(f)], axis=1)
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(a * f + b)))
        grad = F.T @ (w * (p - y))
        hess = (F * (w * p * (1 - p))[:, None]).T @ F + 1e-9 * np.eye(2)
        a, b = np.array([a, b]) - np.linalg.solve(hess, grad)
    return float(a), float(b)


class MeanSuggester:
    """The mean of two learners' scores (the linear model's and the neighbours' vote): each errs
    on different passages, so where both score high the code is more often the researcher's."""

    def fit(self, X: np.ndarray, Y: np.ndarray) -> MeanSuggester:
        self.linear_ = LinearSuggester().fit(X, Y)
        self.neighbours_ = NeighbourSuggester().fit(X, Y)
        return self

    def scores(self, X: np.ndarray) -> np.ndarray:
        return ((self.linear_.scores(X) + self.neighbours_.scores(X)) / 2).astype(np.float32)


def learner(method: str):
    """A new learner by name: knn, prototype, linear or linear+knn."""
    table = {
        "knn": NeighbourSuggester,
        "prototype": PrototypeSuggester,
        "linear": LinearSuggester,
        "linear+knn": MeanSuggester,
    }
    if method not in table:
        raise InvalidInput(
            f"{method!r} is not a way of learning codes; choose knn, prototype, linear, linear+knn or auto."
        )
    return table[method]()


@dataclass
class Fit:
    """How a learner did across sources it had not seen, at its chosen threshold."""

    method: str
    threshold: float
    precision: float
    recall: float
    f1: float
    folds: int
    per_unit: int = 1  # at most this many codes on one unit (up to the cap asked for), chosen alike


def _folds(groups: np.ndarray, n_folds: int) -> list[np.ndarray]:
    """Held-out masks: whole sources per fold (or units, when only one source is coded)."""
    names = np.unique(groups)
    if len(names) >= 2:
        order = np.random.default_rng(0).permutation(names)
        parts = np.array_split(order, min(n_folds, len(names)))
        return [np.isin(groups, part) for part in parts]
    idx = np.random.default_rng(0).permutation(len(groups))
    return [np.isin(np.arange(len(groups)), part) for part in np.array_split(idx, n_folds)]


def best_threshold(scores: np.ndarray, Y: np.ndarray, per_unit: int) -> tuple[float, float, float, float]:
    """The threshold with the best F1 over all (unit, code) pairs: (threshold, precision, recall, f1).

    Only each unit's ``per_unit`` best-scoring codes can be suggested.
    """
    kept = _top_per_unit(scores, per_unit)
    s, y = kept.ravel(), Y.ravel()
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    tp = np.cumsum(y)
    n = np.arange(1, len(s) + 1)
    positives = max(int(Y.sum()), 1)
    precision, recall = tp / n, tp / positives
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    valid = s > 0
    if not valid.any():
        return 1.0, 0.0, 0.0, 0.0
    i = int(np.argmax(np.where(valid, f1, -1)))
    return float(s[i]), float(precision[i]), float(recall[i]), float(f1[i])


def _top_per_unit(scores: np.ndarray, per_unit: int) -> np.ndarray:
    if scores.shape[1] <= per_unit:
        return scores
    cut = -np.partition(-scores, per_unit - 1, axis=1)[:, per_unit - 1 : per_unit]
    return np.where(scores >= cut, scores, 0.0)


class CodeSuggester:
    """Learns a researcher's codes and suggests them for new units.

    Args:
        method: ``knn``, ``prototype``, ``linear``, ``linear+knn`` (the mean of the two), or
            ``auto`` (the best by cross-validation).
        folds: cross-validation folds (whole sources held out).
        per_unit: at most this many codes suggested for one unit.
        choose_per_unit: let cross-validation pick how many codes a unit may get, up to
            ``per_unit``, with the threshold (otherwise ``per_unit``).

    Examples:
        >>> import numpy as np
        >>> rng = np.random.default_rng(1)
        >>> X = rng.normal(size=(60, 8)).astype(np.float32); X[:30, 0] += 4
        >>> X /= np.linalg.norm(X, axis=1, keepdims=True)
        >>> Y = np.zeros((60, 1), bool); Y[:30, 0] = True
        >>> s = CodeSuggester(method="prototype").fit(X, Y, groups=np.arange(60) % 4)
        >>> s.fit_.recall > 0.9
        True
    """

    def __init__(self, method: str = "auto", folds: int = 5, per_unit: int = 2, choose_per_unit: bool = True) -> None:
        self.method = method
        self.folds = folds
        self.per_unit = per_unit
        self.choose_per_unit = choose_per_unit

    def fit(self, X: np.ndarray, Y: np.ndarray, groups: np.ndarray) -> CodeSuggester:
        if len(X) < 2 or not Y.any():
            raise InvalidInput("There are no codings to learn from: code some passages first.")
        methods = METHODS if self.method == "auto" else (self.method,)
        for m in methods:
            learner(m)  # refuse an unknown method before any work
        masks = _folds(np.asarray(groups), self.folds)
        fits = []
        for m in methods:
            oof = np.zeros(Y.shape, dtype=np.float32)
            for held in masks:
                if held.all() or not Y[~held].any():
                    continue
                oof[held] = learner(m).fit(X[~held], Y[~held]).scores(X[held])
            for cap in range(1 if self.choose_per_unit else self.per_unit, self.per_unit + 1):
                threshold, p, r, f = best_threshold(oof, Y, cap)
                fits.append(Fit(m, threshold, p, r, f, len(masks), cap))
        self.fit_ = max(fits, key=lambda f: f.f1)
        self.fits_ = fits
        self.model_ = learner(self.fit_.method).fit(X, Y)
        return self

    def suggest(self, X: np.ndarray) -> list[tuple[int, int, float]]:
        """(unit row, code column, score) for every score at or above the threshold."""
        scores = _top_per_unit(self.model_.scores(X), self.fit_.per_unit)
        rows, cols = np.nonzero(scores >= self.fit_.threshold)
        return [(int(r), int(c), float(min(1.0, scores[r, c]))) for r, c in zip(rows, cols)]
