"""REST API of exercise mode: an exercise's incidents (GET, POST opens one), its
alerts (GET, POST drafts one) and its timeline. Thin: scope, then services. The
exercise is found in ``visible_to(user)`` (404 otherwise); its incidents and alerts
too; a classified one in a response is audited as a read. JSON only for writes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import audit, dates
from vigil.core.endpoints import Id, Scoped, Text, valid
from vigil.core.pages import acting
from vigil.core.parsers import JSONParser
from vigil.exercises.drills.models import Exercise
from vigil.exercises.live import queries, services
from vigil.org.models import Agency
from vigil.org.scope import admin_units_visible_to, get_visible_or_404
from vigil.sites.models import KeySite
from vigil.situation.alerts.api import AlertFieldsSerializer, AlertSerializer, shown
from vigil.situation.alerts.models import Alert
from vigil.situation.incidents.api import IncidentChangeSerializer, IncidentSerializer
from vigil.situation.incidents.models import Incident, IncidentType
from vigil.situation.terms import Certainty, Severity, Urgency

# --- serializers


class ExerciseIncidentInSerializer(IncidentChangeSerializer):
    """An exercise incident: where defaults to the exercise's site (or commune)."""

    reporting_agency = Id(required=False, allow_null=True)
    title = Text(max_length=300)
    type = serializers.ChoiceField(choices=IncidentType.choices)


class ExerciseAlertInSerializer(AlertFieldsSerializer):
    """An exercise alert: its CAP status is Exercise; its area defaults to the
    exercise's site (or commune); it may name only the exercise's incidents."""

    cap_status = None  # type: ignore[assignment]
    agency = Id(required=False, allow_null=True, default=None)
    event = Text(max_length=200)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)
    certainty = serializers.ChoiceField(choices=Certainty.choices)
    headline = Text(max_length=300)


class TimelineRowSerializer(serializers.Serializer[Any]):
    at = dates.ApiDateTimeField(read_only=True)
    kind = serializers.ChoiceField(choices=[("incident", "incident"), ("alert", "alert")],
                                   read_only=True)  # fmt: skip
    incident = serializers.SerializerMethodField()
    alert = serializers.SerializerMethodField()
    what = serializers.CharField(read_only=True)
    by = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    recipient = serializers.CharField(read_only=True)
    is_exercise = serializers.SerializerMethodField()

    def get_incident(self, row: queries.TimelineRow) -> int | None:
        return row.subject.pk if row.kind == "incident" else None

    def get_alert(self, row: queries.TimelineRow) -> int | None:
        return row.subject.pk if row.kind == "alert" else None

    def get_is_exercise(self, row: queries.TimelineRow) -> bool:
        return True


TIMELINE = inline_serializer(
    "ExerciseTimeline",
    {
        "exercise": serializers.IntegerField(),
        "mode_open": serializers.BooleanField(),
        "mode_closed_because": serializers.CharField(),
        "incidents": serializers.ListField(child=serializers.IntegerField()),
        "alerts": serializers.ListField(child=serializers.IntegerField()),
        "rows": TimelineRowSerializer(many=True),
    },
)


def _resolve_incident(values: dict[str, Any], user: Any) -> dict[str, Any]:
    """Ids to objects, each within what the requester sees (404 otherwise)."""
    if values.get("site") is not None:
        values["site"] = get_visible_or_404(KeySite.objects, user, pk=values["site"])
    if values.get("commune") is not None:
        values["commune"] = generics.get_object_or_404(
            admin_units_visible_to(user), pk=values["commune"]
        )
    if values.get("reporting_agency") is not None:
        values["reporting_agency"] = get_visible_or_404(
            Agency.objects, user, pk=values["reporting_agency"]
        )
    if "involved_agencies" in values:
        ids = set(values["involved_agencies"])
        agencies = list(Agency.objects.visible_to(user).filter(pk__in=ids))
        if len(agencies) != len(ids):
            raise serializers.ValidationError(
                {"involved_agencies": _("Choose agencies you can see.")}
            )
        values["involved_agencies"] = agencies
    return values


# --- endpoints


class _OfExercise(Scoped, generics.GenericAPIView[Exercise]):
    parser_classes = [JSONParser]
    model = Exercise
    pagination_class = None

    def get_queryset(self) -> QuerySet[Exercise]:
        return super().get_queryset().select_related("owning_committee", "site", "commune")


class ExerciseIncidents(_OfExercise):
    """The exercise's incidents the requester sees (GET); an exercise incident opened
    for it (POST), while exercise mode is open."""

    serializer_class = IncidentSerializer

    @extend_schema(responses={200: IncidentSerializer(many=True)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        exercise = self.get_object()
        rows = list(queries.incidents_of(exercise, request.user).prefetch_related(
            "involved_agencies"))  # fmt: skip
        audit.record_view(request.user, [exercise, *rows], about=exercise, path=request.path)
        return Response(IncidentSerializer(rows, many=True).data)

    @extend_schema(request=ExerciseIncidentInSerializer, responses={201: IncidentSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        exercise = self.get_object()
        user = acting(request)
        values = _resolve_incident(valid(ExerciseIncidentInSerializer, request), user)
        incident = services.open_exercise_incident(exercise, actor=user, **values)
        return Response(IncidentSerializer(Incident.objects.get(pk=incident.pk)).data, status=201)


class ExerciseAlerts(_OfExercise):
    """The exercise's alerts the requester sees (GET); an exercise alert drafted for
    it (POST), while exercise mode is open; a leader approves it as any alert."""

    serializer_class = AlertSerializer

    @extend_schema(responses={200: AlertSerializer(many=True)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        exercise = self.get_object()
        rows = list(shown(queries.alerts_of(exercise, request.user), request.user))
        audit.record_view(request.user, [exercise, *rows], about=exercise, path=request.path)
        return Response(AlertSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(request=ExerciseAlertInSerializer, responses={201: AlertSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        exercise = self.get_object()
        user = acting(request)
        values = valid(ExerciseAlertInSerializer, request)
        agency_id = values.pop("agency")
        if agency_id is not None:
            values["agency"] = get_visible_or_404(Agency.objects, user, pk=agency_id)
        alert = services.draft_exercise_alert(exercise, actor=user, **values)
        row = shown(Alert.objects.filter(pk=alert.pk), user).get()
        return Response(AlertSerializer(row, context={"request": request}).data, status=201)


class ExerciseTimeline(_OfExercise):
    """The exercise's incidents and alerts the requester sees, with their moves,
    updates and alert events in time order, each an exercise (DIỄN TẬP)."""

    serializer_class = TimelineRowSerializer

    @extend_schema(responses={200: TIMELINE})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        exercise = self.get_object()
        found = queries.timeline(exercise, request.user)
        audit.record_view(request.user, [exercise, *found.shown], about=exercise,
                          path=request.path)  # fmt: skip
        refusal = queries.mode_refusal(exercise)
        return Response({
            "exercise": exercise.pk, "mode_open": not refusal, "mode_closed_because": refusal,
            "incidents": [i.pk for i in found.incidents], "alerts": [a.pk for a in found.alerts],
            "rows": TimelineRowSerializer(found.rows, many=True).data,
        })  # fmt: skip
