"""The document builders: a Decree 30 .docx and an edXML package that reads back."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from vigil.core.documents.decree30 import (
    OfficialDocument,
    Paragraph,
    Signature,
    build_docx,
    date_line,
)
from vigil.core.documents.edxml import (
    EdxmlAttachment,
    EdxmlDocument,
    EdxmlError,
    Organ,
    build_package,
    parse_package,
)


def test_date_line_leading_zeros() -> None:
    assert date_line("Quảng Ninh", dt.date(2020, 1, 5)) == "Quảng Ninh, ngày 05 tháng 01 năm 2020"
    assert date_line("Quảng Ninh", dt.date(2019, 6, 29)) == "Quảng Ninh, ngày 29 tháng 6 năm 2019"


def test_docx_carries_number_date_and_signature() -> None:
    data = build_docx(
        OfficialDocument(
            issuing_body="Ban Chỉ đạo phòng, chống khủng bố",
            parent_body="UBND tỉnh Quảng Ninh",
            doc_type="Kế hoạch",
            subject="Công tác phòng, chống khủng bố năm 2027",
            date=dt.date(2026, 12, 3),
            place="Quảng Ninh",
            number="12/KH-BCĐ",
            body=[Paragraph("Nội dung.")],
            recipients=["Như trên", "Lưu: VT, VPTT"],
            signature=Signature(
                name="Nguyễn Văn A", title="Phó Trưởng ban thường trực",
                form="KT.", authority="Trưởng ban",
            ),
        )
    )  # fmt: skip
    text = "\n".join(
        p.text
        for table in Document(io.BytesIO(data)).tables
        for cell in table._cells
        for p in cell.paragraphs
    )
    assert "Số: 12/KH-BCĐ" in text
    assert "Quảng Ninh, ngày 03 tháng 12 năm 2026" in text
    assert "KT. TRƯỞNG BAN" in text
    assert "- Lưu: VT, VPTT." in text


def test_edxml_round_trip() -> None:
    original = EdxmlDocument(
        sender=Organ("000.00.31.H40", "Ban Chỉ đạo PCKB tỉnh Quảng Ninh"),
        recipients=[Organ("000.00.00.G22", "Bộ Công an")],
        number="12",
        notation="KH-BCĐ",
        place="Quảng Ninh",
        date=dt.date(2026, 12, 3),
        type_name="Kế hoạch",
        subject="Công tác năm 2027",
        attachments=[EdxmlAttachment("kh.pdf", "application/pdf", b"%PDF-1.4 test\n%%EOF\n")],
    )
    again = parse_package(build_package(original))
    assert (again.number, again.notation, again.date, again.sender, again.subject) == (
        "12", "KH-BCĐ", dt.date(2026, 12, 3), original.sender, "Công tác năm 2027",
    )  # fmt: skip
    assert again.attachments[0].data == b"%PDF-1.4 test\n%%EOF\n"


@pytest.mark.parametrize(
    "data",
    [
        b"<not xml",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
    ],
)
def test_edxml_refuses_bad_packages(data: bytes) -> None:
    with pytest.raises(EdxmlError):
        parse_package(data)
