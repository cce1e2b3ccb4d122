"""Bad input: each case refused with one clear sentence naming the file and what to do."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from pypdf import PdfWriter

from theorize.errors import InvalidInput, NotFound
from theorize.ingest import read_source, read_source_bytes
from theorize.ingest.filetype import CFB_MAGIC

try:  # the builders live with the format tests
    from test_ingest_formats import make_docx, make_pdf
except ImportError:  # tests/ made a package
    from .test_ingest_formats import make_docx, make_pdf

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
ELF = b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 4


def message(data: bytes, filename: str, **kwargs) -> str:
    with pytest.raises(InvalidInput) as e:
        read_source_bytes(data, filename, **kwargs)
    return str(e.value)


def broken_docx_xml() -> bytes:
    good = zipfile.ZipFile(io.BytesIO(make_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for item in good.infolist():
            data = good.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]  # cut mid-element: not well-formed XML
            z.writestr(item, data)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf([["Interviewer: Hello."]])))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        # .docx
        (
            b"this is not a zip at all, just some words",
            "interview_03.docx",
            "interview_03.docx is not a Word file (it looks like a plain text file); "
            "rename it to interview_03.txt and import it again",
        ),
        (
            bytes(range(256)) * 4,
            "interview_03.docx",
            "interview_03.docx is damaged (it is not a valid Word file); open it in Word and save it again as .docx",
        ),
        (
            make_docx()[:2000],
            "interview_03.docx",
            "interview_03.docx is damaged (it is not a valid Word file); open it in Word and save it again as .docx",
        ),
        (
            broken_docx_xml(),
            "interview_03.docx",
            "interview_03.docx is damaged (it is not a valid Word file); open it in Word and save it again as .docx",
        ),
        (
            CFB_MAGIC + bytes(504),
            "interview_03.docx",
            "interview_03.docx is password-protected or an old .doc; save it as an unprotected .docx",
        ),
        (
            make_pdf([["Interviewer: Hi."]]),
            "interview_03.docx",
            "interview_03.docx is not a Word file (it looks like a PDF); "
            "rename it to interview_03.pdf and import it again",
        ),
        (
            b"{\\rtf1\\ansi Interviewer: Hi.\\par}",
            "interview_03.docx",
            "interview_03.docx is not a Word file (it looks like an RTF file); "
            "rename it to interview_03.rtf and import it again",
        ),
        (
            PNG,
            "interview_03.docx",
            "interview_03.docx is not a Word file (it looks like a PNG image); "
            "run OCR on it first, then import the result",
        ),
        # .pdf
        (
            make_pdf([[]]),
            "scan.pdf",
            "scan.pdf has no text layer (it looks like a scanned image); run OCR on it first, then import the result",
        ),
        (
            make_docx(),
            "scan.pdf",
            "scan.pdf is not a PDF (it looks like a Word file); rename it to scan.docx and import it again",
        ),
        (
            make_pdf([["Interviewer: Hi."]])[:300],
            "scan.pdf",
            "scan.pdf is damaged (it is not a valid PDF); open it in a PDF viewer, "
            "print or export it to a new PDF and import that",
        ),
        (
            encrypted_pdf(),
            "scan.pdf",
            "scan.pdf is password-protected or encrypted; save or print it to a new PDF "
            "without a password and import that",
        ),
        # text formats
        (
            b"Interviewer: \x00\x01\x02\x03" + bytes(range(256)),
            "notes.txt",
            "notes.txt is not a text file (it contains binary data); "
            "export the document as .txt, .docx or .pdf and import that",
        ),
        (
            ELF,
            "notes.txt",
            "notes.txt is not a text file (it looks like a program); choose the transcript or document itself",
        ),
        (
            b"Interviewer: Hi.\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f",
            "notes.txt",
            "notes.txt is not a text file (it contains binary data); "
            "export the document as .txt, .docx or .pdf and import that",
        ),
        (
            make_pdf([["Interviewer: Hi."]]),
            "notes.txt",
            "notes.txt is not a text file (it looks like a PDF); rename it to notes.pdf and import it again",
        ),
        (
            make_docx(),
            "notes.md",
            "notes.md is not a text file (it looks like a Word file); rename it to notes.docx and import it again",
        ),
        (
            b"{\\rtf1\\ansi Interviewer: Hi.\\par}",
            "notes.txt",
            "notes.txt is not a text file (it looks like an RTF file); rename it to notes.rtf and import it again",
        ),
        (
            PNG,
            "c03.vtt",
            "c03.vtt is not a caption file (it looks like a PNG image); run OCR on it first, then import the result",
        ),
        (
            b"\x1a\x45\xdf\xa3" + bytes(300),
            "c03.srt",
            "c03.srt is not a caption file (it looks like a video recording); "
            "transcribe it first, then import the transcript",
        ),
        (b"", "notes.txt", "notes.txt has no text in it; check that you chose the right file and that it was saved"),
        (
            b" \r\n\t\n  ",
            "notes.txt",
            "notes.txt has no text in it; check that you chose the right file and that it was saved",
        ),
        (
            "\ufeff  \n ".encode("utf-16"),
            "notes.txt",
            "notes.txt has no text in it; check that you chose the right file and that it was saved",
        ),
        (b"   ", "c03.docx", "c03.docx has no text in it; check that you chose the right file and that it was saved"),
        # suffixes
        (
            b"some text",
            "interview_03.pages",
            "interview_03.pages has a suffix theorize cannot read (.pages); save it as .docx, .txt or .pdf",
        ),
        (
            b"some text",
            "README",
            "README has a suffix theorize cannot read (it has none); save it as .docx, .txt or .pdf",
        ),
        (b"some text", "interview_03.doc", "interview_03.doc is an old Word .doc file; save it as .docx"),
        (
            b"id,answer\n1,yes\n",
            "answers.csv",
            "answers.csv is a spreadsheet; import it as survey answers or as an attribute sheet",
        ),
        # .odt and .rtf
        (
            make_docx(),
            "c03.odt",
            "c03.odt is not an OpenDocument text file (it looks like a Word file); "
            "rename it to c03.docx and import it again",
        ),
        (
            b"PK\x03\x04 truncated",
            "c03.odt",
            "c03.odt is damaged (it is not a valid OpenDocument text file); "
            "open it in LibreOffice and save it again as .odt",
        ),
        (
            b"Interviewer: plain text named rtf",
            "c03.rtf",
            "c03.rtf is not an RTF file (it does not start with {\\rtf); "
            "save it again as .rtf, or rename it to .txt if it is plain text",
        ),
        (
            make_pdf([["x"]]),
            "c03.html",
            "c03.html is not a web page (it looks like a PDF); rename it to c03.pdf and import it again",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 25 else None,
)
def test_bad_input_is_refused_with_a_clear_message(data, filename, expected):
    assert message(data, filename) == expected


def test_a_word_file_with_only_empty_paragraphs():
    d = docx.Document()
    d.add_paragraph("")
    d.add_paragraph("   ")
    buf = io.BytesIO()
    d.save(buf)
    assert message(buf.getvalue(), "blank.docx") == (
        "blank.docx has no text in it; check that you chose the right file and that it was saved"
    )


def test_a_file_over_the_size_limit(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:  # sparse: takes no disk space, never read
        f.truncate(200_000_000)
    with pytest.raises(InvalidInput) as e:
        read_source(path)
    assert str(e.value) == (
        "huge.txt is 200 MB, larger than the 100 MB limit; split it or raise the limit with --max-size"
    )
    assert message(b"Interviewer: " + b"x" * 2000, "small.txt", max_bytes=1500) == (
        "small.txt is 2 KB, larger than the 1.5 KB limit; split it or raise the limit with --max-size"
    )


def test_an_unknown_suffix_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.pages"
    with open(path, "wb") as f:
        f.truncate(200_000_000)
    with pytest.raises(InvalidInput) as e:
        read_source(path)
    assert str(e.value).startswith("huge.pages has a suffix theorize cannot read (.pages)")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(NotFound) as e:
        read_source(tmp_path / "gone.txt")
    assert str(e.value) == f"{tmp_path / 'gone.txt'} does not exist; check the path and the file name"
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(InvalidInput) as e:
        read_source(folder)
    assert str(e.value) == "folder.txt is a folder, not a file; choose the files inside it"
