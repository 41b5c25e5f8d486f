"""Every variant the builder makes passes the Decree 30 checker, and the checker
fails each deliberately broken document (so a pass means something)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm

from vigil.core.documents.check import Finding, check_docx
from vigil.core.documents.decree30 import (
    Appendix,
    Heading,
    OfficialDocument,
    PageBreak,
    Paragraph,
    SectionBreak,
    Signature,
    Table,
    build_docx,
    number_line,
)

LONG = (
    "Các thành viên Ban Chỉ đạo theo chức năng, nhiệm vụ được giao chủ động nắm tình hình, "
    "phối hợp chặt chẽ trong công tác phòng, chống khủng bố; kịp thời báo cáo, đề xuất "
    "Trưởng ban chỉ đạo xử lý các tình huống phát sinh trên địa bàn tỉnh."
)


def plan(**changes: Any) -> OfficialDocument:
    doc = OfficialDocument(
        issuing_body="Ban Chỉ đạo phòng, chống khủng bố",
        parent_body="UBND tỉnh Quảng Ninh",
        doc_type="Kế hoạch",
        subject="Công tác phòng, chống khủng bố năm 2027",
        date=dt.date(2026, 12, 3),
        place="Quảng Ninh",
        number="12/KH-BCĐ",
        body=[
            Heading("I. Mục đích, yêu cầu"),
            Heading("1. Mục đích", level=2),
            Paragraph(LONG),
            Heading("II. Nhiệm vụ"),
            Paragraph(LONG),
        ],
        recipients=["Văn phòng TT BCĐ PCKB quốc gia (để b/c)", "Sở Công Thương", "Lưu: VT, VPTT"],
        signature=Signature(
            name="Nguyễn Văn A",
            title="Phó Trưởng ban thường trực",
            form="KT.",
            authority="Trưởng ban",
            host_position="Giám đốc Công an tỉnh",
        ),
    )
    return dataclasses.replace(doc, **changes)


def texts(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for cell in table._cells:
            lines.extend(p.text for p in cell.paragraphs)
    return "\n".join(lines)


def rules(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings}


VARIANTS: dict[str, Callable[[], OfficialDocument]] = {
    "plan with parent body, KT.": plan,
    "no parent body": lambda: plan(parent_body=""),
    "công văn, one addressee": lambda: plan(
        doc_type="", number="7/BCĐ-VPTT", subject="triển khai diễn tập phương án KB-ST 12",
        addressees=["Ủy ban nhân dân xã A"],
    ),
    "công văn, several addressees": lambda: plan(
        doc_type="", number="07/BCĐ-VPTT", subject="báo cáo kết quả 6 tháng",
        addressees=["Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "Sở Y tế"],
    ),
    "báo cáo to a superior, TM.": lambda: plan(
        doc_type="Báo cáo", number="5/BC-BCĐ", addressees=["Ban Chỉ đạo PCKB quốc gia"],
        signature=Signature("Trần Văn B", "Trưởng ban", form="TM.", authority="Ban Chỉ đạo"),
    ),
    "Q. acting head": lambda: plan(
        signature=Signature("Lê Thị C", "", form="Q.", authority="Trưởng ban"),
    ),
    "TL. by order": lambda: plan(
        signature=Signature("Phạm D", "Chánh Văn phòng", form="TL.", authority="Trưởng ban"),
    ),
    "TUQ. by authorisation": lambda: plan(
        signature=Signature("Vũ E", "Chánh Văn phòng", form="TUQ.", authority="Trưởng ban"),
    ),
    "no signing form": lambda: plan(signature=Signature("Đỗ F", "Trưởng ban")),
    "classified and urgent": lambda: plan(classification_stamp="MẬT", urgency="HỎA TỐC"),
    "top secret, thượng khẩn, circulation": lambda: plan(
        classification_stamp="TUYỆT MẬT", urgency="THƯỢNG KHẨN", circulation="XEM XONG TRẢ LẠI"
    ),
    "internal circulation as the unclassified stamp": lambda: plan(
        classification_stamp="LƯU HÀNH NỘI BỘ", urgency="KHẨN"
    ),
    "draft without a number": lambda: plan(number="", symbol="KH-BCĐ"),
    "january the fifth": lambda: plan(date=dt.date(2027, 1, 5)),
    "one appendix": lambda: plan(appendices=[Appendix("Danh sách đơn vị", [Paragraph(LONG)])]),
    "two appendices, one landscape": lambda: plan(
        appendices=[
            Appendix("Danh sách đơn vị", [Paragraph(LONG)]),
            Appendix(
                "Bảng tổng hợp", [Table(["STT", "Đơn vị", "Số liệu"], [["1", "Xã A", "3"]])],
                landscape=True,
            ),
        ]
    ),
    "long body, tables, landscape table, page and section breaks": lambda: plan(
        body=[
            *[block for n in range(1, 6) for block in (Heading(f"{n}. Nội dung", 2), *[Paragraph(LONG)] * 8)],
            Table(["STT", "Đơn vị", "Kết quả"], [[str(n), f"Xã {n}", "Đạt"] for n in range(1, 30)]),
            Table(
                ["STT", *[f"Chỉ tiêu {n}" for n in range(1, 12)]],
                [[str(r), *["0"] * 11] for r in range(1, 40)],
                landscape=True, title="Bảng tổng hợp theo đơn vị",
            ),
            Paragraph(LONG),
            PageBreak(),
            Paragraph(LONG),
            SectionBreak(landscape=True),
            Paragraph(LONG),
            SectionBreak(landscape=False),
            Paragraph(LONG, bold=True),
        ],
        drafter_mark="PL.(30)",
        contact="Địa chỉ: số 1 đường A, phường B, tỉnh Quảng Ninh; điện thoại: 0203 000 000",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(VARIANTS))
def test_every_variant_passes_the_layout_checker(name: str) -> None:
    data = build_docx(VARIANTS[name]())
    assert check_docx(data) == []


def test_the_long_document_really_spans_sections_and_pages() -> None:
    data = build_docx(VARIANTS["long body, tables, landscape table, page and section breaks"]())
    document = Document(io.BytesIO(data))
    orientations = [(s.page_width or 0) > (s.page_height or 0) for s in document.sections]
    assert orientations == [False, True, False, True, False]
    assert len(document.paragraphs) > 50


def test_header_number_date_and_signature_read_as_decree_30_prints_them() -> None:
    text = texts(build_docx(plan(number="5/KH-BCĐ", date=dt.date(2027, 2, 9))))
    assert "UBND TỈNH QUẢNG NINH" in text
    assert "BAN CHỈ ĐẠO PHÒNG, CHỐNG KHỦNG BỐ" in text
    assert "Số: 05/KH-BCĐ" in text
    assert "Quảng Ninh, ngày 09 tháng 02 năm 2027" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "KẾ HOẠCH\nCông tác phòng, chống khủng bố năm 2027" in text
    assert "KT. TRƯỞNG BAN\nPHÓ TRƯỞNG BAN THƯỜNG TRỰC" in text
    assert "GIÁM ĐỐC CÔNG AN TỈNH\nNguyễn Văn A" in text
    assert (
        "Nơi nhận:\n- Văn phòng TT BCĐ PCKB quốc gia (để b/c);\n- Sở Công Thương;\n- Lưu: VT, VPTT."
        in text
    )


def test_letters_and_addressees() -> None:
    one = texts(build_docx(VARIANTS["công văn, one addressee"]()))
    assert "Số: 07/BCĐ-VPTT\nV/v triển khai diễn tập phương án KB-ST 12" in one
    assert "Kính gửi: Ủy ban nhân dân xã A." in one
    assert "KẾ HOẠCH" not in one
    several = texts(build_docx(VARIANTS["công văn, several addressees"]()))
    assert "Kính gửi:\n- Công an tỉnh;\n- Bộ Chỉ huy Quân sự tỉnh;\n- Sở Y tế." in several


def test_appendices_are_numbered_and_refer_to_the_document() -> None:
    data = build_docx(VARIANTS["two appendices, one landscape"]())
    text = texts(data)
    assert "Phụ lục I\nDANH SÁCH ĐƠN VỊ" in text
    assert "Phụ lục II\nBẢNG TỔNG HỢP" in text
    assert (
        "(Kèm theo Kế hoạch số 12/KH-BCĐ ngày 03 tháng 12 năm 2026 "
        "của Ban Chỉ đạo phòng, chống khủng bố)"
    ) in text
    sections = Document(io.BytesIO(data)).sections
    starts = [s._sectPr.find(qn("w:pgNumType")) for s in sections]
    assert [s is not None and s.get(qn("w:start")) == "1" for s in starts] == [False, True, True]
    assert (sections[2].page_width or 0) > (sections[2].page_height or 0)


def test_stamps_are_boxed_and_sized_by_the_rule() -> None:
    document = Document(
        io.BytesIO(build_docx(plan(urgency="THƯỢNG KHẨN", classification_stamp="MẬT")))
    )
    width = Mm(210) - Mm(30) - Mm(15)
    boxes = {}
    for paragraph in document.paragraphs:
        if paragraph.text in ("MẬT", "THƯỢNG KHẨN"):
            fmt = paragraph.paragraph_format
            boxes[paragraph.text] = width - fmt.left_indent - fmt.right_indent
            assert paragraph.runs[0].font.bold
    assert abs(boxes["THƯỢNG KHẨN"] - Mm(40)) < Mm(0.5)
    assert abs(boxes["MẬT"] - Mm(20)) < Mm(0.5)


def test_number_line_pads_numbers_below_ten() -> None:
    assert number_line("5/BC-BCĐ") == "Số: 05/BC-BCĐ"
    assert number_line("5", "BC-BCĐ") == "Số: 05/BC-BCĐ"
    assert number_line("123/KH-BCĐ") == "Số: 123/KH-BCĐ"
    assert number_line("", "KH-BCĐ") == "Số:      /KH-BCĐ"


def test_unknown_signing_form_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        build_docx(plan(signature=Signature("A", "B", form="XX.")))


# The checker fails what is broken ---------------------------------------------


def broken(change: Callable[[Any], None], doc: OfficialDocument | None = None) -> set[str]:
    document = Document(io.BytesIO(build_docx(doc or plan())))
    change(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return rules(check_docx(buffer.getvalue()))


def header_cell(document: Any, row: int, column: int) -> Any:
    return document.tables[0].rows[row].cells[column]


def set_text(paragraph: Any, text: str) -> None:
    paragraph.runs[0].text = text
    for run in paragraph.runs[1:]:
        run.text = ""


def _margins(d: Any) -> None:
    d.sections[0].left_margin = Mm(20)


def _letter_size(d: Any) -> None:
    d.sections[0].page_width = Mm(216)


def _east_asian_font(d: Any) -> None:
    d.paragraphs[-3].runs[0]._r.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")


def _default_font(d: Any) -> None:
    fonts = d.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts.find(qn("w:rFonts")).set(qn("w:asciiTheme"), "minorHAnsi")


def _themed_table_style(d: Any) -> None:
    fonts = d.styles["Table Grid"].element.rPr.rFonts
    fonts.set(qn("w:eastAsiaTheme"), "minorEastAsia")


def _date_without_zero(d: Any) -> None:
    set_text(header_cell(d, 1, 1).paragraphs[0], "Quảng Ninh, ngày 3 tháng 12 năm 2026")


def _march_with_zero(d: Any) -> None:
    set_text(header_cell(d, 1, 1).paragraphs[0], "Quảng Ninh, ngày 03 tháng 03 năm 2026")


def _date_upright(d: Any) -> None:
    header_cell(d, 1, 1).paragraphs[0].runs[0].font.italic = False


def _number_without_zero(d: Any) -> None:
    set_text(header_cell(d, 1, 0).paragraphs[0], "Số: 5/KH-BCĐ")


def _number_spaces(d: Any) -> None:
    set_text(header_cell(d, 1, 0).paragraphs[0], "Số: 12 / KH - BCĐ")


def _motto_regular(d: Any) -> None:
    header_cell(d, 0, 1).paragraphs[0].runs[0].font.bold = False


def _no_slogan_rule(d: Any) -> None:
    rule = header_cell(d, 0, 1).paragraphs[2]
    rule._p.pPr.remove(rule._p.pPr.find(qn("w:pBdr")))


def _issuer_rule_too_long(d: Any) -> None:
    rule = header_cell(d, 0, 0).paragraphs[2]
    rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = Cm(0.2)


def _issuer_regular(d: Any) -> None:
    header_cell(d, 0, 0).paragraphs[1].runs[0].font.bold = False


def _visible_header_borders(d: Any) -> None:
    table = d.tables[0]
    table._tbl.tblPr.remove(table._tbl.tblPr.find(qn("w:tblBorders")))
    table.style = d.styles["Table Grid"]


def _first_page_numbered(d: Any) -> None:
    d.sections[0].different_first_page_header_footer = False


def _no_page_field(d: Any) -> None:
    for instr in d.sections[0].header._element.xpath(".//w:instrText"):
        instr.text = " DATE "


def _italic_page_number(d: Any) -> None:
    for run in d.sections[0].header.paragraphs[0].runs:
        run.font.italic = True


def _type_not_bold(d: Any) -> None:
    kind = next(p for p in d.paragraphs if p.text == "KẾ HOẠCH")
    kind.runs[0].font.bold = False


def _body_flush_left(d: Any) -> None:
    body = next(p for p in d.paragraphs if p.text.startswith("Các thành viên"))
    body.paragraph_format.first_line_indent = Cm(0)


def _body_tight(d: Any) -> None:
    body = next(p for p in d.paragraphs if p.text.startswith("Các thành viên"))
    body.paragraph_format.space_before = body.paragraph_format.space_after = 0


def _body_double_spaced(d: Any) -> None:
    body = next(p for p in d.paragraphs if p.text.startswith("Các thành viên"))
    body.paragraph_format.line_spacing = 2.0


def _recipients_heading_plain(d: Any) -> None:
    d.tables[-1].rows[0].cells[0].paragraphs[0].runs[0].font.italic = False


def _recipient_list_large(d: Any) -> None:
    for run in d.tables[-1].rows[0].cells[0].paragraphs[1].runs:
        run.font.size = Cm(0.5)


def _last_recipient_semicolon(d: Any) -> None:
    set_text(d.tables[-1].rows[0].cells[0].paragraphs[-1], "- Lưu: VT, VPTT;")


def _name_in_capitals(d: Any) -> None:
    set_text(d.tables[-1].rows[0].cells[1].paragraphs[-1], "NGUYỄN VĂN A")


def _no_room_to_sign(d: Any) -> None:
    cell = d.tables[-1].rows[0].cells[1]
    for paragraph in cell.paragraphs:
        if not paragraph.text.strip():
            paragraph._p.getparent().remove(paragraph._p)


def _stamp_unboxed(d: Any) -> None:
    stamp = next(p for p in d.paragraphs if p.text == "KHẨN")
    stamp._p.pPr.remove(stamp._p.pPr.find(qn("w:pBdr")))


def _appendix_numbering_carried_on(d: Any) -> None:
    section = d.sections[1]
    section._sectPr.remove(section._sectPr.find(qn("w:pgNumType")))


def _appendix_reference_upright(d: Any) -> None:
    line = next(p for p in d.paragraphs if p.text.startswith("(Kèm theo"))
    line.runs[0].font.italic = False


def _no_signature_table(d: Any) -> None:
    table = d.tables[-1]._tbl
    table.getparent().remove(table)


def _header_moved_down(d: Any) -> None:
    paragraph = OxmlElement("w:p")
    d.element.body.insert(0, paragraph)


def _no_subject_rule(d: Any) -> None:
    at = next(i for i, p in enumerate(d.paragraphs) if p.text.startswith("Công tác phòng"))
    rule = d.paragraphs[at + 1]
    rule._p.pPr.remove(rule._p.pPr.find(qn("w:pBdr")))


def _subject_small(d: Any) -> None:
    subject = next(p for p in d.paragraphs if p.text.startswith("Công tác phòng"))
    subject.runs[0].font.size = Cm(0.3)


def _unknown_form(d: Any) -> None:
    set_text(d.tables[-1].rows[0].cells[1].paragraphs[0], "XX. TRƯỞNG BAN")


def _parent_bold(d: Any) -> None:
    header_cell(d, 0, 0).paragraphs[0].runs[0].font.bold = True


BROKEN = {
    "page.margins": _margins,
    "page.size": _letter_size,
    "font.runs": _east_asian_font,
    "font.defaults": _default_font,
    "header.date": _date_without_zero,
    "header.table": _visible_header_borders,
    "header.number": _number_without_zero,
    "header.motto": _motto_regular,
    "header.slogan_rule": _no_slogan_rule,
    "header.issuer_rule": _issuer_rule_too_long,
    "header.issuer": _issuer_regular,
    "page_numbers.first": _first_page_numbered,
    "page_numbers.field": _no_page_field,
    "page_numbers.style": _italic_page_number,
    "title.type": _type_not_bold,
    "body.indent": _body_flush_left,
    "body.spacing": _body_tight,
    "body.line_spacing": _body_double_spaced,
    "signature.recipients": _recipients_heading_plain,
    "signature.name": _name_in_capitals,
    "signature.space": _no_room_to_sign,
    "signature.missing": _no_signature_table,
}
BROKEN_MORE = [
    ("title.rule", _no_subject_rule),
    ("title.subject", _subject_small),
    ("signature.authority", _unknown_form),
    ("header.parent", _parent_bold),
    ("font.styles", _themed_table_style),
    ("header.date", _march_with_zero),
    ("header.date", _date_upright),
    ("header.number", _number_spaces),
    ("header.table", _header_moved_down),
    ("signature.recipients", _recipient_list_large),
    ("signature.recipients", _last_recipient_semicolon),
]


@pytest.mark.parametrize(("rule", "change"), [*BROKEN.items(), *BROKEN_MORE])
def test_the_checker_fails_a_broken_document(rule: str, change: Callable[[Any], None]) -> None:
    assert rule in broken(change)


def _addressee_without_semicolon(d: Any) -> None:
    set_text(next(p for p in d.paragraphs if p.text.startswith("- Công an tỉnh")), "- Công an tỉnh")


def _subject_line_bold(d: Any) -> None:
    header_cell(d, 1, 0).paragraphs[1].runs[0].font.bold = True


def test_the_checker_fails_broken_letters() -> None:
    several = VARIANTS["công văn, several addressees"]()
    assert "addressees.list" in broken(_addressee_without_semicolon, several)
    assert "header.subject" in broken(_subject_line_bold, several)


def test_the_checker_fails_broken_stamps_and_appendices() -> None:
    urgent = plan(urgency="KHẨN")
    assert "stamp.style" in broken(_stamp_unboxed, urgent)
    with_appendix = plan(appendices=[Appendix("Danh sách", [Paragraph(LONG)])])
    assert "appendix.numbering" in broken(_appendix_numbering_carried_on, with_appendix)
    assert "appendix.reference" in broken(_appendix_reference_upright, with_appendix)


def test_the_command_checks_files(tmp_path: Path) -> None:
    good = tmp_path / "good.docx"
    good.write_bytes(build_docx(plan()))
    out = io.StringIO()
    call_command("docx", "check", str(good), stdout=out)
    assert "good.docx" in out.getvalue()
    bad = tmp_path / "bad.docx"
    document = Document(io.BytesIO(build_docx(plan())))
    _margins(document)
    document.save(str(bad))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("docx", "check", str(good), str(bad), stdout=out)
    assert "page.margins" in out.getvalue()
    garbage = tmp_path / "not-word.docx"
    garbage.write_bytes(b"plain text, not a zip")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("docx", "check", str(garbage), stdout=out)
    assert "not-word.docx" in out.getvalue()


def test_a_plain_word_file_fails_without_crashing_the_checker() -> None:
    document = Document()
    document.add_paragraph("Hello")
    document.add_table(rows=1, cols=2).cell(0, 0).text = "Nơi nhận:"
    buffer = io.BytesIO()
    document.save(buffer)
    found = rules(check_docx(buffer.getvalue()))
    assert {"page.size", "font.defaults", "header.table", "page_numbers.field"} <= found


def test_a_large_table_styles_every_cell_in_times_new_roman_13_pt() -> None:
    # The builder copies one styled row for every data row (speed, bench_documents.py);
    # the copy must keep the font in all four slots, the size, the weight and the widths.
    header = [f"Cột {c}" for c in range(35)]
    rows = [[f"{r}.{c}" for c in range(35)] for r in range(100)]
    rows[7][3] = "một\ttab\nhai dòng"
    widths = [0.7] * 35
    appendix = Appendix("Bảng tổng hợp", [Table(header, rows, widths=widths)], landscape=True)
    data = build_docx(plan(appendices=[appendix]))
    assert check_docx(data) == []
    table = Document(io.BytesIO(data)).tables[-1]
    trs: list[Any] = table._tbl.tr_lst
    slots = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
    times = dict.fromkeys(slots, "Times New Roman")
    assert len(trs) == 101
    assert trs[0].trPr.find(qn("w:tblHeader")) is not None
    assert all(tr.trPr is None or tr.trPr.find(qn("w:tblHeader")) is None for tr in trs[1:])
    for r, tr in enumerate(trs):
        tcs = tr.tc_lst
        assert len(tcs) == 35
        for c, tc in enumerate(tcs):
            assert (tc.tcPr.tcW.type, tc.tcPr.tcW.w) == ("dxa", Cm(0.7).twips)
            (paragraph,) = tc.p_lst
            runs = paragraph.r_lst
            assert len(runs) == 1
            expected = header[c] if r == 0 else rows[r - 1][c]
            if (r, c) != (8, 3):
                assert runs[0].text == expected
            for rpr in (runs[0].rPr, paragraph.pPr.find(qn("w:rPr"))):
                fonts = rpr.find(qn("w:rFonts"))
                assert {slot: fonts.get(qn(slot)) for slot in slots} == times
                assert rpr.find(qn("w:sz")).get(qn("w:val")) == "26"
            bold = runs[0].rPr.find(qn("w:b"))
            assert (bold.get(qn("w:val")) is None) == (r == 0)  # header bold, body w:val="0"
    cell = trs[8].tc_lst[3].p_lst[0].r_lst[0]
    assert cell.find(qn("w:tab")) is not None and cell.find(qn("w:br")) is not None
    assert cell.text == "một\ttab\nhai dòng"
    # Every cell is its own element: filling one row does not touch another.
    assert trs[1].tc_lst[0].p_lst[0].r_lst[0].text == "0.0"
    assert trs[100].tc_lst[34].p_lst[0].r_lst[0].text == "99.34"


def test_a_table_row_of_the_wrong_length_is_a_programming_error() -> None:
    body = [Table(["STT", "Đơn vị"], [["1", "Xã A", "thừa"]])]
    with pytest.raises(ValueError, match="3 cells"):
        build_docx(plan(body=body))
