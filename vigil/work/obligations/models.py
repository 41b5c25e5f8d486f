"""Report obligations: what a committee asks its units to report, every period.

An obligation is issued by a committee (its owning committee) to units —
member agencies and/or child committees. Its template of typed indicators and
narrative sections is versioned: a period is opened with the version current
at the time, and a later change of template makes a new version, so what was
opened (and reported) keeps its own shape. Each period has one submission per
unit, each with its own state. Indicators are aggregate counts: Vigil keeps no
figures about named individuals.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vigil.org.scope import Owned, OwnedQuerySet, Viewer, scope_for


class ObligationAction(models.TextChoices):
    OBLIGATION_CREATED = "report_obligation.created", _("Report obligation created")
    TEMPLATE_REVISED = "report_obligation.template_revised", _("Report template revised")
    OBLIGATION_ENDED = "report_obligation.ended", _("Report obligation ended")
    PERIOD_OPENED = "report_period.opened", _("Report period opened")
    SUBMISSION_SAVED = "report_submission.saved", _("Report draft saved")
    SUBMISSION_FILLED = (
        "report_submission.filled",
        _("Report filled from the committee's own consolidation"),
    )
    SUBMISSION_SUBMITTED = "report_submission.submitted", _("Report submitted")
    SUBMISSION_RETURNED = "report_submission.returned", _("Report returned")
    SUBMISSION_ACCEPTED = "report_submission.accepted", _("Report accepted")
    CONSOLIDATION_ISSUED = (
        "report_period.consolidation_issued",
        _("Consolidated report issued as a document"),
    )


class PeriodKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")
    CUSTOM = "custom", _("Custom dates")


class DueRule(models.TextChoices):
    DAY_OF_NEXT_MONTH = "day_of_next_month", _("A day of the month after the period")
    WORKING_DAYS_AFTER = "working_days_after", _("Working days after the period ends")


class IndicatorKind(models.TextChoices):
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    TEXT = "text", _("Text")
    YES_NO = "yes_no", _("Yes / no")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum")
    AVERAGE = "average", _("Average")
    MIN = "min", _("Minimum")
    MAX = "max", _("Maximum")
    COUNT_YES = "count_yes", _("Count of yes")
    CONCATENATE = "concatenate", _("Listed by unit")
    NONE = "none", _("Not consolidated")


class ReportObligation(Owned):
    """A committee's standing request: these units report on this template, every period.

    Owned by the issuing committee and its standing agency; addressed to the
    units, who therefore see the obligation (not each other's submissions)."""

    title = models.CharField(_("title"), max_length=300)
    period_kind = models.CharField(_("period"), max_length=20, choices=PeriodKind.choices)
    starts_on = models.DateField(
        _("first period from"), help_text=_("Periods are opened from the one containing this day.")
    )
    ends_on = models.DateField(
        _("last day"),
        null=True,
        blank=True,
        help_text=_("For custom dates, the end of the one period; otherwise empty or the day "
                    "the obligation ends."),
    )  # fmt: skip
    due_rule = models.CharField(
        _("due"), max_length=30, choices=DueRule.choices, default=DueRule.DAY_OF_NEXT_MONTH
    )
    due_day = models.PositiveSmallIntegerField(
        _("due day"),
        default=20,
        help_text=_("Day of the month after the period (31 means the month's last day), "
                    "or the number of working days after the period ends."),
    )  # fmt: skip
    addressed_agencies = models.ManyToManyField(
        "org.Agency", verbose_name=_("addressed agencies"), blank=True, related_name="+"
    )
    addressed_committees = models.ManyToManyField(
        "org.Committee", verbose_name=_("addressed committees"), blank=True, related_name="+"
    )
    upstream = models.ForeignKey(
        "self",
        verbose_name=_("reports upward to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="downstream",
        help_text=_("The parent committee's obligation this committee's consolidation answers."),
    )
    current_template = models.ForeignKey(
        "ReportTemplate",
        verbose_name=_("current template"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"))

    objects = OwnedQuerySet.as_manager()

    scope_agency_fields: ClassVar[tuple[str, ...]] = ("shared_agencies", "addressed_agencies")
    scope_committee_fields: ClassVar[tuple[str, ...]] = (
        "shared_committees",
        "addressed_committees",
    )

    class Meta:
        verbose_name = _("report obligation")
        verbose_name_plural = _("report obligations")
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_day__gte=1, due_day__lte=31),
                name="work_obligation_due_day_range",
                violation_error_message=_("The due day is a number from 1 to 31."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="work_obligation_ends_after_start",
                violation_error_message=_("The obligation ends before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("work:obligation_detail", kwargs={"pk": self.pk})


class ReportTemplate(models.Model):
    """One version of an obligation's template; never changed once written."""

    obligation = models.ForeignKey(
        ReportObligation,
        verbose_name=_("obligation"),
        on_delete=models.PROTECT,
        related_name="templates",
    )
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created at"))
    created_by_label = models.CharField(_("created by"), max_length=200)

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        ordering = ["obligation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "number"],
                name="work_template_number_unique",
                violation_error_message=_("This version of the template already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.obligation} v{self.number}"


class Indicator(models.Model):
    """A typed figure of a template version: an aggregate count or a yes/no, never a person."""

    template = models.ForeignKey(
        ReportTemplate, verbose_name=_("template"), on_delete=models.PROTECT,
        related_name="indicators",
    )  # fmt: skip
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("indicator"), max_length=300)
    kind = models.CharField(_("type"), max_length=10, choices=IndicatorKind.choices)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    help_text = models.CharField(_("help"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=True)
    aggregation = models.CharField(_("aggregation"), max_length=20, choices=Aggregation.choices)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "code"],
                name="work_indicator_code_unique",
                violation_error_message=_("Two indicators of a template have the same code."),
            )
        ]

    def __str__(self) -> str:
        return self.label


class NarrativeSection(models.Model):
    """A section of text each unit writes; compiled by unit in the consolidation."""

    template = models.ForeignKey(
        ReportTemplate, verbose_name=_("template"), on_delete=models.PROTECT,
        related_name="sections",
    )  # fmt: skip
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=40)
    title = models.CharField(_("section"), max_length=300)
    help_text = models.CharField(_("help"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        verbose_name = _("narrative section")
        verbose_name_plural = _("narrative sections")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "code"],
                name="work_section_code_unique",
                violation_error_message=_("Two sections of a template have the same code."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class ReportPeriodQuerySet(models.QuerySet["ReportPeriod"]):
    def visible_to(self, user: Viewer) -> ReportPeriodQuerySet:
        """A period's consolidation shows every unit's figures: the issuing side only
        (committee-wide roles in the issuing committee or above), within clearance.

        This is deliberately narrower than ``visible_to`` of the obligation, which also
        reaches the units it is addressed to and those it is shared with: a unit sees
        what it must report, not the other units' figures. It is the first part of the
        one rule (``OwnedQuerySet.visible_owned``) applied to the period's obligation;
        ``tests/work/obligations/test_period_scope.py`` holds it to that."""
        scope = scope_for(user)
        return self.filter(
            obligation__owning_committee_id__in=scope.committees_below,
            obligation__classification__lte=scope.clearance,
        )


class ReportPeriod(models.Model):
    """One period of an obligation, opened once, with the template version of that day."""

    obligation = models.ForeignKey(
        ReportObligation, verbose_name=_("obligation"), on_delete=models.PROTECT,
        related_name="periods",
    )  # fmt: skip
    template = models.ForeignKey(
        ReportTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    due_on = models.DateField(_("due on"))
    opened_at = models.DateTimeField(_("opened at"))
    # The consolidated report once issued: its number, date and signature.
    report_document = models.OneToOneField(
        "work.IssuedDocument", verbose_name=_("issued report"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="consolidated_period",
    )  # fmt: skip

    objects = ReportPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("report period")
        verbose_name_plural = _("report periods")
        ordering = ["obligation", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "starts_on"],
                name="work_period_unique",
                violation_error_message=_("This period is already open."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.obligation} — {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("work:consolidation", kwargs={"pk": self.pk})

    @property
    def label(self) -> str:
        from vigil.work.obligations.periods import period_label

        return period_label(self.obligation.period_kind, self.starts_on, self.ends_on)

    @property
    def classification(self) -> int:
        return self.obligation.classification

    @property
    def owning_committee_id(self) -> int:
        return self.obligation.owning_committee_id


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", pgettext_lazy("report", "Accepted")


OPEN_STATES = (SubmissionState.DRAFT, SubmissionState.RETURNED)


class ReportSubmission(Owned):
    """One unit's report for one period: a report task with its own state.

    Owned like its obligation (the issuing side sees all); addressed to the one
    unit, an agency or a child committee, who sees only its own."""

    obligation = models.ForeignKey(
        ReportObligation, verbose_name=_("obligation"), on_delete=models.PROTECT,
        related_name="submissions",
    )  # fmt: skip
    period = models.ForeignKey(
        ReportPeriod, verbose_name=_("period"), on_delete=models.PROTECT,
        related_name="submissions",
    )  # fmt: skip
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("reporting agency"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    committee = models.ForeignKey(
        "org.Committee", verbose_name=_("reporting committee"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    due_on = models.DateField(_("due on"))
    state = models.CharField(
        _("state"), max_length=12, choices=SubmissionState.choices, default=SubmissionState.DRAFT
    )
    values = models.JSONField(_("figures"), default=dict, blank=True)
    narrative = models.JSONField(_("narrative"), default=dict, blank=True)
    # A child committee's consolidation as it stood when filled in: what the
    # parent's consolidation shows under this unit, whatever changes below later.
    rollup = models.JSONField(_("consolidation below"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=0)
    saved_at = models.DateTimeField(_("last saved"), null=True, blank=True)
    saved_by_label = models.CharField(_("last saved by"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by_label = models.CharField(_("submitted by"), max_length=200, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.CharField(_("reason for return"), max_length=1000, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by_label = models.CharField(_("accepted by"), max_length=200, blank=True)

    objects = OwnedQuerySet.as_manager()

    scope_agency_fields: ClassVar[tuple[str, ...]] = ("shared_agencies", "agency")
    scope_committee_fields: ClassVar[tuple[str, ...]] = ("shared_committees", "committee")

    class Meta:
        verbose_name = _("report submission")
        verbose_name_plural = _("report submissions")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["state", "due_on"], name="work_submission_state_due")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(agency__isnull=False) & Q(committee__isnull=True))
                | (Q(agency__isnull=True) & Q(committee__isnull=False)),
                name="work_submission_one_unit",
                violation_error_message=_("A report comes from one agency or one committee."),
            ),
            models.UniqueConstraint(
                fields=["obligation", "period", "agency"],
                condition=Q(agency__isnull=False),
                name="work_submission_unique_agency",
                violation_error_message=_("This agency already has a report for this period."),
            ),
            models.UniqueConstraint(
                fields=["obligation", "period", "committee"],
                condition=Q(committee__isnull=False),
                name="work_submission_unique_committee",
                violation_error_message=_("This committee already has a report for this period."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.obligation} — {self.period.label} — {self.unit}"

    @property
    def unit(self) -> Any:
        return self.agency if self.agency_id else self.committee

    @property
    def unit_name(self) -> str:
        return str(self.unit)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def get_absolute_url(self) -> str:
        return reverse("work:submission_detail", kwargs={"pk": self.pk})


__all__ = [
    "Indicator",
    "NarrativeSection",
    "ReportObligation",
    "ReportPeriod",
    "ReportSubmission",
    "ReportTemplate",
]
