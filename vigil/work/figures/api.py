"""REST API of the work figures: the query's parameters, then ``queries.work_figures``
(through the scope rule), the function the page and the summary report call."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import clock
from vigil.core.endpoints import Id, Scoped
from vigil.org import figure_periods
from vigil.work.figures.forms import with_committee
from vigil.work.figures.queries import WorkFigures, work_figures
from vigil.work.models import Task


class WorkFiguresQuery(figure_periods.FiguresQuery):
    """The figures pages' query; work figures are a committee's: the user's by default."""

    committee = Id(
        required=False, help_text="this committee and those below it; default: your committee"
    )


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

    @extend_schema(parameters=[WorkFiguresQuery], responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        asked = figure_periods.asked_by_api(
            request.user, request.query_params.dict(), clock.today().year, WorkFiguresQuery
        )
        asked = with_committee(request.user, asked)
        if asked.committee is None:  # the user sees no committee (a licensed organisation)
            return Response({"committee": None})
        figures = work_figures(request.user, committee=asked.committee, start=asked.start,
                               end=asked.end)  # fmt: skip
        figure_periods.record_view(request.user, asked, figures.classification,
                                   path=request.get_full_path())  # fmt: skip
        return Response(as_data(figures))
