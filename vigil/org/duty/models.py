"""The duty roster's rows: who is on duty for an agency, and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from vigil.org.scope import Owned, OwnedQuerySet


class DutyShift(Owned):
    """Who is on duty for an agency from when to when, and the phone to call.

    An agency's shifts never overlap (the service checks it under a lock on the
    agency), so at any moment an agency has at most one duty officer: alerts and
    escalations address that officer first."""

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="duty_shifts"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("duty officer"),
        on_delete=models.PROTECT,
        related_name="duty_shifts",
    )
    phone = models.CharField(_("duty phone"), max_length=40)
    starts_at = models.DateTimeField(_("on duty from"))
    ends_at = models.DateTimeField(_("on duty until"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["agency", "starts_at"]
        indexes = [models.Index(fields=["agency", "starts_at"], name="org_duty_agency_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="org_duty_shift_ends_after_start",
                violation_error_message=_("A duty shift must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.officer} {self.starts_at:%d/%m/%Y %H:%M}"
