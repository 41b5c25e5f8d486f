"""edXML packages: what we write reads back, tolerant reading of what others
write, and every hostile or incomplete package refused with a clear message."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
from django.test import override_settings
from django.utils import translation
from lxml import etree

from vigil.core.documents import edxml
from vigil.core.documents.decree30 import OfficialDocument, Signature, build_docx
from vigil.core.documents.edxml import (
    NS,
    EdxmlAttachment,
    EdxmlDocument,
    EdxmlError,
    Organ,
    build_package,
    parse_package,
    priority_of,
    urgency_of,
    valid_organ_id,
)

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\xff" * 64


def pdf_of(size: int) -> bytes:
    return PDF[:-6] + b"x" * size + b"\n%%EOF\n"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def directive() -> EdxmlDocument:
    docx = build_docx(
        OfficialDocument(
            issuing_body="Ban Chỉ đạo phòng, chống khủng bố", doc_type="Chỉ thị",
            subject="Tăng cường công tác phòng, chống khủng bố", date=dt.date(2026, 12, 3),
            place="Quảng Ninh", number="12/CT-BCĐ", signature=Signature("Nguyễn Văn A", "Trưởng ban"),
        )
    )  # fmt: skip
    return EdxmlDocument(
        sender=Organ("000.00.31.H40", "Ban Chỉ đạo PCKB tỉnh Quảng Ninh", "Văn phòng thường trực"),
        recipients=[Organ("000.00.00.G22", "Bộ Công an"), Organ("000.01.31.H40", "Xã A")],
        number="12",
        notation="CT-BCĐ",
        place="Quảng Ninh",
        date=dt.date(2026, 12, 3),
        type_name="Chỉ thị",
        type_code="CT",
        type_detail="2",
        subject="Tăng cường công tác phòng, chống khủng bố",
        document_id="000.00.31.H40,2026/12/03,12/CT-BCĐ",
        content="Nội dung tóm tắt.",
        signer_name="Nguyễn Văn A",
        signer_position="Trưởng ban",
        signer_competence="KT.",
        due_date=dt.date(2026, 12, 31),
        priority=2,
        steering_type="1",
        attachments=[
            EdxmlAttachment("chi-thi.docx", "application/octet-stream", docx),
            EdxmlAttachment("phu-luc.pdf", "application/pdf", PDF),
            EdxmlAttachment("so-do.png", "image/png", PNG),
        ],
    )


def test_round_trip_keeps_every_field() -> None:
    original = directive()
    again = parse_package(build_package(original))
    assert again.sender == original.sender
    assert list(again.recipients) == list(original.recipients)
    for name in (
        "number", "notation", "place", "date", "type_name", "type_code", "type_detail",
        "subject", "document_id", "content", "signer_name", "signer_position",
        "signer_competence", "due_date", "priority", "steering_type",
    ):  # fmt: skip
        assert getattr(again, name) == getattr(original, name), name
    assert [(a.name, a.data) for a in again.attachments] == [
        (a.name, a.data) for a in original.attachments
    ]
    # The type is read from the bytes, not taken from the package.
    assert again.attachments[0].content_type.startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )


def test_the_package_uses_the_qcvn_namespace_and_prefix() -> None:
    data = build_package(directive())
    assert f'xmlns:edXML="{NS}"'.encode() in data
    assert b"<edXML:edXMLEnvelope" in data
    assert b"<edXML:CodeNumber>12</edXML:CodeNumber>" in data


def test_priority_and_urgency_map_both_ways() -> None:
    assert priority_of("Thượng khẩn") == 2
    assert urgency_of(3) == "HỎA TỐC"
    assert urgency_of(0) == "" and priority_of("") == 0


# Tolerant reading ------------------------------------------------------------

HEADER = """
<MessageHeader>
  <From><OrganId>000.00.31.H40</OrganId><OrganName>UBND tỉnh Quảng Ninh</OrganName></From>
  <To><OrganId>000.00.00.G22</OrganId><OrganName>Bộ Công an</OrganName></To>
  <Code><CodeNumber>{number}</CodeNumber><CodeNotation>{notation}</CodeNotation></Code>
  <PromulgationInfo><Place>Quảng Ninh</Place><PromulgationDate>{date}</PromulgationDate></PromulgationInfo>
  <DocumentType><Type>CV</Type><TypeName>Công văn</TypeName></DocumentType>
  <Subject>V/v phối hợp</Subject>
