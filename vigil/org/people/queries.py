"""Reads of the people pages and API: the role requests a user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from vigil.core import clock
from vigil.org.administration.queries import committees_in_tree, role_paths
from vigil.org.models import Membership, Period, Role, RoleRequest
from vigil.org.scope import Viewer


def role_requests_visible_to(user: Viewer) -> QuerySet[RoleRequest]:
    """Requests decided in a committee the user administers or leads (or one below)."""
    paths = role_paths(user, Role.ADMINISTRATOR) + role_paths(user, Role.COMMITTEE_LEADER)
    return RoleRequest.objects.filter(decided_in__in=committees_in_tree(paths))


def live_roles() -> Prefetch[Any]:
    """Each user's roles of today, as ``user.live_roles``."""
    live = Membership.objects.filter(Period.current_on(clock.today())).select_related(
        "agency", "committee"
    )
    return Prefetch("memberships", queryset=live, to_attr="live_roles")
