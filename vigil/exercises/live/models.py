"""Exercise mode: the incidents and alerts created for an exercise while it is
conducted. The situation app only knows they are exercises (``is_exercise``); which
exercise they belong to is kept here, in link rows, so situation never imports this
app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.exercises.drills.models import Exercise


class ExerciseIncident(models.Model):
    exercise = models.ForeignKey(
        Exercise,
        verbose_name=_("exercise"),
        on_delete=models.PROTECT,
        related_name="incident_links",
    )
    incident = models.OneToOneField(
        "situation.Incident", verbose_name=_("incident"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("exercise incident")
        verbose_name_plural = _("exercise incidents")

    def __str__(self) -> str:
        return f"{self.exercise_id}: {self.incident_id}"


class ExerciseAlert(models.Model):
    exercise = models.ForeignKey(
        Exercise, verbose_name=_("exercise"), on_delete=models.PROTECT, related_name="alert_links"
    )
    alert = models.OneToOneField(
        "situation.Alert", verbose_name=_("alert"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("exercise alert")
        verbose_name_plural = _("exercise alerts")

    def __str__(self) -> str:
        return f"{self.exercise_id}: {self.alert_id}"
