"""The demo's exercises: the province's tabletop of the seaport plan (conducted, to be
evaluated), commune A's drill at the airport, commune B's planned drill at the market
(Mật), and a full-scale exercise the province plans for next quarter."""

from __future__ import annotations

import datetime as dt

from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.classification import Classification as C
from vigil.core.models import AdminUnit
from vigil.exercises.drills import services
from vigil.exercises.drills.models import Capability, Exercise, ExerciseType
from vigil.exercises.drills.services import ObjectiveSpec, ParticipantSpec
from vigil.org.demo import OrgWorld
from vigil.sites.models import KeySite, Plan

SEAPORT_TABLETOP = "Diễn tập trên sa bàn xử lý tình huống đe dọa bom tại cảng biển"
AIRPORT_DRILL = "Diễn tập xử lý tình huống chiếm giữ tàu bay tại Cảng hàng không Vân Đồn"
MARKET_DRILL = "Diễn tập sơ tán khi có vật nghi là bom tại chợ trung tâm Móng Cái"
PROVINCE_FULL_SCALE = "Diễn tập tổng hợp phòng, chống khủng bố tỉnh Quảng Ninh năm 2027"


def seed(world: OrgWorld, actor: SystemActor) -> dict[str, Exercise]:
    c, ag = world.committees, world.agencies
    today = clock.today()
    plan = {p.code_name: p for p in Plan.objects.all()}
    site = {s.name: s for s in KeySite.objects.all()}
    seaport_plan, airport_plan = plan["KB-CB 01"], plan["KB-SB 01"]
    seaport, airport = seaport_plan.sites.get(), airport_plan.sites.get()
    market_plan = plan["KB-MC 01"]
    market = market_plan.sites.get()
    made = {}
    made["seaport"] = services.plan_exercise(
        c["province"], actor=actor, type=ExerciseType.TABLETOP, name=SEAPORT_TABLETOP,
        scenario="Nhận tin báo có bom tại khu vực cầu cảng số 3; phối hợp sơ tán, khám xét.",
        starts_on=today - dt.timedelta(days=20), ends_on=today - dt.timedelta(days=20),
        organising_agency=ag["police"], site=seaport, plans=[seaport_plan],
        place="Hội trường Công an tỉnh",
        participants=[ParticipantSpec(ag["police"], 24, 3), ParticipantSpec(ag["border"], 8, 1),
                      ParticipantSpec(ag["dit"], 4, 0)],
        objectives=[
            ObjectiveSpec("Kích hoạt sở chỉ huy và phân công lực lượng trong 30 phút.",
                          Capability.COMMAND),
            ObjectiveSpec("Thông báo kịp thời cho các đơn vị phối hợp qua kênh dự phòng.",
                          Capability.COMMUNICATIONS),
            ObjectiveSpec("Sơ tán người khỏi khu vực cầu cảng trong 20 phút.", Capability.CORDON),
        ],
    )  # fmt: skip
    services.conduct(made["seaport"], actor=actor, on=today - dt.timedelta(days=20))
    made["airport"] = services.plan_exercise(
        c["a"], actor=actor, type=ExerciseType.DRILL, name=AIRPORT_DRILL,
        scenario="Đối tượng khống chế tổ bay trên sân đỗ; phong tỏa, thương lượng, giải cứu.",
        starts_on=today - dt.timedelta(days=60), ends_on=today - dt.timedelta(days=60),
        organising_agency=ag["police_a"], site=airport, plans=[airport_plan],
        participants=[ParticipantSpec(ag["police_a"], 30, 6), ParticipantSpec(ag["airport"], 40, 4)],
        objectives=[ObjectiveSpec("Phong tỏa sân đỗ trong 10 phút.", Capability.CORDON),
                    ObjectiveSpec("Cấp cứu người bị thương tại chỗ.", Capability.MEDICAL)],
    )  # fmt: skip
    services.conduct(made["airport"], actor=actor, on=today - dt.timedelta(days=60))
    made["market"] = services.plan_exercise(
        c["b"], actor=actor, type=ExerciseType.DRILL, name=MARKET_DRILL,
        starts_on=today + dt.timedelta(days=12), ends_on=today + dt.timedelta(days=12),
        organising_agency=ag["police_b"], site=market, plans=[market_plan],
        classification=C.CONFIDENTIAL,
        participants=[ParticipantSpec(ag["police_b"], 20, 2)],
        objectives=[ObjectiveSpec("Sơ tán tiểu thương và khách trong 15 phút.", Capability.CORDON)],
    )  # fmt: skip
    made["province"] = services.plan_exercise(
        c["province"], actor=actor, type=ExerciseType.FULL_SCALE, name=PROVINCE_FULL_SCALE,
        starts_on=today + dt.timedelta(days=100), ends_on=today + dt.timedelta(days=101),
        organising_agency=ag["police"], site=site.get(seaport.name),
        commune=AdminUnit.objects.get(code="06673"), sites=[seaport, airport],
        participants=[ParticipantSpec(ag["police"], 150, 20), ParticipantSpec(ag["border"], 40, 6),
                      ParticipantSpec(ag["dit"], 10, 2)],
        objectives=[ObjectiveSpec("Chỉ huy thống nhất nhiều lực lượng.", Capability.COMMAND),
                    ObjectiveSpec("Thông tin kịp thời cho người dân.",
                                  Capability.PUBLIC_INFORMATION)],
    )  # fmt: skip
    return made
