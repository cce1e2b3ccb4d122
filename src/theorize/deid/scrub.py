"""Withholding identified words wherever a project keeps them once a key is applied: older text
versions (masked, offsets kept), any other text column (replaced by its pseudonym) and the audit
trail's images (replaced by their digest, the original kept in the vault). Pure functions.

Examples:
    >>> words = Identified({"Judge Harmon": "[Judge A]", "Harmon": "[Judge A]"})
    >>> words.replace("Judge Harmon and Harmon's dog")
    "[Judge A] and [Judge A]'s dog"
    >>> words.mask("Harmon said")
    '\u2588\u2588\u2588\u2588\u2588\u2588 said'
"""

from __future__ import annotations

import json
import re
from typing import Any

from theorize.store.audit import value_digest, withheld_summary

MASK = "\u2588"  # a full block: one per code point, so offsets into an older version still hold


class Identified:
    """The identified words of a key (each with its replacement), found as whole words, capitals as written."""

    def __init__(self, replacements: dict[str, str]) -> None:
        self.replacements = {k: v for k, v in replacements.items() if k.strip()}
        words = sorted(self.replacements, key=len, reverse=True)
        self.pattern = (
            re.compile(r"(?<![\w])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w])") if words else None
        )

    def __bool__(self) -> bool:
        return self.pattern is not None

    def search(self, text: str) -> bool:
        return bool(self.pattern and isinstance(text, str) and self.pattern.search(text))

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, replacement) of every identified word in ``text``."""
        if not self.pattern:
            return []
        return [(m.start(), m.end(), self.replacements[m.group()]) for m in self.pattern.finditer(text)]

    def replace(self, text: str) -> str:
        return self.pattern.sub(lambda m: self.replacements[m.group()], text) if self.pattern else text

    def mask(self, text: str) -> str:
        return self.pattern.sub(lambda m: MASK * len(m.group()), text) if self.pattern else text


def withhold_images(items: list[dict[str, Any]], words: Identified, originals: dict[str, str]) -> int:
    """Replace every image value that holds an identified word by its digest (as a version-2 event
    hash covers it), keeping the original in ``originals`` by its SHA-256; how many were withheld."""
    withheld = 0
    for item in items:
        for side in ("before", "after"):
            image = item.get(side)
            if not isinstance(image, dict):
                continue
            for column, value in image.items():
                if words.search(value):
                    digest = value_digest(value)
                    originals[digest["sha256"]] = value
                    image[column] = digest
                    withheld += 1
    return withheld


def withhold_event(summary: str, changes: str, words: Identified, originals: dict[str, str]) -> tuple[str, str] | None:
    """An event's summary and changes with identified words withheld, or None when it holds none."""
    if not (words.search(summary) or words.search(changes)):
        return None
    items = json.loads(changes)
    withhold_images(items, words, originals)
    if words.search(summary):
        originals[value_digest(summary)["sha256"]] = summary
        summary = withheld_summary(summary)
    return summary, json.dumps(items, ensure_ascii=False, separators=(",", ":"), default=str)
