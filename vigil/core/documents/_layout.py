"""The Decree 30 layout, drawn with python-docx (the rules: decree30.py, DOMAIN.md).

The parts of a document (header, stamps, title, addressees, body, tables,
signature, page numbers, appendices), drawn with the primitives and measurements
of ``typesetting``, where every run gets Times New Roman in all four font slots.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt

from vigil.core.documents.metrics import text_width_pt
from vigil.core.documents.official import (
    CIRCULATION_NOTICES,
    DRAFT_MARK,
    Appendix,
    Block,
    Heading,
    OfficialDocument,
    PageBreak,
    Paragraph,
    Picture,
    SectionBreak,
    Table,
    appendix_reference,
    date_line,
    number_line,
    recipient_line,
)
from vigil.core.documents.typesetting import (
    BODY_SIZE,
    CELL_MARGINS,
    FOOTER_LEFT,
    FOOTER_RIGHT,
    HEADER_LEFT,
    HEADER_RIGHT,
    INDENT,
    ISSUER_RULE,
    LINE_SPACING,
    MOTTO,
    RED,
    SIGNATURE_SPACE,
    SLOGAN,
    SPACING,
    STAMP_WIDTHS,
    SUBJECT_RULE,
    add_paragraph,
    add_rule,
    mark_font,
    measured,
    set_border,
    set_run_font,
    set_styles,
    set_up_page,
    text_width,
    two_columns,
)


def _header(document: Any, doc: OfficialDocument) -> None:
    """Boxes 1–5b: issuer and number on the left, motto and date on the right."""
    table = two_columns(document, 2, (HEADER_LEFT, HEADER_RIGHT))
    left, right = table.rows[0].cells
    left_width = int(HEADER_LEFT - CELL_MARGINS)
    right_width = int(HEADER_RIGHT - CELL_MARGINS)
    if doc.parent_body:
        add_paragraph(left, doc.parent_body.upper(), 13, reuse=True)
    issuer = doc.issuing_body.upper()
    add_paragraph(left, issuer, 13, bold=True, reuse=not doc.parent_body)
    add_rule(left, ISSUER_RULE * measured(issuer, 13, True, left_width), left_width)
    add_paragraph(right, MOTTO, 13, bold=True, reuse=True)
    add_paragraph(right, SLOGAN, 14, bold=True)
    add_rule(right, measured(SLOGAN, 14, True, right_width), right_width)

    number_cell, date_cell = table.rows[1].cells
    top = add_paragraph(number_cell, number_line(doc.number, doc.symbol), 13, reuse=True)
    top.paragraph_format.space_before = Pt(6)
    if not doc.doc_type:
        subject = add_paragraph(number_cell, f"V/v {doc.subject}", 12)
        subject.paragraph_format.space_before = Pt(6)
    date = add_paragraph(date_cell, date_line(doc.place, doc.date), 14, italic=True, reuse=True)
    date.paragraph_format.space_before = Pt(6)


def _stamp(document: Any, text: str, *, right_side: bool = False, red: bool = False) -> None:
    """A boxed, bold mark of the width the rules give (boxes 10a, 10b, 11)."""
    text = text.upper()
    width = STAMP_WIDTHS.get(text, Pt(text_width_pt(text, 13, bold=True)) + Mm(6))
    available = text_width(document.sections[-1])
    column = (HEADER_RIGHT if right_side else HEADER_LEFT) - Cm(0.2)
    start = (HEADER_LEFT if right_side else 0) + max(0, (column - width) // 2)
    paragraph = add_paragraph(document, text, 13, bold=True)
    paragraph.paragraph_format.left_indent = Emu(int(start))
    paragraph.paragraph_format.right_indent = Emu(max(0, int(available - start - width)))
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.line_spacing = Pt(16)
    set_border(paragraph, ["top", "left", "bottom", "right"], size=12, space=3)
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
    mark_font(gap, 4)


def _title(document: Any, doc: OfficialDocument) -> None:
    """Box 5a: the type in capitals, the subject under it, a short rule."""
    if not doc.doc_type:
        return
    kind = add_paragraph(document, doc.doc_type.upper(), 14, bold=True)
    kind.paragraph_format.space_before = Pt(18)
    kind.paragraph_format.keep_with_next = True
    subject = add_paragraph(document, doc.subject, 14, bold=True)
    subject.paragraph_format.keep_with_next = True
    available = text_width(document.sections[-1])
    add_rule(document, SUBJECT_RULE * measured(doc.subject, 14, True, available), available)


def _addressees(document: Any, doc: OfficialDocument) -> None:
    """Box 9a: one recipient on the line, several one per line.

    A công điện names its sender instead ("TRƯỞNG BAN CHỈ ĐẠO … điện:"), then the list.
    """
    names = [recipient_line(name) for name in doc.addressees if recipient_line(name)]
    if not names:
        return
    if _is(doc, "CÔNG ĐIỆN") and doc.authority:
        head = add_paragraph(document, f"{doc.authority.upper()} điện:", 14, bold=True)
        head.paragraph_format.space_before = Pt(12)
        for number, name in enumerate(names, 1):
            end = "." if number == len(names) else ";"
            item = add_paragraph(document, f"- {name}{end}", 14, align=WD_ALIGN_PARAGRAPH.LEFT)
            item.paragraph_format.left_indent = Cm(3)
        item.paragraph_format.space_after = Pt(6)
        return
    if len(names) == 1:
        line = add_paragraph(document, f"Kính gửi: {names[0]}.", 14)
        line.paragraph_format.space_before = Pt(12)
        line.paragraph_format.space_after = Pt(6)
        return
    head = add_paragraph(document, "Kính gửi:", 14, align=WD_ALIGN_PARAGRAPH.LEFT)
    head.paragraph_format.left_indent = Cm(3)
    head.paragraph_format.space_before = Pt(12)
    for number, name in enumerate(names, 1):
        end = "." if number == len(names) else ";"
        item = add_paragraph(document, f"- {name}{end}", 14, align=WD_ALIGN_PARAGRAPH.LEFT)
        item.paragraph_format.left_indent = Cm(5.25)
    item.paragraph_format.space_after = Pt(6)


def _is(doc: OfficialDocument, kind: str) -> bool:
    return " ".join(doc.doc_type.upper().split()) == kind


def _decision_preamble(document: Any, doc: OfficialDocument) -> None:
    """Mẫu 1.2/1.3: the deciding authority, its legal bases, then "QUYẾT ĐỊNH:"."""
    if not doc.authority:
        return
    authority = add_paragraph(document, doc.authority.upper(), 14, bold=True)
    authority.paragraph_format.space_before = Pt(12)
    authority.paragraph_format.space_after = Pt(6)
    authority.paragraph_format.keep_with_next = True
    bases = [b.strip() for b in doc.legal_bases if b.strip()]
    for number, basis in enumerate(bases, 1):
        basis = basis.rstrip(";.")
        _body_paragraph(document, basis + ("." if number == len(bases) else ";"), italic=True)
    verb = add_paragraph(document, f"{doc.doc_type.upper()}:", 14, bold=True)
    verb.paragraph_format.space_before = Pt(6)
    verb.paragraph_format.space_after = Pt(6)
    verb.paragraph_format.keep_with_next = True


def _body_paragraph(
    document: Any, text: str, *, bold: bool = False, italic: bool = False, upper: bool = False
) -> Any:
    paragraph = add_paragraph(
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
    set_up_page(section, landscape=landscape)
    # Only the document's first page goes without a number (and an appendix's).
    section.different_first_page_header_footer = False
    _restart_numbering(section, False)
    return section


def _table(document: Any, block: Table) -> None:
    if block.landscape:
        _new_section(document, landscape=True)
    if block.title:
        title = add_paragraph(document, block.title, 13, bold=True)
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
        add_paragraph(cell, str(text), 13, bold=True, reuse=True)
    # One body row is drawn through python-docx as the model; every data row is
    # a copy of it with its texts filled in. Styling ~3,500 cells one by one (and
    # python-docx's column.cells, which walks the whole table per column) took
    # seconds; a copy carries exactly the same fonts, sizes and widths.
    model = table.add_row()
    for cell in model.cells:
        add_paragraph(cell, "", 13, align=WD_ALIGN_PARAGRAPH.LEFT, reuse=True)
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
        spacer = add_paragraph(document, "", BODY_SIZE)
        spacer.paragraph_format.space_after = SPACING


def _picture(document: Any, block: Picture) -> None:
    """The image centred on its own line, never wider than the text; its caption under it."""
    available = text_width(document.sections[-1])
    width = min(int(Cm(block.width_cm)), available)
    paragraph = add_paragraph(document, "", BODY_SIZE)
    fmt = paragraph.paragraph_format
    fmt.space_before = SPACING
    fmt.space_after = Pt(0) if block.caption else SPACING
    fmt.keep_with_next = bool(block.caption)
    run = paragraph.runs[0] if paragraph.runs else paragraph.add_run()
    run.add_picture(io.BytesIO(block.data), width=Emu(width))
    if block.caption:
        caption = add_paragraph(document, block.caption, 13, italic=True)
        caption.paragraph_format.space_before = Pt(3)
        caption.paragraph_format.space_after = SPACING


def _blocks(document: Any, blocks: Sequence[Block]) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            level = max(1, block.level)
            _body_paragraph(document, block.text, bold=True, italic=level >= 3, upper=level == 1)
        elif isinstance(block, Paragraph) and block.lead:
            paragraph = _body_paragraph(document, block.lead, bold=True)
            if block.text:
                run = paragraph.add_run(f" {block.text}")
                set_run_font(run, BODY_SIZE, bold=block.bold, italic=block.italic)
        elif isinstance(block, Paragraph):
            _body_paragraph(document, block.text, bold=block.bold, italic=block.italic)
        elif isinstance(block, Table):
            _table(document, block)
        elif isinstance(block, Picture):
            _picture(document, block)
        elif isinstance(block, SectionBreak):
            _new_section(document, landscape=block.landscape)
        elif isinstance(block, PageBreak):
            paragraph = document.add_paragraph()
            mark_font(paragraph, BODY_SIZE)
            run = paragraph.add_run()
            set_run_font(run, BODY_SIZE)
            run.add_break(WD_BREAK.PAGE)


def _signature(document: Any, doc: OfficialDocument) -> None:
    """Boxes 7 and 9b: "Nơi nhận" on the left, level with the signing authority."""
    table = two_columns(document, 1, (FOOTER_LEFT, FOOTER_RIGHT))
    left, right = table.rows[0].cells
    heading = add_paragraph(
        left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, reuse=True
    )
    heading.paragraph_format.space_before = Pt(6)
    names = [recipient_line(name) for name in doc.recipients if recipient_line(name)]
    for number, name in enumerate(names, 1):
        end = "." if number == len(names) else ";"
        add_paragraph(left, f"- {name}{end}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    if doc.drafter_mark:
        add_paragraph(left, doc.drafter_mark, 11, align=WD_ALIGN_PARAGRAPH.LEFT)

    signature = doc.signature
    lines = []
    if signature.form:
        lines.append(f"{signature.form.upper()} {signature.authority.upper()}".strip())
    if signature.title:
        lines.append(signature.title.upper())
    for number, line in enumerate(lines):
        paragraph = add_paragraph(right, line, 14, bold=True, reuse=number == 0)
        if number == 0:
            paragraph.paragraph_format.space_before = Pt(6)
    for _ in range(SIGNATURE_SPACE):
        add_paragraph(right, "", 14, reuse=not lines and _ == 0)
    if signature.host_position:
        add_paragraph(right, signature.host_position.upper(), 14, bold=True)
    add_paragraph(right, signature.name, 14, bold=True)


def _page_number(section: Any) -> None:
    """A centred PAGE field in the top margin; the first page's header stays empty."""
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    mark_font(paragraph, BODY_SIZE)
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "2")):
        run = paragraph.add_run()
        set_run_font(run, BODY_SIZE)
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
    set_run_font(end, BODY_SIZE)
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "end")
    end._r.append(fld)
    section.different_first_page_header_footer = True
    first = section.first_page_header
    first.is_linked_to_previous = False
    mark_font(first.paragraphs[0], BODY_SIZE)


