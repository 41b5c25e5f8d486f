"""REST API of the ledger: movements (one, or a batch), balances and their totals.
Thin: scope, then the services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import APIException
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.controlled.catalogue.models import UNITS, Item, ItemClass, shown
from vigil.controlled.catalogue.services import to_base_units
from vigil.controlled.ledger import inflight, services
from vigil.controlled.ledger.models import Account, Balance, LedgerEntry
from vigil.controlled.ledger.queries import (
    GROUPS,
    at_store,
    balance_totals,
    filtered_balances,
    local_day_range,
)
from vigil.controlled.registry.models import Store
from vigil.core import dates
from vigil.core.api import Pagination
from vigil.core.endpoints import Id, IdFilter, Scoped
from vigil.core.pages import acting
from vigil.org.scope import Role, get_visible_or_404, scope_for

BATCH_MAX = 500

LOT_HELP = (
    "Lot / serial number (lô / số hiệu): the lot, or for an item whose "
    "`serial_required` is true (a gun) the serial number of the piece, which that "
    "item's every movement must give, with a quantity of exactly 1."
)


class BalanceSerializer(serializers.ModelSerializer[Balance]):
    shown = serializers.SerializerMethodField()

    class Meta:
        model = Balance
        fields = ["id", "store", "item", "lot", "quantity", "shown"]
        extra_kwargs = {"lot": {"help_text": LOT_HELP}}

    def get_shown(self, obj: Balance) -> str:
        return shown(obj.item.item_class, obj.quantity)


class AccountSerializer(serializers.ModelSerializer[Account]):
    class Meta:
        model = Account
        fields = ["kind", "store"]


class MovementSerializer(serializers.ModelSerializer[LedgerEntry]):
    organisation = serializers.IntegerField(source="owning_agency_id", read_only=True)
    from_account = AccountSerializer(read_only=True)
    to_account = AccountSerializer(read_only=True)

    class Meta:
        model = LedgerEntry
        fields = [
            "id", "organisation", "seq", "at", "item", "lot", "quantity", "from_account",
            "to_account", "idempotency_key", "document_ref", "reason", "actor_label",
            "reverses", "hash",
        ]  # fmt: skip
        extra_kwargs = {"lot": {"help_text": LOT_HELP}}


KINDS = "supplier, consumption, destruction, in_transit, lost"

UNIT_CHOICES = sorted({u for base, shown_unit, _f in UNITS.values() for u in (base, shown_unit)})


class MovementInSerializer(serializers.Serializer[Any]):
    item = Id()
    quantity = serializers.DecimalField(max_digits=20, decimal_places=3)
    unit = serializers.ChoiceField(choices=UNIT_CHOICES, required=False)
    lot = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default="", help_text=LOT_HELP
    )
    from_store = Id(required=False)
    from_kind = serializers.CharField(max_length=20, required=False, help_text=KINDS)
    to_store = Id(required=False)
    to_kind = serializers.CharField(max_length=20, required=False, help_text=KINDS)
    document_ref = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BatchItemSerializer(MovementInSerializer):
    idempotency_key = serializers.CharField(max_length=100)


class BatchSerializer(serializers.Serializer[Any]):
    movements = serializers.ListField(
        child=BatchItemSerializer(), max_length=BATCH_MAX, allow_empty=False
    )


class InProgress(APIException):
    """409 with Retry-After: the first request with this key has not finished;
    the client asks again and gets its answer (never a refusal meanwhile)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "in_progress"
    default_detail = gettext_lazy(
        "A request with this idempotency key is still being processed; send it again shortly."
    )
    wait = inflight.RETRY_AFTER


IN_PROGRESS = OpenApiResponse(
    description="The first request with this Idempotency-Key has not finished: "
    "send it again after Retry-After seconds."
)


@contextmanager
def answering_in_progress() -> Iterator[None]:
    try:
        yield
    except inflight.InProgress as exc:
        raise InProgress from exc


# --- balances


