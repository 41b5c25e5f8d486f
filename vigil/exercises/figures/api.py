"""REST API of the year's figures of trainings and exercises. Thin: the query's
parameters, then ``queries.exercise_figures`` (through the scope rule)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import clock, dates
from vigil.core.endpoints import Id, Scoped
from vigil.exercises.drills.models import Exercise, ExerciseStatus, ExerciseType
from vigil.exercises.figures import exports
from vigil.exercises.figures.forms import committees_for
from vigil.exercises.figures.queries import ExerciseFigures, exercise_figures


class FiguresQuery(serializers.Serializer[Any]):
    year = serializers.IntegerField(
        required=False, min_value=1900, max_value=2100, help_text="default: this year"
    )
    committee = Id(
        required=False,
        help_text="this committee and those below it; default: everything you may see",
    )


class CountSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    name = serializers.CharField(help_text="in the user's language")
    count = serializers.IntegerField()


class ExerciseFiguresSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    committee = serializers.IntegerField(allow_null=True)
    classification = serializers.IntegerField(
        help_text="the highest classification among what is counted"
    )
    exercises = serializers.IntegerField(help_text="starting this year, not cancelled")
    exercises_by_type = CountSerializer(many=True, help_text="not cancelled")
    exercises_by_status = CountSerializer(many=True, help_text="cancelled ones included")
    trainings_held = serializers.IntegerField()
    participants = serializers.IntegerField(help_text="in exercises and trainings: counts only")
    exercise_participants = serializers.IntegerField()
    training_participants = serializers.IntegerField()
    agencies_involved = serializers.IntegerField(help_text="distinct, organising or taking part")
    sites_total = serializers.IntegerField(help_text="active key sites")
    sites_exercised = serializers.IntegerField(
        help_text="active key sites an exercise conducted from exercised_since to "
        "sites_exercised_as_of tested (through a plan or directly)"
    )
    sites_exercised_percent = serializers.IntegerField(allow_null=True)
    exercised_since = dates.ApiDateField(help_text="the first day of the 12 months")
    sites_exercised_as_of = dates.ApiDateField(
        help_text="the last day of the 12 months: 31 December of a past year, else today"
    )
    corrective_actions_open = serializers.IntegerField(help_text="overdue ones included")
    corrective_actions_overdue = serializers.IntegerField()
    corrective_actions_closed = serializers.IntegerField()
    median_days_to_close = serializers.FloatField(allow_null=True)
    plans_revision_required = serializers.IntegerField()
    plans_revised = serializers.IntegerField(
        help_text="seen by you, with a version approved after the finding that required it"
    )


def as_data(f: ExerciseFigures) -> dict[str, Any]:
    return {
        "year": f.year, "committee": f.committee_id, "classification": f.classification,
        "exercises": f.exercises,
        "exercises_by_type": [{"key": k, "name": str(label), "count": f.by_type[k]}
                              for k, label in ExerciseType.choices],
        "exercises_by_status": [{"key": k, "name": str(label), "count": f.by_status[k]}
                                for k, label in ExerciseStatus.choices],
        "trainings_held": f.trainings_held, "participants": f.participants,
        "exercise_participants": f.exercise_participants,
        "training_participants": f.training_participants, "agencies_involved": f.agencies,
        "sites_total": f.sites_total, "sites_exercised": f.sites_exercised,
        "sites_exercised_percent": f.sites_exercised_percent,
        "exercised_since": f.exercised_since, "sites_exercised_as_of": f.sites_as_of,
        "corrective_actions_open": f.actions_open,
        "corrective_actions_overdue": f.actions_overdue,
        "corrective_actions_closed": f.actions_closed,
        "median_days_to_close": f.median_days_to_close,
        "plans_revision_required": f.plans_revision_required, "plans_revised": f.plans_revised,
    }  # fmt: skip


class ExerciseFiguresView(Scoped):
    """A year's trainings and exercises, counted from what you may see: exercises by
    type and status, trainings held, participants, agencies, key sites exercised in the
    last 12 months, corrective actions by state and the median days to close them,
    plans revised after an exercise."""

    model = Exercise
    serializer_class = ExerciseFiguresSerializer
    pagination_class = None

    @extend_schema(parameters=[FiguresQuery], responses={200: ExerciseFiguresSerializer})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = FiguresQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        values = query.validated_data
        committee = None
        if values.get("committee") is not None:
            committee = committees_for(request.user).filter(pk=values["committee"]).first()
            if committee is None:  # missing and unseen alike
                raise serializers.ValidationError(
                    {"committee": _("Choose a committee you may see.")}
                )
        year = values.get("year") or clock.today().year
        figures = exercise_figures(request.user, year, committee=committee)
        exports.record_view(request.user, figures, path=request.get_full_path())
        return Response(ExerciseFiguresSerializer(as_data(figures)).data)
