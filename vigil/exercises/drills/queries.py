"""Reads of exercises: the list with its filters, what the forms offer (the committees
a user keeps exercises for, their plans, sites and agencies), and the lifecycle steps
open to a user. Nothing here writes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from vigil.core import clock
from vigil.exercises.drills.models import Exercise, ExerciseStatus
from vigil.exercises.drills.services import KEEPERS, may_keep
from vigil.org.models import Agency, Committee, MemberAgency
from vigil.org.scope import Viewer, committees_with_role
from vigil.sites.models import KeySite, Plan
from vigil.work.services import period_on

S = ExerciseStatus
# Each lifecycle step of the detail page and the states it is open in.
STEPS: dict[str, tuple[str, ...]] = {
    "edit": (S.PLANNED, S.CONDUCTED, S.EVALUATED),
    "objective": (S.PLANNED, S.CONDUCTED),
    "conduct": (S.PLANNED,),
    "finish": (S.CONDUCTED,),
    "close": (S.EVALUATED,),
    "cancel": (S.PLANNED,),
}


@dataclass(frozen=True)
class ExerciseFilters:
    year: int | None = None
    type: str = ""
    status: str = ""
    committee: int | None = None
    plan: int | None = None
    site: int | None = None


def exercises_for(user: Viewer, filters: ExerciseFilters | None = None) -> QuerySet[Exercise]:
    """The exercises ``user`` sees, narrowed by the list's filters, latest first."""
    f = filters or ExerciseFilters()
    rows = Exercise.objects.visible_to(user).select_related(
        "owning_committee", "owning_agency", "site", "commune"
    )
    if f.year:
        rows = rows.filter(starts_on__year=f.year)
    if f.type:
        rows = rows.filter(type=f.type)
    if f.status:
        rows = rows.filter(status=f.status)
    if f.committee:
        rows = rows.filter(owning_committee_id=f.committee)
    if f.plan:
        rows = rows.filter(plans=f.plan)
    if f.site:
        rows = rows.filter(Q(sites=f.site) | Q(site=f.site)).distinct()
    return rows.order_by("-starts_on", "-pk")


def visible_site_ids(user: Viewer, exercises: Iterable[Exercise]) -> set[int]:
    """The ids of the exercises' key sites (the single ``site``) that ``user`` sees: a
    participant may see an exercise held at a site it may not see, and then the site
    is not named (the sites app's scope rule)."""
    ids = {e.site_id for e in exercises if e.site_id}
    if not ids:
        return set()
    return set(KeySite.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def shown_site(user: Viewer, exercise: Exercise) -> KeySite | None:
    """The exercise's key site if ``user`` sees it, else None."""
    return exercise.site if exercise.site_id in visible_site_ids(user, [exercise]) else None


def years_for(user: Viewer) -> list[int]:
    """The years the user's exercises start in, latest first (this year always)."""
    years = {d.year for d in Exercise.objects.visible_to(user).dates("starts_on", "year")}
    return sorted(years | {clock.today().year}, reverse=True)


def committees_seen(user: Viewer) -> QuerySet[Committee]:
    """The committees owning an exercise the user sees (the list's committee filter)."""
    return Committee.objects.filter(
        pk__in=Exercise.objects.visible_to(user).values("owning_committee_id")
    ).order_by("path")


def keeping_committees(user: Viewer) -> QuerySet[Committee]:
    """The committees ``user`` may plan exercises for (standing office or leaders there
    or above), the province first."""
    return Committee.objects.filter(pk__in=committees_with_role(user, *KEEPERS)).order_by("path")


def plans_of(committee: Committee, user: Viewer) -> QuerySet[Plan]:
    """The plans an exercise of ``committee`` may test: the committee's (or below) that
    ``user`` sees, as the service checks."""
    return (
        Plan.objects.visible_to(user)
        .filter(owning_committee__path__startswith=committee.path)
        .order_by("code_name")
    )


def sites_of(committee: Committee, user: Viewer) -> QuerySet[KeySite]:
    return (
        KeySite.objects.visible_to(user)
        .filter(owning_committee__path__startswith=committee.path, archived=False)
        .order_by("name")
    )


def agencies_of(committee: Committee) -> QuerySet[Agency]:
    """The agencies that may take part: those of the committee's tree, or members of a
    committee in it today (``vigil.work.services.agencies_in_tree``'s rule)."""
    members = MemberAgency.objects.filter(
        period_on(clock.today()), committee__path__startswith=committee.path
    ).values("agency_id")
    return (
        Agency.objects.filter(Q(committee__path__startswith=committee.path) | Q(pk__in=members))
        .exclude(kind=Agency.Kind.LICENSED_ORGANISATION)
        .order_by("name")
    )


def steps_for(user: Viewer, exercise: Exercise) -> set[str]:
    """The lifecycle steps ``user`` may take on ``exercise`` now."""
    if not may_keep(user, exercise):
        return set()
    return {step for step, states in STEPS.items() if exercise.status in states}
