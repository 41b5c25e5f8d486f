"""Official documents in and out as edXML packages (QCVN 102:2016/BTTTT).

The one module that knows the package's shape: ``build_package`` writes
conservatively, ``parse_package`` reads tolerantly but safely and refuses a
package that lacks what a registered document needs. Names follow
../shared/DOMAIN.md, "Standards the field speaks", read as seen in public
integration code, not from the regulation's schema:

    edXML:edXMLEnvelope
      edXMLHeader/MessageHeader: From, To+ (OrganId, OrganizationInCharge,
        OrganName), DocumentId, Code (CodeNumber, CodeNotation),
        PromulgationInfo (Place, PromulgationDate), DocumentType (Type,
        TypeDetail, TypeName), Subject, Content, SignerInfo (Competence,
        Position, FullName), DueDate, SteeringType, OtherInfo (Priority)
      edXMLBody/edXMLManifest/Reference+ (ContentId, ContentType, AttachmentName)
      edXMLBody/AttachmentEncoded/Attachment+ (ContentId, AttachmentName,
        ContentType, ContentTransferEncoded: base64)

Reading is tolerant: elements are found by local name whatever their
namespace or prefix (packages arrive with the QCVN namespace, another one, or
none), the root may be ``edXML`` wrapping the envelope, ``AttachmentEncoded``
may sit beside the envelope, and a file may also be the text of
``AttachmentEncoded`` itself with a ``ContentId`` attribute. Reading is safe:
no DTD, no entity, no network, a size cap, and each attachment's type read
from its bytes (the types the attachments module accepts, nothing else).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

from vigil.core import dates

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
PREFIX = "edXML"
EDXML_TYPE = "application/xml"
# A whole package larger than this is refused before it is parsed.
MAX_PACKAGE_BYTES = 64 * 1024 * 1024
MAX_ATTACHMENTS = 100
# Decision 20/2020/QĐ-TTg: four groups, the level-1 unit last ("000.00.31.H40").
DEFAULT_ORGAN_ID_PATTERN = r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$"
# OtherInfo/Priority: 0 ordinary, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ.
PRIORITIES = {0: "", 1: "KHẨN", 2: "THƯỢNG KHẨN", 3: "HỎA TỐC", 4: "HỎA TỐC"}


class EdxmlError(ValueError):
    """A package that cannot be registered; the message says why, in the user's language."""


@dataclass(frozen=True)
class Organ:
    code: str  # electronic identifier code (mã định danh điện tử)
    name: str
    in_charge: str = ""  # OrganizationInCharge: the unit or person handling it


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
    type_detail: str = ""  # TypeDetail: the system's own code for the type
    signer_competence: str = ""  # "KT.", "TM.", … (the signing form)
    priority: int = 0  # see PRIORITIES and urgency_of / priority_of
    steering_type: str = ""  # SteeringType: whether the document directs work


# DocumentType (≈, as read in public integration code, not from the regulation's
# own tables): Type 1 = a legal normative document, 2 = an administrative one;
# TypeDetail numbers the administrative types in the order of Decree 30, Art. 7.
# Data, not logic: a deployment overrides them with VIGIL_EDXML_TYPE_DETAILS.
ADMINISTRATIVE = "2"
TYPE_DETAILS = {
    "NQ": "1", "QĐ": "2", "CT": "3", "QC": "4", "QyĐ": "5", "TC": "6", "TB": "7",
    "HD": "8", "CTr": "9", "KH": "10", "PA": "11", "ĐA": "12", "DA": "13", "BC": "14",
    "BB": "15", "TTr": "16", "HĐ": "17", "CV": "18", "CĐ": "19", "BGN": "20", "BTT": "21",
    "GUQ": "22", "GM": "23", "GGT": "24", "GNP": "25", "PG": "26", "PC": "27", "PB": "28",
}  # fmt: skip


def type_code(abbreviation: str) -> str:
    """QCVN 102's numeric Type of a Decree 30 type: every type Vigil issues is administrative."""
    return ADMINISTRATIVE


def type_detail(abbreviation: str) -> str:
    details = {**TYPE_DETAILS, **getattr(settings, "VIGIL_EDXML_TYPE_DETAILS", {})}
    return str(details.get(abbreviation, ""))


