"""Official documents in and out as edXML packages (QCVN 102:2016/BTTTT).

The one module that knows the package's shape: ``build_package`` writes
conservatively, ``parse_package`` reads tolerantly but safely (no DTDs, no
entities, no network) and refuses a package that lacks what a registered
document needs. Names follow ../shared/DOMAIN.md, "Electronic document exchange".
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET
from django.utils.translation import gettext as _

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
EDXML_TYPE = "application/xml"


class EdxmlError(ValueError):
    """A package that cannot be registered; the message says why, in the user's language."""


@dataclass(frozen=True)
class Organ:
    code: str  # electronic identifier code (mã định danh điện tử)
    name: str


@dataclass(frozen=True)
class EdxmlAttachment:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class EdxmlDocument:
    sender: Organ
    recipients: Sequence[Organ]
    number: str  # CodeNumber: "12"
    notation: str  # CodeNotation: "KH-BCĐ"
    place: str
    date: dt.date
    type_name: str  # "Kế hoạch"
    subject: str
    document_id: str = ""
    type_code: str = ""  # "KH"
    content: str = ""
    signer_name: str = ""
    signer_position: str = ""
    due_date: dt.date | None = None
    attachments: Sequence[EdxmlAttachment] = field(default_factory=tuple)


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, _q(tag))
    if text is not None:
        element.text = text
    return element


def _organ(parent: ET.Element, tag: str, organ: Organ) -> None:
    element = _sub(parent, tag)
    _sub(element, "OrganId", organ.code)
    _sub(element, "OrganName", organ.name)


def build_package(doc: EdxmlDocument) -> bytes:
    envelope = ET.Element(_q("edXMLEnvelope"))
    header = _sub(_sub(envelope, "edXMLHeader"), "MessageHeader")
    _organ(header, "From", doc.sender)
    for recipient in doc.recipients:
        _organ(header, "To", recipient)
    _sub(header, "DocumentId", doc.document_id)
    code = _sub(header, "Code")
    _sub(code, "CodeNumber", doc.number)
    _sub(code, "CodeNotation", doc.notation)
    promulgation = _sub(header, "PromulgationInfo")
    _sub(promulgation, "Place", doc.place)
    _sub(promulgation, "PromulgationDate", doc.date.isoformat())
    kind = _sub(header, "DocumentType")
    _sub(kind, "Type", doc.type_code)
    _sub(kind, "TypeName", doc.type_name)
    _sub(header, "Subject", doc.subject)
    _sub(header, "Content", doc.content)
    if doc.signer_name:
        signer = _sub(header, "SignerInfo")
        _sub(signer, "Position", doc.signer_position)
        _sub(signer, "FullName", doc.signer_name)
    if doc.due_date:
        _sub(header, "DueDate", doc.due_date.isoformat())
    body = _sub(envelope, "edXMLBody")
    manifest = _sub(body, "edXMLManifest")
    for number, attachment in enumerate(doc.attachments, 1):
        reference = _sub(manifest, "Reference")
        _sub(reference, "ContentId", f"cid:{number}")
        _sub(reference, "ContentType", attachment.content_type)
        _sub(reference, "AttachmentName", attachment.name)
    for number, attachment in enumerate(doc.attachments, 1):
        encoded = _sub(body, "AttachmentEncoded", base64.b64encode(attachment.data).decode())
        encoded.set("ContentId", f"cid:{number}")
    data: bytes = ET.tostring(envelope, encoding="utf-8", xml_declaration=True)
    return data


def _text(element: ET.Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path, {"e": NS})
    return (found.text or "").strip() if found is not None else ""


def parse_package(data: bytes, *, max_attachment_bytes: int | None = None) -> EdxmlDocument:
    try:
        envelope = SafeET.fromstring(data)
    except Exception as exc:  # defusedxml's refusals and ParseError alike
        raise EdxmlError(_("The package is not a well-formed edXML document.")) from exc
    header = envelope.find("e:edXMLHeader/e:MessageHeader", {"e": NS})
    if header is None:
        raise EdxmlError(_("The package has no message header."))
    sender = Organ(_text(header, "e:From/e:OrganId"), _text(header, "e:From/e:OrganName"))
    recipients = [
        Organ(_text(to, "e:OrganId"), _text(to, "e:OrganName"))
        for to in header.findall("e:To", {"e": NS})
    ]
    number = _text(header, "e:Code/e:CodeNumber")
    raw_date = _text(header, "e:PromulgationInfo/e:PromulgationDate")
    if not number:
        raise EdxmlError(_("The package has no document number."))
    if not (sender.code or sender.name):
        raise EdxmlError(_("The package does not name its issuer."))
    try:
        date = dt.date.fromisoformat(raw_date[:10])
    except ValueError as exc:
        raise EdxmlError(_("The package has no valid promulgation date.")) from exc
    names = {
        _text(ref, "e:ContentId"): (_text(ref, "e:AttachmentName"), _text(ref, "e:ContentType"))
        for ref in envelope.findall("e:edXMLBody/e:edXMLManifest/e:Reference", {"e": NS})
    }
    attachments = []
    for encoded in envelope.findall("e:edXMLBody/e:AttachmentEncoded", {"e": NS}):
        content_id = encoded.get("ContentId", "")
        name, content_type = names.get(content_id, (content_id, "application/octet-stream"))
        payload = base64.b64decode((encoded.text or "").encode(), validate=False)
        if max_attachment_bytes is not None and len(payload) > max_attachment_bytes:
            raise EdxmlError(_("The attachment %(name)s is over the size limit.") % {"name": name})
        attachments.append(EdxmlAttachment(name, content_type, payload))
    due = _text(header, "e:DueDate")
    return EdxmlDocument(
        sender=sender,
        recipients=recipients,
        number=number,
        notation=_text(header, "e:Code/e:CodeNotation"),
        place=_text(header, "e:PromulgationInfo/e:Place"),
        date=date,
        type_name=_text(header, "e:DocumentType/e:TypeName"),
        type_code=_text(header, "e:DocumentType/e:Type"),
        subject=_text(header, "e:Subject"),
        document_id=_text(header, "e:DocumentId"),
        content=_text(header, "e:Content"),
        signer_name=_text(header, "e:SignerInfo/e:FullName"),
        signer_position=_text(header, "e:SignerInfo/e:Position"),
        due_date=dt.date.fromisoformat(due[:10]) if due else None,
        attachments=attachments,
    )
