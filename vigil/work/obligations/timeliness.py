"""How punctually agencies or committees sent the periodic reports asked of them in a
year: their reports due in the year (up to today) and those submitted by the due
day. Read through the scope rule; counts only. The commendations of the reports app
cite it as evidence (the reports-due list shows the same reports)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from vigil.core import clock
from vigil.org.scope import Viewer
from vigil.work.obligations.models import ReportSubmission, SubmissionState


@dataclass(frozen=True)
class Punctuality:
    expected: int
    on_time: int
    classification: int = 0


def punctuality(
    viewer: Viewer,
    year: int,
    *,
    agencies: Collection[int] = (),
    committees: Collection[int] = (),
) -> Punctuality:
    """The visible reports of ``agencies`` or ``committees`` due in ``year`` (and by
    today); on time = submitted (Vietnam day) no later than the due day."""
    today = clock.today()
    last = min(dt.date(year, 12, 31), today)
    reports = ReportSubmission.objects.visible_to(viewer).filter(
        Q(agency_id__in=agencies) | Q(committee_id__in=committees),
        due_on__gte=dt.date(year, 1, 1), due_on__lte=last,
    )  # fmt: skip
    expected = on_time = level = 0
    sent = (SubmissionState.SUBMITTED, SubmissionState.ACCEPTED)
    for due_on, state, submitted_at, classification in reports.values_list(
        "due_on", "state", "submitted_at", "classification"
    ):
        expected += 1
        level = max(level, classification)
        if (state in sent and submitted_at is not None
                and timezone.localtime(submitted_at).date() <= due_on):  # fmt: skip
            on_time += 1
    return Punctuality(expected, on_time, level)
