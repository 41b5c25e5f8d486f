"""The demo's evaluations, through the durable use cases (the demo runs outside a
transaction): the province's seaport tabletop is rated and evaluated, with a strength,
two areas for improvement (one corrective action open for Sở Công Thương, one for the
provincial police) and a finding that puts plan KB-CB 01 in "revision required";
commune A's airport drill is rated, evaluated and closed, its action with commune A's
police."""

from __future__ import annotations

import datetime as dt
from typing import Any

from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.exercises.drills import services as drills
from vigil.exercises.drills.models import Capability, Exercise
from vigil.exercises.evaluation import services
from vigil.exercises.evaluation.models import FindingKind
from vigil.org.demo import OrgWorld

SEAPORT_STRENGTH = (
    "Sở chỉ huy được kích hoạt và phân công lực lượng trong 25 phút, sớm hơn chỉ tiêu."
)
DIT_FINDING = (
    "Kênh liên lạc dự phòng với doanh nghiệp kinh doanh xăng dầu tại cảng không thông suốt; "
    "danh bạ đầu mối của Sở Công Thương chưa được cập nhật."
)
DIT_ACTION = (
    "Cập nhật danh bạ đầu mối các doanh nghiệp xăng dầu, hóa chất tại cảng và tổ chức "
    "kiểm tra kênh liên lạc dự phòng."
)
POLICE_FINDING = "Sơ tán khu vực cầu cảng số 3 mất 32 phút, vượt chỉ tiêu 20 phút."
POLICE_ACTION = "Bổ sung biển chỉ dẫn, phân luồng sơ tán và huấn luyện lại lực lượng tại chỗ."
REVISION_FINDING = (
    "Phương án KB-CB 01 chưa quy định phối hợp với Cảng vụ hàng hải khi phải dừng tàu "
    "ra vào cảng: cần bổ sung."
)
AIRPORT_SUMMARY = (
    "Cuộc diễn tập đạt mục đích, yêu cầu; lực lượng phong tỏa sân đỗ đúng thời gian. "
    "Cần tăng cường phối hợp cấp cứu tại chỗ với Cảng hàng không."
)
AIRPORT_FINDING = "Lực lượng y tế tại chỗ đến hiện trường chậm 8 phút do chưa có lối vào riêng."
AIRPORT_ACTION = "Thống nhất với Cảng hàng không lối vào ưu tiên cho xe cấp cứu trong phương án."


def seed(world: OrgWorld, actor: SystemActor, exercises: dict[str, Any]) -> None:
    ag = world.agencies
    today = clock.today()
    seaport: Exercise = exercises["seaport"]
    first, second, third = seaport.objectives.order_by("number")
    services.rate_objective(first, rating="P", observations="Kích hoạt đúng quy trình.",
                            actor=actor)  # fmt: skip
    services.rate_objective(second, rating="S", observations="Kênh dự phòng gián đoạn 10 phút.",
                            actor=actor)  # fmt: skip
    services.rate_objective(third, rating="M", observations="Sơ tán vượt thời gian quy định.",
                            actor=actor)  # fmt: skip
    services.record_finding(seaport, kind=FindingKind.STRENGTH, text=SEAPORT_STRENGTH,
                            objective=first, actor=actor)  # fmt: skip
    dit = services.record_finding(seaport, kind=FindingKind.IMPROVEMENT, text=DIT_FINDING,
                                  objective=second, actor=actor)  # fmt: skip
    services.file_corrective_action(dit, agency=ag["dit"], due_on=today + dt.timedelta(days=30),
                                    description=DIT_ACTION, actor=actor)  # fmt: skip
    police = services.record_finding(seaport, kind=FindingKind.IMPROVEMENT, text=POLICE_FINDING,
                                     objective=third, actor=actor)  # fmt: skip
    services.file_corrective_action(police, agency=ag["police"],
                                    due_on=today + dt.timedelta(days=45),
                                    description=POLICE_ACTION, actor=actor)  # fmt: skip
    plan = seaport.plans.get()
    # About the plan, with an action to draft its next version, but not marking it
    # "revision required": the demo keeps the seaport's plan overdue for review (the map's
    # and the site list's overdue example); the plan the demo shows as "revision
    # required" is the border gate's (vigil/sites/demo.py), and a tester sets one through
    # an exercise of their own.
    revision = services.record_finding(
        seaport, kind=FindingKind.IMPROVEMENT, text=REVISION_FINDING, plan=plan,
        capability=Capability.COMMAND, actor=actor,
    )  # fmt: skip
    services.file_corrective_action(
        revision, agency=ag["police"], due_on=today + dt.timedelta(days=60),
        description="Dự thảo phiên bản mới của phương án KB-CB 01, trình Trưởng ban phê duyệt.",
        actor=actor,
    )  # fmt: skip
    drills.finish_evaluation(seaport, actor=actor)

    airport: Exercise = exercises["airport"]
    cordon, medical = airport.objectives.order_by("number")
    services.rate_objective(cordon, rating="P", actor=actor)
    services.rate_objective(medical, rating="S", observations=AIRPORT_FINDING, actor=actor)
    finding = services.record_finding(airport, kind=FindingKind.IMPROVEMENT,
                                      text=AIRPORT_FINDING, objective=medical, actor=actor)  # fmt: skip
    services.file_corrective_action(finding, agency=ag["police_a"],
                                    due_on=today + dt.timedelta(days=20),
                                    description=AIRPORT_ACTION, actor=actor)  # fmt: skip
    drills.finish_evaluation(airport, actor=actor, summary=AIRPORT_SUMMARY)
    drills.close_exercise(airport, actor=actor)
