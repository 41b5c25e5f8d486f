"""REST API of key sites, contingency plans, their versions and risk assessments.
Thin: scope, then services; the same filters as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vigil.core import audit, dates
from vigil.core.classification import Classification
from vigil.core.documents.decree30 import DOCX_TYPE, docx_response
from vigil.core.endpoints import Audited, BooleanFilter, IdFilter, Scoped, Text
from vigil.core.pages import acting
from vigil.core.parsers import JSONParser
from vigil.core.search import folded_query
from vigil.org.models import Agency, Committee
from vigil.org.scope import admin_units_visible_to, get_visible_or_404
from vigil.sites import printing, queries, services
from vigil.sites.models import (
    NO_PLAN,
    SECTION_NAMES,
    Freshness,
    KeySite,
    Plan,
    PlanVersion,
    RiskAssessment,
    ScenarioType,
    VersionStatus,
)

ID_MAX = 2**63 - 1


def _id(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)


def _valid(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


# --- serializers


class SiteSerializer(serializers.ModelSerializer[KeySite]):
    category_name = serializers.CharField(source="category.name", read_only=True)
    plan_state = serializers.SerializerMethodField()
    latest_risk = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = KeySite
        fields = [
            "id", "name", "category", "category_name", "owner_name", "responsible_agency",
            "commune", "address", "latitude", "longitude", "criticality", "notes",
            "classification", "archived", "owning_committee", "owning_agency",
            "shared_agencies", "plan_state", "latest_risk",
        ]  # fmt: skip
        read_only_fields = fields

    def get_plan_state(self, obj: KeySite) -> str:
        return queries.state_of(getattr(obj, "state_rank", None))


class SiteInSerializer(serializers.Serializer[Any]):
    committee = _id()
    name = Text(max_length=300)
    category = _id()
    responsible_agency = _id()
    commune = _id(required=False, allow_null=True, default=None)
    owner_name = Text(max_length=300, required=False, default="", allow_blank=True)
    address = Text(max_length=300, required=False, default="", allow_blank=True)
    latitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False,
                                        allow_null=True, default=None)  # fmt: skip
    longitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False,
                                         allow_null=True, default=None)  # fmt: skip
    criticality = serializers.IntegerField(min_value=1, max_value=5, default=3)
    notes = Text(required=False, default="", allow_blank=True, max_length=5000)
    classification = serializers.ChoiceField(choices=Classification.choices, default=0)


class ContingencyPlanSerializer(serializers.ModelSerializer[Plan]):
    sites = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "id", "code_name", "title", "sites", "scenario_types", "classification",
            "owning_committee", "owning_agency", "in_force", "next_review_on",
            "revision_required", "revision_reason", "state",
        ]  # fmt: skip
        read_only_fields = fields

    def get_state(self, obj: Plan) -> str:
        return queries.freshness(obj).value

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_sites(self, obj: Plan) -> list[int]:
        """The ids of the plan's sites the requester sees; the others are not named."""
        visible = getattr(obj, "visible_sites", None)
        if visible is None:
            user = self.context["request"].user
            visible = KeySite.objects.visible_to(user).filter(plans=obj)
        return sorted(site.pk for site in visible)


class ContingencyPlanInSerializer(serializers.Serializer[Any]):
    committee = _id()
    code_name = Text(max_length=100)
    title = Text(max_length=300, required=False, default="", allow_blank=True)
    sites = serializers.ListField(child=_id(), min_length=1, max_length=100)
    scenario_types = serializers.ListField(
        child=serializers.ChoiceField(choices=ScenarioType.choices), default=list, max_length=20
    )
    classification = serializers.ChoiceField(choices=Classification.choices, default=0)


class VersionSerializer(serializers.ModelSerializer[PlanVersion]):
    class Meta:
        model = PlanVersion
        fields = [
            "id", "plan", "number", "status", *SECTION_NAMES, "author_label", "created_at",
            "submitted_at", "approved_by_label", "decision_number", "approved_on",
            "returned_at", "comments",
        ]  # fmt: skip
        read_only_fields = fields


