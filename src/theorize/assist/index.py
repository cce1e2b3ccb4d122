"""Vector indexes: exact search with numpy, and an approximate inverted-file index (faiss) for
projects of a million units.

Both take unit-length float32 vectors and rank by inner product (= cosine similarity).
"""

from __future__ import annotations

import numpy as np

from theorize.errors import InvalidInput


def _as_matrix(vectors: np.ndarray) -> np.ndarray:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim != 2:
        raise InvalidInput("Vectors must be a two-dimensional array (one row per passage).")
    return vectors


def top_k(
    vectors: np.ndarray, query: np.ndarray, k: int, keep: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best rows for one query, exactly: (positions, scores), best first (ties by position).

    One matrix-vector product over the whole float32 matrix (no copy of its rows), the rows a
    filter leaves out (``keep`` False) set aside, then a partial sort of the scores.

    Examples:
        >>> import numpy as np
        >>> v = np.eye(4, dtype=np.float32)
        >>> q = np.array([0.1, 0.9, 0.3, 0.0], dtype=np.float32)
        >>> top_k(v, q, 2)[0].tolist(), top_k(v, q, 2, keep=np.array([1, 0, 1, 1], bool))[0].tolist()
        ([1, 2], [2, 0])
    """
    scores = vectors @ np.asarray(query, dtype=vectors.dtype)
    n = len(scores) if keep is None else int(np.count_nonzero(keep))
    kk = min(k, n)
    if kk <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    if keep is not None:
        scores[~keep] = -np.inf
    if kk < len(scores):
        cut = scores[np.argpartition(scores, len(scores) - kk)[len(scores) - kk]]
        top = np.flatnonzero(scores >= cut)  # every row tied at the cut, so ties go to the first
    else:
        top = np.arange(len(scores))
    top = top[np.lexsort((top, -scores[top]))][:kk]
    return top.astype(np.int64), scores[top]


class ExactIndex:
    """Every vector compared with the query: exact, and fast enough to ~100,000 units.

    Examples:
        >>> import numpy as np
        >>> index = ExactIndex().fit(np.eye(3, dtype=np.float32))
        >>> scores, positions = index.search(np.array([[0.0, 1.0, 0.0]], dtype=np.float32), 2)
        >>> positions[0].tolist(), scores[0].round(2).tolist()
        ([1, 0], [1.0, 0.0])
    """

    def fit(self, vectors: np.ndarray) -> ExactIndex:
        self.vectors_ = _as_matrix(vectors)
        return self

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = _as_matrix(queries)
        n = len(self.vectors_)
        if len(queries) == 1 and 0 < k <= n:
            positions, best = top_k(self.vectors_, queries[0], k)
            return best[None, :].astype(np.float32), positions[None, :]
        scores = queries @ self.vectors_.T
        kk = min(k, n)
        if kk == 0:
            return np.full((len(queries), k), -np.inf, np.float32), np.full((len(queries), k), -1, np.int64)
        top = np.argpartition(-scores, kk - 1, axis=1)[:, :kk]
        top_scores = np.take_along_axis(scores, top, axis=1)
        order = np.argsort(-top_scores, axis=1, kind="stable")
        positions = np.take_along_axis(top, order, axis=1).astype(np.int64)
        best = np.take_along_axis(top_scores, order, axis=1)
        if kk < k:
            positions = np.pad(positions, ((0, 0), (0, k - kk)), constant_values=-1)
            best = np.pad(best, ((0, 0), (0, k - kk)), constant_values=-np.inf)
        return best.astype(np.float32), positions


class InvertedFileIndex:
    """An approximate index (faiss ``IndexIVFFlat`` on inner product): vectors are grouped around
    ``lists`` centroids learned by k-means, and a query looks only in its ``probes`` nearest groups.

    Args:
        lists: number of groups (default: about 4 * sqrt(n), at most 4,096).
        probes: groups searched per query; more is slower and closer to exact.
        train_size: at most this many vectors train the centroids.
        seed: k-means seed, so an index is rebuilt the same.
    """

    def __init__(self, lists: int | None = None, probes: int = 64, train_size: int = 160_000, seed: int = 0) -> None:
        self.lists = lists
        self.probes = probes
        self.train_size = train_size
        self.seed = seed

    def fit(self, vectors: np.ndarray) -> InvertedFileIndex:
        from theorize.assist.embedders import require

        faiss = require("faiss")
        vectors = _as_matrix(vectors)
        n, d = vectors.shape
        lists = self.lists or int(min(4096, max(1, 4 * np.sqrt(n))))
        lists = max(1, min(lists, n // 39 or 1))  # faiss wants ~39 training points per centroid
        quantizer = faiss.IndexFlatIP(d)
        index = faiss.IndexIVFFlat(quantizer, d, lists, faiss.METRIC_INNER_PRODUCT)
        index.cp.seed = self.seed
        rng = np.random.default_rng(self.seed)
        sample = vectors if n <= self.train_size else vectors[rng.choice(n, self.train_size, replace=False)]
        index.train(sample)
        index.add(vectors)
        index.nprobe = min(self.probes, lists)
        self.index_, self.lists_ = index, lists
        return self

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        scores, positions = self.index_.search(_as_matrix(queries), k)
        return scores, positions.astype(np.int64)
