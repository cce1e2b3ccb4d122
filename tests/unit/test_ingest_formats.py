"""Document formats (.docx, .pdf, .odt, .rtf, .html, .md) and the contract every reader keeps.

Files are made in code; ``make_pdf`` writes a minimal PDF by hand (Helvetica, one text line per
string) so the tests need no PDF-writing library.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from odf.opendocument import OpenDocumentText
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, LineBreak, List, ListItem, Note, NoteBody, NoteCitation, P, S, Span, Tab

from theorize.domain.sources import ParsedSource, Role, SourceKind
from theorize.ingest import READERS, READERS_BY_SUFFIX, read_source, read_source_bytes

# -- builders -------------------------------------------------------------------------------------


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF with one line of Helvetica text per string; no strings: no text layer."""
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    kids = []
    for i, lines in enumerate(pages):
        page_id, content_id = 4 + 2 * i, 5 + 2 * i
        kids.append(f"{page_id} 0 R")
        ops = ["0 0 1 rg 10 10 200 200 re f"]  # something drawn, as on a scanned page
        if lines:
            ops += ["BT", "/F1 12 Tf", "16 TL", "72 720 Td"]
            for line in lines:
                esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                ops.append(f"({esc}) Tj T*")
            ops.append("ET")
        stream = "\n".join(ops).encode("cp1252")
        objects[content_id] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_id
        )
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for n in sorted(objects):
        offsets[n] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (n, objects[n])
    xref, size = len(out), max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, size))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def docx_bytes(document: docx.document.Document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def bold_label(document, label: str, words: str, *, colon_outside: bool = False):
    p = document.add_paragraph()
    if colon_outside:
        p.add_run(label).bold = True
        p.add_run(f": {words}")
    else:
        p.add_run(f"{label}:").bold = True
        p.add_run(f" {words}")
    return p


def make_docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("FICTIONAL DEMO TRANSCRIPT - Interview C03")
    d.add_paragraph("")
    bold_label(d, "Lena Marsh", "How did you come to the program?")
    bold_label(d, "Client", "Well, the judge.", colon_outside=True)
    d.add_paragraph("And then more words.")
    p = d.add_paragraph()
    p.add_run("Lena Marsh").bold = True
    p.add_run("\tOkay, and then?")
    p = d.add_paragraph()
    p.add_run("client:").bold = True
    p.add_run(" Line one")
    p.add_run().add_break()
    p.add_run("line two.")
    return docx_bytes(d)


def make_odt(tmp_path: Path) -> bytes:
    doc = OpenDocumentText()
    doc.text.addElement(H(outlinelevel=1, text="FICTIONAL DEMO TRANSCRIPT"))
    p = P(text="Interviewer: How did")
    p.addElement(S(c=3))
    p.addText("it start?")
    note = Note(noteclass="footnote")
    note.addElement(NoteCitation(text="1"))
    body = NoteBody()
    body.addElement(P(text="A footnote left out."))
    note.addElement(body)
    p.addElement(note)
    doc.text.addElement(p)
    p = P(text="C03:")
    p.addElement(Tab())
    p.addElement(Span(text="The judge."))
    p.addElement(LineBreak())
    p.addText("Then me.")
    doc.text.addElement(p)
    items = List()
    item = ListItem()
    item.addElement(P(text="Interviewer: A listed question?"))
    items.addElement(item)
    doc.text.addElement(items)
    table = Table(name="T")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    row = TableRow()
    for text in ("C03: In a cell.", "More in a cell."):
        cell = TableCell()
        cell.addElement(P(text=text))
        row.addElement(cell)
    table.addElement(row)
    doc.text.addElement(table)
    path = tmp_path / "made.odt"
    doc.save(str(path))
    return path.read_bytes()


RTF = (
    r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times New Roman;}}"
    r"{\*\generator Fictional;}\f0\fs24 "
    r"Interviewer: How was the caf\'e9 \endash  na\'efve?\par "
    r"P3: It was {\b grand} \u8212? really.\par "
    r"Interviewer: Ok.\par}"
)

