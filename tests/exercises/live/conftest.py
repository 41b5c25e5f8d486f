"""Exercises for the exercise-mode tests, planned through the drills services in each
test's transaction (rolled back after it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.exercises.drills import services as drills
from vigil.exercises.drills.models import Capability, Exercise, ExerciseType
from vigil.exercises.drills.services import ObjectiveSpec, ParticipantSpec
from vigil.org.models import Agency, Committee
from vigil.sites import demo as sites_demo
from vigil.sites.models import KeySite

SEED = SystemActor("test")
COMMITTEES: dict[str, dict[str, Any]] = {"province": {"level": Committee.Level.PROVINCE},
              "a": {"name__endswith": "đặc khu Vân Đồn"},
              "b": {"name__endswith": "phường Móng Cái 1"}}  # fmt: skip
SITES = {"province": sites_demo.SEAPORT, "a": sites_demo.AIRPORT, "b": None}


@pytest.fixture
def plan(db: None) -> Callable[..., Exercise]:
    """``plan(committee="province", starts_in=0, classification=0, participants=())``:
    a tabletop at the committee's demo site, with one objective."""

    def make(committee: str = "province", *, starts_in: int = 0, classification: int = 0,
             participants: tuple[str, ...] = (), **fields: Any) -> Exercise:  # fmt: skip
        site = KeySite.objects.get(name=SITES[committee]) if SITES[committee] else None
        start = clock.today() + dt.timedelta(days=starts_in)
        values: dict[str, Any] = {
            "type": ExerciseType.TABLETOP, "name": "Diễn tập thử chế độ diễn tập",
            "starts_on": start, "ends_on": start, "site": site,
            "classification": classification,
            "participants": [ParticipantSpec(Agency.objects.get(name=n), 3) for n in participants],
            "objectives": [ObjectiveSpec("Thông báo kịp thời.", Capability.COMMUNICATIONS)],
        }  # fmt: skip
        values.update(fields)
        return drills.plan_exercise(
            Committee.objects.get(**COMMITTEES[committee]), actor=SEED, **values
        )

    return make


def evaluated(exercise: Exercise) -> Exercise:
    """Conducted (today, if not yet), every objective rated, the evaluation finished."""
    if exercise.status == "planned":
        drills.conduct(exercise, actor=SEED)
    exercise.objectives.update(rating="P", rated_at=clock.now())
    return drills.finish_evaluation(exercise, actor=SEED)
