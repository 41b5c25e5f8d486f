"""The Decree 30 layout, drawn with python-docx (a first cut; see decree30.py)."""

from __future__ import annotations

from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from vigil.core.documents.decree30 import (
    Heading,
    OfficialDocument,
    Paragraph,
    Table,
    _stream,
    date_line,
    number_line,
)

FONT = "Times New Roman"
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
SLOGAN = "Độc lập - Tự do - Hạnh phúc"


def _font(run: Any, size: float, *, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _line(
    cell_or_doc: Any,
    text: str,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
) -> Any:
    paragraph = cell_or_doc.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    _font(paragraph.add_run(text), size, bold=bold, italic=italic)
    return paragraph


def render(doc: OfficialDocument) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)

    header = document.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.paragraphs[0].text = ""
    if doc.parent_body:
        _line(left, doc.parent_body.upper(), 13)
    _line(left, doc.issuing_body.upper(), 13, bold=True)
    _line(left, number_line(doc.number, doc.symbol), 13)
    if not doc.doc_type:
        _line(left, f"V/v {doc.subject}", 12)
    _line(right, MOTTO, 13, bold=True)
    _line(right, SLOGAN, 14, bold=True)
    _line(right, date_line(doc.place, doc.date), 14, italic=True)

    if doc.classification_stamp:
        _line(document, doc.classification_stamp, 14, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    if doc.urgency:
        _line(document, doc.urgency, 14, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    if doc.doc_type:
        _line(document, doc.doc_type.upper(), 14, bold=True)
        _line(document, doc.subject, 14, bold=True)
    if doc.addressees:
        _line(document, "Kính gửi: " + "; ".join(doc.addressees) + ".", 14)

    for block in doc.body:
        if isinstance(block, Heading):
            text = block.text.upper() if block.level == 1 else block.text
            _line(document, text, 14, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        elif isinstance(block, Paragraph):
            paragraph = _line(document, block.text, 14, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
            paragraph.paragraph_format.first_line_indent = Cm(1.27)
            paragraph.paragraph_format.space_after = Pt(6)
        elif isinstance(block, Table):
            table = document.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                cell.paragraphs[0].text = ""
                _font(cell.paragraphs[0].add_run(text), 13, bold=True)
            for row in block.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    _font(cell.paragraphs[0].add_run(str(text)), 13)

    footer = document.add_table(rows=1, cols=2)
    left, right = footer.rows[0].cells
    _line(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for number, name in enumerate(doc.recipients, 1):
        end = "." if number == len(doc.recipients) else ";"
        _line(left, f"- {name}{end}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    signature = doc.signature
    if signature.form:
        _line(right, f"{signature.form} {signature.authority}".upper(), 14, bold=True)
    _line(right, signature.title.upper(), 14, bold=True)
    if signature.host_position:
        _line(right, signature.host_position.upper(), 14, bold=True)
    _line(right, "", 14)
    _line(right, signature.name, 14, bold=True)
    return _stream(document)
