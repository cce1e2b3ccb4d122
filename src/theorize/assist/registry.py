"""Backends by name: the default embedder, vector index and language model, and their null
stand-ins. A front end names a backend; nothing else imports a backend's module directly.

Examples:
    >>> from theorize.assist.registry import embedder, vector_index
    >>> embedder("null").model_id
    'null-hashed-words'
    >>> type(vector_index("exact")).__name__
    'ExactIndex'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from theorize.assist.protocols import Embedder, LanguageModel, VectorIndex
from theorize.errors import InvalidInput

#: Above this many units, similar-passage search uses the approximate index.
APPROXIMATE_FROM = 200_000


def _minilm(**kw: Any) -> Embedder:
    from theorize.assist.embedders import MiniLMEmbedder

    return MiniLMEmbedder(**kw)


def _null_embedder(**kw: Any) -> Embedder:
    from theorize.assist.null import NullEmbedder

    return NullEmbedder(**kw)


def _exact(**kw: Any) -> VectorIndex:
    from theorize.assist.index import ExactIndex

    return ExactIndex(**kw)


def _ivf(**kw: Any) -> VectorIndex:
    from theorize.assist.index import InvertedFileIndex

    return InvertedFileIndex(**kw)


def _llama(**kw: Any) -> LanguageModel:
    from theorize.assist.llm import LlamaCppModel

    return LlamaCppModel(**kw)


def _null_llm(**kw: Any) -> LanguageModel:
    from theorize.assist.null import NullLanguageModel

    return NullLanguageModel(**kw)


EMBEDDERS: dict[str, Callable[..., Embedder]] = {"minilm": _minilm, "null": _null_embedder}
INDEXES: dict[str, Callable[..., VectorIndex]] = {"exact": _exact, "approximate": _ivf}
LANGUAGE_MODELS: dict[str, Callable[..., LanguageModel]] = {"llama-cpp": _llama, "null": _null_llm}

_CACHE: dict[tuple, Embedder] = {}


def _pick(kind: str, table: dict[str, Callable[..., Any]], name: str, kw: dict[str, Any]) -> Any:
    if name not in table:
        raise InvalidInput(
            f"{name!r} is not a{'n' if kind[0] in 'aeiou' else ''} {kind}; choose {', '.join(sorted(table))}."
        )
    return table[name](**kw)


def embedder(name: str = "minilm", **kw: Any) -> Embedder:
    """The embedder called ``name``; one instance per name and options (loading a model takes time)."""
    key = (name, tuple(sorted(kw.items())))
    if key not in _CACHE:
        _CACHE[key] = _pick("embedder", EMBEDDERS, name, kw)
    return _CACHE[key]


def vector_index(name: str = "exact", **kw: Any) -> VectorIndex:
    """A new, empty vector index: ``exact`` or ``approximate``."""
    return _pick("vector index", INDEXES, name, kw)


def language_model(name: str = "llama-cpp", **kw: Any) -> LanguageModel:
    """A local language model: ``llama-cpp`` (a GGUF file named by ``path``) or ``null``."""
    return _pick("language model", LANGUAGE_MODELS, name, kw)
