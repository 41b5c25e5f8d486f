"""REST API of the registry: organisations, licence and store writes, inspections,
balance totals, transfers. Thin: scope, then the services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.controlled import api as base
from vigil.controlled import inspections, registry, services, transfers
from vigil.controlled.models import (
    UNITS,
    Balance,
    Inspection,
    InspectionResult,
    Item,
    ItemClass,
    Licence,
    OrganisationProfile,
    Sector,
    Store,
    Transfer,
    shown,
)
from vigil.controlled.registry_forms import province_communes
from vigil.controlled.registry_views import GROUPS, balance_totals, filtered_balances
from vigil.core import clock, dates
from vigil.core.parsers import JSONParser
from vigil.org.api import ID_MAX, Id, IdFilter, Scoped, created, valid
from vigil.org.models import Agency
from vigil.org.scope import get_visible_or_404, scope_for

# --- organisations


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
            return registry.standing_of(obj)
        return registry.licence_standing(obj.pk, clock.today())


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
        from vigil.controlled.registry_views import _standing_filter

        return _standing_filter(queryset, value)


def _commune(pk: int | None) -> Any:
    if pk is None:
        return None
    unit = province_communes().filter(pk=pk).first()
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
        return registry.with_standing(ordered, clock.today())  # type: ignore[no-any-return]

    @extend_schema(request=OrganisationCreateSerializer, responses={201: OrganisationSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(OrganisationCreateSerializer, request)
        licenser = (
            registry.licensing_agencies_for(request.user)
            .filter(pk=values.pop("licensing_agency"))
            .first()
        )
        if licenser is None:
            raise ValidationError(
                {"licensing_agency": _("Choose a licensing agency you work for.")}
            )
        values["admin_unit"] = _commune(values.pop("admin_unit"))
        values.setdefault("tax_code", "")
        profile = registry.create_organisation(
            licensing_agency=licenser, actor=request.user, **values
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
        profile = registry.update_organisation(profile, actor=request.user, **values)
        return Response(OrganisationSerializer(profile, context={"request": request}).data)


# --- licences


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


class LicenceFilterMore(base.LicenceFilter):
    organisation = IdFilter(field_name="owning_agency_id")

    class Meta:
        model = Licence
        fields = ["status", "kind"]


class LicenceListCreate(base.LicenceList):
    filterset_class = LicenceFilterMore

    @extend_schema(request=LicenceCreateSerializer, responses={201: base.LicenceSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(LicenceCreateSerializer, request)
        profile: OrganisationProfile = get_visible_or_404(
            OrganisationProfile.objects.select_related("organisation"), request.user,
            pk=values.pop("organisation"),
        )  # fmt: skip
        issuer = registry.licensing_agencies_for(request.user).filter(pk=values.pop("issuer"))
        if not issuer.exists():
            raise ValidationError({"issuer": _("Choose a licensing agency you work for.")})
        _check_period(values)
        values["stores"] = _own_stores(profile.pk, values.pop("stores", []))
        licence = services.create_licence(
            profile.organisation, issuer=issuer.get(), actor=request.user, **values
        )
        return created(base.LicenceSerializer, licence, request)


class LicenceDetailUpdate(base.LicenceDetail):
    @extend_schema(request=LicenceUpdateSerializer, responses={200: base.LicenceSerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        licence = self.get_object()
        values = valid(LicenceUpdateSerializer, request)
        if "stores" in values:
            values["stores"] = _own_stores(licence.owning_agency_id, values["stores"])
        _check_period(
            {"valid_from": values.get("valid_from", licence.valid_from),
             "valid_to": values.get("valid_to", licence.valid_to)}
        )  # fmt: skip
        licence = registry.update_licence(licence, actor=request.user, **values)
        return Response(base.LicenceSerializer(licence, context={"request": request}).data)


class LicenceStatus(Scoped):
    model = Licence
    serializer_class = StatusSerializer

    @extend_schema(request=StatusSerializer, responses={200: base.LicenceSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        licence = self.get_object()
        values = valid(StatusSerializer, request)
        licence = registry.change_licence_status(
            licence, values["status"], reason=values["reason"], actor=request.user
        )
        return Response(base.LicenceSerializer(licence, context={"request": request}).data)


# --- stores


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


class StoreListCreate(base.StoreList):
    filterset_class = StoreFilter

    @extend_schema(request=StoreCreateSerializer, responses={201: base.StoreSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(StoreCreateSerializer, request)
        profile: OrganisationProfile = get_visible_or_404(
            OrganisationProfile.objects.select_related("organisation"), request.user,
            pk=values["organisation"],
        )  # fmt: skip
        if not registry.may_keep_record(request.user, profile):
            raise PermissionDenied
        store = services.create_store(
            profile.organisation, name=values["name"], kind=values["kind"],
            admin_unit=_commune(values["admin_unit"]),
            capacities=dict(values.get("capacities", {})), actor=request.user,
        )  # fmt: skip
        return created(base.StoreSerializer, store, request)


class StoreDetailUpdate(base.StoreDetail):
    @extend_schema(request=StoreUpdateSerializer, responses={200: base.StoreSerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        store = self.get_object()
        values = valid(StoreUpdateSerializer, request)
        if "admin_unit" in values:
            values["admin_unit"] = _commune(values["admin_unit"])
        if "capacities" in values:
            values["capacities"] = dict(values["capacities"])
        store = registry.update_store(store, actor=request.user, **values)
        return Response(base.StoreSerializer(store, context={"request": request}).data)


# --- inspections


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
    due_before = base.PresentDateFilter(field_name="next_due", lookup_expr="lte")

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
        inspection = inspections.record_inspection(
            store, inspecting_agency=agency, actor=request.user, **values
        )
        return created(InspectionSerializer, inspection, request)


class InspectionDetail(Scoped, generics.RetrieveAPIView[Inspection]):
    model = Inspection
    serializer_class = InspectionSerializer


# --- balances


class BalanceTotalSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    item_class = serializers.CharField(source="item_class_code")
    quantity = serializers.IntegerField(help_text="in stored units (g, pcs, cm)")
    shown = serializers.CharField(help_text="in the unit people use (kg, pcs, m)")


class BalanceTotalsQuery(serializers.Serializer[Any]):
    by = serializers.ChoiceField(choices=list(GROUPS), required=False)
    organisation = Id(required=False)
    commune = Id(required=False)
    item_class = serializers.ChoiceField(choices=ItemClass.choices, required=False)
    item = Id(required=False)


class BalanceTotals(Scoped):
    """Sums of the balances you may see, by store, organisation, item or commune."""

    model = Balance
    serializer_class = BalanceTotalSerializer
    pagination_class = None

    @extend_schema(
        parameters=[BalanceTotalsQuery], responses={200: BalanceTotalSerializer(many=True)}
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # As JSON: an empty parameter is refused, not taken for "any".
        query = BalanceTotalsQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        values = dict(query.validated_data)
        data = {
            "organisation": values.get("organisation"), "commune": values.get("commune"),
            "item_class": values.get("item_class"), "item": values.get("item"),
        }  # fmt: skip
        rows = balance_totals(filtered_balances(request.user, data), values.get("by", "store"))
        return Response(BalanceTotalSerializer(rows, many=True).data)


class BalanceFilterMore(base.BalanceFilter):
    organisation = IdFilter(field_name="owning_agency_id")
    commune = IdFilter(field_name="store__admin_unit_id")
    item_class = filters.ChoiceFilter(field_name="item__item_class", choices=ItemClass.choices)

    class Meta:
        model = Balance
        fields = ["lot"]


class BalanceListFiltered(base.BalanceList):
    filterset_class = BalanceFilterMore


# --- transfers


class TransferSerializer(serializers.ModelSerializer[Transfer]):
    organisation = serializers.IntegerField(source="owning_agency_id", read_only=True)
    shown = serializers.SerializerMethodField()

    class Meta:
        model = Transfer
        fields = [
            "id", "organisation", "from_store", "to_store", "receiving_agency", "item", "lot",
            "quantity", "shown", "status", "document_ref", "reason", "idempotency_key",
            "sent_at", "closed_at", "dispatch_entry", "closing_entry",
        ]  # fmt: skip

    def get_shown(self, obj: Transfer) -> str:
        return shown(obj.item.item_class, obj.quantity)


UNIT_CHOICES = sorted({u for b, s, _f in UNITS.values() for u in (b, s)})


class TransferCreateSerializer(serializers.Serializer[Any]):
    from_store = Id()
    to_store = Id()
    item = Id()
    quantity = serializers.DecimalField(max_digits=20, decimal_places=3)
    unit = serializers.ChoiceField(choices=UNIT_CHOICES, required=False)
    lot = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    document_ref = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TransferReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500)


class TransferFilter(filters.FilterSet):  # type: ignore[misc]
    store = IdFilter(method="filter_store")

    class Meta:
        model = Transfer
        fields = ["status"]

    def filter_store(self, queryset: QuerySet[Transfer], name: str, value: Any) -> Any:
        return queryset.filter(from_store_id=value) | queryset.filter(to_store_id=value)


class TransferList(Scoped, generics.ListAPIView[Transfer]):
    model = Transfer
    serializer_class = TransferSerializer
    filterset_class = TransferFilter

    def get_queryset(self) -> QuerySet[Transfer]:
        return super().get_queryset().select_related("item").order_by("-sent_at", "-pk")

    @extend_schema(
        request=TransferCreateSerializer,
        responses={201: TransferSerializer, 200: TransferSerializer, 409: base.IN_PROGRESS},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, True)],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or len(key) > services.KEY_MAX:
            raise ValidationError(_("Send an Idempotency-Key header of 1 to 100 characters."))
        services.check_client_key(key)
        values = valid(TransferCreateSerializer, request)
        from_store: Store = get_visible_or_404(
            Store.objects.select_related("owning_agency"), request.user,
            pk=values.pop("from_store"),
        )  # fmt: skip
        if not scope_for(request.user).agency_role_in(from_store.owning_agency_id, "storekeeper"):
            raise PermissionDenied(
                _("Only a storekeeper of this organisation may record movements.")
            )
        to_store = (
            transfers.destination_stores(from_store.owning_agency_id)
            .filter(pk=values.pop("to_store"))
            .first()
        )
        if to_store is None:
            raise ValidationError({"to_store": _("No store of another organisation has this id.")})
        item = get_visible_or_404(Item.objects, request.user, pk=values.pop("item"))
        with base.answering_in_progress():
            # Decided under the sender's chain lock: of two racing requests with
            # one key, one gets 201 and the other the same transfer with 200.
            sent = transfers.send_transfer(
                from_store, to_store=to_store, item=item, idempotency_key=key,
                actor=request.user, **values,
            )  # fmt: skip
        body = TransferSerializer(sent.transfer, context={"request": request}).data
        return Response(body, status=201 if sent.created else 200)


class TransferDetail(Scoped, generics.RetrieveAPIView[Transfer]):
    model = Transfer
    serializer_class = TransferSerializer


class TransferReceive(Scoped):
    model = Transfer
    serializer_class = TransferSerializer

    @extend_schema(request=None, responses={200: TransferSerializer, 409: base.IN_PROGRESS})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with base.answering_in_progress():
            transfer = transfers.receive_transfer(self.get_object(), actor=request.user)
        return Response(TransferSerializer(transfer, context={"request": request}).data)


class TransferCancel(Scoped):
    model = Transfer
    serializer_class = TransferReasonSerializer

    @extend_schema(
        request=TransferReasonSerializer,
        responses={200: TransferSerializer, 409: base.IN_PROGRESS},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        transfer = self.get_object()
        values = valid(TransferReasonSerializer, request)
        with base.answering_in_progress():
            transfer = transfers.cancel_transfer(
                transfer, reason=values["reason"], actor=request.user
            )
        return Response(TransferSerializer(transfer, context={"request": request}).data)
