"""The org app's panels for the home page: who is on duty now, and what waits for an
administrator or a committee leader (clearance and role requests, locked accounts).
The directory's size is not news: the menu reaches the directory."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.core import clock
from vigil.org.administration import queries as admin_queries
from vigil.org.models import Committee, DutyShift, Role
from vigil.org.people.queries import role_requests_visible_to
from vigil.org.scope import Viewer, scope_for


def summary_for(user: Viewer) -> dict[str, Any]:
    """The officer on duty now in the user's agencies and in the standing office of each
    committee where the user holds a role, with the number to call."""
    scope = scope_for(user)
    standing = Committee.objects.filter(
        pk__in={c for _r, _a, c, _p in scope.roles if c}, standing_agency__isnull=False
    ).values_list("standing_agency_id", flat=True)
    agencies = [*sorted(scope.agency_ids), *standing]
    now = clock.now()
    shifts = (
        DutyShift.objects.visible_to(user)
        .filter(agency_id__in=agencies, starts_at__lte=now, ends_at__gt=now)
        .select_related("agency", "officer")
        .order_by("agency__name")
    )
    seen: set[int] = set()
    on_duty = []
    for shift in shifts:
        if shift.agency_id not in seen:
            seen.add(shift.agency_id)
            on_duty.append(shift)
    return {
        "title": _("On duty now"),
        "duty": on_duty,
        "duty_agencies": len(set(agencies)),
        "roster_url": reverse("org:duty_roster", args=[agencies[0]]) if scope.agency_ids else None,
        "items": [],
        "roles": (Role.STANDING_OFFICE, "commune", Role.OFFICER, Role.COMMITTEE_LEADER),
    }


def administration_for(user: Viewer) -> dict[str, Any]:
    """What waits for an administrator, or for a leader who decides clearance and role
    requests."""
    items: list[dict[str, Any]] = []
    pending = admin_queries.clearance_requests_visible_to(user).filter(status="pending")
    leads = admin_queries.pending_for_leader(user)
    if admin_queries.is_administrator(user) or leads.exists():
        items.append(
            {
                "label": _("clearance requests waiting for a decision"),
                "value": pending.count(),
                "url": reverse("org:admin_clearance_list") + "?status=pending",
                "urgency": "waiting",
            }
        )
    if admin_queries.role_paths(user, Role.COMMITTEE_LEADER):
        items.append(
            {
                "label": _("role requests waiting for a decision"),
                "value": role_requests_visible_to(user).filter(status="pending").count(),
                "url": reverse("org:admin_role_request_list") + "?status=pending",
                "urgency": "waiting",
            }
        )
    if admin_queries.is_administrator(user):
        users = admin_queries.users_administered_by(user)
        items.append(
            {
                "label": _("accounts locked out"),
                "value": admin_queries.locked_out(users).count(),
                "url": reverse("org:admin_user_list") + "#locked",
                "urgency": "waiting",
            }
        )
    return {"title": _("Administration"), "items": items, "roles": (Role.ADMINISTRATOR,)}
