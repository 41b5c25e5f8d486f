"""REST API of exercises: the list (and a new one, with its participants and objectives
nested), an exercise (and a change, with the version read), and its lifecycle steps.
Thin: scope, then the services; the same filters as the list page. JSON only for writes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import audit, dates
from vigil.core.endpoints import Audited, Id, IdFilter, Scoped, Text, created, valid
from vigil.core.pages import acting
from vigil.core.parsers import JSONParser
from vigil.exercises.drills import queries, services
from vigil.exercises.drills.models import (
    Capability,
    Exercise,
    ExerciseStatus,
    ExerciseType,
    Objective,
    Participant,
)
from vigil.org.models import Agency, Committee
from vigil.org.scope import admin_units_visible_to, get_visible_or_404
from vigil.sites.models import KeySite, Plan

# Counts below zero reach the service, which refuses them in its own words.
COUNT_MIN, COUNT_MAX = -(10**6), 10**6

# --- serializers


class ExerciseParticipantSerializer(serializers.ModelSerializer[Participant]):
    class Meta:
        model = Participant
        fields = ["agency", "people", "equipment"]
        read_only_fields = fields


class ExerciseObjectiveSerializer(serializers.ModelSerializer[Objective]):
    class Meta:
        model = Objective
        fields = ["id", "number", "text", "capability", "rating", "observations", "rated_at"]
        read_only_fields = fields


class ExerciseSerializer(serializers.ModelSerializer[Exercise]):
    site = serializers.SerializerMethodField()

    class Meta:
        model = Exercise
        fields = [
            "id", "type", "name", "starts_on", "ends_on", "site", "commune", "place",
            "owning_committee", "owning_agency", "status", "conducted_on", "classification",
            "version",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_site(self, obj: Exercise) -> int | None:
        """The key site's id when the requester sees the site (a participant may see an
        exercise held at a site it may not see); the page's rows share one lookup."""
        request = self.context.get("request")
        if request is None or obj.site_id is None:
            return None
        cache = self.context.setdefault("_sites_seen", {})
        if obj.site_id not in cache:
            rows = (
                self.parent.instance
                if isinstance(self.parent, serializers.ListSerializer)
                else [obj]
            )
            seen = queries.visible_site_ids(request.user, rows or [obj])
            cache.update({e.site_id: e.site_id in seen for e in (rows or [obj]) if e.site_id})
        return obj.site_id if cache.get(obj.site_id) else None


class ExerciseDetailSerializer(ExerciseSerializer):
    plans = serializers.SerializerMethodField()
    sites = serializers.SerializerMethodField()
    participants = ExerciseParticipantSerializer(many=True, read_only=True)
    objectives = ExerciseObjectiveSerializer(many=True, read_only=True)
    missing_for_close = serializers.SerializerMethodField()

    class Meta(ExerciseSerializer.Meta):
        fields = [
            *ExerciseSerializer.Meta.fields, "scenario", "summary", "evaluated_at", "closed_at",
            "cancel_reason", "created_at", "plans", "sites", "participants", "objectives",
            "missing_for_close",
        ]  # fmt: skip
        read_only_fields = fields

    def _viewer(self) -> Any:
        request = self.context.get("request")
        return request.user if request is not None else None

    def get_plans(self, obj: Exercise) -> list[int]:
        """The ids of the plans tested that the requester sees."""
        return list(
            obj.plans.visible_to(self._viewer()).order_by("pk").values_list("pk", flat=True)
        )

    def get_sites(self, obj: Exercise) -> list[int]:
        return list(
            obj.sites.visible_to(self._viewer()).order_by("pk").values_list("pk", flat=True)
        )

    def get_missing_for_close(self, obj: Exercise) -> list[str]:
        """What still stops the exercise from being closed, in words (empty: nothing)."""
        return [str(m) for m in services.missing_for_close(obj)]


class ExerciseParticipantInSerializer(serializers.Serializer[Any]):
    agency = Id()
    people = serializers.IntegerField(default=0, min_value=COUNT_MIN, max_value=COUNT_MAX)
    equipment = serializers.IntegerField(default=0, min_value=COUNT_MIN, max_value=COUNT_MAX)


class ExerciseObjectiveInSerializer(serializers.Serializer[Any]):
    text = Text(max_length=2000)
    capability = serializers.ChoiceField(choices=Capability.choices)


class ExerciseChangeSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=1, help_text="The exercise's version you read; refused (409) if it changed since."
    )
    type = serializers.ChoiceField(choices=ExerciseType.choices, required=False)
    name = Text(max_length=300, required=False)
    scenario = Text(max_length=20000, required=False, allow_blank=True)
    starts_on = dates.ApiDateField(required=False)
    ends_on = dates.ApiDateField(required=False)
    site = Id(required=False, allow_null=True)
    commune = Id(required=False, allow_null=True)
    place = Text(max_length=300, required=False, allow_blank=True)
    summary = Text(max_length=20000, required=False, allow_blank=True)
    plans = serializers.ListField(child=Id(), required=False, max_length=100)
    sites = serializers.ListField(child=Id(), required=False, max_length=100)
    participants = serializers.ListField(
        child=ExerciseParticipantInSerializer(), required=False, max_length=200
    )
    classification = serializers.IntegerField(min_value=0, max_value=3, required=False)


