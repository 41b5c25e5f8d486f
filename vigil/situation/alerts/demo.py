"""Demo alerts, through the services: an exercise, a real alert some agencies have
acknowledged (in Vigil, by code) and others not, one escalated, one to commune A's
committee (scope case 5) and one Mật to the Border Guard (scope case 7).

Times are set through the services' ``now``: the escalated alert was sent five hours
ago, and the deadline sweep and the escalation steps are run at the times the
worker would have run them, so its silent recipients have been through every
step of the policy (and no step of the seed's is left to fall due later)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.classification import Classification
from vigil.inbox.delivery import deliver_pending
from vigil.inbox.escalation import take_step
from vigil.inbox.models import CaseKind, EscalationCase
from vigil.org.demo import OrgWorld
from vigil.situation.alerts import services, sms
from vigil.situation.alerts.deadlines import sweep_alert_deadlines
from vigil.situation.alerts.models import Alert, AlertDelivery
from vigil.situation.incidents.models import Incident

EXERCISE = "Diễn tập: phát hiện vật thể nghi là bom tại Cảng hàng không quốc tế Vân Đồn"
REAL = "Cảnh báo nguy cơ tấn công khủng bố tại các mục tiêu trọng điểm dịp cuối năm"
ESCALATED = "Đe dọa đánh bom qua điện thoại tại cảng Cái Lân"
CASE_5_HEADLINE = "Cảnh báo đối tượng khả nghi gần Cảng hàng không quốc tế Vân Đồn"
CASE_7_HEADLINE = "Cảnh báo nguy cơ vượt biên trái phép mang theo vũ khí"
M = dt.timedelta(minutes=1)


def _sent_escalated(now: dt.datetime) -> dt.datetime:
    """Five hours ago: long enough for every step of the alert policy to have been taken."""
    return now - 300 * M


def _escalate(alert: Alert, actor: SystemActor) -> None:
    """As the worker would have done meanwhile: the deadline sweep at the deadline, then
    each step of the escalation policy at its time (duty officer, head, standing
    office). The cases stay open, with no step left to fall due."""
    assert alert.ack_due_at is not None
    sweep_alert_deadlines(alert.ack_due_at, actor=actor)
    cases = EscalationCase.objects.filter(
        kind=CaseKind.ALERT, resolved_at__isnull=True,
        about_id__in=[str(pk) for pk in alert.deliveries.values_list("pk", flat=True)],
    )  # fmt: skip
    for case in cases:
        while case.next_due_at is not None:
            take_step(case, case.next_due_at, actor=actor)
            case.refresh_from_db()


def seed_alerts(
    world: OrgWorld, actor: SystemActor, incidents: Mapping[str, Incident] | None = None
) -> dict[str, Alert]:
    """The demo alerts by key. The seed (``actor``) does every write, so the audit
    chain is the seed's alone; the persons who acknowledged are named on the rows.
    Given the demo incidents, the alert to commune A is about the one at the airport."""
    c, ag, u = world.committees, world.agencies, world.users
    now = clock.now()

    def issue(at: dt.datetime, headline: str, **fields: Any) -> Alert:
        values: dict[str, Any] = {
            "event": "Đe dọa khủng bố", "urgency": "Immediate", "severity": "Severe",
            "certainty": "Likely", "headline": headline,
        }  # fmt: skip
        values.update(fields)
        draft = services.draft_alert(c["province"], actor=actor, now=at - 5 * M, **values)
        return services.approve(draft, actor=actor, now=at)

    def of(alert: Alert, key: str) -> AlertDelivery:
        return alert.deliveries.get(agency=ag[key])

    alerts: dict[str, Alert] = {}
    with sms.muted():
        alerts["exercise"] = issue(
            now - 20 * M, EXERCISE, cap_status="Exercise", event="Vật thể nghi là bom",
            event_code="BOMB", urgency="Expected", headline_en="Exercise: suspected bomb at "
            "Van Don International Airport", area_desc="Cảng hàng không quốc tế Vân Đồn",
            description="Tình huống giả định phục vụ diễn tập phương án bảo vệ sân bay.",
            instruction="Các đơn vị triển khai lực lượng theo phương án diễn tập, báo cáo "
            "Văn phòng thường trực.", addressed_agencies=[ag["police"], ag["military"], ag["dit"]],
        )  # fmt: skip
        services.acknowledge(of(alerts["exercise"], "dit"), actor=actor, by=u["congthuong"],
                             note="Đã nhận, sẵn sàng diễn tập", now=now - 12 * M)  # fmt: skip

        real = issue(
            now - 30 * M, REAL, urgency="Expected", severity="Severe", certainty="Possible",
            description="Các đối tượng có thể lợi dụng dịp cuối năm để hoạt động khủng bố.",
            instruction="Tăng cường bảo vệ mục tiêu, kiểm tra vật liệu nổ công nghiệp, báo cáo "
            "ngay khi có dấu hiệu bất thường.", headline_en="Risk of terrorist attack on key "
            "sites over the year end", addressed_agencies=[ag[k] for k in
            ("dit", "military", "health", "airport", "inspectorate")],
        )  # fmt: skip
        services.acknowledge(of(real, "dit"), actor=actor, by=u["congthuong"],
                             note="Đã nhận, đã triển khai kiểm tra kho", now=now - 25 * M)  # fmt: skip
        services.acknowledge_by_code(real, of(real, "military").ack_code, actor=actor,
                                     recorded_by=u["thuongtruc"],
                                     note="Trực ban BCHQS đọc mã qua điện thoại",
                                     now=now - 20 * M)  # fmt: skip
        alerts["real"] = real

        alerts["escalated"] = issue(
            _sent_escalated(now), ESCALATED, event_code="BOMB", certainty="Possible",
            area_desc="Cảng Cái Lân, phường Bãi Cháy",
            description="Cuộc gọi nặc danh báo có bom tại khu vực cầu cảng số 5.",
            instruction="Phong tỏa khu vực, sơ tán, kiểm tra, báo cáo kết quả.",
            addressed_agencies=[ag["border"], ag["dit"], ag["health"]],
        )  # fmt: skip
        services.acknowledge(of(alerts["escalated"], "border"), actor=actor, by=u["bienphong"],
                             now=_sent_escalated(now) + 5 * M)  # fmt: skip

        alerts["case5"] = issue(
            now - 15 * M, CASE_5_HEADLINE, urgency="Expected", certainty="Possible",
            area_desc="Đặc khu Vân Đồn", addressed_committees=[c["a"]],
            incidents=[incidents["airport"]] if incidents else [],
            instruction="Ban Chỉ đạo đặc khu tăng cường tuần tra khu vực sân bay.",
        )  # fmt: skip
        alerts["case7"] = issue(
            now - 10 * M, CASE_7_HEADLINE, urgency="Expected", certainty="Possible",
            classification=Classification.CONFIDENTIAL, area_desc="Khu vực biên giới Móng Cái",
            addressed_agencies=[ag["border"]],
        )  # fmt: skip

    _escalate(alerts["escalated"], actor)
    deliver_pending(now, actor=actor, mail=False)
    services.mark_read(of(alerts["case7"], "border"), actor=actor, by=u["bienphong"],
                       now=now - 5 * M)  # fmt: skip
    return alerts