class BalanceFilter(filters.FilterSet):  # type: ignore[misc]
    store = IdFilter(field_name="store_id")
    item = IdFilter(field_name="item_id")

    class Meta:
        model = Balance
        fields = ["lot"]


class BalanceList(Scoped, generics.ListAPIView[Balance]):
    model = Balance
    serializer_class = BalanceSerializer
    filterset_class = BalanceFilter

    def get_queryset(self) -> QuerySet[Balance]:
        return super().get_queryset().select_related("item").order_by("pk")


class BalanceDetail(Scoped, generics.RetrieveAPIView[Balance]):
    model = Balance
    serializer_class = BalanceSerializer

    def get_queryset(self) -> QuerySet[Balance]:
        return super().get_queryset().select_related("item")


class BalanceTotalSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    item_class = serializers.CharField(source="item_class_code")
    quantity = serializers.IntegerField(help_text="in stored units (codes g, pcs, cm)")
    shown = serializers.CharField(
        help_text="in the unit people use, in the request's language (kg, m, cái)"
    )


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


class BalanceFilterMore(BalanceFilter):
    organisation = IdFilter(field_name="owning_agency_id")
    commune = IdFilter(field_name="store__admin_unit_id")
    item_class = filters.ChoiceFilter(field_name="item__item_class", choices=ItemClass.choices)

    class Meta:
        model = Balance
        fields = ["lot"]


class BalanceListFiltered(BalanceList):
    filterset_class = BalanceFilterMore


# --- movements


class PresentDateField(dates.DateField):
    """A date parameter that, when sent, must be a date (an empty value is refused)."""

    def to_python(self, value: Any) -> Any:
        if value == "":
            raise ValidationError(_("Enter a date."), code="invalid")
        return super().to_python(value)


class PresentDateFilter(filters.DateFilter):  # type: ignore[misc]
    field_class = PresentDateField


class MovementFilter(filters.FilterSet):  # type: ignore[misc]
    store = IdFilter(method="filter_store")
    item = IdFilter(field_name="item_id")
    since = PresentDateFilter(method="filter_since")
    until = PresentDateFilter(method="filter_until")

    class Meta:
        model = LedgerEntry
        fields = ["lot", "document_ref"]

    def filter_store(self, queryset: QuerySet[LedgerEntry], name: str, value: Any) -> Any:
        return at_store(queryset, value)

    def filter_since(self, queryset: QuerySet[LedgerEntry], name: str, value: Any) -> Any:
        return queryset.filter(**local_day_range(value, None))

    def filter_until(self, queryset: QuerySet[LedgerEntry], name: str, value: Any) -> Any:
        return queryset.filter(**local_day_range(None, value))


