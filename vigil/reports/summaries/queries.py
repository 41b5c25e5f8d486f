"""Reads of summary reports: the list a user sees (the scope rule, filtered by year, kind
and state), the committees a user may draft for, the annual summaries still to draft,
and a report's sections with their figures as the pages show them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from vigil.org.models import Committee
from vigil.org.scope import Viewer, committees_with_role, scope_for
from vigil.reports.sections.base import SectionContent, number
from vigil.reports.summaries.models import ReportKind, ReportState, SummaryReport, SummarySection
from vigil.reports.summaries.services import KEEPERS

DRAFTING_MONTH = 12  # the annual summary is drafted from December


@dataclass(frozen=True)
class ReportFilters:
    year: int | None = None
    kind: str = ""
    state: str = ""
    committee: int | None = None


def reports_for(user: Viewer, filters: ReportFilters | None = None) -> QuerySet[SummaryReport]:
    """The reports ``user`` sees, newest period first."""
    f = filters or ReportFilters()
    rows = SummaryReport.objects.visible_to(user).select_related(
        "owning_committee", "created_by", "issued_by"
    )
    if f.year:
        rows = rows.filter(year=f.year)
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.state:
        rows = rows.filter(state=f.state)
    if f.committee:
        rows = rows.filter(owning_committee_id=f.committee)
    return rows.defer("issued_docx").order_by("-year", "-part", "kind", "-pk")


def years_for(user: Viewer) -> list[int]:
    seen = SummaryReport.objects.visible_to(user).values_list("year", flat=True).distinct()
    return sorted(set(seen), reverse=True)


def drafting_committees(user: Viewer) -> QuerySet[Committee]:
    """The committees whose reports ``user`` may draft (``services.may_draft``)."""
    return Committee.objects.filter(pk__in=committees_with_role(user, *KEEPERS)).order_by("path")


def annual_to_draft(user: Viewer, today: dt.date) -> list[Committee]:
    """From December: the committees ``user`` keeps (standing office, a leader) whose
    annual summary of this year is not drafted yet. Only the committees where the role
    is held, not every committee below them (a commune drafts its own)."""
    if today.month < DRAFTING_MONTH:
        return []
    year = today.year
    held = {c for role, _a, c, _p in scope_for(user).roles if role in KEEPERS and c}
    if not held:
        return []
    done = set(
        SummaryReport.objects.filter(
            owning_committee_id__in=held, kind=ReportKind.ANNUAL, year=year
        ).values_list("owning_committee_id", flat=True)
    )
    return list(Committee.objects.filter(pk__in=held - done).order_by("path"))


def drafts_for(user: Viewer) -> QuerySet[SummaryReport]:
    return reports_for(user, ReportFilters(state=ReportState.DRAFT))


@dataclass(frozen=True)
class ShownSection:
    section: SummarySection
    content: SectionContent

    @property
    def figures(self) -> list[dict[str, str]]:
        """The figures as the document prints them (1.234 and 12,5)."""
        return [{"key": f.key, "label": f.label, "value": number(f.value), "unit": f.unit,
                 "source": f.source} for f in self.content.figures]  # fmt: skip

    @property
    def tables(self) -> list[dict[str, Any]]:
        return [{"key": t.key, "title": t.title, "header": t.header,
                 "rows": [[number(v) for v in row] for row in t.rows]}
                for t in self.content.tables]  # fmt: skip


def sections_of(report: SummaryReport) -> list[ShownSection]:
    return [
        ShownSection(s, SectionContent.from_json(s.content))
        for s in report.sections.select_related("edited_by").order_by("order")
    ]


def section_of(report: SummaryReport, key: str) -> SummarySection | None:
    found: SummarySection | None = report.sections.filter(key=key).first()
    return found


def chart_of(section: SummarySection, key: str) -> Any:
    content = SectionContent.from_json(section.content)
    return next((c for c in content.charts if c.key == key), None)


def edxml_refusal(report: SummaryReport) -> str:
    """Why ``report`` may not go out as edXML ("" when it may)."""
    if not report.is_issued:
        return _("Only an issued report is sent as edXML: issue it first.")
    if report.classification:
        return _(
            "This report is classified: classified documents are not sent through the edXML "
            "exchange. Download the .docx (it carries its stamp) and send it through the "
            "channel for classified documents."
        )
    return ""
