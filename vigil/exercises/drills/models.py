"""Exercises (*diễn tập*): what is tested, who takes part, and the objectives rated.

An exercise tests plans and key sites of its committee. Its life is planned →
conducted → evaluated → closed (or cancelled before it is conducted). Participating
agencies are named with counts of people and equipment: never lists of people.
The word "drill" names the concept package; HSEEP's "drill" is one of its types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.org.scope import Owned, OwnedQuerySet, Viewer

if TYPE_CHECKING:
    from vigil.org.models import Agency


class ExerciseType(models.TextChoices):
    """HSEEP's types, labelled with the names Vietnamese agencies use."""

    SEMINAR = "seminar", _("Seminar")
    WORKSHOP = "workshop", _("Workshop")
    TABLETOP = "tabletop", _("Tabletop exercise")
    GAME = "game", _("Simulation game")
    DRILL = "drill", _("Drill")
    FUNCTIONAL = "functional", _("Functional (command-post) exercise")
    FULL_SCALE = "full_scale", _("Full-scale exercise")


class Capability(models.TextChoices):
    COMMAND = "command", _("Command and coordination")
    COMMUNICATIONS = "communications", _("Communications")
    WARNING = "warning", _("Detection and warning")
    CORDON = "cordon", _("Cordon and evacuation")
    RESPONSE = "response", _("Tactical response")
    EXPLOSIVES = "explosives", _("Explosive ordnance disposal")
    RESCUE = "rescue", _("Rescue and firefighting")
    MEDICAL = "medical", _("Medical care")
    PUBLIC_INFORMATION = "public_information", _("Public information")
    LOGISTICS = "logistics", _("Logistics")
    RECOVERY = "recovery", _("Recovery")


class Rating(models.TextChoices):
    """HSEEP's rating of an objective."""

    P = "P", _("P: performed without challenges")
    S = "S", _("S: performed with some challenges")
    M = "M", _("M: performed with major challenges")
    U = "U", _("U: unable to be performed")


class ExerciseStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CONDUCTED = "conducted", _("Conducted")
    EVALUATED = "evaluated", _("Evaluated")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Exercise(Owned):
    """One exercise; the owning agency organises it."""

    type = models.CharField(_("type"), max_length=20, choices=ExerciseType.choices)
    name = models.CharField(_("name"), max_length=300)
    scenario = models.TextField(_("scenario"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # Where: a key site, or a commune, and the place in words.
    site = models.ForeignKey(
        "sites.KeySite",
        verbose_name=_("key site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    commune = models.ForeignKey(
        "core.AdminUnit",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    plans = models.ManyToManyField(
        "sites.Plan", verbose_name=_("plans tested"), blank=True, related_name="+"
    )
    sites = models.ManyToManyField(
        "sites.KeySite", verbose_name=_("sites tested"), blank=True, related_name="+"
    )
    participating_agencies: models.ManyToManyField[Agency, Participant] = models.ManyToManyField(
        "org.Agency",
        verbose_name=_("participating agencies"),
        through="Participant",
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ExerciseStatus.choices, default=ExerciseStatus.PLANNED
    )
    summary = models.TextField(_("summary of the after-action report"), blank=True)
    conducted_on = models.DateField(_("conducted on"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancel_reason = models.TextField(_("why it was cancelled"), blank=True)
    # Optimistic concurrency: every write is UPDATE … WHERE version = n.
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
    scope_agency_fields: ClassVar[tuple[str, ...]] = ("shared_agencies", "participating_agencies")

    class Meta:
        verbose_name = _("exercise")
        verbose_name_plural = _("exercises")
        ordering = ["-starts_on", "-pk"]
        indexes = [
            models.Index(
                fields=["owning_committee", "starts_on", "status", "classification"],
                name="exercises_committee_year_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="exercises_exercise_ends_after_start",
                violation_error_message=_("An exercise cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "cancelled"]) | Q(conducted_on__isnull=False),
                name="exercises_exercise_conducted_on",
                violation_error_message=_("A conducted exercise says when it was conducted."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("exercises:exercise_detail", args=[self.pk])


class Participant(models.Model):
    """An agency taking part, with how many people and how much equipment: counts only."""

    exercise = models.ForeignKey(
        Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE, related_name="participants"
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    people = models.IntegerField(_("participants"), default=0)
    equipment = models.IntegerField(_("equipment (vehicles, devices)"), default=0)

    class Meta:
        verbose_name = _("participating agency")
        verbose_name_plural = _("participating agencies")
        ordering = ["exercise", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "agency"],
                name="exercises_participant_once",
                violation_error_message=_("This agency is already taking part."),
            ),
            models.CheckConstraint(
                condition=Q(people__gte=0, equipment__gte=0),
                name="exercises_participant_counts",
                violation_error_message=_("Counts cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} ({self.people})"


class ObjectiveQuerySet(models.QuerySet["Objective"]):
    def visible_to(self, user: Viewer) -> ObjectiveQuerySet:
        """An objective is seen with its exercise."""
        return self.filter(exercise__in=Exercise.objects.visible_to(user).values("pk"))


class Objective(models.Model):
    """What the exercise sets out to test, tied to a capability, and its rating."""

    exercise = models.ForeignKey(
        Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE, related_name="objectives"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("objective"))
    capability = models.CharField(_("capability"), max_length=30, choices=Capability.choices)
    rating = models.CharField(_("rating"), max_length=1, choices=Rating.choices, blank=True)
    observations = models.TextField(_("observations"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rated_by_label = models.CharField(_("rated by"), max_length=200, blank=True)

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["exercise", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "number"],
                name="exercises_objective_number_once",
                violation_error_message=_(
                    "The exercise already has an objective with this number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(rating__in=["", "P", "S", "M", "U"]),
                name="exercises_objective_rating_psmu",
                violation_error_message=_("A rating is P, S, M or U."),
            ),
            models.CheckConstraint(
                condition=Q(rating="", rated_at__isnull=True)
                | (~Q(rating="") & Q(rated_at__isnull=False)),
                name="exercises_objective_rated_at",
                violation_error_message=_("A rated objective says when it was rated."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"
