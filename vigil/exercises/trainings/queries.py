"""Reads of trainings: the list with its filters and totals, a training's audience.
Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from vigil.exercises.trainings.models import Training, TrainingAudience, TrainingStatus
from vigil.org.models import Committee
from vigil.org.scope import Viewer


@dataclass(frozen=True)
class TrainingFilters:
    year: int | None = None
    status: str = ""
    committee: int | None = None


@dataclass(frozen=True)
class TrainingTotals:
    """The figures under the list: every training listed (not only the page shown)."""

    trainings: int
    held: int
    # People trained in the held trainings listed (counts, never names).
    participants: int
    # Agencies with someone trained in a held training listed.
    agencies: int


def _participants() -> Coalesce:
    people = (
        TrainingAudience.objects.filter(training=OuterRef("pk"))
        .order_by()
        .values("training")
        .annotate(n=Sum("participants"))
        .values("n")
    )
    return Coalesce(Subquery(people, output_field=IntegerField()), Value(0))


def _filtered(user: Viewer, f: TrainingFilters) -> QuerySet[Training]:
    rows = Training.objects.visible_to(user)
    if f.year:
        rows = rows.filter(starts_on__year=f.year)
    if f.status:
        rows = rows.filter(status=f.status)
    if f.committee:
        rows = rows.filter(owning_committee_id=f.committee)
    return rows


def trainings_for(user: Viewer, filters: TrainingFilters | None = None) -> QuerySet[Training]:
    """The trainings ``user`` sees, narrowed by the list's filters, latest first, each
    with ``participants_total`` (the sum of its audience)."""
    rows = _filtered(user, filters or TrainingFilters())
    return (
        rows.select_related("owning_committee", "owning_agency", "commune")
        .annotate(participants_total=_participants())
        .order_by("-starts_on", "-pk")
    )


def totals(user: Viewer, filters: TrainingFilters | None = None) -> TrainingTotals:
    """The totals of every training the list shows (all its pages): two queries."""
    rows = _filtered(user, filters or TrainingFilters())
    counted = rows.order_by().aggregate(
        trainings=Count("pk"), held=Count("pk", filter=Q(status=TrainingStatus.HELD))
    )
    held = rows.filter(status=TrainingStatus.HELD).order_by().values("pk")
    people = TrainingAudience.objects.filter(training__in=held).aggregate(
        participants=Coalesce(Sum("participants"), Value(0)),
        agencies=Count("agency", distinct=True),
    )
    return TrainingTotals(
        trainings=counted["trainings"], held=counted["held"],
        participants=people["participants"], agencies=people["agencies"],
    )  # fmt: skip


def years_for(user: Viewer) -> list[int]:
    """The years in which the user sees a training, latest first."""
    days = Training.objects.visible_to(user).dates("starts_on", "year", order="DESC")
    return [d.year for d in days]


def committees_for(user: Viewer) -> QuerySet[Committee]:
    """The committees that own a training the user sees (the list's committee filter)."""
    return Committee.objects.filter(
        pk__in=Training.objects.visible_to(user).values("owning_committee_id")
    ).order_by("path")


def audience_of(training: Training) -> QuerySet[TrainingAudience]:
    """A training's audience (the caller has found the training in the user's scope)."""
    return training.audience.select_related("agency").order_by("agency__name", "pk")
