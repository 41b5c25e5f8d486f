"""The figures page: a period, filters, the table, a chart, the .xlsx. Thin: the
form parses, ``queries.period_figures`` computes (through the scope rule)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vigil.controlled.figures import exports
from vigil.controlled.figures.forms import FiguresForm, default_period
from vigil.controlled.figures.oversight import oversight_figures
from vigil.controlled.figures.queries import COLUMN_LABELS, COLUMNS, GROUPS, period_figures
from vigil.controlled.registry.models import Store
from vigil.controlled.registry.queries import visible_organisations
from vigil.core.classification import STAMPS, Classification
from vigil.core.models import AdminUnit
from vigil.core.pages import acting
from vigil.core.xlsx import xlsx_response
from vigil.org.figure_periods import committees_for
from vigil.org.scope import Viewer


def visible_store_communes(user: Viewer) -> Any:
    """The communes of the stores the user sees (a figure's commune is its store's)."""
    return AdminUnit.objects.filter(
        pk__in=Store.objects.visible_to(user).values("admin_unit")
    ).order_by("name")


def figures_page(request: HttpRequest) -> HttpResponse:
    form = FiguresForm(
        request.GET or None, organisations=visible_organisations(request.user),
        communes=visible_store_communes(request.user), committees=committees_for(request.user),
    )  # fmt: skip
    valid = form.is_bound and form.is_valid()
    data = form.cleaned_data if valid else {}
    start, end = data.get("period") or default_period()
    group = data.get("group", "organisation")
    committee = data.get("committee")
    filters = {"organisation": data.get("organisation"), "admin_unit": data.get("commune"),
               "committee": committee}  # fmt: skip
    figures = period_figures(request.user, start=start, end=end, **filters)
    oversight = oversight_figures(request.user, start=start, end=end, **filters)
    # The page shows both: it is as classified as the most classified of them.
    level = max(figures.classification, oversight.classification)
    exports.record_view(acting(request), level, path=request.get_full_path(),
                        committee_id=committee.pk if committee else None)  # fmt: skip
    if valid and request.GET.get("format") == "xlsx":
        return xlsx_response(
            exports.filename(figures),
            exports.figures_sheets(figures, group),
            classification=level,
        )
    query = request.GET.copy()
    query["format"] = "xlsx"
    return render(
        request, "controlled/figures.html",
        {
            "form": form, "figures": figures, "lines": figures.lines(group),
            "totals": figures.by_item, "group": group, "group_label": GROUPS[group],
            "columns": [COLUMN_LABELS[c] for c in COLUMNS], "chart": exports.chart(figures),
            "xlsx_query": query.urlencode(), "invalid": form.is_bound and not valid,
            "oversight": oversight, "classification": level,
            "page_stamp": STAMPS[Classification(level)] if level else "",
        },
    )  # fmt: skip
