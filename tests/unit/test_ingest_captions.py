"""WebVTT and SubRip captions: cues into speaker turns, and malformed files refused clearly."""

from __future__ import annotations

import pytest

from theorize.domain.sources import Role, SourceKind
from theorize.errors import InvalidInput
from theorize.ingest import read_source_bytes

VTT = """WEBVTT - interview C03
Kind: captions
Language: en

NOTE This note
spans two lines.

STYLE
::cue(v[voice="Lena Marsh"]) { color: yellow }

REGION
id:fred width:40%

intro-1
00:00:01.000 --> 00:00:03.500 align:start position:10%
<v Lena Marsh>How did you <i>come</i> to the
program?</v>

00:00:03.600 --> 00:00:05.000
<v Lena Marsh>Tell me &amp; the others &lt;all&gt; of it.

3
00:00:05.200 --> 00:00:09.000
<v.loud C03>Well, <c.yellow>the judge</c> <00:00:06.000>said   so.

00:01:00.000 --> 00:01:02.250
<v C03>It was <b>hard</b>.

1:00:00.000 --> 1:00:01.000
<v Lena Marsh>Thank you.
"""


def spoken(src):
    return [(t.speaker, t.role, t.started_at, t.ended_at, src.text[t.start : t.end]) for t in src.turns]


def test_vtt_voices_join_into_turns_and_tags_go():
    src = read_source_bytes(VTT.encode(), "c03.vtt", speaker_override={"interviewer": "Lena Marsh"})
    assert src.file_format == "vtt"
    assert src.text == (
        "Lena Marsh: How did you come to the program? Tell me & the others <all> of it.\n\n"
        "C03: Well, the judge said so. It was hard.\n\n"
        "Lena Marsh: Thank you."
    )
    assert spoken(src) == [
        (
            "Lena Marsh",
            Role.INTERVIEWER,
            1.0,
            5.0,
            "How did you come to the program? Tell me & the others <all> of it.",
        ),
        ("C03", Role.PARTICIPANT, 5.2, 62.25, "Well, the judge said so. It was hard."),
        ("Lena Marsh", Role.INTERVIEWER, 3600.0, 3601.0, "Thank you."),
    ]
    assert src.kind is SourceKind.INTERVIEW


def test_vtt_with_crlf_bom_and_several_voices_in_one_cue():
    vtt = (
        "\ufeffWEBVTT\r\n\r\n00:00:01.000 --> 00:00:02.000\r\n"
        "<v Interviewer>Ready?</v> <v P3>Yes.\r\n\r\n"
        "00:00:02.000 --> 00:00:03.000\r\n<v P3>Go on.\r\n"
    )
    src = read_source_bytes(vtt.encode("utf-8"), "c03.vtt")
    assert src.text == "Interviewer: Ready?\n\nP3: Yes. Go on."
    assert [(s, r, w) for s, r, _, _, w in spoken(src)] == [
        ("Interviewer", Role.INTERVIEWER, "Ready?"),
        ("P3", Role.PARTICIPANT, "Yes. Go on."),
    ]


def test_vtt_zoom_export_names_in_the_cue_text():
    vtt = (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nLena Marsh: Hello and welcome.\n\n"
        "2\n00:00:04.500 --> 00:00:06.000\nLena Marsh: Shall we start?\n\n"
        "3\n00:00:06.500 --> 00:00:08.000\nDana Whitfield: Sure: go ahead.\n\n"
        "4\n00:00:08.500 --> 00:00:09.000\nDana Whitfield: Ready.\n"
    )
    src = read_source_bytes(vtt.encode(), "zoom.vtt")
    assert src.text == ("Lena Marsh: Hello and welcome. Shall we start?\n\nDana Whitfield: Sure: go ahead. Ready.")
    assert [w for *_, w in spoken(src)] == ["Hello and welcome. Shall we start?", "Sure: go ahead. Ready."]


def test_vtt_without_speakers_breaks_paragraphs_at_pauses():
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nSo this is the start\n\n"
        "00:00:02.100 --> 00:00:03.000\nof the recording.\n\n"
        "00:00:06.000 --> 00:00:07.000\nNote: after a pause.\n"
    )
    src = read_source_bytes(vtt.encode(), "auto.vtt")
    assert src.text == "So this is the start of the recording.\n\nNote: after a pause."
    assert [(s, a, b) for s, _, a, b, _ in spoken(src)] == [(None, 1.0, 3.0), (None, 6.0, 7.0)]
    assert src.kind is SourceKind.DOCUMENT


def test_vtt_first_cue_right_after_the_header():
    vtt = "WEBVTT\n00:00:01.000 --> 00:00:02.000\n<v P3>Hi.\n"
    assert read_source_bytes(vtt.encode(), "a.vtt").text == "P3: Hi."


SRT = """1
00:00:01,000 --> 00:00:02,000
JOHN: Hello there.

2
00:00:02,500 --> 00:00:04,000
<i>How are</i>
you?

3
00:00:04,000 --> 00:00:06,000
- I'm fine.
- Good to
hear.

4
00:00:06,000 --> 00:00:07,000
{\\an8}INTERVIEWER: Next question.

5
00:00:07,000 --> 00:00:08,000 X1:10 X2:20 Y1:5 Y2:10
JOHN: Ok.
"""


