"""Build a .docx in the layout of Decree 30/2020/NĐ-CP, Appendix I.

The caller describes the document (``OfficialDocument``); this module owns the
layout: A4 and margins, the two-column header (issuing body / national motto),
number and symbol, place and date line, type and subject, body, "Nơi nhận" and
signature block, classification and urgency marks, page numbers from page 2,
Times New Roman for every script. See ../shared/DOMAIN.md, "Documents".
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.http import HttpResponse

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The signing forms of box 7a, in the order the rule lists them.
SIGNING_FORMS = ("", "TM.", "KT.", "TL.", "TUQ.", "Q.")
URGENCIES = ("", "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC")


@dataclass(frozen=True)
class Signature:
    """Box 7: ``KT. TRƯỞNG BAN`` / ``PHÓ TRƯỞNG BAN THƯỜNG TRỰC`` / host position / name."""

    name: str
    title: str  # the signer's title in the issuing body: "PHÓ TRƯỞNG BAN THƯỜNG TRỰC"
    form: str = ""  # one of SIGNING_FORMS
    authority: str = ""  # whom the form signs for: "TRƯỞNG BAN" (KT.), "BAN CHỈ ĐẠO" (TM.)
    host_position: str = ""  # advisory body rule: the signer's post in the host agency


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1: part title, bold capitals; 2: section, bold


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Sequence[Sequence[str]]


Block = Heading | Paragraph | Table


@dataclass(frozen=True)
class OfficialDocument:
    issuing_body: str  # "BAN CHỈ ĐẠO PHÒNG, CHỐNG KHỦNG BỐ"
    doc_type: str  # the type's name as printed ("Kế hoạch"); "" for a công văn (letter)
    subject: str  # trích yếu; for a công văn it is printed "V/v …"
    date: dt.date
    place: str  # "Quảng Ninh"
    signature: Signature
    parent_body: str = ""  # "UBND TỈNH QUẢNG NINH"
    number: str = ""  # "05/BC-BCĐ" as issued by the register; "" for a draft
    symbol: str = ""  # "BC-BCĐ": printed after a blank number on a draft
    body: Sequence[Block] = field(default_factory=tuple)
    addressees: Sequence[str] = field(default_factory=tuple)  # "Kính gửi:"
    recipients: Sequence[str] = field(default_factory=tuple)  # "Nơi nhận:" lines
    classification_stamp: str = ""  # "MẬT", "TỐI MẬT", "TUYỆT MẬT" or ""
    urgency: str = ""  # one of URGENCIES


def date_line(place: str, day: dt.date) -> str:
    """Box 4: day below 10 and months 1–2 take a leading zero."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def number_line(number: str, symbol: str = "") -> str:
    """Box 3: ``Số: 05/BC-BCĐ``; a draft keeps the space for the number."""
    if number:
        return f"Số: {number}"
    return f"Số:      /{symbol}" if symbol else "Số:"


def build_docx(doc: OfficialDocument) -> bytes:
    from vigil.core.documents import _layout

    return _layout.render(doc)


def docx_response(filename: str, data: bytes) -> HttpResponse:
    from django.utils.http import content_disposition_header

    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


def _stream(document: object) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()
