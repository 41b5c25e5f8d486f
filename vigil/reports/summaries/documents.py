"""A summary report as a Decree 30 *báo cáo* (BC), in Vietnamese whatever the reader's
language: each section a heading, its text, its tables and its charts (as images, with
their captions), its notes. A draft says "DỰ THẢO" and has no number; an issued report
is built once, when issued, and kept as issued (``SummaryReport.issued_docx``).

A committee reports up: "Kính gửi" the committee above it and the body that hosts it
(the People's Committee of the province for a province's committee), "Như trên" then
the others given when issuing, and "Lưu: VT, VPTT" (the standing office drafts it).
The issued report also goes out as an edXML package (``edxml_bytes``) with its .docx.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.core.classification import STAMPS, Classification
from vigil.core.documents import edxml
from vigil.core.documents.decree30 import (
    DOCX_TYPE,
    Block,
    Heading,
    OfficialDocument,
    Paragraph,
    Picture,
    Signature,
    Table,
    build_docx,
    recipient_line,
)
from vigil.org.letterhead import default_signature, host_agency, parent_body, place_of
from vigil.reports.charts import chart_png
from vigil.reports.sections.base import SectionContent, number
from vigil.reports.summaries.models import SummaryReport, SummarySection

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII")
DRAFTING_UNIT = "VPTT"  # the standing office drafts the committee's reports
CHART_WIDTH_CM = 15.0  # of the 16.5 cm of text


def section_blocks(n: int, section: SummarySection, charts_before: int = 0) -> list[Block]:
    """The section's heading, text, tables, charts (numbered on from ``charts_before``)
    and notes."""
    content = SectionContent.from_json(section.content)
    blocks: list[Block] = [Heading(f"{ROMAN[n - 1]}. {section.title.upper()}")]
    blocks.extend(Paragraph(line.strip()) for line in section.text.splitlines() if line.strip())
    for table in content.tables:
        if table.rows:
            blocks.append(Table(header=["TT", *table.header], title=table.title,
                                rows=[[str(i), *(number(v) for v in row)]
                                      for i, row in enumerate(table.rows, 1)]))  # fmt: skip
    shown = [c for c in content.charts if c.labels]
    for k, chart in enumerate(shown, charts_before + 1):
        blocks.append(Picture(chart_png(chart), CHART_WIDTH_CM, f"Biểu đồ {k}. {chart.title}"))
    blocks.extend(Paragraph(note, italic=True) for note in content.notes)
    return blocks


def charts_in(section: SummarySection) -> int:
    return sum(1 for c in SectionContent.from_json(section.content).charts if c.labels)


def signature_of(report: SummaryReport) -> Signature:
    if report.signer_name or report.signer_title:
        form = report.signing_form or "TM."
        authority = "BAN CHỈ ĐẠO" if form == "TM." else "TRƯỞNG BAN"
        return Signature(name=report.signer_name, title=report.signer_title.upper(),
                         form=form, authority=authority)  # fmt: skip
    return default_signature(report.owning_committee)


def addressees_of(report: SummaryReport) -> list[str]:
    """Kính gửi: the committee above (the national one for a province's) and the body
    that hosts the committee (the province's People's Committee)."""
    committee = report.owning_committee
    names = [committee.parent.name] if committee.parent is not None else []
    host = host_agency(committee)
    if host is not None:
        names.append(host.name)
    return names


def recipients_of(report: SummaryReport, addressees: list[str]) -> list[str]:
    """Nơi nhận: "Như trên" (the addressees), the others given when issuing, the archive."""
    addressed = {recipient_line(a).casefold() for a in addressees}
    others = [recipient_line(line) for line in report.recipients.splitlines()]
    others = [o for o in others if o and o.casefold() not in addressed
              and not o.casefold().startswith(("như trên", "lưu:"))]  # fmt: skip
    return [*(["Như trên"] if addressees else []), *dict.fromkeys(others),
            f"Lưu: VT, {DRAFTING_UNIT}"]  # fmt: skip


def date_of(report: SummaryReport) -> dt.date:
    return report.issued_on or timezone.localdate(report.drafted_at)


def official_document(report: SummaryReport) -> OfficialDocument:
    committee = report.owning_committee
    sections = list(report.sections.order_by("order"))
    body: list[Block] = []
    charts = 0
    for n, section in enumerate(sections, 1):
        body.extend(section_blocks(n, section, charts))
        charts += charts_in(section)
    addressees = addressees_of(report)
    level = int(report.classification)
    return OfficialDocument(
        issuing_body=committee.name.upper(),
        parent_body=parent_body(committee),
        doc_type="Báo cáo",
        subject=report.title,
        date=date_of(report),
        place=place_of(committee),
        number=report.number,
        symbol=f"BC-{committee.short_name}",
        signature=signature_of(report),
        body=body,
        addressees=addressees,
        recipients=recipients_of(report, addressees),
        classification_stamp=STAMPS[Classification(level)] if level else "",
    )


def docx_bytes(report: SummaryReport) -> bytes:
    """The report's .docx: as issued when it is (never rebuilt), else the draft's."""
    if report.issued_docx:
        return bytes(report.issued_docx)
    return build_docx(official_document(report))


def filename(report: SummaryReport, ext: str) -> str:
    part = f"-{report.part:02d}" if report.part else ""
    return f"bao-cao-{report.kind}-{report.year}{part}.{ext}"


def edxml_bytes(report: SummaryReport) -> bytes:
    """The issued report as an edXML package, its .docx as issued attached. A draft is
    refused (it has no number), and so is a classified report (classified material does
    not travel through the exchange). The caller audits the export."""
    if not report.is_issued:
        raise ValidationError(
            _("A draft has no number: only an issued report goes out as edXML."), code="draft"
        )
    if report.classification:
        raise ValidationError(
            _("A classified report does not go out through the document exchange."),
            code="classified",
        )
    committee = report.owning_committee
    agency = committee.standing_agency
    code = committee.electronic_code or (agency.electronic_code if agency else "")
    sender = edxml.Organ(code=code, name=committee.name, in_charge=agency.name if agency else "")
    recipients = []
    if committee.parent is not None:
        recipients.append(edxml.Organ(committee.parent.electronic_code, committee.parent.name))
    host = host_agency(committee)
    if host is not None:
        recipients.append(edxml.Organ(host.electronic_code, host.name))
    doc = official_document(report)
    number_part, _slash, notation = report.number.partition("/")
    signature = doc.signature
    package = edxml.EdxmlDocument(
        sender=sender, recipients=recipients, number=number_part.strip(),
        notation=notation.strip(), place=doc.place, date=date_of(report),
        type_name="Báo cáo", type_code=edxml.type_code("BC"), type_detail=edxml.type_detail("BC"),
        subject=report.title, document_id=f"vigil-{committee.pk}-report-{report.pk}",
        content=report.title, signer_name=signature.name,
        signer_competence=signature.form,
        signer_position=signature.title,
        attachments=[edxml.EdxmlAttachment(filename(report, "docx"), DOCX_TYPE,
                                           docx_bytes(report))],
    )  # fmt: skip
    return edxml.build_package(package)
