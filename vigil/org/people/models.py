"""Requests that wait for a second person: a clearance, a sensitive role."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vigil.core import clock
from vigil.core.audit import Actor, SystemActor, acting_user
from vigil.core.classification import Classification


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class SecondPersonRequest(models.Model):
    """What one administrator asks and a second person decides: who asked and when,
    and the decision. Neither the asker nor the user it concerns may decide it."""

    Status = RequestStatus

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note on the decision"), max_length=500, blank=True)

    class Meta:
        abstract = True

    def refuse_deciding(self, actor: Actor) -> None:
        """The two-person rule: the requester and the user concerned do not decide."""
        if not isinstance(actor, SystemActor):
            if self.requested_by_id == actor.pk:
                raise PermissionDenied(_("You cannot decide a request you made yourself."))
            if self.user_id == actor.pk:  # type: ignore[attr-defined]
                raise PermissionDenied(_("You cannot decide a request that concerns yourself."))
        if self.status != RequestStatus.PENDING:
            raise ValidationError(_("This request has already been decided."))

    def record_decision(self, actor: Actor, *, approve: bool, note: str) -> None:
        self.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
        self.decided_by = acting_user(actor)
        self.decided_at = clock.now()
        self.decision_note = note.strip()


class ClearanceRequest(SecondPersonRequest):
    """A clearance above the granting administrator's own: it waits for a
    committee leader's approval, and only approval changes the user's clearance."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="clearance_requests",
    )
    level = models.PositiveSmallIntegerField(
        _("clearance requested"), choices=Classification.choices
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("clearance request")
        verbose_name_plural = _("clearance requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="org_clearance_one_pending_per_user",
                violation_error_message=_("A clearance request for this user is already waiting."),
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="org_clearance_decided_when_not_pending",
                violation_error_message=_("A decided request records when it was decided."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_level_display()} ({self.get_status_display()})"
