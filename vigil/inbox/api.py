"""REST API: one's own notifications (list, mark read) and the holiday table."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import audit
from vigil.core.models import Holiday
from vigil.core.pages import acting
from vigil.inbox import services
from vigil.inbox.models import InboxEntry, Kind


class NotificationSerializer(serializers.ModelSerializer[InboxEntry]):
    """An inbox entry with its notification's content (the id is the entry's)."""

    kind = serializers.ChoiceField(source="notification.kind", choices=Kind.choices)
    subject = serializers.CharField(source="notification.subject")
    body = serializers.CharField(source="notification.body")
    url = serializers.CharField(source="notification.url")
    classification = serializers.IntegerField(source="notification.classification")
    read = serializers.SerializerMethodField()

    class Meta:
        model = InboxEntry
        fields = ["id", "kind", "subject", "body", "url", "classification", "created_at",
                  "read_at", "read"]  # fmt: skip
        read_only_fields = fields

    def get_read(self, entry: InboxEntry) -> bool:
        return entry.read_at is not None


class HolidaySerializer(serializers.ModelSerializer[Holiday]):
    class Meta:
        model = Holiday
        fields = ["id", "date", "name", "kind"]


class NotificationFilter(filters.FilterSet):  # type: ignore[misc]
    unread = filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_unread"
    )
    kind = filters.ChoiceFilter(field_name="notification__kind", choices=Kind.choices)

    class Meta:
        model = InboxEntry
        fields: list[str] = []

    def filter_unread(
        self, queryset: QuerySet[InboxEntry], name: str, value: str
    ) -> QuerySet[InboxEntry]:
        return queryset.filter(read_at__isnull=value == "true")


class HolidayFilter(filters.FilterSet):  # type: ignore[misc]
    year = filters.NumberFilter(
        field_name="date", lookup_expr="year", min_value=1900, max_value=2200
    )

    class Meta:
        model = Holiday
        fields = ["kind"]


class Own(generics.GenericAPIView[InboxEntry]):
    """A user's own inbox: anyone else's entry is not found."""

    def get_queryset(self) -> QuerySet[InboxEntry]:
        return (
            InboxEntry.objects.of(self.request.user)
            .select_related("notification")
            .order_by("-created_at", "-pk")
        )


class NotificationList(Own, generics.ListAPIView[InboxEntry]):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        audit.record_view(
            request.user, [e.notification for e in rows], path=request.get_full_path()
        )
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class NotificationRead(Own):
    serializer_class = NotificationSerializer

    @extend_schema(request=None, responses={200: NotificationSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        entry = services.mark_read(self.get_object(), actor=acting(request))
        return Response(self.get_serializer(entry).data)


class HolidayList(generics.ListAPIView[Holiday]):
    """The holiday table is public knowledge for every signed-in user."""

    serializer_class = HolidaySerializer
    filterset_class = HolidayFilter
    queryset = Holiday.objects.order_by("date")
