"""Speaker-turn detection in transcript text: every transcriber's convention the readers know."""

from __future__ import annotations

import re

import pytest

from theorize.domain.sources import Role, SourceKind
from theorize.errors import InvalidInput
from theorize.ingest import SpeakerRoles, detect_turns, read_source_bytes


def spoken(text: str, roles: SpeakerRoles | None = None) -> list[tuple[str | None, str]]:
    return [(t.speaker, text[t.start : t.end]) for t in detect_turns(text, roles)]


def read_txt(text: str, **kwargs):
    return read_source_bytes(text.encode("utf-8"), "c03.txt", **kwargs)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Interviewer: How did it start?\nParticipant: The judge.",
            [("Interviewer", "How did it start?"), ("Participant", "The judge.")],
        ),
        ("I: How did it start?\nR: The judge.", [("I", "How did it start?"), ("R", "The judge.")]),
        ("Q: How did it start?\nA: The judge.", [("Q", "How did it start?"), ("A", "The judge.")]),
        ("Int: How did it start?\nP3: The judge.", [("Int", "How did it start?"), ("P3", "The judge.")]),
        (
            "Moderator: Who starts?\nParticipant 2: Me.\nParticipant 4: Then me.",
            [("Moderator", "Who starts?"), ("Participant 2", "Me."), ("Participant 4", "Then me.")],
        ),
        (
            "Dr. Marsh: How did it start?\nLena Jones: The judge.\nDr. Marsh: And then?",
            [("Dr. Marsh", "How did it start?"), ("Lena Jones", "The judge."), ("Dr. Marsh", "And then?")],
        ),
        ("INTERVIEWER: Hello.\nCLIENT: Hi.", [("INTERVIEWER", "Hello."), ("CLIENT", "Hi.")]),
        ("**Interviewer:** Hello.\n**C03**: Hi.", [("Interviewer", "Hello."), ("C03", "Hi.")]),
        ("  Interviewer:   Hello.  \n\tP3:\tHi.", [("Interviewer", "Hello."), ("P3", "Hi.")]),
        ("Anna van der Berg: Hallo.\nI: Hello.", [("Anna van der Berg", "Hallo."), ("I", "Hello.")]),
        (
            "采访者：你好。\n参与者：你好。\n采访者：再见。",
            [("采访者", "你好。"), ("参与者", "你好。"), ("采访者", "再见。")],
        ),
    ],
)
def test_labels_as_transcribers_write_them(text, expected):
    assert spoken(text) == expected


@pytest.mark.parametrize(
    ("line", "speaker", "seconds"),
    [
        ("[00:01:23] Interviewer: How did it start?", "Interviewer", 83.0),
        ("(00:01:23) Interviewer: How did it start?", "Interviewer", 83.0),
        ("00:01:23 Interviewer: How did it start?", "Interviewer", 83.0),
        ("Interviewer (00:01:23): How did it start?", "Interviewer", 83.0),
        ("Interviewer [1:02:03.5]: How did it start?", "Interviewer", 3723.5),
        ("Interviewer: [04:05] How did it start?", "Interviewer", 245.0),
        ("[00:01:23] Lena Marsh: How did it start?", "Lena Marsh", 83.0),
    ],
)
def test_timestamps_become_started_at(line, speaker, seconds):
    turns = detect_turns(line)
    assert [(t.speaker, t.started_at, line[t.start : t.end]) for t in turns] == [
        (speaker, seconds, "How did it start?")
    ]


def test_otter_export_name_and_time_alone_on_a_line():
    text = "Lena Marsh  0:03\nHello and welcome.\n\nC03  0:09\nThanks.\nMore thanks."
    turns = detect_turns(text)
    assert [(t.speaker, t.started_at, text[t.start : t.end]) for t in turns] == [
        ("Lena Marsh", 3.0, "Hello and welcome."),
        ("C03", 9.0, "Thanks.\nMore thanks."),
    ]


