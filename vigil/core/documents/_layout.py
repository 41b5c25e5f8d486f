"""The Decree 30 layout, drawn with python-docx (the rules: decree30.py, DOMAIN.md).

Measurements in one place (``Page``) so the checker (check.py) reads the same
numbers. Every run carries Times New Roman for all four font slots, and so do
the document defaults and every style, so no script falls back to another font.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from vigil.core.documents.decree30 import (
    CIRCULATION_NOTICES,
    DRAFT_MARK,
    Appendix,
    Block,
    Heading,
    OfficialDocument,
    PageBreak,
    Paragraph,
    SectionBreak,
    Table,
    _stream,
    appendix_reference,
    date_line,
    number_line,
    recipient_line,
)
from vigil.core.documents.metrics import text_width_pt, wrapped_width_pt

FONT = "Times New Roman"
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
SLOGAN = "Độc lập - Tự do - Hạnh phúc"
FONT_SLOTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
THEME_SLOTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
RED = RGBColor(0xFF, 0x00, 0x00)

# Page (DOMAIN.md "1 Page"): inside every allowed range, not on its edges.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP = BOTTOM = Mm(20)
LEFT, RIGHT = Mm(30), Mm(15)
HEADER_DISTANCE = FOOTER_DISTANCE = Mm(10)
BODY_SIZE = 14
INDENT = Cm(1.27)
SPACING = Pt(6)
LINE_SPACING = 1.15
# The header's and the signature's two columns (165 mm of text width).
HEADER_LEFT, HEADER_RIGHT = Cm(6.0), Cm(10.5)
FOOTER_LEFT, FOOTER_RIGHT = Cm(6.5), Cm(10.0)
# Word's default cell margins (108 twips each side): a cell's text is this much narrower.
CELL_MARGINS = Cm(0.381)
ISSUER_RULE = 0.4  # of the issuer's text length (1/3–1/2)
SUBJECT_RULE = 0.4
# Box 10b widths; the secrecy stamps follow the same three steps (≈ TT 24/2020/BCA).
STAMP_WIDTHS = {
    "KHẨN": Mm(20), "THƯỢNG KHẨN": Mm(40), "HỎA TỐC": Mm(30),
    "MẬT": Mm(20), "TỐI MẬT": Mm(30), "TUYỆT MẬT": Mm(40),
    "XEM XONG TRẢ LẠI": Mm(60), "LƯU HÀNH NỘI BỘ": Mm(55),
}  # fmt: skip
SIGNATURE_SPACE = 4  # empty lines for the signature and seal


def set_fonts(rpr: Any) -> None:
    """Times New Roman in every slot of an rPr, and no theme font to override it."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in THEME_SLOTS:
        fonts.attrib.pop(qn(attr), None)
    for attr in FONT_SLOTS:
        fonts.set(qn(attr), FONT)


def _font(run: Any, size: float, *, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    set_fonts(run._element.get_or_add_rPr())


def _styles(document: Any) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is not None:
        rpr = rpr_default.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            rpr_default.append(rpr)
        set_fonts(rpr)
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "vi-VN")
        lang.set(qn("w:eastAsia"), "vi-VN")
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_SIZE)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    for style in styles.iterchildren(qn("w:style")):
        rpr = style.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            style.append(rpr)
        set_fonts(rpr)
    # Table styles carry fonts in their conditional parts (w:tblStylePr) too.
    for fonts in list(styles.iter(qn("w:rFonts"))):
        set_fonts(fonts.getparent())
    # The template's Word 2010 copy of the styles still names theme fonts; Word
    # reads styles.xml, so the copy goes.
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            document.part.drop_rel(rel_id)


def _page(section: Any, *, landscape: bool = False) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    if landscape:
        section.page_width, section.page_height = PAGE_HEIGHT, PAGE_WIDTH
    else:
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    section.header_distance, section.footer_distance = HEADER_DISTANCE, FOOTER_DISTANCE
    section.gutter = 0


