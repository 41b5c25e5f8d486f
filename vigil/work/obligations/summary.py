"""Report figures for the home page: reports due and overdue for the user's units,
and for the receiving side the reports waiting for acceptance. Each links to the list
of exactly the reports it counts."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.core import clock
from vigil.org.scope import Role, Viewer, committees_with_role
from vigil.work.obligations.calendar_source import own_submissions, reports_waiting
from vigil.work.obligations.models import OPEN_STATES


def summary_for(user: Viewer) -> dict[str, Any]:
    today = clock.today()
    due = own_submissions(user).filter(state__in=OPEN_STATES)
    url = reverse("work:reports_due")
    items: list[dict[str, Any]] = [
        {"label": _("Reports due"), "value": due.count(), "url": url},
        {"label": _("Reports overdue"), "value": due.filter(due_on__lt=today).count(),
         "url": url + "?overdue=1", "urgency": "overdue"},
    ]  # fmt: skip
    if committees_with_role(user, Role.STANDING_OFFICE, Role.COMMITTEE_LEADER):
        items.append({
            "label": _("Reports waiting for acceptance"), "value": reports_waiting(user).count(),
            "url": url + "?view=waiting", "urgency": "waiting",
        })  # fmt: skip
    return {
        "title": _("Reports"),
        "items": items,
        "roles": (Role.STANDING_OFFICE, Role.COMMITTEE_LEADER, Role.OFFICER, "commune"),
    }