def type_abbreviation(detail: str, name: str = "") -> str:
    """The Decree 30 abbreviation of a TypeDetail (or of a legacy "CT"-style Type)."""
    details = {**TYPE_DETAILS, **getattr(settings, "VIGIL_EDXML_TYPE_DETAILS", {})}
    found = next((abbr for abbr, number in details.items() if str(number) == detail), "")
    return found or (detail if detail in details else "")


def organ_id_pattern() -> str:
    return str(getattr(settings, "VIGIL_ORGAN_ID_PATTERN", "") or DEFAULT_ORGAN_ID_PATTERN)


def valid_organ_id(code: str, pattern: str | None = None) -> bool:
    """Whether ``code`` has the form of an electronic identifier code (a setting)."""
    return bool(code) and re.fullmatch(pattern or organ_id_pattern(), code) is not None


def priority_of(urgency: str) -> int:
    """The edXML priority of a Decree 30 urgency ("KHẨN" → 1)."""
    wanted = urgency.strip().upper()
    return next((p for p, name in PRIORITIES.items() if name == wanted), 0)


def urgency_of(priority: int) -> str:
    """The Decree 30 urgency of an edXML priority (3 → "HỎA TỐC")."""
    return PRIORITIES.get(priority, "")


# Writing ---------------------------------------------------------------------


def _sub(parent: Any, tag: str, text: str | None = None) -> Any:
    element = etree.SubElement(parent, f"{{{NS}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _organ(parent: Any, tag: str, organ: Organ) -> None:
    element = _sub(parent, tag)
    _sub(element, "OrganId", organ.code)
    if organ.in_charge:
        _sub(element, "OrganizationInCharge", organ.in_charge)
    _sub(element, "OrganName", organ.name)


def build_package(doc: EdxmlDocument) -> bytes:
    """The document as an edXML package (UTF-8 bytes)."""
    envelope = etree.Element(f"{{{NS}}}edXMLEnvelope", nsmap={PREFIX: NS})
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
    if doc.type_detail:
        _sub(kind, "TypeDetail", doc.type_detail)
    _sub(kind, "TypeName", doc.type_name)
    _sub(header, "Subject", doc.subject)
    _sub(header, "Content", doc.content)
    if doc.signer_name:
        signer = _sub(header, "SignerInfo")
        if doc.signer_competence:
            _sub(signer, "Competence", doc.signer_competence)
        _sub(signer, "Position", doc.signer_position)
        _sub(signer, "FullName", doc.signer_name)
    if doc.due_date:
        _sub(header, "DueDate", doc.due_date.isoformat())
    if doc.steering_type:
        _sub(header, "SteeringType", doc.steering_type)
    _sub(_sub(header, "OtherInfo"), "Priority", str(doc.priority))
    body = _sub(envelope, "edXMLBody")
    manifest = _sub(body, "edXMLManifest")
    for number, attachment in enumerate(doc.attachments, 1):
        reference = _sub(manifest, "Reference")
        _sub(reference, "ContentId", f"cid:{number}")
        _sub(reference, "ContentType", attachment.content_type)
        _sub(reference, "AttachmentName", attachment.name)
    if doc.attachments:
        encoded = _sub(body, "AttachmentEncoded")
        for number, attachment in enumerate(doc.attachments, 1):
            item = _sub(encoded, "Attachment")
            _sub(item, "ContentId", f"cid:{number}")
            _sub(item, "AttachmentName", attachment.name)
            _sub(item, "ContentType", attachment.content_type)
            _sub(item, "ContentTransferEncoded", base64.b64encode(attachment.data).decode())
    data: bytes = etree.tostring(envelope, encoding="utf-8", xml_declaration=True)
    return data


# Reading ---------------------------------------------------------------------


def _parser() -> Any:
    # huge_tree lifts libxml2's 10 MB text-node cap (an attachment's base64);
    # it is safe here because no DTD reaches the parser and entities stay unresolved.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
    )


def _local(element: Any) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(element: Any, name: str) -> Iterator[Any]:
    if element is None:
        return
    for child in element:
        if _local(child).lower() == name.lower():
            yield child


def _child(element: Any, *path: str) -> Any:
    for name in path:
        element = next(_children(element, name), None)
        if element is None:
            return None
    return element


