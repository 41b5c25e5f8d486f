"""The CAP API: an alert's CAP message, and a CAP file imported as a draft alert."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, parsers, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vigil.core import attachments, audit
from vigil.core.classification import Classification
from vigil.core.endpoints import Id, valid
from vigil.core.pages import acting
from vigil.org.models import Committee
from vigil.org.scope import get_visible_or_404
from vigil.situation.alerts import services as alerts
from vigil.situation.alerts.models import Alert
from vigil.situation.cap import services, writer
from vigil.situation.cap.reader import MAX_CAP_BYTES


class CapXmlParser(parsers.BaseParser):
    """A CAP message sent as the request body: its bytes, unparsed (the reader parses
    them safely), read no further than one byte past the limit."""

    media_type = "application/cap+xml"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return {"file_bytes": stream.read(MAX_CAP_BYTES + 1) if stream is not None else b""}


class PlainXmlParser(CapXmlParser):
    media_type = "application/xml"


class CapImportSerializer(serializers.Serializer[Any]):
    committee = Id(help_text="The committee whose draft the alert becomes.")
    classification = serializers.ChoiceField(choices=Classification.choices, default=0)
    file = serializers.FileField(help_text="The CAP 1.2 file.")


class ImportedSerializer(serializers.ModelSerializer[Alert]):
    class Meta:
        model = Alert
        fields = ["id", "identifier", "state", "cap_status", "msg_type", "headline"]
        read_only_fields = fields


def _committee(request: Request, pk: Any) -> Committee:
    try:
        committee_id = int(pk)
    except (TypeError, ValueError):
        raise exceptions.ValidationError({"committee": ["Give a committee id."]}) from None
    committee: Committee = get_visible_or_404(Committee.objects, request.user, pk=committee_id)
    if not alerts.may_draft(request.user, committee):
        raise exceptions.PermissionDenied
    return committee


class AlertCap(APIView):
    """``GET /api/v1/alerts/<id>/cap/``: the alert as an OASIS CAP 1.2 message."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The message goes out as CAP XML whatever the client accepts; errors as JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={
            (200, writer.CAP_CONTENT_TYPE): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The CAP 1.2 message."
            )
        }
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        alert: Alert = get_visible_or_404(
            Alert.objects.select_related("owning_committee", "references"), request.user, pk=pk
        )
        audit.record_view(request.user, [alert], about=alert, path=request.path)
        response = HttpResponse(
            writer.alert_to_cap(alert, viewer=request.user), content_type=writer.CAP_CONTENT_TYPE
        )
        response["Content-Disposition"] = attachments.content_disposition(writer.filename(alert))
        return response


class AlertImportCap(generics.GenericAPIView[Any]):
    """``POST /api/v1/alerts/import-cap/``: a CAP 1.2 file becomes a draft alert (nothing
    is sent). Either multipart (``committee``, ``classification``, ``file``) or the XML
    itself as the body (``application/cap+xml`` or ``application/xml``) with
    ``?committee=`` and ``?classification=``. A file Vigil refuses (not XML, a DTD or
    entities, another namespace, the schema) answers 400 with the reason."""

    serializer_class = CapImportSerializer
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, CapXmlParser, PlainXmlParser]
    queryset = Alert.objects.none()

    @extend_schema(
        request={
            "multipart/form-data": CapImportSerializer,
            writer.CAP_CONTENT_TYPE: OpenApiTypes.BINARY,
        },
        parameters=[
            OpenApiParameter("committee", int, required=False),
            OpenApiParameter("classification", int, required=False),
        ],
        responses={201: ImportedSerializer},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raw = request.data.get("file_bytes") if hasattr(request.data, "get") else None
        if isinstance(raw, bytes):
            committee = _committee(request, request.query_params.get("committee"))
            level = request.query_params.get("classification", "0")
            if level not in {str(v) for v in Classification.values}:
                raise exceptions.ValidationError({"classification": ["Choose a listed value."]})
            data, classification = raw, int(level)
        else:
            too_large = attachments.upload_too_large(request)
            if too_large is not None:
                raise too_large
            values = valid(CapImportSerializer, request)
            committee = _committee(request, values["committee"])
            data = values["file"].read(MAX_CAP_BYTES + 1)
            classification = values["classification"]
        alert = services.import_cap(
            data, committee, actor=acting(request), classification=classification
        )
        return Response(ImportedSerializer(alert).data, status=201)
