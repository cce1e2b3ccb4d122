"""What spaCy's named entities miss in interviews like ours: titles with a name ("Judge Harmon"),
case and docket numbers, phones, emails, streets, programme and court names, ages over 89.

Each recogniser is a Presidio ``PatternRecognizer`` run straight on the text (no NLP engine, so
nothing is downloaded and nothing runs twice); its entity name is one of our types.
"""

from __future__ import annotations

import functools
import re

#: The types a finding can have, in the researcher's words.
TYPES = ("person", "place", "organisation", "date", "age", "phone", "email", "url", "address", "identifier")

#: Words before a name that say who the person is; "Judge Harmon" is a person, replaced as "[Judge A]".
TITLES = (
    "Judge",
    "Justice",
    "Magistrate",
    "Officer",
    "Detective",
    "Sergeant",
    "Sgt",
    "Deputy",
    "Sheriff",
    "Agent",
    "Dr",
    "Doctor",
    "Mr",
    "Mrs",
    "Ms",
    "Miss",
    "Mx",
    "Father",
    "Pastor",
    "Reverend",
    "Rev",
    "Counselor",
    "Counsellor",
    "Coach",
    "Nurse",
    "Professor",
    "Aunt",
    "Uncle",
    "Grandma",
    "Grandpa",
    "Attorney",
    "Lawyer",
    "Brother",
    "Sister",
)

_NAME = r"[A-Z][a-z]+(?:['\u2019-][A-Z]?[a-z]+)?"
_TITLE = r"(?:" + "|".join(TITLES) + r")\.?"
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
MONTH = re.compile(r"\b" + _MONTH + r"\b")
_PLACE_WORDS = r"(?:Street|St\.|Avenue|Ave\.|Road|Rd\.|Lane|Drive|Boulevard|Blvd\.|Highway|Parkway|Way|Place|Terrace)"
_ORG_WORDS = (
    r"(?:Court|Program|Programme|Center|Centre|Clinic|Hospital|General|House|Recovery|Services|Mechanical|"
    r"Auto Body|High School|High|School|College|University|Church|Ministries|Department|Jail|Prison|"
    r"Treatment|Foundation|Shelter|Motors|Bar|Diner|Grill|Construction|Farms|Industries|Company|Inc\.?)"
)

