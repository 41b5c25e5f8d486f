"""Trainings and exercises: the audit verbs, and every model of the app, each defined
in its concept's ``models.py`` (trainings, drills, evaluation, live) and imported here
so that Django and the migrations see them as the app's."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.exercises.drills.models import (
    Capability,
    Exercise,
    ExerciseStatus,
    ExerciseType,
    Objective,
    Participant,
    Rating,
)
from vigil.exercises.evaluation.models import CorrectiveAction, Finding, FindingKind
from vigil.exercises.live.models import ExerciseAlert, ExerciseIncident
from vigil.exercises.trainings.models import Training, TrainingAudience, TrainingStatus

__all__ = [
    "Capability",
    "CorrectiveAction",
    "Exercise",
    "ExerciseAction",
    "ExerciseAlert",
    "ExerciseIncident",
    "ExerciseStatus",
    "ExerciseType",
    "Finding",
    "FindingKind",
    "Objective",
    "Participant",
    "Rating",
    "Training",
    "TrainingAudience",
    "TrainingStatus",
]


class ExerciseAction(models.TextChoices):
    TRAINING_PLANNED = "training.planned", _("Training planned")
    TRAINING_CHANGED = "training.changed", _("Training changed")
    TRAINING_HELD = "training.held", _("Training held")
    TRAINING_CANCELLED = "training.cancelled", _("Training cancelled")
    EXERCISE_PLANNED = "exercise.planned", _("Exercise planned")
    EXERCISE_CHANGED = "exercise.changed", _("Exercise changed")
    EXERCISE_CONDUCTED = "exercise.conducted", _("Exercise conducted")
    EXERCISE_EVALUATED = "exercise.evaluated", _("Exercise evaluated")
    EXERCISE_CLOSED = "exercise.closed", _("Exercise closed")
    EXERCISE_CANCELLED = "exercise.cancelled", _("Exercise cancelled")
    OBJECTIVE_ADDED = "exercise.objective_added", _("Exercise objective added")
    OBJECTIVE_RATED = "exercise.objective_rated", _("Exercise objective rated")
    FINDING_RECORDED = "exercise.finding_recorded", _("Exercise finding recorded")
    ACTION_FILED = "exercise.corrective_action_filed", _("Corrective action filed")
    INCIDENT_LINKED = "exercise.incident_opened", _("Exercise incident opened")
    ALERT_LINKED = "exercise.alert_drafted", _("Exercise alert drafted")
