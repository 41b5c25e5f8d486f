"""The summary reports on the home page: the drafts waiting to be issued (for a leader,
who issues them; for the standing office, which drafts them) and, from December, the
committees whose annual summary of the year is not drafted yet. Nothing for who neither
drafts nor issues a committee's reports.

The drafts link to the list filtered on drafts (the same rows: ``queries.drafts_for``);
the summaries still to draft to the list, which names them (``counts: "to_draft"``, its
``to_draft`` context, from the same ``queries.annual_to_draft``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.core import clock
from vigil.org.scope import Role, Viewer, committees_with_role
from vigil.reports.summaries import queries
from vigil.reports.summaries.services import KEEPERS

TITLE = _("Summary reports")


def summary_for(user: Viewer) -> dict[str, Any]:
    if not committees_with_role(user, *KEEPERS):
        return {"title": TITLE, "items": [], "roles": ()}
    reports = reverse("reports:report_list")
    leader = bool(committees_with_role(user, Role.COMMITTEE_LEADER))
    items: list[dict[str, Any]] = [
        {"label": _("report drafts waiting to be issued") if leader else _("report drafts"),
         "value": queries.drafts_for(user).count(), "url": reports + "?state=draft",
         "urgency": "waiting"},
    ]  # fmt: skip
    today = clock.today()
    missing = queries.annual_to_draft(user, today)
    if missing:
        items.append(
            {"label": _("annual summary of %(year)s not drafted yet") % {"year": today.year},
             "value": len(missing), "url": reports, "counts": "to_draft",
             "urgency": "waiting"}
        )  # fmt: skip
    return {
        "title": TITLE,
        "items": items,
        "roles": (Role.COMMITTEE_LEADER, Role.STANDING_OFFICE, "commune"),
    }