#: (name, type, pattern, score). Order matters only for ties; longer findings win over shorter ones.
PATTERNS: list[tuple[str, str, str, float]] = [
    ("email", "email", r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b", 1.0),
    (
        "url",
        "url",
        r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)]|\bwww\.[\w-]+(?:\.[\w-]+)+(?:/[^\s<>\"']*[^\s<>\"'.,;:!?)])?",
        0.95,
    ),
    ("ssn", "identifier", r"\b\d{3}-\d{2}-\d{4}\b", 0.95),
    ("phone", "phone", r"(?<![\w-])(?:\+?1[ .-]?)?(?:\(\d{3}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-])", 0.9),
    ("phone_uk", "phone", r"(?<![\w-])(?:\+44\s?|0)\d{4}\s?\d{6}(?![\w-])", 0.85),
    (
        "docket",
        "identifier",
        r"\b[A-Z]{1,5}-\d{2,4}-\d{2,7}\b|\b\d{2,4}-[A-Z]{1,5}-\d{2,7}\b|\b\d{2,4}[A-Z]{2,4}\d{4,8}\b",
        0.9,
    ),
    (
        "numbered",
        "identifier",
        (
            r"(?i:\b(?:case|docket|file|record|licen[cs]e|inmate|booking|member|patient|client|ID)\s+"
            r"(?:number|no\.?|num\.?|#)(?:'s|\s+is|:)?\s+)([A-Z0-9][A-Z0-9-]{3,})"
        ),
        0.85,
    ),
    ("title_name", "person", r"\b" + _TITLE + r"\s+" + _NAME + r"(?:\s+" + _NAME + r")?", 0.9),
    (
        "the_title_name",
        "person",
        r"(?i:\bthe\s+(?:judge|officer|detective|counselor|counsellor|doctor|lawyer)),\s+" + _NAME,
        0.85,
    ),
    ("address", "address", r"\b\d{1,5}\s+(?:" + _NAME + r"\s+){1,3}" + _PLACE_WORDS + r"(?!\w)", 0.9),
    (
        "street",
        "place",
        r"\b(?:" + _NAME + r"\s+){1,2}" + _PLACE_WORDS + r"(?!\w)|\b(?:Route|Highway|Interstate|I-)\s?\d{1,3}\b",
        0.85,
    ),
    (
        "organisation",
        "organisation",
        r"\b(?:" + _NAME + r"\s+|[A-Z][a-z]*-[A-Z][a-z]+\s+){1,3}" + _ORG_WORDS + r"\b",
        0.8,
    ),
    ("county", "place", r"\b(?:" + _NAME + r"\s+){1,2}(?:County|Township|Parish)\b", 0.85),
    ("date_numeric", "date", r"\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b|\b\d{4}-\d{2}-\d{2}\b", 0.9),
    (
        "date_words",
        "date",
        r"\b"
        + _MONTH
        + r"\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?\b|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?"
        + _MONTH
        + r"(?:,?\s+\d{4})?\b|\b"
        + _MONTH
        + r",?\s+\d{4}\b",
        0.85,
    ),
    (
        "age",
        "age",
        (
            r"(?i:\b(?:9\d|1[01]\d)[\s-]*years?[\s-]*old\b|\bninety[\s-](?:one|two|three|four|five|six|seven|eight|nine)\b|"
            r"\bninety\b(?=[\s-]*years)|\b(?:a|one)\s+hundred(?:\s+and\s+\w+)?\b(?=[\s-]*years))"
        ),
        0.9,
    ),
]

#: Words that look like names and are not (the project adds its own; see ``deid lists``).
DEFAULT_ALLOW = (
    "Drug Court",
    "drug court",
    "Higher Power",
    "Your Honor",
    "Your Honour",
    "God",
    "Lord",
    "Jesus",
    "AA",
    "NA",
    "Alcoholics Anonymous",
    "Narcotics Anonymous",
    "Big Book",
    "Twelve Steps",
    "Medicaid",
    "Medicare",
    "DUI",
    "DWI",
    "PO",
    "HVAC",
    "GED",
    "Suboxone",
    "Narcan",
    "Vivitrol",
    "Interviewer",
    "Participant",
    "Facilitator",
    "Thanks",
    "Okay",
    "Yeah",
    "Um",
    "Uh",
    "State",
    "the State",
    "Christmas",
    "Thanksgiving",
    "New Year",
    "New Year's",
    "Easter",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Mom",
    "Dad",
    "Methodist",
    "Baptist",
    "Catholic",
    "Little League",
    "Your Honor's",
    "Phase One",
    "Phase Two",
    "Fentanyl",
    "Xanax",
    "Methadone",
    "Adderall",
    "Percocet",
    "Oxy",
    "OxyContin",
    "Meth",
    "Molly",
    "UA",
    "UAs",
    "EtG",
    "CPS",
    "DMV",
    "CDL",
    "CO",
    "BIA",
    "IOP",
    "MAT",
    "DOC",
    "DA",
    "ER",
    "ICU",
    "Latino",
    "Latina",
    "Abuela",
    "Abuelo",
    "Nah",
    "Kinda",
)


@functools.lru_cache(maxsize=1)
def pattern_recognisers() -> list:
    """Presidio recognisers for :data:`PATTERNS`, built once (Presidio is imported only here)."""
    from presidio_analyzer import Pattern, PatternRecognizer

    out = []
    for name, kind, regex, score in PATTERNS:
        out.append(
            PatternRecognizer(
                supported_entity=kind,
                name=name,
                supported_language="en",
                patterns=[Pattern(name, regex, score)],
                global_regex_flags=re.MULTILINE,
            )
        )  # capitals matter: not IGNORECASE
    return out


#: A name after the word for who the person is to the speaker: "my son Caleb", "my buddy Big Mike".
_RELATION = re.compile(
    r"(?i:\b(?:my|his|her|our|their)\s+(?:(?:little|big|older|younger|baby|ex|late|best|step)[\s-]?)?"
    r"(?:son|daughter|kid|sister|brother|cousin|buddy|friend|sponsor|mom|mother|dad|father|wife|husband|"
    r"girlfriend|boyfriend|fianc[ée]e?|partner|uncle|aunt|grandma|grandmother|grandpa|grandfather|nephew|niece|"
    r"boss|roommate|counselor|counsellor|lawyer|PO|caseworker|case worker|neighbor|neighbour)),?\s+"
    r"(?P<name>" + _NAME + r"(?:\s+" + _NAME + r")?)"
)
#: Two capitalised words inside a sentence ("and then I got Anita Ruiz"): a name, less surely.
_TWO_NAMES = re.compile(r"(?<=[a-z,;] )(?P<name>" + _NAME + r" " + _NAME + r")(?=[\s.,;:!?'\u2019]|$)")


def run_patterns(text: str) -> list[tuple[int, int, str, float, str]]:
    """Every pattern's matches in ``text``: (start, end, type, score, recogniser)."""
    out = [(m.start("name"), m.end("name"), "person", 0.85, "relation") for m in _RELATION.finditer(text)]
    out += [(m.start("name"), m.end("name"), "person", 0.6, "two names") for m in _TWO_NAMES.finditer(text)]
    for recogniser in pattern_recognisers():
        kind = recogniser.supported_entities[0]
        for result in recogniser.analyze(text, [kind], None):
            start, end = result.start, result.end
            if recogniser.name == "numbered":  # the number only, not the words before it
                match = re.search(r"[A-Z0-9][A-Z0-9-]{3,}$", text[start:end])
                if match is None or not any(ch.isdigit() for ch in match.group()):
                    continue
                start = end - len(match.group())
            out.append((start, end, kind, float(result.score), recogniser.name))
    return out
