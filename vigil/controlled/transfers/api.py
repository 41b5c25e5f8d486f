"""REST API of transfers to another organisation's store. Thin: scope, then the
services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.controlled.catalogue.models import UNITS, Item, shown
from vigil.controlled.ledger.api import IN_PROGRESS, LOT_HELP, answering_in_progress
from vigil.controlled.ledger.rules import KEY_MAX
from vigil.controlled.ledger.services import check_client_key
from vigil.controlled.registry.models import Store
from vigil.controlled.transfers import services
from vigil.controlled.transfers.models import Transfer
from vigil.controlled.transfers.queries import destination_stores
from vigil.core.endpoints import Id, IdFilter, Scoped, valid
from vigil.core.pages import acting
from vigil.org.scope import Role, get_visible_or_404, scope_for


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
    lot = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default="", help_text=LOT_HELP
    )
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
        responses={201: TransferSerializer, 200: TransferSerializer, 409: IN_PROGRESS},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, True)],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or len(key) > KEY_MAX:
            raise ValidationError(_("Send an Idempotency-Key header of 1 to 100 characters."))
        check_client_key(key)
        values = valid(TransferCreateSerializer, request)
        from_store: Store = get_visible_or_404(
            Store.objects.select_related("owning_agency"), request.user,
            pk=values.pop("from_store"),
        )  # fmt: skip
        if not scope_for(request.user).agency_role_in(
            from_store.owning_agency_id, Role.STOREKEEPER
        ):
            raise PermissionDenied(
                _("Only a storekeeper of this organisation may record movements.")
            )
        to_store = (
            destination_stores(from_store.owning_agency_id)
            .filter(pk=values.pop("to_store"))
            .first()
        )
        if to_store is None:
            raise ValidationError({"to_store": _("No store of another organisation has this id.")})
        item = get_visible_or_404(Item.objects, request.user, pk=values.pop("item"))
        with answering_in_progress():
            # Decided under the sender's chain lock: of two racing requests with
            # one key, one gets 201 and the other the same transfer with 200.
            sent = services.send_transfer(
                from_store, to_store=to_store, item=item, idempotency_key=key,
                actor=acting(request), **values,
            )  # fmt: skip
        body = TransferSerializer(sent.transfer, context={"request": request}).data
        return Response(body, status=201 if sent.created else 200)


class TransferDetail(Scoped, generics.RetrieveAPIView[Transfer]):
    model = Transfer
    serializer_class = TransferSerializer


class TransferReceive(Scoped):
    model = Transfer
    serializer_class = TransferSerializer

    @extend_schema(request=None, responses={200: TransferSerializer, 409: IN_PROGRESS})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with answering_in_progress():
            transfer = services.receive_transfer(self.get_object(), actor=acting(request))
        return Response(TransferSerializer(transfer, context={"request": request}).data)


class TransferCancel(Scoped):
    model = Transfer
    serializer_class = TransferReasonSerializer

    @extend_schema(
        request=TransferReasonSerializer,
        responses={200: TransferSerializer, 409: IN_PROGRESS},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        transfer = self.get_object()
        values = valid(TransferReasonSerializer, request)
        with answering_in_progress():
            transfer = services.cancel_transfer(
                transfer, reason=values["reason"], actor=acting(request)
            )
        return Response(TransferSerializer(transfer, context={"request": request}).data)