HTML = """<!DOCTYPE html><html><head><title>Left out</title>
<style>p { color: red }</style><script>var x = "Interviewer: no";</script></head>
<body><h1>FICTIONAL   DEMO
TRANSCRIPT</h1>
<p><b>Interviewer:</b> How   did it
start?</p><!-- a comment -->
<div><p>C03: The judge &amp; the clerk.<br>Then me.</p></div>
<pre>Interviewer: Kept   as
  written.</pre>
<ul><li>C03: Item one</li><li>item two</li></ul>
<table><tr><td>Interviewer: In a cell</td><td>Next cell</td></tr></table>
<noscript>no script</noscript></body></html>"""

VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Interviewer>Hello.\n\n00:00:02.000 --> 00:00:03.000\n<v P3>Hi.\n"
SRT = "1\n00:00:01,000 --> 00:00:02,000\nINTERVIEWER: Hello.\n\n2\n00:00:02,000 --> 00:00:03,000\nP3: Hi.\n"
TXT = "HEADER\n\nInterviewer: Hello.\n\nP3: Hi.\nStill P3.\n"
MD = "# Interview C03\n\n**Interviewer:** Hello.\n\n**P3:** Hi.\n"

SAMPLES: dict[str, Callable[[Path], bytes]] = {
    "txt": lambda tmp: TXT.encode(),
    "md": lambda tmp: MD.encode(),
    "docx": lambda tmp: make_docx(),
    "pdf": lambda tmp: make_pdf([["Interviewer: Hello there.", "P3: Hi."], ["Interviewer: Bye."]]),
    "odt": make_odt,
    "rtf": lambda tmp: RTF.encode("ascii"),
    "html": lambda tmp: HTML.encode(),
    "vtt": lambda tmp: VTT.encode(),
    "srt": lambda tmp: SRT.encode(),
}


def spoken(src: ParsedSource) -> list[tuple[str | None, str]]:
    return [(t.speaker, src.text[t.start : t.end]) for t in src.turns]


# -- the contract every reader keeps ------------------------------------------------------------


@pytest.mark.parametrize("entry", READERS, ids=lambda e: e.file_format)
def test_contract_every_reader(entry, tmp_path):
    """Every reader returns a ParsedSource whose turns lie inside the text, in order, apart."""
    data = SAMPLES[entry.file_format](tmp_path)
    for suffix in entry.suffixes:
        path = tmp_path / f"interview_03{suffix.upper() if suffix == entry.suffixes[-1] else suffix}"
        path.write_bytes(data)
        src = read_source(path)
        assert isinstance(src, ParsedSource)
        assert src.name == path.name
        assert src.file_format == entry.file_format
        assert "\r" not in src.text
        assert src.turns, "every sample has speech"
        previous_end = 0
        for t in src.turns:
            assert previous_end <= t.start < t.end <= len(src.text)
            words = src.text[t.start : t.end]
            assert words == words.strip()
            assert isinstance(t.role, Role)
            previous_end = t.end
        assert any(t.speaker is not None for t in src.turns)


def test_every_sample_is_covered():
    assert {e.file_format for e in READERS} == set(SAMPLES)


# -- .docx -----------------------------------------------------------------------------------------


def test_docx_paragraphs_and_bold_labels():
    src = read_source_bytes(make_docx(), "c03.docx", speaker_override={"interviewer": "Lena Marsh"})
    assert src.text == (
        "FICTIONAL DEMO TRANSCRIPT - Interview C03\n\n"
        "Lena Marsh: How did you come to the program?\n\n"
        "Client: Well, the judge.\n\n"
        "And then more words.\n\n"
        "Lena Marsh\tOkay, and then?\n\n"
        "client: Line one\nline two."
    )
    assert [(t.speaker, t.role, src.text[t.start : t.end]) for t in src.turns] == [
        ("Lena Marsh", Role.INTERVIEWER, "How did you come to the program?"),
        ("Client", Role.PARTICIPANT, "Well, the judge.\n\nAnd then more words."),
        ("Lena Marsh", Role.INTERVIEWER, "Okay, and then?"),
        ("client", Role.PARTICIPANT, "Line one\nline two."),
    ]


