"""A flash report as a Decree 30 document and as an edXML package, from its frozen content.

Nothing here reads the incident: ``FlashReport.content`` holds what was sent
(header, number, addressees, body, signature), so the .docx printed a month later
is the one issued. An exercise report says "DIỄN TẬP" in its subject and at the
head of its body; a classified report carries its stamp and is never packed for
the unclassified edXML exchange (``edxml_refusal``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from vigil.core.classification import STAMPS, Classification
from vigil.core.documents import edxml
from vigil.core.documents.decree30 import (
    Block,
    Heading,
    OfficialDocument,
    Paragraph,
    Signature,
    build_docx,
)
from vigil.core.numbering import DocType
from vigil.situation.incidents.models import FlashReport

EXERCISE_MARK = "DIỄN TẬP"


class ClassifiedExportRefused(PermissionDenied):
    """edXML is the unclassified exchange: no classified flash report travels through it."""


def _blocks(body: list[list[str]]) -> list[Block]:
    blocks: list[Block] = []
    for kind, text in body:
        if kind == "h":
            blocks.append(Heading(text))
        elif kind == "b":
            blocks.append(Paragraph(text, bold=True))
        else:
            blocks.append(Paragraph(text))
    return blocks


def signature_of(content: dict[str, Any]) -> Signature:
    sign = content.get("signature", {})
    return Signature(
        name=sign.get("name", ""),
        title=sign.get("title", ""),
        form=sign.get("form", ""),
        authority=sign.get("authority", ""),
    )


def signature_lines(report: FlashReport) -> list[str]:
    """The signature block as printed, line by line (the page shows the same)."""
    s = signature_of(report.content)
    return [line for line in (f"{s.form} {s.authority}".strip(), s.title, s.name) if line]


def official_document(report: FlashReport) -> OfficialDocument:
    c = report.content
    level = int(c.get("classification", report.classification))
    return OfficialDocument(
        issuing_body=c["issuing_body"],
        parent_body=c.get("parent_body", ""),
        doc_type=c.get("doc_type", "Báo cáo"),
        subject=c["subject"],
        date=dt.date.fromisoformat(c["date"]),
        place=c.get("place", ""),
        number=c["number"],
        signature=signature_of(c),
        body=tuple(_blocks(c.get("body", []))),
        addressees=tuple(a["name"] for a in c.get("addressees", [])),
        recipients=tuple(c.get("recipients", ["Như trên", "Lưu: VT"])),
        # An unclassified report carries no stamp ("LƯU HÀNH NỘI BỘ" is the page's).
        classification_stamp=STAMPS[Classification(level)] if level else "",
        urgency=c.get("urgency", ""),
    )


def docx_bytes(report: FlashReport) -> bytes:
    """The report as the Decree 30 .docx that was issued."""
    return build_docx(official_document(report))


def filename(report: FlashReport, ext: str) -> str:
    return f"{report.symbol.replace('/', '-')}.{ext}"


def edxml_refusal(report: FlashReport) -> str:
    """Why ``report`` may not go out as edXML ("" when it may)."""
    if report.classification > 0:
        return _(
            "This flash report is classified %(level)s: classified documents are not sent "
            "through the edXML exchange. Download the .docx (it carries its stamp) and send "
            "it through the channel for classified documents."
        ) % {"level": STAMPS[Classification(report.classification)]}
    return ""


def _text(body: list[list[str]]) -> str:
    return "\n".join(text for _kind, text in body)


def edxml_package(report: FlashReport) -> bytes:
    """The report as an edXML package with its .docx attached; refused when classified."""
    reason = edxml_refusal(report)
    if reason:
        raise ClassifiedExportRefused(reason)
    c = report.content
    number, _slash, notation = c["number"].partition("/")
    sign = c.get("signature", {})
    position = sign.get("title", "")
    if sign.get("form") and sign.get("authority"):
        position = f"{sign['authority']} ({position})"
    package = edxml.EdxmlDocument(
        sender=edxml.Organ(code=c.get("issuer_code", ""), name=c.get("issuer", "")),
        recipients=[edxml.Organ(a.get("code", ""), a["name"]) for a in c.get("addressees", [])],
        number=number, notation=notation, place=c.get("place", ""),
        date=dt.date.fromisoformat(c["date"]), type_name=c.get("doc_type", "Báo cáo"),
        type_code=edxml.type_code(DocType.BAO_CAO),
        type_detail=edxml.type_detail(DocType.BAO_CAO),
        priority=edxml.priority_of(c.get("urgency", "")), subject=c["subject"],
        document_id=f"vigil-flash-{report.pk}", content=_text(c.get("body", [])),
        signer_name=sign.get("name", ""), signer_competence=sign.get("form", ""),
        signer_position=position,
        attachments=[edxml.EdxmlAttachment(
            filename(report, "docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            docx_bytes(report),
        )],
    )  # fmt: skip
    return edxml.build_package(package)
