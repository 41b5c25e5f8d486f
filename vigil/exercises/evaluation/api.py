"""REST API of the evaluation: findings, corrective actions, an objective's rating, the
after-action report. Thin: scope, then services. Findings and corrective actions are
as classified as their exercise: a response that shows one of a classified exercise
records one view event."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vigil.core import audit, clock, dates
from vigil.core.documents.decree30 import DOCX_TYPE, docx_response
from vigil.core.endpoints import BooleanFilter, Flag, Id, IdFilter, Scoped, Text, valid
from vigil.core.pages import acting
from vigil.core.parsers import JSONParser
from vigil.exercises.drills.models import Capability, Exercise, Objective, Rating
from vigil.exercises.evaluation import documents, queries, services
from vigil.exercises.evaluation.models import CorrectiveAction, Finding, FindingKind
from vigil.org.models import Agency
from vigil.org.scope import get_visible_or_404, scope_for
from vigil.sites.models import Plan

RATING_REFUSED = _("A rating is P, S, M or U.")
CAPABILITIES = [("", "—"), *Capability.choices]


# --- serializers


class SeenPlan(serializers.Serializer[Any]):
    """A ``plan`` field that names the plan's id only to a requester who sees the plan
    (a participant sees the exercise, not always the plans it tested); the rows of one
    response share one lookup."""

    plan = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_plan(self, obj: Any) -> int | None:
        request = self.context.get("request")
        if request is None or obj.plan_id is None:
            return None
        cache = self.context.setdefault("_plans_seen", {})
        if obj.plan_id not in cache:
            rows = (
                self.parent.instance
                if isinstance(self.parent, serializers.ListSerializer)
                else None
            )
            ids = {r.plan_id for r in (rows or [obj]) if r.plan_id}
            seen = set(Plan.objects.visible_to(request.user).filter(pk__in=ids)
                       .values_list("pk", flat=True))  # fmt: skip
            cache.update({pk: pk in seen for pk in ids})
        return obj.plan_id if cache.get(obj.plan_id) else None


class FindingSerializer(SeenPlan, serializers.ModelSerializer[Finding]):
    # Empty when none is named: the schema says so (the model's field is blank=True).
    capability = serializers.ChoiceField(choices=CAPABILITIES, read_only=True)
    corrective_actions = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = ["id", "exercise", "objective", "kind", "text", "capability", "plan",
                  "requires_revision", "created_at", "corrective_actions"]  # fmt: skip
        read_only_fields = fields

    def get_corrective_actions(self, obj: Finding) -> list[int]:
        return sorted(a.pk for a in obj.corrective_actions.all())


class FindingInSerializer(serializers.Serializer[Any]):
    exercise = Id()
    kind = serializers.ChoiceField(choices=FindingKind.choices)
    text = Text(max_length=5000)
    objective = Id(required=False, allow_null=True, default=None)
    capability = serializers.ChoiceField(choices=CAPABILITIES, required=False, default="")
    plan = Id(required=False, allow_null=True, default=None)
    requires_revision = Flag(required=False, default=False)


class CorrectiveActionSerializer(SeenPlan, serializers.ModelSerializer[CorrectiveAction]):
    capability = serializers.ChoiceField(choices=CAPABILITIES, read_only=True)
    agency = serializers.IntegerField(source="task.assignee_id", read_only=True)
    agency_name = serializers.CharField(source="task.assignee.name", read_only=True)
    description = serializers.CharField(source="task.description", read_only=True)
    due_on = serializers.DateField(source="task.deadline", read_only=True)
    task_state = serializers.CharField(source="task.state", read_only=True)
    done_on = serializers.DateField(source="task.done_on", read_only=True, allow_null=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = CorrectiveAction
        fields = ["id", "exercise", "finding", "task", "agency", "agency_name", "description",
                  "due_on", "state", "task_state", "done_on", "plan", "capability",
                  "created_at"]  # fmt: skip
        read_only_fields = fields

    def get_state(self, obj: CorrectiveAction) -> str:
        """open, overdue, closed (reported done or accepted) or cancelled."""
        return queries.action_state(obj.task, clock.today())


class CorrectiveActionInSerializer(serializers.Serializer[Any]):
    finding = Id()
    description = Text(max_length=5000)
    # Refused by the use case with its own words when missing.
    agency = Id(required=False, allow_null=True, default=None)
    due_on = dates.ApiDateField(required=False, allow_null=True, default=None)
    plan = Id(required=False, allow_null=True, default=None)
    capability = serializers.ChoiceField(choices=CAPABILITIES, required=False, default="")


class ObjectiveSerializer(serializers.ModelSerializer[Objective]):
    class Meta:
        model = Objective
        fields = ["id", "exercise", "number", "text", "capability", "rating", "observations",
                  "rated_at"]  # fmt: skip
        read_only_fields = fields


class RateSerializer(serializers.Serializer[Any]):
    rating = serializers.ChoiceField(
        choices=Rating.choices,
        error_messages={"invalid_choice": RATING_REFUSED, "required": RATING_REFUSED},
    )
    observations = Text(required=False, default="", allow_blank=True, max_length=5000)


# --- audit: a finding or an action is as classified as its exercise


class _ByExercise(Scoped):
    """Lists and details that record one view event when they show something of a
    classified exercise."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        audit.record_view(request.user, [r.exercise for r in rows], path=request.get_full_path())
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        audit.record_view(request.user, [obj.exercise], about=obj, path=request.path)
        return Response(self.get_serializer(obj).data)


