"""An official document as the caller describes it (``OfficialDocument`` and its
blocks), the Decree 30/2020 vocabulary (signing forms, urgencies, stamps) and the
lines every layout prints the same way. No drawing here: ``_layout`` draws it,
the ``check`` package reads it back, ``decree30.build_docx`` is the one entry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

# The signing forms of box 7a, in the order the rule lists them.
SIGNING_FORMS = ("", "TM.", "KT.", "TL.", "TUQ.", "Q.")
URGENCIES = ("", "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC")
# Box 10a (secrecy stamp) and box 11 (circulation notice). The unclassified
# stamp of vigil.core.classification, "LƯU HÀNH NỘI BỘ", is a circulation
# notice: given as classification_stamp it is printed as one.
CLASSIFICATION_STAMPS = ("", "MẬT", "TỐI MẬT", "TUYỆT MẬT")
CIRCULATION_NOTICES = ("", "XEM XONG TRẢ LẠI", "LƯU HÀNH NỘI BỘ")
# A document without a number is a draft and says so: an empty "Số:" is then
# not a slip (the checker refuses an empty number on any other document).
DRAFT_MARK = "DỰ THẢO"


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
    bold: bool = False
    italic: bool = False
    lead: str = ""  # printed bold before the text: "Điều 1.", "Phần I."


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    # A wide table gets pages of its own in landscape (Decree 30 allows it for
    # tables not made into appendices); the body goes on in portrait after it.
    landscape: bool = False
    title: str = ""  # printed bold and centred above the table
    widths: Sequence[float] = ()  # column widths in cm; shared evenly when empty


@dataclass(frozen=True)
class Picture:
    """An image (PNG or JPEG bytes) centred on its own line, ``width_cm`` wide (at
    most the text's width), its caption centred in italics under it."""

    data: bytes
    width_cm: float
    caption: str = ""


@dataclass(frozen=True)
class SectionBreak:
    """Start a new page; the pages after it are landscape or portrait."""

    landscape: bool = False


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Table | Picture | SectionBreak | PageBreak


@dataclass(frozen=True)
class Appendix:
    """A "Phụ lục" after the signature: own pages, own page numbers."""

    title: str
    body: Sequence[Block] = field(default_factory=tuple)
    landscape: bool = False
    # The "(Kèm theo … số … ngày … của …)" line without its brackets; built
    # from the document when empty.
    reference: str = ""


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
    circulation: str = ""  # one of CIRCULATION_NOTICES (box 11)
    appendices: Sequence[Appendix] = field(default_factory=tuple)
    drafter_mark: str = ""  # box 12: drafter's initials and copies, "PL.(300)"
    contact: str = ""  # box 13: address, telephone, e-mail; page 1 only
    # A quyết định (Mẫu 1.2/1.3): the authority that decides ("TRƯỞNG BAN CHỈ ĐẠO
    # …"), its legal bases ("Căn cứ …;") and then "QUYẾT ĐỊNH:" before the articles.
    authority: str = ""
    legal_bases: Sequence[str] = field(default_factory=tuple)


def date_line(place: str, day: dt.date) -> str:
    """Box 4: day below 10 and months 1–2 take a leading zero."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def number_line(number: str, symbol: str = "") -> str:
    """Box 3: ``Số: 05/BC-BCĐ``; a draft keeps the space for the number.

    Numbers below 10 take a leading zero ("5/BC-BCĐ" is printed "05/BC-BCĐ").
    """
    if number:
        found = re.fullmatch(r"\s*(\d+)\s*/\s*(.+?)\s*", number)
        if found:
            number = f"{int(found[1]):02d}/{found[2]}"
        elif number.strip().isdigit() and symbol:
            number = f"{int(number):02d}/{symbol}"
        return f"Số: {number}"
    return f"Số:      /{symbol}" if symbol else "Số:"


def document_kind(doc: OfficialDocument) -> str:
    """The type as named in a sentence: "Kế hoạch", or "Công văn" for a letter."""
    name = doc.doc_type.strip() or "Công văn"
    return name[:1].upper() + name[1:].lower()


def appendix_reference(doc: OfficialDocument) -> str:
    """``Kèm theo Kế hoạch số 12/KH-BCĐ ngày 03 tháng 12 năm 2026 của Ban Chỉ đạo …``."""
    number = number_line(doc.number, doc.symbol).removeprefix("Số:").strip()
    day = date_line("", doc.date).removeprefix(", ")
    issuer = doc.issuing_body.strip()
    if issuer.isupper():
        issuer = issuer[:1] + issuer[1:].lower()
    return f"Kèm theo {document_kind(doc)} số {number or '...'} {day} của {issuer}"


HEADING = re.compile(r"^(?:(?:PHẦN|Phần|CHƯƠNG|Chương|MỤC|Mục)\s+[IVXLC\d]+\b|[IVXLC]+\.\s)")
ARTICLE = re.compile(r"^(Điều\s+\d+[a-z]?\.)\s*(.*)$", re.DOTALL)
POINTS_MARK = "[points]"


def recipient_line(text: str) -> str:
    """A recipient's name without the list's own dash and end mark (the layout adds them)."""
    return re.sub(r"^[\s\-–—]+", "", text).strip().rstrip(";.").strip()


def body_blocks(text: str, points: Sequence[str] = ()) -> list[Block]:
    """A body typed as plain lines, with its structure (Decree 30, box 6) styled.

    "I. MỤC ĐÍCH" and "Phần/Chương …" lines are headings (bold capitals);
    "Điều 1. …" gets its label in bold; the other lines are body paragraphs.
    ``points`` (a directive's numbered points) go where the text places them: at a
    line ``[points]``, else after the last line that leads into a list (ends with
    ":"), else at the end.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    numbered = [Paragraph(f"{n}. {p.strip()}") for n, p in enumerate(points, 1) if p.strip()]
    blocks: list[Block] = []
    at: int | None = None
    for line in lines:
        if line.lower() == POINTS_MARK:
            at = len(blocks)
            continue
        article = ARTICLE.match(line)
        if article:
            blocks.append(Paragraph(article[2], lead=article[1]))
        elif HEADING.match(line) and len(line) <= 200:
            blocks.append(Heading(line))
        else:
            blocks.append(Paragraph(line))
    if at is None:
        leads = [
            i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and b.text.endswith(":")
        ]
        at = leads[-1] + 1 if leads else len(blocks)
    return [*blocks[:at], *numbered, *blocks[at:]]


def check_document(doc: OfficialDocument) -> None:
    """Refuse what the layout cannot print: a programming error, not user input."""
    if doc.signature.form.upper() not in SIGNING_FORMS:
        raise ValueError(f"unknown signing form {doc.signature.form!r}")
    if doc.urgency.upper() not in URGENCIES:
        raise ValueError(f"unknown urgency {doc.urgency!r}")
    stamp = doc.classification_stamp.upper()
    if stamp not in CLASSIFICATION_STAMPS + CIRCULATION_NOTICES:
        raise ValueError(f"unknown classification stamp {doc.classification_stamp!r}")
    if doc.circulation.upper() not in CIRCULATION_NOTICES:
        raise ValueError(f"unknown circulation notice {doc.circulation!r}")
