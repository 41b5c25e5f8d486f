"""REST API of stock counts and their discrepancies. Thin: scope, then the services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.controlled.catalogue.models import Item, shown
from vigil.controlled.counts import services
from vigil.controlled.counts.models import CountLine, Discrepancy, StockCount
from vigil.controlled.ledger.api import IN_PROGRESS, answering_in_progress
from vigil.controlled.registry.models import Store
from vigil.controlled.transfers.api import UNIT_CHOICES
from vigil.core.dates import ApiDateTimeField
from vigil.core.endpoints import Id, IdFilter, Scoped, Text, created, valid
from vigil.core.pages import acting
from vigil.org.scope import get_visible_or_404


class CountLineSerializer(serializers.ModelSerializer[CountLine]):
    shown_counted = serializers.SerializerMethodField()
    shown_book = serializers.SerializerMethodField()

    class Meta:
        model = CountLine
        fields = ["item", "lot", "counted", "book", "shown_counted", "shown_book"]

    def get_shown_counted(self, obj: CountLine) -> str:
        return shown(obj.item.item_class, obj.counted)

    def get_shown_book(self, obj: CountLine) -> str | None:
        return None if obj.book is None else shown(obj.item.item_class, obj.book)


class DiscrepancySerializer(serializers.ModelSerializer[Discrepancy]):
    organisation = serializers.IntegerField(source="owning_agency_id", read_only=True)
    shown = serializers.SerializerMethodField()

    class Meta:
        model = Discrepancy
        fields = [
            "id", "count", "organisation", "store", "item", "lot", "direction", "quantity",
            "shown", "status", "entry", "resolved_at", "resolved_by", "resolution_note",
            "resolution_entry",
        ]  # fmt: skip

    def get_shown(self, obj: Discrepancy) -> str:
        return shown(obj.item.item_class, obj.quantity)


class StockCountSerializer(serializers.ModelSerializer[StockCount]):
    organisation = serializers.IntegerField(source="owning_agency_id", read_only=True)
    lines = CountLineSerializer(many=True, read_only=True)
    discrepancies = DiscrepancySerializer(many=True, read_only=True)

    class Meta:
        model = StockCount
        fields = [
            "id", "organisation", "store", "counted_at", "counters", "witnesses", "note",
            "status", "created_at", "created_by", "submitted_at", "submitted_by", "lines",
            "discrepancies", "incident", "alert",
        ]  # fmt: skip


class CountLineInSerializer(serializers.Serializer[Any]):
    item = Id()
    quantity = serializers.DecimalField(max_digits=20, decimal_places=3)
    unit = serializers.ChoiceField(choices=UNIT_CHOICES, required=False)
    lot = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class StockCountCreateSerializer(serializers.Serializer[Any]):
    store = Id()
    counted_at = ApiDateTimeField()
    counters = Text(max_length=2000)
    witnesses = Text(max_length=2000, required=False, allow_blank=True, default="")
    note = Text(max_length=2000, required=False, allow_blank=True, default="")
    lines = CountLineInSerializer(many=True, allow_empty=False)


class ResolveSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(
        choices=[s.value for s in Discrepancy.Status if s != Discrepancy.Status.OPEN]
    )
    quantity = serializers.DecimalField(max_digits=20, decimal_places=3)
    unit = serializers.ChoiceField(choices=UNIT_CHOICES, required=False)
    note = Text(max_length=2000)


class StockCountFilter(filters.FilterSet):  # type: ignore[misc]
    store = IdFilter(field_name="store_id")

    class Meta:
        model = StockCount
        fields = ["status"]


class DiscrepancyFilter(filters.FilterSet):  # type: ignore[misc]
    store = IdFilter(field_name="store_id")
    count = IdFilter(field_name="count_id")

    class Meta:
        model = Discrepancy
        fields = ["status", "direction"]


def _with_rows(queryset: QuerySet[StockCount]) -> QuerySet[StockCount]:
    return queryset.select_related("store").prefetch_related("lines__item", "discrepancies__item")


class StockCountList(Scoped, generics.ListAPIView[StockCount]):
    model = StockCount
    serializer_class = StockCountSerializer
    filterset_class = StockCountFilter

    def get_queryset(self) -> QuerySet[StockCount]:
        return _with_rows(super().get_queryset()).order_by("-counted_at", "-pk")

    @extend_schema(request=StockCountCreateSerializer, responses={201: StockCountSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(StockCountCreateSerializer, request)
        store: Store = get_visible_or_404(
            Store.objects.select_related("owning_agency"), request.user, pk=values.pop("store")
        )
        if not services.may_count(request.user, store):
            raise PermissionDenied(
                _("Only a storekeeper of this organisation may count its stores.")
            )
        lines = [
            services.CountLineInput(
                item=get_visible_or_404(Item.objects, request.user, pk=line["item"]),
                quantity=line["quantity"], unit=line.get("unit"), lot=line.get("lot", ""),
            )
            for line in values.pop("lines")
        ]  # fmt: skip
        count = services.record_count(store, lines=lines, actor=acting(request), **values)
        return created(StockCountSerializer, count, request)


class StockCountDetail(Scoped, generics.RetrieveAPIView[StockCount]):
    model = StockCount
    serializer_class = StockCountSerializer

    def get_queryset(self) -> QuerySet[StockCount]:
        return _with_rows(super().get_queryset())


class StockCountSubmit(Scoped):
    model = StockCount
    serializer_class = StockCountSerializer

    @extend_schema(request=None, responses={200: StockCountSerializer, 409: IN_PROGRESS})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        count = self.get_object()
        if not services.may_count(request.user, count.store):
            raise PermissionDenied(
                _("Only a storekeeper of this organisation may count its stores.")
            )
        if count.status == StockCount.Status.SUBMITTED:
            # Refused, not answered again: nothing more is written for a count submitted.
            raise ValidationError(_("This count was already submitted."))
        with answering_in_progress():
            count = services.submit_count(count, actor=acting(request))
        count = _with_rows(StockCount.objects.all()).get(pk=count.pk)
        return Response(StockCountSerializer(count, context={"request": request}).data)


class DiscrepancyList(Scoped, generics.ListAPIView[Discrepancy]):
    model = Discrepancy
    serializer_class = DiscrepancySerializer
    filterset_class = DiscrepancyFilter

    def get_queryset(self) -> QuerySet[Discrepancy]:
        return super().get_queryset().select_related("item").order_by("-pk")


class DiscrepancyDetail(Scoped, generics.RetrieveAPIView[Discrepancy]):
    model = Discrepancy
    serializer_class = DiscrepancySerializer


class DiscrepancyResolve(Scoped):
    model = Discrepancy
    serializer_class = ResolveSerializer

    @extend_schema(
        request=ResolveSerializer, responses={200: DiscrepancySerializer, 409: IN_PROGRESS}
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        d = self.get_object()
        if not services.may_count(request.user, d.store):
            raise PermissionDenied(
                _("Only a storekeeper of this organisation may record movements.")
            )
        values = valid(ResolveSerializer, request)
        with answering_in_progress():
            d = services.resolve_discrepancy(d, actor=acting(request), **values)
        return Response(DiscrepancySerializer(d, context={"request": request}).data)