def test_srt_names_dashes_and_continuations():
    src = read_source_bytes(SRT.encode("cp1252"), "c03.srt")
    assert src.file_format == "srt"
    assert src.text == (
        "JOHN: Hello there. How are you?\n\nI'm fine.\n\nGood to hear.\n\nINTERVIEWER: Next question.\n\nJOHN: Ok."
    )
    assert spoken(src) == [
        ("JOHN", Role.PARTICIPANT, 1.0, 4.0, "Hello there. How are you?"),
        (None, Role.PARTICIPANT, 4.0, 6.0, "I'm fine."),
        (None, Role.PARTICIPANT, 4.0, 6.0, "Good to hear."),
        ("INTERVIEWER", Role.INTERVIEWER, 6.0, 7.0, "Next question."),
        ("JOHN", Role.PARTICIPANT, 7.0, 8.0, "Ok."),
    ]


def test_srt_a_once_only_capitalised_phrase_is_not_a_speaker():
    srt = "1\n00:00:01,000 --> 00:00:02,000\nBridgeway Recovery: that was the place.\n"
    src = read_source_bytes(srt.encode(), "a.srt")
    assert [(s, w) for s, _, _, _, w in spoken(src)] == [(None, "Bridgeway Recovery: that was the place.")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "c03.vtt",
            "00:00:01.000 --> 00:00:02.000\nHi\n",
            "c03.vtt is not a valid WebVTT file (line 1 does not start with WEBVTT); export the "
            "captions again as WebVTT, or rename the file to .txt to import it as text",
        ),
        (
            "c03.vtt",
            "WEBVTTX\n\n00:00:01.000 --> 00:00:02.000\nHi\n",
            "c03.vtt is not a valid WebVTT file (line 1 does not start with WEBVTT); export the "
            "captions again as WebVTT, or rename the file to .txt to import it as text",
        ),
        (
            "c03.vtt",
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n\n2\n00:00:03.000 -> 00:00:04.000\nThere\n",
            "c03.vtt has a broken cue timing on line 7 ('00:00:03.000 -> 00:00:04.000'); a timing "
            "line reads like 00:00:01.000 --> 00:00:04.000, fix that line and import the file again",
        ),
        (
            "c03.vtt",
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n\n00:00:0x.000 --> 00:00:04.000\nThere\n",
            "c03.vtt has a broken cue timing on line 6 ('00:00:0x.000 --> 00:00:04.000'); a timing "
            "line reads like 00:00:01.000 --> 00:00:04.000, fix that line and import the file again",
        ),
        (
            "c03.vtt",
            "WEBVTT\r\n\r\nintro\r\nHello without timing\r\n",
            "c03.vtt has a broken cue timing on line 4 ('Hello without timing'); a timing "
            "line reads like 00:00:01.000 --> 00:00:04.000, fix that line and import the file again",
        ),
        (
            "c03.srt",
            "1\n00:00:01,000 --> 00:00:02,000\nHi\n\n2\n00:00:03 --> 00:00:04\nThere\n",
            "c03.srt has a broken cue timing on line 6 ('00:00:03 --> 00:00:04'); a timing "
            "line reads like 00:00:01.000 --> 00:00:04.000, fix that line and import the file again",
        ),
    ],
)
def test_malformed_captions_name_the_file_and_line(name, content, message):
    with pytest.raises(InvalidInput) as e:
        read_source_bytes(content.encode(), name)
    assert str(e.value) == message


def test_captions_with_no_cues_have_no_text():
    with pytest.raises(InvalidInput) as e:
        read_source_bytes(b"WEBVTT\n\nNOTE nothing here\n", "c03.vtt")
    assert str(e.value) == ("c03.vtt has no text in it; check that you chose the right file and that it was saved")


def test_the_bulk_reading_of_plain_voice_cues_gives_what_the_careful_one_gives():
    from theorize.ingest import captions
    from theorize.ingest.layout import ReadRequest

    cues = []
    for i in range(40):
        who = ("Lena Marsh", "C03", "C03", "Lena Marsh", "Lena  Marsh")[i % 5]
        cues.append(f"{i + 1}\n00:00:{i:02d}.000 --> 00:00:{i:02d}.900 align:start\n<v {who}>words  of cue {i}.</v>\n")
    raw = "WEBVTT\n\n" + "\n".join(cues)
    bulk = captions._simple_turns(raw, 8)
    assert bulk is not None
    careful, _ = captions._cues(raw, 8, "a.vtt", True, captions._CUE_RE)
    joined = captions._join(careful)
    request = ReadRequest("a.vtt", "a.vtt")
    a = captions._lay_out(bulk, request, "vtt", [])
    b = captions._lay_out(joined, request, "vtt", [])
    assert a.text == b.text and a.turns == b.turns
    assert captions._simple_turns(raw.replace("<v C03>", "<v.loud C03>", 1), 8) is None  # not plain: careful way
