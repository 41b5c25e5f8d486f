"""Task deadlines: reminders before, escalation after, and the calendar source.

The sweep is idempotent: a reminder row is unique per (task, rule, threshold)
and an open escalation case is found again rather than opened twice, so a
sweep run twice, or by two workers, sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.core import workdays
from vigil.core.calendar import CalendarItem
from vigil.inbox import escalation
from vigil.inbox.models import EscalationCase
from vigil.inbox.services import remind_once
from vigil.org.scope import Viewer
from vigil.work.models import Meeting, Task

RULE = "work.task_deadline"
# Working days before the deadline at which the assignee is reminded (0: due today).
THRESHOLDS = (3, 1, 0)
# Calendar days searched ahead: 3 working days can span Tết and a weekend.
HORIZON = dt.timedelta(days=21)


def _message(task: Task, days_left: int) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        if days_left == 0:
            return _("Task due today: %(title)s") % {"title": task.title}
        return _("Task due on %(date)s (%(days)d working days left): %(title)s") % {
            "date": task.deadline.strftime("%d/%m/%Y"),
            "days": days_left,
            "title": task.title,
        }


def remind_due(now: dt.datetime) -> int:
    """Reminders to the assignee agency before the deadline; returns how many were sent."""
    today = timezone.localdate(now)
    due = (
        Task.objects.filter(
            state__in=Task.OPEN_STATES, deadline__gte=today, deadline__lte=today + HORIZON
        )
        .select_related("assignee")
        .order_by("pk")
    )
    sent = 0
    for task in due:
        days_left = workdays.working_days_between(today, task.deadline)
        if days_left > max(THRESHOLDS):
            continue
        threshold = min(t for t in THRESHOLDS if days_left <= t)
        if remind_once(
            task, rule=RULE, threshold=f"{threshold}wd", recipients=task.assignee,
            message=_message(task, days_left), now=now,
        ):  # fmt: skip
            sent += 1
    return sent


def escalate_overdue(now: dt.datetime) -> int:
    """Open an escalation case on every open task past its deadline; returns how many opened."""
    today = timezone.localdate(now)
    ct = ContentType.objects.get_for_model(Task)
    already = set(
        EscalationCase.objects.filter(
            about_type=ct, kind="task", resolved_at__isnull=True
        ).values_list("about_id", flat=True)
    )
    overdue = Task.objects.overdue(today).select_related("owning_committee", "assignee")
    opened = 0
    for task in overdue.order_by("pk").iterator():
        if str(task.pk) in already:
            continue
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic(durable=True):
            subject = _("Overdue task of %(agency)s: %(title)s (due %(date)s)") % {
                "agency": task.assignee.name,
                "title": task.title,
                "date": task.deadline.strftime("%d/%m/%Y"),
            }
            created = escalation.open_case_once(
                task, kind="task", subject=subject, committee=task.owning_committee,
                agency=task.assignee, opened_at=now,
            )[1]  # fmt: skip
        # Another sweep opened it since ``already`` was read: its case, not ours.
        opened += created
    return opened


def sweep_task_deadlines(now: dt.datetime) -> dict[str, int]:
    return {"reminded": remind_due(now), "escalated": escalate_overdue(now)}


def task_calendar_items(user: Viewer, start: dt.date, end: dt.date) -> Iterable[CalendarItem]:
    tasks = (
        Task.objects.visible_to(user)
        .filter(deadline__gte=start, deadline__lte=end)
        .select_related("assignee")
        .order_by("deadline", "pk")
    )
    for task in tasks:
        yield CalendarItem(
            uid=f"task-{task.pk}@vigil",
            kind="task",
            title=f"{task.title} — {task.assignee.name}",
            url=task.get_absolute_url(),
            start=task.deadline,
            classification=task.classification,
        )


def meeting_calendar_items(user: Viewer, start: dt.date, end: dt.date) -> Iterable[CalendarItem]:
    meetings = (
        Meeting.objects.visible_to(user)
        .filter(held_on__gte=start, held_on__lte=end)
        .order_by("held_on", "pk")
    )
    for meeting in meetings:
        yield CalendarItem(
            uid=f"meeting-{meeting.pk}@vigil",
            kind="meeting",
            title=meeting.title,
            url=meeting.get_absolute_url(),
            start=meeting.held_on,
            classification=meeting.classification,
        )
