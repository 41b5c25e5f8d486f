"""A small controlled year of trainings and exercises: 2028, far enough from the demo's
(2026 and 2027) that only what is made here counts, and the demo's plans were last
exercised more than 12 months before (so no key site counts as exercised until an
exercise here is conducted). The clock stands at 01/03/2028 09:00 (Vietnam time).

The set, as the provincial standing office (``thuongtruc``) sees it:

- exercises of 2028: the province's tabletop of the seaport plan (conducted 10/02;
  police 24, border guard 8, DIT 4), commune A's drill of the airport plan (conducted
  20/02; commune A police 30, the airport 40), commune B's planned drill (commune B
  police 20), a province seminar (cancelled; health 100); and a province drill that
  starts on 30/12/2027 (another year);
- trainings of 2028: the province's, held (police 50, DIT 10), commune A's, held
  (commune A police 25), the province's planned one (military 100) and a cancelled one;
- the tabletop's area for improvement requires the seaport plan's revision (12/02), with
  corrective actions for DIT (due 20/02: overdue), the border guard (due 01/04: open),
  the police (reported done 22/02: 10 days) and a cancelled one (not counted); the
  drill's, for commune A police (reported done 25/02: 4 days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from vigil.core.audit import SystemActor
from vigil.exercises.drills import services as drills
from vigil.exercises.drills.models import Capability, Exercise, ExerciseType
from vigil.exercises.drills.services import ObjectiveSpec, ParticipantSpec
from vigil.exercises.evaluation.models import CorrectiveAction, Finding, FindingKind
from vigil.exercises.trainings.models import Training, TrainingAudience, TrainingStatus
from vigil.org.models import Agency, Committee
from vigil.sites.models import Plan
from vigil.work.tasks import services as tasks
from vigil.work.tasks.models import Task

VN = ZoneInfo("Asia/Ho_Chi_Minh")
SYSTEM = SystemActor("test")
YEAR = 2028
TODAY = dt.date(2028, 3, 1)


def at(day: dt.date, hour: int = 9) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), VN), tick=False)


def d(month: int, day: int, year: int = YEAR) -> dt.date:
    return dt.date(year, month, day)


def agency(key: str) -> Agency:
    names = {
        "police": "Công an tỉnh Quảng Ninh", "border": "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
        "dit": "Sở Công Thương", "health": "Sở Y tế",
        "airport": "Cảng hàng không quốc tế Vân Đồn", "police_a": "Công an đặc khu Vân Đồn",
        "police_b": "Công an phường Móng Cái 1",
    }  # fmt: skip
    if key == "military":
        return Agency.objects.get(name="Bộ Chỉ huy Quân sự tỉnh")
    return Agency.objects.get(name=names[key])


def committee(key: str) -> Committee:
    if key == "province":
        return Committee.objects.filter(level="province").earliest("pk")
    return Committee.objects.get(standing_agency=agency(f"police_{key}"))


def plan(code: str) -> Plan:
    return Plan.objects.get(code_name=code)


OBJECTIVE = [ObjectiveSpec("Kích hoạt sở chỉ huy trong 30 phút.", Capability.COMMAND)]


def exercise(
    where: str, type: str, name: str, day: dt.date, people: list[tuple[str, int]],
    plans: list[Plan] = (),  # type: ignore[assignment]
) -> Exercise:  # fmt: skip
    c = committee(where)
    return drills.plan_exercise(
        c, actor=SYSTEM, type=type, name=name, starts_on=day, ends_on=day,
        organising_agency=agency(people[0][0]), plans=plans,
        participants=[ParticipantSpec(agency(k), n, 1) for k, n in people],
        objectives=OBJECTIVE,
    )  # fmt: skip


def training(
    where: str, topic: str, day: dt.date, status: str, audience: list[tuple[str, int]]
) -> Training:
    c = committee(where)
    assert c.standing_agency is not None
    made = Training.objects.create(
        owning_committee=c, owning_agency=c.standing_agency, topic=topic, starts_on=day,
        ends_on=day, status=status, created_at=dt.datetime.combine(day, dt.time(8), VN),
    )  # fmt: skip
    for key, n in audience:
        TrainingAudience.objects.create(training=made, agency=agency(key), participants=n)
    return made


def finding(ex: Exercise, day: dt.date, revise: Plan | None = None) -> Finding:
    return Finding.objects.create(
        exercise=ex, kind=FindingKind.IMPROVEMENT, text="Kênh liên lạc dự phòng chưa thông.",
        plan=revise, requires_revision=revise is not None,
        created_at=dt.datetime.combine(day, dt.time(10), VN),
    )  # fmt: skip


def action(f: Finding, key: str, assigned: dt.date, due: dt.date) -> CorrectiveAction:
    """A corrective action for ``key``: a task fanned out through the work app."""
    with at(assigned), transaction.atomic():
        (task,) = tasks.fan_out_within(
            f.exercise.owning_committee, lead=[agency(key)], supporting=[],
            title=f"Khắc phục: {f.text}", description="", deadline=due,
            deadline_working_days=None, priority=Task.Priority.NORMAL, classification=0,
            assigned_on=assigned, links={}, actor=SYSTEM,
        )  # fmt: skip
        Task.objects.filter(pk=task.pk).update(evidence_required=True)
        return CorrectiveAction.objects.create(
            exercise=f.exercise, finding=f, task=task, plan=f.plan,
            created_at=dt.datetime.combine(assigned, dt.time(10), VN),
        )  # fmt: skip


def done(a: CorrectiveAction, day: dt.date, actor: Any = SYSTEM) -> None:
    with at(day):
        task = Task.objects.get(pk=a.task_id)
        if task.state == Task.State.ASSIGNED:
            tasks.acknowledge_task(task, actor=actor)
        tasks.report_done(task, note="Biên bản số 12/BB", actor=actor)


@dataclass
class Year:
    tabletop: Exercise
    drill_a: Exercise
    drill_b: Exercise
    seminar: Exercise
    last_year: Exercise
    revision: Finding
    overdue: CorrectiveAction
    open: CorrectiveAction
    closed: CorrectiveAction
    closed_a: CorrectiveAction


@pytest.fixture
def year(db: None) -> Iterator[Year]:
    seaport, airport = plan("KB-CB 01"), plan("KB-SB 01")
    with at(d(1, 5)):
        tabletop = exercise("province", ExerciseType.TABLETOP, "Sa bàn cảng biển 2028", d(2, 10),
                            [("police", 24), ("border", 8), ("dit", 4)], [seaport])  # fmt: skip
        drill_a = exercise("a", ExerciseType.DRILL, "Diễn tập sân bay 2028", d(2, 20),
                           [("police_a", 30), ("airport", 40)], [airport])  # fmt: skip
        drill_b = exercise("b", ExerciseType.DRILL, "Diễn tập chợ 2028", d(3, 25),
                           [("police_b", 20)])  # fmt: skip
        seminar = exercise("province", ExerciseType.SEMINAR, "Hội thảo 2028", d(4, 1),
                           [("health", 100)])  # fmt: skip
        drills.cancel_exercise(seminar, reason="Trùng lịch.", actor=SYSTEM)
        last_year = exercise("province", ExerciseType.DRILL, "Diễn tập cuối năm 2027",
                             d(12, 30, 2027), [("police", 60)])  # fmt: skip
        training("province", "Tập huấn nhận diện vật nghi nổ", d(1, 15), TrainingStatus.HELD,
                 [("police", 50), ("dit", 10)])  # fmt: skip
        training("a", "Tập huấn sơ tán sân bay", d(1, 20), TrainingStatus.HELD,
                 [("police_a", 25)])  # fmt: skip
        training("province", "Tập huấn chỉ huy", d(5, 1), TrainingStatus.PLANNED,
                 [("military", 100)])  # fmt: skip
        training("province", "Tập huấn bị hủy", d(1, 25), TrainingStatus.CANCELLED,
                 [("health", 30)])  # fmt: skip
    with at(d(2, 10)):
        drills.conduct(tabletop, actor=SYSTEM, on=d(2, 10))
    with at(d(2, 20)):
        drills.conduct(drill_a, actor=SYSTEM, on=d(2, 20))
    revision = finding(tabletop, d(2, 12), revise=seaport)
    overdue = action(revision, "dit", d(2, 12), d(2, 20))
    open_ = action(revision, "border", d(2, 12), d(4, 1))
    closed = action(revision, "police", d(2, 12), d(3, 15))
    cancelled = action(revision, "health", d(2, 12), d(3, 15))
    with at(d(2, 13)):
        tasks.cancel_task(Task.objects.get(pk=cancelled.task_id), reason="Trùng.", actor=SYSTEM)
    done(closed, d(2, 22))
    closed_a = action(finding(drill_a, d(2, 21)), "police_a", d(2, 21), d(3, 21))
    done(closed_a, d(2, 25))
    with at(TODAY):
        yield Year(tabletop, drill_a, drill_b, seminar, last_year, revision, overdue, open_,
                   closed, closed_a)  # fmt: skip
