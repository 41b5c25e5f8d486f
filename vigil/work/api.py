"""REST API of work as a whole (the scorecard), and what the API of its concepts
shares: the agencies and committee a request names, the points it gives.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vigil.core import dates
from vigil.core.endpoints import Id
from vigil.org.models import Agency, Committee
from vigil.org.scope import get_visible_or_404
from vigil.work import scorecard as scorecards
from vigil.work import services
from vigil.work.tasks.models import Task


class PointInSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=5000)
    title = serializers.CharField(max_length=300, required=False, default="")
    lead = serializers.ListField(child=Id(), required=False, default=list, max_length=200)
    supporting = serializers.ListField(child=Id(), required=False, default=list, max_length=200)
    deadline = dates.ApiDateField(required=False, allow_null=True, default=None)
    deadline_working_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=365
    )
    priority = serializers.ChoiceField(choices=Task.Priority.choices, default=1)


POINTS_MAX = 200


def points_field(**kwargs: Any) -> Any:
    """A record's points, at most POINTS_MAX (the stubs know no list serializer's limits)."""
    return PointInSerializer(many=True, max_length=POINTS_MAX, **kwargs)  # type: ignore[call-arg]


class ScorecardRowSerializer(serializers.Serializer[Any]):
    agency = serializers.IntegerField(source="agency.pk")
    agency_name = serializers.CharField(source="agency.name")
    assigned = serializers.IntegerField()
    done = serializers.IntegerField(help_text="Tasks accepted by the issuing committee.")
    awaiting = serializers.IntegerField(help_text="Tasks reported done, not yet accepted.")
    on_time = serializers.IntegerField()
    overdue = serializers.IntegerField()
    median_days_late = serializers.FloatField(allow_null=True)


# --- helpers


def agencies_or_404(request: Request, ids: list[int]) -> list[Agency]:
    return [get_visible_or_404(Agency.objects, request.user, pk=pk) for pk in ids]


def committee_or_404(request: Request, pk: int) -> Committee:
    return get_visible_or_404(Committee.objects, request.user, pk=pk)  # type: ignore[no-any-return]


def require_issuer_or_403(request: Request, committee: Committee) -> None:
    """Visible but not the user's to write for: 403, as the pages."""
    if not services.can_issue(request.user, committee):
        raise exceptions.PermissionDenied(_("Only the committee's standing office may do this."))


def issuer_committee_or_404(request: Request, pk: int) -> Committee:
    committee = committee_or_404(request, pk)
    require_issuer_or_403(request, committee)
    return committee


def point_specs(request: Request, points: list[dict[str, Any]]) -> list[services.PointSpec]:
    return [
        services.PointSpec(
            text=p.get("text", ""),
            title=p["title"],
            lead=agencies_or_404(request, p["lead"]),
            supporting=agencies_or_404(request, p["supporting"]),
            deadline=p["deadline"],
            deadline_working_days=p["deadline_working_days"],
            priority=p["priority"],
        )
        for p in points
    ]


class ScorecardView(APIView):
    @extend_schema(responses={200: ScorecardRowSerializer(many=True)})
    def get(self, request: Request) -> Response:
        committee = request.query_params.get("committee")
        committee_id = (
            int(committee) if committee and committee.isascii() and committee.isdigit() else None
        )
        rows = scorecards.scorecard(request.user, committee_id=committee_id)
        scorecards.record_view(request.user, rows, path=request.path, committee_id=committee_id)
        return Response(ScorecardRowSerializer(rows, many=True).data)