def test_header_lines_stay_in_the_text_but_are_not_turns():
    text = (
        "FICTIONAL DEMO TRANSCRIPT - Interview C03\n"
        "Date: 12 March 2026\nLocation: Riverton\n\n"
        "Interviewer: How did you come to the program?\n\n"
        "C03: The judge said: go.\nSo I went.\n\n"
        "Then I stayed. Note: this continues.\n\n"
        "Interviewer: Ok."
    )
    src = read_txt(text)
    assert src.text == text
    assert [(t.speaker, t.role, text[t.start : t.end]) for t in src.turns] == [
        ("Interviewer", Role.INTERVIEWER, "How did you come to the program?"),
        ("C03", Role.PARTICIPANT, "The judge said: go.\nSo I went.\n\nThen I stayed. Note: this continues."),
        ("Interviewer", Role.INTERVIEWER, "Ok."),
    ]
    assert src.kind is SourceKind.INTERVIEW


def test_label_alone_on_its_line_takes_the_words_below():
    text = "Interviewer:\nHow did it start?\n\nP3:\n\nThe judge."
    assert spoken(text) == [("Interviewer", "How did it start?"), ("P3", "The judge.")]


def test_a_label_with_no_words_makes_no_turn():
    assert spoken("Interviewer: Hello?\nP3:\nInterviewer: Still there?") == [
        ("Interviewer", "Hello?"),
        ("Interviewer", "Still there?"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Note: bring the consent forms.\nNotes: more.",  # metadata keys
        "The thing is: nobody listened.\nWhat I mean is: they never did.",  # lower-case words
        "She said: go home.\nAnd he said: stay.",  # colon mid-sentence
        "Findings: many.\n\nNext Steps: more.",  # two different lead-ins, neither repeats
        "One two three four five six: too many words.\nOne two three four five six: again.",
        "See http://example.org: a link.\nTime 10:30 was late.",
    ],
)
def test_things_that_are_not_speaker_labels(text):
    assert all(t.speaker is None for t in detect_turns(text))


def test_a_wrapped_line_is_not_a_new_speaker():
    text = (
        "Interviewer: Where did you go then?\n"
        "C03: After court we drove over to\n"
        "Bridgeway Recovery: they had a bed for me.\n"
        "Interviewer: And then?"
    )
    assert spoken(text) == [
        ("Interviewer", "Where did you go then?"),
        ("C03", "After court we drove over to\nBridgeway Recovery: they had a bed for me."),
        ("Interviewer", "And then?"),
    ]


def test_time_stamped_field_notes_are_not_a_transcript():
    text = "10:30 Arrival: the court was full\n11:15 Hearing: the judge was late\nDeparture 12:00\nLunch."
    assert all(t.speaker is None for t in detect_turns(text))


def test_a_name_with_a_full_timestamp_speaking_once_is_a_speaker():
    text = "Interviewer: Anyone?\nP1: Me\n[00:03:10] Maria Lopez: And me\nP1: Ok"
    assert [s for s, _ in spoken(text)] == ["Interviewer", "P1", "Maria Lopez", "P1"]


def test_a_name_speaking_once_after_a_finished_sentence_is_a_speaker():
    text = "Moderator: Anyone else?\nP1: Yes.\nMaria Lopez: Me too.\nP1: Fine."
    assert [s for s, _ in spoken(text)] == ["Moderator", "P1", "Maria Lopez", "P1"]


def test_unlabelled_text_gets_one_turn_per_paragraph():
    text = "First paragraph,\nwrapped here.\n\n  Second paragraph.  \n\n\n\nThird."
    turns = detect_turns(text)
    assert [(t.speaker, t.role, text[t.start : t.end]) for t in turns] == [
        (None, Role.PARTICIPANT, "First paragraph,\nwrapped here."),
        (None, Role.PARTICIPANT, "Second paragraph."),
        (None, Role.PARTICIPANT, "Third."),
    ]
    assert read_txt(text).kind is SourceKind.DOCUMENT


def test_unlabelled_text_without_blank_lines_gets_one_turn_per_line():
    text = "First line.\nSecond line.\n   \nThird line."  # a line of spaces is blank
    assert spoken(text) == [(None, "First line.\nSecond line."), (None, "Third line.")]
    text = "First line.\nSecond line.\nThird line.\n"
    assert spoken(text) == [(None, "First line."), (None, "Second line."), (None, "Third line.")]


