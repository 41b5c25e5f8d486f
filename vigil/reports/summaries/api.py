"""REST API of summary reports: the list (and a new draft), a report with its sections
(and discarding a draft), a section (and its edit, with the version read), recomputing
and issuing, and the downloads (.docx, .xlsx, edXML). Thin: scope, then the services;
errors in the API's one format, a stale version 409."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import attachments, audit, dates
from vigil.core.documents.decree30 import DOCX_TYPE
from vigil.core.endpoints import Audited, Id, IdFilter, Scoped, Text, valid
from vigil.core.pages import acting
from vigil.core.parsers import JSONParser
from vigil.core.xlsx import XLSX_TYPE
from vigil.org.models import Committee
from vigil.org.scope import get_visible_or_404
from vigil.reports.summaries import queries, services
from vigil.reports.summaries.documents import docx_bytes, edxml_bytes, filename
from vigil.reports.summaries.exports import xlsx_bytes
from vigil.reports.summaries.forms import SIGNING_FORMS
from vigil.reports.summaries.models import ReportKind, ReportState, SummaryReport, SummarySection

# --- serializers


class SectionSerializer(serializers.ModelSerializer[SummarySection]):
    content = serializers.JSONField(
        read_only=True,
        help_text="The computed figures, tables, charts, notes and links of the section.",
    )

    class Meta:
        model = SummarySection
        fields = ["key", "order", "title", "text", "drafted_text", "classification", "version",
                  "edited_at", "edited_by", "content"]  # fmt: skip
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer[SummaryReport]):
    class Meta:
        model = SummaryReport
        fields = ["id", "kind", "year", "part", "starts_on", "ends_on", "title", "state",
                  "owning_committee", "classification", "version", "number", "issued_on",
                  "drafted_at", "created_at", "created_by"]  # fmt: skip
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    sections = SectionSerializer(many=True, read_only=True)
    recipients = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "issued_at", "issued_by", "signer_name",
                  "signer_title", "signing_form", "recipients", "sections"]  # fmt: skip
        read_only_fields = fields

    def get_recipients(self, obj: SummaryReport) -> list[str]:
        return [line for line in obj.recipients.splitlines() if line.strip()]


class DraftSerializer(serializers.Serializer[Any]):
    committee = Id()
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    year = serializers.IntegerField(min_value=1900, max_value=2100)
    part = serializers.IntegerField(
        min_value=0, max_value=12, default=0,
        help_text="The month (1-12), quarter (1-4) or half (1-2); 0 for the annual summary.",
    )  # fmt: skip
    classification = serializers.IntegerField(
        min_value=0, max_value=3, default=0,
        help_text="At least the classification of the report's most classified figure.",
    )  # fmt: skip


class SectionChangeSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=1, help_text="The section's version you read; refused (409) if it changed since."
    )
    text = Text(max_length=services.MAX_TEXT * 2)


class ReportVersionSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None,
        help_text="The report's version you read; refused (409) if it changed since.",
    )  # fmt: skip


class IssueSerializer(ReportVersionSerializer):
    issued_on = dates.ApiDateField(required=False, allow_null=True, default=None)
    signer_name = Text(max_length=200, required=False, default="", allow_blank=True)
    signer_title = Text(max_length=200, required=False, default="", allow_blank=True)
    signing_form = serializers.ChoiceField(
        choices=[value for value, _label in SIGNING_FORMS], required=False, default="TM."
    )
    recipients = serializers.ListField(
        child=Text(max_length=300), required=False, default=list, max_length=50
    )


# --- endpoints


class ReportFilter(filters.FilterSet):  # type: ignore[misc]
    year = filters.NumberFilter(min_value=1900, max_value=2100)
    kind = filters.ChoiceFilter(choices=ReportKind.choices)
    state = filters.ChoiceFilter(choices=ReportState.choices)
    committee = IdFilter(field_name="owning_committee_id")

    class Meta:
        model = SummaryReport
        fields: list[str] = []


class _Conflict:
    """A stale version is 409, in the API's error format."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, services.StaleReport):
            return Response(
                {"error": {"code": "conflict", "message": exc.messages[0], "fields": {}}},
                status=409,
            )
        return super().handle_exception(exc)  # type: ignore[misc, no-any-return]


def _detail(report: SummaryReport, request: Request, status: int = 200) -> Response:
    fresh = SummaryReport.objects.prefetch_related("sections").get(pk=report.pk)
    return Response(ReportDetailSerializer(fresh, context={"request": request}).data,
                    status=status)  # fmt: skip


