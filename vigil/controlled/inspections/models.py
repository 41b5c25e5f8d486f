"""Store inspections."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.controlled.registry.models import LicensedRecord, Store
from vigil.org.scope import OwnedQuerySet


class InspectionResult(models.TextChoices):
    SATISFACTORY = "satisfactory", _("Satisfactory")
    DEFICIENCIES = "deficiencies", _("Deficiencies found")
    SUSPENDED = "suspended", _("Store suspended")


class Inspection(LicensedRecord):
    """An inspection of a store: who inspected, what they found, when the next is due."""

    store = models.ForeignKey(
        Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="inspections"
    )
    date = models.DateField(_("inspection date"))
    inspecting_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("inspecting agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.CharField(_("result"), max_length=20, choices=InspectionResult.choices)
    findings = models.TextField(_("findings"), blank=True)
    next_due = models.DateField(_("next inspection due"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.CharField(_("recorded by"), max_length=200)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("store inspection")
        verbose_name_plural = _("store inspections")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_due__isnull=True) | Q(next_due__gt=F("date")),
                name="controlled_inspection_next_after",
                violation_error_message=_("The next inspection must fall after this one."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store} {self.date:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("controlled:inspection_detail", args=[self.pk])
