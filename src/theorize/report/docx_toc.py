"""A table of contents for the Word report: a TOC field over headings 1 and 2, which Word fills
when the document is opened (the settings ask it to update fields) and LibreOffice on Tools >
Update > Update All."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

INSTRUCTION = 'TOC \\o "1-2" \\h \\z \\u'
PLACEHOLDER = "The table of contents is filled in when the document is opened (in Word: answer Yes to updating fields)."


def _field_char(kind: str):
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


def contents(doc) -> None:
    """Add "Contents" and a TOC field at the current end of ``doc``, and ask Word to update fields
    on opening.

    Examples:
        >>> from docx import Document
        >>> d = Document(); contents(d)
        >>> 'TOC \\\\o "1-2"' in d.element.xml
        True
    """
    title = doc.add_paragraph()
    run = title.add_run("Contents")
    run.bold, run.font.size = True, Pt(14)
    title.paragraph_format.space_before = Pt(18)
    paragraph = doc.add_paragraph()
    begin = paragraph.add_run()
    begin._r.append(_field_char("begin"))
    instruction = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = INSTRUCTION
    instruction._r.append(text)
    separate = paragraph.add_run()
    separate._r.append(_field_char("separate"))
    shown = paragraph.add_run(PLACEHOLDER)
    shown.italic = True
    end = paragraph.add_run()
    end._r.append(_field_char("end"))
    settings = doc.settings.element
    if settings.find(qn("w:updateFields")) is None:
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.append(update)
