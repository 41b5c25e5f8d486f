"""Demo incidents: in commune A and commune B, at the province's key sites, one Mật,
one exercise, in several states. Written by the seed's system actor through the
services, one durable use case each (the seed holds no transaction of its own).

- "airport": commune A's, at the airport, a suspicious object, verified then
  responding, with a situation update (xa_a sees it, xa_b does not);
- "market": commune B's, at the market of Móng Cái (Mật: the site is), a bomb
  threat found to be a false alarm;
- "seaport": the province's, at the seaport, a drone intrusion, contained;
- "border": the province's, at the border gate, Mật, an explosion, reported only,
  the Border Guard involved;
- "exercise": the province's, at the coal mine, an exercise (DIỄN TẬP) of a loss of
  explosives, closed.
"""

from __future__ import annotations

import datetime as dt

from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.classification import Classification as C
from vigil.org.demo import OrgWorld
from vigil.sites.demo import AIRPORT, BORDER_GATE, COAL_MINE, MARKET, SEAPORT
from vigil.sites.models import KeySite
from vigil.situation.incidents import services
from vigil.situation.incidents.models import Incident, IncidentState, IncidentType
from vigil.situation.terms import Certainty, Severity, Urgency

S = IncidentState
# The demo incidents' titles, by key (tests and the scope registry find them by these).
TITLES = {
    "airport": "Phát hiện vali không người trông coi tại nhà ga",
    "market": "Cuộc gọi đe dọa đặt bom tại chợ",
    "seaport": "Thiết bị bay không người lái xâm nhập khu vực cảng",
    "border": "Tiếng nổ gần khu vực kiểm soát cửa khẩu",
    "exercise": "Diễn tập: mất vật liệu nổ tại kho mỏ than",
}


def _site(name: str) -> KeySite:
    return KeySite.objects.get(name=name)


def _moves(incident: Incident, states: list[str], actor: SystemActor) -> Incident:
    for state in states:
        incident = services.move(incident, state, actor=actor, note="")
    return incident


def seed_incidents(world: OrgWorld, actor: SystemActor) -> dict[str, Incident]:
    c, ag = world.committees, world.agencies
    now = clock.now()
    hours = dt.timedelta(hours=1)
    found: dict[str, Incident] = {}
    found["airport"] = services.open_incident(
        c["a"], actor=actor, reporting_agency=ag["police_a"], site=_site(AIRPORT),
        title=TITLES["airport"], type=IncidentType.SUSPICIOUS_OBJECT,
        occurred_at=now - 5 * hours, severity=Severity.MODERATE, urgency=Urgency.IMMEDIATE,
        certainty=Certainty.OBSERVED, evacuated=120, involved_agencies=[ag["airport"]],
        description="Vali màu đen để tại sảnh ga đi quốc nội, không rõ chủ sở hữu.",
        forces="Công an đặc khu, an ninh hàng không.", measures="Phong tỏa sảnh, sơ tán hành khách.",
    )  # fmt: skip
    _moves(found["airport"], [S.VERIFIED, S.RESPONDING], actor)
    services.add_update(
        found["airport"], "Đội rà phá đã tiếp cận vali, đang kiểm tra bằng thiết bị soi chiếu.",
        actor=actor, agency=ag["police_a"],
    )  # fmt: skip
    found["market"] = services.open_incident(
        c["b"], actor=actor, reporting_agency=ag["police_b"], site=_site(MARKET),
        title=TITLES["market"], type=IncidentType.BOMB_THREAT,
        occurred_at=now - 30 * hours, severity=Severity.SEVERE, urgency=Urgency.IMMEDIATE,
        certainty=Certainty.POSSIBLE, evacuated=300, classification=C.CONFIDENTIAL,
    )  # fmt: skip
    _moves(found["market"], [S.FALSE_ALARM], actor)
    found["seaport"] = services.open_incident(
        c["province"], actor=actor, reporting_agency=ag["police"], site=_site(SEAPORT),
        title=TITLES["seaport"], type=IncidentType.DRONE_INTRUSION,
        occurred_at=now - 50 * hours, severity=Severity.MINOR, urgency=Urgency.EXPECTED,
        certainty=Certainty.OBSERVED, involved_agencies=[ag["military"]],
    )  # fmt: skip
    _moves(found["seaport"], [S.VERIFIED, S.RESPONDING, S.CONTAINED], actor)
    found["border"] = services.open_incident(
        c["province"], actor=actor, reporting_agency=ag["border"], site=_site(BORDER_GATE),
        title=TITLES["border"], type=IncidentType.EXPLOSION,
        occurred_at=now - 2 * hours, severity=Severity.SEVERE, urgency=Urgency.IMMEDIATE,
        certainty=Certainty.LIKELY, injured=2, classification=C.CONFIDENTIAL,
        involved_agencies=[ag["border"], ag["police_b"]],
    )  # fmt: skip
    found["exercise"] = services.open_incident(
        c["province"], actor=actor, reporting_agency=ag["dit"], site=_site(COAL_MINE),
        title=TITLES["exercise"], type=IncidentType.EXPLOSIVES_LOSS,
        occurred_at=now - 200 * hours, severity=Severity.SEVERE, urgency=Urgency.EXPECTED,
        certainty=Certainty.OBSERVED, is_exercise=True, involved_agencies=[ag["police"]],
    )  # fmt: skip
    _moves(found["exercise"], [S.VERIFIED, S.RESPONDING, S.CLOSED], actor)
    return {key: Incident.objects.get(pk=incident.pk) for key, incident in found.items()}
