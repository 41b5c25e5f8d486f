"""REST API of issued and incoming documents. Thin: scope, then services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vigil.core import attachments, dates
from vigil.core.classification import Classification
from vigil.core.endpoints import Audited, Id, Scoped, created, valid
from vigil.core.numbering import DocType
from vigil.core.pages import acting
from vigil.org.models import Agency, Post, PostHolder
from vigil.org.scope import get_visible_or_404
from vigil.work.api import (
    PointInSerializer,
    agencies_or_404,
    committee_or_404,
    issuer_committee_or_404,
    point_specs,
    points_field,
    require_issuer_or_403,
)
from vigil.work.documents import exchange, services
from vigil.work.documents.models import IncomingDocument, IssuedDocument, SigningForm, Urgency
from vigil.work.tasks.api import TaskSerializer


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
        committee = committee_or_404(request, values.pop("committee"))
        post = get_visible_or_404(Post.objects, request.user, pk=values.pop("signing_post"))
        signer = get_visible_or_404(PostHolder.objects, request.user, pk=values.pop("signer"))
        points = point_specs(request, values.pop("points"))
        document = services.issue_document(
            committee, signing_post=post, signer=signer, points=points,
            recipients=agencies_or_404(request, values.pop("recipients")),
            addressees=agencies_or_404(request, values.pop("addressees")), actor=acting(request),
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
            data = exchange.export_edxml(document, actor=acting(request))
        except exchange.ClassifiedExportRefused as exc:
            raise exceptions.PermissionDenied(str(exc), code="classified") from exc
        response = HttpResponse(data, content_type="application/xml")
        name = document.symbol.replace("/", "-")
        response["Content-Disposition"] = attachments.content_disposition(f"{name}.edxml")
        return response


class IncomingSerializer(serializers.ModelSerializer[Any]):
    committee = serializers.IntegerField(source="owning_committee_id", read_only=True)

    class Meta:
        model = IncomingDocument
        fields = ["id", "committee", "issuer", "issuer_name", "issuer_code", "issuer_unknown",
                  "number", "notation", "type_name", "doc_date", "subject", "deadline",
                  "handler", "classification", "from_edxml"]  # fmt: skip


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
    points = points_field(required=False, default=list)


class IncomingImportSerializer(serializers.Serializer[Any]):
    committee = Id()
    classification = serializers.ChoiceField(choices=Classification.choices, default=0)
    package = serializers.FileField(help_text="The edXML package received.")


class HandlerSerializer(serializers.Serializer[Any]):
    handler = Id(help_text="The agency (of the committee's tree) that handles the document.")


class IncomingTasksSerializer(serializers.Serializer[Any]):
    points = points_field(min_length=1)


class IncomingList(Audited, Scoped, generics.ListAPIView[Any]):
    serializer_class = IncomingSerializer

    model = IncomingDocument

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().order_by("-received_at", "-pk")

    @extend_schema(request=IncomingCreateSerializer, responses={201: IncomingSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Register by hand; files go to /api/v1/attachments/ afterwards."""
        values = valid(IncomingCreateSerializer, request)
        committee = issuer_committee_or_404(request, values.pop("committee"))
        issuer = values.pop("issuer")
        document = services.register_incoming(
            committee, actor=acting(request), points=point_specs(request, values.pop("points")),
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
        committee = issuer_committee_or_404(request, values["committee"])
        document = exchange.import_incoming_edxml(
            committee, values["package"].read(), classification=values["classification"],
            actor=acting(request),
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
        require_issuer_or_403(request, document.owning_committee)
        values = valid(HandlerSerializer, request)
        handler = get_visible_or_404(Agency.objects, request.user, pk=values["handler"])
        services.assign_incoming(document, handler=handler, actor=acting(request))
        return Response(IncomingSerializer(document).data)


class IncomingTasks(Scoped):
    """Further points of a visible incoming document, handed to agencies."""

    model = IncomingDocument
    serializer_class = IncomingTasksSerializer

    @extend_schema(request=IncomingTasksSerializer, responses={201: TaskSerializer(many=True)})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        document: IncomingDocument = self.get_object()
        require_issuer_or_403(request, document.owning_committee)
        values = valid(IncomingTasksSerializer, request)
        tasks = services.tasks_from_incoming(
            document, points=point_specs(request, values["points"]), actor=acting(request)
        )
        return Response(TaskSerializer(tasks, many=True).data, status=201)
