"""REST API of report obligations, submissions and consolidations. Thin: scope, then services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import audit, dates
from vigil.core.classification import Classification
from vigil.core.endpoints import Audited, Id, IdFilter, Scoped, created, valid
from vigil.core.pages import acting
from vigil.org.models import Agency, Committee
from vigil.org.scope import get_visible_or_404
from vigil.work.obligations import consolidation as cons
from vigil.work.obligations import services, submissions
from vigil.work.obligations.models import (
    Aggregation,
    DueRule,
    Indicator,
    IndicatorKind,
    NarrativeSection,
    PeriodKind,
    ReportObligation,
    ReportPeriod,
    ReportSubmission,
    SubmissionState,
)
from vigil.work.obligations.values import TEXT_MAX

# --- serializers


class IndicatorSerializer(serializers.ModelSerializer[Indicator]):
    class Meta:
        model = Indicator
        fields = ["code", "label", "kind", "unit", "help_text", "required", "aggregation"]


class SectionSerializer(serializers.ModelSerializer[NarrativeSection]):
    class Meta:
        model = NarrativeSection
        fields = ["code", "title", "help_text", "required"]


class ObligationSerializer(serializers.ModelSerializer[ReportObligation]):
    issuing_committee = serializers.IntegerField(source="owning_committee_id", read_only=True)
    template_version = serializers.SerializerMethodField()
    indicators = serializers.SerializerMethodField()
    sections = serializers.SerializerMethodField()

    class Meta:
        model = ReportObligation
        fields = [
            "id", "title", "issuing_committee", "period_kind", "starts_on", "ends_on",
            "due_rule", "due_day", "addressed_agencies", "addressed_committees", "upstream",
            "classification", "active", "template_version", "indicators", "sections",
        ]  # fmt: skip

    def get_template_version(self, obj: ReportObligation) -> int | None:
        return obj.current_template.number if obj.current_template else None

    @extend_schema(responses=IndicatorSerializer(many=True))
    def get_indicators(self, obj: ReportObligation) -> Any:
        t = obj.current_template
        return IndicatorSerializer(t.indicators.all() if t else [], many=True).data

    @extend_schema(responses=SectionSerializer(many=True))
    def get_sections(self, obj: ReportObligation) -> Any:
        t = obj.current_template
        return SectionSerializer(t.sections.all() if t else [], many=True).data


class IndicatorInSerializer(serializers.Serializer[Any]):
    code = serializers.SlugField(max_length=40)
    label = serializers.CharField(max_length=300)  # type: ignore[assignment]
    kind = serializers.ChoiceField(choices=IndicatorKind.choices)
    aggregation = serializers.ChoiceField(choices=Aggregation.choices)
    unit = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    help_text = serializers.CharField(  # type: ignore[assignment]
        max_length=500, required=False, allow_blank=True, default=""
    )
    required = serializers.BooleanField(required=False, default=True)  # type: ignore[assignment]


class SectionInSerializer(serializers.Serializer[Any]):
    code = serializers.SlugField(max_length=40)
    title = serializers.CharField(max_length=300)
    help_text = serializers.CharField(  # type: ignore[assignment]
        max_length=500, required=False, allow_blank=True, default=""
    )
    required = serializers.BooleanField(required=False, default=False)  # type: ignore[assignment]


class ObligationInSerializer(serializers.Serializer[Any]):
    issuing_committee = Id()
    title = serializers.CharField(max_length=300)
    period_kind = serializers.ChoiceField(choices=PeriodKind.choices)
    starts_on = dates.ApiDateField()
    ends_on = dates.ApiDateField(required=False, allow_null=True, default=None)
    due_rule = serializers.ChoiceField(choices=DueRule.choices, default=DueRule.DAY_OF_NEXT_MONTH)
    due_day = serializers.IntegerField(min_value=1, max_value=31, default=20)
    addressed_agencies = serializers.ListField(child=Id(), max_length=500, default=list)
    addressed_committees = serializers.ListField(child=Id(), max_length=500, default=list)
    classification = serializers.ChoiceField(choices=Classification.choices, default=0)
    indicators = serializers.ListField(
        child=IndicatorInSerializer(), max_length=services.MAX_INDICATORS, default=list
    )
    sections = serializers.ListField(child=SectionInSerializer(), max_length=50, default=list)


class OpenPeriodInSerializer(serializers.Serializer[Any]):
    day = dates.ApiDateField(required=False, help_text="A day of the period; today if absent.")


class SubmissionSerializer(serializers.ModelSerializer[ReportSubmission]):
    period_label = serializers.SerializerMethodField()
    starts_on = serializers.DateField(source="period.starts_on", read_only=True)
    ends_on = serializers.DateField(source="period.ends_on", read_only=True)
    template_version = serializers.IntegerField(source="period.template.number", read_only=True)

    class Meta:
        model = ReportSubmission
        fields = [
            "id", "obligation", "period", "period_label", "starts_on", "ends_on", "agency",
            "committee", "due_on", "state", "values", "narrative", "rollup", "revision",
            "template_version", "saved_at", "submitted_at", "returned_at", "return_reason",
            "accepted_at", "classification",
        ]  # fmt: skip

    def get_period_label(self, obj: ReportSubmission) -> str:
        return obj.period.label


class SubmissionSaveSerializer(serializers.Serializer[Any]):
    values = serializers.DictField(required=False, default=dict)
    narrative = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=TEXT_MAX),
        required=False,
        default=dict,
    )
    revision = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, default=None,
        help_text="The revision you read; a save on an older one is refused (no lost update).",
    )  # fmt: skip


class RevisionSerializer(serializers.Serializer[Any]):
    revision = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)


class ReturnSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=1000)


class PeriodSerializer(serializers.ModelSerializer[ReportPeriod]):
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    template_version = serializers.IntegerField(source="template.number", read_only=True)

    class Meta:
        model = ReportPeriod
        fields = ["id", "obligation", "label", "starts_on", "ends_on", "due_on",
                  "template_version", "opened_at"]  # fmt: skip

    def get_label(self, obj: ReportPeriod) -> str:
        return obj.label


# --- obligations


class ObligationFilter(filters.FilterSet):  # type: ignore[misc]
    issuing_committee = IdFilter(field_name="owning_committee_id")

    class Meta:
        model = ReportObligation
        fields = ["period_kind"]


class ObligationList(Scoped, Audited, generics.ListCreateAPIView[ReportObligation]):
    model = ReportObligation
    serializer_class = ObligationSerializer
    filterset_class = ObligationFilter

    def get_queryset(self) -> QuerySet[ReportObligation]:
        return (
            super()
            .get_queryset()
            .select_related("current_template")
            .prefetch_related(
                "addressed_agencies",
                "addressed_committees",
                "current_template__indicators",
                "current_template__sections",
            )
            .order_by("pk")
        )

    @extend_schema(request=ObligationInSerializer, responses={201: ObligationSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(ObligationInSerializer, request)
        committee = get_visible_or_404(Committee.objects, request.user,
                                       pk=values["issuing_committee"])  # fmt: skip
        agencies = [get_visible_or_404(Agency.objects, request.user, pk=pk)
                    for pk in values["addressed_agencies"]]  # fmt: skip
        committees = [get_visible_or_404(Committee.objects, request.user, pk=pk)
                      for pk in values["addressed_committees"]]  # fmt: skip
        obligation = services.create_obligation(
            committee, title=values["title"], period_kind=values["period_kind"],
            starts_on=values["starts_on"], ends_on=values["ends_on"],
            due_rule=values["due_rule"], due_day=values["due_day"], agencies=agencies,
            committees=committees, classification=values["classification"],
            indicators=[services.IndicatorSpec(**i) for i in values["indicators"]],
            sections=[services.SectionSpec(**s) for s in values["sections"]],
            actor=acting(request),
        )  # fmt: skip
        return created(ObligationSerializer, obligation, request)


class ObligationDetail(Scoped, Audited, generics.RetrieveAPIView[ReportObligation]):
    model = ReportObligation
    serializer_class = ObligationSerializer


class ObligationOpenPeriod(Scoped):
    model = ReportObligation
    serializer_class = OpenPeriodInSerializer

    @extend_schema(request=OpenPeriodInSerializer, responses={200: PeriodSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obligation = self.get_object()
        values = valid(OpenPeriodInSerializer, request)
        opened = services.open_period(obligation, day=values.get("day"), actor=acting(request))
        body = PeriodSerializer(opened.period, context={"request": request}).data
        return Response({**body, "opened": opened.created}, status=201 if opened.created else 200)


# --- submissions


class SubmissionFilter(filters.FilterSet):  # type: ignore[misc]
    obligation = IdFilter(field_name="obligation_id")
    period = IdFilter(field_name="period_id")
    agency = IdFilter(field_name="agency_id")
    committee = IdFilter(field_name="committee_id")
    state = filters.ChoiceFilter(choices=SubmissionState.choices)

    class Meta:
        model = ReportSubmission
        fields: list[str] = []


class SubmissionList(Scoped, Audited, generics.ListAPIView[ReportSubmission]):
    model = ReportSubmission
    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilter

    def get_queryset(self) -> QuerySet[ReportSubmission]:
        return super().get_queryset().select_related("period__template").order_by("due_on", "pk")


class SubmissionDetail(Scoped, Audited, generics.RetrieveAPIView[ReportSubmission]):
    model = ReportSubmission
    serializer_class = SubmissionSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[ReportSubmission]:
        return super().get_queryset().select_related("period__template", "obligation")

    @extend_schema(request=SubmissionSaveSerializer, responses={200: SubmissionSerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Save the draft (values and narrative replace the stored ones)."""
        sub = self.get_object()
        values = valid(SubmissionSaveSerializer, request)
        sub = submissions.save_draft(
            sub, values=values["values"], narrative=values["narrative"],
            revision=values["revision"], actor=acting(request),
        )  # fmt: skip
        return Response(SubmissionSerializer(sub, context={"request": request}).data)


