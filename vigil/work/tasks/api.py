"""REST API of tasks. Thin: scope, then services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import dates
from vigil.core.classification import Classification
from vigil.core.endpoints import Audited, Id, Scoped, valid
from vigil.core.pages import acting
from vigil.work.api import agencies_or_404, committee_or_404
from vigil.work.tasks import services
from vigil.work.tasks.models import Task, TaskEvent, TaskQuerySet

# --- serializers


class TaskEventSerializer(serializers.ModelSerializer[TaskEvent]):
    class Meta:
        model = TaskEvent
        fields = ["type", "at", "actor_label", "on_behalf_of", "state_after", "note",
                  "attachment_ids"]  # fmt: skip


class TaskSerializer(serializers.ModelSerializer[Task]):
    agency = serializers.IntegerField(source="assignee_id", read_only=True)
    committee = serializers.IntegerField(source="owning_committee_id", read_only=True)

    class Meta:
        model = Task
        fields = [
            "id", "title", "description", "agency", "role", "committee", "document", "point",
            "priority", "assigned_on", "deadline", "deadline_working_days", "state", "version",
            "done_on", "accepted_at", "return_reason", "classification",
        ]  # fmt: skip


class TaskDetailSerializer(TaskSerializer):
    events = TaskEventSerializer(many=True, read_only=True)

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "events"]


class TaskCreateSerializer(serializers.Serializer[Any]):
    committee = Id()
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    lead = serializers.ListField(child=Id(), min_length=1, max_length=200)
    supporting = serializers.ListField(child=Id(), required=False, default=list, max_length=200)
    deadline = dates.ApiDateField(required=False, allow_null=True, default=None)
    deadline_working_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=365
    )
    priority = serializers.ChoiceField(choices=Task.Priority.choices, default=1)
    classification = serializers.ChoiceField(choices=Classification.choices, default=0)


class VersionSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=1, help_text="The task's version you read; refused (409) if it changed since."
    )


class NoteSerializer(VersionSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class AcceptSerializer(NoteSerializer):
    for_the_head = serializers.BooleanField(required=False, default=False)


class TaskReasonSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=5000)


# --- tasks


class TaskFilter(filters.FilterSet):  # type: ignore[misc]
    overdue = filters.BooleanFilter(method="filter_overdue")
    mine = filters.BooleanFilter(method="filter_mine", label="tasks of my agencies")

    class Meta:
        model = Task
        fields = ["state", "priority", "document"]

    def filter_overdue(self, queryset: TaskQuerySet, name: str, value: Any) -> Any:
        if not value:
            return queryset
        return queryset.overdue()

    def filter_mine(self, queryset: TaskQuerySet, name: str, value: Any) -> Any:
        if not value:
            return queryset
        return queryset.mine(self.request.user)


class TaskList(Audited, Scoped, generics.ListAPIView[Task]):
    model = Task
    serializer_class = TaskSerializer
    filterset_class = TaskFilter

    def get_queryset(self) -> QuerySet[Task]:
        return super().get_queryset().order_by("deadline", "pk")

    @extend_schema(request=TaskCreateSerializer, responses={201: TaskSerializer(many=True)})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(TaskCreateSerializer, request)
        committee = committee_or_404(request, values.pop("committee"))
        tasks = services.assign_task(
            committee, lead=agencies_or_404(request, values.pop("lead")),
            supporting=agencies_or_404(request, values.pop("supporting")), actor=acting(request),
            **values,
        )  # fmt: skip
        return Response(TaskSerializer(tasks, many=True).data, status=201)


class TaskDetail(Audited, Scoped, generics.RetrieveAPIView[Task]):
    model = Task
    serializer_class = TaskDetailSerializer

    def get_queryset(self) -> QuerySet[Task]:
        return super().get_queryset().prefetch_related("events")


class _TaskAction(Scoped):
    model = Task
    serializer_class = VersionSerializer
    input_class: type[serializers.Serializer[Any]] = VersionSerializer

    def act(self, task: Task, values: dict[str, Any], request: Request) -> None:
        raise NotImplementedError

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task: Task = self.get_object()
        values = valid(self.input_class, request)
        self.act(task, values, request)
        task.refresh_from_db()
        return Response(TaskDetailSerializer(task).data)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, services.StaleTask):
            return Response(
                {"error": {"code": "conflict", "message": exc.messages[0], "fields": {}}},
                status=409,
            )
        return super().handle_exception(exc)


class TaskAcknowledge(_TaskAction):
    @extend_schema(request=VersionSerializer, responses={200: TaskDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def act(self, task: Task, values: dict[str, Any], request: Request) -> None:
        services.acknowledge_task(task, actor=acting(request), version=values["version"])


class TaskProgress(_TaskAction):
    input_class = NoteSerializer

    @extend_schema(request=NoteSerializer, responses={200: TaskDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def act(self, task: Task, values: dict[str, Any], request: Request) -> None:
        services.report_progress(
            task, note=values["note"], files=request.FILES.getlist("files"),
            actor=acting(request), version=values["version"],
        )  # fmt: skip


class TaskDone(_TaskAction):
    input_class = NoteSerializer

    @extend_schema(request=NoteSerializer, responses={200: TaskDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def act(self, task: Task, values: dict[str, Any], request: Request) -> None:
        services.report_done(
            task, note=values["note"], files=request.FILES.getlist("files"),
            actor=acting(request), version=values["version"],
        )  # fmt: skip


class TaskAccept(_TaskAction):
    input_class = AcceptSerializer

    @extend_schema(request=AcceptSerializer, responses={200: TaskDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def act(self, task: Task, values: dict[str, Any], request: Request) -> None:
        services.accept_task(
            task, note=values["note"], for_the_head=values["for_the_head"],
            actor=acting(request), version=values["version"],
        )  # fmt: skip


class TaskReturn(_TaskAction):
    input_class = TaskReasonSerializer

    @extend_schema(request=TaskReasonSerializer, responses={200: TaskDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def act(self, task: Task, values: dict[str, Any], request: Request) -> None:
        services.return_task(
            task, reason=values["reason"], actor=acting(request), version=values["version"]
        )


class TaskCancel(_TaskAction):
    input_class = TaskReasonSerializer

    @extend_schema(request=TaskReasonSerializer, responses={200: TaskDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def act(self, task: Task, values: dict[str, Any], request: Request) -> None:
        services.cancel_task(
            task, reason=values["reason"], actor=acting(request), version=values["version"]
        )
