"""Alerts (OASIS CAP 1.2 semantics) that every addressed agency must acknowledge.

An alert is drafted, then approved by a leader who is not its drafter (or, for
an alert a rule raised, by the system actor under that rule). Approval writes
one ``AlertDelivery`` per addressed agency or committee in the approving
transaction: the outbox the worker fans out, and the row that carries that
recipient's acknowledgement, its code and its deadline. The deliveries are
also what makes an issued alert visible to its recipients
(``recipient_agencies`` / ``recipient_committees`` run through them), so a
draft is seen by its own committee only.

An Update or a Cancel is a new alert that references the original
(``references``), as in CAP. ``AlertEvent`` (append-only) is the alert's
timeline; the escalation steps of a silent recipient are the escalation
case's events, opened on its delivery row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.core.models import AppendOnly
from vigil.org.scope import Owned, OwnedQuerySet
from vigil.situation.terms import Certainty, Severity, Urgency

if TYPE_CHECKING:
    from vigil.org.models import Agency, Committee


class CapStatus(models.TextChoices):
    ACTUAL = "Actual", _("Actual")
    EXERCISE = "Exercise", _("Exercise")
    TEST = "Test", _("Test")
    DRAFT = "Draft", _("Draft (not for action)")


class MsgType(models.TextChoices):
    ALERT = "Alert", _("Alert")
    UPDATE = "Update", _("Update")
    CANCEL = "Cancel", _("Cancel")


class CapScope(models.TextChoices):
    RESTRICTED = "Restricted", _("Restricted (the addressed agencies)")
    PRIVATE = "Private", _("Private (the addressed agencies only, by name)")


class AlertState(models.TextChoices):
    """Vigil's workflow, apart from CAP's ``status``."""

    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    WITHDRAWN = "withdrawn", _("Withdrawn draft")


class Alert(Owned):
    """One CAP message: an Alert, or an Update or Cancel of an earlier one."""

    identifier = models.CharField(_("identifier"), max_length=200, unique=True)
    sender = models.CharField(_("sender"), max_length=200)
    state = models.CharField(
        _("state"), max_length=20, choices=AlertState.choices, default=AlertState.DRAFT
    )
    cap_status = models.CharField(
        _("status"), max_length=10, choices=CapStatus.choices, default=CapStatus.ACTUAL
    )
    msg_type = models.CharField(
        _("message type"), max_length=10, choices=MsgType.choices, default=MsgType.ALERT
    )
    cap_scope = models.CharField(
        _("scope"), max_length=10, choices=CapScope.choices, default=CapScope.RESTRICTED
    )
    references = models.ForeignKey(
        "self",
        verbose_name=_("refers to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followups",
    )
    # <info>: category is always Security.
    event = models.CharField(_("event"), max_length=200)
    event_code = models.CharField(
        _("event code"), max_length=40, blank=True, help_text=_("OASIS Event Terms code.")
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    certainty = models.CharField(_("certainty"), max_length=10, choices=Certainty.choices)
    headline = models.CharField(_("headline"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    instruction = models.TextField(_("instruction"), blank=True)
    headline_en = models.CharField(_("headline (English)"), max_length=300, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    instruction_en = models.TextField(_("instruction (English)"), blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # <area>
    area_desc = models.CharField(_("area"), max_length=300, blank=True)
    communes = models.ManyToManyField(
        "core.AdminUnit", verbose_name=_("communes"), blank=True, related_name="+"
    )
    sites = models.ManyToManyField(
        "sites.KeySite", verbose_name=_("key sites"), blank=True, related_name="+"
    )
    incidents = models.ManyToManyField(
        "situation.Incident", verbose_name=_("incidents"), blank=True, related_name="alerts"
    )
    # Whom the draft addresses; approval turns each into a delivery.
    addressed_agencies = models.ManyToManyField(
        "org.Agency", verbose_name=_("addressed agencies"), blank=True, related_name="+"
    )
    addressed_committees = models.ManyToManyField(
        "org.Committee", verbose_name=_("addressed committees"), blank=True, related_name="+"
    )
    # Who received it (through the deliveries): what makes an issued alert visible.
    recipient_agencies: models.ManyToManyField[Agency, Any] = models.ManyToManyField(
        "org.Agency",
        through="AlertDelivery",
        through_fields=("alert", "agency"),
        related_name="+",
    )
    recipient_committees: models.ManyToManyField[Committee, Any] = models.ManyToManyField(
        "org.Committee",
        through="AlertDelivery",
        through_fields=("alert", "committee"),
        related_name="+",
    )
    is_exercise = models.BooleanField(_("exercise"), default=False)
    # A rule in another app raised it (a stock-count shortage): its name, and the
    # system actor approves under it.
    raised_by_rule = models.CharField(_("raised by rule"), max_length=100, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    drafted_at = models.DateTimeField(_("drafted at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_by_label = models.CharField(_("approved by"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    ack_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)

    objects = OwnedQuerySet.as_manager()

    scope_agency_fields: ClassVar[tuple[str, ...]] = ("shared_agencies", "recipient_agencies")
    scope_committee_fields: ClassVar[tuple[str, ...]] = (
        "shared_committees",
        "recipient_committees",
    )

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-drafted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_exercise=True, cap_status="Exercise")
                | (Q(is_exercise=False) & ~Q(cap_status="Exercise")),
                name="situation_alert_exercise_is_cap_exercise",
                violation_error_message=_("An exercise alert has the CAP status Exercise."),
            ),
            models.CheckConstraint(
                condition=Q(msg_type="Alert", references__isnull=True)
                | (~Q(msg_type="Alert") & Q(references__isnull=False)),
                name="situation_alert_update_references",
                violation_error_message=_("An update or a cancel refers to an earlier alert."),
            ),
            models.CheckConstraint(
                condition=~Q(state="issued") | Q(sent_at__isnull=False),
                name="situation_alert_issued_has_sent_at",
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("situation:alert_detail", kwargs={"pk": self.pk})


class AckMethod(models.TextChoices):
    BUTTON = "button", _("In Vigil")
    CODE = "code", _("By code, recorded by the standing office")
    SMS = "sms", _("By SMS reply")
    API = "api", _("Through the API")


class AlertDelivery(models.Model):
    """An issued alert to one recipient agency (or committee), and its acknowledgement.

    Written in the approving transaction, one per recipient; the worker delivers
    the alert's one notification (every delivery of an alert points to it). Acknowledged once: who, when, how, with an optional note.
    """

    alert = models.ForeignKey(
        Alert, verbose_name=_("alert"), on_delete=models.PROTECT, related_name="deliveries"
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
    created_at = models.DateTimeField(_("sent at"))
    notification = models.ForeignKey(
        "inbox.Notification",
        verbose_name=_("notification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A short code printed in the e-mail and read over the phone; unique per alert.
    ack_code = models.CharField(_("acknowledgement code"), max_length=12)
    ack_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    first_read_at = models.DateTimeField(_("first read at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ack_method = models.CharField(
        _("acknowledged how"), max_length=10, choices=AckMethod.choices, blank=True
    )
    ack_note = models.CharField(_("note"), max_length=500, blank=True)
    # Recorded by the standing office on the agency's behalf (by code): who recorded it.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert delivery")
        verbose_name_plural = _("alert deliveries")
        ordering = ["alert", "pk"]
        indexes = [models.Index(fields=["acknowledged_at", "escalated_at", "ack_due_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(agency__isnull=False, committee__isnull=True)
                | Q(agency__isnull=True, committee__isnull=False),
                name="situation_delivery_one_recipient",
            ),
            models.UniqueConstraint(
                fields=["alert", "agency"],
                condition=Q(agency__isnull=False),
                name="situation_delivery_once_per_agency",
            ),
            models.UniqueConstraint(
                fields=["alert", "committee"],
                condition=Q(committee__isnull=False),
                name="situation_delivery_once_per_committee",
            ),
            models.UniqueConstraint(
                fields=["alert", "ack_code"], name="situation_delivery_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return str(self.agency or self.committee)

    def get_absolute_url(self) -> str:
        return reverse("situation:alert_board", kwargs={"pk": self.alert_id})

    # The escalation case opened on a delivery reads these, as of any owned object.
    @property
    def classification(self) -> int:
        return self.alert.classification

    @property
    def owning_committee(self) -> object:
        return self.alert.owning_committee

    @property
    def owning_agency(self) -> object:
        return self.agency or self.alert.owning_agency


class AlertEvent(AppendOnly):
    """A step of an alert's life: drafted, approved, delivered, read, acknowledged,
    escalated, updated, cancelled, expired."""

    class Type(models.TextChoices):
        DRAFTED = "drafted", _("Drafted")
        CHANGED = "changed", _("Draft changed")
        APPROVED = "approved", _("Approved and sent")
        WITHDRAWN = "withdrawn", _("Draft withdrawn")
        READ = "read", _("Read")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ESCALATED = "escalated", _("Escalated")
        UPDATED = "updated", _("Updated")
        CANCELLED = "cancelled", _("Cancelled")

    alert = models.ForeignKey(
        Alert, verbose_name=_("alert"), on_delete=models.PROTECT, related_name="events"
    )
    type = models.CharField(_("event"), max_length=20, choices=Type.choices)
    at = models.DateTimeField(_("time"))
    delivery = models.ForeignKey(
        AlertDelivery,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("alert event")
        verbose_name_plural = _("alert events")
        ordering = ["at", "pk"]


class AckCodeAttempt(models.Model):
    """One wrong acknowledgement code: per (alert, actor) when the standing office
    records a code, per sender phone for an SMS reply. Enough of them within the
    window refuses further tries (``acknowledgement.py``), so a 6-digit code cannot
    be guessed by scripting the endpoint. Old rows are only counted, never needed."""

    key = models.CharField(_("attempt key"), max_length=120)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("wrong acknowledgement code")
        verbose_name_plural = _("wrong acknowledgement codes")
        indexes = [models.Index(fields=["key", "at"], name="situation_ackattempt_key_at")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.at:%Y-%m-%d %H:%M}"
