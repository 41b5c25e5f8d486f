"""The work app's figures for the home page: my agency's open and overdue tasks,
and the tasks my committees issued that wait for acceptance.

The obligations engineer adds "reports due" here."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.core import clock
from vigil.org.scope import committees_with_role, scope_for
from vigil.work.models import Task

ISSUER_ROLES = ("standing_office", "committee_leader")


def summary_for(user: Any) -> dict[str, Any]:
    tasks = Task.objects.visible_to(user)
    mine = tasks.filter(assignee_id__in=scope_for(user).agency_ids, state__in=Task.OPEN_STATES)
    today = clock.today()
    items: list[dict[str, Any]] = [
        {
            "label": _("open tasks of my agency"),
            "value": mine.count(),
            "url": reverse("work:task_list") + "?view=mine&open=on",
        },
        {
            "label": _("of them overdue"),
            "value": mine.filter(deadline__lt=today).count(),
            "url": reverse("work:task_list") + "?view=mine&overdue=on",
        },
    ]
    issued = committees_with_role(user, *ISSUER_ROLES)
    if issued:
        items.append(
            {
                "label": _("tasks reported done, waiting for acceptance"),
                "value": tasks.filter(owning_committee_id__in=issued, state="done").count(),
                "url": reverse("work:task_list") + "?view=issued&state=done",
            }
        )
    return {"title": _("Committee work"), "items": items}
