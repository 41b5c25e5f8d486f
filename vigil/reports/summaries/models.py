"""Summary reports: the annual summary (*báo cáo tổng kết*) and the periodic reports
(monthly, quarterly, six-month) a committee drafts from the period's data, edits
section by section and issues.

A report is computed as its drafter sees the committee (the scope rule), so it is at
least as classified as the most classified figure it holds (``classification`` is
the highest of its sections'); a user below that clearance cannot open it or any of
its sections. Issued, it is frozen: its sections are never written again and its
.docx is kept as issued (``issued_docx``, with its SHA-256 in the audit event).
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.org.scope import Owned, OwnedQuerySet, Viewer


class ReportKind(models.TextChoices):
    ANNUAL = "annual", _("Annual summary")
    SIX_MONTH = "six_month", _("Six-month report")
    QUARTERLY = "quarterly", _("Quarterly report")
    MONTHLY = "monthly", _("Monthly report")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class SummaryReportQuerySet(OwnedQuerySet["SummaryReport"]):
    def visible_to(self, user: Viewer) -> SummaryReportQuerySet:
        """A report holds every agency's figures (tasks late by agency, units that did not
        report): the issuing side only, committee-wide roles in the owning committee or
        above, within clearance, as ``ReportPeriodQuerySet.visible_to`` for a
        consolidation. Narrower than the rule on ``Owned``, which would also show it to
        every member of the owning agency (the committee's standing agency). It is the
        rule's first part (``OwnedQuerySet.visible_owned``);
        ``tests/reports/test_report_scope.py`` holds it to that."""
        return cast(SummaryReportQuerySet, self.visible_owned(user))


class SummaryReport(Owned):
    """One committee's report for one period: ``year`` and, below a year, the
    ``part`` of it (month 1–12, quarter 1–4, half 1–2; 0 for the year)."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    part = models.PositiveSmallIntegerField(_("part of the year"), default=0)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    title = models.CharField(_("title"), max_length=300)
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    drafted_at = models.DateTimeField(_("figures computed at"))
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set when issued, never after.
    number = models.CharField(_("number and symbol"), max_length=80, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    signing_form = models.CharField(_("signing form"), max_length=10, blank=True)
    recipients = models.TextField(_("recipients"), blank=True)  # one per line
    issued_docx = models.BinaryField(_("issued document"), null=True, blank=True, editable=False)

    objects = SummaryReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("summary report")
        verbose_name_plural = _("summary reports")
        ordering = ["-year", "-part", "kind", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owning_committee", "kind", "year", "part"],
                name="reports_one_report_per_period",
                violation_error_message=_("This committee already has a report for this period."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="reports_report_ends_after_start",
                violation_error_message=_("A report's period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | ~Q(number=""),
                name="reports_issued_report_has_number",
                violation_error_message=_("An issued report has a number."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:report_detail", args=[self.pk])

    @property
    def is_issued(self) -> bool:
        return self.state == ReportState.ISSUED


class SummarySection(models.Model):
    """One section of a report: the figures computed for it (``content``: figures,
    tables, charts, as ``vigil.reports.sections.base.SectionContent.as_json``), the
    text drafted from them (``drafted_text``) and the text as the office edited it
    (``text``). A section is as classified as the most classified figure it holds."""

    report = models.ForeignKey(
        SummaryReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="sections"
    )
    key = models.CharField(_("key"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=300)
    content = models.JSONField(_("figures"), default=dict)
    drafted_text = models.TextField(_("drafted text"), blank=True)
    text = models.TextField(_("text"), blank=True)
    classification = models.PositiveSmallIntegerField(_("classification"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        ordering = ["report", "order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="reports_section_key_once"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:section_edit", args=[self.report_id, self.key])

    @property
    def edited(self) -> bool:
        return self.edited_at is not None
