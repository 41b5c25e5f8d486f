"""Build a .docx in the layout of Decree 30/2020/NĐ-CP, Appendix I.

The caller describes the document (``OfficialDocument``); this module owns the
layout: A4 and margins, the two-column header (issuing body / national motto),
number and symbol, place and date line, type and subject, body, "Nơi nhận" and
signature block, classification and urgency marks, page numbers from page 2,
Times New Roman for every script. See ../shared/DOMAIN.md, "Documents".
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from vigil.core.documents import _layout
from vigil.core.documents.official import (
    ARTICLE,
    CIRCULATION_NOTICES,
    CLASSIFICATION_STAMPS,
    DRAFT_MARK,
    HEADING,
    POINTS_MARK,
    SIGNING_FORMS,
    URGENCIES,
    Appendix,
    Block,
    Heading,
    OfficialDocument,
    PageBreak,
    Paragraph,
    Picture,
    SectionBreak,
    Signature,
    Table,
    appendix_reference,
    body_blocks,
    check_document,
    date_line,
    document_kind,
    number_line,
    recipient_line,
)

# The model is in official.py (so _layout imports it without importing this
# module back); callers keep importing it from here.
__all__ = [
    "ARTICLE",
    "CIRCULATION_NOTICES",
    "CLASSIFICATION_STAMPS",
    "DOCX_TYPE",
    "DRAFT_MARK",
    "HEADING",
    "POINTS_MARK",
    "SIGNING_FORMS",
    "URGENCIES",
    "Appendix",
    "Block",
    "Heading",
    "OfficialDocument",
    "PageBreak",
    "Paragraph",
    "Picture",
    "SectionBreak",
    "Signature",
    "Table",
    "appendix_reference",
    "body_blocks",
    "build_docx",
    "check_document",
    "date_line",
    "document_kind",
    "docx_response",
    "number_line",
    "recipient_line",
]

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def build_docx(doc: OfficialDocument) -> bytes:
    """The document as .docx bytes, laid out as Decree 30/2020 prescribes."""
    check_document(doc)
    return _layout.render(doc)


def docx_response(filename: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response
