"""The Decree 30 typesetting primitives: the measurements (in one place, so the
checker reads the same numbers), the page, Times New Roman in all four font slots
of every run and style, paragraphs, borders, rules and two-column tables.
``_layout`` draws a document's parts with them."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from vigil.core.documents.metrics import wrapped_width_pt

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


def set_run_font(run: Any, size: float, *, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    set_fonts(run._element.get_or_add_rPr())


def set_styles(document: Any) -> None:
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


def set_up_page(section: Any, *, landscape: bool = False) -> None:
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


def add_paragraph(
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
        style_paragraph(paragraph, text, size, bold=bold, italic=italic, align=align)
        return paragraph
    # A fresh paragraph gets a copy of the same paragraph styled once (python-docx's
    # property setters cost about a millisecond a paragraph; a copy is the same XML).
    key = (size, bold, italic, align)
    model = _MODEL_PARAGRAPHS.get(key)
    if model is None:
        model = OxmlElement("w:p")  # detached: never in a document, only copied
        scratch = DocxParagraph(model, container)
        style_paragraph(scratch, "", size, bold=bold, italic=italic, align=align)
        _MODEL_PARAGRAPHS[key] = model
    for child in model:
        p.append(copy.deepcopy(child))
    if text:
        p.r_lst[-1].text = text  # CT_R.text: tabs and line breaks as w:tab / w:br
    return paragraph


_MODEL_PARAGRAPHS: dict[tuple[float, bool, bool, Any], Any] = {}


def style_paragraph(
    paragraph: Any, text: str, size: float, *, bold: bool, italic: bool, align: Any
) -> None:
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    set_run_font(paragraph.add_run(text), size, bold=bold, italic=italic)
    mark_font(paragraph, size)


def mark_font(paragraph: Any, size: float) -> None:
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


def set_border(paragraph: Any, sides: Sequence[str], *, size: int = 6, space: int = 1) -> None:
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


def add_rule(container: Any, length: float, available: int) -> Any:
    """A centred solid rule ``length`` EMU long, drawn as an empty paragraph's bottom border.

    The paragraph has no run (a checker counting runs' sizes sees none); only its
    mark is set, 1 pt, so the rule sits just under the text.
    """
    paragraph = container.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)
    mark_font(paragraph, 1)
    length = min(length, available)
    side = Emu(int((available - length) / 2))
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    paragraph.paragraph_format.line_spacing = Pt(2)
    set_border(paragraph, ["bottom"], size=6, space=0)
    return paragraph


def measured(text: str, size: float, bold: bool, available: int) -> float:
    """The text's length in EMU: its widest line when it wraps."""
    return float(Pt(wrapped_width_pt(text, size, available / Pt(1), bold=bold)))


def no_borders(table: Any) -> None:
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


def two_columns(document: Any, rows: int, widths: tuple[int, int]) -> Any:
    table = document.add_table(rows=rows, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    no_borders(table)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    return table