</MessageHeader>
"""


def package(envelope_attrs: str = "", prefix: str = "", body: str = "", **fields: str) -> bytes:
    values = {"number": "7", "notation": "UBND-NC", "date": "2026-11-20", **fields}
    header = HEADER.format(**values)
    if prefix:
        header = header.replace("<", f"<{prefix}:").replace(f"<{prefix}:/", f"</{prefix}:")
    tag = f"{prefix}:" if prefix else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><{tag}edXMLEnvelope {envelope_attrs}>'
        f"<{tag}edXMLHeader>{header}</{tag}edXMLHeader>{body}</{tag}edXMLEnvelope>"
    ).encode()


def test_it_reads_a_package_without_namespace() -> None:
    doc = parse_package(package())
    assert (doc.number, doc.notation, doc.date, doc.sender.code) == (
        "7", "UBND-NC", dt.date(2026, 11, 20), "000.00.31.H40",
    )  # fmt: skip


def test_it_reads_another_prefix_and_another_namespace() -> None:
    doc = parse_package(package(f'xmlns:ns2="{NS}"', prefix="ns2"))
    assert doc.subject == "V/v phối hợp"
    other = parse_package(package('xmlns="http://www.go.vn/eDoc"'))
    assert other.number == "7"


def test_it_reads_a_day_first_date_and_a_number_with_its_notation() -> None:
    doc = parse_package(package(number="7/UBND-NC", notation="", date="20/11/2026"))
    assert (doc.number, doc.notation, doc.date) == ("7", "UBND-NC", dt.date(2026, 11, 20))


def test_it_reads_attachments_beside_the_envelope_and_in_the_old_form() -> None:
    encoded = base64.b64encode(PDF).decode()
    wrapped = (
        f'<?xml version="1.0"?><edXML:edXML xmlns:edXML="{NS}">'
        + package(f'xmlns:edXML="{NS}"', prefix="edXML").decode().split("?>", 1)[1]
        + "<AttachmentEncoded><Attachment><ContentId>cid:1</ContentId>"
        + "<AttachmentName>cong-van.pdf</AttachmentName>"
        + f"<ContentTransferEncoded>{encoded}</ContentTransferEncoded></Attachment>"
        + "</AttachmentEncoded></edXML:edXML>"
    ).encode()
    doc = parse_package(wrapped)
    assert [(a.name, a.content_type, a.data) for a in doc.attachments] == [
        ("cong-van.pdf", "application/pdf", PDF)
    ]
    old = package(
        body=(
            "<edXMLBody><edXMLManifest><Reference><ContentId>cid:1</ContentId>"
            "<AttachmentName>../../etc/bao-cao.pdf</AttachmentName></Reference></edXMLManifest>"
            f'<AttachmentEncoded ContentId="cid:1">{encoded}</AttachmentEncoded></edXMLBody>'
        )
    )
    (attachment,) = parse_package(old).attachments
    assert attachment.name == "bao-cao.pdf"  # no path survives
    assert attachment.data == PDF


# Refusals ---------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<edXMLEnvelope><edXMLHeader><MessageHeader><Subject>&lol3;</Subject></MessageHeader></edXMLHeader></edXMLEnvelope>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<edXMLEnvelope><edXMLHeader><MessageHeader><Subject>&xxe;</Subject></MessageHeader></edXMLHeader></edXMLEnvelope>"""
UTF16_DOCTYPE = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x SYSTEM "http://example.invalid/x.dtd"><x/>'.encode(
    "utf-16"
)


def attachment_package(name: str, data: bytes | str) -> bytes:
    encoded = data if isinstance(data, str) else base64.b64encode(data).decode()
    return package(
        body=(
            "<edXMLBody><AttachmentEncoded><Attachment><ContentId>cid:1</ContentId>"
            f"<AttachmentName>{name}</AttachmentName>"
            f"<ContentTransferEncoded>{encoded}</ContentTransferEncoded>"
            "</Attachment></AttachmentEncoded></edXMLBody>"
        )
    )


