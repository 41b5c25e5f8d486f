"""How agencies or a committee took part in the year's exercises: the exercises (not
cancelled, starting in the year) they organised or took part in, and the ratings
their objectives got (P/S/M/U). Read through the scope rule; counts only. The
commendations of the reports app cite it as evidence (the exercises list shows the
same exercises)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q

from vigil.exercises.drills.models import ExerciseStatus, Objective
from vigil.exercises.figures.queries import exercises_of_year
from vigil.org.scope import Viewer


@dataclass(frozen=True)
class Participation:
    exercises: int
    ratings: dict[str, int] = field(default_factory=dict)  # P, S, M, U -> objectives
    classification: int = 0

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def performed(self) -> int:
        """Objectives rated P (performed without challenges) or S (with some)."""
        return self.ratings.get("P", 0) + self.ratings.get("S", 0)


def participation(
    viewer: Viewer,
    year: int,
    *,
    agencies: Collection[int] = (),
    committees: Collection[int] = (),
) -> Participation:
    """The visible exercises of ``year`` organised by or with a participant among
    ``agencies``, or owned by one of ``committees``."""
    took_part = (
        Q(owning_agency_id__in=agencies)
        | Q(participants__agency_id__in=agencies)
        | Q(owning_committee_id__in=committees)
    )
    exercises = (
        exercises_of_year(viewer, year)
        .exclude(status=ExerciseStatus.CANCELLED)
        .filter(took_part)
        .values("pk")
        .distinct()
    )
    counted = (
        exercises_of_year(viewer, year)
        .filter(pk__in=exercises)
        .aggregate(n=Count("pk"), c=Max("classification"))
    )
    rows = (
        Objective.objects.filter(exercise__in=exercises)
        .exclude(rating="")
        .values("rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Participation(
        exercises=counted["n"] or 0,
        ratings={r["rating"]: r["n"] for r in rows},
        classification=counted["c"] or 0,
    )
