"""The demo's trainings, through the services: the province's training on the
counter-terrorism plans (held, Sở Công Thương among the audience), commune A's on
the airport's plan (held), and commune B's on the market's evacuation (planned, Mật)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.classification import Classification as C
from vigil.core.models import AdminUnit
from vigil.exercises.trainings import services
from vigil.exercises.trainings.models import Training
from vigil.exercises.trainings.services import AudienceSpec
from vigil.org.demo import OrgWorld

PROVINCE_TRAINING = "Tập huấn nghiệp vụ phòng, chống khủng bố năm 2026 cho các sở, ngành"
COMMUNE_A_TRAINING = "Tập huấn phương án chống khủng bố tại Cảng hàng không Vân Đồn"
COMMUNE_B_TRAINING = "Tập huấn sơ tán khi có vật nghi là bom tại chợ trung tâm Móng Cái"


def seed(world: OrgWorld, actor: SystemActor, exercises: dict[str, Any]) -> dict[str, Training]:
    c, ag = world.committees, world.agencies
    today = clock.today()
    made = {}
    made["province"] = services.plan_training(
        c["province"], actor=actor, topic=PROVINCE_TRAINING,
        description="Nhận diện các dấu hiệu khủng bố; quy trình thông báo, báo cáo; "
                    "phối hợp xử lý tình huống tại mục tiêu trọng điểm.",
        starts_on=today - dt.timedelta(days=45), ends_on=today - dt.timedelta(days=44),
        place="Hội trường Công an tỉnh", organising_agency=ag["police"],
        trainer_unit="Cục Chống khủng bố (A04), Bộ Công an",
        audience=[AudienceSpec(ag["police"], 40), AudienceSpec(ag["dit"], 12)],
    )  # fmt: skip
    services.record_held(made["province"], actor=actor,
                         audience=[AudienceSpec(ag["police"], 38), AudienceSpec(ag["dit"], 11)])  # fmt: skip
    made["a"] = services.plan_training(
        c["a"], actor=actor, topic=COMMUNE_A_TRAINING,
        starts_on=today - dt.timedelta(days=30), ends_on=today - dt.timedelta(days=30),
        place="Nhà ga hành khách T1", commune=AdminUnit.objects.get(code="06994"),
        organising_agency=ag["police_a"], trainer_unit="Công an tỉnh Quảng Ninh",
        audience=[AudienceSpec(ag["police_a"], 25), AudienceSpec(ag["airport"], 30)],
    )  # fmt: skip
    services.record_held(made["a"], actor=actor)
    made["b"] = services.plan_training(
        c["b"], actor=actor, topic=COMMUNE_B_TRAINING,
        starts_on=today + dt.timedelta(days=20), ends_on=today + dt.timedelta(days=20),
        place="Ban quản lý chợ trung tâm", commune=AdminUnit.objects.get(code="06712"),
        organising_agency=ag["police_b"], classification=C.CONFIDENTIAL,
        audience=[AudienceSpec(ag["police_b"], 20)],
    )  # fmt: skip
    return made
