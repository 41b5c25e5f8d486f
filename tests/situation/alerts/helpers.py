"""Shared helpers of the alert tests: a draft by the standing office, approved by the leader."""

from __future__ import annotations

import datetime as dt
from typing import Any

from vigil.accounts.models import User
from vigil.org.models import Agency, Committee
from vigil.situation.alerts import services
from vigil.situation.alerts.models import Alert

P = "Ban Chỉ đạo Phòng, chống khủng bố tỉnh Quảng Ninh"
A = "Ban Chỉ đạo Phòng, chống khủng bố đặc khu Vân Đồn"


def user(username: str) -> User:
    return User.objects.get(username=username)


def committee(name: str = P) -> Committee:
    return Committee.objects.get(name=name)


def agency(short_name: str, committee_name: str = P) -> Agency:
    return Agency.objects.get(short_name=short_name, committee__name=committee_name)


def fields(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "event": "Đe dọa đánh bom",
        "event_code": "BOMB",
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


def draft(now: dt.datetime | None = None, **extra: Any) -> Alert:
    return services.draft_alert(committee(), actor=user("thuongtruc"), now=now, **fields(**extra))


def issued(now: dt.datetime | None = None, **extra: Any) -> Alert:
    return services.approve(draft(now=now, **extra), actor=user("lanhdao"), now=now)


AGENCIES = {
    "police": "Công an tỉnh Quảng Ninh",
    "military": "Bộ Chỉ huy Quân sự tỉnh",
    "border": "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
    "dit": "Sở Công Thương",
    "health": "Sở Y tế",
    "inspectorate": "Thanh tra tỉnh",
    "airport": "Cảng hàng không quốc tế Vân Đồn",
    "police_a": "Công an đặc khu Vân Đồn",
}


def world() -> Any:
    """The demo's org world, read back from the seeded database."""
    from vigil.org.demo import OrgWorld

    w = OrgWorld()
    w.committees = {"province": committee(P), "a": committee(A)}
    w.agencies = {key: Agency.objects.get(name=name) for key, name in AGENCIES.items()}
    w.users = {u.username: u for u in User.objects.all()}
    return w
