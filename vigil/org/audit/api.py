"""REST API for the audit log (kept in core; org decides who reads it)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django_filters import rest_framework as filters
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import audit, dates
from vigil.core.endpoints import IdFilter
from vigil.core.models import AuditEvent
from vigil.org.audit.queries import events_visible_to, filter_events
from vigil.org.scope import AUDIT_ROLES, committees_with_role


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
