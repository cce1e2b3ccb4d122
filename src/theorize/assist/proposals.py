"""Focused-code proposals: initial codes grouped by what they are called and what they mark.

Each initial code is a vector: the mean of its name's vector and its passages' mean vector (both
of length 1, so name and passages weigh alike). Codes are joined by average-linkage clustering on
cosine distance, and a group closer than ``distance`` becomes a proposal: "these 7 initial codes ->
one focused code?".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class CodeGroup:
    """A proposed group: the member rows, how alike they are (mean cosine to the group's centre),
    and the member nearest the centre, whose name may serve for the focused code."""

    members: list[int]
    cohesion: float
    central: int


def code_vectors(name_vectors: np.ndarray, passage_means: np.ndarray) -> np.ndarray:
    """Each code's vector from its name and its passages (a code without passages: its name)."""
    has = np.linalg.norm(passage_means, axis=1, keepdims=True) > 0
    v = name_vectors + np.where(
        has, passage_means / np.maximum(np.linalg.norm(passage_means, axis=1, keepdims=True), 1e-12), 0
    )
    return (v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def group_codes(vectors: np.ndarray, *, distance: float = 0.6, min_size: int = 2) -> list[CodeGroup]:
    """Groups of at least ``min_size`` codes whose average cosine distance is under ``distance``,
    largest first.

    Examples:
        >>> import numpy as np
        >>> v = np.array([[1, 0], [0.99, 0.1], [0, 1], [0.1, 0.99], [-1, 0]], dtype=np.float32)
        >>> [g.members for g in group_codes(v / np.linalg.norm(v, axis=1, keepdims=True))]
        [[0, 1], [2, 3]]
    """
    from scipy.cluster.hierarchy import fcluster, linkage

    if len(vectors) < 2:
        return []
    tree = linkage(vectors.astype(np.float64), method="average", metric="cosine")
    labels = fcluster(tree, t=distance, criterion="distance")
    groups = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if len(members) < min_size:
            continue
        centre = vectors[members].mean(axis=0)
        centre /= max(float(np.linalg.norm(centre)), 1e-12)
        sims = vectors[members] @ centre
        groups.append(CodeGroup([int(m) for m in members], float(sims.mean()), int(members[np.argmax(sims)])))
    return sorted(groups, key=lambda g: (-len(g.members), -g.cohesion, g.members[0]))
