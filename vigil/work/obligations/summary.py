"""Report figures for the home page: reports due and overdue for the user's units,
and for the issuing side the reports waiting for acceptance."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.core import clock
from vigil.work.obligations.calendar_source import own_submissions
from vigil.work.obligations.models import OPEN_STATES, ReportSubmission, SubmissionState


def summary_for(user: Any) -> dict[str, Any]:
    today = clock.today()
    due = own_submissions(user).filter(state__in=OPEN_STATES)
    waiting = (
        ReportSubmission.objects.visible_to(user)
        .filter(state=SubmissionState.SUBMITTED)
        .exclude(pk__in=own_submissions(user).values("pk"))
    )
    url = reverse("work:reports_due")
    return {
        "title": _("Reports"),
        "items": [
            {"label": _("Reports due"), "value": due.count(), "url": url},
            {"label": _("Reports overdue"), "value": due.filter(due_on__lt=today).count(),
             "url": url},
            {"label": _("Reports waiting for acceptance"), "value": waiting.count(),
             "url": reverse("work:obligation_list")},
        ],
    }  # fmt: skip
