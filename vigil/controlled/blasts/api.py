"""REST API of blasts (*hộ chiếu nổ mìn*): list, open, read; record results and
close as actions. Thin: scope, then the services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.controlled.blasts import queries, services
from vigil.controlled.blasts.models import Blast, BlastLine
from vigil.controlled.catalogue.models import UNITS, Item, shown
from vigil.controlled.ledger.api import IN_PROGRESS, answering_in_progress
from vigil.controlled.registry.models import Store
from vigil.core import dates
from vigil.core.endpoints import BooleanFilter, Id, IdFilter, Scoped, Text, created, valid
from vigil.core.models import AdminUnit
from vigil.core.pages import acting
from vigil.org.models import ContactPoint
from vigil.org.scope import get_visible_or_404

UNIT_CHOICES = sorted({u for b, s, _f in UNITS.values() for u in (b, s)})
LINES_MAX = 50


class BlastLineSerializer(serializers.ModelSerializer[BlastLine]):
    balanced = serializers.BooleanField(read_only=True)
    shown_issued = serializers.SerializerMethodField()
    shown_used = serializers.SerializerMethodField()
    shown_returned = serializers.SerializerMethodField()

    class Meta:
        model = BlastLine
        fields = [
            "id", "item", "lot", "issued", "used", "returned", "balanced", "shown_issued",
            "shown_used", "shown_returned", "issue_entry", "use_entry", "return_entry",
        ]  # fmt: skip

    def get_shown_issued(self, obj: BlastLine) -> str:
        return shown(obj.item.item_class, obj.issued)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_shown_used(self, obj: BlastLine) -> str | None:
        return None if obj.used is None else shown(obj.item.item_class, obj.used)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_shown_returned(self, obj: BlastLine) -> str | None:
        return None if obj.returned is None else shown(obj.item.item_class, obj.returned)


class BlastSerializer(serializers.ModelSerializer[Blast]):
    organisation = serializers.IntegerField(source="owning_agency_id", read_only=True)
    lines = BlastLineSerializer(many=True, read_only=True)
    stands_out = serializers.SerializerMethodField(
        help_text="True while the blast is open and does not balance (a discrepancy)."
    )

    class Meta:
        model = Blast
        fields = [
            "id", "organisation", "number", "store", "site_name", "key_site", "admin_unit",
            "fired_at", "person_in_charge", "status", "stands_out", "note", "opened_at",
            "opened_by", "closed_at", "closed_by", "lines",
        ]  # fmt: skip

    def get_stands_out(self, obj: Blast) -> bool:
        return queries.stands_out(obj, list(obj.lines.all()))


class LineInSerializer(serializers.Serializer[Any]):
    item = Id()
    quantity = serializers.DecimalField(max_digits=20, decimal_places=3)
    unit = serializers.ChoiceField(choices=UNIT_CHOICES, required=False)
    lot = Text(max_length=60, required=False, allow_blank=True, default="")


class BlastCreateSerializer(serializers.Serializer[Any]):
    store = Id()
    number = Text(max_length=60)
    site_name = Text(max_length=200)
    admin_unit = Id()
    key_site = Id(required=False, allow_null=True, default=None)
    fired_at = dates.ApiDateTimeField()
    person_in_charge = Id()
    note = Text(required=False, allow_blank=True, default="", max_length=2000)
    lines = LineInSerializer(many=True, allow_empty=False, max_length=LINES_MAX)  # type: ignore[call-arg]


class ResultInSerializer(serializers.Serializer[Any]):
    line = Id()
    used = serializers.DecimalField(max_digits=20, decimal_places=3, min_value=0)
    returned = serializers.DecimalField(max_digits=20, decimal_places=3, min_value=0)
    unit = serializers.ChoiceField(choices=UNIT_CHOICES, required=False)


class ResultsSerializer(serializers.Serializer[Any]):
    results = ResultInSerializer(many=True, allow_empty=False, max_length=LINES_MAX)  # type: ignore[call-arg]


class CloseSerializer(serializers.Serializer[Any]):
    results = ResultInSerializer(many=True, required=False, max_length=LINES_MAX)  # type: ignore[call-arg]


def _results(values: dict[str, Any]) -> list[services.LineResult]:
    return [
        services.LineResult(line_id=r["line"], used=r["used"], returned=r["returned"],
                            unit=r.get("unit"))
        for r in values.get("results") or []
    ]  # fmt: skip


class BlastFilter(filters.FilterSet):  # type: ignore[misc]
    store = IdFilter(field_name="store_id")
    unbalanced = BooleanFilter(method="filter_unbalanced", label="does not balance")

    class Meta:
        model = Blast
        fields = ["status"]

    def filter_unbalanced(self, queryset: QuerySet[Blast], name: str, value: Any) -> Any:
        if value is None:
            return queryset
        off = queries.not_balancing(queryset)
        return off if value else queryset.exclude(pk__in=off.values("pk"))


class BlastList(Scoped, generics.ListAPIView[Blast]):
    model = Blast
    serializer_class = BlastSerializer
    filterset_class = BlastFilter

    def get_queryset(self) -> QuerySet[Blast]:
        return super().get_queryset().prefetch_related("lines__item").order_by("-fired_at", "-pk")

    @extend_schema(
        request=BlastCreateSerializer, responses={201: BlastSerializer, 409: IN_PROGRESS}
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(BlastCreateSerializer, request)
        user = request.user
        store: Store = get_visible_or_404(
            Store.objects.select_related("owning_agency", "admin_unit"), user,
            pk=values.pop("store"),
        )  # fmt: skip
        if not services.may_record_blasts(user, store.owning_agency_id):
            raise PermissionDenied(_("Only a storekeeper of this organisation may record blasts."))
        unit = AdminUnit.objects.filter(pk=values.pop("admin_unit")).first()
        if unit is None:
            raise ValidationError({"admin_unit": _("No commune has this id.")})
        person = ContactPoint.objects.visible_to(user).filter(pk=values.pop("person_in_charge"))
        if not person.exists():
            raise ValidationError({"person_in_charge": _("No contact point you see has this id.")})
        key_site = None
        if values.get("key_site"):
            from vigil.sites.models import KeySite

            key_site = KeySite.objects.visible_to(user).filter(pk=values["key_site"]).first()
            if key_site is None:
                raise ValidationError({"key_site": _("No key site you see has this id.")})
        values.pop("key_site", None)
        lines = []
        for line in values.pop("lines"):
            item = Item.objects.filter(pk=line["item"]).first()
            if item is None:
                raise ValidationError(
                    {"lines": _("No item has the id %(id)s.") % {"id": line["item"]}}
                )
            lines.append(services.BlastLineInput(
                item=item, quantity=line["quantity"], unit=line.get("unit"), lot=line["lot"],
            ))  # fmt: skip
        with answering_in_progress():
            blast = services.open_blast(
                store.owning_agency, store=store, admin_unit=unit,
                person_in_charge=person.get(), key_site=key_site, lines=lines,
                actor=acting(request), **values,
            )  # fmt: skip
        return created(BlastSerializer, blast, request)


class BlastDetail(Scoped, generics.RetrieveAPIView[Blast]):
    model = Blast
    serializer_class = BlastSerializer


class BlastResults(Scoped):
    model = Blast
    serializer_class = ResultsSerializer

    @extend_schema(request=ResultsSerializer, responses={200: BlastSerializer, 409: IN_PROGRESS})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        blast = self.get_object()
        if not services.may_record_blasts(request.user, blast.owning_agency_id):
            raise PermissionDenied(_("Only a storekeeper of this organisation may record blasts."))
        values = valid(ResultsSerializer, request)
        with answering_in_progress():
            blast = services.record_results(blast, results=_results(values), actor=acting(request))
        return Response(BlastSerializer(blast, context={"request": request}).data)


class BlastClose(Scoped):
    model = Blast
    serializer_class = CloseSerializer

    @extend_schema(request=CloseSerializer, responses={200: BlastSerializer, 409: IN_PROGRESS})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        blast = self.get_object()
        if not services.may_record_blasts(request.user, blast.owning_agency_id):
            raise PermissionDenied(_("Only a storekeeper of this organisation may record blasts."))
        values = valid(CloseSerializer, request)
        with answering_in_progress():
            blast = services.close_blast(
                blast, results=_results(values) or None, actor=acting(request)
            )
        return Response(BlastSerializer(blast, context={"request": request}).data)
