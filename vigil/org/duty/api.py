"""REST API for duty rosters: the same services and scope as the pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import audit, dates
from vigil.core.endpoints import Audited, IdFilter, Scoped
from vigil.core.pages import acting
from vigil.org.api import HidesCommittees
from vigil.org.duty import services
from vigil.org.duty.models import DutyShift
from vigil.org.models import Agency
from vigil.org.scope import get_visible_or_404


class DutyShiftSerializer(HidesCommittees, serializers.ModelSerializer[DutyShift]):
    committee_fields = ("owning_committee",)
    officer_name = serializers.CharField(source="officer.__str__", read_only=True)

    class Meta:
        model = DutyShift
        fields = [
            "id", "agency", "officer", "officer_name", "phone", "starts_at", "ends_at", "note",
            "classification", "owning_committee",
        ]  # fmt: skip


class DutyShiftCreateSerializer(serializers.Serializer[Any]):
    agency = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    officer = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    phone = serializers.CharField(max_length=40)
    starts_at = dates.ApiDateTimeField()
    ends_at = dates.ApiDateTimeField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class DutyShiftFilter(filters.FilterSet):  # type: ignore[misc]
    agency = IdFilter(field_name="agency_id")
    at = dates.IsoDateTimeFilter(method="covering", label=_("On duty at this moment"))

    class Meta:
        model = DutyShift
        fields: list[str] = []

    def covering(self, queryset: QuerySet[DutyShift], name: str, value: Any) -> QuerySet[DutyShift]:
        return queryset.filter(starts_at__lte=value, ends_at__gt=value)


class DutyShiftList(Scoped, Audited, generics.ListCreateAPIView[DutyShift]):
    model = DutyShift
    serializer_class = DutyShiftSerializer
    filterset_class = DutyShiftFilter

    def get_queryset(self) -> QuerySet[DutyShift]:
        return super().get_queryset().select_related("officer").order_by("agency_id", "starts_at")

    @extend_schema(request=DutyShiftCreateSerializer, responses={201: DutyShiftSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = DutyShiftCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        agency = get_visible_or_404(Agency.objects, request.user, pk=values.pop("agency"))
        officer = get_user_model().objects.filter(pk=values.pop("officer")).first()
        if officer is None:
            raise serializers.ValidationError(
                {"officer": [str(_("The duty officer must be a member of the agency."))]}
            )
        shift = services.add_duty_shift(agency, officer=officer, actor=acting(request), **values)
        return Response(
            DutyShiftSerializer(shift, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class DutyShiftDetail(Scoped, generics.RetrieveDestroyAPIView[DutyShift]):
    model = DutyShift
    serializer_class = DutyShiftSerializer

    def get_queryset(self) -> QuerySet[DutyShift]:
        return super().get_queryset().select_related("officer", "agency__committee")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        shift = self.get_object()
        audit.record_view(request.user, [shift], about=shift, path=request.path)
        return Response(self.get_serializer(shift).data)

    def perform_destroy(self, instance: DutyShift) -> None:
        services.remove_duty_shift(instance, actor=acting(self.request))
