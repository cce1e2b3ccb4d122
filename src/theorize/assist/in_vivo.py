"""In-vivo candidates: a participant's own phrases that stand out, for the transcript in view.

A phrase (2 to 6 words inside one sentence of the participant's turns, not starting or ending on a
function word) is a candidate when it is set apart: put in quotation marks, repeated, or used far
more by this participant than by the rest of the corpus. Distinctiveness is the log-odds ratio with
an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words", Political Analysis
16(4)), as a z-score; half a pseudo-count is added so that a phrase nobody else used is not
dismissed for its wide variance.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)*")
_QUOTED = re.compile(r"[\"\u201c]([^\"\u201c\u201d]{3,80})[\"\u201d]")

FUNCTION_WORDS = frozenset(
    """a an the and or but if so as of at by for from in into on onto to up with
about over under than then that this these those there here it its it's i i'm i've i'd me my mine we
us our you your he him his she her they them their is am are was were be been being do does did have has
had not no yes just like um uh yeah okay ok oh well really very what which who whom whose when where why
how all any some can could would should will shall may might must gonna wanna kind sort thing things
know mean said say says get got because don't didn't doesn't can't won't wasn't isn't""".split()
)  # noqa: SIM905


@dataclass
class Candidate:
    """A phrase, where it first occurs (characters), how often, its score and why it stands out."""

    phrase: str
    start: int
    end: int
    count: int
    score: float
    reasons: list[str] = field(default_factory=list)


def _phrases(text: str, spans: Sequence[tuple[int, int]], longest: int):
    """(lower-cased phrase, start, end) for every 2..longest-word phrase inside each span."""
    for a, b in spans:
        words = [(m.start() + a, m.end() + a, m.group().lower()) for m in _WORD.finditer(text[a:b])]
        # a phrase stays inside one clause: no punctuation between its words
        joined = [not text[words[j][1] : words[j + 1][0]].strip() for j in range(len(words) - 1)]
        for i in range(len(words)):
            for n in range(2, longest + 1):
                if i + n > len(words) or not joined[i + n - 2]:
                    break
                chunk = words[i : i + n]
                if chunk[0][2] in FUNCTION_WORDS or chunk[-1][2] in FUNCTION_WORDS:
                    continue
                yield " ".join(w for _, _, w in chunk), chunk[0][0], chunk[-1][1]


def counts_of(text: str, spans: Sequence[tuple[int, int]], longest: int = 6) -> Counter:
    return Counter(p for p, _, _ in _phrases(text, spans, longest))


def candidates(
    text: str,
    spans: Sequence[tuple[int, int]],
    rest: Counter,
    *,
    limit: int = 20,
    longest: int = 6,
    min_z: float = 1.96,
) -> list[Candidate]:
    """The phrases of ``text[spans]`` that stand out against ``rest`` (phrase counts elsewhere).

    Examples:
        >>> text = 'P: I was "doing my time". Just doing my time, doing my time, you know.'
        >>> [c.phrase for c in candidates(text, [(3, len(text))], Counter(), limit=2)]
        ['doing my time']
    """
    first: dict[str, tuple[int, int]] = {}
    here: Counter = Counter()
    for phrase, s, e in _phrases(text, spans, longest):
        here[phrase] += 1
        first.setdefault(phrase, (s, e))
    quoted = set()
    for a, b in spans:
        for m in _QUOTED.finditer(text[a:b]):
            inner = " ".join(w.lower() for w in _WORD.findall(m.group(1)))
            if 1 <= len(inner.split()) <= 8:
                quoted.add(inner)
    n_here, n_rest = sum(here.values()) or 1, sum(rest.values()) or 1
    alpha0 = 0.01 * (n_here + n_rest)
    out = []
    for phrase, y in here.items():
        in_quotes = any(f" {phrase} " in f" {q} " for q in quoted)
        r = rest.get(phrase, 0)
        prior = 0.5 + alpha0 * (y + r) / (n_here + n_rest)  # half a count more: a phrase unseen elsewhere
        delta = np.log((y + prior) / max(n_here + alpha0 - y - prior, 0.5)) - np.log(
            (r + prior) / max(n_rest + alpha0 - r - prior, 0.5)
        )
        z = float(delta / np.sqrt(1 / (y + prior) + 1 / (r + prior)))
        reasons = []
        if in_quotes:
            reasons.append("quoted")
        if y >= 2:
            reasons.append(f"said {y} times")
        if z >= min_z and rest:
            reasons.append("distinctive")
        if not reasons or (reasons == ["distinctive"] and y < 2 and not in_quotes):
            continue
        score = z + (3.0 if in_quotes else 0.0) + np.log(y)
        s, e = first[phrase]
        out.append(Candidate(text[s:e], s, e, y, round(float(score), 3), reasons))
    out.sort(key=lambda c: (-c.score, c.start))
    chosen: list[Candidate] = []
    for c in out:  # a phrase inside a better one adds nothing
        if any(c.phrase.lower() in k.phrase.lower() for k in chosen):
            continue
        chosen.append(c)
        if len(chosen) >= limit:
            break
    return chosen
