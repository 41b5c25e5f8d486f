"""The work app's figures for the home page: what this user must act on.

For an agency: its open tasks and the overdue ones. For the committees that issue
tasks: the overdue tasks they issued and those reported done, waiting for acceptance.
Each figure links to the task list filtered to exactly the tasks it counts."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.core import clock
from vigil.org.scope import Role, Viewer, committees_with_role, scope_for
from vigil.work.models import Task
from vigil.work.services import ISSUER_ROLES
from vigil.work.tasks.queries import issued_tasks


def summary_for(user: Viewer) -> dict[str, Any]:
    today = clock.today()
    url = reverse("work:task_list")
    items: list[dict[str, Any]] = []
    if scope_for(user).agency_ids:
        mine = Task.objects.mine(user).open()
        items += [
            {
                "label": _("open tasks of my agency"),
                "value": mine.count(),
                "url": url + "?view=mine&state=open",
            },
            {
                "label": _("of them overdue"),
                "value": mine.overdue(today).count(),
                "url": url + "?view=mine&overdue=on",
                "urgency": "overdue",
            },
        ]
    issued = committees_with_role(user, *ISSUER_ROLES)
    if issued:
        mine_issued = issued_tasks(user)
        items += [
            {
                "label": _("overdue tasks my committees issued"),
                "value": mine_issued.overdue(today).count(),
                "url": url + "?view=issued&overdue=on",
                "urgency": "overdue",
            },
            {
                "label": _("tasks reported done, waiting for acceptance"),
                "value": mine_issued.filter(state="done").count(),
                "url": url + "?view=issued&state=done",
                "urgency": "waiting",
            },
        ]
    return {
        "title": _("Committee work"),
        "items": items,
        "roles": (Role.COMMITTEE_LEADER, Role.STANDING_OFFICE, Role.OFFICER, "commune"),
    }
