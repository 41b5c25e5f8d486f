"""Who may do what in work, and the checks its use cases share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from vigil.core import clock
from vigil.core.audit import Actor, SystemActor
from vigil.org.models import Agency, Committee, MemberAgency, Period, Post, Role
from vigil.org.scope import Viewer, scope_for
from vigil.work.tasks.models import Task

ISSUER_ROLES = (Role.STANDING_OFFICE, Role.COMMITTEE_LEADER)
# Who acts for an assignee agency: its officers and head, and the committee-wide
# roles held through it (a commune's standing office is its police).
ASSIGNEE_ROLES = frozenset(
    {Role.AGENCY_HEAD, Role.OFFICER, Role.STANDING_OFFICE, Role.COMMITTEE_LEADER}
)
DEPUTY_KINDS = (Post.Kind.STANDING_DEPUTY, Post.Kind.DEPUTY)


# --- who may do what


def can_issue(user: Viewer, committee: Committee) -> bool:
    """The committee's standing office or leaders (of it or a committee above)."""
    return scope_for(user).committee_role_covers(committee.path, *ISSUER_ROLES)


def can_act_for(user: Viewer, agency_id: int) -> bool:
    """Whether ``user`` answers for the agency a task is assigned to."""
    if isinstance(user, SystemActor):
        return True
    return any(
        agency == agency_id and role in ASSIGNEE_ROLES
        for role, agency, _committee, _path in scope_for(user).roles
    )


def can_judge(user: Viewer, task: Task) -> bool:
    """Accept, return or cancel: the issuing committee's standing office or leaders."""
    return can_issue(user, task.owning_committee)


def may_attach_to_task(user: Viewer, task: Task) -> bool:
    return can_act_for(user, task.assignee_id) or can_judge(user, task)


def may_attach_to_document(user: Viewer, document: Any) -> bool:
    """Issued and incoming documents, meetings (their minutes), plans: the issuer's."""
    return can_issue(user, document.owning_committee)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- issued documents


@dataclass(frozen=True)
class PointSpec:
    """A point of a document and the agencies it is handed to."""

    text: str
    lead: Sequence[Agency] = ()
    supporting: Sequence[Agency] = ()
    title: str = ""
    deadline: dt.date | None = None
    deadline_working_days: int | None = None
    priority: int = Task.Priority.NORMAL


def period_on(day: dt.date) -> Any:
    return Period.current_on(day)


def agencies_in_tree(committee: Committee, agencies: Iterable[Agency]) -> list[Agency]:
    chosen = list(dict.fromkeys(agencies))
    # An agency is in the tree when its home committee is, or when it is a
    # member of a committee in the tree today (the airport sits on a commune's).
    members = MemberAgency.objects.filter(
        period_on(clock.today()), committee__path__startswith=committee.path
    ).values("agency_id")
    allowed = set(
        Agency.objects.filter(pk__in=[a.pk for a in chosen])
        .filter(Q(committee__path__startswith=committee.path) | Q(pk__in=members))
        .values_list("pk", flat=True)
    )
    outside = [a.name for a in chosen if a.pk not in allowed]
    if outside:
        raise ValidationError(
            {
                "agencies": _("%(names)s: outside the tree of %(committee)s.")
                % {"names": ", ".join(outside), "committee": committee.name}
            }
        )
    return chosen


def standing_agency(committee: Committee) -> Agency:
    if committee.standing_agency is None:
        raise ValidationError(_("The committee has no standing agency to keep its documents."))
    return committee.standing_agency


def require_issuer(actor: Actor, committee: Committee) -> None:
    require(can_issue(actor, committee), _("Only the committee's standing office may do this."))
