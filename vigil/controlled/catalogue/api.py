"""REST API of the catalogue (read only: the system administrators keep it)."""

from __future__ import annotations

from rest_framework import generics, serializers

from vigil.controlled.catalogue.models import Item
from vigil.core.endpoints import Scoped


class ItemSerializer(serializers.ModelSerializer[Item]):
    base_unit = serializers.CharField(read_only=True)
    unit = serializers.CharField(read_only=True)

    class Meta:
        model = Item
        fields = ["id", "code", "name", "item_class", "maker", "base_unit", "unit"]


class ItemList(Scoped, generics.ListAPIView[Item]):
    model = Item
    serializer_class = ItemSerializer


class ItemDetail(Scoped, generics.RetrieveAPIView[Item]):
    model = Item
    serializer_class = ItemSerializer