class ExerciseCreateSerializer(ExerciseChangeSerializer):
    version = None  # type: ignore[assignment]
    committee = Id()
    type = serializers.ChoiceField(choices=ExerciseType.choices)
    name = Text(max_length=300)
    starts_on = dates.ApiDateField()
    ends_on = dates.ApiDateField()
    organising_agency = Id(required=False, allow_null=True)
    objectives = serializers.ListField(
        child=ExerciseObjectiveInSerializer(), required=False, max_length=100
    )
    summary = None  # type: ignore[assignment]


class ExerciseConductSerializer(serializers.Serializer[Any]):
    on = dates.ApiDateField(required=False, allow_null=True, default=None)


class ExerciseFinishSerializer(serializers.Serializer[Any]):
    summary = Text(max_length=20000, required=False, allow_null=True, default=None)


class ExerciseCancelSerializer(serializers.Serializer[Any]):
    reason = Text(max_length=2000)


def _resolve(values: dict[str, Any], user: Any) -> dict[str, Any]:
    """Ids to objects. What the requester does not see is refused in the service's words
    (a plan or site of the committee that you may see), as an unknown id is."""
    if values.get("site") is not None:
        site = KeySite.objects.visible_to(user).filter(pk=values["site"]).first()
        if site is None:
            raise serializers.ValidationError(
                {"site": _("Choose key sites of this committee that you may see.")}
            )
        values["site"] = site
    if values.get("commune") is not None:
        values["commune"] = generics.get_object_or_404(
            admin_units_visible_to(user), pk=values["commune"]
        )
    for name, model, message in (
        ("plans", Plan, _("Choose plans of this committee that you may see.")),
        ("sites", KeySite, _("Choose key sites of this committee that you may see.")),
    ):
        if name in values:
            ids = set(values[name])
            found = list(model.objects.visible_to(user).filter(pk__in=ids))
            if len(found) != len(ids):
                raise serializers.ValidationError({name: message})
            values[name] = found
    if "participants" in values:
        ids = {p["agency"] for p in values["participants"]}
        agencies = {a.pk: a for a in Agency.objects.filter(pk__in=ids)}
        if len(agencies) != len(ids):
            raise serializers.ValidationError(
                {"participants": _("Choose agencies of this committee.")}
            )
        values["participants"] = [
            services.ParticipantSpec(agencies[p["agency"]], p["people"], p["equipment"])
            for p in values["participants"]
        ]
    if "objectives" in values:
        values["objectives"] = [
            services.ObjectiveSpec(o["text"], o["capability"]) for o in values["objectives"]
        ]
    if values.get("organising_agency") is not None:
        agency = Agency.objects.filter(pk=values["organising_agency"]).first()
        if agency is None:
            raise serializers.ValidationError(
                {"organising_agency": _("Choose an agency of this committee.")}
            )
        values["organising_agency"] = agency
    return values


def _detail(exercise: Exercise, request: Request) -> Response:
    fresh = _with_rows(Exercise.objects.all()).get(pk=exercise.pk)
    return Response(ExerciseDetailSerializer(fresh, context={"request": request}).data)


def _with_rows(queryset: QuerySet[Exercise]) -> QuerySet[Exercise]:
    return queryset.prefetch_related("participants", "objectives")


# --- endpoints


class ExerciseFilter(filters.FilterSet):  # type: ignore[misc]
    year = filters.NumberFilter(field_name="starts_on", lookup_expr="year", min_value=1900,
                                max_value=2100)  # fmt: skip
    type = filters.ChoiceFilter(choices=ExerciseType.choices)
    status = filters.ChoiceFilter(choices=ExerciseStatus.choices)
    committee = IdFilter(field_name="owning_committee_id")
    plan = IdFilter(method="by_plan")
    site = IdFilter(method="by_site")

    class Meta:
        model = Exercise
        fields: list[str] = []

    def by_plan(self, queryset: QuerySet[Any], name: str, value: int | None) -> QuerySet[Any]:
        return queryset.filter(plans=value) if value else queryset

    def by_site(self, queryset: QuerySet[Any], name: str, value: int | None) -> QuerySet[Any]:
        if not value:
            return queryset
        return queryset.filter(pk__in=queries.exercises_for(
            self.request.user, queries.ExerciseFilters(site=value)).values("pk"))  # fmt: skip