def text_width(section: Any) -> int:
    return int(section.page_width - section.left_margin - section.right_margin)


def _paragraph(
    container: Any,
    text: str = "",
    size: float = BODY_SIZE,
    *,
    bold: bool = False,
    italic: bool = False,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    reuse: bool = False,
) -> Any:
    """A paragraph with one run; ``reuse`` takes a table cell's empty first paragraph."""
    paragraph = container.paragraphs[0] if reuse else container.add_paragraph()
    p = paragraph._p
    if len(p) or p.attrib:  # not a fresh, empty paragraph: style it in place
        _style_paragraph(paragraph, text, size, bold=bold, italic=italic, align=align)
        return paragraph
    # A fresh paragraph gets a copy of the same paragraph styled once (python-docx's
    # property setters cost about a millisecond a paragraph; a copy is the same XML).
    key = (size, bold, italic, align)
    model = _MODEL_PARAGRAPHS.get(key)
    if model is None:
        model = OxmlElement("w:p")  # detached: never in a document, only copied
        scratch = DocxParagraph(model, container)
        _style_paragraph(scratch, "", size, bold=bold, italic=italic, align=align)
        _MODEL_PARAGRAPHS[key] = model
    for child in model:
        p.append(copy.deepcopy(child))
    if text:
        p.r_lst[-1].text = text  # CT_R.text: tabs and line breaks as w:tab / w:br
    return paragraph


_MODEL_PARAGRAPHS: dict[tuple[float, bool, bool, Any], Any] = {}


def _style_paragraph(
    paragraph: Any, text: str, size: float, *, bold: bool, italic: bool, align: Any
) -> None:
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    _font(paragraph.add_run(text), size, bold=bold, italic=italic)
    _mark_font(paragraph, size)


def _mark_font(paragraph: Any, size: float) -> None:
    """The paragraph mark's own font, so even an empty line is Times New Roman."""
    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.append(rpr)
    set_fonts(rpr)
    for tag in ("w:sz", "w:szCs"):
        element = rpr.find(qn(tag))
        if element is None:
            element = OxmlElement(tag)
            rpr.append(element)
        element.set(qn("w:val"), str(int(size * 2)))


def _border(paragraph: Any, sides: Sequence[str], *, size: int = 6, space: int = 1) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in sides:
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), str(size))
        edge.set(qn("w:space"), str(space))
        edge.set(qn("w:color"), "auto")
        borders.append(edge)
    # pBdr sits after keepNext…pageBreakBefore and before shd/spacing/ind/jc.
    anchor = None
    for tag in ("w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr"):
        anchor = ppr.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        ppr.append(borders)


def _rule(container: Any, length: float, available: int) -> Any:
    """A centred solid rule ``length`` EMU long, drawn as an empty paragraph's bottom border.

    The paragraph has no run (a checker counting runs' sizes sees none); only its
    mark is set, 1 pt, so the rule sits just under the text.
    """
    paragraph = container.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)
    _mark_font(paragraph, 1)
    length = min(length, available)
    side = Emu(int((available - length) / 2))
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    paragraph.paragraph_format.line_spacing = Pt(2)
    _border(paragraph, ["bottom"], size=6, space=0)
    return paragraph


def _measured(text: str, size: float, bold: bool, available: int) -> float:
    """The text's length in EMU: its widest line when it wraps."""
    return float(Pt(wrapped_width_pt(text, size, available / Pt(1), bold=bold)))


def _no_borders(table: Any) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    for tag in ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"):
        following = tblpr.find(qn(tag))
        if following is not None:
            following.addprevious(borders)
            return
    tblpr.append(borders)


