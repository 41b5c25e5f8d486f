"""The Decree 30 builder's picture block: centred on its own line, never wider than the
text, its caption under it; the checker accepts it as drawn and catches a picture that
is not centred, one wider than the text and a caption in the wrong size."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zlib

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from vigil.core.documents.check import check_docx
from vigil.core.documents.decree30 import (
    OfficialDocument,
    Paragraph,
    Picture,
    Signature,
    build_docx,
)


def png(width: int = 40, height: int = 20) -> bytes:
    """A small grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))  # fmt: skip


def report(width_cm: float = 15) -> bytes:
    return build_docx(
        OfficialDocument(
            issuing_body="Ban Chỉ đạo phòng, chống khủng bố tỉnh Quảng Ninh",
            parent_body="Ủy ban nhân dân tỉnh Quảng Ninh",
            doc_type="Báo cáo", subject="Tổng kết công tác năm 2026",
            date=dt.date(2026, 12, 3), place="Quảng Ninh", number="12/BC-BCĐ",
            body=[Paragraph("Kết quả như sau."), Picture(png(), width_cm, "Biểu đồ 1. Kết quả"),
                  Paragraph("Đánh giá chung.")],
            addressees=["Ủy ban nhân dân tỉnh Quảng Ninh"],
            recipients=["Như trên", "Lưu: VT, VPTT"],
            signature=Signature(name="Nguyễn Văn A", title="Trưởng ban", form="TM.",
                                authority="Ban Chỉ đạo"),
        )
    )  # fmt: skip


def picture_paragraph(document: object) -> object:
    return next(p for p in document.paragraphs if p._p.xpath(".//pic:pic"))  # type: ignore[attr-defined]


def resaved(document: object) -> bytes:
    out = io.BytesIO()
    document.save(out)  # type: ignore[attr-defined]
    return out.getvalue()


def test_a_picture_and_its_caption_pass_the_checker() -> None:
    data = report()
    assert check_docx(data) == []
    document = Document(io.BytesIO(data))
    picture = picture_paragraph(document)
    assert picture.alignment == WD_ALIGN_PARAGRAPH.CENTER  # type: ignore[attr-defined]
    texts = [p.text for p in document.paragraphs]
    caption = texts.index("Biểu đồ 1. Kết quả")
    assert document.paragraphs[caption].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert document.paragraphs[caption].runs[0].italic
    (extent,) = picture._p.xpath(".//wp:extent/@cx")  # type: ignore[attr-defined]
    assert int(extent) == Cm(15)


def test_a_picture_is_never_wider_than_the_text() -> None:
    data = report(width_cm=30)
    assert check_docx(data) == []
    (extent,) = picture_paragraph(Document(io.BytesIO(data)))._p.xpath(".//wp:extent/@cx")  # type: ignore[attr-defined]
    assert abs(int(extent) - Cm(16.5)) < Cm(0.01)  # the text width, to a twip


def test_the_checker_catches_a_picture_out_of_place() -> None:
    document = Document(io.BytesIO(report()))
    picture = picture_paragraph(document)
    picture.alignment = WD_ALIGN_PARAGRAPH.LEFT  # type: ignore[attr-defined]
    for extent in picture._p.xpath(".//wp:extent"):  # type: ignore[attr-defined]
        extent.set("cx", str(int(Cm(20))))
    caption = next(p for p in document.paragraphs if p.text == "Biểu đồ 1. Kết quả")
    caption.runs[0].font.size = Pt(10)
    rules = {f.rule for f in check_docx(resaved(document))}
    assert {"picture.align", "picture.width"} <= rules
    document = Document(io.BytesIO(report()))
    caption = next(p for p in document.paragraphs if p.text == "Biểu đồ 1. Kết quả")
    caption.runs[0].font.size = Pt(10)
    for run in caption.runs:
        run._r.get_or_add_rPr().find(qn("w:sz")).set(qn("w:val"), "20")
    assert "picture.caption" in {f.rule for f in check_docx(resaved(document))}