def _descendant(element: Any, name: str) -> Any:
    for found in element.iter():
        if _local(found).lower() == name.lower():
            return found
    return None


def _text(element: Any, *path: str) -> str:
    found = _child(element, *path)
    return "".join(found.itertext()).strip() if found is not None else ""


def _date(raw: str) -> dt.date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        pass
    found = re.match(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", raw)
    if found:
        try:
            return dt.date(int(found[3]), int(found[2]), int(found[1]))
        except ValueError:
            return None
    return None


def _organ_of(element: Any) -> Organ:
    return Organ(
        _text(element, "OrganId"),
        _text(element, "OrganName"),
        _text(element, "OrganizationInCharge"),
    )


def _screen(data: bytes, limit: int) -> None:
    """Refuse before parsing: too large, not XML text, or carrying a DTD."""
    if len(data) > limit:
        raise EdxmlError(
            _("The package is larger than %(mb)s MB, the most Vigil reads.")
            % {"mb": max(1, limit // (1024 * 1024))}
        )
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not head.startswith(b"<"):
        raise EdxmlError(_("The package is not a well-formed edXML document."))
    lowered = data.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise EdxmlError(_("The package declares a DTD or entities, which Vigil refuses."))


def _decode(text: str, name: str, limit: int | None) -> bytes:
    compact = "".join(text.split())
    if limit is not None and len(compact) * 3 // 4 > limit + 3:
        raise _too_large(name, limit)
    try:
        payload = base64.b64decode(compact.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise EdxmlError(
            _("The attachment %(name)s is not valid base64.") % {"name": name}
        ) from exc
    if limit is not None and len(payload) > limit:
        raise _too_large(name, limit)
    return payload


def _too_large(name: str, limit: int) -> EdxmlError:
    return EdxmlError(
        _("The attachment %(name)s is larger than %(mb)s MB, the most Vigil accepts.")
        % {"name": name, "mb": max(1, limit // (1024 * 1024))}
    )


def _checked_attachment(name: str, payload: bytes) -> EdxmlAttachment:
    """Type by content (what the attachments module accepts), a safe file name."""
    from vigil.core.attachments import safe_name
    from vigil.core.filetypes import EXTENSIONS, KINDS, sniff

    claimed = os.path.splitext(name)[1].lower()
    with tempfile.TemporaryDirectory(prefix="vigil-edxml-") as folder:
        path = Path(folder) / "attachment"
        path.write_bytes(payload)
        kind = sniff(path, claimed)
    if kind is None:
        raise EdxmlError(
            _(
                "The attachment %(name)s is of a type Vigil does not accept. Accepted: PDF, "
                "Word (.docx), Excel (.xlsx), PNG or JPEG images, and UTF-8 text or CSV."
            )
            % {"name": name}
        )
    if claimed in EXTENSIONS and EXTENSIONS[claimed] != kind:
        raise EdxmlError(
            _("The attachment %(name)s is named as %(claimed)s but its content is %(actual)s.")
            % {"name": name, "claimed": EXTENSIONS[claimed].upper(), "actual": kind.upper()}
        )
    info = KINDS[kind]
    return EdxmlAttachment(safe_name(name, info.extension), info.media_type, payload)


def _attachments(
    root: Any, limit: int | None, check_types: bool
) -> list[EdxmlAttachment]:  # fmt: skip
    names: dict[str, tuple[str, str]] = {}
    for reference in root.iter():
        if _local(reference) == "Reference":
            names[_text(reference, "ContentId")] = (
                _text(reference, "AttachmentName"),
                _text(reference, "ContentType"),
            )
    found: list[tuple[str, str, str]] = []  # (content id, name, base64)
    for encoded in root.iter():
        if _local(encoded) != "AttachmentEncoded":
            continue
        items = list(_children(encoded, "Attachment"))
        if items:
            for item in items:
                content = _child(item, "ContentTransferEncoded")
                content_id = _text(item, "ContentId")
                name = _text(item, "AttachmentName") or names.get(content_id, ("", ""))[0]
                found.append((content_id, name, content.text or "" if content is not None else ""))
        else:
            content_id = encoded.get("ContentId", "")
            found.append((content_id, names.get(content_id, ("", ""))[0], encoded.text or ""))
    if len(found) > MAX_ATTACHMENTS:
        raise EdxmlError(
            _("The package carries more than %(count)s attachments.") % {"count": MAX_ATTACHMENTS}
        )
    attachments = []
    for number, (content_id, name, text) in enumerate(found, 1):
        name = name or content_id or _("attachment-%(n)s") % {"n": number}
        payload = _decode(text, name, limit)
        if check_types:
            attachments.append(_checked_attachment(name, payload))
        else:
            content_type = names.get(content_id, ("", ""))[1] or "application/octet-stream"
            attachments.append(EdxmlAttachment(name, content_type, payload))
    return attachments


def parse_package(
    data: bytes,
    *,
    max_attachment_bytes: int | None = None,
    max_package_bytes: int | None = None,
    check_types: bool = True,
    organ_id_pattern: str | None = None,
) -> EdxmlDocument:
    """Read a package; refuse (EdxmlError) what cannot be registered.

    ``max_attachment_bytes``: the app passes ``VIGIL_MAX_UPLOAD_MB``. Attachments
    are typed by their bytes and renamed safely unless ``check_types`` is off.
    """
    _screen(data, max_package_bytes or MAX_PACKAGE_BYTES)
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser=_parser()))
    except etree.XMLSyntaxError as exc:
        raise EdxmlError(_("The package is not a well-formed edXML document.")) from exc
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise EdxmlError(_("The package declares a DTD or entities, which Vigil refuses."))
    root = tree.getroot()
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise EdxmlError(_("The package declares a DTD or entities, which Vigil refuses."))
    header = _descendant(root, "MessageHeader")
    if header is None:
        raise EdxmlError(_("The package has no message header."))
    sender = _organ_of(_child(header, "From"))
    recipients = [_organ_of(to) for to in _children(header, "To")]
    number = _text(header, "Code", "CodeNumber")
    notation = _text(header, "Code", "CodeNotation")
    if "/" in number and not notation:  # "12/KH-BCĐ" in one element
        number, notation = (part.strip() for part in number.split("/", 1))
    if not number:
        raise EdxmlError(_("The package has no document number."))
    if not (sender.code or sender.name):
        raise EdxmlError(_("The package does not name its issuer."))
    pattern = organ_id_pattern
    for organ in [sender, *recipients]:
        if organ.code and not valid_organ_id(organ.code, pattern):
            raise EdxmlError(
                _("“%(code)s” is not an electronic identifier code of the expected form.")
                % {"code": organ.code}
            )
    date = _date(_text(header, "PromulgationInfo", "PromulgationDate"))
    if date is None:
        raise EdxmlError(_("The package has no valid promulgation date."))
    raw_due = _text(header, "DueDate")
    due = _date(raw_due)
    if raw_due and due is None:
        raise EdxmlError(_("The package's due date is not a date."))
    if not all(dates.FIRST <= day <= dates.LAST for day in (date, due) if day is not None):
        raise EdxmlError(
            _("The package's dates must lie between %(first)s and %(last)s.")
            % {"first": dates.shown(dates.FIRST), "last": dates.shown(dates.LAST)}
        )
    priority_text = _text(header, "OtherInfo", "Priority") or _text(header, "Priority")
    priority = int(priority_text) if priority_text.isascii() and priority_text.isdigit() else 0
    return EdxmlDocument(
        sender=sender,
        recipients=recipients,
        number=number,
        notation=notation,
        place=_text(header, "PromulgationInfo", "Place"),
        date=date,
        type_name=_text(header, "DocumentType", "TypeName"),
        type_code=_text(header, "DocumentType", "Type"),
        type_detail=_text(header, "DocumentType", "TypeDetail"),
        subject=_text(header, "Subject"),
        document_id=_text(header, "DocumentId"),
        content=_text(header, "Content"),
        signer_name=_text(header, "SignerInfo", "FullName"),
        signer_position=_text(header, "SignerInfo", "Position"),
        signer_competence=_text(header, "SignerInfo", "Competence"),
        due_date=due,
        steering_type=_text(header, "SteeringType"),
        priority=priority if priority in PRIORITIES else 0,
        attachments=_attachments(root, max_attachment_bytes, check_types),
    )
