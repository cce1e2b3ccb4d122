"""The three kinds of machine-help backend, each a small Protocol: an embedder turns passages into
vectors, a vector index finds the nearest ones, a language model completes a prompt.

Backends are named in :mod:`theorize.assist.registry`; each kind has a null implementation in
:mod:`theorize.assist.null` for tests where the backend itself is not under test.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np


#: Called with (done, total) while a long computation runs.
Progress = Callable[[int, int], None]


@runtime_checkable
class Embedder(Protocol):
    """Turns passages into unit-length vectors; the same text always gives the same vector."""

    @property
    def model_id(self) -> str:
        """Names the model and its weights; stored beside every vector it made."""
        ...

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        """A float32 array of shape (len(texts), dimension), each row of length 1."""
        ...


@runtime_checkable
class VectorIndex(Protocol):
    """Nearest neighbours by cosine similarity among unit-length vectors."""

    def fit(self, vectors: np.ndarray) -> VectorIndex:
        """Index the rows of ``vectors``; returns self."""
        ...

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, positions), each of shape (len(queries), k), best first; position -1 pads."""
        ...


@runtime_checkable
class LanguageModel(Protocol):
    """A local language model: a prompt in, text out, nothing leaving the machine."""

    @property
    def model_id(self) -> str:
        """Names the model file and its weights."""
        ...

    def complete(self, prompt: str, *, max_tokens: int = 256) -> str:
        """The model's answer to ``prompt`` (deterministic: greedy decoding, fixed seed)."""
        ...
