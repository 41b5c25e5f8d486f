"""Who an administrator (or a committee leader) answers for: their committee
and the committees below it, and the people whose roles lie there.

Reads only; the services check the same rules before every write. A user an
administrator does not answer for is *not found* on their pages and API.

Not ``visible_to``, on purpose: that rule says which *owned objects* a user may
read; these say which committees, agencies and *people* an administrator (or a
leader) may change. Seeing a committee is not administering it (any member of a
committee sees the whole directory), and a user is administered only where all
their live roles lie, which ``visible_to`` has no notion of. So the trees here
come from ``role_paths`` (the committee-wide role itself), not from
``UserScope.committees_below`` (every committee-wide role at once).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from vigil.accounts.models import User
from vigil.core import clock
from vigil.core.audit import Actor, SystemActor
from vigil.core.classification import Classification
from vigil.org.models import Agency, ClearanceRequest, Committee, Membership, Role
from vigil.org.scope import Viewer, scope_for


def role_paths(user: Viewer, role: str) -> list[str]:
    """The paths of the committees in which ``user`` holds the committee-wide ``role`` today."""
    return sorted({path for r, _a, _c, path in scope_for(user).roles if r == role and path})


def _prefixes(paths: list[str], field: str) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def committees_in_tree(paths: list[str]) -> QuerySet[Committee]:
    if not paths:
        return Committee.objects.none()
    return Committee.objects.filter(_prefixes(paths, "path"))


def committees_administered(user: Viewer) -> QuerySet[Committee]:
    return committees_in_tree(role_paths(user, Role.ADMINISTRATOR))


def agencies_administered(user: Viewer) -> QuerySet[Agency]:
    """Agencies homed in the tree, and licensed organisations licensed from it."""
    paths = role_paths(user, Role.ADMINISTRATOR)
    if not paths:
        return Agency.objects.none()
    licensed = Agency.licensed_by.through.objects.filter(
        _prefixes(paths, "to_agency__committee__path")
    ).values("from_agency_id")
    return Agency.objects.filter(
        _prefixes(paths, "committee__path") | Q(pk__in=licensed)
    ).select_related("committee")


def _memberships_in_tree(paths: list[str]) -> QuerySet[Membership]:
    licensed = Agency.licensed_by.through.objects.filter(
        _prefixes(paths, "to_agency__committee__path")
    ).values("from_agency_id")
    return Membership.objects.filter(
        _prefixes(paths, "committee__path")
        | _prefixes(paths, "agency__committee__path")
        | Q(agency_id__in=licensed)
    )


def _live() -> Q:
    """Roles that have not ended: current, or starting later."""
    return Q(valid_to__isnull=True) | Q(valid_to__gte=clock.today())


def users_in_tree(paths: list[str]) -> QuerySet[User]:
    """Users whose live roles all lie in the tree; a user whose roles have all ended
    belongs where their roles were (so they can be given a role again).

    A user who also holds a live role elsewhere (a provincial leader with a
    commune role, say) is not the commune's to deactivate, reset or re-clear."""
    if not paths:
        return User.objects.none()
    in_tree = _memberships_in_tree(paths)
    mine = in_tree.filter(user=OuterRef("pk"))
    live_anywhere = Membership.objects.filter(_live(), user=OuterRef("pk"))
    live_elsewhere = live_anywhere.exclude(pk__in=in_tree.values("pk"))
    return User.objects.filter(
        (Exists(mine.filter(_live())) & ~Exists(live_elsewhere))
        | (Exists(mine) & ~Exists(live_anywhere))
    )


def users_administered_by(user: Viewer) -> QuerySet[User]:
    return users_in_tree(role_paths(user, Role.ADMINISTRATOR))


def users_led_by(user: Viewer) -> QuerySet[User]:
    return users_in_tree(role_paths(user, Role.COMMITTEE_LEADER))


def memberships_administered_by(user: Viewer) -> QuerySet[Membership]:
    return Membership.objects.filter(user__in=users_administered_by(user))


def can_administer_user(actor: Actor, user: User) -> bool:
    if isinstance(actor, SystemActor):
        return True
    return users_administered_by(actor).filter(pk=user.pk).exists()


def can_lead_user(actor: Actor, user: User) -> bool:
    if isinstance(actor, SystemActor):
        return True
    return users_led_by(actor).filter(pk=user.pk).exists()


def actor_clearance(actor: Actor) -> int:
    if isinstance(actor, SystemActor):
        return int(Classification.TOP_SECRET)
    return int(actor.clearance)


def clearance_requests_visible_to(user: Viewer) -> QuerySet[ClearanceRequest]:
    """Requests about the people a user administers or leads."""
    return ClearanceRequest.objects.filter(
        Q(user__in=users_administered_by(user)) | Q(user__in=users_led_by(user))
    )


def licensing_committee(agency: Agency) -> Committee | None:
    """Where a licensed organisation is administered: its licensing agency's committee."""
    licenser = agency.licensed_by.select_related("committee").first()
    return licenser.committee if licenser else None


def is_administrator(user: Viewer) -> bool:
    return bool(role_paths(user, Role.ADMINISTRATOR))


def pending_for_leader(user: Viewer) -> QuerySet[ClearanceRequest]:
    if not role_paths(user, Role.COMMITTEE_LEADER):
        return ClearanceRequest.objects.none()
    return ClearanceRequest.objects.filter(
        status=ClearanceRequest.Status.PENDING, user__in=users_led_by(user)
    )


def locked_out(users: QuerySet[User]) -> QuerySet[User]:
    """Those of ``users`` whom django-axes holds locked out right now."""
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=clock.now() - settings.AXES_COOLOFF_TIME,
    )
    return users.filter(username__in=attempts.values("username"))


def can_edit_holidays(user: Viewer) -> bool:
    """The holiday table moves every deadline in the deployment: administrators of a
    provincial (or higher) committee keep it, not those of a commune."""
    if isinstance(user, SystemActor):
        return True
    committees = [
        c for role, _a, c, _p in scope_for(user).roles if role == Role.ADMINISTRATOR and c
    ]
    return (
        Committee.objects.filter(pk__in=committees).exclude(level=Committee.Level.COMMUNE).exists()
    )
