"""What the work sections (leadership, coordination, indicators, next period) share: the
work app's figures for the report's committee and period
(``vigil.work.figures.queries.work_figures``, the function the work figures page and its
API call) and the address of that page for the same committee and period."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from vigil.reports.periods import Period
from vigil.reports.sections.base import Context
from vigil.reports.summaries.models import ReportKind
from vigil.work.figures.queries import WorkFigures, work_figures

PART_PREFIX = {ReportKind.SIX_MONTH: "h", ReportKind.QUARTERLY: "q", ReportKind.MONTHLY: "m"}


def page_query(committee_id: int, period: Period) -> dict[str, str | int]:
    query: dict[str, str | int] = {"year": period.year, "committee": committee_id}
    prefix = PART_PREFIX.get(ReportKind(period.kind), "")
    if prefix and period.part:
        query["part"] = f"{prefix}{period.part}"
    return query


def page_url(ctx: Context) -> str:
    return reverse("work:figures") + "?" + urlencode(page_query(ctx.committee.pk, ctx.period))


def figures_of(ctx: Context) -> WorkFigures:
    return work_figures(
        ctx.viewer, committee=ctx.committee, start=ctx.period.start, end=ctx.period.end
    )
