"""Exports of the usual transcription services give speaker turns with their times. Each fixture
is made here following the service's export layout (Otter.ai, Zoom, Microsoft Teams, Rev, Trint,
Descript); the header a service writes above the first turn is metadata, not a turn."""

from __future__ import annotations

import io

import docx
import pytest

from theorize.ingest import read_source_bytes

OTTER = [
    "Interview with C03",
    "Fri, 5/12 10:04AM \u2022 45:12",
    "SUMMARY KEYWORDS",
    "judge, counselor, court",
    "SPEAKERS",
    "Lena Marsh, C03",
    "Lena Marsh  00:13",
    "How did it start?",
    "C03  00:20",
    "With the judge. It was long.",
    "Lena Marsh  01:02",
    "And then?",
]
WANT = [("Lena Marsh", 13.0, "How did it start?"), ("C03", 20.0, "With the judge."), ("Lena Marsh", 62.0, "And then?")]


def a_docx(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def otter_txt() -> bytes:
    turns = "\n\n".join(f"{a}\n{b}" for a, b in zip(OTTER[6::2], OTTER[7::2]))
    return ("\n".join(OTTER[:6]) + "\n\n" + turns + "\n").encode()


EXPORTS = {
    "otter.docx": lambda: a_docx(OTTER),
    "otter.txt": otter_txt,
    "zoom.vtt": lambda: (
        b"WEBVTT\n\n1\n00:00:13.000 --> 00:00:15.000\nLena Marsh: How did it start?\n\n"
        b"2\n00:00:20.000 --> 00:00:24.000\nC03: With the judge.\n\n"
        b"3\n00:01:02.000 --> 00:01:04.000\nLena Marsh: And then?\n"
    ),
    "zoom_transcript.txt": lambda: (
        b"00:00:13\tLena Marsh:\tHow did it start?\n00:00:20\tC03:\tWith the judge.\n00:01:02\tLena Marsh:\tAnd then?\n"
    ),
    "zoom_saved.txt": lambda: (
        b"[Lena Marsh] 00:00:13\nHow did it start?\n\n[C03] 00:00:20\nWith the judge.\n\n"
        b"[Lena Marsh] 00:01:02\nAnd then?\n"
    ),
    "teams.vtt": lambda: (
        b"WEBVTT\n\n3f8a9c1e-1\n00:00:13.000 --> 00:00:15.000\n<v Lena Marsh>How did it start?</v>\n\n"
        b"3f8a9c1e-2\n00:00:20.000 --> 00:00:24.000\n<v C03>With the judge.</v>\n\n"
        b"3f8a9c1e-3\n00:01:02.000 --> 00:01:04.000\n<v Lena Marsh>And then?</v>\n"
    ),
    "teams.docx": lambda: a_docx(
        [
            "Interview C03-20261204_100413-Meeting Recording",
            "December 4, 2026, 10:04AM",
            "45m 12s",
            "Lena Marsh   0:13",
            "How did it start?",
            "C03   0:20",
            "With the judge.",
            "Lena Marsh   1:02",
            "And then?",
        ]
    ),
    "teams_stream.docx": lambda: a_docx(
        [
            "0:0:13.0 --> 0:0:15.230",
            "Lena Marsh",
            "How did it start?",
            "0:0:20.0 --> 0:0:24.100",
            "C03",
            "With the judge.",
            "0:1:2.0 --> 0:1:4.0",
            "Lena Marsh",
            "And then?",
        ]
    ),
    "rev.txt": lambda: (
        b"Lena Marsh (00:13):\nHow did it start?\n\nC03 (00:20):\nWith the judge.\n\nLena Marsh (01:02):\nAnd then?\n"
    ),
    "rev.docx": lambda: a_docx(
        [
            "Lena Marsh (00:13):",
            "How did it start?",
            "C03 (00:20):",
            "With the judge.",
            "Lena Marsh (01:02):",
            "And then?",
        ]
    ),
    "trint.docx": lambda: a_docx(
        [
            "[00:00:13] Lena Marsh",
            "How did it start?",
            "[00:00:20] C03",
            "With the judge.",
            "[00:01:02] Lena Marsh",
            "And then?",
        ]
    ),
    "descript.txt": lambda: (
        b"[00:00:13] Lena Marsh: How did it start?\n\n[00:00:20] C03: With the judge.\n\n"
        b"[00:01:02] Lena Marsh: And then?\n"
    ),
}


@pytest.mark.parametrize("name", list(EXPORTS))
def test_a_service_export_gives_turns_with_times(name):
    src = read_source_bytes(EXPORTS[name](), name)
    got = [(t.speaker, t.started_at, src.text[t.start : t.end]) for t in src.turns]
    assert [(s, at) for s, at, _ in got] == [(s, at) for s, at, _ in WANT]
    assert [w.startswith(want) for (_, _, w), (_, _, want) in zip(got, WANT)] == [True] * 3
    assert src.kind.value == "interview"


@pytest.mark.parametrize("name", ["otter.docx", "otter.txt"])
def test_the_otter_header_is_metadata_not_turns(name):
    src = read_source_bytes(EXPORTS[name](), name)
    assert len(src.turns) == 3
    assert {k: src.metadata[k] for k in ("title", "recorded", "keywords", "speakers")} == {
        "title": "Interview with C03",
        "recorded": "Fri, 5/12 10:04AM \u2022 45:12",
        "keywords": "judge, counselor, court",
        "speakers": "Lena Marsh, C03",
    }
    assert src.text.startswith("Interview with C03")  # kept in the text, in no turn


def test_the_otter_docx_takes_its_interviewer_when_named():
    src = read_source_bytes(EXPORTS["otter.docx"](), "otter.docx", speaker_override={"interviewer": "Lena Marsh"})
    assert [t.role.value for t in src.turns] == ["interviewer", "participant", "interviewer"]
