"""The machine-help backends, one contract each: every embedder and every vector index passes the
same tests; the default embedder is the real all-MiniLM-L6-v2 (int8 ONNX) and opens no socket."""

from __future__ import annotations

import numpy as np
import pytest

from tests.integration.assist_study import refuse_network
from theorize.assist import registry
from theorize.assist.protocols import Embedder, LanguageModel, VectorIndex
from theorize.errors import BackendUnavailable, InvalidInput

pytest.importorskip("onnxruntime")

PASSAGES = [
    "I was just doing my time in the program.",
    "I served my sentence and counted the days.",
    "We grew tomatoes in the community garden.",
]


@pytest.fixture
def no_network(monkeypatch):
    refuse_network(monkeypatch)


@pytest.mark.parametrize("name", ["minilm", "null"])
def test_every_embedder_gives_unit_vectors_the_same_each_time(name):
    emb = registry.embedder(name)
    assert isinstance(emb, Embedder)
    v = emb.embed(PASSAGES)
    assert v.shape == (3, emb.dimension) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(v, emb.embed(PASSAGES))
    assert emb.embed([]).shape == (0, emb.dimension)
    seen = []
    emb.embed(PASSAGES, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (3, 3)


def test_minilm_puts_passages_on_one_theme_nearest(no_network):
    from theorize.assist.embedders import MiniLMEmbedder

    emb = MiniLMEmbedder()  # a fresh instance: the model is loaded with the network refused
    v = emb.embed(PASSAGES)
    sims = v @ v.T
    assert sims[0, 1] > sims[0, 2] + 0.1
    assert emb.model_id == "all-MiniLM-L6-v2-onnx-int8" and emb.dimension == 384
    # batching and length sorting do not change a passage's vector
    alone = MiniLMEmbedder(batch_size=1).embed(PASSAGES[2:])
    assert np.allclose(alone[0], v[2], atol=1e-5)


def test_a_weight_file_that_is_not_the_pinned_one_is_refused(tmp_path):
    from theorize.assist.embedders import MiniLMEmbedder

    bogus = tmp_path / "model.onnx"
    bogus.write_bytes(b"not a model")
    with pytest.raises(BackendUnavailable) as err:
        MiniLMEmbedder(model_path=bogus).embed(["x"])
    assert str(err.value).startswith(f"{bogus} is not the pinned all-MiniLM-L6-v2 weight file")
    assert err.value.hint == "install_assist"


def test_an_unknown_backend_is_named():
    with pytest.raises(InvalidInput, match="'gpt' is not an embedder; choose minilm, null."):
        registry.embedder("gpt")
    with pytest.raises(InvalidInput, match="'hnsw' is not a vector index; choose approximate, exact."):
        registry.vector_index("hnsw")
    assert isinstance(registry.language_model("null"), LanguageModel)
    assert registry.language_model("null").complete("hello") == ""


def clustered(n: int, d: int = 32, centres: int = 50, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(centres, d))
    v = base[rng.integers(0, centres, n)] + rng.normal(scale=0.3, size=(n, d))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


@pytest.mark.parametrize("name", ["exact", "approximate"])
def test_every_vector_index_finds_the_nearest_vectors(name):
    vectors = clustered(5000)
    index = registry.vector_index(name).fit(vectors)
    assert isinstance(index, VectorIndex)
    queries = vectors[:50]
    scores, positions = index.search(queries, 10)
    assert positions.shape == (50, 10) and scores.shape == (50, 10)
    assert (positions[:, 0] == np.arange(50)).mean() >= 0.95  # a vector is its own nearest
    assert np.all(np.diff(scores, axis=1) <= 1e-6)  # best first
    truth = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(truth, positions)])
    assert recall >= (1.0 if name == "exact" else 0.9)


def test_exact_search_pads_when_there_are_fewer_vectors_than_asked():
    index = registry.vector_index("exact").fit(np.eye(2, dtype=np.float32))
    scores, positions = index.search(np.array([[1, 0]], dtype=np.float32), 3)
    assert positions.tolist() == [[0, 1, -1]] and scores[0, 2] == -np.inf