def _contact(section: Any, contact: str) -> None:
    """Box 13: under a full-width rule, at the foot of page 1 only."""
    footer = section.first_page_footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run_font(paragraph.add_run(contact), 11)
    mark_font(paragraph, 11)
    set_border(paragraph, ["top"], size=6, space=2)


def _appendix(document: Any, doc: OfficialDocument, appendix: Appendix, label: str) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    set_up_page(section, landscape=appendix.landscape)
    # Each appendix numbers its own pages; its first page shows no number.
    section.different_first_page_header_footer = True
    _restart_numbering(section, True)
    add_paragraph(document, label, 14, bold=True)
    title = add_paragraph(document, appendix.title.upper(), 14, bold=True)
    title.paragraph_format.space_before = Pt(6)
    reference = appendix.reference or appendix_reference(doc)
    add_paragraph(document, f"({reference.strip('()')})", 14, italic=True)
    available = text_width(section)
    add_rule(document, Cm(3.5), available)
    spacer = add_paragraph(document, "", BODY_SIZE)
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
    set_styles(document)
    section = document.sections[0]
    set_up_page(section)
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
        add_paragraph(document, "", BODY_SIZE)
    _blocks(document, doc.body)
    _signature(document, doc)
    for number, appendix in enumerate(doc.appendices, 1):
        _appendix(document, doc, appendix, appendix_label(number, len(doc.appendices)))
    # A body must not end on a table: Word adds a paragraph, so we do.
    if body[-2].tag == qn("w:tbl"):
        add_paragraph(document, "", BODY_SIZE)
    return _stream(document)


def _stream(document: object) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()
