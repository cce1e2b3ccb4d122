"""Sentences and lines inside a span, for coding sentence by sentence or line by line."""

from __future__ import annotations

import pytest

from theorize.errors import InvalidInput
from theorize.ingest import split_lines, split_sentences


def sentences(text: str, start: int = 0, end: int | None = None) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, start, end)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
        (
            "Dr. Marsh and Mr. Lee met Mrs. Smith. Then they left.",
            ["Dr. Marsh and Mr. Lee met Mrs. Smith.", "Then they left."],
        ),
        ("Rules, e.g. curfews, i.e. limits. Fine.", ["Rules, e.g. curfews, i.e. limits.", "Fine."]),
        (
            "Call J. Smith now. No. 5 is next. I said no. Then I left.",
            ["Call J. Smith now.", "No. 5 is next.", "I said no.", "Then I left."],
        ),
        (
            "I was... I don't know. It was… hard. Really?! Yes.",
            ["I was... I don't know.", "It was… hard.", "Really?!", "Yes."],
        ),
        (
            "I said [inaudible 00:01:02] and. [Crosstalk. Unclear] Then we went.",
            ["I said [inaudible 00:01:02] and.", "[Crosstalk. Unclear] Then we went."],
        ),
        (
            'He said "Stop." Then I left. "Why?" she asked. (It was late.) Fine.',
            ['He said "Stop."', "Then I left.", '"Why?" she asked.', "(It was late.)", "Fine."],
        ),
        ("It cost 3.50 dollars. 2 people came.", ["It cost 3.50 dollars.", "2 people came."]),
        ("A line without a stop\ncontinues here. Next.", ["A line without a stop\ncontinues here.", "Next."]),
        ("A paragraph without a stop\n\nNext paragraph.", ["A paragraph without a stop", "Next paragraph."]),
        ("我去了法院。法官很严格！你呢？", ["我去了法院。", "法官很严格！", "你呢？"]),
        ("שלום. מה שלומך? 🙂 Café naïve. End", ["שלום.", "מה שלומך?", "🙂 Café naïve.", "End"]),
        ("   ", []),
    ],
)
def test_split_sentences(text, expected):
    assert sentences(text) == expected


def test_sentences_inside_a_span_use_offsets_into_the_whole_text():
    text = "Interviewer: Hi. How are you?\nP3: Fine. Thanks."
    start = text.index("Fine")
    spans = split_sentences(text, start, len(text))
    assert spans == [(start, start + 5), (start + 6, len(text))]
    assert sentences(text, 13, 29) == ["Hi.", "How are you?"]


def test_split_lines():
    text = "Interviewer: Hi\r\n\n  P3: Hello  \n\t\nEnd"
    assert [text[s:e] for s, e in split_lines(text)] == ["Interviewer: Hi", "P3: Hello", "End"]
    assert [text[s:e] for s, e in split_lines(text, 3, 25)] == ["erviewer: Hi", "P3: H"]


@pytest.mark.parametrize("span", [(-1, 3), (4, 2), (0, 99)])
def test_a_span_outside_the_text(span):
    with pytest.raises(InvalidInput) as e:
        split_sentences("Hello.", *span)
    assert str(e.value) == (
        f"the span {span[0]}..{span[1]} lies outside the text (6 characters); "
        "give offsets between 0 and the length of the text"
    )
