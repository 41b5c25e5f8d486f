"""The situation picture in the API: what the page and the home panel show, as data.

``GET /api/v1/situation/``: the real picture and the exercise one apart (an exercise
is never counted in the real figures), each with the open incidents by state and
the active alerts with their acknowledgement progress. A classified object in the
response is audited as a read, as on the page.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vigil.core import audit
from vigil.situation import queries
from vigil.situation.queries import Part


def _part(part: Part) -> dict[str, Any]:
    return {
        "open_incidents_by_state": {state: n for state, _label, n in part.by_state},
        "incidents": [
            {"id": i.pk, "title": i.title, "type": i.type, "state": i.state,
             "severity": i.severity, "occurred_at": i.occurred_at,
             "classification": i.classification}
            for i in part.incidents
        ],
        "alerts": [
            {"id": a.pk, "headline": a.headline, "msg_type": a.msg_type, "urgency": a.urgency,
             "severity": a.severity, "sent_at": a.sent_at, "percent_acknowledged": pct,
             "classification": a.classification}
            for a, pct in part.alerts
        ],
    }  # fmt: skip


_COUNTS = serializers.DictField(child=serializers.IntegerField())
_PART = inline_serializer(
    "SituationPart",
    {
        "open_incidents_by_state": _COUNTS,
        "incidents": serializers.ListField(child=serializers.DictField()),
        "alerts": serializers.ListField(child=serializers.DictField()),
    },
)


class Picture(APIView):
    @extend_schema(
        responses=inline_serializer("SituationPicture", {"real": _PART, "exercise": _PART}),
        description="Open incidents by state and active alerts with their acknowledgement "
        "progress, real and exercise apart.",
    )
    def get(self, request: Request) -> Response:
        real = queries.part_for(request.user, exercise=False)
        exercise = queries.part_for(request.user, exercise=True)
        audit.record_view(request.user, [*real.shown, *exercise.shown], path=request.path)
        return Response({"real": _part(real), "exercise": _part(exercise)})
