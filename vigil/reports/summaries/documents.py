"""A summary report as a Decree 30 *báo cáo* (BC), in Vietnamese whatever the reader's
language: each section a heading, its text, its tables (and its charts as images).
A draft says "DỰ THẢO" and has no number; an issued report is built once, when issued,
and kept as issued (``SummaryReport.issued_docx``)."""

from __future__ import annotations

from vigil.core.classification import STAMPS, Classification
from vigil.core.documents.decree30 import (
    Block,
    Heading,
    OfficialDocument,
    Paragraph,
    Signature,
    Table,
    build_docx,
)
from vigil.org.letterhead import default_signature, parent_body, place_of
from vigil.reports.sections.base import SectionContent, number
from vigil.reports.summaries.models import SummaryReport, SummarySection

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII")


def section_blocks(n: int, section: SummarySection) -> list[Block]:
    content = SectionContent.from_json(section.content)
    blocks: list[Block] = [Heading(f"{ROMAN[n - 1]}. {section.title.upper()}")]
    blocks.extend(Paragraph(line.strip()) for line in section.text.splitlines() if line.strip())
    for table in content.tables:
        if table.rows:
            blocks.append(Table(header=["TT", *table.header], title=table.title,
                                rows=[[str(i), *(number(v) for v in row)]
                                      for i, row in enumerate(table.rows, 1)]))  # fmt: skip
    blocks.extend(Paragraph(note, italic=True) for note in content.notes)
    return blocks


def signature_of(report: SummaryReport) -> Signature:
    if report.signer_name or report.signer_title:
        form = report.signing_form or "TM."
        authority = "BAN CHỈ ĐẠO" if form == "TM." else "TRƯỞNG BAN"
        return Signature(name=report.signer_name, title=report.signer_title.upper(),
                         form=form, authority=authority)  # fmt: skip
    return default_signature(report.owning_committee)


def official_document(report: SummaryReport) -> OfficialDocument:
    committee = report.owning_committee
    sections = list(report.sections.order_by("order"))
    body: list[Block] = []
    for n, section in enumerate(sections, 1):
        body.extend(section_blocks(n, section))
    recipients = [line for line in report.recipients.splitlines() if line.strip()]
    level = int(report.classification)
    return OfficialDocument(
        issuing_body=committee.name.upper(),
        parent_body=parent_body(committee),
        doc_type="Báo cáo",
        subject=report.title,
        date=report.issued_on or report.drafted_at.date(),
        place=place_of(committee),
        number=report.number,
        symbol=f"BC-{committee.short_name}",
        signature=signature_of(report),
        body=body,
        recipients=[*recipients, "Lưu: VT, VPTT"],
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
    """The issued report as an edXML package (to be built)."""
    raise NotImplementedError
