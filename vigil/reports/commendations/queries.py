"""Reads of commendation proposals: those a user sees (the scope rule), filtered by
year, state and committee; what the forms offer. The list page, the API, the command
line and the report's section read them here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from vigil.org.models import Agency, Committee
from vigil.org.scope import Role, Viewer, committees_with_role, scope_for
from vigil.reports.commendations.models import Commendation, CommendationState
from vigil.reports.commendations.services import KEEPERS

PENDING = "pending"


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    state: str = ""  # a state, or "pending" (proposed or reviewed)
    committee: int | None = None  # this committee and those below it


def commendations_for(user: Viewer, filters: Filters | None = None) -> QuerySet[Commendation]:
    filters = filters or Filters()
    rows = Commendation.objects.visible_to(user).select_related(
        "owning_committee", "owning_agency", "recipient_agency", "recipient_committee"
    )
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.state == PENDING:
        rows = rows.filter(state__in=[CommendationState.PROPOSED, CommendationState.REVIEWED])
    elif filters.state:
        rows = rows.filter(state=filters.state)
    if filters.committee:
        committee = Committee.objects.filter(pk=filters.committee).first()
        rows = (
            rows.filter(owning_committee__path__startswith=committee.path)
            if committee
            else rows.none()
        )
    return rows.order_by("-year", "owning_committee__path", "pk")


def of_committee(user: Viewer, committee: Committee, year: int) -> QuerySet[Commendation]:
    """The proposals of ``committee`` and those below it for ``year`` the user sees."""
    return commendations_for(user, Filters(year=year, committee=committee.pk))


def proposing_committees(user: Viewer) -> QuerySet[Committee]:
    """The committees the user may propose for: those they keep, and the committees of
    the agencies they head."""
    kept = committees_with_role(user, *KEEPERS)
    scope = scope_for(user)
    headed = Agency.objects.filter(
        pk__in=[a for role, a, c, _p in scope.roles if role == Role.AGENCY_HEAD and c is None]
    ).values("committee")
    if scope.everything:
        return Committee.objects.order_by("path")
    return Committee.objects.filter(Q(pk__in=kept) | Q(pk__in=headed)).order_by("path")


def agencies_of(committee: Committee) -> QuerySet[Agency]:
    """The agencies a proposal of ``committee`` may name: of its tree."""
    return Agency.objects.filter(committee__path__startswith=committee.path).order_by("name")


def committees_below(committee: Committee) -> QuerySet[Committee]:
    return (
        Committee.objects.filter(path__startswith=committee.path)
        .exclude(pk=committee.pk)
        .order_by("path")
    )
