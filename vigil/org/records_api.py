"""REST API for the records kept in core whose readers org decides: numbers and the audit log."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django_filters import rest_framework as filters
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import audit, dates
from vigil.core.models import AuditEvent, IssuedNumber
from vigil.core.numbering import DocType
from vigil.org import numbering
from vigil.org.api import IdFilter
from vigil.org.audit_views import events_visible_to, filter_events
from vigil.org.scope import AUDIT_ROLES, committees_with_role


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
        return numbering.visible_numbers(self.request.user).order_by("-issued_at", "-pk")


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = [
            "seq", "at", "actor_id", "actor_label", "role", "agency_id", "agency_label",
            "committee_id", "action", "object_type", "object_id", "classification",
            "before", "after", "request_id", "prev_hash", "hash",
        ]  # fmt: skip
        read_only_fields = fields


class AuditEventFilter(filters.FilterSet):  # type: ignore[misc]
    actor = filters.CharFilter(method="passthrough", max_length=100)
    agency = IdFilter(method="passthrough")
    object_type = filters.CharFilter(method="passthrough", max_length=100)
    object_id = filters.CharFilter(method="passthrough", max_length=64)
    action = filters.CharFilter(method="passthrough", max_length=64)
    date_from = dates.DateFilter(method="passthrough")
    date_to = dates.DateFilter(method="passthrough")

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def passthrough(
        self, queryset: QuerySet[AuditEvent], name: str, value: Any
    ) -> QuerySet[AuditEvent]:
        return queryset

    def filter_queryset(self, queryset: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        # The same filters as the page: one function for both.
        return filter_events(queryset, self.form.cleaned_data)


class AuditEventList(generics.ListAPIView[AuditEvent]):
    """The audit log for auditors and standing offices; everyone else: 404."""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter

    def get_queryset(self) -> QuerySet[AuditEvent]:
        return events_visible_to(self.request.user).order_by("-seq")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not committees_with_role(request.user, *AUDIT_ROLES):
            raise Http404
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        audit.record_view(request.user, rows, path=request.get_full_path())
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)
