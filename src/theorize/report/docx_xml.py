"""Word-processing XML the python-docx API does not reach: book-style table rules, column widths,
cell margins, repeated header rows, bookmarks, a page-number footer, fonts free of the theme.

Elements go where the OOXML schema puts them (Word refuses a file whose elements are out of
order, where LibreOffice is forgiving), so each is inserted in its schema position.
"""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from theorize.report.content import Table


def no_theme_font(style) -> None:
    """Drop a style's theme font, which would otherwise win over the font named for it."""
    fonts = style.element.rPr.rFonts if style.element.rPr is not None else None
    if fonts is not None:
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)


def repeat_header(row) -> None:
    props = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    props.append(flag)


# Children that must come after an element in w:tblPr / w:tcPr (the schema fixes their order,
# and Word refuses a file that breaks it).
_AFTER = {
    "w:tblBorders": ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"),
    "w:tblCellMar": ("w:tblLook", "w:tblCaption", "w:tblDescription"),
    "w:tcBorders": ("w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"),
}


def _child(parent, tag: str):
    """The child ``tag`` of ``parent``, added in its schema position if missing."""
    found = parent.find(qn(tag))
    if found is not None:
        return found
    element = OxmlElement(tag)
    later = [parent.find(qn(t)) for t in _AFTER.get(tag, ())]
    later = [el for el in later if el is not None]
    if later:
        min(later, key=lambda el: list(parent).index(el)).addprevious(element)
    else:
        parent.append(element)
    return element


def _border(parent, tag: str, edges: dict[str, tuple[int, str]]) -> None:
    """Set borders (eighths of a point, hex colour) on a table (w:tblBorders) or a cell (w:tcBorders)."""
    box = _child(parent, tag)
    for edge, (size, colour) in edges.items():
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if size else "nil")
        if size:
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), colour)
        box.append(el)


def rules(table, emphasis: set[int]) -> None:
    """Book-style rules: heavy above and below the table, one under the header, hairlines between
    rows, none between columns; a rule above a totals row."""
    props = table._tbl.tblPr
    _border(
        props,
        "w:tblBorders",
        {
            "top": (12, "1D232A"),
            "left": (0, ""),
            "bottom": (12, "1D232A"),
            "right": (0, ""),
            "insideH": (2, "D5DAE0"),
            "insideV": (0, ""),
        },
    )
    for cell in table.rows[0].cells:
        _border(cell._tc.get_or_add_tcPr(), "w:tcBorders", {"bottom": (8, "1D232A")})
    for r in emphasis:
        for cell in table.rows[r + 1].cells:
            _border(cell._tc.get_or_add_tcPr(), "w:tcBorders", {"top": (8, "1D232A")})


def table_font(t: Table) -> float:
    return 9 if len(t.columns) <= 5 else 8 if len(t.columns) <= 8 else 7


def widths(table, t: Table, total) -> None:
    """Columns wide enough for their longest word; the rest of the text width shared out by how
    much longer each column's texts are (long texts capped). Character widths are estimated
    generously, so the table also fits where a wider substitute font is used (LibreOffice)."""
    budget = total.pt / (0.6 * table_font(t))
    least, want = [], []
    for i, col in enumerate(t.columns):
        texts = [col] + [r[i] for r in t.rows]
        word = max(len(w) for text in texts for w in (text.split() or [""]))
        least.append(max(word, 3) + 2)
        want.append(max(min(max(len(x) for x in texts[1:] or [col]), 38) + 2, least[-1]))
    if sum(want) <= budget:
        chars = [w * budget / sum(want) for w in want]
    elif sum(least) <= budget:
        share = (budget - sum(least)) / (sum(want) - sum(least))
        chars = [a + (w - a) * share for a, w in zip(least, want)]
    else:
        chars = [a * budget / sum(least) for a in least]
    table.autofit = False
    for i, c in enumerate(chars):
        width = int(total * c / budget)
        table.columns[i].width = width
        for cell in table.columns[i].cells:
            cell.width = width


def cell_margins(table, inches: float = 0.05) -> None:
    margins = _child(table._tbl.tblPr, "w:tblCellMar")
    for side in ("left", "right"):  # CT_TblCellMar order: top, left (start), bottom, right (end)
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(int(inches * 1440)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)


def bookmark(paragraph, name: str, bookmark_id: int) -> None:
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), str(bookmark_id))
    p = paragraph._p
    if p.pPr is not None:
        p.pPr.addnext(start)  # w:pPr stays the paragraph's first child
    else:
        p.insert(0, start)
    p.append(end)


def page_number_footer(section, title: str) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(f"{title} \u00b7 page ")
    run.font.size, run.font.color.rgb = Pt(8), RGBColor(0x80, 0x89, 0x93)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    inner = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    inner.append(text)
    field.append(inner)
    paragraph._p.append(field)
