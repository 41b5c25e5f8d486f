"""REST API of the catalogue (read only: the system administrators keep it)."""

from __future__ import annotations

from django_filters import rest_framework as filters
from rest_framework import generics, serializers

from vigil.controlled.catalogue.models import Item, unit_label
from vigil.core.endpoints import BooleanFilter, Scoped


class ItemSerializer(serializers.ModelSerializer[Item]):
    base_unit = serializers.CharField(read_only=True, help_text="stored unit code: g, pcs, cm")
    unit = serializers.CharField(read_only=True, help_text="shown unit code: kg, pcs, m")
    unit_label = serializers.SerializerMethodField(
        help_text="the shown unit as people read it in the request's language (kg, m, cái)"
    )
    category = serializers.CharField(
        read_only=True,
        help_text="weapon or support-tool category (military_weapon, sporting_weapon, "
        "hunting_gun, rudimentary_weapon, baton, stun_device, gas_spray, handcuffs, "
        "other_support_tool); empty for explosives, detonators and cord",
    )
    serial_required = serializers.BooleanField(
        read_only=True,
        help_text="each piece has a serial number: every movement names it in `lot` "
        "and moves exactly one piece",
    )

    class Meta:
        model = Item
        fields = [
            "id", "code", "name", "item_class", "category", "serial_required", "maker",
            "base_unit", "unit", "unit_label",
        ]  # fmt: skip

    def get_unit_label(self, obj: Item) -> str:
        return unit_label(obj.unit)


class ItemFilter(filters.FilterSet):  # type: ignore[misc]
    serial_required = BooleanFilter()

    class Meta:
        model = Item
        fields = ["item_class", "category"]


class ItemList(Scoped, generics.ListAPIView[Item]):
    model = Item
    serializer_class = ItemSerializer
    filterset_class = ItemFilter


class ItemDetail(Scoped, generics.RetrieveAPIView[Item]):
    model = Item
    serializer_class = ItemSerializer