class _SubmissionAction(Scoped):
    model = ReportSubmission
    serializer_class = SubmissionSerializer

    def get_queryset(self) -> QuerySet[ReportSubmission]:
        return super().get_queryset().select_related("period__template", "obligation")

    def done(self, sub: ReportSubmission, request: Request) -> Response:
        return Response(SubmissionSerializer(sub, context={"request": request}).data)


class SubmissionSubmit(_SubmissionAction):
    @extend_schema(request=RevisionSerializer, responses={200: SubmissionSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        sub = self.get_object()
        values = valid(RevisionSerializer, request)
        return self.done(
            submissions.submit(sub, revision=values["revision"], actor=acting(request)), request
        )


class SubmissionReturn(_SubmissionAction):
    @extend_schema(request=ReturnSerializer, responses={200: SubmissionSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        sub = self.get_object()
        values = valid(ReturnSerializer, request)
        return self.done(
            submissions.return_submission(sub, reason=values["reason"], actor=acting(request)),
            request,
        )


class SubmissionAccept(_SubmissionAction):
    @extend_schema(request=None, responses={200: SubmissionSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        sub = self.get_object()
        return self.done(submissions.accept_submission(sub, actor=acting(request)), request)


# --- consolidations (one per period; the issuing side only)


class ConsolidationFilter(filters.FilterSet):  # type: ignore[misc]
    obligation = IdFilter(field_name="obligation_id")

    class Meta:
        model = ReportPeriod
        fields: list[str] = []


class ConsolidationList(Scoped, Audited, generics.ListAPIView[ReportPeriod]):
    """The periods whose consolidation the user may read."""

    model = ReportPeriod
    serializer_class = PeriodSerializer
    filterset_class = ConsolidationFilter

    def get_queryset(self) -> QuerySet[ReportPeriod]:
        return super().get_queryset().select_related("obligation", "template").order_by("pk")


class ConsolidationDetail(Scoped, generics.RetrieveAPIView[ReportPeriod]):
    model = ReportPeriod
    serializer_class = PeriodSerializer

    def get_queryset(self) -> QuerySet[ReportPeriod]:
        return super().get_queryset().select_related("obligation", "template")

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        period = self.get_object()
        audit.record_view(request.user, [period], about=period, path=request.path)
        return Response(cons.as_json(cons.consolidate(period)))
