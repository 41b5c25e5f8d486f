"""Trainings (*tập huấn*): topic, dates, place, the organising agency, and the
audience agencies with how many took part. Counts only: no lists of trainees.
Materials are attachments."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.org.scope import Owned, OwnedQuerySet

if TYPE_CHECKING:
    from vigil.org.models import Agency


class TrainingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Training(Owned):
    """One training; the owning agency organises it."""

    topic = models.CharField(_("topic"), max_length=300)
    description = models.TextField(_("content"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    commune = models.ForeignKey(
        "core.AdminUnit",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    trainer_unit = models.CharField(_("trainer unit"), max_length=300, blank=True)
    audience_agencies: models.ManyToManyField[Agency, TrainingAudience] = models.ManyToManyField(
        "org.Agency",
        verbose_name=_("audience agencies"),
        through="TrainingAudience",
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TrainingStatus.choices, default=TrainingStatus.PLANNED
    )
    cancel_reason = models.TextField(_("why it was cancelled"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = OwnedQuerySet.as_manager()
    scope_agency_fields: ClassVar[tuple[str, ...]] = ("shared_agencies", "audience_agencies")

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-starts_on", "-pk"]
        indexes = [
            models.Index(
                fields=["owning_committee", "starts_on", "status", "classification"],
                name="exercises_training_year_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="exercises_training_ends_after_start",
                violation_error_message=_("A training cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("exercises:training_detail", args=[self.pk])


class TrainingAudience(models.Model):
    """An agency trained, and how many of its people: a count, never names."""

    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="audience"
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    participants = models.IntegerField(_("participants"), default=0)

    class Meta:
        verbose_name = _("audience agency")
        verbose_name_plural = _("audience agencies")
        ordering = ["training", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "agency"],
                name="exercises_audience_once",
                violation_error_message=_("This agency is already in the audience."),
            ),
            models.CheckConstraint(
                condition=Q(participants__gte=0),
                name="exercises_audience_participants",
                violation_error_message=_("Counts cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} ({self.participants})"
