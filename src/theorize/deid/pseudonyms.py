"""One key for the whole project: confirmed findings grouped into entities, each with one replacement.

"Judge Harmon", "Harmon" and "the judge, Harmon" are one person; "Calloway County" in two
transcripts is one place. Replacements are bracketed tags as the UK Data Service recommends
("[Judge A]", "[Town 1]", "[date: spring 2021]") or realistic surrogates ("Judge Ellison",
"Fairview"). Dates are generalised to a season and year, or shifted by a number of days kept per
participant. Pure functions: no I/O.

Examples:
    >>> key = Key()
    >>> key.label_for("person", "Judge Harmon"), key.label_for("person", "Harmon")
    ('[Judge A]', '[Judge A]')
    >>> key.label_for("place", "Ashford"), key.label_for("date", "March 5, 2021")
    ('[Town 1]', '[date: spring 2021]')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from theorize.deid.detect import _name_words
from theorize.deid.recognisers import TITLES

STYLES = ("tags", "surrogates")
DATE_STYLES = ("generalise", "shift")
_ROLES = {
    "Judge": "Judge",
    "Justice": "Judge",
    "Magistrate": "Judge",
    "Officer": "Officer",
    "Detective": "Officer",
    "Sergeant": "Officer",
    "Sgt": "Officer",
    "Deputy": "Officer",
    "Sheriff": "Officer",
    "Agent": "Officer",
    "Dr": "Doctor",
    "Doctor": "Doctor",
    "Father": "Pastor",
    "Pastor": "Pastor",
    "Reverend": "Pastor",
    "Rev": "Pastor",
    "Counselor": "Counsellor",
    "Counsellor": "Counsellor",
    "Coach": "Coach",
    "Nurse": "Nurse",
    "Professor": "Teacher",
    "Attorney": "Lawyer",
    "Lawyer": "Lawyer",
    "judge": "Judge",
    "officer": "Officer",
    "detective": "Officer",
    "counselor": "Counsellor",
    "counsellor": "Counsellor",
    "doctor": "Doctor",
    "lawyer": "Lawyer",
}
_PLACE_KINDS = [
    (
        re.compile(
            r"(Street|St\.|Avenue|Ave\.|Road|Rd\.|Lane|Drive|Boulevard|Way|Place|Terrace|Route \d+|"
            r"Highway|Parkway)$"
        ),
        "Street",
    ),
    (re.compile(r"(County|Township|Parish)$"), "County"),
]
_ORG_KINDS = [
    (re.compile(r"Court\b"), "Court"),
    (re.compile(r"(Hospital|General|Clinic|Medical)\b"), "Hospital"),
    (re.compile(r"(School|High|College|University|Academy)\b"), "School"),
    (re.compile(r"(Program|Programme|Recovery|House|Center|Centre|Treatment|Shelter)\b"), "Programme"),
    (re.compile(r"(Church|Ministries|Chapel)\b"), "Church"),
]
_TAG = {
    "place": "Town",
    "organisation": "Organisation",
    "address": "Address",
    "identifier": "Case number",
    "phone": "Phone",
    "email": "Email",
    "url": "Website",
}
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_SEASONS = {
    12: "winter",
    1: "winter",
    2: "winter",
    3: "spring",
    4: "spring",
    5: "spring",
    6: "summer",
    7: "summer",
    8: "summer",
    9: "autumn",
    10: "autumn",
    11: "autumn",
}
_FIRST = [
    "Alex",
    "Jordan",
    "Casey",
    "Morgan",
    "Riley",
    "Taylor",
    "Jamie",
    "Avery",
    "Quinn",
    "Rowan",
    "Drew",
    "Sage",
    "Emerson",
    "Reese",
    "Harper",
    "Skyler",
    "Blake",
    "Cameron",
    "Dana",
    "Elliot",
]
_LAST = [
    "Ellison",
    "Marlow",
    "Pruitt",
    "Vance",
    "Holloway",
    "Teague",
    "Lindqvist",
    "Okafor",
    "Brennan",
    "Castell",
    "Dorsey",
    "Farrow",
    "Gaines",
    "Hadley",
    "Ivers",
    "Jessup",
    "Keller",
    "Lowry",
    "Mercer",
    "Navarro",
]
_TOWNS = [
    "Fairview",
    "Oakridge",
    "Lakeside",
    "Greenfield",
    "Brookhaven",
    "Cedar Falls",
    "Maple Grove",
    "Pine Bluff",
    "Westbury",
    "Elmwood",
]


def letters(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA (as spreadsheet columns)."""
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def role_of(text: str) -> str:
    """The role a title names ("Judge Harmon" -> "Judge"); "Person" when there is none or it is Mr/Ms."""
    words = re.findall(r"[A-Za-z]+", text)
    for word in words[:3]:
        if word in _ROLES:
            return _ROLES[word]
    return "Person"


def kind_of(kind: str, text: str) -> str:
    """The word a tag uses: Town, Street, County, Court, Programme, Hospital, ..."""
    table = _PLACE_KINDS if kind == "place" else _ORG_KINDS if kind == "organisation" else []
    for pattern, word in table:
        if pattern.search(text.strip()):
            return word
    return _TAG.get(kind, kind.capitalize())


