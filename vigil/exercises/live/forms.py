"""Forms of exercise mode: situation's incident and alert forms, without what the
exercise decides (the committee, "exercise", the CAP status)."""

from __future__ import annotations

from typing import Any

from vigil.core import clock
from vigil.exercises.drills.models import Exercise
from vigil.exercises.live.queries import incidents_of
from vigil.org.models import Committee
from vigil.org.scope import Viewer
from vigil.situation.alerts.forms import AlertForm
from vigil.situation.incidents.forms import IncidentForm
from vigil.situation.incidents.services import reporting_agencies


class ExerciseIncidentForm(IncidentForm):
    """An incident of the exercise's committee, reported for one of the user's agencies."""

    def __init__(self, *args: Any, user: Viewer, exercise: Exercise, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).update(
            site=exercise.site_id, commune=exercise.commune_id,
            classification=exercise.classification, occurred_at=clock.now(),
        )  # fmt: skip
        agencies = reporting_agencies(user, exercise.owning_committee).order_by("name")
        # The committee's field is dropped below; given, it keeps the agency's field.
        committee = Committee.objects.filter(pk=exercise.owning_committee_id)
        super().__init__(*args, user=user, committees=committee, agencies=agencies, **kwargs)
        for name in ("committee", "is_exercise"):
            del self.fields[name]


class ExerciseAlertForm(AlertForm):
    """A draft alert of the exercise's committee; it may name the exercise's incidents."""

    def __init__(self, *args: Any, user: Viewer, exercise: Exercise, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).update(
            sites=[exercise.site_id] if exercise.site_id else [],
            communes=[exercise.commune_id] if exercise.commune_id and not exercise.site_id else [],
            classification=exercise.classification,
            area_desc=(exercise.place or (exercise.site.name if exercise.site else ""))[:300],
        )  # fmt: skip
        super().__init__(*args, user=user, committees=None, **kwargs)
        del self.fields["cap_status"]
        self.fields["incidents"].queryset = incidents_of(exercise, user)  # type: ignore[attr-defined]
