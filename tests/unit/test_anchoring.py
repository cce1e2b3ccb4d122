"""Codings survive text edits: spans carried through a word diff, in code points."""

from __future__ import annotations

import pytest

from theorize.domain.anchoring import TextDiff


def carry(old: str, new: str, words: str):
    start = old.index(words)
    a = TextDiff(old, new).anchor(start, start + len(words))
    return new[a.start : a.end], a.review


@pytest.mark.parametrize(
    "old,new,words",
    [
        (
            "I kept it 😶 quiet. Then the judge 👩‍⚖️ asked.",
            "Um, I kept it 😶 quiet. Then the judge 👩‍⚖️ asked.",
            "the judge 👩‍⚖️ asked",
        ),
        (
            "José said: caf\u0065\u0301 with Luis.",
            "Then José said: caf\u0065\u0301 with Luis.",
            "caf\u0065\u0301 with Luis",
        ),
        ("המטפל אמר לי את האמת. I trusted him.", "המטפל אמר לי את כל האמת. I trusted him.", "I trusted him"),
        (
            "Interviewer: Hi.\r\nParticipant: I was scared.\r\n",
            "Interviewer: Hello.\r\nParticipant: I was scared.\r\n",
            "I was scared",
        ),
    ],
    ids=["emoji", "combining-accent", "right-to-left", "crlf"],
)
def test_unchanged_words_keep_their_coding_exactly(old, new, words):
    assert carry(old, new, words) == (words, None)


def test_a_fixed_word_inside_a_coding_is_flagged_changed():
    old = "I was scared of the judge, honestly."
    new = "I was scared of Judge Whitfield, honestly."
    assert carry(old, new, "scared of the judge") == ("scared of Judge Whitfield", "changed")


def test_deleted_words_leave_an_orphan_in_place_never_dropped():
    old = "First part. [inaudible 00:01:02] Second part."
    new = "First part. Second part."
    text, review = carry(old, new, "[inaudible 00:01:02]")
    assert (text, review) == ("", "orphaned")
    a = TextDiff(old, new).anchor(old.index("[inaudible"), old.index("[inaudible") + 20)
    assert a.start == new.index("Second")


def test_right_to_left_edit_keeps_offsets_in_code_points():
    old = "שלום 🙂 עולם, the counselor listened."
    new = "שלום 🙂 עולם יפה, the counselor listened."
    assert carry(old, new, "the counselor listened") == ("the counselor listened", None)
    assert carry(old, new, "🙂") == ("🙂", None)


def test_insertions_before_shift_all_later_codings():
    old = "a b c d e f g"
    new = "x y z a b c d e f g"
    d = TextDiff(old, new)
    for w in "abcdefg":
        i = old.index(w)
        a = d.anchor(i, i + 1)
        assert new[a.start : a.end] == w and a.review is None
