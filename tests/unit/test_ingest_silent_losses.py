"""Nothing is dropped or guessed silently: the reader says what and where in a note, or refuses."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

import theorize
from theorize.errors import InvalidInput
from theorize.ingest import read_source_bytes

VTT = (
    "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Interviewer>How are you?\n\n"
    "00:00:03.500 --> 00:00:05.000\n<v C99>Well enough, and the judge was kind.\n\n"
)


def docx_with_entity() -> bytes:
    document = docx.Document()
    document.add_paragraph("Interviewer: How did it start?")
    document.add_paragraph("C03: With the COURT and then more words.")
    packed = io.BytesIO()
    document.save(packed)
    out = io.BytesIO()
    with zipfile.ZipFile(packed) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"COURT", b"&court;").replace(
                    b"?>", b'?>\n<!DOCTYPE w:document [<!ENTITY court "county court">]>', 1
                )
            dst.writestr(info, data)
    return out.getvalue()


def test_an_xml_entity_in_a_docx_keeps_the_words_after_it_and_says_so():
    src = read_source_bytes(docx_with_entity(), "C03.docx")
    assert src.text[src.turns[1].start : src.turns[1].end] == "With the  and then more words."
    assert src.notes == [
        (
            "C03.docx has an XML entity &court; that Word never writes, at line 3, after 'start? C03: With the'; "
            "it was left out and the words around it were kept"
        )
    ]


def test_a_vtt_cut_in_a_cue_says_so():
    cut = VTT.rstrip("\n")[:-9]  # "...the judge"
    src = read_source_bytes(cut.encode(), "c99.vtt")
    assert src.text.endswith("C99: Well enough, and the judge")
    assert src.notes == [
        (
            "c99.vtt ends in the middle of a cue (line 7, after 'enough, and the judge'); "
            "the file looks cut short, so words may be missing at its end"
        )
    ]


def test_a_vtt_cut_in_a_timing_line_is_refused():
    cut = VTT + "00:00:05.500 --> 00:0"
    with pytest.raises(InvalidInput) as e:
        read_source_bytes(cut.encode(), "c99.vtt")
    assert str(e.value) == (
        "c99.vtt ends in the middle of a cue timing on line 9 ('00:00:05.500 --> 00:0'); "
        "the file looks cut short, so export the captions again"
    )


def test_whole_caption_files_have_no_notes():
    assert read_source_bytes(VTT.encode(), "c99.vtt").notes == []
    assert read_source_bytes(VTT.rstrip("\n").encode(), "c99.vtt").notes == []  # ends a sentence
    srt = "1\n00:00:01,000 --> 00:00:03,000\nHow are you\n"
    assert read_source_bytes(srt.encode(), "c99.srt").notes == []


def test_a_web_page_cut_short_says_so():
    page = "<html><body><p>Interviewer: How did it start?</p><p>C03: With the judge and the"
    src = read_source_bytes(page.encode(), "c03.html")
    assert src.notes == [
        (
            "c03.html ends before its closing </html> tag (line 3, after 'the judge and the'); "
            "the file looks cut short, so words may be missing at its end"
        )
    ]
    assert read_source_bytes((page + "</p></body></html>").encode(), "c03.html").notes == []
    assert read_source_bytes(b"<p>Interviewer: a fragment</p>", "c03.html").notes == []


def test_an_rtf_cut_short_says_so():
    rtf = r"{\rtf1\ansi\deff0 {\fonttbl {\f0 Times;}} \pard Interviewer: How did it start?\par C03: With the {\b judge"
    src = read_source_bytes(rtf.encode(), "c03.rtf")
    assert src.notes == [
        (
            "c03.rtf ends before its last closing brace (line 2, after 'C03: With the judge'); "
            "the file looks cut short, so words may be missing at its end"
        )
    ]
    assert read_source_bytes((rtf + r" \{ok\}}}").encode(), "c03.rtf").notes == []


def test_utf8_with_a_few_damaged_bytes_stays_utf8_and_says_where():
    data = ("Interviewer: was the café open?\n" * 50).encode() + b"C03: it was \xff closed\n"
    src = read_source_bytes(data, "c03.txt")
    assert src.metadata["encoding"] == "utf-8"
    assert "café" in src.text and "it was \ufffd closed" in src.text
    assert src.notes == [
        (
            "c03.txt is UTF-8 text with a byte that is not UTF-8, at line 51 (byte 1,663); each was read as "
            "\ufffd (a replacement character) and the rest of the text as it is"
        )
    ]


def test_a_guessed_encoding_is_said():
    data = b"Interviewer: was it open?\nC03: it wasn\x92t, no.\n"
    src = read_source_bytes(data, "c03.txt")
    assert "wasn\u2019t" in src.text
    assert src.notes == [
        (
            "c03.txt is not UTF-8 (byte 39 on line 2 is not), so its encoding was guessed as Windows-1252; "
            "if letters look wrong, save it as UTF-8 and import it again"
        )
    ]
    assert read_source_bytes("Interviewer: café\n".encode(), "ok.txt").notes == []


def test_notes_reach_the_imported_result(tmp_path):
    (tmp_path / "c03.txt").write_bytes(b"Interviewer: was it open?\nC03: it wasn\x92t, no.\n")
    study = theorize.create_project(tmp_path / "s.theorize", user="lena")
    item = study.import_file(tmp_path / "c03.txt")
    assert item.notes and item.notes[0].startswith("c03.txt is not UTF-8")
    study.close()


def test_notes_come_back_from_the_folder_worker(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(8):
        (folder / f"c{i}.txt").write_text(f"Interviewer: hello {i}\nC0{i}: hi\n", encoding="utf-8")
    (folder / "c9.vtt").write_text(VTT.rstrip("\n")[:-9], encoding="utf-8")
    study = theorize.create_project(tmp_path / "s.theorize", user="lena")
    result = study.import_folder(folder, workers=1)
    noted = {i.name: i.notes for i in result.imported if i.notes}
    assert list(noted) == ["c9.vtt"] and "cut short" in noted["c9.vtt"][0]
    study.close()
