"""Report figures for the home page: reports due and overdue for the user's units,
and for the receiving side the reports waiting for acceptance and the units late with
their report for each obligation's latest late period. Each links to the list of
exactly the reports it counts (the late units: the period's consolidation, which lists
every unit and its state)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.core import clock
from vigil.org.scope import Role, Viewer, committees_with_role
from vigil.work.obligations.calendar_source import own_submissions, reports_waiting
from vigil.work.obligations.models import OPEN_STATES, ReportPeriod, ReportSubmission


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
        items += late_units(user)
    return {
        "title": _("Reports"),
        "items": items,
        "roles": (Role.STANDING_OFFICE, Role.COMMITTEE_LEADER, Role.OFFICER, "commune"),
    }


def late_units(user: Any) -> list[dict[str, Any]]:
    """The units whose report is late, for each obligation the user's committees receive,
    counted in that obligation's latest period with late reports; two queries."""
    late = (
        ReportSubmission.objects.visible_to(user)
        .filter(state__in=OPEN_STATES, due_on__lt=clock.today())
        .exclude(pk__in=own_submissions(user).values("pk"))
        .values("obligation_id", "period_id")
        .annotate(units=Count("pk"))
        .order_by("-period__due_on", "-period_id")
    )
    latest: dict[int, dict[str, Any]] = {}
    for row in late:
        latest.setdefault(row["obligation_id"], row)
    periods = ReportPeriod.objects.select_related("obligation").in_bulk(
        [row["period_id"] for row in latest.values()]
    )
    items: list[dict[str, Any]] = []
    for row in latest.values():
        period = periods[row["period_id"]]
        items.append({
            "label": _("units late with %(title)s, %(period)s")
            % {"title": period.obligation.title, "period": period.label},
            "value": row["units"], "urgency": "overdue", "counts": "late_units",
            "url": reverse("work:consolidation", args=[period.pk]),
        })  # fmt: skip
    return items or [{"label": _("units late with their report"), "value": 0, "url": None}]
