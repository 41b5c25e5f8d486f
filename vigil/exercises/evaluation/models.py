"""What an exercise taught: findings, and the corrective actions that close them.

A finding is a strength or an area for improvement. Each area for improvement
becomes one or more corrective actions; a corrective action *is* a task of the work
app (one agency, a due date, reminders, escalation, acceptance, the scorecard) and
this row links it to its finding, the plan or capability it improves. A finding may
mark the tested plan "revision required" (the sites app's flag, cleared by the
plan's next approved version).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vigil.exercises.drills.models import Capability, Exercise, Objective
from vigil.org.scope import Viewer


class FindingKind(models.TextChoices):
    STRENGTH = "strength", _("Strength")
    IMPROVEMENT = "improvement", _("Area for improvement")


class FindingQuerySet(models.QuerySet["Finding"]):
    def visible_to(self, user: Viewer) -> FindingQuerySet:
        """A finding is seen with its exercise."""
        return self.filter(exercise__in=Exercise.objects.visible_to(user).values("pk"))


class Finding(models.Model):
    exercise = models.ForeignKey(
        Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE, related_name="findings"
    )
    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FindingKind.choices)
    text = models.TextField(_("finding"))
    capability = models.CharField(
        _("capability"), max_length=30, choices=Capability.choices, blank=True
    )
    plan = models.ForeignKey(
        "sites.Plan",
        verbose_name=_("plan concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requires_revision = models.BooleanField(_("the plan must be revised"), default=False)
    created_at = models.DateTimeField(_("recorded at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by_label = models.CharField(_("recorded by"), max_length=200, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["exercise", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requires_revision=False) | Q(plan__isnull=False, kind="improvement"),
                name="exercises_finding_revision_names_plan",
                violation_error_message=_(
                    "Only an area for improvement about a plan can require its revision."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class CorrectiveActionQuerySet(models.QuerySet["CorrectiveAction"]):
    def visible_to(self, user: Viewer) -> CorrectiveActionQuerySet:
        """A corrective action is seen with its exercise, and by the agency that must
        carry it out (with its task)."""
        from vigil.work.tasks.models import Task

        return self.filter(
            Q(exercise__in=Exercise.objects.visible_to(user).values("pk"))
            | Q(task__in=Task.objects.visible_to(user).values("pk"))
        )


class CorrectiveAction(models.Model):
    """The link from a finding to the task that carries out its improvement."""

    exercise = models.ForeignKey(
        Exercise,
        verbose_name=_("exercise"),
        on_delete=models.CASCADE,
        related_name="corrective_actions",
    )
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("finding"),
        on_delete=models.PROTECT,
        related_name="corrective_actions",
    )
    task = models.OneToOneField(
        "work.Task", verbose_name=_("task"), on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        "sites.Plan",
        verbose_name=_("plan it improves"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    capability = models.CharField(
        _("capability it improves"), max_length=30, choices=Capability.choices, blank=True
    )
    created_at = models.DateTimeField(_("created at"))

    objects = CorrectiveActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["exercise", "pk"]

    def __str__(self) -> str:
        return f"{self.exercise_id}: {self.task_id}"
