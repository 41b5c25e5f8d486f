"""REST API of store inspections. Thin: scope, then the service."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.controlled.inspections import services
from vigil.controlled.inspections.models import Inspection, InspectionResult
from vigil.controlled.ledger.api import PresentDateFilter
from vigil.controlled.registry.models import Store
from vigil.core import dates
from vigil.core.endpoints import Id, IdFilter, Scoped, created, valid
from vigil.core.pages import acting
from vigil.core.parsers import JSONParser
from vigil.org.models import Agency
from vigil.org.scope import get_visible_or_404


class InspectionSerializer(serializers.ModelSerializer[Inspection]):
    organisation = serializers.IntegerField(source="owning_agency_id", read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id", "store", "organisation", "date", "inspecting_agency", "result", "findings",
            "next_due", "recorded_at", "recorded_by",
        ]  # fmt: skip


class InspectionCreateSerializer(serializers.Serializer[Any]):
    store = Id()
    date = dates.ApiDateField()
    inspecting_agency = Id()
    result = serializers.ChoiceField(choices=InspectionResult.choices)
    findings = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    next_due = dates.ApiDateField(required=False, allow_null=True)


class InspectionFilter(filters.FilterSet):  # type: ignore[misc]
    store = IdFilter(field_name="store_id")
    organisation = IdFilter(field_name="owning_agency_id")
    due_before = PresentDateFilter(field_name="next_due", lookup_expr="lte")

    class Meta:
        model = Inspection
        fields = ["result"]


class InspectionList(Scoped, generics.ListAPIView[Inspection]):
    model = Inspection
    # JSON only: a blank date in a form body would be taken for "none".
    parser_classes = [JSONParser]  # ours: with the nesting limit
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter

    def get_queryset(self) -> QuerySet[Inspection]:
        return super().get_queryset().order_by("-date", "-pk")

    @extend_schema(request=InspectionCreateSerializer, responses={201: InspectionSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(InspectionCreateSerializer, request)
        store = get_visible_or_404(Store.objects, request.user, pk=values.pop("store"))
        agency = Agency.objects.filter(
            pk=values.pop("inspecting_agency"), committee__isnull=False
        ).first()
        if agency is None:
            raise ValidationError(
                {"inspecting_agency": _("The inspecting agency must be a member agency.")}
            )
        inspection = services.record_inspection(
            store, inspecting_agency=agency, actor=acting(request), **values
        )
        return created(InspectionSerializer, inspection, request)


class InspectionDetail(Scoped, generics.RetrieveAPIView[Inspection]):
    model = Inspection
    serializer_class = InspectionSerializer
