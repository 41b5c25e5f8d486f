"""What the work sections (leadership, coordination, indicators, next period) share: the
work app's figures for the report's committee and period
(``vigil.work.figures.queries.work_figures``, the function the work figures page and its
API call) and the address of that page for the same committee and period
(``vigil.org.figure_periods.page_query``, as the other figures pages)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from vigil.org.figure_periods import page_query, period_code
from vigil.reports.sections.base import Context
from vigil.work.figures.queries import WorkFigures, work_figures


def page_url(ctx: Context) -> str:
    code = period_code(ctx.period.kind, ctx.period.part)
    query = page_query(ctx.period.year, code, ctx.committee)
    return reverse("work:figures") + "?" + urlencode(query)


def figures_of(ctx: Context) -> WorkFigures:
    return work_figures(
        ctx.viewer, committee=ctx.committee, start=ctx.period.start, end=ctx.period.end
    )