class ExerciseList(Scoped, Audited, generics.ListCreateAPIView[Exercise]):
    parser_classes = [JSONParser]
    model = Exercise
    serializer_class = ExerciseSerializer
    filterset_class = ExerciseFilter

    def get_queryset(self) -> QuerySet[Exercise]:
        return queries.exercises_for(self.request.user).order_by("pk")

    @extend_schema(request=ExerciseCreateSerializer, responses={201: ExerciseDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = acting(request)
        values = _resolve(valid(ExerciseCreateSerializer, request), user)
        committee = get_visible_or_404(Committee.objects, user, pk=values.pop("committee"))
        exercise = services.plan_exercise(committee, actor=user, **values)
        return created(ExerciseDetailSerializer, _with_rows(Exercise.objects.all()).get(
            pk=exercise.pk), request)  # fmt: skip


class _Conflict:
    """A stale version is 409, in the API's error format."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, services.StaleExercise):
            return Response(
                {"error": {"code": "conflict", "message": exc.messages[0], "fields": {}}},
                status=409,
            )
        return super().handle_exception(exc)  # type: ignore[misc, no-any-return]


class ExerciseDetail(_Conflict, Scoped, Audited, generics.RetrieveAPIView[Exercise]):
    parser_classes = [JSONParser]
    model = Exercise
    serializer_class = ExerciseDetailSerializer

    def get_queryset(self) -> QuerySet[Exercise]:
        return _with_rows(super().get_queryset())

    @extend_schema(request=ExerciseChangeSerializer, responses={200: ExerciseDetailSerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        exercise = self.get_object()
        user = acting(request)
        _require_keeper(request, exercise)
        values = _resolve(valid(ExerciseChangeSerializer, request), user)
        changed = services.change_exercise(exercise, actor=user, **values)
        return _detail(changed, request)


def _require_keeper(request: Request, exercise: Exercise) -> None:
    """A reader is refused (403) before the body is read (a JSON-only 415, a 400)."""
    if not services.may_keep(request.user, exercise):
        raise PermissionDenied(_("Only the committee's standing office or a leader may do this."))


class _Step(Scoped, generics.GenericAPIView[Exercise]):
    parser_classes = [JSONParser]
    model = Exercise
    serializer_class = ExerciseDetailSerializer
    input_class: type[serializers.Serializer[Any]] | None = None

    def act(self, exercise: Exercise, values: dict[str, Any], request: Request) -> Any:
        raise NotImplementedError

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        exercise = self.get_object()
        _require_keeper(request, exercise)
        values = valid(self.input_class, request) if self.input_class else {}
        self.act(exercise, values, request)
        return _detail(exercise, request)


class ExerciseConduct(_Step):
    input_class = ExerciseConductSerializer

    @extend_schema(request=ExerciseConductSerializer, responses={200: ExerciseDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def act(self, exercise: Exercise, values: dict[str, Any], request: Request) -> Any:
        return services.conduct(exercise, actor=acting(request), on=values["on"])


class ExerciseFinishEvaluation(_Step):
    input_class = ExerciseFinishSerializer

    @extend_schema(request=ExerciseFinishSerializer, responses={200: ExerciseDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def act(self, exercise: Exercise, values: dict[str, Any], request: Request) -> Any:
        return services.finish_evaluation(exercise, actor=acting(request),
                                          summary=values["summary"])  # fmt: skip


class ExerciseClose(_Step):
    @extend_schema(request=None, responses={200: ExerciseDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def act(self, exercise: Exercise, values: dict[str, Any], request: Request) -> Any:
        return services.close_exercise(exercise, actor=acting(request))


class ExerciseCancel(_Step):
    input_class = ExerciseCancelSerializer

    @extend_schema(request=ExerciseCancelSerializer, responses={200: ExerciseDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def act(self, exercise: Exercise, values: dict[str, Any], request: Request) -> Any:
        return services.cancel_exercise(exercise, actor=acting(request), reason=values["reason"])


class ExerciseObjectives(_Step):
    """``POST``: one more objective (``GET``: the exercise's objectives)."""

    serializer_class = ExerciseObjectiveSerializer  # type: ignore[assignment]
    input_class = ExerciseObjectiveInSerializer
    pagination_class = None

    @extend_schema(responses={200: ExerciseObjectiveSerializer(many=True)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        exercise = self.get_object()
        audit.record_view(request.user, [exercise], about=exercise, path=request.path)
        return Response(
            ExerciseObjectiveSerializer(exercise.objectives.order_by("number"), many=True).data
        )

    @extend_schema(
        request=ExerciseObjectiveInSerializer, responses={201: ExerciseObjectiveSerializer}
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        exercise = self.get_object()
        _require_keeper(request, exercise)
        values = valid(ExerciseObjectiveInSerializer, request)
        objective = services.add_objective(exercise, actor=acting(request), **values)
        return created(ExerciseObjectiveSerializer, objective, request)
