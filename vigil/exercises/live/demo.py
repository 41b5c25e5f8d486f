"""The demo's exercise mode: during the province's tabletop of the seaport plan (20
days ago), a bomb threat at the seaport was played as an exercise incident, with a
situation update, and an exercise alert went to the Border Guard, approved and
acknowledged. Through the durable use cases (the demo runs outside a transaction)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.exercises.drills.models import Exercise
from vigil.exercises.live import services
from vigil.inbox.delivery import deliver_pending
from vigil.org.demo import OrgWorld
from vigil.situation.alerts import services as alert_services
from vigil.situation.alerts import sms
from vigil.situation.incidents import services as incident_services
from vigil.situation.incidents.models import IncidentState, IncidentType
from vigil.situation.terms import Certainty, Severity, Urgency

INCIDENT_TITLE = "Diễn tập: tin báo có bom tại cầu cảng số 3, Cảng tàu khách quốc tế Hạ Long"
ALERT_HEADLINE = "Diễn tập: đe dọa đánh bom tại cầu cảng số 3, Cảng tàu khách quốc tế Hạ Long"


def seed(world: OrgWorld, actor: SystemActor, exercises: dict[str, Any]) -> None:
    exercise: Exercise = exercises["seaport"]
    ag, u = world.agencies, world.users
    # The exercise's morning, in Vietnam's time.
    played = timezone.make_aware(dt.datetime.combine(exercise.starts_on, dt.time(8, 30)))
    incident = services.open_exercise_incident(
        exercise, actor=actor, reporting_agency=ag["police"], title=INCIDENT_TITLE,
        type=IncidentType.BOMB_THREAT, occurred_at=played, severity=Severity.SEVERE,
        urgency=Urgency.IMMEDIATE, certainty=Certainty.LIKELY, evacuated=150,
        description="Cuộc gọi giả định báo có bom trong container tại cầu cảng số 3.",
        forces="Công an tỉnh, Bộ đội Biên phòng (giả định).",
        measures="Phong tỏa cầu cảng, sơ tán công nhân, khám xét container.",
    )  # fmt: skip
    incident_services.add_update(
        incident, "Đội rà phá bom mìn (giả định) đã khám xét container, không phát hiện vật nổ.",
        actor=actor, agency=ag["police"],
    )  # fmt: skip
    for state in (IncidentState.VERIFIED, IncidentState.CLOSED):
        incident = incident_services.move(incident, state, actor=actor, note="")
    with sms.muted():
        alert = services.draft_exercise_alert(
            exercise, actor=actor, event="Đe dọa đánh bom", event_code="BOMB",
            urgency=Urgency.IMMEDIATE, severity=Severity.SEVERE, certainty=Certainty.LIKELY,
            headline=ALERT_HEADLINE, area_desc="Cầu cảng số 3, Cảng tàu khách quốc tế Hạ Long",
            instruction="Bộ đội Biên phòng phong tỏa vùng nước cầu cảng số 3 theo phương án "
            "diễn tập, báo cáo Văn phòng thường trực.",
            addressed_agencies=[ag["border"]], incidents=[incident],
        )  # fmt: skip
        alert = alert_services.approve(alert, actor=actor)
    delivery = alert.deliveries.get(agency=ag["border"])
    alert_services.acknowledge(delivery, actor=actor, by=u["bienphong"],
                               note="Đã nhận (diễn tập)")  # fmt: skip
    deliver_pending(clock.now(), actor=actor, mail=False)
