"""Encodings and line endings: the stored text is exactly what offsets refer to."""

from __future__ import annotations

import codecs
import unicodedata

import pytest

from theorize.errors import InvalidInput
from theorize.ingest import read_source_bytes
from theorize.ingest.encoding import decode_text

TRANSCRIPT = "Interviewer: How was the café – naïve?\nP3: It was “grand”, really.\n"


def words_of(src):
    return [(t.speaker, src.text[t.start : t.end]) for t in src.turns]


EXPECTED = [("Interviewer", "How was the café – naïve?"), ("P3", "It was “grand”, really.")]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + TRANSCRIPT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + TRANSCRIPT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TRANSCRIPT.encode("utf-16-be"), "utf-16-be"),
        (codecs.BOM_UTF32_LE + TRANSCRIPT.encode("utf-32-le"), "utf-32-le"),
        (codecs.BOM_UTF32_BE + TRANSCRIPT.encode("utf-32-be"), "utf-32-be"),
        (TRANSCRIPT.encode("utf-16-le"), "utf-16-le"),
        (TRANSCRIPT.encode("utf-16-be"), "utf-16-be"),
        (TRANSCRIPT.encode("utf-8"), "utf-8"),
        (TRANSCRIPT.encode("cp1252"), "cp1252"),
    ],
    ids=[
        "utf8-bom",
        "utf16le-bom",
        "utf16be-bom",
        "utf32le-bom",
        "utf32be-bom",
        "utf16le",
        "utf16be",
        "utf8",
        "cp1252",
    ],
)
def test_encodings_are_detected_and_marks_removed(data, encoding):
    src = read_source_bytes(data, "c03.txt")
    assert src.text == TRANSCRIPT
    assert src.metadata["encoding"] == encoding
    assert words_of(src) == EXPECTED


def test_cp1252_short_text():
    assert decode_text("café – naïve".encode("cp1252"), "a.txt").text == "café – naïve"


def test_other_legacy_encodings_through_charset_normalizer():
    russian = "Интервьюер: Как вы попали в программу суда?\nУчастник: Судья сказал мне идти.\n"
    decoded = decode_text(russian.encode("cp1251"), "ru.txt")
    assert decoded.text == russian


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_line_endings_become_lf(newline):
    data = TRANSCRIPT.replace("\n", newline).encode("utf-16")
    src = read_source_bytes(data, "c03.txt")
    assert src.text == TRANSCRIPT
    assert words_of(src) == EXPECTED


def test_emoji_combining_accents_and_right_to_left_text_keep_code_point_offsets():
    combining = unicodedata.normalize("NFD", "café naïve")  # e + U+0301, i + U+0308
    assert len(combining) == 12
    text = (
        "Interviewer: How was it? 🙂👍🏽\r\n"
        f"P3: {combining} 👨‍👩‍👧\r\n"
        "Interviewer: ומה אז? \u200fشكرا جزيلا\r\n"
        "P3: 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 outside the BMP."
    )
    for encoding in ("utf-8", "utf-16", "utf-32"):
        src = read_source_bytes(text.encode(encoding), "c03.txt")
        stored = text.replace("\r\n", "\n")
        assert src.text == stored  # no normalisation: the combining marks stay separate
        assert [src.text[t.start : t.end] for t in src.turns] == [
            "How was it? 🙂👍🏽",
            f"{combining} 👨‍👩‍👧",
            "ומה אז? \u200fشكرا جزيلا",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 outside the BMP.",
        ]
        assert src.turns[1].start == stored.index(combining)


def test_an_encoding_named_by_the_user():
    data = "Interviewer: Grüße\nP3: Ça va".encode("latin-1")
    src = read_source_bytes(data, "c03.txt", encoding="latin-1")
    assert src.text == "Interviewer: Grüße\nP3: Ça va"
    assert src.metadata["encoding"] == "latin-1"


@pytest.mark.parametrize(
    ("data", "encoding", "message"),
    [
        (b"abc", "klingon", "'klingon' is not an encoding theorize knows; use a name such as utf-8 or cp1252"),
        (
            "café".encode("cp1252"),
            "utf-8",
            "c03.txt is not valid utf-8 text (byte 3 cannot be read); import it without naming "
            "an encoding, or name the one it was saved in",
        ),
    ],
)
def test_a_wrong_encoding_named_by_the_user(data, encoding, message):
    with pytest.raises(InvalidInput) as e:
        read_source_bytes(data, "c03.txt", encoding=encoding)
    assert str(e.value) == message


def test_a_bom_with_invalid_text_after_it():
    with pytest.raises(InvalidInput) as e:
        decode_text(codecs.BOM_UTF8 + b"caf\xe9", "c03.txt")
    assert str(e.value) == (
        "c03.txt starts with a UTF-8 byte-order mark but is not valid UTF-8 text; "
        "save it again as UTF-8 and import that"
    )


def test_text_is_otherwise_kept_exactly():
    text = "  Tabs\tand  double  spaces, \u00a0nbsp, form\x0cfeed, trailing   \n\n\n"
    assert read_source_bytes(text.encode(), "notes.txt").text == text


@pytest.mark.parametrize(
    "text",
    [
        "Интервьюер: Как вы попали в программу?\nУчастник: Судья сказал мне идти.\n",
        "采访者：你好。\n参与者：法官很严格！\n采访者：再见。\n",
        "מראיין: שלום, מה שלומך?\nמשתתף: אני בסדר גמור.\n",
    ],
)
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_in_other_scripts(text, encoding):
    assert decode_text(text.encode(encoding), "c03.txt").text == text
