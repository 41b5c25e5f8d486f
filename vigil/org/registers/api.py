"""REST API for the number registers (kept in core; org decides who reads them)."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from rest_framework import generics, serializers

from vigil.core.endpoints import IdFilter
from vigil.core.models import IssuedNumber
from vigil.core.numbering import DocType
from vigil.org.registers.queries import visible_numbers


class IssuedNumberSerializer(serializers.ModelSerializer[IssuedNumber]):
    committee = serializers.IntegerField(source="register.committee_id", read_only=True)
    year = serializers.IntegerField(source="register.year", read_only=True)

    class Meta:
        model = IssuedNumber
        fields = [
            "id", "committee", "year", "number", "doc_type", "symbol", "issued_at",
            "external", "object_type", "object_id", "actor_label",
        ]  # fmt: skip
        read_only_fields = fields


class IssuedNumberFilter(filters.FilterSet):  # type: ignore[misc]
    committee = IdFilter(field_name="register__committee_id")
    year = filters.NumberFilter(field_name="register__year", min_value=1900, max_value=9999)
    doc_type = filters.ChoiceFilter(choices=DocType.choices)

    class Meta:
        model = IssuedNumber
        fields: list[str] = []


class IssuedNumberList(generics.ListAPIView[IssuedNumber]):
    """Numbers of the committees whose records the user keeps (standing office, administrator)."""

    serializer_class = IssuedNumberSerializer
    filterset_class = IssuedNumberFilter

    def get_queryset(self) -> QuerySet[IssuedNumber]:
        return visible_numbers(self.request.user).order_by("-issued_at", "-pk")
