"""The API of the situation figures of a period (``/api/v1/situation-figures/``): the
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
from vigil.situation.figures import FIGURE_KEYS, as_data, situation_figures
from vigil.situation.incidents.models import Incident

MINUTES = ("ack_median_minutes", "ack_p90_minutes")


_FIGURES = inline_serializer(
    "SituationFigures",
    {
        "start": serializers.DateField(), "end": serializers.DateField(),
        "committee": serializers.IntegerField(allow_null=True),
        "classification": serializers.IntegerField(),
        **{key: serializers.FloatField(allow_null=True) if key in MINUTES
           else serializers.IntegerField() for key in FIGURE_KEYS},
        "incidents_by_type": serializers.ListField(child=serializers.DictField()),
        "incidents_by_state": serializers.ListField(child=serializers.DictField()),
        "alerts_by_msg_type": serializers.ListField(child=serializers.DictField()),
    },
)  # fmt: skip


class SituationFiguresView(Scoped):
    """Incidents and alerts of a period, counted from what you may see (real ones;
    exercise ones apart): incidents by type and state, verified, with flash reports;
    alerts issued, deliveries, acknowledgements and their times in minutes."""

    model = Incident
    pagination_class = None

    @extend_schema(parameters=[figure_periods.FiguresQuery], responses={200: _FIGURES})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        asked = figure_periods.asked_by_api(
            request.user, request.query_params.dict(), clock.today().year
        )
        figures = situation_figures(request.user, committee=asked.committee,
                                    start=asked.start, end=asked.end)  # fmt: skip
        figure_periods.record_view(request.user, asked, figures.classification,
                                   path=request.get_full_path())  # fmt: skip
        return Response(as_data(figures))
