"""Shared set-up of the evaluation tests, built through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.exercises.drills import services as drills
from vigil.exercises.drills.models import Capability, Exercise, ExerciseType
from vigil.exercises.drills.services import ObjectiveSpec, ParticipantSpec
from vigil.org.models import Agency, Committee
from vigil.sites.models import Plan

SYSTEM = SystemActor("test")


def province() -> Committee:
    return Committee.objects.get(name__endswith="tỉnh Quảng Ninh")


def commune_a() -> Committee:
    return Committee.objects.get(name__endswith="đặc khu Vân Đồn")


def commune_b() -> Committee:
    return Committee.objects.get(name__endswith="phường Móng Cái 1")


def agency(name: str) -> Agency:
    return Agency.objects.get(name=name)


POLICE = "Công an tỉnh Quảng Ninh"
DIT = "Sở Công Thương"
POLICE_A = "Công an đặc khu Vân Đồn"
POLICE_B = "Công an phường Móng Cái 1"


def conducted(
    committee: Committee | None = None,
    *,
    name: str = "Diễn tập thử",
    plans: Sequence[Plan] = (),
    participants: Sequence[ParticipantSpec] = (),
    classification: int = 0,
    objectives: int = 2,
) -> Exercise:
    """A tabletop exercise conducted yesterday, with ``objectives`` objectives to rate."""
    day = clock.today() - dt.timedelta(days=1)
    exercise = drills.plan_exercise(
        committee or province(), actor=SYSTEM, type=ExerciseType.TABLETOP, name=name,
        starts_on=day, ends_on=day, plans=plans, participants=participants,
        classification=classification,
        objectives=[ObjectiveSpec(f"Mục tiêu {n}", Capability.COMMAND)
                    for n in range(1, objectives + 1)],
    )  # fmt: skip
    return drills.conduct(exercise, actor=SYSTEM, on=day)
