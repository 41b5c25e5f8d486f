"""An issued document as the file it downloads as."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

from vigil.core import clock
from vigil.core.documents.decree30 import build_docx
from vigil.work.documents.docx import official_document
from vigil.work.documents.models import IssuedDocument
from vigil.work.obligations import consolidation


def docx_bytes(document: IssuedDocument) -> bytes:
    """The issued document's .docx; an issued consolidation prints its figures as its body."""
    try:
        period = document.consolidated_period
    except ObjectDoesNotExist:
        return build_docx(official_document(document))
    return consolidation.docx_bytes(consolidation.consolidate(period), date=clock.today())
