"""Chasing reports: reminders before the due day, escalation of the late units.

The sweep ``work.reports.chase`` (every 30 minutes) calls ``chase_reports``.
Both halves are idempotent: a reminder row is unique per (report, rule,
threshold); an open escalation case is found again, not opened twice; the case
closes when the unit submits (``submissions.submit``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.work.obligations.models import OPEN_STATES, ReportSubmission
from vigil.work.obligations.services import CASE_KIND
from vigil.work.obligations.submissions import unit_recipient

REMIND_AT = (3, 1)  # working days before the due day
HORIZON = dt.timedelta(days=30)


def chase_reports(now: dt.datetime) -> int:
    """The sweep: remind units whose report falls due soon, escalate the late ones.

    Both are idempotent: a reminder row is unique per (report, rule, threshold);
    an open escalation case is found again, not opened twice."""
    from vigil.core import workdays
    from vigil.inbox.escalation import open_case
    from vigil.inbox.services import remind_once

    today = timezone.localdate(now)
    acted = 0
    pending = (
        ReportSubmission.objects.filter(state__in=OPEN_STATES, due_on__lte=today + HORIZON)
        .select_related("obligation", "period", "agency", "committee", "owning_committee")
        .order_by("due_on", "pk")
    )
    left_cache: dict[dt.date, int] = {}
    for sub in pending.iterator(chunk_size=500):
        if sub.due_on < today:
            standing = sub.committee.standing_agency if sub.committee else None
            agency = sub.agency or standing or sub.owning_agency
            subject = _("Late report: %(unit)s — %(title)s, %(period)s (due %(due)s)") % {
                "unit": sub.unit_name, "title": sub.obligation.title,
                "period": sub.period.label, "due": sub.due_on.strftime("%d/%m/%Y"),
            }  # fmt: skip
            with transaction.atomic(durable=True):
                case = open_case(
                    sub, kind=CASE_KIND, subject=subject, committee=sub.owning_committee,
                    agency=agency, opened_at=now,
                )  # fmt: skip
            acted += int(case.opened_at == now)
            continue
        if sub.due_on not in left_cache:
            left_cache[sub.due_on] = workdays.working_days_between(today, sub.due_on)
        left = left_cache[sub.due_on]
        threshold = next((n for n in sorted(REMIND_AT) if left <= n), None)
        if threshold is None:
            continue
        sent = remind_once(
            sub, rule="report_due", threshold=f"{threshold}wd", recipients=unit_recipient(sub),
            message=_("Report due on %(due)s: %(title)s, %(period)s")
            % {"due": sub.due_on.strftime("%d/%m/%Y"), "title": sub.obligation.title,
               "period": sub.period.label},
            now=now,
        )  # fmt: skip
        acted += sent is not None
    return acted
