"""edXML exchange (QCVN 102): an incoming package registered as a document, an issued
document exported as a package.

Importing is a use case (``register_incoming``'s durable transaction);
``import_incoming_edxml_within`` registers in the caller's transaction (the
command line's batch, all of it or none).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from vigil.core import attachments, audit
from vigil.core.audit import Actor
from vigil.core.classification import STAMPS, Classification
from vigil.core.documents import edxml
from vigil.core.models import Attachment
from vigil.org.models import Committee
from vigil.work.documents.models import IncomingDocument, IssuedDocument
from vigil.work.documents.services import register_incoming, register_incoming_within
from vigil.work.models import WorkAction


def import_incoming_edxml(
    committee: Committee, data: bytes, *, classification: int = 0, actor: Actor
) -> IncomingDocument:
    """Register the document an edXML package carries, with its attachments."""
    return _import(committee, data, classification=classification, actor=actor, within=False)


def import_incoming_edxml_within(
    committee: Committee, data: bytes, *, classification: int = 0, actor: Actor
) -> IncomingDocument:
    """``import_incoming_edxml`` in the caller's transaction (the command line's batch)."""
    return _import(committee, data, classification=classification, actor=actor, within=True)


def _import(
    committee: Committee, data: bytes, *, classification: int, actor: Actor, within: bool
) -> IncomingDocument:
    # The package is read before the use case opens its transaction: parsing holds no lock.
    try:
        package = edxml.parse_package(data, max_attachment_bytes=attachments.max_upload_bytes())
    except edxml.EdxmlError as exc:
        raise ValidationError(str(exc)) from exc
    files = [SimpleUploadedFile(a.name, a.data, a.content_type) for a in package.attachments]
    register = register_incoming_within if within else register_incoming
    return register(
        committee, issuer_code=package.sender.code, issuer_name=package.sender.name,
        number=package.number, notation=package.notation, doc_date=package.date,
        subject=package.subject, type_name=package.type_name, place=package.place,
        content=package.content, signer_name=package.signer_name,
        signer_position=package.signer_position, deadline=package.due_date,
        classification=classification, files=files, from_edxml=True,
        document_id=package.document_id, addressed_to=package.recipients,
        type_code=package.type_code, type_detail=package.type_detail,
        organization_in_charge=package.sender.in_charge, actor=actor,
    )  # fmt: skip


# --- issued documents out as edXML


def _file_bytes(attachment: Attachment) -> bytes:
    return attachments.stored_path(attachment.stored_name).read_bytes()


class ClassifiedExportRefused(PermissionDenied):
    """edXML is the unclassified exchange: nothing classified travels through it."""


def _every_attachment(document: IssuedDocument) -> list[Attachment]:
    return list(
        Attachment.objects.filter(
            parent_type=ContentType.objects.get_for_model(document), parent_id=document.pk
        ).order_by("uploaded_at", "pk")
    )


def edxml_refusal(
    document: IssuedDocument, actor: Actor, files: Sequence[Attachment] | None = None
) -> str:
    """Why ``document`` may not go out as edXML ("" when it may). Every attachment
    counts, also one above the user's clearance: the package must not leave a
    classified annex behind unsaid, nor carry it. ``files``: the attachments already
    read (the export checks the very list it packs)."""
    if document.classification > 0:
        return _(
            "This document is classified %(level)s: classified documents are not sent "
            "through the edXML exchange. Download the .docx (it carries its stamp) and send "
            "it through the channel for classified documents."
        ) % {"level": STAMPS[Classification(document.classification)]}
    every = _every_attachment(document) if files is None else files
    classified = [a for a in every if a.classification > 0]
    readable = [a for a in classified if a.classification <= attachments.clearance_of(actor)]
    if readable:
        return _(
            "The attachment “%(name)s” is classified %(level)s: classified files are not "
            "sent through the edXML exchange. Send it through the channel for classified "
            "documents, or remove it from this document first."
        ) % {"name": readable[0].name, "level": STAMPS[Classification(readable[0].classification)]}
    if classified:
        return _(
            "One of this document's attachments is classified: classified files are not "
            "sent through the edXML exchange."
        )
    return ""


def _refuse_classified_export(
    document: IssuedDocument, *, actor: Actor, files: Sequence[Attachment]
) -> None:
    reason = edxml_refusal(document, actor, files)
    if not reason:
        return
    # The refused attempt is kept: its own transaction, committed before the refusal.
    with transaction.atomic(durable=True):
        audit.record(
            WorkAction.DOCUMENT_EXPORT_REFUSED, actor=actor, obj=document,
            after={"format": "edxml", "reason": reason},
        )  # fmt: skip
    raise ClassifiedExportRefused(reason)


def _signer_position(document: IssuedDocument) -> str:
    """ "Trưởng ban" in one's own name; "Trưởng ban" signed KT. by "Phó Trưởng ban…" keeps both."""
    own = document.signer.post.title
    if document.signing_form and document.signing_post_id != document.signer.post_id:
        return f"{document.signing_post.title} ({own})"
    return own


def export_edxml(document: IssuedDocument, *, actor: Actor) -> bytes:
    """The document as an edXML package for the agencies' document management systems.

    Refused (``ClassifiedExportRefused``, audited) for a classified document or
    one with a classified attachment."""
    # One read: the list the refusal passes is the list packed (no file slips in between).
    files = _every_attachment(document)
    _refuse_classified_export(document, actor=actor, files=files)
    committee = document.owning_committee
    # The committee's own code; the standing agency's only for a committee without one.
    sender_agency = committee.standing_agency
    code = committee.electronic_code or (sender_agency.electronic_code if sender_agency else "")
    sender = edxml.Organ(
        code=code, name=committee.name, in_charge=sender_agency.name if sender_agency else ""
    )
    number, _slash, notation = document.symbol.partition("/")
    package = edxml.EdxmlDocument(
        sender=sender,
        recipients=[edxml.Organ(a.electronic_code, a.name) for a in document.recipients.all()],
        number=number, notation=notation, place=document.place, date=document.issue_date,
        type_name=document.type_name or "Công văn", type_code=edxml.type_code(document.doc_type),
        type_detail=edxml.type_detail(document.doc_type),
        priority=edxml.priority_of(document.urgency),
        subject=document.subject, document_id=f"vigil-{committee.pk}-{document.pk}",
        content=document.body, signer_name=document.signer.holder_name,
        signer_competence=document.signing_form,
        signer_position=_signer_position(document),
        attachments=[edxml.EdxmlAttachment(a.name, a.content_type, _file_bytes(a)) for a in files],
    )  # fmt: skip
    data = edxml.build_package(package)
    with transaction.atomic(durable=True):
        audit.record(
            WorkAction.DOCUMENT_EXPORTED, actor=actor, obj=document,
            after={"attachments": [a.pk for a in files], "bytes": len(data)},
        )  # fmt: skip
    return data
