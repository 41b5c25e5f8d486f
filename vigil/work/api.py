"""REST API of tasks, issued documents, scorecards, work plans, meetings and incoming
documents. Thin: scope, then services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vigil.core import attachments, clock, dates
from vigil.core.classification import Classification
from vigil.core.numbering import DocType
from vigil.org.api import Audited, Id, Scoped, created, valid
from vigil.org.models import Agency, Committee, Post, PostHolder
from vigil.org.scope import get_visible_or_404
from vigil.work import records, services
from vigil.work import scorecard as scorecards
from vigil.work.models import (
    IncomingDocument,
    IssuedDocument,
    Meeting,
    SigningForm,
    Task,
    TaskEvent,
    Urgency,
    WorkPlan,
)

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


class DocumentSerializer(serializers.ModelSerializer[IssuedDocument]):
    committee = serializers.IntegerField(source="owning_committee_id", read_only=True)
    points = serializers.SerializerMethodField()

    class Meta:
        model = IssuedDocument
        fields = [
            "id", "committee", "doc_type", "number", "symbol", "external_number", "issue_date",
            "place", "signing_post", "signer", "signing_form", "subject", "body", "urgency",
            "classification", "recipients", "addressees", "addressees_other",
            "recipients_other", "drafting_unit", "authority", "legal_bases", "points",
        ]  # fmt: skip

    def get_points(self, obj: IssuedDocument) -> list[dict[str, Any]]:
        return [{"order": p.order, "text": p.text} for p in obj.points.all()]


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


class DocumentCreateSerializer(serializers.Serializer[Any]):
    committee = Id()
    doc_type = serializers.ChoiceField(choices=DocType.choices)
    subject = serializers.CharField(max_length=500)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    issue_date = dates.ApiDateField()
    signing_post = Id()
    signer = Id()
    signing_form = serializers.ChoiceField(choices=SigningForm.choices, default="")
    urgency = serializers.ChoiceField(choices=Urgency.choices, default="")
    classification = serializers.ChoiceField(choices=Classification.choices, default=0)
    external_number = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    recipients = serializers.ListField(child=Id(), required=False, default=list, max_length=200)
    addressees = serializers.ListField(child=Id(), required=False, default=list, max_length=200)
    addressees_other = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000
    )
    recipients_other = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000
    )
    drafting_unit = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=20
    )
    authority = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    legal_bases = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000
    )
    points = PointInSerializer(many=True, required=False, default=list)


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


def _agencies(request: Request, ids: list[int]) -> list[Agency]:
    return [get_visible_or_404(Agency.objects, request.user, pk=pk) for pk in ids]


def _committee(request: Request, pk: int) -> Committee:
    return get_visible_or_404(Committee.objects, request.user, pk=pk)  # type: ignore[no-any-return]


def _may_issue(request: Request, committee: Committee) -> None:
    """Visible but not the user's to write for: 403, as the pages."""
    if not services.can_issue(request.user, committee):
        raise exceptions.PermissionDenied(_("Only the committee's standing office may do this."))


def _issuer_committee(request: Request, pk: int) -> Committee:
    committee = _committee(request, pk)
    _may_issue(request, committee)
    return committee


def _specs(request: Request, points: list[dict[str, Any]]) -> list[services.PointSpec]:
    return [
        services.PointSpec(
            text=p.get("text", ""),
            title=p["title"],
            lead=_agencies(request, p["lead"]),
            supporting=_agencies(request, p["supporting"]),
            deadline=p["deadline"],
            deadline_working_days=p["deadline_working_days"],
            priority=p["priority"],
        )
        for p in points
    ]


# --- tasks


class TaskFilter(filters.FilterSet):  # type: ignore[misc]
    overdue = filters.BooleanFilter(method="filter_overdue")
    mine = filters.BooleanFilter(method="filter_mine", label="tasks of my agencies")

    class Meta:
        model = Task
        fields = ["state", "priority", "document"]

    def filter_overdue(self, queryset: QuerySet[Task], name: str, value: Any) -> Any:
        if not value:
            return queryset
        return queryset.filter(state__in=Task.OPEN_STATES, deadline__lt=clock.today())

    def filter_mine(self, queryset: QuerySet[Task], name: str, value: Any) -> Any:
        from vigil.org.scope import scope_for

        if not value:
            return queryset
        return queryset.filter(assignee_id__in=scope_for(self.request.user).agency_ids)


