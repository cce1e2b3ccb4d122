"""The report as a Word document (python-docx): real headings, styled tables with a repeated
header row, figures as pictures, quotes in the Quote style with their references (and a bookmark
per quote), memo bodies from Markdown. Opens in Word and LibreOffice."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Inches, Pt, RGBColor

from theorize.report import memotext
from theorize.report.content import Analysis, CategoryEntry, CodeEntry, Figure, Quote, ReportContent, Table
from theorize.report.docx_toc import contents
from theorize.report.docx_xml import (
    bookmark,
    cell_margins,
    no_theme_font,
    page_number_footer,
    repeat_header,
    rules,
    table_font,
    widths,
)
from theorize.store.files import open_private

INK = RGBColor(0x1D, 0x23, 0x2A)
MUTED = RGBColor(0x5B, 0x65, 0x70)
FAINT = RGBColor(0x80, 0x89, 0x93)
TABLE_STYLE = "Table Grid"  # its grid is replaced by book-style rules (docx_xml.rules)
# Arial is metric-compatible with Liberation Sans, so tables measure the same in Word and LibreOffice.
BODY_FONT, HEAD_FONT, MONO_FONT = "Cambria", "Arial", "Courier New"
TEXT_WIDTH = Inches(6.5)


def _styles(doc) -> None:
    """Quiet, print-like styles: serif body, dark sans headings, chapters on new pages."""
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.12
    for level, size in ((1, 18), (2, 14), (3, 12), (4, 11), (5, 10.5), (6, 10)):
        style = doc.styles[f"Heading {level}"]
        style.font.name, style.font.size, style.font.color.rgb = HEAD_FONT, Pt(size), INK
        style.font.bold, style.font.italic = True, False
        style.paragraph_format.space_before = Pt({1: 0, 2: 18, 3: 14}.get(level, 10))
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    doc.styles["Heading 1"].paragraph_format.page_break_before = True
    for name in ("Title", *(f"Heading {level}" for level in range(1, 7))):
        no_theme_font(doc.styles[name])
    title = doc.styles["Title"]
    title.font.name, title.font.size, title.font.color.rgb = HEAD_FONT, Pt(24), INK
    quote = doc.styles["Quote"]
    quote.font.name, quote.font.size, quote.font.italic, quote.font.color.rgb = BODY_FONT, Pt(10.5), True, INK
    quote.paragraph_format.left_indent, quote.paragraph_format.right_indent = Inches(0.4), Inches(0.2)
    quote.paragraph_format.space_after = Pt(1)
    quote.paragraph_format.keep_with_next = True
    caption = doc.styles["Caption"]
    caption.font.name, caption.font.size, caption.font.color.rgb = HEAD_FONT, Pt(9), MUTED
    caption.font.bold, caption.font.italic = False, False
    for name in ("List Bullet", "List Bullet 2", "List Bullet 3", "List Number", "List Number 2", "List Number 3"):
        doc.styles[name].font.name = BODY_FONT


def _run(paragraph, text: str, *, bold=False, italic=False, size=None, color=None, font=None):
    run = paragraph.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    if font:
        run.font.name = font
    return run


class _Writer:
    def __init__(self, content: ReportContent):
        self.c = content
        self.doc = Document()
        _styles(self.doc)
        section = self.doc.sections[0]
        section.left_margin = section.right_margin = Inches(1)
        section.top_margin = section.bottom_margin = Inches(1)
        self.tables = self.figures = self.bookmarks = 0
        self.numbering_ids = 0

    # -- pieces ----------------------------------------------------------------------------
    def para(self, text: str = "", style: str | None = None, **run):
        p = self.doc.add_paragraph(style=style)
        if text:
            _run(p, text, **run)
        return p

    def note(self, text: str):
        return self.para(text, size=9, color=MUTED)

    def table(self, t: Table) -> None:
        if not t.rows:
            self.note(f"{t.caption}: none yet.")
            return
        self.tables += 1
        cap = self.doc.add_paragraph(style="Caption")
        _run(cap, f"Table {self.tables}. ", bold=True, color=INK)
        _run(cap, t.caption)
        cap.paragraph_format.keep_with_next = True
        table = self.doc.add_table(rows=1 + len(t.rows), cols=len(t.columns))
        table.style = self.doc.styles[TABLE_STYLE]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        cell_margins(table)
        widths(table, t, TEXT_WIDTH)
        rules(table, t.emphasis)
        size = table_font(t)
        for r, values in enumerate([t.columns, *t.rows]):
            row = table.rows[r]
            for i, value in enumerate(values):
                cell = row.cells[i]
                p = cell.paragraphs[0]
                p.paragraph_format.space_after = Pt(0)
                p.paragraph_format.space_before = Pt(1)
                if i in t.numeric:
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _run(p, value, size=size, font=HEAD_FONT, bold=r == 0 or (r - 1) in t.emphasis, color=INK)
        repeat_header(table.rows[0])
        self.para("").paragraph_format.space_after = Pt(2)

    def figure(self, f: Figure) -> None:
        self.figures += 1
        shape = self.doc.add_picture(io.BytesIO(f.png), width=TEXT_WIDTH)
        shape._inline.docPr.set("descr", f.alt[:1000])
        picture = self.doc.paragraphs[-1]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.keep_with_next = True
        cap = self.doc.add_paragraph(style="Caption")
        _run(cap, f"Figure {self.figures}. ", bold=True, color=INK)
        _run(cap, f.caption)

    def quote(self, q: Quote) -> None:
        p = self.para(q.text, style="Quote")
        self.bookmarks += 1
        bookmark(p, q.anchor.replace("-", "_")[:40], self.bookmarks)
        ref = self.doc.add_paragraph()
        ref.paragraph_format.left_indent = Inches(0.4)
        ref.paragraph_format.space_after = Pt(8)
        _run(ref, f"\u2014 {q.attribution}   ", bold=True, size=8.5, color=MUTED, font=HEAD_FONT)
        _run(ref, q.reference, size=8, color=FAINT, font=MONO_FONT)

    def facts(self, items: list[tuple[str, str]]) -> None:
        for label, text in items:
            p = self.doc.add_paragraph()
            p.paragraph_format.space_after = Pt(1)
            p.paragraph_format.left_indent = Inches(0.2)
            _run(p, f"{label}: ", bold=True, size=9.5, color=MUTED, font=HEAD_FONT)
            _run(p, text, size=10)
        if items:
            self.para("").paragraph_format.space_after = Pt(0)

    def heading(self, text: str, level: int, stage: str = ""):
        h = self.doc.add_heading(level=level)
        _run(h, text)
        if stage:
            _run(h, f"   {stage.upper()}", size=7.5, color=FAINT, bold=False)
        return h

    # -- chapters ----------------------------------------------------------------------------
    def front(self) -> None:
        c = self.c
        self.para("RESULTS REPORT", size=9, color=MUTED, font=HEAD_FONT)
        self.doc.add_heading(c.title, level=0)
        if c.research_question:
            self.para("Research question", size=9, bold=True, color=MUTED, font=HEAD_FONT)
            self.para(c.research_question, italic=True, size=12)
        self.para(f"Generated {c.generated}", size=9, color=FAINT)
        if c.method_notes:
            self.para(c.method_notes)
        self.para(f"The material comprises {'; '.join(c.overview)}.")
        note = self.para("", size=9)
        _run(
            note,
            "Every quote ends with its reference (source, text version, character span, coding). "
            "To see a quote in its context: ",
            size=9,
            color=MUTED,
        )
        _run(note, "theorize trace REFERENCE", size=9, font=MONO_FONT, color=MUTED)

    def methods(self) -> None:
        c = self.c
        self.heading("1  Methods", 1)
        self.heading("1.1  Participants", 2)
        if not c.participants:
            self.note("No participants are recorded in this project.")
        for t in c.participants:
            self.table(t)
        self.heading("1.2  Sources", 2)
        self.table(c.sources)
        self.heading("1.3  Coders", 2)
        self.table(c.coders)
        self.heading("1.4  Analysis steps", 2)
        self.table(c.steps)
        if c.method_paragraphs:
            self.heading("1.5  How the analysis was done", 2)
            for lead, text in c.method_paragraphs:
                p = self.para()
                _run(p, f"{lead}. ", bold=True)
                _run(p, text)
        if c.positionality:
            self.heading("1.6  Reflexivity and positionality", 2)
            self.para("What the researchers wrote about their own position, in their reflexive memos.")
            for title, byline, text in c.positionality:
                p = self.para()
                _run(p, f"{title} ", bold=True)
                _run(p, f"({byline}) ", size=9, color=MUTED)
                _run(p, text)

    def codebook(self) -> None:
        c = self.c
        self.heading("2  Codebook", 1)
        self.para(c.codebook_intro())
        for i, cat in enumerate(c.categories, 1):
            self.category(cat, f"2.{i}")
        if c.uncategorised:
            self.heading(f"2.{len(c.categories) + 1}  Focused codes not yet in a category", 2)
            for code in c.uncategorised:
                self.code(code)

    def category(self, cat: CategoryEntry, number: str) -> None:
        self.heading(f"{number}  {cat.name}", 2, cat.stage)
        if cat.role:
            self.para(f"In the model: {cat.role}", size=9, color=MUTED, font=HEAD_FONT)
        if cat.definition:
            self.para(cat.definition)
        self.facts(cat.facts())
        for q in cat.quotes:
            self.quote(q)
        for code in cat.codes:
            self.code(code)

    def code(self, code: CodeEntry) -> None:
        self.heading(code.name, 3, code.stage + (", in vivo" if code.in_vivo else ""))
        if code.definition:
            self.para(code.definition)
        self.facts(code.facts())
        for q in code.quotes:
            self.quote(q)

    def model(self) -> None:
        c = self.c
        self.heading("3  The theoretical model", 1)
        if c.model_figure:
            if c.model_reference:
                self.para(
                    f"{c.model_reference} shows the model: its conditions, the stages of the process, the "
                    "consequences, the context and the core category, with the relations between them."
                )
            self.figure(c.model_figure)
        else:
            self.note(c.model_omitted)
        for i, s in enumerate(c.model_sections, 1):
            self.heading(f"3.{i}  {s.name}", 2)
            self.para(s.place, size=9, color=MUTED, font=HEAD_FONT)
            if s.definition:
                self.para(s.definition)
            self.facts(s.facts())
            if s.memos:
                self.heading("From the memos", 4)
            for m in s.memos:
                p = self.para(m.excerpt, size=10)
                p.paragraph_format.left_indent = Inches(0.2)
                p.paragraph_format.space_after = Pt(1)
                by = self.para(f"{m.memo.title} \u00b7 {m.memo.byline}", size=8.5, color=MUTED, font=HEAD_FONT)
                by.paragraph_format.left_indent = Inches(0.2)
            if s.further_memos:
                self.note("Also discussed in: " + "; ".join(m.title for m in s.further_memos) + ".")
            if s.quotes:
                self.heading("In the participants\u2019 words", 4)
            for q in s.quotes:
                self.quote(q)

    def analysis(self, a: Analysis, number: str) -> None:
        self.heading(f"{number}  {a.title}", 2)
        if a.omitted:
            self.note(a.omitted)
            return
        if a.statement:
            self.para(a.statement)
        notes = list(a.notes)
        if a.figure:
            if notes:
                self.note(notes.pop(0))
            self.figure(a.figure)
        if a.table:
            self.table(a.table)
        for n in notes:
            self.note(n)

    def memos(self) -> None:
        self.heading("Appendix A  Memos", 1)
        self.para(self.c.memos_intro())
        for m in self.c.memos:
            self.heading(m.title, 2)
            self.para(m.byline, size=9, color=MUTED, font=HEAD_FONT)
            links = ([f"Codes: {', '.join(m.codes)}"] if m.codes else []) + (
                [f"Sources: {', '.join(m.sources)}"] if m.sources else []
            )
            if links:
                self.para(" \u00b7 ".join(links), size=8.5, color=FAINT, font=HEAD_FONT)
            for block in memotext.blocks(m.body):
                self.memo_block(block)

    def memo_block(self, block: memotext.Block) -> None:
        if block.kind == "rule":
            self.para("\u2014", color=FAINT).alignment = WD_ALIGN_PARAGRAPH.CENTER
            return
        if block.kind == "heading":
            p = self.doc.add_heading(level=min(6, max(3, block.level)))
        elif block.kind in ("bullet", "number"):
            base = "List Bullet" if block.kind == "bullet" else "List Number"
            p = self.doc.add_paragraph(style=base if block.level <= 1 else f"{base} {min(3, block.level)}")
            if block.kind == "number" and block.first:
                self._restart_numbering(p)
        elif block.kind == "quote":
            p = self.doc.add_paragraph(style="Quote")
        else:
            p = self.doc.add_paragraph()
        for text, bold, italic, code in block.runs:
            _run(p, text, bold=bold, italic=italic, font=MONO_FONT if code else None, size=9 if code else None)

    def _restart_numbering(self, paragraph) -> None:
        """Start a numbered list at 1 again (Word otherwise continues the previous list's count)."""
        numbering = self.doc.part.numbering_part.element
        style_num = paragraph.style.element.pPr.numPr.numId.val
        abstract = numbering.num_having_numId(style_num).abstractNumId.val
        num = numbering.add_num(abstract)
        override = num.add_lvlOverride(ilvl=0)
        override.add_startOverride(1)
        props = paragraph._p.get_or_add_pPr()
        num_pr = props.get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = num.numId

    def render(self):
        c = self.c
        props = self.doc.core_properties
        props.title, props.subject, props.author = c.title[:255], "Grounded theory results report", "theorize"
        props.comments = f"Generated {c.generated}"
        page_number_footer(self.doc.sections[0], c.title if len(c.title) <= 60 else c.title[:59] + "\u2026")
        self.front()
        contents(self.doc)
        self.methods()
        self.codebook()
        self.model()
        self.heading("4  Saturation and agreement", 1)
        self.analysis(c.saturation, "4.1")
        self.analysis(c.agreement, "4.2")
        for i, a in enumerate(c.more_analyses, 3):
            self.analysis(a, f"4.{i}")
        if c.sampling:
            self.heading("5  Theoretical sampling and comparison of groups", 1)
            for i, a in enumerate(c.sampling, 1):
                self.analysis(a, f"5.{i}")
        self.memos()
        return self.doc


def write(content: ReportContent, path: Path) -> list[Path]:
    """Write the DOCX report; returns the files written (just the one)."""
    document = _Writer(content).render()
    with open_private(path, "wb") as fh:
        document.save(fh)
    return [path]
