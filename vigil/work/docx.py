"""An issued document as an ``OfficialDocument`` for the Decree 30 builder."""

from __future__ import annotations

from vigil.core.classification import Classification
from vigil.core.documents.decree30 import OfficialDocument, Paragraph, Signature
from vigil.work.models import IssuedDocument, SigningForm


def _parent_body(document: IssuedDocument) -> str:
    head = (
        document.signing_post.committee.posts.filter(kind="head").select_related("agency").first()
    )
    agency = head.agency if head is not None else None
    return agency.name.upper() if agency is not None else ""


def official_document(document: IssuedDocument) -> OfficialDocument:
    signer = document.signer
    form = document.signing_form
    own_title = signer.post.title.upper()
    authority = document.signing_post.title.upper() if form else ""
    if form == SigningForm.TM:
        authority = "BAN CHỈ ĐẠO"
    body: list[Paragraph] = [Paragraph(p) for p in document.body.splitlines() if p.strip()]
    body += [Paragraph(f"{p.order}. {p.text}") for p in document.points.all()]
    recipients = [f"- {a.name};" for a in document.recipients.all()]
    recipients.append("- Lưu: VT, VPTT.")
    stamps = {
        Classification.CONFIDENTIAL: "MẬT",
        Classification.SECRET: "TỐI MẬT",
        Classification.TOP_SECRET: "TUYỆT MẬT",
    }
    return OfficialDocument(
        issuing_body=document.owning_committee.name.upper(),
        parent_body=_parent_body(document),
        doc_type=document.type_name,
        subject=document.subject,
        date=document.issue_date,
        place=document.place,
        number=document.symbol,
        signature=Signature(
            name=signer.holder_name,
            title=own_title,
            form=form,
            authority=authority,
            host_position=signer.position.upper(),
        ),
        body=tuple(body),
        recipients=tuple(recipients),
        classification_stamp=stamps.get(Classification(document.classification), ""),
        urgency=document.urgency,
    )