def _two_columns(document: Any, rows: int, widths: tuple[int, int]) -> Any:
    table = document.add_table(rows=rows, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    return table


def _header(document: Any, doc: OfficialDocument) -> None:
    """Boxes 1–5b: issuer and number on the left, motto and date on the right."""
    table = _two_columns(document, 2, (HEADER_LEFT, HEADER_RIGHT))
    left, right = table.rows[0].cells
    left_width = int(HEADER_LEFT - CELL_MARGINS)
    right_width = int(HEADER_RIGHT - CELL_MARGINS)
    if doc.parent_body:
        _paragraph(left, doc.parent_body.upper(), 13, reuse=True)
    issuer = doc.issuing_body.upper()
    _paragraph(left, issuer, 13, bold=True, reuse=not doc.parent_body)
    _rule(left, ISSUER_RULE * _measured(issuer, 13, True, left_width), left_width)
    _paragraph(right, MOTTO, 13, bold=True, reuse=True)
    _paragraph(right, SLOGAN, 14, bold=True)
    _rule(right, _measured(SLOGAN, 14, True, right_width), right_width)

    number_cell, date_cell = table.rows[1].cells
    top = _paragraph(number_cell, number_line(doc.number, doc.symbol), 13, reuse=True)
    top.paragraph_format.space_before = Pt(6)
    if not doc.doc_type:
        subject = _paragraph(number_cell, f"V/v {doc.subject}", 12)
        subject.paragraph_format.space_before = Pt(6)
    date = _paragraph(date_cell, date_line(doc.place, doc.date), 14, italic=True, reuse=True)
    date.paragraph_format.space_before = Pt(6)


def _stamp(document: Any, text: str, *, right_side: bool = False, red: bool = False) -> None:
    """A boxed, bold mark of the width the rules give (boxes 10a, 10b, 11)."""
    text = text.upper()
    width = STAMP_WIDTHS.get(text, Pt(text_width_pt(text, 13, bold=True)) + Mm(6))
    available = text_width(document.sections[-1])
    column = (HEADER_RIGHT if right_side else HEADER_LEFT) - Cm(0.2)
    start = (HEADER_LEFT if right_side else 0) + max(0, (column - width) // 2)
    paragraph = _paragraph(document, text, 13, bold=True)
    paragraph.paragraph_format.left_indent = Emu(int(start))
    paragraph.paragraph_format.right_indent = Emu(max(0, int(available - start - width)))
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.line_spacing = Pt(16)
    _border(paragraph, ["top", "left", "bottom", "right"], size=12, space=3)
    if red:
        for run in paragraph.runs:
            run.font.color.rgb = RED
        for edge in paragraph._p.pPr.find(qn("w:pBdr")):
            edge.set(qn("w:color"), "FF0000")
    # Word draws one box around neighbouring paragraphs with the same borders:
    # a thin unbordered line keeps two stamps apart.
    gap = document.add_paragraph()
    gap.paragraph_format.space_before = gap.paragraph_format.space_after = Pt(0)
    gap.paragraph_format.line_spacing = Pt(4)
    _mark_font(gap, 4)


def _title(document: Any, doc: OfficialDocument) -> None:
    """Box 5a: the type in capitals, the subject under it, a short rule."""
    if not doc.doc_type:
        return
    kind = _paragraph(document, doc.doc_type.upper(), 14, bold=True)
    kind.paragraph_format.space_before = Pt(18)
    kind.paragraph_format.keep_with_next = True
    subject = _paragraph(document, doc.subject, 14, bold=True)
    subject.paragraph_format.keep_with_next = True
    available = text_width(document.sections[-1])
    _rule(document, SUBJECT_RULE * _measured(doc.subject, 14, True, available), available)


def _addressees(document: Any, doc: OfficialDocument) -> None:
    """Box 9a: one recipient on the line, several one per line.

    A công điện names its sender instead ("TRƯỞNG BAN CHỈ ĐẠO … điện:"), then the list.
    """
    names = [recipient_line(name) for name in doc.addressees if recipient_line(name)]
    if not names:
        return
    if _is(doc, "CÔNG ĐIỆN") and doc.authority:
        head = _paragraph(document, f"{doc.authority.upper()} điện:", 14, bold=True)
        head.paragraph_format.space_before = Pt(12)
        for number, name in enumerate(names, 1):
            end = "." if number == len(names) else ";"
            item = _paragraph(document, f"- {name}{end}", 14, align=WD_ALIGN_PARAGRAPH.LEFT)
            item.paragraph_format.left_indent = Cm(3)
        item.paragraph_format.space_after = Pt(6)
        return
    if len(names) == 1:
        line = _paragraph(document, f"Kính gửi: {names[0]}.", 14)
        line.paragraph_format.space_before = Pt(12)
        line.paragraph_format.space_after = Pt(6)
        return
    head = _paragraph(document, "Kính gửi:", 14, align=WD_ALIGN_PARAGRAPH.LEFT)
    head.paragraph_format.left_indent = Cm(3)
    head.paragraph_format.space_before = Pt(12)
    for number, name in enumerate(names, 1):
        end = "." if number == len(names) else ";"
        item = _paragraph(document, f"- {name}{end}", 14, align=WD_ALIGN_PARAGRAPH.LEFT)
        item.paragraph_format.left_indent = Cm(5.25)
    item.paragraph_format.space_after = Pt(6)


def _is(doc: OfficialDocument, kind: str) -> bool:
    return " ".join(doc.doc_type.upper().split()) == kind


def _decision_preamble(document: Any, doc: OfficialDocument) -> None:
    """Mẫu 1.2/1.3: the deciding authority, its legal bases, then "QUYẾT ĐỊNH:"."""
    if not doc.authority:
        return
    authority = _paragraph(document, doc.authority.upper(), 14, bold=True)
    authority.paragraph_format.space_before = Pt(12)
    authority.paragraph_format.space_after = Pt(6)
    authority.paragraph_format.keep_with_next = True
    bases = [b.strip() for b in doc.legal_bases if b.strip()]
    for number, basis in enumerate(bases, 1):
        basis = basis.rstrip(";.")
        _body_paragraph(document, basis + ("." if number == len(bases) else ";"), italic=True)
    verb = _paragraph(document, f"{doc.doc_type.upper()}:", 14, bold=True)
    verb.paragraph_format.space_before = Pt(6)
    verb.paragraph_format.space_after = Pt(6)
    verb.paragraph_format.keep_with_next = True


def _body_paragraph(
    document: Any, text: str, *, bold: bool = False, italic: bool = False, upper: bool = False
) -> Any:
    paragraph = _paragraph(
        document,
        text.upper() if upper else text,
        BODY_SIZE,
        bold=bold,
        italic=italic,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = INDENT
    fmt.space_before = fmt.space_after = SPACING
    fmt.line_spacing = LINE_SPACING
    fmt.widow_control = True
    return paragraph


def _restart_numbering(section: Any, restart: bool) -> None:
    """Page numbers from 1 in this section, or carried on from the one before."""
    sectpr = section._sectPr
    for old in sectpr.findall(qn("w:pgNumType")):
        sectpr.remove(old)
    if not restart:
        return
    number_type = OxmlElement("w:pgNumType")
    number_type.set(qn("w:start"), "1")
    following = None
    for tag in ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:docGrid"):
        following = sectpr.find(qn(tag))
        if following is not None:
            break
    if following is not None:
        following.addprevious(number_type)
    else:
        sectpr.append(number_type)


def _new_section(document: Any, *, landscape: bool) -> Any:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=landscape)
    # Only the document's first page goes without a number (and an appendix's).
    section.different_first_page_header_footer = False
    _restart_numbering(section, False)
    return section


def _table(document: Any, block: Table) -> None:
    if block.landscape:
        _new_section(document, landscape=True)
    if block.title:
        title = _paragraph(document, block.title, 13, bold=True)
        title.paragraph_format.space_before = Pt(6)
        title.paragraph_format.space_after = Pt(6)
        title.paragraph_format.keep_with_next = True
    columns = len(block.header)
    table = document.add_table(rows=1, cols=columns)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    available = text_width(document.sections[-1])
    if block.widths:
        widths = [int(Cm(w)) for w in block.widths]
    else:
        widths = [available // columns] * columns
    heading_row = table.rows[0]
    trpr = heading_row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    trpr.append(repeat)
    for cell, text in zip(heading_row.cells, block.header, strict=True):
        _paragraph(cell, str(text), 13, bold=True, reuse=True)
    # One body row is drawn through python-docx as the model; every data row is
    # a copy of it with its texts filled in. Styling ~3,500 cells one by one (and
    # python-docx's column.cells, which walks the whole table per column) took
    # seconds; a copy carries exactly the same fonts, sizes and widths.
    model = table.add_row()
    for cell in model.cells:
        _paragraph(cell, "", 13, align=WD_ALIGN_PARAGRAPH.LEFT, reuse=True)
    for column, width in zip(table.columns, widths, strict=False):
        column.width = width
        for cell in column.cells:
            cell.width = width
    model_tr = model._tr
    tbl = table._tbl
    tbl.remove(model_tr)
    run_tag = qn("w:r")
    for row in block.rows:
        if len(row) != columns:
            raise ValueError(f"a table row has {len(row)} cells, the header {columns}")
        tr = copy.deepcopy(model_tr)
        for run, text in zip(tr.iter(run_tag), row, strict=True):
            if text := str(text):
                run.text = text  # CT_R.text: tabs and line breaks as w:tab / w:br
        tbl.append(tr)
    if block.landscape:
        _new_section(document, landscape=False)
    else:
        spacer = _paragraph(document, "", BODY_SIZE)
        spacer.paragraph_format.space_after = SPACING


def _blocks(document: Any, blocks: Sequence[Block]) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            level = max(1, block.level)
            _body_paragraph(document, block.text, bold=True, italic=level >= 3, upper=level == 1)
        elif isinstance(block, Paragraph) and block.lead:
            paragraph = _body_paragraph(document, block.lead, bold=True)
            if block.text:
                run = paragraph.add_run(f" {block.text}")
                _font(run, BODY_SIZE, bold=block.bold, italic=block.italic)
        elif isinstance(block, Paragraph):
            _body_paragraph(document, block.text, bold=block.bold, italic=block.italic)
        elif isinstance(block, Table):
            _table(document, block)
        elif isinstance(block, SectionBreak):
            _new_section(document, landscape=block.landscape)
        elif isinstance(block, PageBreak):
            paragraph = document.add_paragraph()
            _mark_font(paragraph, BODY_SIZE)
            run = paragraph.add_run()
            _font(run, BODY_SIZE)
            run.add_break(WD_BREAK.PAGE)


def _signature(document: Any, doc: OfficialDocument) -> None:
    """Boxes 7 and 9b: "Nơi nhận" on the left, level with the signing authority."""
    table = _two_columns(document, 1, (FOOTER_LEFT, FOOTER_RIGHT))
    left, right = table.rows[0].cells
    heading = _paragraph(
        left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, reuse=True
    )
    heading.paragraph_format.space_before = Pt(6)
    names = [recipient_line(name) for name in doc.recipients if recipient_line(name)]
    for number, name in enumerate(names, 1):
        end = "." if number == len(names) else ";"
        _paragraph(left, f"- {name}{end}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    if doc.drafter_mark:
        _paragraph(left, doc.drafter_mark, 11, align=WD_ALIGN_PARAGRAPH.LEFT)

    signature = doc.signature
    lines = []
    if signature.form:
        lines.append(f"{signature.form.upper()} {signature.authority.upper()}".strip())
    if signature.title:
        lines.append(signature.title.upper())
    for number, line in enumerate(lines):
        paragraph = _paragraph(right, line, 14, bold=True, reuse=number == 0)
        if number == 0:
            paragraph.paragraph_format.space_before = Pt(6)
    for _ in range(SIGNATURE_SPACE):
        _paragraph(right, "", 14, reuse=not lines and _ == 0)
    if signature.host_position:
        _paragraph(right, signature.host_position.upper(), 14, bold=True)
    _paragraph(right, signature.name, 14, bold=True)


def _page_number(section: Any) -> None:
    """A centred PAGE field in the top margin; the first page's header stays empty."""
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _mark_font(paragraph, BODY_SIZE)
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "2")):
        run = paragraph.add_run()
        _font(run, BODY_SIZE)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run.text = text or ""
        else:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
    end = paragraph.add_run()
    _font(end, BODY_SIZE)
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "end")
    end._r.append(fld)
    section.different_first_page_header_footer = True
    first = section.first_page_header
    first.is_linked_to_previous = False
    _mark_font(first.paragraphs[0], BODY_SIZE)


def _contact(section: Any, contact: str) -> None:
    """Box 13: under a full-width rule, at the foot of page 1 only."""
    footer = section.first_page_footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(contact), 11)
    _mark_font(paragraph, 11)
    _border(paragraph, ["top"], size=6, space=2)


