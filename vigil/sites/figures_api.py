"""The API of the sites figures of a period (``/api/v1/site-figures/``): the
same query as the page, the same function (through the scope rule)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import clock
from vigil.core.endpoints import Scoped
from vigil.org import figure_periods
from vigil.sites.figures import FIGURE_KEYS, as_data, site_figures
from vigil.sites.models import KeySite

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
