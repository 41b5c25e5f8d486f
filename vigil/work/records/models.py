"""The committee's own records: its yearly work plans and its meetings; their items
and conclusions become tasks, and each can be issued as a document.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.org.scope import Owned, OwnedQuerySet
from vigil.work.documents.models import IssuedDocument


class WorkPlan(Owned):
    """A committee's plan for a year; its items become tasks."""

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    created_at = models.DateTimeField(_("created at"))
    # The plan as an issued kế hoạch (number, .docx, edXML), once issued.
    document = models.OneToOneField(
        IssuedDocument, verbose_name=_("issued as"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="plan_of",
    )  # fmt: skip

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owning_committee", "year"],
                name="work_plan_one_per_year",
                violation_error_message=_("This committee already has a work plan for this year."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("work:plan_detail", args=[self.pk])


class WorkPlanItem(models.Model):
    """One numbered item of a work plan; it can become tasks, one per agency."""

    plan = models.ForeignKey(
        WorkPlan, verbose_name=_("work plan"), on_delete=models.PROTECT, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("work plan item")
        verbose_name_plural = _("work plan items")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "order"],
                name="work_plan_item_order_unique",
                violation_error_message=_("Two items of a work plan cannot have the same number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:80]}"


class Meeting(Owned):
    """A committee meeting: regular, extraordinary or by written consultation."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular meeting")
        EXTRAORDINARY = "extraordinary", _("Extraordinary meeting")
        WRITTEN = "written", _("Written consultation")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    venue = models.CharField(_("place"), max_length=300, blank=True)
    chair = models.ForeignKey(
        "org.PostHolder", verbose_name=_("chaired by"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    # The conclusions notice (thông báo kết luận), once issued.
    notice = models.OneToOneField(
        IssuedDocument, verbose_name=_("conclusions notice"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="notice_of",
    )  # fmt: skip
    agenda = models.TextField(_("agenda"), blank=True)
    invited = models.ManyToManyField(
        "org.Agency", verbose_name=_("invited agencies"), blank=True, related_name="+"
    )
    attending = models.ManyToManyField(
        "org.Agency", verbose_name=_("attending agencies"), blank=True, related_name="+"
    )
    conclusions = models.TextField(_("conclusions"), blank=True)
    # The year an annual review conference (hội nghị tổng kết) reviews: held in that
    # year or early in the next; empty for every other meeting.
    reviews_year = models.PositiveSmallIntegerField(
        _("annual review of the year"), null=True, blank=True,
        help_text=_("For the annual review conference only: the year it reviews."),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"))

    objects = OwnedQuerySet.as_manager()
    scope_agency_fields: ClassVar[tuple[str, ...]] = ("shared_agencies", "invited")

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owning_committee", "reviews_year"],
                condition=models.Q(reviews_year__isnull=False),
                name="work_meeting_one_review_per_year",
                violation_error_message=_(
                    "This committee already has a review conference of this year."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("work:meeting_detail", args=[self.pk])


class ConclusionPoint(models.Model):
    """One numbered conclusion of a meeting; it can become tasks, one per agency."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="points"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("conclusion point")
        verbose_name_plural = _("conclusion points")
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "order"],
                name="work_conclusion_order_unique",
                violation_error_message=_(
                    "Two conclusions of a meeting cannot have the same number."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:80]}"
