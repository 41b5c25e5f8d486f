"""An alert as an OASIS CAP 1.2 message (``alert_to_cap``).

One ``<alert>`` with two ``<info>`` blocks, Vietnamese (vi-VN) then English
(en-US; from the ``_en`` fields, each falling back to the Vietnamese one), in
the element order the OASIS schema fixes. Times are in the CAP form: Vietnam's
offset, no fractions (``2024-01-23T08:30:00+07:00``). An exercise says so in
its status (Exercise), its note and its headlines ("DIỄN TẬP"). Scope is
Restricted (with the ``restriction``) or Private (with the ``addresses``: the
addressed agencies' electronic codes, or their names in quotes). An Update or
a Cancel names the original as ``sender,identifier,sent``.

tests/situation/cap validate every kind of message against the OASIS XSD.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from lxml import etree

from vigil.core.classification import STAMPS, Classification
from vigil.org.scope import Viewer
from vigil.sites.models import KeySite
from vigil.situation.alerts.models import Alert, CapScope, CapStatus, MsgType
from vigil.situation.cap.event_terms import OET_VALUE_NAME, VIGIL_TYPE, english_event
from vigil.situation.cap.schema import CAP_NS
from vigil.situation.incidents.models import Incident

CAP_CONTENT_TYPE = "application/cap+xml"
EXERCISE_MARK = "DIỄN TẬP"
EXERCISE_MARK_EN = "DIỄN TẬP (EXERCISE)"
CATEGORY = "Security"
# <geocode> of a commune: its code in the national list of administrative units.
GEOCODE_ADMIN_UNIT = "VN-DVHC"
RESTRICTION_VI = "Chỉ dành cho các cơ quan, đơn vị được gửi cảnh báo này."


def cap_time(value: dt.datetime) -> str:
    """``2024-01-23T08:30:00+07:00``: Vietnam's time, its offset, no fractions."""
    local = value.astimezone(ZoneInfo(settings.TIME_ZONE)).replace(microsecond=0)
    return local.isoformat()


def _sub(parent: Any, tag: str, text: str | None = None) -> Any:
    element = etree.SubElement(parent, f"{{{CAP_NS}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _pair(parent: Any, tag: str, name: str, value: str) -> None:
    element = _sub(parent, tag)
    _sub(element, "valueName", name)
    _sub(element, "value", value)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', "'") + '"'


def addresses(alert: Alert) -> str:
    """CAP's space-delimited ``addresses``: codes as they are, names in quotes."""
    found = [
        agency.electronic_code or _quoted(agency.name)
        for agency in alert.addressed_agencies.order_by("name")
    ]
    found += [_quoted(c.name) for c in alert.addressed_committees.order_by("name")]
    return " ".join(found) or _quoted(str(alert.owning_committee))


def _sent(alert: Alert) -> dt.datetime:
    return alert.sent_at or alert.drafted_at


def _note(alert: Alert) -> str:
    parts = []
    if alert.is_exercise:
        parts.append(EXERCISE_MARK)
    if alert.classification:
        parts.append(STAMPS[Classification(alert.classification)])
    return "; ".join(parts)


def _headline(text: str, mark: str, exercise: bool) -> str:
    if exercise and EXERCISE_MARK not in text:
        return f"{mark}: {text}"
    return text


def _area(info: Any, alert: Alert, sites: list[KeySite]) -> None:
    communes = list(alert.communes.order_by("code"))
    sites = [s for s in sites if s.latitude is not None]
    names = [c.name for c in communes] + [s.name for s in sites]
    desc = alert.area_desc or ", ".join(names)
    if not desc:
        return
    area = _sub(info, "area")
    _sub(area, "areaDesc", desc)
    for site in sites:  # a point: a circle of radius 0 (CAP 1.2, 3.2.4)
        _sub(area, "circle", f"{site.latitude},{site.longitude} 0")
    for commune in communes:
        _pair(area, "geocode", GEOCODE_ADMIN_UNIT, commune.code)


def _info(
    alert: Alert,
    *,
    english: bool,
    incident_types: list[str],
    sender_name: str,
    sites: list[KeySite],
) -> Any:
    info = etree.Element(f"{{{CAP_NS}}}info")
    _sub(info, "language", "en-US" if english else "vi-VN")
    _sub(info, "category", CATEGORY)
    event = english_event(alert.event_code, incident_types, alert.event) if english else ""
    _sub(info, "event", event or alert.event)
    _sub(info, "urgency", alert.urgency)
    _sub(info, "severity", alert.severity)
    _sub(info, "certainty", alert.certainty)
    if alert.event_code:
        _pair(info, "eventCode", OET_VALUE_NAME, alert.event_code)
    for incident_type in dict.fromkeys(incident_types):
        _pair(info, "eventCode", VIGIL_TYPE, incident_type)
    if alert.expires_at:
        _sub(info, "expires", cap_time(alert.expires_at))
    _sub(info, "senderName", sender_name)
    headline = (alert.headline_en or alert.headline) if english else alert.headline
    mark = EXERCISE_MARK_EN if english else EXERCISE_MARK
    _sub(info, "headline", _headline(headline, mark, alert.is_exercise))
    description = (alert.description_en or alert.description) if english else alert.description
    if description:
        _sub(info, "description", description)
    instruction = (alert.instruction_en or alert.instruction) if english else alert.instruction
    if instruction:
        _sub(info, "instruction", instruction)
    _area(info, alert, sites)
    return info


def alert_to_cap(alert: Alert, *, viewer: Viewer) -> bytes:
    """The alert as a CAP 1.2 message (UTF-8 bytes with the XML declaration), as
    ``viewer`` may read it: the key sites and incidents it names are those the viewer
    sees (an alert is at least as classified as what it links, but a link made before
    a site was raised must not name it to a reader below it)."""
    root = etree.Element(f"{{{CAP_NS}}}alert", nsmap={None: CAP_NS})
    _sub(root, "identifier", alert.identifier)
    _sub(root, "sender", alert.sender)
    _sub(root, "sent", cap_time(_sent(alert)))
    _sub(root, "status", CapStatus.EXERCISE if alert.is_exercise else alert.cap_status)
    _sub(root, "msgType", alert.msg_type)
    _sub(root, "scope", alert.cap_scope)
    if alert.cap_scope == CapScope.PRIVATE:
        _sub(root, "addresses", addresses(alert))
    else:
        _sub(root, "restriction", RESTRICTION_VI)
    note = _note(alert)
    if note:
        _sub(root, "note", note)
    original = alert.references
    if alert.msg_type != MsgType.ALERT and original is not None:
        _sub(
            root,
            "references",
            f"{original.sender},{original.identifier},{cap_time(_sent(original))}",
        )
    linked = Incident.objects.visible_to(viewer).filter(pk__in=alert.incidents.values("pk"))
    incidents = list(linked.order_by("pk").values_list("pk", "type"))
    sites = list(
        KeySite.objects.visible_to(viewer).filter(pk__in=alert.sites.values("pk")).order_by("name")
    )
    if incidents:
        _sub(root, "incidents", " ".join(f"vigil-incident-{pk}" for pk, _type in incidents))
    types = [incident_type for _pk, incident_type in incidents]
    sender_name = str(alert.owning_committee)
    for english in (False, True):
        root.append(_info(alert, english=english, incident_types=types,
                          sender_name=sender_name, sites=sites))  # fmt: skip
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def filename(alert: Alert) -> str:
    return f"cap-{alert.pk}.xml"
