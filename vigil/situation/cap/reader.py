"""Reading a CAP 1.2 file safely (``read_cap``): what the import turns into a draft.

The parser is edXML's (vigil/core/documents/edxml.py): the bytes are screened
first (size, XML text, no DTD, no entity declaration), then lxml parses with
no DTD loaded, no entity resolved, no network and libxml2's size limits on;
a parsed document that still carries a doctype or an entity is refused. Then
the namespace (CAP 1.2 only: a CAP 1.1 or 1.0 file is named as such), the
OASIS schema (``schema.check_alert``) and what Vigil can draft from: an
Alert, Update or Cancel (not an Ack or Error), not a System message, at least
one ``<info>``. Every refusal is a ``CapError`` with a message in the user's
language; nothing is written before the file has passed all of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree

from vigil.situation.cap.event_terms import OET_VALUE_NAME
from vigil.situation.cap.schema import CAP_NS, CapError, check_alert
from vigil.situation.cap.writer import GEOCODE_ADMIN_UNIT

MAX_CAP_BYTES = 1024 * 1024
OLDER_NAMESPACES = {
    "urn:oasis:names:tc:emergency:cap:1.1": "1.1",
    "http://www.incident.com/cap/1.0": "1.0",
}
# Model field sizes (alerts/models.py): longer values are cut, never refused.
LIMITS = {"event": 200, "event_code": 40, "headline": 300, "headline_en": 300, "area_desc": 300}


@dataclass
class CapMessage:
    """The parts of a CAP message a draft alert is made of."""

    identifier: str
    sender: str
    sent: str
    status: str
    msg_type: str
    scope: str
    references: str
    fields: dict[str, Any] = field(default_factory=dict)
    commune_codes: list[str] = field(default_factory=list)


def _parser() -> Any:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _screen(data: bytes) -> None:
    if len(data) > MAX_CAP_BYTES:
        raise CapError(
            _("The CAP file is larger than %(kb)s KB, the most Vigil reads.")
            % {"kb": MAX_CAP_BYTES // 1024}
        )
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not head.startswith(b"<"):
        raise CapError(_("The file is not XML: a CAP message is an XML document."))
    lowered = data.lower()
    if b"<!entity" in lowered:
        raise CapError(
            _("The CAP file declares entities (an entity expansion), which Vigil refuses.")
        )
    if b"<!doctype" in lowered:
        raise CapError(_("The CAP file declares a DTD, which Vigil refuses."))


def _parse(data: bytes) -> Any:
    _screen(data)
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser=_parser()))
    except etree.XMLSyntaxError as exc:
        raise CapError(
            _("The file is not well-formed XML (line %(line)s).") % {"line": exc.lineno or "?"}
        ) from exc
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise CapError(_("The CAP file declares a DTD, which Vigil refuses."))
    root = tree.getroot()
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise CapError(
            _("The CAP file declares entities (an entity expansion), which Vigil refuses.")
        )
    return root


def _check_namespace(root: Any) -> None:
    name = etree.QName(root)
    if name.namespace in OLDER_NAMESPACES:
        raise CapError(
            _("This is a CAP %(version)s message; Vigil reads CAP 1.2 only.")
            % {"version": OLDER_NAMESPACES[name.namespace]}
        )
    if name.namespace != CAP_NS or name.localname != "alert":
        raise CapError(
            _("This is not a CAP 1.2 alert: its root is <%(name)s> in the namespace “%(ns)s”.")
            % {"name": name.localname, "ns": name.namespace or "-"}
        )


def _t(element: Any, name: str) -> str:
    found = element.find(f"{{{CAP_NS}}}{name}")
    return (found.text or "").strip() if found is not None else ""


def _pairs(element: Any, name: str) -> list[tuple[str, str]]:
    return [(_t(p, "valueName"), _t(p, "value")) for p in element.findall(f"{{{CAP_NS}}}{name}")]


def _time(raw: str) -> dt.datetime | None:
    return dt.datetime.fromisoformat(raw) if raw else None


def _choose(infos: list[Any]) -> tuple[Any, Any | None]:
    """The Vietnamese block (else the first) and the English one (if any)."""

    def language(info: Any) -> str:
        return (_t(info, "language") or "en-US").lower()

    vietnamese = next((i for i in infos if language(i).startswith("vi")), infos[0])
    english = next((i for i in infos if language(i).startswith("en") and i is not vietnamese), None)
    return vietnamese, english


def _fields(info: Any, english: Any | None) -> tuple[dict[str, Any], list[str]]:
    codes = [value for name, value in _pairs(info, "eventCode") if name == OET_VALUE_NAME]
    values: dict[str, Any] = {
        "event": _t(info, "event"),
        "event_code": codes[0] if codes else "",
        "urgency": _t(info, "urgency"),
        "severity": _t(info, "severity"),
        "certainty": _t(info, "certainty"),
        "headline": _t(info, "headline") or _t(info, "event"),
        "description": _t(info, "description"),
        "instruction": _t(info, "instruction"),
        "expires_at": _time(_t(info, "expires")),
    }
    if english is not None:
        values["headline_en"] = _t(english, "headline")
        values["description_en"] = _t(english, "description")
        values["instruction_en"] = _t(english, "instruction")
    areas = info.findall(f"{{{CAP_NS}}}area")
    values["area_desc"] = "; ".join(_t(area, "areaDesc") for area in areas)
    communes = [
        value
        for area in areas
        for name, value in _pairs(area, "geocode")
        if name == GEOCODE_ADMIN_UNIT and value
    ]
    for key, limit in LIMITS.items():
        if isinstance(values.get(key), str):
            values[key] = values[key][:limit]
    return values, communes


def read_cap(data: bytes) -> CapMessage:
    """A CAP 1.2 file read and checked; ``CapError`` says what is wrong with it."""
    root = _parse(data)
    _check_namespace(root)
    check_alert(root)
    msg_type = _t(root, "msgType")
    if msg_type not in ("Alert", "Update", "Cancel"):
        raise CapError(
            _("A CAP %(type)s message is not an alert: Vigil imports Alert, Update and Cancel.")
            % {"type": msg_type}
        )
    status = _t(root, "status")
    if status == "System":
        raise CapError(_("A CAP System message is not for people: Vigil does not import it."))
    infos = root.findall(f"{{{CAP_NS}}}info")
    if not infos:
        raise CapError(_("The CAP message has no <info> block: there is nothing to draft from."))
    vietnamese, english = _choose(infos)
    values, communes = _fields(vietnamese, english)
    return CapMessage(
        identifier=_t(root, "identifier"),
        sender=_t(root, "sender"),
        sent=_t(root, "sent"),
        status=status,
        msg_type=msg_type,
        scope=_t(root, "scope"),
        references=_t(root, "references"),
        fields=values,
        commune_codes=communes,
    )