def _appendix(document: Any, doc: OfficialDocument, appendix: Appendix, label: str) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=appendix.landscape)
    # Each appendix numbers its own pages; its first page shows no number.
    section.different_first_page_header_footer = True
    _restart_numbering(section, True)
    _paragraph(document, label, 14, bold=True)
    title = _paragraph(document, appendix.title.upper(), 14, bold=True)
    title.paragraph_format.space_before = Pt(6)
    reference = appendix.reference or appendix_reference(doc)
    _paragraph(document, f"({reference.strip('()')})", 14, italic=True)
    available = text_width(section)
    _rule(document, Cm(3.5), available)
    spacer = _paragraph(document, "", BODY_SIZE)
    spacer.paragraph_format.space_after = SPACING
    _blocks(document, appendix.body)


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def appendix_label(number: int, count: int) -> str:
    """ "Phụ lục" alone, or "Phụ lục I", "Phụ lục II"… when there are two or more."""
    if count < 2:
        return "Phụ lục"
    return f"Phụ lục {ROMAN[number - 1] if number <= len(ROMAN) else number}"


def render(doc: OfficialDocument) -> bytes:
    document = Document()
    _styles(document)
    section = document.sections[0]
    _page(section)
    _page_number(section)
    if doc.contact:
        _contact(section, doc.contact)
    properties = document.core_properties
    properties.title = doc.subject[:255]
    properties.author = doc.issuing_body[:255]
    properties.language = "vi-VN"
    # python-docx's template starts with one empty paragraph; the header table replaces it.
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)

    _header(document, doc)
    stamp = doc.classification_stamp.upper()
    circulation = doc.circulation.upper() or (stamp if stamp in CIRCULATION_NOTICES else "")
    if not doc.number:
        _stamp(document, DRAFT_MARK)
    if stamp and stamp not in CIRCULATION_NOTICES:
        _stamp(document, stamp, red=True)
    if doc.urgency:
        _stamp(document, doc.urgency, red=True)
    if circulation:
        _stamp(document, circulation, right_side=True)
    _title(document, doc)
    if _is(doc, "CÔNG ĐIỆN"):
        _addressees(document, doc)
    else:
        _decision_preamble(document, doc)
        _addressees(document, doc)
    if not doc.doc_type and not doc.addressees:
        _paragraph(document, "", BODY_SIZE)
    _blocks(document, doc.body)
    _signature(document, doc)
    for number, appendix in enumerate(doc.appendices, 1):
        _appendix(document, doc, appendix, appendix_label(number, len(doc.appendices)))
    # A body must not end on a table: Word adds a paragraph, so we do.
    if body[-2].tag == qn("w:tbl"):
        _paragraph(document, "", BODY_SIZE)
    return _stream(document)
