"""The demo's exercises (vigil/exercises/drills/demo.py), by key, and a helper that
plans a fresh one of the province through the service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from vigil.core import clock
from vigil.exercises.drills import demo, services
from vigil.exercises.drills.models import Capability, Exercise, ExerciseType
from vigil.exercises.drills.services import ObjectiveSpec, ParticipantSpec
from vigil.org.models import Agency, Committee
from vigil.sites.models import Plan

NAMES = {
    "seaport": demo.SEAPORT_TABLETOP, "airport": demo.AIRPORT_DRILL,
    "market": demo.MARKET_DRILL, "province": demo.PROVINCE_FULL_SCALE,
}  # fmt: skip


@pytest.fixture
def exercises(db: None) -> dict[str, Exercise]:
    return {key: Exercise.objects.get(name=name) for key, name in NAMES.items()}


@pytest.fixture
def province() -> Committee:
    return Committee.objects.get(level=Committee.Level.PROVINCE)


@pytest.fixture
def plan_one(persona: Callable[[str], Any], province: Committee) -> Callable[..., Exercise]:
    """A tabletop exercise of the seaport plan, planned by the standing office, two days
    ago, with two objectives and the DIT taking part."""

    def make(**overrides: Any) -> Exercise:
        today = clock.today()
        values: dict[str, Any] = {
            "type": ExerciseType.TABLETOP, "name": "Diễn tập thử trên sa bàn",
            "starts_on": today - dt.timedelta(days=2), "ends_on": today - dt.timedelta(days=2),
            "plans": [Plan.objects.get(code_name="KB-CB 01")],
            "participants": [ParticipantSpec(Agency.objects.get(name="Sở Công Thương"), 5, 1)],
            "objectives": [ObjectiveSpec("Kích hoạt sở chỉ huy.", Capability.COMMAND),
                           ObjectiveSpec("Sơ tán cầu cảng.", Capability.CORDON)],
        }  # fmt: skip
        values |= overrides
        return services.plan_exercise(province, actor=persona("thuongtruc"), **values)

    return make