def _plan(user: Any, pk: int | None) -> Plan | None:
    return None if pk is None else get_visible_or_404(Plan.objects, user, pk=pk)


# --- findings


class FindingFilter(filters.FilterSet):  # type: ignore[misc]
    exercise = IdFilter(field_name="exercise_id")
    plan = IdFilter(field_name="plan_id")
    kind = filters.ChoiceFilter(choices=FindingKind.choices)
    requires_revision = BooleanFilter()

    class Meta:
        model = Finding
        fields: list[str] = []


class FindingList(_ByExercise, generics.ListCreateAPIView[Finding]):
    parser_classes = [JSONParser]
    model = Finding
    serializer_class = FindingSerializer
    filterset_class = FindingFilter

    def get_queryset(self) -> QuerySet[Finding]:
        return (
            queries.findings_for(self.request.user)
            .prefetch_related("corrective_actions")
            .order_by("pk")
        )

    @extend_schema(request=FindingInSerializer, responses={201: FindingSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(FindingInSerializer, request)
        user = acting(request)
        exercise: Exercise = get_visible_or_404(
            Exercise.objects.select_related("owning_committee"), user, pk=values.pop("exercise")
        )
        number = values.pop("objective")
        values["objective"] = (
            None if number is None else generics.get_object_or_404(exercise.objectives, pk=number)
        )
        values["plan"] = _plan(user, values["plan"])
        finding = services.record_finding(exercise, actor=user, **values)
        return Response(FindingSerializer(finding).data, status=201)


class FindingDetail(_ByExercise, generics.RetrieveAPIView[Finding]):
    model = Finding
    serializer_class = FindingSerializer

    def get_queryset(self) -> QuerySet[Finding]:
        return queries.findings_for(self.request.user).prefetch_related("corrective_actions")


# --- corrective actions


class CorrectiveActionFilter(filters.FilterSet):  # type: ignore[misc]
    exercise = IdFilter(field_name="exercise_id")
    finding = IdFilter(field_name="finding_id")
    agency = IdFilter(field_name="task__assignee_id")
    state = filters.ChoiceFilter(choices=list(queries.STATES.items()), method="by_state")
    mine = BooleanFilter(method="by_mine", label=_("Only those assigned to my agencies"))

    class Meta:
        model = CorrectiveAction
        fields: list[str] = []

    def by_state(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(queries.state_filter(value))

    def by_mine(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if not value:
            return queryset
        return queryset.filter(task__assignee_id__in=scope_for(self.request.user).agency_ids)


class CorrectiveActionList(_ByExercise, generics.ListCreateAPIView[CorrectiveAction]):
    parser_classes = [JSONParser]
    model = CorrectiveAction
    serializer_class = CorrectiveActionSerializer
    filterset_class = CorrectiveActionFilter

    def get_queryset(self) -> QuerySet[CorrectiveAction]:
        return queries.visible_actions(self.request.user).order_by("pk")

    @extend_schema(
        request=CorrectiveActionInSerializer, responses={201: CorrectiveActionSerializer}
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(CorrectiveActionInSerializer, request)
        user = acting(request)
        finding: Finding = get_visible_or_404(
            Finding.objects.select_related("exercise"), user, pk=values.pop("finding")
        )
        agency = values["agency"]
        values["agency"] = None if agency is None else get_visible_or_404(
            Agency.objects, user, pk=agency)  # fmt: skip
        values["plan"] = _plan(user, values["plan"])
        action = services.file_corrective_action(finding, actor=user, **values)
        shown = queries.visible_actions(user).get(pk=action.pk)
        return Response(CorrectiveActionSerializer(shown).data, status=201)


class CorrectiveActionDetail(_ByExercise, generics.RetrieveAPIView[CorrectiveAction]):
    model = CorrectiveAction
    serializer_class = CorrectiveActionSerializer

    def get_queryset(self) -> QuerySet[CorrectiveAction]:
        return queries.visible_actions(self.request.user)


# --- an objective's rating


class ObjectiveRate(Scoped):
    parser_classes = [JSONParser]
    model = Objective
    serializer_class = ObjectiveSerializer

    def get_queryset(self) -> QuerySet[Objective]:
        return super().get_queryset().select_related("exercise__owning_committee")

    @extend_schema(request=RateSerializer, responses={200: ObjectiveSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Rate the objective P, S, M or U, with observations (the exercise's keepers,
        while it is conducted)."""
        objective = self.get_object()
        values = valid(RateSerializer, request)
        rated = services.rate_objective(objective, actor=acting(request), **values)
        return Response(ObjectiveSerializer(rated).data)


# --- the after-action report


class ExerciseDocx(APIView):
    """``GET /api/v1/exercises/<id>/after-action.docx``: the after-action report and
    improvement plan as a Decree 30 .docx (a draft), naming only the plans, sites and
    tasks the reader sees."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The file goes out as .docx whatever the client accepts; errors as JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={
            (200, DOCX_TYPE): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The after-action report as .docx."
            )
        }
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        exercise: Exercise = get_visible_or_404(
            Exercise.objects.select_related("owning_committee__admin_unit__parent",
                                            "owning_agency"),
            request.user, pk=pk,
        )  # fmt: skip
        contents = documents.contents(exercise, request.user)
        audit.record_view(request.user, contents.shown, about=exercise,
                          path=request.get_full_path())  # fmt: skip
        return docx_response(documents.filename(exercise), documents.build(contents))
