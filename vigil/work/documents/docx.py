"""An issued document as an ``OfficialDocument`` for the Decree 30 builder.

Each type's own parts (Decree 30, Appendix I) come from the document's fields:
a công văn's "Kính gửi", a decision's authority line, legal bases and articles,
a telegram's "… điện:" line. "Nơi nhận" starts with "Như trên" only when there
is a "Kính gửi" to refer to ("Như Điều n" in a decision), and ends with
"Lưu: VT, <drafting unit>.".
"""

from __future__ import annotations

from vigil.core.classification import STAMPS, Classification
from vigil.core.documents.decree30 import (
    ARTICLE,
    OfficialDocument,
    Signature,
    body_blocks,
)
from vigil.core.numbering import DocType
from vigil.org.letterhead import parent_body
from vigil.work.models import IssuedDocument, SigningForm

# Whom a TM. signature signs for: the collective, not the head's post.
COLLECTIVE = "BAN CHỈ ĐẠO"


def signature_of(document: IssuedDocument) -> Signature:
    """Box 7: "TM. BAN CHỈ ĐẠO" or "KT. TRƯỞNG BAN", the signer's own title, host post, name."""
    signer = document.signer
    form = document.signing_form
    authority = ""
    if form == SigningForm.TM:
        authority = COLLECTIVE
    elif form:
        authority = document.signing_post.title.upper()
    return Signature(
        name=signer.holder_name,
        title=signer.post.title.upper(),
        form=form,
        authority=authority,
        host_position=signer.position.upper(),
    )


def signature_lines(document: IssuedDocument) -> list[str]:
    """The signature block as printed, line by line (the document page shows the same)."""
    signature = signature_of(document)
    lines = [f"{signature.form} {signature.authority}".strip(), signature.title]
    lines += [signature.host_position, signature.name]
    return [line for line in lines if line]


def authority_line(document: IssuedDocument) -> str:
    """ "TRƯỞNG BAN CHỈ ĐẠO PHÒNG, CHỐNG KHỦNG BỐ TỈNH QUẢNG NINH" unless given."""
    if document.authority:
        return document.authority.upper()
    title = document.signing_post.title.upper()
    name = document.owning_committee.name.upper()
    # "Trưởng ban" of "Ban Chỉ đạo …" reads "Trưởng Ban Chỉ đạo …", not "ban Ban".
    if title.endswith(" BAN") and name.startswith("BAN "):
        return f"{title} {name.removeprefix('BAN ')}"
    return f"{title} {name}"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def addressee_names(document: IssuedDocument) -> list[str]:
    return [a.name for a in document.addressees.all()] + _lines(document.addressees_other)


def recipient_names(document: IssuedDocument, addressees: list[str]) -> list[str]:
    """Box 9b, in order: the reference, the others, the archive."""
    lines: list[str] = []
    decision = document.doc_type == DocType.QUYET_DINH
    articles = [m[1] for line in _lines(document.body) if (m := ARTICLE.match(line))]
    if decision and articles:
        # The last article names who carries the decision out.
        lines.append("Như {}".format(articles[-1].rstrip(".")))
    elif addressees:
        lines.append("Như trên")
    if not decision:
        addressed = {a.pk for a in document.addressees.all()}
        lines += [a.name for a in document.recipients.all() if a.pk not in addressed]
    lines += _lines(document.recipients_other)
    unit = document.drafting_unit
    lines.append(f"Lưu: VT, {unit}" if unit else "Lưu: VT")
    return lines


def official_document(document: IssuedDocument) -> OfficialDocument:
    committee = document.owning_committee
    addressees = addressee_names(document)
    with_authority = document.doc_type in (DocType.QUYET_DINH, DocType.CONG_DIEN)
    return OfficialDocument(
        issuing_body=committee.name.upper(),
        parent_body=parent_body(committee),
        doc_type=document.type_name,
        subject=document.subject,
        date=document.issue_date,
        place=document.place,
        number=document.symbol,
        signature=signature_of(document),
        body=tuple(body_blocks(document.body, [p.text for p in document.points.all()])),
        addressees=tuple(addressees),
        recipients=tuple(recipient_names(document, addressees)),
        # An unclassified document carries no stamp (core's "LƯU HÀNH NỘI BỘ" is the page's).
        classification_stamp=(
            STAMPS[Classification(document.classification)] if document.classification else ""
        ),
        urgency=document.urgency,
        authority=authority_line(document) if with_authority else "",
        legal_bases=tuple(_lines(document.legal_bases)),
    )
