"""Report due dates on the work calendar: the user's units' reports, and for the
issuing side each period's due day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from vigil.core.calendar import CalendarItem
from vigil.org.models import Role
from vigil.org.scope import Viewer, scope_for
from vigil.work.obligations.models import ReportPeriod, ReportSubmission, SubmissionState

AGENCY_WRITERS = (Role.OFFICER, Role.AGENCY_HEAD)
COMMITTEE_WRITERS = (Role.STANDING_OFFICE, Role.COMMITTEE_LEADER)


def own_submissions(user: Viewer) -> Any:
    """The reports the user writes for their units (not every report they may read): an
    agency's as its officer or head, a committee's as its standing office or leader."""
    scope = scope_for(user)
    agencies = {a for role, a, c, _p in scope.roles if c is None and role in AGENCY_WRITERS}
    committees = {c for role, _a, c, _p in scope.roles if c and role in COMMITTEE_WRITERS}
    return ReportSubmission.objects.visible_to(user).filter(
        Q(agency_id__in=agencies) | Q(committee_id__in=committees)
    )


def reports_waiting(user: Viewer) -> Any:
    """Reports the user's committees receive that were sent and wait for acceptance."""
    return (
        ReportSubmission.objects.visible_to(user)
        .filter(state=SubmissionState.SUBMITTED)
        .exclude(pk__in=own_submissions(user).values("pk"))
    )


def report_items(user: Viewer, start: dt.date, end: dt.date) -> Iterable[CalendarItem]:
    subs = (
        own_submissions(user)
        .filter(due_on__gte=start, due_on__lte=end)
        .select_related("obligation", "period", "agency", "committee")
    )
    for sub in subs:
        yield CalendarItem(
            uid=f"report-{sub.pk}@vigil",
            kind="report",
            title=_("Report due: %(title)s, %(period)s (%(unit)s)")
            % {"title": sub.obligation.title, "period": sub.period.label, "unit": sub.unit_name},
            url=sub.get_absolute_url(),
            start=sub.due_on,
            classification=sub.obligation.classification,
        )
    periods = (
        ReportPeriod.objects.visible_to(user)
        .filter(due_on__gte=start, due_on__lte=end)
        .select_related("obligation")
    )
    for period in periods:
        yield CalendarItem(
            uid=f"report-period-{period.pk}@vigil",
            kind="report",
            title=_("Reports due from units: %(title)s, %(period)s")
            % {"title": period.obligation.title, "period": period.label},
            url=period.get_absolute_url(),
            start=period.due_on,
            classification=period.obligation.classification,
        )