def test_docx_tables_in_body_order_and_speaker_tables():
    d = docx.Document()
    d.add_paragraph("Before the table.")
    t = d.add_table(rows=4, cols=3)
    rows = [
        ("Time", "Speaker", "Text"),
        ("00:01:00", "Interviewer", "Question?"),
        ("[00:01:05]", "Client", "Answer."),
        ("00:01:09", "Interviewer", "Next?"),
    ]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            t.cell(i, j).text = value
    d.add_paragraph("After the table.")
    src = read_source_bytes(docx_bytes(d), "c03.docx")
    assert src.text.startswith("Before the table.\n\nTime\n\nSpeaker\n\nText\n\n00:01:00\n\n")
    assert src.text.endswith("Interviewer\n\nNext?\n\nAfter the table.")
    assert [(t.speaker, t.started_at, src.text[t.start : t.end]) for t in src.turns] == [
        ("Interviewer", 60.0, "Question?\n\n[00:01:05]"),
        ("Client", 65.0, "Answer.\n\n00:01:09"),
        ("Interviewer", 69.0, "Next?\n\nAfter the table."),
    ]


def test_docx_plain_table_cells_are_paragraphs():
    d = docx.Document()
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "Site", "Riverton"
    t.cell(1, 0).text, t.cell(1, 1).text = "Program", "Drug court"
    merged = d.add_table(rows=1, cols=2)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "Merged once"
    src = read_source_bytes(docx_bytes(d), "notes.docx")
    assert src.text == "Site\n\nRiverton\n\nProgram\n\nDrug court\n\nMerged once"
    assert all(t.speaker is None for t in src.turns)
    assert src.kind is SourceKind.DOCUMENT


def test_docx_tracked_changes_keep_insertions_and_drop_deletions():
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("Interviewer: It was ")
    deleted = OxmlElement("w:del")
    deleted.set(qn("w:id"), "1")
    deleted.set(qn("w:author"), "A")
    r = OxmlElement("w:r")
    dt = OxmlElement("w:delText")
    dt.text = "bad "
    r.append(dt)
    deleted.append(r)
    p._p.append(deleted)
    inserted = OxmlElement("w:ins")
    inserted.set(qn("w:id"), "2")
    inserted.set(qn("w:author"), "A")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "good"
    r.append(t)
    inserted.append(r)
    p._p.append(inserted)
    p.add_run(".\tTab.")
    d.add_paragraph("P3: Yes.")
    src = read_source_bytes(docx_bytes(d), "c03.docx")
    assert src.text == "Interviewer: It was good.\tTab.\n\nP3: Yes."


def test_docx_a_single_bold_lead_in_is_not_a_speaker():
    d = docx.Document()
    bold_label(d, "Summary of findings", "the alliance grew.")
    d.add_paragraph("A second paragraph.")
    bold_label(d, "Important", "stoplisted lead-in.")
    src = read_source_bytes(docx_bytes(d), "memo.docx")
    assert [t.speaker for t in src.turns] == [None, None, None]


# -- .pdf ------------------------------------------------------------------------------------------


def test_pdf_text_layer_page_by_page():
    pdf = make_pdf([["Interviewer: How was the café?", "P3: Grand (really)."], ["Interviewer: Ok."]])
    src = read_source_bytes(pdf, "c03.pdf")
    assert src.text == "Interviewer: How was the café?\nP3: Grand (really).\n\nInterviewer: Ok."
    assert spoken(src) == [("Interviewer", "How was the café?"), ("P3", "Grand (really)."), ("Interviewer", "Ok.")]
    assert src.metadata["pages"] == "2"


# -- .odt ------------------------------------------------------------------------------------------


def test_odt_paragraphs_lists_tables_and_spacing(tmp_path):
    src = read_source_bytes(make_odt(tmp_path), "c03.odt")
    assert src.text == (
        "FICTIONAL DEMO TRANSCRIPT\n\n"
        "Interviewer: How did   it start?\n\n"
        "C03:\tThe judge.\nThen me.\n\n"
        "Interviewer: A listed question?\n\n"
        "C03: In a cell.\n\nMore in a cell."
    )
    assert spoken(src) == [
        ("Interviewer", "How did   it start?"),
        ("C03", "The judge.\nThen me."),
        ("Interviewer", "A listed question?"),
        ("C03", "In a cell.\n\nMore in a cell."),
    ]


# -- .rtf ------------------------------------------------------------------------------------------


def test_rtf_text_with_code_page_escapes_and_unicode():
    src = read_source_bytes(RTF.encode("ascii"), "c03.rtf")
    assert spoken(src) == [
        ("Interviewer", "How was the café – naïve?"),
        ("P3", "It was grand — really."),
        ("Interviewer", "Ok."),
    ]


