"""Null backends: no model, no files, for tests and code paths where the backend is not under test.

The null embedder hashes words into a fixed number of buckets (a bag of words), so that passages
sharing words are near each other; the null language model answers nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from theorize.assist.protocols import Progress

_WORD = re.compile(r"[a-z0-9']+")


class NullEmbedder:
    """Words hashed into ``dimension`` buckets, normalised: lexical overlap, no model."""

    model_id = "null-hashed-words"

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                bucket = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                out[i, bucket % self.dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        out /= np.where(norms == 0, 1.0, norms)
        if progress:
            progress(len(texts), len(texts))
        return out


class NullLanguageModel:
    """Answers every prompt with nothing."""

    model_id = "null"

    def complete(self, prompt: str, *, max_tokens: int = 256) -> str:
        return ""
