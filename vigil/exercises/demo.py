"""``seed_exercises(world, actor)``: the demo's trainings and exercises, through the
services, after the sites and situation it builds on."""

from __future__ import annotations

from vigil.core.audit import SystemActor
from vigil.exercises.drills import demo as drills
from vigil.exercises.evaluation import demo as evaluation
from vigil.exercises.live import demo as live
from vigil.exercises.trainings import demo as trainings
from vigil.org.demo import OrgWorld


def seed_exercises(world: OrgWorld, actor: SystemActor) -> None:
    made = drills.seed(world, actor)
    trainings.seed(world, actor, made)
    live.seed(world, actor, made)
    evaluation.seed(world, actor, made)
