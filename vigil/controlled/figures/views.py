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
from vigil.core.models import AdminUnit
from vigil.core.xlsx import xlsx_response
from vigil.org.scope import Viewer


def visible_store_communes(user: Viewer) -> Any:
    """The communes of the stores the user sees (a figure's commune is its store's)."""
    return AdminUnit.objects.filter(
        pk__in=Store.objects.visible_to(user).values("admin_unit")
    ).order_by("name")


def figures_page(request: HttpRequest) -> HttpResponse:
    form = FiguresForm(
        request.GET or None, organisations=visible_organisations(request.user),
        communes=visible_store_communes(request.user),
    )  # fmt: skip
    valid = form.is_bound and form.is_valid()
    data = form.cleaned_data if valid else {}
    start, end = data.get("period") or default_period()
    group = data.get("group", "organisation")
    figures = period_figures(
        request.user, start=start, end=end, organisation=data.get("organisation"),
        admin_unit=data.get("commune"),
    )  # fmt: skip
    if valid and request.GET.get("format") == "xlsx":
        return xlsx_response(
            exports.filename(figures),
            exports.figures_sheets(figures, group),
            classification=figures.classification,
        )
    commune = data.get("commune")
    oversight = oversight_figures(request.user, start=start, end=end,
                                  admin_unit=commune.pk if commune else None)  # fmt: skip
    query = request.GET.copy()
    query["format"] = "xlsx"
    return render(
        request, "controlled/figures.html",
        {
            "form": form, "figures": figures, "lines": figures.lines(group),
            "totals": figures.by_item, "group": group, "group_label": GROUPS[group],
            "columns": [COLUMN_LABELS[c] for c in COLUMNS], "chart": exports.chart(figures),
            "xlsx_query": query.urlencode(), "invalid": form.is_bound and not valid,
            "oversight": oversight,
        },
    )  # fmt: skip
