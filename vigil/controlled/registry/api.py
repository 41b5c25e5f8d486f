"""REST API of the registry: organisations, licences, stores. Thin: scope, then
the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.controlled.catalogue.models import ItemClass
from vigil.controlled.ledger.models import StoreTotal
from vigil.controlled.registry import keepers, queries, services
from vigil.controlled.registry.models import Licence, OrganisationProfile, Sector, Store
from vigil.core import clock, dates
from vigil.core.endpoints import ID_MAX, Id, IdFilter, Scoped, created, valid
from vigil.core.pages import acting
from vigil.org.scope import get_visible_or_404


class LicenceSerializer(serializers.ModelSerializer[Licence]):
    licensee = serializers.IntegerField(source="owning_agency_id", read_only=True)
    issuer = serializers.IntegerField(source="licensing_agency_id", read_only=True)

    class Meta:
        model = Licence
        fields = [
            "id", "number", "kind", "licensee", "issuer", "valid_from", "valid_to",
            "item_classes", "stores", "status",
        ]  # fmt: skip


class StoreTotalSerializer(serializers.ModelSerializer[StoreTotal]):
    class Meta:
        model = StoreTotal
        fields = ["item_class", "quantity", "capacity"]


class StoreSerializer(serializers.ModelSerializer[Store]):
    licensee = serializers.IntegerField(source="owning_agency_id", read_only=True)
    totals = StoreTotalSerializer(many=True, read_only=True)

    class Meta:
        model = Store
        fields = ["id", "name", "licensee", "admin_unit", "kind", "totals"]


class OrganisationSerializer(serializers.ModelSerializer[OrganisationProfile]):
    id = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.CharField(source="organisation.name", read_only=True)
    tax_code = serializers.CharField(source="organisation.tax_code", read_only=True)
    admin_unit = serializers.IntegerField(
        source="organisation.admin_unit_id", read_only=True, allow_null=True
    )
    licensing_agency = serializers.IntegerField(
        source="licensing_agency_id", read_only=True, allow_null=True
    )
    licence_standing = serializers.SerializerMethodField(
        help_text="in_force, expiring (within 60 days) or none"
    )

    class Meta:
        model = OrganisationProfile
        fields = [
            "id", "name", "tax_code", "sector", "parent_group", "address", "admin_unit",
            "licensing_agency", "licence_standing",
        ]  # fmt: skip

    def get_licence_standing(self, obj: OrganisationProfile) -> str:
        if hasattr(obj, "_lasting"):
            return queries.standing_of(obj)
        return queries.licence_standing(obj.pk, clock.today())


class OrganisationUpdateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=300, required=False)
    tax_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    parent_group = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    admin_unit = Id(required=False)


class OrganisationCreateSerializer(OrganisationUpdateSerializer):
    name = serializers.CharField(max_length=300)
    sector = serializers.ChoiceField(choices=Sector.choices)
    admin_unit = Id()
    licensing_agency = Id()


class OrganisationFilter(filters.FilterSet):  # type: ignore[misc]
    sector = filters.ChoiceFilter(choices=Sector.choices)
    commune = IdFilter(field_name="organisation__admin_unit_id")
    licence = filters.ChoiceFilter(
        choices=[("in_force", "in_force"), ("expiring", "expiring"), ("none", "none")],
        method="filter_licence",
    )
    tax_code = filters.CharFilter(field_name="organisation__tax_code", max_length=20)

    class Meta:
        model = OrganisationProfile
        fields: list[str] = []

    def filter_licence(self, queryset: Any, name: str, value: str) -> Any:
        return queries.standing_filter(queryset, value)


def _commune(pk: int | None) -> Any:
    if pk is None:
        return None
    unit = queries.province_communes().filter(pk=pk).first()
    if unit is None:
        raise ValidationError({"admin_unit": _("Choose the commune the organisation is in.")})
    return unit


class OrganisationList(Scoped, generics.ListAPIView[OrganisationProfile]):
    model = OrganisationProfile
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter

    def get_queryset(self) -> QuerySet[OrganisationProfile]:
        profiles = super().get_queryset().select_related("organisation")
        ordered = profiles.order_by("organisation__name")
        return queries.with_standing(ordered, clock.today())  # type: ignore[no-any-return]

    @extend_schema(request=OrganisationCreateSerializer, responses={201: OrganisationSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(OrganisationCreateSerializer, request)
        licenser = (
            keepers.licensing_agencies_for(request.user)
            .filter(pk=values.pop("licensing_agency"))
            .first()
        )
        if licenser is None:
            raise ValidationError(
                {"licensing_agency": _("Choose a licensing agency you work for.")}
            )
        values["admin_unit"] = _commune(values.pop("admin_unit"))
        values.setdefault("tax_code", "")
        profile = services.create_organisation(
            licensing_agency=licenser, actor=acting(request), **values
        )
        return created(OrganisationSerializer, profile, request)


class OrganisationDetail(Scoped, generics.RetrieveAPIView[OrganisationProfile]):
    model = OrganisationProfile
    serializer_class = OrganisationSerializer

    def get_object(self) -> OrganisationProfile:
        # The id is the agency's (a one-to-one key): bound it as the database does.
        if int(self.kwargs["pk"]) > ID_MAX:
            raise Http404
        return super().get_object()  # type: ignore[no-any-return]

    @extend_schema(request=OrganisationUpdateSerializer, responses={200: OrganisationSerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        profile = self.get_object()
        values = valid(OrganisationUpdateSerializer, request)
        if "admin_unit" in values:
            values["admin_unit"] = _commune(values["admin_unit"])
        profile = services.update_organisation(profile, actor=acting(request), **values)
        return Response(OrganisationSerializer(profile, context={"request": request}).data)


# --- licences


class LicenceFilter(filters.FilterSet):  # type: ignore[misc]
    expiring_within = filters.NumberFilter(
        method="filter_expiring", label="days", min_value=0, max_value=3660
    )

    class Meta:
        model = Licence
        fields = ["status", "kind"]

    def filter_expiring(self, queryset: QuerySet[Licence], name: str, value: Any) -> Any:
        today = clock.today()
        return queryset.filter(
            valid_to__gte=today, valid_to__lte=today + dt.timedelta(days=int(value))
        )


class LicenceList(Scoped, generics.ListAPIView[Licence]):
    model = Licence
    serializer_class = LicenceSerializer
    filterset_class = LicenceFilter

    def get_queryset(self) -> QuerySet[Licence]:
        return super().get_queryset().prefetch_related("stores").order_by("valid_to", "pk")


class LicenceDetail(Scoped, generics.RetrieveAPIView[Licence]):
    model = Licence
    serializer_class = LicenceSerializer


class LicenceWriteSerializer(serializers.Serializer[Any]):
    number = serializers.CharField(max_length=60)
    kind = serializers.ChoiceField(choices=Licence.Kind.choices)
    valid_from = dates.ApiDateField()
    valid_to = dates.ApiDateField()
    item_classes = serializers.ListField(
        child=serializers.ChoiceField(choices=ItemClass.choices), max_length=10
    )
    stores = serializers.ListField(child=Id(), required=False, max_length=100)


class LicenceCreateSerializer(LicenceWriteSerializer):
    organisation = Id()
    issuer = Id()


class LicenceUpdateSerializer(LicenceWriteSerializer):
    number = serializers.CharField(max_length=60, required=False)
    kind = serializers.ChoiceField(choices=Licence.Kind.choices, required=False)
    valid_from = dates.ApiDateField(required=False)
    valid_to = dates.ApiDateField(required=False)
    item_classes = serializers.ListField(
        child=serializers.ChoiceField(choices=ItemClass.choices), max_length=10, required=False
    )


class StatusSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=Licence.Status.choices)
    reason = serializers.CharField(max_length=500)


def _own_stores(organisation_id: int, ids: list[int]) -> list[Store]:
    stores = list(Store.objects.filter(owning_agency_id=organisation_id, pk__in=ids))
    if len(stores) != len(set(ids)):
        raise ValidationError({"stores": _("A licence covers the organisation's own stores only.")})
    return stores


def _check_period(values: dict[str, Any]) -> None:
    start, end = values.get("valid_from"), values.get("valid_to")
    if start and end and end < start:
        raise ValidationError({"valid_to": _("The licence ends before it starts.")})


class LicenceFilterMore(LicenceFilter):
    organisation = IdFilter(field_name="owning_agency_id")

    class Meta:
        model = Licence
        fields = ["status", "kind"]


class LicenceListCreate(LicenceList):
    filterset_class = LicenceFilterMore

    @extend_schema(request=LicenceCreateSerializer, responses={201: LicenceSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(LicenceCreateSerializer, request)
        profile: OrganisationProfile = get_visible_or_404(
            OrganisationProfile.objects.select_related("organisation"), request.user,
            pk=values.pop("organisation"),
        )  # fmt: skip
        issuer = keepers.licensing_agencies_for(request.user).filter(pk=values.pop("issuer"))
        if not issuer.exists():
            raise ValidationError({"issuer": _("Choose a licensing agency you work for.")})
        _check_period(values)
        values["stores"] = _own_stores(profile.pk, values.pop("stores", []))
        licence = services.create_licence(
            profile.organisation, issuer=issuer.get(), actor=acting(request), **values
        )
        return created(LicenceSerializer, licence, request)


class LicenceDetailUpdate(LicenceDetail):
    @extend_schema(request=LicenceUpdateSerializer, responses={200: LicenceSerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        licence = self.get_object()
        values = valid(LicenceUpdateSerializer, request)
        if "stores" in values:
            values["stores"] = _own_stores(licence.owning_agency_id, values["stores"])
        _check_period(
            {"valid_from": values.get("valid_from", licence.valid_from),
             "valid_to": values.get("valid_to", licence.valid_to)}
        )  # fmt: skip
        licence = services.update_licence(licence, actor=acting(request), **values)
        return Response(LicenceSerializer(licence, context={"request": request}).data)


class LicenceStatus(Scoped):
    model = Licence
    serializer_class = StatusSerializer

    @extend_schema(request=StatusSerializer, responses={200: LicenceSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        licence = self.get_object()
        values = valid(StatusSerializer, request)
        licence = services.change_licence_status(
            licence, values["status"], reason=values["reason"], actor=acting(request)
        )
        return Response(LicenceSerializer(licence, context={"request": request}).data)


# --- stores


class StoreList(Scoped, generics.ListAPIView[Store]):
    model = Store
    serializer_class = StoreSerializer

    def get_queryset(self) -> QuerySet[Store]:
        return super().get_queryset().prefetch_related("totals").order_by("name", "pk")


class StoreDetail(Scoped, generics.RetrieveAPIView[Store]):
    model = Store
    serializer_class = StoreSerializer


class CapacitiesSerializer(serializers.Serializer[Any]):
    """Capacities in stored units (grams, pieces, centimetres), by item class."""

    explosive = serializers.IntegerField(min_value=0, max_value=10**15, required=False)
    detonator = serializers.IntegerField(min_value=0, max_value=10**15, required=False)
    cord = serializers.IntegerField(min_value=0, max_value=10**15, required=False)
    weapon = serializers.IntegerField(min_value=0, max_value=10**15, required=False)
    support_tool = serializers.IntegerField(min_value=0, max_value=10**15, required=False)


class StoreUpdateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=Store.Kind.choices, required=False)
    admin_unit = Id(required=False)
    capacities = CapacitiesSerializer(required=False)


class StoreCreateSerializer(StoreUpdateSerializer):
    organisation = Id()
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Store.Kind.choices)
    admin_unit = Id()


class StoreFilter(filters.FilterSet):  # type: ignore[misc]
    organisation = IdFilter(field_name="owning_agency_id")
    commune = IdFilter(field_name="admin_unit_id")

    class Meta:
        model = Store
        fields = ["kind"]


class StoreListCreate(StoreList):
    filterset_class = StoreFilter

    @extend_schema(request=StoreCreateSerializer, responses={201: StoreSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(StoreCreateSerializer, request)
        profile: OrganisationProfile = get_visible_or_404(
            OrganisationProfile.objects.select_related("organisation"), request.user,
            pk=values["organisation"],
        )  # fmt: skip
        if not keepers.may_keep_record(request.user, profile):
            raise PermissionDenied
        store = services.create_store(
            profile.organisation, name=values["name"], kind=values["kind"],
            admin_unit=_commune(values["admin_unit"]),
            capacities=dict(values.get("capacities", {})), actor=acting(request),
        )  # fmt: skip
        return created(StoreSerializer, store, request)


class StoreDetailUpdate(StoreDetail):
    @extend_schema(request=StoreUpdateSerializer, responses={200: StoreSerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        store = self.get_object()
        values = valid(StoreUpdateSerializer, request)
        if "admin_unit" in values:
            values["admin_unit"] = _commune(values["admin_unit"])
        if "capacities" in values:
            values["capacities"] = dict(values["capacities"])
        store = services.update_store(store, actor=acting(request), **values)
        return Response(StoreSerializer(store, context={"request": request}).data)
