"""Demo data: the province's monthly report, its last periods and one late unit.

The province committee asks the Department of Industry and Trade, the Border
Guard and the committees of communes A and B to report monthly by the 20th.
Commune A consolidates its own units' reports and sends that upward (a frozen
snapshot); commune B is late for the earliest period (the worker's first chase
sweep escalates it). Everything is written by the seed's system actor.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from vigil.core import clock
from vigil.core.audit import Actor, SystemActor
from vigil.core.classification import Classification
from vigil.org.demo import OrgWorld
from vigil.work.obligations import periods, services, submissions
from vigil.work.obligations.models import ReportObligation, ReportSubmission
from vigil.work.obligations.services import IndicatorSpec, SectionSpec

DEMO_TITLE = "Báo cáo tháng công tác phòng, chống khủng bố"
BORDER_TITLE = "Báo cáo quý tình hình an ninh khu vực biên giới"

INDICATORS = [
    IndicatorSpec("incidents", "Số vụ khủng bố, nghi khủng bố xảy ra", "integer", "sum", "vụ"),
    IndicatorSpec("threats", "Số tin báo đe dọa được xác minh", "integer", "sum", "tin"),
    IndicatorSpec("drills", "Số cuộc diễn tập phương án đã tổ chức", "integer", "sum", "cuộc"),
    IndicatorSpec("people_trained", "Số lượt người được tập huấn (tổng số)", "integer", "sum",
                  "lượt người", help_text="Chỉ ghi tổng số, không ghi tên người."),
    IndicatorSpec("sites_inspected", "Số mục tiêu trọng điểm được kiểm tra", "integer", "sum",
                  "mục tiêu"),
    IndicatorSpec("explosives_inspections", "Số cuộc kiểm tra về vật liệu nổ công nghiệp",
                  "integer", "sum", "cuộc"),
    IndicatorSpec("plans_updated", "Đã cập nhật phương án tại mục tiêu trọng điểm", "yes_no",
                  "count_yes"),
    IndicatorSpec("readiness", "Tỷ lệ lực lượng thường trực sẵn sàng", "decimal", "average", "%"),
    IndicatorSpec("entry_exit_checked", "Số lượt người xuất cảnh, nhập cảnh được kiểm soát",
                  "integer", "sum", "lượt người"),
    IndicatorSpec("foreigners_residence", "Số lượt người nước ngoài khai báo tạm trú được "
                  "kiểm tra", "integer", "sum", "lượt người"),
    IndicatorSpec("awareness_sessions", "Số buổi tuyên truyền phòng, chống khủng bố", "integer",
                  "sum", "buổi"),
    IndicatorSpec("people_reached", "Số lượt người được tuyên truyền", "integer", "sum",
                  "lượt người"),
    IndicatorSpec("cooperation_activities", "Số hoạt động hợp tác quốc tế", "integer", "sum",
                  "hoạt động"),
    IndicatorSpec("staff_trained", "Số lượt cán bộ được đào tạo, bồi dưỡng", "integer", "sum",
                  "lượt người"),
    IndicatorSpec("equipment_acquired", "Số trang thiết bị được trang bị mới", "integer", "sum",
                  "chiếc"),
    IndicatorSpec("proposals", "Kiến nghị, đề xuất", "text", "concatenate", required=False),
]  # fmt: skip
SECTIONS = [
    SectionSpec("situation", "Tình hình liên quan đến hoạt động khủng bố", required=True),
    SectionSpec("results", "Kết quả thực hiện nhiệm vụ"),
    SectionSpec("next", "Phương hướng, nhiệm vụ tháng tới"),
]

# Figures per unit key and period index (0: the earliest): aggregate counts only.
FIGURES: dict[str, list[dict[str, Any]]] = {
    "dit": [
        {"incidents": 0, "threats": 0, "drills": 1, "people_trained": 45, "sites_inspected": 3,
         "explosives_inspections": 4, "plans_updated": True, "readiness": "92.5",
         "entry_exit_checked": 0, "foreigners_residence": 0,
         "awareness_sessions": 2, "people_reached": 150,
         "cooperation_activities": 0, "staff_trained": 3, "equipment_acquired": 0},
        {"incidents": 0, "threats": 1, "drills": 0, "people_trained": 30, "sites_inspected": 2,
         "explosives_inspections": 5, "plans_updated": True, "readiness": "95",
         "entry_exit_checked": 0, "foreigners_residence": 0,
         "awareness_sessions": 1, "people_reached": 80,
         "cooperation_activities": 0, "staff_trained": 2, "equipment_acquired": 1},
    ],
    "border": [
        {"incidents": 0, "threats": 2, "drills": 1, "people_trained": 120, "sites_inspected": 6,
         "explosives_inspections": 0, "plans_updated": True, "readiness": "98",
         "entry_exit_checked": 5200, "foreigners_residence": 35,
         "awareness_sessions": 3, "people_reached": 400,
         "cooperation_activities": 1, "staff_trained": 10, "equipment_acquired": 4},
        {"incidents": 0, "threats": 1, "drills": 2, "people_trained": 80, "sites_inspected": 5,
         "explosives_inspections": 0, "plans_updated": False, "readiness": "97.5",
         "proposals": "Bổ sung trang bị quan sát ban đêm cho các đồn biên phòng.",
         "entry_exit_checked": 4800, "foreigners_residence": 28,
         "awareness_sessions": 2, "people_reached": 260,
         "cooperation_activities": 2, "staff_trained": 6, "equipment_acquired": 0},
    ],
    "police_a": [
        {"incidents": 0, "threats": 1, "drills": 1, "people_trained": 60, "sites_inspected": 4,
         "explosives_inspections": 1, "plans_updated": True, "readiness": "90",
         "entry_exit_checked": 0, "foreigners_residence": 12,
         "awareness_sessions": 2, "people_reached": 200,
         "cooperation_activities": 0, "staff_trained": 5, "equipment_acquired": 2},
        {"incidents": 0, "threats": 0, "drills": 0, "people_trained": 25, "sites_inspected": 3,
         "explosives_inspections": 1, "plans_updated": True, "readiness": "93",
         "entry_exit_checked": 0, "foreigners_residence": 9,
         "awareness_sessions": 1, "people_reached": 90,
         "cooperation_activities": 0, "staff_trained": 4, "equipment_acquired": 0},
    ],
    "ubnd_a": [
        {"incidents": 0, "threats": 0, "drills": 0, "people_trained": 150, "sites_inspected": 1,
         "explosives_inspections": 0, "plans_updated": False, "readiness": "85",
         "entry_exit_checked": 0, "foreigners_residence": 0,
         "awareness_sessions": 4, "people_reached": 600,
         "cooperation_activities": 0, "staff_trained": 2, "equipment_acquired": 0},
        {"incidents": 0, "threats": 0, "drills": 1, "people_trained": 40, "sites_inspected": 2,
         "explosives_inspections": 0, "plans_updated": True, "readiness": "88",
         "entry_exit_checked": 0, "foreigners_residence": 0,
         "awareness_sessions": 3, "people_reached": 350,
         "cooperation_activities": 0, "staff_trained": 1, "equipment_acquired": 0},
    ],
}  # fmt: skip
NARRATIVE = {
    "situation": "Tình hình an ninh trật tự trên địa bàn ổn định, không phát sinh vụ việc "
    "khủng bố, nghi khủng bố.",
    "results": "Tổ chức tuyên truyền, tập huấn và kiểm tra các mục tiêu theo kế hoạch.",
    "next": "Tiếp tục rà soát, cập nhật phương án tại các mục tiêu trọng điểm.",
}


def _month_starts(today: dt.date, back: int) -> list[dt.date]:
    """The first days of the ``back`` months before this one, the earliest first, then this."""
    starts = []
    start = today.replace(day=1)
    for _ in range(back):
        start = (start - dt.timedelta(days=1)).replace(day=1)
        starts.append(start)
    return [*reversed(starts), today.replace(day=1)]


def _report(sub: ReportSubmission, figures: dict[str, Any], actor: Actor, *, submit: bool) -> None:
    submissions.save_draft(sub, values=figures, narrative=NARRATIVE, revision=None, actor=actor)
    if submit:
        submissions.submit(sub, actor=actor)


def seed_obligations(w: OrgWorld, actor: SystemActor) -> ReportObligation:
    c, ag = w.committees, w.agencies
    today = clock.today()
    earliest, previous, current = _month_starts(today, 2)
    province = services.create_obligation(
        c["province"], title=DEMO_TITLE, period_kind="monthly", starts_on=earliest,
        due_rule="day_of_next_month", due_day=20, agencies=[ag["dit"], ag["border"]],
        committees=[c["a"], c["b"]], indicators=INDICATORS, sections=SECTIONS,
        actor=actor,
    )  # fmt: skip
    commune_a = services.create_obligation(
        c["a"], title="Báo cáo tháng công tác phòng, chống khủng bố đặc khu Vân Đồn",
        period_kind="monthly", starts_on=earliest, due_day=15,
        agencies=[ag["police_a"], ag["ubnd_a"]], indicators=INDICATORS, sections=SECTIONS,
        upstream=province, actor=actor,
    )  # fmt: skip
    for index, start in enumerate((earliest, previous)):
        # Commune A first consolidates its own units, then reports the result upward.
        below = services.open_period(commune_a, day=start, actor=actor).period
        for sub in below.submissions.select_related("agency").order_by("pk"):
            key = "police_a" if sub.agency_id == ag["police_a"].pk else "ubnd_a"
            _report(sub, FIGURES[key][index], actor, submit=True)
            submissions.accept_submission(sub, actor=actor)
        period = services.open_period(province, day=start, actor=actor).period
        subs = {s.agency_id or s.committee_id: s for s in period.submissions.all()}
        for key in ("dit", "border"):
            sub = subs[ag[key].pk]
            _report(sub, FIGURES[key][index], actor, submit=True)
            if index == 0 or key == "dit":
                submissions.accept_submission(sub, actor=actor)
        sub_a = subs[c["a"].pk]
        submissions.fill_from_consolidation(sub_a, actor=actor)
        submissions.submit(sub_a, actor=actor)
        if index == 0:
            submissions.accept_submission(sub_a, actor=actor)
        # Commune B has saved a partial draft and no more: late for the earliest period.
        submissions.save_draft(
            subs[c["b"].pk], values={"incidents": 0, "drills": 1}, revision=None, actor=actor
        )
    services.open_period(province, day=current, actor=actor)
    services.open_period(commune_a, day=current, actor=actor)
    # A classified obligation (Mật) only the border guard and the province's cleared staff see.
    quarter_start = periods.period_containing("quarterly", today)[0]
    border = services.create_obligation(
        c["province"], title=BORDER_TITLE, period_kind="quarterly", starts_on=quarter_start,
        due_rule="working_days_after", due_day=10, agencies=[ag["border"]],
        classification=Classification.CONFIDENTIAL,
        indicators=[
            IndicatorSpec("patrols", "Số đợt tuần tra chung", "integer", "sum", "đợt"),
            IndicatorSpec("illegal_crossings", "Số vụ xuất nhập cảnh trái phép phát hiện "
                          "(tổng số vụ)", "integer", "sum", "vụ"),
        ],
        sections=[SectionSpec("situation", "Tình hình khu vực biên giới", required=True)],
        actor=actor,
    )  # fmt: skip
    services.open_period(border, day=today, actor=actor)
    # Commune B's lateness is escalated by the worker's first sweep (work.reports.chase),
    # not here: the seed leaves the escalation clock to the worker.
    return province