class VersionInSerializer(serializers.Serializer[Any]):
    plan = _id()
    situation = Text(required=False, allow_blank=True, max_length=20000)
    command = Text(required=False, allow_blank=True, max_length=20000)
    forces = Text(required=False, allow_blank=True, max_length=20000)
    communications = Text(required=False, allow_blank=True, max_length=20000)
    cordon = Text(required=False, allow_blank=True, max_length=20000)
    medical = Text(required=False, allow_blank=True, max_length=20000)
    public_information = Text(required=False, allow_blank=True, max_length=20000)
    recovery = Text(required=False, allow_blank=True, max_length=20000)


class VersionApproveSerializer(serializers.Serializer[Any]):
    decision_number = Text(max_length=60)
    approved_on = dates.ApiDateField(required=False, allow_null=True, default=None)


class VersionReturnSerializer(serializers.Serializer[Any]):
    comments = Text(max_length=5000)


class AssessmentSerializer(serializers.ModelSerializer[RiskAssessment]):
    class Meta:
        model = RiskAssessment
        fields = [
            "id", "site", "threat", "vulnerability", "consequence", "risk",
            "threat_rationale", "vulnerability_rationale", "consequence_rationale",
            "assessor_agency", "assessed_on", "author_label",
        ]  # fmt: skip
        read_only_fields = fields


class AssessmentInSerializer(serializers.Serializer[Any]):
    site = _id()
    threat = serializers.IntegerField(min_value=1, max_value=5)
    vulnerability = serializers.IntegerField(min_value=1, max_value=5)
    consequence = serializers.IntegerField(min_value=1, max_value=5)
    threat_rationale = Text(max_length=5000)
    vulnerability_rationale = Text(max_length=5000)
    consequence_rationale = Text(max_length=5000)
    assessor_agency = _id()
    assessed_on = dates.ApiDateField(required=False, allow_null=True, default=None)


# --- sites


