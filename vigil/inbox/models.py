"""Notifications (the outbox and the inbox), reminders and the escalation policy.

A notification is written in the caller's transaction with the targets it was
addressed to (users, agencies, committees, or a role in one of them). The
worker fans it out to one ``InboxEntry`` per member user, exactly once (unique
per notification and user), and mails each entry at least once. Both steps
claim their rows with compare-and-swap and a lease, so work a dead worker held
is taken up again once the lease runs out.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vigil.core.classification import Classification
from vigil.core.models import AppendOnly


class InboxAction(models.TextChoices):
    NOTIFICATION_DELIVERED = "notification.delivered", _("Notification delivered to inboxes")
    NOTIFICATION_READ = "notification.read", _("Notification marked read")
    NOTIFICATIONS_ALL_READ = "notification.all_read", _("All notifications marked read")
    CASE_ESCALATED = "escalation.step", _("Escalation step taken")
    POLICY_SET = "escalation_policy.set", _("Escalation policy set")


class Kind(models.TextChoices):
    INFO = "info", _("Information")
    TASK = "task", _("Task")
    ALERT = "alert", _("Alert")
    PLAN_REVIEW = "plan_review", _("Plan review")
    LICENCE = "licence", _("Licence")
    REPORT = "report", _("Report")
    REMINDER = "reminder", _("Reminder")
    ESCALATION = "escalation", _("Escalation")


class AboutObject(models.Model):
    """A generic reference to the object something is about (any app's model)."""

    about_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    about_id = models.CharField(_("object id"), max_length=64, blank=True)

    class Meta:
        abstract = True

    @property
    def about(self) -> Any:
        if self.about_type_id is None:
            return None
        model = self.about_type.model_class()  # type: ignore[union-attr]
        return model._default_manager.filter(pk=self.about_id).first() if model else None


class Notification(AboutObject):
    """One message to some recipients: the outbox row of its fan-out."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INFO)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.UNCLASSIFIED
    )
    owning_committee = models.ForeignKey(
        "org.Committee",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    # Outbox state of the fan-out to inboxes.
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    # The worker process holding the lease (``vigil.core.leases.holder``).
    claimed_by = models.CharField(_("claimed by"), max_length=120, blank=True, editable=False)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["claimed_until"],
                condition=Q(delivered_at__isnull=True),
                name="inbox_notification_pending_idx",
            ),
            # The worker's claim takes the oldest undelivered first (ORDER BY id LIMIT):
            # in id order over the undelivered alone, not a scan of every one delivered.
            models.Index(
                fields=["id"],
                condition=Q(delivered_at__isnull=True),
                name="inbox_notification_next_idx",
            ),
            models.Index(fields=["about_type", "about_id"], name="inbox_notification_about_idx"),
        ]

    def __str__(self) -> str:
        return self.subject


class NotificationTarget(models.Model):
    """To whom a notification was addressed, as the sender named them.

    An agency means its members (every user with a current role in it, or only
    ``role`` when given); a committee means the holders of committee-wide roles
    in it (committee leaders and the standing office, or only ``role``).
    """

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    committee = models.ForeignKey(
        "org.Committee",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("notification recipient")
        verbose_name_plural = _("notification recipients")
        ordering = ["notification", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(user__isnull=False, agency__isnull=True, committee__isnull=True)
                    | Q(user__isnull=True, agency__isnull=False, committee__isnull=True)
                    | Q(user__isnull=True, agency__isnull=True, committee__isnull=False)
                ),
                name="inbox_target_exactly_one",
                violation_error_message=_(
                    "A recipient is exactly one of a user, an agency or a committee."
                ),
            )
        ]

    def __str__(self) -> str:
        return str(self.user or self.agency or self.committee)


class InboxEntryQuerySet(models.QuerySet["InboxEntry"]):
    def of(self, user: Any) -> InboxEntryQuerySet:
        """``user``'s entries they may still read: a clearance lowered since delivery
        hides what it no longer covers."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user, notification__classification__lte=user.clearance)


class InboxEntry(models.Model):
    """A notification in one user's inbox; also the outbox row of its e-mail."""

    class EmailState(models.TextChoices):
        NONE = "none", _("No e-mail")
        PENDING = "pending", _("To send")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="inbox_entries",
    )
    created_at = models.DateTimeField(_("delivered at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_state = models.CharField(
        _("e-mail"), max_length=10, choices=EmailState.choices, default=EmailState.NONE
    )
    email_sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    claimed_by = models.CharField(_("claimed by"), max_length=120, blank=True, editable=False)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)

    objects = InboxEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("inbox entry")
        verbose_name_plural = _("inbox entries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "user"],
                name="inbox_entry_once_per_user",
                violation_error_message=_("This user already has this notification."),
            )
        ]
        indexes = [
            # The header's unread count: one index-only count per page.
            models.Index(
                fields=["user", "-created_at", "-id"],
                condition=Q(read_at__isnull=True),
                name="inbox_unread_idx",
            ),
            models.Index(fields=["user", "-created_at", "-id"], name="inbox_entry_user_idx"),
            models.Index(
                fields=["claimed_until"],
                condition=Q(email_state="pending"),
                name="inbox_email_pending_idx",
            ),
            # The e-mail claim, oldest pending first: the pending alone, in id order.
            models.Index(
                fields=["id"], condition=Q(email_state="pending"), name="inbox_email_next_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.notification}"


class Reminder(AboutObject):
    """That a reminder was sent: unique per (object, rule, threshold).

    A sweep that finds the same due object again inserts the same row, which
    the constraint refuses, so nothing is sent twice.
    """

    rule = models.CharField(_("rule"), max_length=100)
    threshold = models.CharField(_("threshold"), max_length=100)
    sent_at = models.DateTimeField(_("sent at"))
    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["about_type", "about_id", "rule", "threshold"],
                name="inbox_reminder_once",
                violation_error_message=_("This reminder has already been sent."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule}/{self.threshold} {self.about_id}"


# --- Escalation


class CaseKind(models.TextChoices):
    TASK = "task", _("Task")
    ALERT = "alert", _("Alert")
    PLAN_REVIEW = "plan_review", _("Plan review")
    LICENCE = "licence", _("Licence")


class StepTarget(models.TextChoices):
    DUTY_OFFICER = "duty_officer", _("The agency's duty officer")
    AGENCY_HEAD = "agency_head", _("The agency's head")
    STANDING_OFFICE = "standing_office", _("The committee's standing office")


class EscalationPolicy(models.Model):
    """How a kind of case escalates in a committee (no committee: the default)."""

    committee = models.ForeignKey(
        "org.Committee",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the default for every committee without its own policy."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    working_time = models.BooleanField(
        _("count working days only"),
        default=True,
        help_text=_("Delays stop over weekends and holidays; alerts usually count every hour."),
    )

    class Meta:
        verbose_name = _("escalation policy")
        verbose_name_plural = _("escalation policies")
        ordering = ["committee", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "kind"],
                name="inbox_policy_once_per_committee",
                violation_error_message=_("This committee already has a policy for this kind."),
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(committee__isnull=True),
                name="inbox_policy_one_default",
                violation_error_message=_("There is already a default policy for this kind."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.committee or _('default')}"


class EscalationStep(models.Model):
    policy = models.ForeignKey(
        EscalationPolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    after = models.DurationField(_("after"), help_text=_("From the moment the case opened."))
    target = models.CharField(_("to whom"), max_length=20, choices=StepTarget.choices)

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["policy", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "order"],
                name="inbox_step_order_unique",
                violation_error_message=_("Two steps of a policy cannot have the same order."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.after} → {self.get_target_display()}"


class EscalationCase(AboutObject):
    """Something that escalates until it is resolved (an alert until acknowledged, ...)."""

    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    committee = models.ForeignKey(
        "org.Committee", verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True)
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.UNCLASSIFIED
    )
    opened_at = models.DateTimeField(_("opened at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    next_step = models.PositiveSmallIntegerField(_("next step"), default=1)
    next_due_at = models.DateTimeField(_("next step due"), null=True, blank=True)

    class Meta:
        verbose_name = _("escalation case")
        verbose_name_plural = _("escalation cases")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["about_type", "about_id", "kind"],
                condition=Q(resolved_at__isnull=True),
                name="inbox_case_one_open",
                violation_error_message=_("This object already has an open case of this kind."),
            )
        ]
        indexes = [
            models.Index(
                fields=["next_due_at"],
                condition=Q(resolved_at__isnull=True),
                name="inbox_case_due_idx",
            )
        ]

    def __str__(self) -> str:
        return self.subject


class EscalationEvent(AppendOnly):
    """One entry of a case's timeline: opened, a step taken, resolved. Never changed."""

    class Type(models.TextChoices):
        OPENED = "opened", _("Opened")
        STEP = "step", _("Escalated")
        RESOLVED = "resolved", _("Resolved")

    case = models.ForeignKey(
        EscalationCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="events"
    )
    type = models.CharField(_("event"), max_length=10, choices=Type.choices)
    step = models.PositiveSmallIntegerField(_("step"), null=True, blank=True)
    target = models.CharField(_("to whom"), max_length=20, choices=StepTarget.choices, blank=True)
    at = models.DateTimeField(_("time"))
    recipient_label = models.CharField(_("recipient"), max_length=300, blank=True)
    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("escalation event")
        verbose_name_plural = _("escalation events")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "step"],
                condition=Q(type="step"),
                name="inbox_event_step_once",
                violation_error_message=_("This step has already been taken."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.at:%d/%m/%Y %H:%M}"
