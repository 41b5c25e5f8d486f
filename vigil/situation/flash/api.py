"""REST API of flash reports. Thin: scope, then services.

A report is seen by whoever sees its incident; what a user may not see is 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vigil.core import attachments, audit
from vigil.core.documents.decree30 import DOCX_TYPE
from vigil.core.endpoints import Audited, Text, created, valid
from vigil.core.pages import acting
from vigil.org.scope import get_visible_or_404
from vigil.situation.flash import documents, queries, services
from vigil.situation.incidents.models import FlashReport, Incident, UrgencyMark


class FlashReportSerializer(serializers.ModelSerializer[FlashReport]):
    class Meta:
        model = FlashReport
        fields = ["id", "incident", "symbol", "urgency_mark", "classification", "is_exercise",
                  "issued_at", "signer_title", "signer_name", "recipients", "content"]  # fmt: skip


class FlashReportIssueSerializer(serializers.Serializer[Any]):
    urgency_mark = serializers.ChoiceField(
        choices=[UrgencyMark.HOA_TOC.value, UrgencyMark.THUONG_KHAN.value],
        default=UrgencyMark.HOA_TOC.value,
    )
    signing_form = serializers.ChoiceField(choices=services.SIGNING_FORM_CHOICES, default="")
    signer_title = Text(max_length=200)
    signer_name = Text(max_length=200)
    recipients = serializers.ListField(
        child=Text(max_length=300), required=False, allow_null=True, default=None, max_length=30
    )


class _Visible(generics.GenericAPIView[FlashReport]):
    def get_queryset(self) -> QuerySet[FlashReport]:
        return queries.visible_reports(self.request.user)


class FlashReportIssue(APIView):
    """``POST /api/v1/incidents/<id>/flash-report/``: issue a flash report on the incident."""

    @extend_schema(request=FlashReportIssueSerializer, responses={201: FlashReportSerializer})
    def post(self, request: Request, pk: int) -> Response:
        incident: Incident = get_visible_or_404(
            Incident.objects.select_related("owning_committee__parent"), request.user, pk=pk
        )
        values = valid(FlashReportIssueSerializer, request)
        report = services.issue_flash_report(incident, actor=acting(request), **values)
        return created(FlashReportSerializer, report, request)


class FlashReportDetail(Audited, _Visible, generics.RetrieveAPIView[FlashReport]):
    serializer_class = FlashReportSerializer


class FlashReportDocx(_Visible):
    """``GET /api/v1/flash-reports/<id>/docx/``: the report as issued, a Decree 30 .docx."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={
            (200, DOCX_TYPE): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The flash report as .docx."
            )
        }
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        report = self.get_object()
        audit.record_view(request.user, [report], about=report, path=request.path)
        response = HttpResponse(documents.docx_bytes(report), content_type=DOCX_TYPE)
        response["Content-Disposition"] = attachments.content_disposition(
            documents.filename(report, "docx")
        )
        return response


class FlashReportEdxml(_Visible):
    """``GET /api/v1/flash-reports/<id>/edxml/``: the report as an edXML package.
    Refused (403, code ``classified``) for a classified report."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={
            (200, "application/xml"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The edXML package."
            )
        }
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        report = self.get_object()
        try:
            data = services.export_edxml(report, actor=acting(request))
        except documents.ClassifiedExportRefused as exc:
            raise exceptions.PermissionDenied(str(exc), code="classified") from exc
        response = HttpResponse(data, content_type="application/xml")
        response["Content-Disposition"] = attachments.content_disposition(
            documents.filename(report, "edxml")
        )
        return response
