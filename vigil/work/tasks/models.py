"""Tasks: what one agency must do by when, and the timeline of each.

A document's points become tasks, one per agency (fan-out), each with its own
state. Tasks are about agencies' work, never about individuals.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, cast

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.core import clock
from vigil.core.expressions import DaysBetween
from vigil.org.scope import Owned, OwnedQuerySet, Viewer
from vigil.work.documents.models import DocumentPoint, IncomingPoint, IssuedDocument
from vigil.work.records.models import ConclusionPoint, WorkPlanItem


class TaskQuerySet(OwnedQuerySet["Task"]):
    def visible_to(self, user: Viewer) -> TaskQuerySet:
        """The one scope rule, typed as a task queryset so that the filters below chain."""
        return cast(TaskQuerySet, super().visible_to(user))

    def open(self) -> TaskQuerySet:
        return self.filter(state__in=Task.OPEN_STATES)

    def overdue(self, today: dt.date | None = None) -> TaskQuerySet:
        """Open and past their deadline (``today``: the project's clock by default)."""
        return self.filter(state__in=Task.OPEN_STATES, deadline__lt=today or clock.today())

    def mine(self, user: Viewer) -> TaskQuerySet:
        """A liaison's "my tasks": those assigned to one of the user's agencies that the
        user may see (``visible_through`` the assignee; an index serves it)."""
        return self.visible_through(user, "assignee")  # type: ignore[return-value]


class Task(Owned):
    """What one agency must do by when: fanned out, one row per agency."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Reported done")
        ACCEPTED = "accepted", _("Accepted")
        CANCELLED = "cancelled", _("Cancelled")

    class Priority(models.IntegerChoices):
        LOW = 0, _("Low")
        NORMAL = 1, _("Normal")
        HIGH = 2, _("High")
        URGENT = 3, _("Urgent")

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead agency")
        SUPPORT = "support", _("Supporting agency")

    OPEN_STATES: ClassVar[tuple[str, ...]] = ("assigned", "acknowledged", "in_progress")
    FINISHED_STATES: ClassVar[tuple[str, ...]] = ("done", "accepted")

    document = models.ForeignKey(
        IssuedDocument,
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    point = models.ForeignKey(
        DocumentPoint,
        verbose_name=_("point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    plan_item = models.ForeignKey(
        WorkPlanItem,
        verbose_name=_("work plan item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    conclusion = models.ForeignKey(
        ConclusionPoint,
        verbose_name=_("meeting conclusion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    incoming_point = models.ForeignKey(
        IncomingPoint,
        verbose_name=_("point of an incoming document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    batch = models.UUIDField(_("assignment"), db_index=True, editable=False)
    assignee = models.ForeignKey(
        "org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEAD)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    assigned_on = models.DateField(_("assigned on"))
    deadline = models.DateField(_("deadline"))
    deadline_working_days = models.PositiveSmallIntegerField(
        _("deadline in working days"), null=True, blank=True
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.ASSIGNED
    )
    # Optimistic concurrency: every write is UPDATE … WHERE version = n.
    version = models.PositiveIntegerField(_("version"), default=1)
    done_on = models.DateField(_("reported done on"), null=True, blank=True)
    # Whole days from the deadline to ``done_on`` (negative: early), NULL until done.
    # Written with ``done_on`` and ``deadline`` (services._save), held to them by a
    # constraint: the scorecard counts from an index that holds it. (A generated column
    # would do, but SQLite does not read a generated column from a covering index.)
    days_late = models.IntegerField(_("days late"), null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    return_reason = models.TextField(_("reason last returned"), blank=True)
    # Reported done only with evidence: an attachment, or a reference in the note (a
    # corrective action of an exercise is such a task).
    evidence_required = models.BooleanField(_("evidence required to close"), default=False)
    created_at = models.DateTimeField(_("created at"))

    objects = TaskQuerySet.as_manager()
    scope_agency_fields: ClassVar[tuple[str, ...]] = ("shared_agencies", "assignee")

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(
                fields=["assignee", "state", "deadline", "classification"],
                name="work_task_assignee_idx",
            ),
            # Covers the committee's lists and their counts (overdue: open, deadline past).
            models.Index(
                fields=["owning_committee", "state", "deadline", "classification"],
                name="work_task_committee_idx",
            ),
            models.Index(fields=["state", "deadline"], name="work_task_state_deadline_idx"),
            # Lists are ordered by deadline: with it the first page is read in order and
            # stops after 50 rows instead of sorting every visible task.
            models.Index(fields=["deadline", "id"], name="work_task_deadline_idx"),
            # The scorecard and the committee's lists read only this index (it covers
            # them), in its order, so grouping needs no sort.
            models.Index(
                fields=[
                    "owning_committee",
                    "assignee",
                    "state",
                    "days_late",
                    "deadline",
                    "classification",
                ],
                name="work_task_scorecard_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_on__isnull=True, days_late__isnull=True)
                | Q(
                    done_on__isnull=False,
                    days_late__isnull=False,
                    days_late=DaysBetween("done_on", "deadline"),
                ),
                name="work_task_days_late_kept",
                violation_error_message=_(
                    "The days late must be the days from the deadline to the day reported done."
                ),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("assigned_on")),
                name="work_task_deadline_after_assignment",
                violation_error_message=_("The deadline cannot be before the date of issue."),
            ),
            models.UniqueConstraint(
                fields=["batch", "assignee"],
                name="work_task_one_per_agency",
                violation_error_message=_("This agency already has this task."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.assignee}"

    def get_absolute_url(self) -> str:
        return reverse("work:task_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class TaskEvent(models.Model):
    """One entry of a task's timeline, written with the change it records."""

    class Type(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        UPDATED = "updated", _("Changed")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        PROGRESS = "progress", _("Progress report")
        DONE = "done", _("Reported done")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")
        CANCELLED = "cancelled", _("Cancelled")

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="events"
    )
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("by"), max_length=200)
    on_behalf_of = models.CharField(
        _("on behalf of"),
        max_length=300,
        blank=True,
        help_text=_("An acting approver: the post they signed for, e.g. KT. Trưởng ban."),
    )
    state_after = models.CharField(_("state after"), max_length=20, choices=Task.State.choices)
    note = models.TextField(_("note"), blank=True)
    attachment_ids = models.JSONField(_("attachments"), default=list, blank=True)

    class Meta:
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        ordering = ["task", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.get_type_display()}"