class _Lookups:
    """What one request has already looked up (a batch names the same store 500 times)."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.items: dict[int, Item] = {}
        self.stores: dict[int, Store] = {}
        self.outside: dict[tuple[int, str], Account] = {}

    def item(self, pk: int) -> Item:
        if pk not in self.items:
            self.items[pk] = get_visible_or_404(Item.objects, self.request.user, pk=pk)
        return self.items[pk]

    def store(self, pk: int) -> Store:
        if pk not in self.stores:
            self.stores[pk] = get_visible_or_404(
                Store.objects.select_related("account"), self.request.user, pk=pk
            )
        return self.stores[pk]

    def account(self, organisation: Any, store_id: int | None, kind: str | None) -> Any:
        if store_id is not None:
            if kind not in (None, Account.Kind.STORE):
                raise ValidationError(_("Give either a store or an outside account, not both."))
            return self.store(store_id).account
        if kind is None:
            raise ValidationError(_("Say where the movement comes from and where it goes."))
        if (organisation.pk, kind) not in self.outside:
            # Not created here: a refused request must leave nothing behind.
            self.outside[(organisation.pk, kind)] = services.outside_account(organisation, kind)
        return self.outside[(organisation.pk, kind)]


def _movement(
    request: Request, values: dict[str, Any], key: str, seen: _Lookups | None = None
) -> tuple[Any, Any]:
    """The organisation and the service's movement for one validated request body."""
    seen = seen or _Lookups(request)
    item = seen.item(values["item"])
    stores = [
        seen.store(values[side]) for side in ("from_store", "to_store")
        if values.get(side) is not None
    ]  # fmt: skip
    if not stores:
        raise ValidationError(_("A movement must start or end in a store."))
    services.check_client_key(key)
    scope = scope_for(request.user)
    mine = [s for s in stores if scope.agency_role_in(s.owning_agency_id, Role.STOREKEEPER)]
    if not mine:
        raise PermissionDenied(_("Only a storekeeper of this organisation may record movements."))
    organisation = mine[0].owning_agency
    movement = services.Movement(
        item=item,
        quantity=to_base_units(item, values["quantity"], values.get("unit")),
        from_account=seen.account(organisation, values.get("from_store"), values.get("from_kind")),
        to_account=seen.account(organisation, values.get("to_store"), values.get("to_kind")),
        idempotency_key=key,
        lot=values.get("lot", ""),
        document_ref=values.get("document_ref", ""),
        reason=values.get("reason", ""),
    )
    return organisation, movement


class MovementPagination(CursorPagination):
    """Newest first, by cursor: a million-entry ledger is not counted on every page,
    and a client reading it page by page misses nothing that is posted meanwhile."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Any) -> int:
        return Pagination.get_page_size(self, request)  # type: ignore[arg-type]  # a bad one is refused


class MovementList(Scoped, generics.ListAPIView[LedgerEntry]):
    model = LedgerEntry
    serializer_class = MovementSerializer
    filterset_class = MovementFilter
    pagination_class = MovementPagination

    def get_queryset(self) -> QuerySet[LedgerEntry]:
        return super().get_queryset().select_related("from_account", "to_account").order_by("-pk")

    @extend_schema(
        request=MovementInSerializer,
        responses={201: MovementSerializer, 200: MovementSerializer, 409: IN_PROGRESS},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, True)],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or len(key) > services.KEY_MAX:
            raise ValidationError(_("Send an Idempotency-Key header of 1 to 100 characters."))
        data = MovementInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organisation, movement = _movement(request, dict(data.validated_data), key)
        # Decided under the organisation's chain lock: of two racing first
        # requests, one gets 201 and the other the same entry with 200.
        with answering_in_progress():
            posted = services.record_movements(organisation, [movement], actor=acting(request))[0]
        body = MovementSerializer(posted.entry, context={"request": request}).data
        return Response(body, status=201 if posted.created else 200)


class MovementDetail(Scoped, generics.RetrieveAPIView[LedgerEntry]):
    model = LedgerEntry
    serializer_class = MovementSerializer

    def get_queryset(self) -> QuerySet[LedgerEntry]:
        return super().get_queryset().select_related("from_account", "to_account")


class MovementBatch(Scoped):
    model = LedgerEntry
    serializer_class = BatchSerializer

    @extend_schema(
        request=BatchSerializer,
        responses={
            201: MovementSerializer(many=True),
            200: MovementSerializer(many=True),
            409: IN_PROGRESS,
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = BatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        seen = _Lookups(request)
        pairs = [
            _movement(request, dict(m), m["idempotency_key"], seen)
            for m in data.validated_data["movements"]
        ]
        organisations = {org.pk for org, _m in pairs}
        if len(organisations) != 1:
            raise ValidationError(_("A batch holds the movements of one organisation."))
        with answering_in_progress():
            posted = services.record_movements(
                pairs[0][0], [m for _org, m in pairs], actor=acting(request)
            )
        entries = [p.entry for p in posted]
        body = MovementSerializer(entries, many=True, context={"request": request}).data
        # 200: the whole batch was a replay, nothing written.
        return Response(body, status=201 if any(p.created for p in posted) else 200)
