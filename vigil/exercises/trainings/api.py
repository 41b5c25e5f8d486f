"""REST API of trainings: the list (and a new one), a training (and a change), and
its two actions: recorded as held (with the final counts) and cancelled. Thin:
scope, then services; the same filters as the list page. JSON only for writes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import dates
from vigil.core.endpoints import Audited, Id, IdFilter, Scoped, Text, created, valid
from vigil.core.pages import acting
from vigil.core.parsers import JSONParser
from vigil.exercises.trainings import queries, services
from vigil.exercises.trainings.models import Training, TrainingAudience, TrainingStatus
from vigil.exercises.trainings.services import MOST_PARTICIPANTS, AudienceSpec
from vigil.org.models import Agency, Committee
from vigil.org.scope import admin_units_visible_to, get_visible_or_404

# --- serializers


class TrainingAudienceSerializer(serializers.ModelSerializer[TrainingAudience]):
    class Meta:
        model = TrainingAudience
        fields = ["agency", "participants"]
        read_only_fields = fields


class TrainingSerializer(serializers.ModelSerializer[Training]):
    audience = TrainingAudienceSerializer(many=True, read_only=True)
    participants_total = serializers.SerializerMethodField()

    class Meta:
        model = Training
        fields = [
            "id", "topic", "description", "starts_on", "ends_on", "place", "commune",
            "trainer_unit", "owning_committee", "owning_agency", "audience",
            "participants_total", "status", "cancel_reason", "classification",
            "shared_agencies", "version", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_participants_total(self, obj: Training) -> int:
        """People trained, summed over the audience (counts, never names)."""
        return sum(a.participants for a in obj.audience.all())


class TrainingAudienceInput(serializers.Serializer[Any]):
    agency = Id()
    participants = serializers.IntegerField(
        min_value=0, max_value=MOST_PARTICIPANTS,
        error_messages={"min_value": gettext_lazy("Counts cannot be negative.")},
    )  # fmt: skip


class TrainingFields(serializers.Serializer[Any]):
    topic = Text(max_length=300, required=False)
    description = Text(max_length=20000, required=False, allow_blank=True)
    starts_on = dates.ApiDateField(required=False)
    ends_on = dates.ApiDateField(required=False)
    organising_agency = Id(required=False)
    trainer_unit = Text(max_length=300, required=False, allow_blank=True)
    place = Text(max_length=300, required=False, allow_blank=True)
    commune = Id(required=False, allow_null=True)
    audience = TrainingAudienceInput(many=True, required=False)
    classification = serializers.IntegerField(min_value=0, max_value=3, required=False)
    shared_agencies = serializers.ListField(child=Id(), required=False, max_length=200)


class TrainingChangeSerializer(TrainingFields):
    version = serializers.IntegerField(
        min_value=1, help_text="The training's version you read; refused if it changed since."
    )


class TrainingPlanSerializer(TrainingFields):
    committee = Id()
    topic = Text(max_length=300)
    starts_on = dates.ApiDateField()
    ends_on = dates.ApiDateField()


class TrainingHeldSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, required=False)
    audience = TrainingAudienceInput(
        many=True, required=False, help_text="The final counts; by default the audience planned."
    )


class TrainingCancelSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, required=False)
    reason = Text(max_length=2000)


def _agencies(ids: list[int], user: Any, field: str) -> list[Agency]:
    found = {a.pk: a for a in Agency.objects.visible_to(user).filter(pk__in=set(ids))}
    if len(found) != len(set(ids)):
        raise serializers.ValidationError({field: _("Choose agencies you can see.")})
    return [found[pk] for pk in ids]


def _resolve(values: dict[str, Any], user: Any) -> dict[str, Any]:
    """Ids to objects, each within what the requester sees."""
    if values.get("commune") is not None:
        values["commune"] = generics.get_object_or_404(
            admin_units_visible_to(user), pk=values["commune"]
        )
    if "organising_agency" in values:
        (values["organising_agency"],) = _agencies(
            [values["organising_agency"]], user, "organising_agency"
        )
    if "shared_agencies" in values:
        values["shared_agencies"] = _agencies(values["shared_agencies"], user, "shared_agencies")
    if "audience" in values:
        rows = values["audience"]
        agencies = _agencies([r["agency"] for r in rows], user, "audience")
        values["audience"] = [
            AudienceSpec(agency, r["participants"])
            for agency, r in zip(agencies, rows, strict=True)
        ]
    return values


# --- endpoints


class TrainingFilter(filters.FilterSet):  # type: ignore[misc]
    year = filters.NumberFilter(field_name="starts_on", lookup_expr="year", min_value=1900,
                                max_value=2100)  # fmt: skip
    status = filters.ChoiceFilter(choices=TrainingStatus.choices)
    committee = IdFilter(field_name="owning_committee_id")

    class Meta:
        model = Training
        fields: list[str] = []


class TrainingList(Scoped, Audited, generics.ListCreateAPIView[Training]):
    # JSON only: a blank date or number in a form body would be read as "not given".
    parser_classes = [JSONParser]
    model = Training
    serializer_class = TrainingSerializer
    filterset_class = TrainingFilter

    def get_queryset(self) -> QuerySet[Training]:
        return (
            queries.trainings_for(self.request.user)
            .prefetch_related("audience", "shared_agencies")
            .order_by("pk")
        )

    @extend_schema(request=TrainingPlanSerializer, responses={201: TrainingSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = acting(request)
        values = _resolve(valid(TrainingPlanSerializer, request), user)
        committee = get_visible_or_404(Committee.objects, user, pk=values.pop("committee"))
        training = services.plan_training(committee, actor=user, **values)
        return created(TrainingSerializer, training, request)


class TrainingDetail(Scoped, Audited, generics.RetrieveAPIView[Training]):
    parser_classes = [JSONParser]
    model = Training
    serializer_class = TrainingSerializer

    def get_queryset(self) -> QuerySet[Training]:
        return super().get_queryset().prefetch_related("audience", "shared_agencies")

    def done(self, training: Training) -> Response:
        return Response(TrainingSerializer(self.get_queryset().get(pk=training.pk)).data)

    @extend_schema(request=TrainingChangeSerializer, responses={200: TrainingSerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        training = self.get_object()
        user = acting(request)
        values = _resolve(valid(TrainingChangeSerializer, request), user)
        version = values.pop("version")
        return self.done(services.change_training(training, actor=user, version=version,
                                                  **values))  # fmt: skip


class TrainingHeld(Scoped, generics.GenericAPIView[Training]):
    parser_classes = [JSONParser]
    model = Training
    serializer_class = TrainingSerializer

    @extend_schema(request=TrainingHeldSerializer, responses={200: TrainingSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        training = self.get_object()
        user = acting(request)
        values = _resolve(valid(TrainingHeldSerializer, request), user)
        held = services.record_held(training, actor=user, version=values.get("version"),
                                    audience=values.get("audience"))  # fmt: skip
        return Response(TrainingSerializer(held).data)


class TrainingCancel(Scoped, generics.GenericAPIView[Training]):
    parser_classes = [JSONParser]
    model = Training
    serializer_class = TrainingSerializer

    @extend_schema(request=TrainingCancelSerializer, responses={200: TrainingSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        training = self.get_object()
        values = valid(TrainingCancelSerializer, request)
        cancelled = services.cancel_training(training, actor=acting(request),
                                             reason=values["reason"],
                                             version=values.get("version"))  # fmt: skip
        return Response(TrainingSerializer(cancelled).data)
