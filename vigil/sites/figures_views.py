"""The figures page of key sites and plans (``/sites/figures/``) and its API
(``/api/v1/site-figures/``): a year or a part of it, a committee. Thin: the form (or
the query) parses, ``figures.site_figures`` computes through the scope rule, as the
reports app's section does."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import clock
from vigil.core.classification import STAMPS, Classification
from vigil.core.endpoints import Scoped
from vigil.core.pages import acting
from vigil.org import figure_periods
from vigil.org.figure_periods import PeriodForm, committees_for
from vigil.sites.figures import FIGURE_KEYS, STATES, SiteFigures, as_data, site_figures
from vigil.sites.models import Freshness, KeySite


def _stamp(f: SiteFigures) -> str:
    return STAMPS[Classification(f.classification)] if f.classification else ""


def chart(f: SiteFigures) -> dict[str, Any]:
    """Plans by state as horizontal bars (inline SVG drawn by the template)."""
    widest = max([f.state(s) for s in STATES] + [1])
    bars = [
        {"label": str(Freshness(s).label), "value": f.state(s), "tone": s,
         "width": round(300 * f.state(s) / widest), "y": 8 + 22 * i}
        for i, s in enumerate(STATES)
    ]  # fmt: skip
    return {"bars": bars, "width": 560, "height": 16 + 22 * len(bars), "label_width": 200}


def figures_page(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None, committees=committees_for(request.user))
    asked = form.asked(clock.today().year)
    figures = site_figures(request.user, committee=asked.committee, start=asked.start,
                           end=asked.end)  # fmt: skip
    figure_periods.record_view(acting(request), asked, figures.classification,
                               path=request.get_full_path())  # fmt: skip
    data = as_data(figures)
    context = {
        "form": form, "figures": figures, "asked": asked,
        "invalid": form.is_bound and not form.is_valid(),
        "states": data["plans_by_state"], "chart": chart(figures),
        "page_stamp": _stamp(figures),
    }  # fmt: skip
    return render(request, "sites/figures.html", context)


_FIGURES = inline_serializer(
    "SiteFigures",
    {
        "start": serializers.DateField(), "end": serializers.DateField(),
        "as_of": serializers.DateField(help_text="min(end, today): the day states are counted on"),
        "exact": serializers.BooleanField(help_text="false: a past day, judged from the "
                                          "plans' present records"),
        "committee": serializers.IntegerField(allow_null=True),
        "classification": serializers.IntegerField(),
        **{key: serializers.IntegerField() for key in FIGURE_KEYS},
        "exercised_since": serializers.DateField(),
        "plans_by_state": serializers.ListField(child=serializers.DictField()),
        "sites_by_category": serializers.ListField(child=serializers.DictField()),
    },
)  # fmt: skip


class SiteFiguresView(Scoped):
    """Key sites and plans of a period, counted from what you may see: sites by
    category, plans by state, sites without a plan, versions approved, plans revised
    and exercised, risk assessments."""

    model = KeySite
    pagination_class = None

    @extend_schema(parameters=[figure_periods.FiguresQuery], responses={200: _FIGURES})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        asked = figure_periods.asked_by_api(
            request.user, request.query_params.dict(), clock.today().year
        )
        figures = site_figures(request.user, committee=asked.committee, start=asked.start,
                               end=asked.end)  # fmt: skip
        figure_periods.record_view(request.user, asked, figures.classification,
                                   path=request.get_full_path())  # fmt: skip
        return Response(as_data(figures))
