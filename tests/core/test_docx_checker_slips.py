"""The checker catches what a clerk's eye caught in generated documents: each
slip below is made on a document that passes, so a finding means the slip."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from typing import Any

from docx import Document

from vigil.core.documents.check import check_docx
from vigil.core.documents.decree30 import (
    Heading,
    OfficialDocument,
    Paragraph,
    Signature,
    body_blocks,
    build_docx,
)


def letter(**changes: Any) -> OfficialDocument:
    doc = OfficialDocument(
        issuing_body="Ban Chỉ đạo phòng, chống khủng bố",
        parent_body="Ủy ban nhân dân tỉnh Quảng Ninh",
        doc_type="",
        subject="báo cáo tồn kho vật liệu nổ",
        date=dt.date(2026, 12, 3),
        place="Quảng Ninh",
        number="12/BCĐ-VPTT",
        body=[Heading("I. Kết quả"), Paragraph("Đề nghị Sở báo cáo.")],
        addressees=["Sở Công Thương"],
        recipients=["Như trên", "Lưu: VT, VPTT"],
        signature=Signature(
            name="Nguyễn Văn A", title="Phó Trưởng ban thường trực", form="KT.",
            authority="Trưởng ban",
        ),
    )  # fmt: skip
    return dataclasses.replace(doc, **changes)


def rules(data: bytes) -> set[str]:
    return {f.rule for f in check_docx(data)}


def edited(data: bytes, starts: str, change: Any) -> bytes:
    document = Document(io.BytesIO(data))
    paragraphs = list(document.paragraphs)
    paragraphs += [p for t in document.tables for c in t._cells for p in c.paragraphs]
    target = next(p for p in paragraphs if p.text.startswith(starts))
    change(target)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_the_letter_passes() -> None:
    assert check_docx(build_docx(letter())) == []


def test_a_recipient_given_with_its_dash_is_printed_with_one() -> None:
    assert check_docx(build_docx(letter(recipients=["- Sở Y tế;", "- Lưu: VT, VPTT."]))) == []


def test_it_catches_the_doubled_dash() -> None:
    def double(p: Any) -> None:
        p.runs[0].text = "- " + p.runs[0].text

    assert "signature.recipients" in rules(edited(build_docx(letter()), "- Như trên", double))


def test_it_catches_a_cong_van_without_kinh_gui() -> None:
    found = rules(build_docx(letter(addressees=[], recipients=["Lưu: VT, VPTT"])))
    assert "addressees.missing" in found


def test_it_catches_as_above_with_nothing_above() -> None:
    found = rules(build_docx(letter(doc_type="Kế hoạch", addressees=[])))
    assert "signature.as_above" in found


def test_a_draft_says_so_and_an_issued_document_has_its_number() -> None:
    draft = build_docx(letter(number="", symbol="BCĐ-VPTT"))
    assert check_docx(draft) == []

    def unmark(p: Any) -> None:
        p._p.getparent().remove(p._p)

    assert "header.number_empty" in rules(edited(draft, "DỰ THẢO", unmark))


def test_it_catches_a_decision_without_its_parts() -> None:
    decision = letter(
        doc_type="Quyết định", addressees=[], recipients=["Như Điều 2", "Lưu: VT, VPTT"],
        authority="Trưởng Ban Chỉ đạo phòng, chống khủng bố tỉnh Quảng Ninh",
        legal_bases=["Căn cứ Luật Phòng, chống khủng bố"],
        body=body_blocks("Điều 1. Ban hành quy chế.\nĐiều 2. Các cơ quan thi hành./."),
    )  # fmt: skip
    assert check_docx(build_docx(decision)) == []
    found = rules(build_docx(dataclasses.replace(decision, authority="", legal_bases=())))
    assert "decision.verb" in found
    found = rules(build_docx(dataclasses.replace(decision, legal_bases=())))
    assert "decision.bases" in found
    plain = dataclasses.replace(decision, body=[Paragraph("Ban hành quy chế.")])
    assert "decision.articles" in rules(build_docx(plain))


def test_it_catches_unstyled_headings() -> None:
    plain = letter(body=[Paragraph("I. KẾT QUẢ"), Paragraph("Nội dung.")])
    assert "body.heading" in rules(build_docx(plain))
    article = letter(body=[Paragraph("Điều 1. Ban hành quy chế.")])
    assert "body.heading" in rules(build_docx(article))


def test_body_blocks_style_the_text_and_place_the_points() -> None:
    blocks = body_blocks("I. MỤC ĐÍCH\nĐiều 1. Ban hành.\nYêu cầu:\nKết thúc.", ["A", "B"])
    assert blocks == [
        Heading("I. MỤC ĐÍCH"), Paragraph("Ban hành.", lead="Điều 1."), Paragraph("Yêu cầu:"),
        Paragraph("1. A"), Paragraph("2. B"), Paragraph("Kết thúc."),
    ]  # fmt: skip
    marked = body_blocks("Mở đầu:\n[points]\nGiữa:\nCuối.", ["A"])
    assert marked[1] == Paragraph("1. A")