class TaskList(Audited, Scoped, generics.ListAPIView[Task]):
    model = Task
    serializer_class = TaskSerializer
    filterset_class = TaskFilter

    def get_queryset(self) -> QuerySet[Task]:
        return super().get_queryset().order_by("deadline", "pk")

    @extend_schema(request=TaskCreateSerializer, responses={201: TaskSerializer(many=True)})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(TaskCreateSerializer, request)
        committee = _committee(request, values.pop("committee"))
        tasks = services.assign_task(
            committee, lead=_agencies(request, values.pop("lead")),
            supporting=_agencies(request, values.pop("supporting")), actor=request.user,
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
        services.acknowledge_task(task, actor=request.user, version=values["version"])


class TaskProgress(_TaskAction):
    input_class = NoteSerializer

    @extend_schema(request=NoteSerializer, responses={200: TaskDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def act(self, task: Task, values: dict[str, Any], request: Request) -> None:
        services.report_progress(
            task, note=values["note"], files=request.FILES.getlist("files"),
            actor=request.user, version=values["version"],
        )  # fmt: skip


class TaskDone(_TaskAction):
    input_class = NoteSerializer

    @extend_schema(request=NoteSerializer, responses={200: TaskDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def act(self, task: Task, values: dict[str, Any], request: Request) -> None:
        services.report_done(
            task, note=values["note"], files=request.FILES.getlist("files"),
            actor=request.user, version=values["version"],
        )  # fmt: skip


class TaskAccept(_TaskAction):
    input_class = AcceptSerializer

    @extend_schema(request=AcceptSerializer, responses={200: TaskDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def act(self, task: Task, values: dict[str, Any], request: Request) -> None:
        services.accept_task(
            task, note=values["note"], for_the_head=values["for_the_head"],
            actor=request.user, version=values["version"],
        )  # fmt: skip


class TaskReturn(_TaskAction):
    input_class = TaskReasonSerializer

    @extend_schema(request=TaskReasonSerializer, responses={200: TaskDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def act(self, task: Task, values: dict[str, Any], request: Request) -> None:
        services.return_task(
            task, reason=values["reason"], actor=request.user, version=values["version"]
        )


class TaskCancel(_TaskAction):
    input_class = TaskReasonSerializer

    @extend_schema(request=TaskReasonSerializer, responses={200: TaskDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def act(self, task: Task, values: dict[str, Any], request: Request) -> None:
        services.cancel_task(
            task, reason=values["reason"], actor=request.user, version=values["version"]
        )


# --- documents


class DocumentList(Audited, Scoped, generics.ListAPIView[IssuedDocument]):
    model = IssuedDocument
    serializer_class = DocumentSerializer
    filterset_fields = ["doc_type"]

    def get_queryset(self) -> QuerySet[IssuedDocument]:
        return (
            super().get_queryset().prefetch_related("points", "recipients", "addressees")
            .order_by("-issue_date", "-pk")
        )  # fmt: skip

    @extend_schema(request=DocumentCreateSerializer, responses={201: DocumentSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(DocumentCreateSerializer, request)
        committee = _committee(request, values.pop("committee"))
        post = get_visible_or_404(Post.objects, request.user, pk=values.pop("signing_post"))
        signer = get_visible_or_404(PostHolder.objects, request.user, pk=values.pop("signer"))
        points = _specs(request, values.pop("points"))
        document = services.issue_document(
            committee, signing_post=post, signer=signer, points=points,
            recipients=_agencies(request, values.pop("recipients")),
            addressees=_agencies(request, values.pop("addressees")), actor=request.user,
            **values,
        )  # fmt: skip
        return created(DocumentSerializer, document, request)


class DocumentDetail(Audited, Scoped, generics.RetrieveAPIView[IssuedDocument]):
    model = IssuedDocument
    serializer_class = DocumentSerializer


class DocumentEdxml(APIView):
    """``GET /api/v1/documents/<id>/edxml/``: the document as an edXML package.
    Refused (403, code ``classified``, audited) for a classified document or one
    with a classified attachment, as on the page and the command line."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The package goes out as XML whatever the client accepts; errors as JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={
            (200, "application/xml"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The edXML package."
            )
        }
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        document: IssuedDocument = get_visible_or_404(
            IssuedDocument.objects.select_related(
                "owning_committee__standing_agency", "signer__post"
            ),
            request.user, pk=pk,
        )  # fmt: skip
        try:
            data = records.export_edxml(document, actor=request.user)
        except records.ClassifiedExportRefused as exc:
            raise exceptions.PermissionDenied(str(exc), code="classified") from exc
        response = HttpResponse(data, content_type="application/xml")
        name = document.symbol.replace("/", "-")
        response["Content-Disposition"] = attachments.content_disposition(f"{name}.edxml")
        return response


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
                  "attending", "conclusions", "classification", "points"]  # fmt: skip

    def get_points(self, obj: Any) -> list[dict[str, Any]]:
        return [{"order": p.order, "text": p.text} for p in obj.points.all()]


class IncomingSerializer(serializers.ModelSerializer[Any]):
    committee = serializers.IntegerField(source="owning_committee_id", read_only=True)

    class Meta:
        model = IncomingDocument
        fields = ["id", "committee", "issuer", "issuer_name", "issuer_code", "issuer_unknown",
                  "number", "notation", "type_name", "doc_date", "subject", "deadline",
                  "handler", "classification", "from_edxml"]  # fmt: skip


POINTS_MAX = 200


def _points(**kwargs: Any) -> Any:
    """A record's points, at most POINTS_MAX (the stubs know no list serializer's limits)."""
    return PointInSerializer(many=True, max_length=POINTS_MAX, **kwargs)  # type: ignore[call-arg]


class PlanCreateSerializer(serializers.Serializer[Any]):
    committee = Id()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=300)
    classification = serializers.ChoiceField(choices=Classification.choices, default=0)
    items = _points(required=False, default=list)


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
    points = _points(required=False, default=list)


class ConclusionTasksSerializer(_PointTasksSerializer):
    point = serializers.IntegerField(
        min_value=1, max_value=32767, help_text="The conclusion point's number."
    )


class IncomingCreateSerializer(serializers.Serializer[Any]):
    committee = Id()
    issuer = Id(required=False, allow_null=True, default=None,
                help_text="The issuing agency, if it is in the directory.")  # fmt: skip
    issuer_name = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                        default="")  # fmt: skip
    number = serializers.CharField(max_length=20)
    notation = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    type_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    doc_date = dates.ApiDateField()
    place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    subject = serializers.CharField(max_length=500)
    content = serializers.CharField(required=False, allow_blank=True, default="")
    signer_name = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                        default="")  # fmt: skip
    signer_position = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                            default="")  # fmt: skip
    deadline = dates.ApiDateField(required=False, allow_null=True, default=None)
    classification = serializers.ChoiceField(choices=Classification.choices, default=0)
    points = _points(required=False, default=list)


class IncomingImportSerializer(serializers.Serializer[Any]):
    committee = Id()
    classification = serializers.ChoiceField(choices=Classification.choices, default=0)
    package = serializers.FileField(help_text="The edXML package received.")


class HandlerSerializer(serializers.Serializer[Any]):
    handler = Id(help_text="The agency (of the committee's tree) that handles the document.")


class IncomingTasksSerializer(serializers.Serializer[Any]):
    points = _points(min_length=1)


class PlanList(Audited, Scoped, generics.ListAPIView[Any]):
    serializer_class = PlanSerializer

    model = WorkPlan

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().prefetch_related("items").order_by("-year", "pk")

    @extend_schema(request=PlanCreateSerializer, responses={201: PlanSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(PlanCreateSerializer, request)
        committee = _issuer_committee(request, values.pop("committee"))
        plan = records.create_work_plan(
            committee, items=_specs(request, values.pop("items")), actor=request.user, **values
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
        _may_issue(request, record.owning_committee)
        values = valid(self.body, request)
        part = getattr(record, self.related).filter(order=values.pop(self.part)).first()
        if part is None:
            raise exceptions.ValidationError({self.part: [self.missing]})
        (spec,) = _specs(request, [values])
        tasks = type(self).service(part, spec=spec, actor=request.user)
        return Response(TaskSerializer(tasks, many=True).data, status=201)


@extend_schema(request=PlanItemTasksSerializer, responses={201: TaskSerializer(many=True)})
class PlanTasks(_HandOut):
    """An item of a visible plan handed to agencies: one task each."""

    model = WorkPlan
    serializer_class = body = PlanItemTasksSerializer
    part, related = "item", "items"
    missing = gettext_lazy("The plan has no item of this number.")
    service = records.tasks_from_plan_item


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
        committee = _issuer_committee(request, values.pop("committee"))
        meeting = records.record_meeting(
            committee, invited=_agencies(request, values.pop("invited")),
            attending=_agencies(request, values.pop("attending")),
            points=_specs(request, values.pop("points")), actor=request.user, **values,
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
    service = records.tasks_from_conclusion


class IncomingList(Audited, Scoped, generics.ListAPIView[Any]):
    serializer_class = IncomingSerializer

    model = IncomingDocument

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().order_by("-received_at", "-pk")

    @extend_schema(request=IncomingCreateSerializer, responses={201: IncomingSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Register by hand; files go to /api/v1/attachments/ afterwards."""
        values = valid(IncomingCreateSerializer, request)
        committee = _issuer_committee(request, values.pop("committee"))
        issuer = values.pop("issuer")
        document = records.register_incoming(
            committee, actor=request.user, points=_specs(request, values.pop("points")),
            issuer=None if issuer is None else get_visible_or_404(
                Agency.objects.exclude(kind=Agency.Kind.LICENSED_ORGANISATION), request.user,
                pk=issuer,
            ),
            **values,
        )  # fmt: skip
        return created(IncomingSerializer, document, request)


class IncomingImport(generics.GenericAPIView[Any]):
    """An edXML package received: parsed as the page parses it (no DTD or entities,
    attachments within the upload limit); an issuer not in the directory is kept
    as named and flagged (``issuer_unknown``)."""

    serializer_class = IncomingImportSerializer
    parser_classes = [MultiPartParser, FormParser]
    queryset = IncomingDocument.objects.none()

    @extend_schema(request=IncomingImportSerializer, responses={201: IncomingSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        request.data  # noqa: B018  (read the body: the upload handler marks what it stopped)
        too_large = attachments.upload_too_large(request)
        if too_large is not None:
            raise too_large
        values = valid(IncomingImportSerializer, request)
        committee = _issuer_committee(request, values["committee"])
        document = records.import_incoming_edxml(
            committee, values["package"].read(), classification=values["classification"],
            actor=request.user,
        )  # fmt: skip
        return created(IncomingSerializer, document, request)


class IncomingDetail(Audited, Scoped, generics.RetrieveAPIView[Any]):
    model = IncomingDocument
    serializer_class = IncomingSerializer


class IncomingAssign(Scoped):
    model = IncomingDocument
    serializer_class = HandlerSerializer

    @extend_schema(request=HandlerSerializer, responses={200: IncomingSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        document: IncomingDocument = self.get_object()
        _may_issue(request, document.owning_committee)
        values = valid(HandlerSerializer, request)
        handler = get_visible_or_404(Agency.objects, request.user, pk=values["handler"])
        records.assign_incoming(document, handler=handler, actor=request.user)
        return Response(IncomingSerializer(document).data)


class IncomingTasks(Scoped):
    """Further points of a visible incoming document, handed to agencies."""

    model = IncomingDocument
    serializer_class = IncomingTasksSerializer

    @extend_schema(request=IncomingTasksSerializer, responses={201: TaskSerializer(many=True)})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        document: IncomingDocument = self.get_object()
        _may_issue(request, document.owning_committee)
        values = valid(IncomingTasksSerializer, request)
        tasks = records.tasks_from_incoming(
            document, points=_specs(request, values["points"]), actor=request.user
        )
        return Response(TaskSerializer(tasks, many=True).data, status=201)
