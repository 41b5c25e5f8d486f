"""REST API of work plans and meetings. Thin: scope, then services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import dates
from vigil.core.classification import Classification
from vigil.core.endpoints import Audited, Id, Scoped, created, valid
from vigil.core.pages import acting
from vigil.work.api import (
    agencies_or_404,
    issuer_committee_or_404,
    point_specs,
    points_field,
    require_issuer_or_403,
)
from vigil.work.records import services
from vigil.work.records.models import Meeting, WorkPlan
from vigil.work.tasks.api import TaskSerializer
from vigil.work.tasks.models import Task

# --- plans, meetings, incoming documents: the same services as the pages


class PlanSerializer(serializers.ModelSerializer[Any]):
    committee = serializers.IntegerField(source="owning_committee_id", read_only=True)
    items = serializers.SerializerMethodField()

    class Meta:
        model = WorkPlan
        fields = ["id", "committee", "year", "title", "classification", "items"]

    def get_items(self, obj: Any) -> list[dict[str, Any]]:
        return [{"order": i.order, "text": i.text} for i in obj.items.all()]


class MeetingSerializer(serializers.ModelSerializer[Any]):
    committee = serializers.IntegerField(source="owning_committee_id", read_only=True)
    points = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = ["id", "committee", "kind", "title", "held_on", "agenda", "invited",
                  "attending", "conclusions", "reviews_year", "classification",
                  "points"]  # fmt: skip

    def get_points(self, obj: Any) -> list[dict[str, Any]]:
        return [{"order": p.order, "text": p.text} for p in obj.points.all()]


class PlanCreateSerializer(serializers.Serializer[Any]):
    committee = Id()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=300)
    classification = serializers.ChoiceField(choices=Classification.choices, default=0)
    items = points_field(required=False, default=list)


class _PointTasksSerializer(serializers.Serializer[Any]):
    """Agencies for a point already recorded; the point's text is the tasks' description."""

    title = serializers.CharField(max_length=300, required=False, default="")
    lead = serializers.ListField(child=Id(), min_length=1, max_length=200)
    supporting = serializers.ListField(child=Id(), required=False, default=list, max_length=200)
    deadline = dates.ApiDateField(required=False, allow_null=True, default=None)
    deadline_working_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=365
    )
    priority = serializers.ChoiceField(choices=Task.Priority.choices, default=1)


class PlanItemTasksSerializer(_PointTasksSerializer):
    item = serializers.IntegerField(min_value=1, max_value=32767, help_text="The item's number.")


class MeetingCreateSerializer(serializers.Serializer[Any]):
    committee = Id()
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices)
    title = serializers.CharField(max_length=300)
    held_on = dates.ApiDateField()
    agenda = serializers.CharField(required=False, allow_blank=True, default="")
    invited = serializers.ListField(child=Id(), required=False, default=list, max_length=200)
    attending = serializers.ListField(child=Id(), required=False, default=list, max_length=200)
    conclusions = serializers.CharField(required=False, allow_blank=True, default="")
    classification = serializers.ChoiceField(choices=Classification.choices, default=0)
    points = points_field(required=False, default=list)
    reviews_year = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=2000, max_value=2100,
        help_text="For the annual review conference (hội nghị tổng kết): the year it reviews.",
    )  # fmt: skip


class ConclusionTasksSerializer(_PointTasksSerializer):
    point = serializers.IntegerField(
        min_value=1, max_value=32767, help_text="The conclusion point's number."
    )


class PlanList(Audited, Scoped, generics.ListAPIView[Any]):
    serializer_class = PlanSerializer

    model = WorkPlan

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().prefetch_related("items").order_by("-year", "pk")

    @extend_schema(request=PlanCreateSerializer, responses={201: PlanSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(PlanCreateSerializer, request)
        committee = issuer_committee_or_404(request, values.pop("committee"))
        plan = services.create_work_plan(
            committee,
            items=point_specs(request, values.pop("items")),
            actor=acting(request),
            **values,
        )
        return created(PlanSerializer, plan, request)


class PlanDetail(Audited, Scoped, generics.RetrieveAPIView[Any]):
    model = WorkPlan
    serializer_class = PlanSerializer


class _HandOut(Scoped):
    """A numbered part of a visible record (a plan's item, a meeting's conclusion)
    handed to agencies: one task each. Subclasses name the part and the service."""

    body: type[serializers.Serializer[Any]]  # what the request carries
    part: str  # the body's key for the part's number, e.g. "item"
    related: str  # the record's parts, e.g. "items"
    missing: Any  # the message when the record has no part of that number
    service: Callable[..., list[Task]]

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        require_issuer_or_403(request, record.owning_committee)
        values = valid(self.body, request)
        part = getattr(record, self.related).filter(order=values.pop(self.part)).first()
        if part is None:
            raise exceptions.ValidationError({self.part: [self.missing]})
        (spec,) = point_specs(request, [values])
        tasks = type(self).service(part, spec=spec, actor=acting(request))
        return Response(TaskSerializer(tasks, many=True).data, status=201)


@extend_schema(request=PlanItemTasksSerializer, responses={201: TaskSerializer(many=True)})
class PlanTasks(_HandOut):
    """An item of a visible plan handed to agencies: one task each."""

    model = WorkPlan
    serializer_class = body = PlanItemTasksSerializer
    part, related = "item", "items"
    missing = gettext_lazy("The plan has no item of this number.")
    service = services.tasks_from_plan_item


class MeetingList(Audited, Scoped, generics.ListAPIView[Any]):
    serializer_class = MeetingSerializer

    model = Meeting

    def get_queryset(self) -> QuerySet[Any]:
        return (
            super().get_queryset().prefetch_related("points", "invited", "attending")
            .order_by("-held_on", "-pk")
        )  # fmt: skip

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(MeetingCreateSerializer, request)
        committee = issuer_committee_or_404(request, values.pop("committee"))
        meeting = services.record_meeting(
            committee, invited=agencies_or_404(request, values.pop("invited")),
            attending=agencies_or_404(request, values.pop("attending")),
            points=point_specs(request, values.pop("points")), actor=acting(request), **values,
        )  # fmt: skip
        return created(MeetingSerializer, meeting, request)


class MeetingDetail(Audited, Scoped, generics.RetrieveAPIView[Any]):
    model = Meeting
    serializer_class = MeetingSerializer


@extend_schema(request=ConclusionTasksSerializer, responses={201: TaskSerializer(many=True)})
class MeetingTasks(_HandOut):
    """A conclusion of a visible meeting handed to agencies: one task each."""

    model = Meeting
    serializer_class = body = ConclusionTasksSerializer
    part, related = "point", "points"
    missing = gettext_lazy("The meeting has no conclusion point of this number.")
    service = services.tasks_from_conclusion
