"""Work plans, issued documents, tasks and their timeline.

The models live with their concept (documents, records, tasks, obligations); this
module imports them so that Django and the migrations see one app. Here: the audit
verbs of work and the private calendar feeds.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vigil.work.documents.models import (
    TYPE_NAMES,
    DocumentPoint,
    IncomingDocument,
    IncomingPoint,
    IssuedDocument,
    SigningForm,
    Urgency,
)
from vigil.work.obligations.models import (
    Indicator,
    NarrativeSection,
    ReportObligation,
    ReportPeriod,
    ReportSubmission,
    ReportTemplate,
)
from vigil.work.records.models import ConclusionPoint, Meeting, WorkPlan, WorkPlanItem
from vigil.work.tasks.models import Task, TaskEvent, TaskQuerySet

# The models of work's concepts, re-exported: Django and the migrations see one app.
__all__ = [
    "TYPE_NAMES",
    "CalendarFeed",
    "ConclusionPoint",
    "DocumentPoint",
    "IncomingDocument",
    "IncomingPoint",
    "Indicator",
    "IssuedDocument",
    "Meeting",
    "NarrativeSection",
    "ReportObligation",
    "ReportPeriod",
    "ReportSubmission",
    "ReportTemplate",
    "SigningForm",
    "Task",
    "TaskEvent",
    "TaskQuerySet",
    "Urgency",
    "WorkAction",
    "WorkPlan",
    "WorkPlanItem",
]


class WorkAction(models.TextChoices):
    DOCUMENT_ISSUED = "work.document.issued", _("Document issued")
    TASK_ASSIGNED = "work.task.assigned", _("Task assigned")
    TASK_UPDATED = "work.task.updated", _("Task changed")
    TASK_ACKNOWLEDGED = "work.task.acknowledged", _("Task acknowledged")
    TASK_PROGRESS = "work.task.progress", _("Task progress reported")
    TASK_DONE = "work.task.done", _("Task reported done")
    TASK_ACCEPTED = "work.task.accepted", _("Task accepted")
    TASK_RETURNED = "work.task.returned", _("Task returned")
    TASK_CANCELLED = "work.task.cancelled", _("Task cancelled")
    MEETING_RECORDED = "work.meeting.recorded", _("Meeting recorded")
    PLAN_CREATED = "work.plan.created", _("Work plan created")
    INCOMING_REGISTERED = "work.incoming.registered", _("Incoming document registered")
    INCOMING_ASSIGNED = "work.incoming.assigned", _("Incoming document assigned for handling")
    INCOMING_POINTS_ADDED = "work.incoming.points_added", _("Points of an incoming document added")
    DOCUMENT_EXPORTED = "work.document.exported", _("Document exported as edXML")
    DOCUMENT_EXPORT_REFUSED = (
        "work.document.export_refused",
        _("Export of a classified document as edXML refused"),
    )
    FEED_CREATED = "work.calendar_feed.created", _("Private calendar feed created")
    FEED_REVOKED = "work.calendar_feed.revoked", _("Private calendar feed revoked")


class CalendarFeed(models.Model):
    """A user's private iCalendar feed: the URL carries a random token, stored hashed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="calendar_feeds",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="work_one_live_feed_per_user",
                violation_error_message=_("This user already has a live calendar feed."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.created_at:%d/%m/%Y}"