REFUSED = {
    "not xml": (b"<not xml", "well-formed"),
    "not xml at all": (b"PK\x03\x04 a zip", "well-formed"),
    "billion laughs": (BILLION_LAUGHS, "DTD"),
    "external entity": (EXTERNAL_ENTITY, "DTD"),
    "utf-16 doctype": (UTF16_DOCTYPE, "well-formed"),
    "no header": (b"<edXMLEnvelope><edXMLBody/></edXMLEnvelope>", "message header"),
    "no number": (package(number=""), "number"),
    "no date": (package(date=""), "promulgation date"),
    "no real date": (package(date="2026-02-30"), "promulgation date"),
    "no issuer": (
        package().replace(
            b"<From><OrganId>000.00.31.H40</OrganId><OrganName>UBND t\xe1\xbb\x89nh Qu\xe1\xba\xa3ng Ninh</OrganName></From>",
            b"<From/>",
        ),
        "issuer",
    ),
    "malformed organ id": (package().replace(b"000.00.31.H40", b"H40; DROP"), "identifier"),
    "bad base64": (attachment_package("a.pdf", "not*base64!"), "base64"),
    "refused type": (attachment_package("setup.exe", EXE), "does not accept"),
    "misnamed content": (attachment_package("scan.pdf", PNG), "named as PDF"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(REFUSED))
def test_it_refuses_with_a_clear_message(case: str) -> None:
    data, words = REFUSED[case]
    with pytest.raises(EdxmlError) as refused:
        parse_package(data)
    assert words in str(refused.value)


def test_the_parser_itself_resolves_no_entity() -> None:
    # Behind the screen, the parser alone loads no DTD and expands nothing.
    root = etree.fromstring(EXTERNAL_ENTITY, parser=edxml._parser())
    subject = root.find(".//Subject")
    assert subject is not None
    assert "root:" not in "".join(subject.itertext())
    laughs = etree.fromstring(BILLION_LAUGHS, parser=edxml._parser())
    assert len(etree.tostring(laughs)) < 2000


def test_it_refuses_an_attachment_over_the_limit_before_decoding_it() -> None:
    data = attachment_package("big.pdf", pdf_of(5000))
    with pytest.raises(EdxmlError, match="larger than"):
        parse_package(data, max_attachment_bytes=1024)
    assert parse_package(data, max_attachment_bytes=10_000).attachments[0].name == "big.pdf"


def test_it_refuses_a_package_over_the_cap() -> None:
    data = attachment_package("big.pdf", pdf_of(5000))
    with pytest.raises(EdxmlError, match="larger than"):
        parse_package(data, max_package_bytes=2000)


def test_type_checks_can_be_left_to_the_caller() -> None:
    data = attachment_package("setup.exe", EXE)
    (attachment,) = parse_package(data, check_types=False).attachments
    assert attachment.data == EXE


def test_refusals_are_translated() -> None:
    with translation.override("vi"), pytest.raises(EdxmlError) as refused:
        parse_package(package(number=""))
    assert "số văn bản" in str(refused.value)


def test_valid_organ_id_follows_the_setting() -> None:
    assert valid_organ_id("000.00.31.H40")
    assert not valid_organ_id("H40.31")
    assert not valid_organ_id("")
    with override_settings(VIGIL_ORGAN_ID_PATTERN=r"^H\d{2}(\.\d{2})*$"):
        assert valid_organ_id("H40.31")
        assert not valid_organ_id("000.00.31.H40")
    assert valid_organ_id("H40.31", r"^H\d{2}\.\d{2}$")


def test_a_large_attachment_round_trips() -> None:
    big = pdf_of(12 * 1024 * 1024)  # its base64 is over libxml2's 10 MB text node
    doc = dataclasses.replace(directive(), attachments=[EdxmlAttachment("lon.pdf", "", big)])
    (again,) = parse_package(build_package(doc), max_attachment_bytes=20 * 1024 * 1024).attachments
    assert again.data == big


def test_a_deployment_with_another_code_structure_reads_its_packages() -> None:
    data = package().replace(b"000.00.31.H40", b"H40.31")
    with pytest.raises(EdxmlError):
        parse_package(data)
    pattern = r"^(H\d{2}\.\d{2}|\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})$"
    assert parse_package(data, organ_id_pattern=pattern).sender.code == "H40.31"
    with override_settings(VIGIL_ORGAN_ID_PATTERN=pattern):
        assert parse_package(data).sender.code == "H40.31"


def test_a_priority_that_is_not_a_plain_number_is_read_as_normal() -> None:
    """Review: ``"²".isdigit()`` is true and ``int("²")`` raises: an import gave a 500."""
    header = "<OtherInfo><Priority>²</Priority></OtherInfo></MessageHeader>"
    data = package().replace(b"</MessageHeader>", header.encode())
    assert parse_package(data).priority == 0