def parse_date(text: str) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) as far as ``text`` says them; US order for numbers (3/5/2021 is March 5)."""
    numeric = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", text)
    if numeric:
        return int(numeric.group(1)), int(numeric.group(2)), int(numeric.group(3))
    numeric = re.search(r"\b(\d{1,2})/(\d{1,2})/(\d{2,4})\b", text)
    if numeric:
        short = int(numeric.group(3))
        return (short + 2000 if short < 100 else short), int(numeric.group(1)), int(numeric.group(2))
    lowered = text.lower()
    month = next((i + 1 for i, m in enumerate(_MONTHS) if re.search(r"\b" + m, lowered)), None)
    year = re.search(r"\b(1[89]\d\d|20\d\d)\b", text)
    day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b(?!\d)", re.sub(r"\b\d{4}\b", "", text))
    return (int(year.group(1)) if year else None, month, int(day.group(1)) if day else None)


def date_label(text: str, *, style: str = "generalise", shift_days: int = 0, tags: bool = True) -> str:
    """A date generalised to its season and year ("[date: spring 2021]"), or shifted by
    ``shift_days`` when it names a day, month and year (else generalised)."""
    year, month, day = parse_date(text)
    if style == "shift" and year and month and day:
        try:
            moved = date(year, month, day) + timedelta(days=shift_days)
        except ValueError:
            moved = None
        if moved:
            return f"[date: {moved.isoformat()}]" if tags else moved.strftime("%B %-d, %Y")
    season = _SEASONS.get(month or 0)
    said = " ".join(str(p) for p in (season, year) if p) or "date"
    return f"[date: {said}]" if tags else said


@dataclass
class Entity:
    """One person, place or organisation: its replacement and the forms it was written in."""

    type: str
    label: str
    forms: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)  # name words, for persons


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower().removeprefix("the ")).strip(" ,.")


@dataclass
class Key:
    """The project's key: entities with their replacements, grown as findings are confirmed.

    Args:
        style: "tags" ("[Judge A]") or "surrogates" ("Judge Ellison").
        date_style: "generalise" (season and year) or "shift" (by ``shift_days``).
    """

    style: str = "tags"
    date_style: str = "generalise"
    entities: list[Entity] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)

    def find(self, kind: str, text: str) -> Entity | None:
        """The entity ``text`` belongs to, if the key has it (a surname alone joins its full name)."""
        norm = _norm(text)
        for entity in self.entities:  # the same words are one entity, whatever type a finding gave them
            if norm in entity.forms:
                return entity
        same_type = [e for e in self.entities if e.type == kind]
        if kind != "person":
            return None
        words = {w.lower() for w in _name_words(text)}
        if not words:
            return None
        containing = [e for e in same_type if words <= e.words]
        if len(containing) == 1:
            return containing[0]
        overlapping = [e for e in same_type if e.words <= words and e.words]
        return overlapping[0] if len(overlapping) == 1 else None

    def label_for(self, kind: str, text: str, *, shift_days: int = 0) -> str:
        """The replacement for ``text``; a new entity (and label) the first time it is met."""
        if kind == "date":
            return date_label(text, style=self.date_style, shift_days=shift_days, tags=self.style == "tags")
        if kind == "age":
            return "[age: over 89]" if self.style == "tags" else "over 89"
        entity = self.find(kind, text)
        if entity is None:
            entity = Entity(kind, self._new_label(kind, text))
            self.entities.append(entity)
        entity.forms.add(_norm(text))
        if kind == "person":
            entity.words |= {w.lower() for w in _name_words(text)}
        return entity.label

    def _new_label(self, kind: str, text: str) -> str:
        word = role_of(text) if kind == "person" else kind_of(kind, text)
        n = self.counters[word] = self.counters.get(word, 0) + 1
        if self.style == "tags":
            return f"[{word} {letters(n) if kind == 'person' else n}]"
        if kind == "person":
            name = (
                _LAST[(n - 1) % len(_LAST)]
                if word != "Person"
                else f"{_FIRST[(n - 1) % len(_FIRST)]} {_LAST[(n + 6) % len(_LAST)]}"
            )
            return f"{word} {name}" if word != "Person" else name
        if kind == "place" and word == "Town":
            return _TOWNS[(n - 1) % len(_TOWNS)]
        return f"{word} {n}"

    # -- kept in the vault -------------------------------------------------------------------------
    def to_json(self) -> dict:
        return {
            "style": self.style,
            "date_style": self.date_style,
            "counters": self.counters,
            "entities": [
                {"type": e.type, "label": e.label, "forms": sorted(e.forms), "words": sorted(e.words)}
                for e in self.entities
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> Key:
        key = cls(
            data.get("style", "tags"), data.get("date_style", "generalise"), counters=dict(data.get("counters", {}))
        )
        key.entities = [
            Entity(e["type"], e["label"], set(e["forms"]), set(e.get("words", ()))) for e in data.get("entities", [])
        ]
        return key


__all__ = ["DATE_STYLES", "STYLES", "TITLES", "Entity", "Key", "date_label", "kind_of", "letters", "role_of"]
