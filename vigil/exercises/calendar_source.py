"""Trainings and exercises on the work calendar (``vigil.core.calendar``).

Dated things a user acts on, within what they see (``visible_to``): those their
agency organises, attends or takes part in, and every one of the committees whose
trainings and exercises they keep (the standing office, a leader). An auditor who
sees them all is not asked to attend them. Cancelled ones are left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from vigil.core.calendar import CalendarItem
from vigil.exercises.drills.models import Exercise, ExerciseStatus, Participant
from vigil.exercises.drills.services import KEEPERS
from vigil.exercises.trainings.models import Training, TrainingAudience, TrainingStatus
from vigil.org.scope import Viewer, committees_with_role, scope_for


def _overlapping(start: dt.date, end: dt.date) -> Q:
    return Q(starts_on__lte=end, ends_on__gte=start)


def training_items(user: Viewer, start: dt.date, end: dt.date) -> Iterable[CalendarItem]:
    agencies = scope_for(user).agency_ids
    attending = TrainingAudience.objects.filter(agency_id__in=agencies).values("training_id")
    mine = (
        Q(owning_committee_id__in=committees_with_role(user, *KEEPERS))
        | Q(owning_agency_id__in=agencies)
        | Q(pk__in=attending)
    )
    trainings = (
        Training.objects.visible_to(user)
        .filter(mine, _overlapping(start, end))
        .exclude(status=TrainingStatus.CANCELLED)
        .order_by("starts_on", "pk")
    )
    for training in trainings:
        yield CalendarItem(
            uid=f"training-{training.pk}@vigil",
            kind="training",
            title=_("Training: %(topic)s") % {"topic": training.topic},
            url=training.get_absolute_url(),
            start=training.starts_on,
            end=training.ends_on,
            classification=training.classification,
        )


def exercise_items(user: Viewer, start: dt.date, end: dt.date) -> Iterable[CalendarItem]:
    agencies = scope_for(user).agency_ids
    mine = (
        Q(owning_committee_id__in=committees_with_role(user, *KEEPERS))
        | Q(owning_agency_id__in=agencies)
        | Q(pk__in=Participant.objects.filter(agency_id__in=agencies).values("exercise_id"))
    )
    exercises = (
        Exercise.objects.visible_to(user)
        .filter(mine, _overlapping(start, end))
        .exclude(status=ExerciseStatus.CANCELLED)
        .order_by("starts_on", "pk")
    )
    for exercise in exercises:
        try:
            url = exercise.get_absolute_url()
        except NoReverseMatch:  # the exercise pages are not installed: nothing to link to
            return
        yield CalendarItem(
            uid=f"exercise-{exercise.pk}@vigil",
            kind="exercise",
            title=_("Exercise: %(name)s") % {"name": exercise.name},
            url=url,
            start=exercise.starts_on,
            end=exercise.ends_on,
            classification=exercise.classification,
        )