def test_roles_by_default():
    text = "\n".join(
        f"{label}: words."
        for label in [
            "Interviewer",
            "I",
            "Q",
            "Int",
            "Moderator",
            "Facilitator",
            "Researcher",
            "I2",
            "P3",
            "R",
            "A",
            "Participant 2",
            "Speaker 1",
            "Lena Marsh",
        ]
    )
    roles = [t.role for t in detect_turns(text)]
    assert roles == [Role.INTERVIEWER] * 7 + [Role.INTERVIEWER] + [Role.PARTICIPANT] * 6


@pytest.mark.parametrize(
    "override",
    [
        {"interviewer": ["Lena Marsh", "I"]},
        {"interviewer": "lena marsh"},
        {Role.INTERVIEWER: [re.compile(r"Lena\s+\w+")]},
        "Lena Marsh",
        re.compile("LENA MARSH", re.IGNORECASE),
        SpeakerRoles(interviewer=("Lena Marsh",)),
    ],
)
def test_speaker_override_names_the_interviewer(override):
    src = read_txt("Lena Marsh: Hello.\nC03: Hi.\nLena Marsh: Ok.", speaker_override=override)
    assert [(t.speaker, t.role) for t in src.turns] == [
        ("Lena Marsh", Role.INTERVIEWER),
        ("C03", Role.PARTICIPANT),
        ("Lena Marsh", Role.INTERVIEWER),
    ]


def test_speaker_override_makes_odd_labels_speakers_and_gives_other_roles():
    text = "lena: hello there.\nmr x: hi.\nInterpreter: He says hi."
    assert all(t.speaker is None for t in detect_turns(text))
    roles = SpeakerRoles.coerce({"interviewer": ["lena"], "participant": ["mr x"], "other": ["Interpreter"]})
    turns = detect_turns(text, roles)
    assert [(t.speaker, t.role) for t in turns] == [
        ("lena", Role.INTERVIEWER),
        ("mr x", Role.PARTICIPANT),
        ("Interpreter", Role.OTHER),
    ]


def test_speaker_override_overrides_the_defaults():
    roles = SpeakerRoles.coerce({"participant": ["I"]})
    assert [t.role for t in detect_turns("I: I said so.\nQ: Why?", roles)] == [Role.PARTICIPANT, Role.INTERVIEWER]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"boss": ["X"]}, "speaker_override names an unknown role 'boss'; use interviewer, participant or other"),
        ({"interviewer": [3]}, "speaker_override labels must be text or compiled patterns, not 3"),
        ({"interviewer": 3}, "speaker_override labels must be text or compiled patterns, not 3"),
        (
            42,
            "speaker_override must map interviewer, participant or other to speaker labels, "
            'for example {"interviewer": ["Lena Marsh", "I"]}, not int',
        ),
    ],
)
def test_bad_speaker_override(override, message):
    with pytest.raises(InvalidInput) as e:
        read_txt("I: Hi.", speaker_override=override)
    assert str(e.value) == message


def test_three_participants_make_a_focus_group():
    src = read_txt("Moderator: Hi all.\nP1: Hi.\nP2: Hello.\nP3: Hey.")
    assert src.kind is SourceKind.FOCUS_GROUP
    assert read_txt("Moderator: Hi.\nP1: Hi.", kind=SourceKind.FIELD_NOTE).kind is SourceKind.FIELD_NOTE


def test_turns_are_in_order_and_do_not_overlap_on_a_long_transcript():
    text = "HEADER\n\n" + "\n\n".join(
        f"{'Interviewer' if i % 2 else 'C03'}: words {i}\ncontinued {i}." for i in range(2000)
    )
    turns = detect_turns(text)
    assert len(turns) == 2000
    assert all(a.end <= b.start for a, b in zip(turns, turns[1:]))
    assert text[turns[-1].start : turns[-1].end] == "words 1999\ncontinued 1999."
