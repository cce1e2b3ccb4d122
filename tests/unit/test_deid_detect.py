"""Finding identifying words: patterns, the model, the researcher's lists, names found once looked for everywhere."""

from __future__ import annotations

import pytest

from theorize.deid.detect import Detector
from theorize.errors import InvalidInput


def _found(texts, **kw):
    return [[(f.text, f.type) for f in found] for found in Detector(**kw).scan(texts)]


def test_patterns_find_titles_case_numbers_phones_emails_streets_and_old_ages():
    text = (
        "Judge Whitfield gave me a night. Case number's DC-2025-1108. Call (617) 555-0199 or "
        "tom.b@example.org. I stayed at 212 Bell Street. Grandma is 94 years old. It was March 5, 2021."
    )
    assert _found([text], use_model=False)[0] == [
        ("Judge Whitfield", "person"),
        ("DC-2025-1108", "identifier"),
        ("(617) 555-0199", "phone"),
        ("tom.b@example.org", "email"),
        ("212 Bell Street", "address"),
        ("94 years old", "age"),
        ("March 5, 2021", "date"),
    ]


def test_look_alikes_are_not_found():
    text = "Drug Court every Thursday; my Higher Power; yes Your Honor; in 2019 my first DUI; AA and the Big Book."
    assert _found([text])[0] == []


def test_a_name_found_once_is_found_everywhere_and_the_lists_are_obeyed():
    texts = ["My counselor is Luis Ortega, at Bridgeway.", "Luis is okay. Ortega too. Harmon was there."]
    found = _found(texts, deny=[("Harmon", "person")], allow=["Bridgeway"])
    assert ("Luis", "person") in found[1] and ("Ortega", "person") in found[1]
    assert ("Harmon", "person") in found[1]
    assert not any(words == "Bridgeway" for words, _ in found[0])


def test_offsets_are_code_points_and_possessives_stay_outside():
    text = "\U0001f642 Judge Whitfield's courtroom."
    (finding,) = Detector(use_model=False).scan([text])[0]
    assert text[finding.start : finding.end] == "Judge Whitfield" and finding.start == 2


def test_a_deny_entry_of_an_unknown_type_is_refused():
    with pytest.raises(InvalidInput, match="'alias' is not a type of finding"):
        Detector(deny=[("Harmon", "alias")])