# -- .html -----------------------------------------------------------------------------------------


def test_html_blocks_become_paragraphs():
    src = read_source_bytes(HTML.encode(), "c03.html")
    assert src.text == (
        "FICTIONAL DEMO TRANSCRIPT\n\n"
        "Interviewer: How did it start?\n\n"
        "C03: The judge & the clerk.\nThen me.\n\n"
        "Interviewer: Kept   as\n  written.\n\n"
        "C03: Item one\n\nitem two\n\n"
        "Interviewer: In a cell\n\nNext cell"
    )
    assert [s for s, _ in spoken(src)] == ["Interviewer", "C03", "Interviewer", "C03", "Interviewer"]


def test_html_in_a_declared_legacy_charset():
    page = '<html><head><meta charset="iso-8859-15"></head><body><p>Interviewer: 5 €</p><p>P3: Ça.</p></body></html>'
    src = read_source_bytes(page.encode("iso-8859-15"), "c03.htm")
    assert src.text == "Interviewer: 5 €\n\nP3: Ça."


# -- .md -------------------------------------------------------------------------------------------


def test_markdown_is_read_as_text():
    src = read_source_bytes(MD.encode(), "c03.md")
    assert src.text == MD
    assert src.file_format == "md"
    assert spoken(src) == [("Interviewer", "Hello."), ("P3", "Hi.")]


def test_name_and_kind_can_be_given(tmp_path):
    path = tmp_path / "c03.TXT"
    path.write_bytes(TXT.encode())
    src = read_source(path, name="Interview C03", kind=SourceKind.INTERVIEW)
    assert (src.name, src.kind, src.file_format) == ("Interview C03", SourceKind.INTERVIEW, "txt")


def test_docx_bold_labels_with_timestamps_and_odd_wording():
    d = docx.Document()
    for label, words in [
        ("[00:01:23] dr lena:", "First?"),
        ("respondent seven", "Yes."),
        ("[00:01:30] dr lena:", "Second?"),
        ("respondent seven", "No."),
    ]:
        p = d.add_paragraph()
        p.add_run(" ")  # a stray space before the label, not bold
        p.add_run(label).bold = True
        p.add_run(f"{'' if label.endswith(':') else ':'} {words}")
    src = read_source_bytes(docx_bytes(d), "c03.docx")
    assert [(t.speaker, t.started_at, src.text[t.start : t.end]) for t in src.turns] == [
        ("dr lena", 83.0, "First?"),
        ("respondent seven", None, "Yes."),
        ("dr lena", 90.0, "Second?"),
        ("respondent seven", None, "No."),
    ]


def test_docx_text_boxes_are_left_out():
    d = docx.Document()
    p = d.add_paragraph("Interviewer: Before the box. ")
    run = OxmlElement("w:r")
    pict = OxmlElement("w:pict")
    box = OxmlElement("w:txbxContent")
    inner = OxmlElement("w:p")
    inner_run = OxmlElement("w:r")
    inner_text = OxmlElement("w:t")
    inner_text.text = "Floating caption."
    inner_run.append(inner_text)
    inner.append(inner_run)
    box.append(inner)
    pict.append(box)
    run.append(pict)
    p._p.append(run)
    p.add_run("After the box.")
    d.add_paragraph("P3: Fine.")
    src = read_source_bytes(docx_bytes(d), "c03.docx")
    assert src.text == "Interviewer: Before the box. After the box.\n\nP3: Fine."


DEMO_SOURCES = Path(__file__).parents[2] / "src" / "theorize" / "demo" / "study" / "sources"


@pytest.mark.skipif(not DEMO_SOURCES.is_dir(), reason="the demo study is not in this checkout")
def test_the_demo_transcripts_read_as_two_speaker_interviews():
    paths = [p for p in sorted(DEMO_SOURCES.iterdir()) if p.suffix in READERS_BY_SUFFIX]
    assert paths
    for path in paths:
        src = read_source(path, speaker_override={"interviewer": ["Lena Marsh"]})
        roles = {t.role for t in src.turns}
        assert roles == {Role.INTERVIEWER, Role.PARTICIPANT}, path.name
        assert src.kind is SourceKind.INTERVIEW, path.name
        assert all(a.end <= b.start for a, b in zip(src.turns, src.turns[1:])), path.name
