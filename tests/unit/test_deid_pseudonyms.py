"""One key: mentions of one person become one replacement; tags, surrogates, dates generalised or shifted."""

from __future__ import annotations

from theorize.deid.pseudonyms import Key, date_label


def test_one_person_written_three_ways_is_one_entity():
    key = Key()
    labels = {key.label_for("person", w) for w in ("Judge Harmon", "Harmon", "the judge, Harmon")}
    assert labels == {"[Judge A]"}
    assert key.label_for("person", "Luis Ortega") == "[Person A]"
    assert key.label_for("person", "Luis") == "[Person A]"
    assert key.label_for("person", "Judge Santos") == "[Judge B]"


def test_places_and_organisations_are_numbered_by_kind():
    key = Key()
    assert [key.label_for("place", w) for w in ("Ashford", "Orchard Street", "Calloway County", "ashford")] == [
        "[Town 1]",
        "[Street 1]",
        "[County 1]",
        "[Town 1]",
    ]
    assert key.label_for("organisation", "Calloway County Drug Court") == "[Court 1]"
    assert key.label_for("organisation", "Bridgeway Recovery Services") == "[Programme 1]"


def test_dates_generalise_to_season_and_year_or_shift_by_days():
    assert date_label("March 5, 2021") == "[date: spring 2021]"
    assert date_label("in January") == "[date: winter]"
    assert date_label("4/15/2024", style="shift", shift_days=10) == "[date: 2024-04-25]"
    assert date_label("4/15/2024", style="shift", shift_days=10, tags=False) == "April 25, 2024"


def test_surrogates_and_the_key_survive_the_vault_round_trip():
    key = Key(style="surrogates")
    judge = key.label_for("person", "Judge Harmon")
    assert judge.startswith("Judge ") and "[" not in judge
    again = Key.from_json(key.to_json())
    assert again.label_for("person", "Harmon") == judge
