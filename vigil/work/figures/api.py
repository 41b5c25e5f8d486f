"""REST API of the work figures: the query's parameters, then ``queries.work_figures``
(through the scope rule), the function the page and the summary report call."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core.endpoints import Id, Scoped
from vigil.work.figures.forms import PARTS, committees_for
from vigil.work.figures.queries import WorkFigures, work_figures
from vigil.work.figures.views import choose, record_view
from vigil.work.models import Task


class FiguresQuery(serializers.Serializer[Any]):
    year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text="default: this year"
    )
    part = serializers.ChoiceField(
        choices=[p for p, _label in PARTS], required=False, allow_blank=True,
        help_text="h1–h2, q1–q4 or m1–m12; default: the whole year",
    )  # fmt: skip
    committee = Id(required=False, help_text="this committee and those below it")


def as_data(f: WorkFigures) -> dict[str, Any]:
    return {
        "committee": f.committee_id, "start": f.start.isoformat(), "end": f.end.isoformat(),
        "as_of": f.as_of.isoformat(), "classification": f.classification,
        "documents_issued": f.documents_issued, "documents_by_type": f.documents_by_type,
        "meetings": f.meetings, "meetings_by_kind": f.meetings_by_kind,
        "conclusion_points": f.conclusion_points,
        "work_plans": [{"title": t, "items": n} for t, n in f.plans],
        "review_conference": f.review_meeting,
        "tasks": {k: f.total(k) for k in ("assigned", "on_time", "late", "awaiting", "open",
                                           "overdue")},
        "tasks_by_agency": [a.__dict__ for a in f.agencies],
        "ack_median_hours": f.ack_median_hours,
        "incoming_received": f.incoming_received, "documents_sent": f.documents_sent,
        "documents_exchanged": f.documents_exchanged,
        "reports_expected": f.reports_expected, "reports_on_time": f.reports_on_time,
        "reports_late": f.reports_late, "reports_missing": f.reports_missing,
        "missing_reports": [{"period": m.period, "due_on": m.due_on.isoformat(),
                             "unit": m.unit} for m in f.missing],
        "indicators": [i.__dict__ for i in f.indicators],
    }  # fmt: skip


class WorkFiguresView(Scoped):
    """A committee's work figures (and the committees below it) over a year or part of
    it, counted from what you may see: documents issued, meetings, tasks by agency (done
    on time, late, open, overdue), incoming documents, report obligations and the
    indicators the units reported (sums)."""

    model = Task
    pagination_class = None

    @extend_schema(parameters=[FiguresQuery], responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = FiguresQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        values = dict(query.validated_data)
        if values.get("committee") is not None:
            values["committee"] = (
                committees_for(request.user).filter(pk=values["committee"]).first()
            )
            if values["committee"] is None:  # missing and unseen alike
                raise serializers.ValidationError(
                    {"committee": _("Choose a committee you may see.")}
                )
        committee, _year, _part, start, end = choose(request.user, values)
        if committee is None:  # the user sees no committee (a licensed organisation)
            return Response({"committee": None})
        figures = work_figures(request.user, committee=committee, start=start, end=end)
        record_view(request.user, figures, path=request.get_full_path())
        return Response(as_data(figures))