class ReportList(Scoped, Audited, generics.ListCreateAPIView[SummaryReport]):
    parser_classes = [JSONParser]
    model = SummaryReport
    serializer_class = ReportSerializer
    filterset_class = ReportFilter

    def get_queryset(self) -> QuerySet[SummaryReport]:
        return queries.reports_for(self.request.user).order_by("pk")

    @extend_schema(request=DraftSerializer, responses={201: ReportDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Draft a report: every section computed from the period's data as you see it."""
        user = acting(request)
        values = valid(DraftSerializer, request)
        committee = get_visible_or_404(Committee.objects, user, pk=values.pop("committee"))
        report = services.draft_report(committee, actor=user, **values)
        return _detail(report, request, status=201)


def _require_drafter(request: Request, report: SummaryReport) -> None:
    """A reader is refused (403) before the body is read."""
    if not services.may_draft(request.user, report.owning_committee):
        raise PermissionDenied(
            _("Only the committee's standing office or a leader may draft its reports.")
        )


class _Report(_Conflict, Scoped, generics.GenericAPIView[SummaryReport]):
    parser_classes = [JSONParser]
    model = SummaryReport
    serializer_class = ReportDetailSerializer

    def get_queryset(self) -> QuerySet[SummaryReport]:
        return super().get_queryset().select_related("owning_committee").defer("issued_docx")


class ReportDetail(_Report, Audited, generics.RetrieveDestroyAPIView[SummaryReport]):
    def get_queryset(self) -> QuerySet[SummaryReport]:
        return super().get_queryset().prefetch_related("sections")

    @extend_schema(responses={204: None})
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Discard a draft (an issued report stays)."""
        report = self.get_object()
        _require_drafter(request, report)
        services.discard_report(report, actor=acting(request))
        return Response(status=204)


class ReportSection(_Report):
    """A section of a report (``key`` as in the outline): its text and figures."""

    serializer_class = SectionSerializer  # type: ignore[assignment]

    def _section(self, key: str) -> tuple[SummaryReport, SummarySection]:
        report = self.get_object()
        section = queries.section_of(report, key)
        if section is None:
            raise Http404
        return report, section

    @extend_schema(responses={200: SectionSerializer})
    def get(self, request: Request, pk: int, key: str) -> Response:
        report, section = self._section(key)
        audit.record_view(request.user, [report], about=report, path=request.path)
        return Response(SectionSerializer(section).data)

    @extend_schema(request=SectionChangeSerializer, responses={200: SectionSerializer})
    def patch(self, request: Request, pk: int, key: str) -> Response:
        """Replace a draft section's text; an issued report is refused (400)."""
        report, section = self._section(key)
        _require_drafter(request, report)
        values = valid(SectionChangeSerializer, request)
        edited = services.edit_section(section, values["text"], actor=acting(request),
                                       version=values["version"])  # fmt: skip
        return Response(SectionSerializer(edited).data)


class ReportRedraft(_Report):
    @extend_schema(request=ReportVersionSerializer, responses={200: ReportDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Compute a draft's figures again; the sections you edited keep their text."""
        report = self.get_object()
        _require_drafter(request, report)
        values = valid(ReportVersionSerializer, request)
        services.redraft_report(report, actor=acting(request), version=values["version"])
        return _detail(report, request)


class ReportIssue(_Report):
    @extend_schema(request=IssueSerializer, responses={200: ReportDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Issue the report: numbered from the committee's register, frozen. A leader of
        the committee only; issuing twice is refused (400)."""
        report = self.get_object()
        if not services.may_issue(request.user, report.owning_committee):
            raise PermissionDenied(_("Only a leader of the committee may issue its reports."))
        values = valid(IssueSerializer, request)
        services.issue_report(report, actor=acting(request), **values)
        return _detail(report, request)


class _Download(Scoped, generics.GenericAPIView[SummaryReport]):
    model = SummaryReport
    serializer_class = ReportSerializer

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        return super().perform_content_negotiation(request, force=True)

    def report(self, request: Request) -> SummaryReport:
        report: SummaryReport = self.get_object()
        audit.record_view(request.user, [report], about=report, path=request.path)
        return report


def _file(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = attachments.content_disposition(name)
    return response


class ReportDocx(_Download):
    @extend_schema(responses={(200, DOCX_TYPE): OpenApiResponse(
        response=OpenApiTypes.BINARY, description="The report as .docx (the draft's, or as issued).")})  # fmt: skip
    def get(self, request: Request, pk: int) -> HttpResponse:
        report = self.report(request)
        return _file(docx_bytes(report), DOCX_TYPE, filename(report, "docx"))


class ReportXlsx(_Download):
    @extend_schema(responses={(200, XLSX_TYPE): OpenApiResponse(
        response=OpenApiTypes.BINARY, description="Every table of the report, a sheet each.")})  # fmt: skip
    def get(self, request: Request, pk: int) -> HttpResponse:
        report = self.report(request)
        return _file(xlsx_bytes(report), XLSX_TYPE, filename(report, "xlsx"))


class ReportEdxml(_Download):
    """Refused (403, code ``refused``) for a draft or a classified report."""

    @extend_schema(responses={(200, "application/xml"): OpenApiResponse(
        response=OpenApiTypes.BINARY, description="The issued report as an edXML package.")})  # fmt: skip
    def get(self, request: Request, pk: int) -> HttpResponse:
        report = self.report(request)
        refusal = queries.edxml_refusal(report)
        if refusal:
            raise exceptions.PermissionDenied(refusal, code="refused")
        return _file(edxml_bytes(report), "application/xml", filename(report, "edxml"))