class SiteFilter(filters.FilterSet):  # type: ignore[misc]
    q = filters.CharFilter(method="search", max_length=100, label="Search (diacritics optional)")
    category = IdFilter(field_name="category_id")
    commune = IdFilter(field_name="commune_id")
    plan_state = filters.ChoiceFilter(
        method="by_state", choices=[*Freshness.choices, (NO_PLAN, "No plan")]
    )
    archived = BooleanFilter()

    class Meta:
        model = KeySite
        fields: list[str] = []

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(folded_query("name_folded", value))

    def by_state(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == NO_PLAN:
            return queryset.filter(state_rank__isnull=True)
        return queryset.filter(state_rank=queries.RANKS[value])


class SiteList(Scoped, Audited, generics.ListCreateAPIView[KeySite]):
    # JSON only: a blank date or number in a form body would be read as "not given".
    parser_classes = [JSONParser]
    model = KeySite
    serializer_class = SiteSerializer
    filterset_class = SiteFilter

    def get_queryset(self) -> QuerySet[KeySite]:
        # Archived sites too (``?archived=false`` leaves them out).
        return (
            queries.annotated_sites(self.request.user)
            .prefetch_related("shared_agencies")
            .order_by("pk")
        )

    @extend_schema(request=SiteInSerializer, responses={201: SiteSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = _valid(SiteInSerializer, request)
        user = acting(request)
        committee = get_visible_or_404(Committee.objects, user, pk=values.pop("committee"))
        values["category"] = generics.get_object_or_404(
            queries.categories_for(user), pk=values["category"]
        )
        values["responsible_agency"] = get_visible_or_404(
            Agency.objects, user, pk=values["responsible_agency"]
        )
        if values["commune"] is not None:
            values["commune"] = generics.get_object_or_404(
                admin_units_visible_to(user), pk=values["commune"]
            )
        site = services.create_site(committee, actor=user, **values)
        body = SiteSerializer(queries.annotated_sites(user).get(pk=site.pk)).data
        return Response(body, status=201)


class SiteDetail(Scoped, Audited, generics.RetrieveAPIView[KeySite]):
    model = KeySite
    serializer_class = SiteSerializer

    def get_queryset(self) -> QuerySet[KeySite]:
        return queries.annotated_sites(self.request.user).prefetch_related("shared_agencies")


# --- plans


class ContingencyPlanFilter(filters.FilterSet):  # type: ignore[misc]
    site = IdFilter(method="by_site")
    committee = IdFilter(field_name="owning_committee_id")
    revision_required = BooleanFilter()

    class Meta:
        model = Plan
        fields: list[str] = []

    def by_site(self, queryset: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
        # Within the sites the requester sees: a hidden site's id gives an empty list.
        visible = KeySite.objects.visible_to(self.request.user).filter(pk=value)
        return queryset.filter(sites__in=visible)


def _with_visible_sites(plans: QuerySet[Plan], user: Any) -> QuerySet[Plan]:
    return plans.prefetch_related(
        Prefetch("sites", queryset=KeySite.objects.visible_to(user), to_attr="visible_sites")
    )


class ContingencyPlanList(Scoped, Audited, generics.ListCreateAPIView[Plan]):
    # JSON only: a blank date or number in a form body would be read as "not given".
    parser_classes = [JSONParser]
    model = Plan
    serializer_class = ContingencyPlanSerializer
    filterset_class = ContingencyPlanFilter

    def get_queryset(self) -> QuerySet[Plan]:
        return _with_visible_sites(super().get_queryset(), self.request.user).order_by("pk")

    @extend_schema(request=ContingencyPlanInSerializer, responses={201: ContingencyPlanSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = _valid(ContingencyPlanInSerializer, request)
        user = acting(request)
        committee = get_visible_or_404(Committee.objects, user, pk=values.pop("committee"))
        values["sites"] = [get_visible_or_404(KeySite.objects.select_related("owning_committee"),
                                              user, pk=pk) for pk in values["sites"]]  # fmt: skip
        plan = services.create_plan(committee, actor=user, **values)
        body = ContingencyPlanSerializer(plan, context=self.get_serializer_context()).data
        return Response(body, status=201)


class ContingencyPlanDetail(Scoped, Audited, generics.RetrieveAPIView[Plan]):
    model = Plan
    serializer_class = ContingencyPlanSerializer

    def get_queryset(self) -> QuerySet[Plan]:
        return _with_visible_sites(super().get_queryset(), self.request.user)


# --- versions


class VersionFilter(filters.FilterSet):  # type: ignore[misc]
    plan = IdFilter(field_name="plan_id")
    status = filters.ChoiceFilter(choices=VersionStatus.choices)

    class Meta:
        model = PlanVersion
        fields: list[str] = []


class VersionList(Scoped, Audited, generics.ListCreateAPIView[PlanVersion]):
    # JSON only: a blank date or number in a form body would be read as "not given".
    parser_classes = [JSONParser]
    model = PlanVersion
    serializer_class = VersionSerializer
    filterset_class = VersionFilter

    def get_queryset(self) -> QuerySet[PlanVersion]:
        return super().get_queryset().select_related("plan").order_by("pk")

    @extend_schema(request=VersionInSerializer, responses={201: VersionSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A new draft of the plan; sections left out start from the latest version."""
        values = _valid(VersionInSerializer, request)
        plan = get_visible_or_404(Plan.objects.select_related("owning_committee"),
                                  request.user, pk=values.pop("plan"))  # fmt: skip
        version = services.add_version(plan, sections=values or None, actor=acting(request))
        return Response(VersionSerializer(version).data, status=201)


class VersionDetail(Scoped, Audited, generics.RetrieveAPIView[PlanVersion]):
    model = PlanVersion
    serializer_class = VersionSerializer

    def get_queryset(self) -> QuerySet[PlanVersion]:
        return super().get_queryset().select_related("plan")


class _VersionAction(Scoped):
    # JSON only: a blank date or number in a form body would be read as "not given".
    parser_classes = [JSONParser]
    model = PlanVersion
    serializer_class = VersionSerializer

    def get_queryset(self) -> QuerySet[PlanVersion]:
        return super().get_queryset().select_related("plan__owning_committee")

    def done(self, version: PlanVersion) -> Response:
        return Response(VersionSerializer(version).data)


class VersionSubmit(_VersionAction):
    @extend_schema(request=None, responses={200: VersionSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.done(services.submit_version(self.get_object(), actor=acting(request)))


class VersionApprove(_VersionAction):
    @extend_schema(request=VersionApproveSerializer, responses={200: VersionSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        version = self.get_object()
        values = _valid(VersionApproveSerializer, request)
        return self.done(services.approve_version(version, actor=acting(request), **values))


class VersionReturn(_VersionAction):
    @extend_schema(request=VersionReturnSerializer, responses={200: VersionSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        version = self.get_object()
        values = _valid(VersionReturnSerializer, request)
        return self.done(services.return_version(version, actor=acting(request), **values))


# --- risk assessments


class AssessmentFilter(filters.FilterSet):  # type: ignore[misc]
    site = IdFilter(field_name="site_id")

    class Meta:
        model = RiskAssessment
        fields: list[str] = []


class AssessmentList(Scoped, Audited, generics.ListCreateAPIView[RiskAssessment]):
    # JSON only: a blank date or number in a form body would be read as "not given".
    parser_classes = [JSONParser]
    model = RiskAssessment
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter

    def get_queryset(self) -> QuerySet[RiskAssessment]:
        return super().get_queryset().select_related("site").order_by("pk")

    @extend_schema(request=AssessmentInSerializer, responses={201: AssessmentSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = _valid(AssessmentInSerializer, request)
        user = acting(request)
        site = get_visible_or_404(KeySite.objects.select_related("owning_committee"), user,
                                  pk=values.pop("site"))  # fmt: skip
        values["assessor_agency"] = get_visible_or_404(
            Agency.objects, user, pk=values["assessor_agency"]
        )
        assessment = services.record_assessment(site, actor=user, **values)
        return Response(AssessmentSerializer(assessment).data, status=201)


class AssessmentDetail(Scoped, Audited, generics.RetrieveAPIView[RiskAssessment]):
    model = RiskAssessment
    serializer_class = AssessmentSerializer

    def get_queryset(self) -> QuerySet[RiskAssessment]:
        return super().get_queryset().select_related("site")


# --- the map's data


class SiteMapQuerySerializer(serializers.Serializer[Any]):
    """The site list page's filters, by the same names."""

    q = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    category = _id(required=False, default=None)
    commune = _id(required=False, default=None)
    state = serializers.ChoiceField(
        choices=[*Freshness.choices, (NO_PLAN, "No plan")], required=False, default="",
        allow_blank=True,
    )  # fmt: skip


def _feature(site: Any) -> dict[str, Any]:
    """A GeoJSON Point, [longitude, latitude] to the metre (six decimals)."""
    point = [round(float(site.longitude), 6), round(float(site.latitude), 6)]
    state = queries.state_of(site.state_rank)
    return {"type": "Feature", "id": site.pk, "geometry": {"type": "Point", "coordinates": point},
            "properties": {"name": site.name, "state": state, "risk": site.latest_risk}}  # fmt: skip


class SiteMap(Scoped, generics.GenericAPIView[KeySite]):
    """The sites the user sees that have coordinates, as a compact GeoJSON
    FeatureCollection: each a Point ([longitude, latitude]) with the site's ``name``,
    its plan ``state`` (the worst of the plans the user sees, ``no_plan`` without one)
    and its latest ``risk`` (null: never assessed). Archived sites are left out; the
    filters are the site list's."""

    model = KeySite
    pagination_class = None
    filter_backends: list[Any] = []

    @extend_schema(
        parameters=[SiteMapQuerySerializer],
        responses={200: {"type": "object", "description": "A GeoJSON FeatureCollection"}},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = SiteMapQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        sites = list(
            queries.sites_for(request.user, queries.SiteFilters(**params.validated_data))
            .select_related(None)
            .filter(latitude__isnull=False, longitude__isnull=False)
            .only("pk", "name", "latitude", "longitude", "classification", "owning_committee_id")
        )
        audit.record_view(request.user, sites, path=request.get_full_path())
        features = [_feature(site) for site in sites]
        return Response({"type": "FeatureCollection", "features": features})


# --- printing (issue 23, part 3)


class VersionDocx(APIView):
    """``GET /api/v1/plan-versions/<id>/docx/``: the version as a Decree 30 .docx (PA)."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The file goes out as .docx whatever the client accepts; errors as JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={
            (200, DOCX_TYPE): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The plan version as .docx."
            )
        }
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        version: PlanVersion = get_visible_or_404(
            PlanVersion.objects.select_related("plan__owning_committee__admin_unit__parent"),
            request.user, pk=pk,
        )  # fmt: skip
        audit.record_view(request.user, [version.plan], about=version.plan,
                          path=request.get_full_path())  # fmt: skip
        return docx_response(printing.filename(version), printing.docx_bytes(version, request.user))
