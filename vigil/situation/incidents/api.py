"""REST API of incidents: the list (and a report), an incident (and a change), and
its two actions: a move along the lifecycle and the timeline's updates. Thin: scope,
then services; the same filters as the list page. JSON only for writes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import audit, dates
from vigil.core.endpoints import Audited, BooleanFilter, Id, IdFilter, Scoped, Text, created, valid
from vigil.core.pages import acting
from vigil.core.parsers import JSONParser
from vigil.core.search import folded_query
from vigil.org.models import Agency, Committee
from vigil.org.scope import admin_units_visible_to, get_visible_or_404
from vigil.sites.models import KeySite
from vigil.situation.incidents import queries, services
from vigil.situation.incidents.models import (
    OPEN_STATES,
    Incident,
    IncidentEvent,
    IncidentState,
    IncidentType,
    TimelineEntry,
)
from vigil.situation.terms import Certainty, Severity, Urgency

# --- serializers


class IncidentSerializer(serializers.ModelSerializer[Incident]):
    class Meta:
        model = Incident
        fields = [
            "id", "title", "type", "description", "severity", "urgency", "certainty",
            "occurred_at", "reported_at", "site", "commune", "place", "latitude", "longitude",
            "owning_committee", "owning_agency", "reporting_agency", "involved_agencies",
            "state", "dead", "injured", "evacuated", "forces", "measures", "is_exercise",
            "classification", "verified_at", "closed_at",
        ]  # fmt: skip
        read_only_fields = fields


class IncidentEventSerializer(serializers.ModelSerializer[IncidentEvent]):
    class Meta:
        model = IncidentEvent
        fields = ["id", "from_state", "to_state", "at", "actor_label", "note"]
        read_only_fields = fields


class TimelineEntrySerializer(serializers.ModelSerializer[TimelineEntry]):
    files = serializers.SerializerMethodField()

    class Meta:
        model = TimelineEntry
        fields = ["id", "at", "text", "author_label", "agency", "files"]
        read_only_fields = fields

    def get_files(self, obj: TimelineEntry) -> list[int]:
        """The ids of the entry's files the requester may see (``/api/v1/attachments/``)."""
        found: dict[int, list[Any]] = self.context.get("files", {})
        return [a.pk for a in found.get(obj.pk, [])]


class IncidentDetailSerializer(IncidentSerializer):
    events = IncidentEventSerializer(many=True, read_only=True)

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "events"]
        read_only_fields = fields


class IncidentChangeSerializer(serializers.Serializer[Any]):
    title = Text(max_length=300, required=False)
    type = serializers.ChoiceField(choices=IncidentType.choices, required=False)
    description = Text(max_length=20000, required=False, allow_blank=True)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    certainty = serializers.ChoiceField(choices=Certainty.choices, required=False)
    occurred_at = dates.ApiDateTimeField(required=False)
    site = Id(required=False, allow_null=True)
    commune = Id(required=False, allow_null=True)
    place = Text(max_length=300, required=False, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False,
                                        allow_null=True)  # fmt: skip
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False,
                                         allow_null=True)  # fmt: skip
    dead = serializers.IntegerField(min_value=0, max_value=10**6, required=False)
    injured = serializers.IntegerField(min_value=0, max_value=10**6, required=False)
    evacuated = serializers.IntegerField(min_value=0, max_value=10**7, required=False)
    forces = Text(max_length=20000, required=False, allow_blank=True)
    measures = Text(max_length=20000, required=False, allow_blank=True)
    involved_agencies = serializers.ListField(child=Id(), required=False, max_length=200)
    classification = serializers.IntegerField(min_value=0, max_value=3, required=False)


class IncidentReportSerializer(IncidentChangeSerializer):
    committee = Id()
    reporting_agency = Id(required=False, allow_null=True)
    title = Text(max_length=300)
    type = serializers.ChoiceField(choices=IncidentType.choices)
    is_exercise = serializers.BooleanField(required=False, default=False)


class MoveSerializer(serializers.Serializer[Any]):
    to_state = serializers.ChoiceField(choices=IncidentState.choices)
    note = Text(max_length=2000, required=False, default="", allow_blank=True)


class UpdateSerializer(serializers.Serializer[Any]):
    text = Text(max_length=20000)


def _resolve(values: dict[str, Any], user: Any) -> dict[str, Any]:
    """Ids to objects, each within what the requester sees (404 otherwise)."""
    if values.get("site") is not None:
        values["site"] = get_visible_or_404(KeySite.objects, user, pk=values["site"])
    if values.get("commune") is not None:
        values["commune"] = generics.get_object_or_404(
            admin_units_visible_to(user), pk=values["commune"]
        )
    if "involved_agencies" in values:
        ids = set(values["involved_agencies"])
        agencies = list(Agency.objects.visible_to(user).filter(pk__in=ids))
        if len(agencies) != len(ids):
            raise serializers.ValidationError(
                {"involved_agencies": _("Choose agencies you can see.")}
            )
        values["involved_agencies"] = agencies
    return values


# --- endpoints


class IncidentFilter(filters.FilterSet):  # type: ignore[misc]
    q = filters.CharFilter(method="search", max_length=100, label="Search (diacritics optional)")
    state = filters.ChoiceFilter(choices=IncidentState.choices)
    type = filters.ChoiceFilter(choices=IncidentType.choices)
    committee = IdFilter(field_name="owning_committee_id")
    is_exercise = BooleanFilter()
    open = BooleanFilter(method="by_open")

    class Meta:
        model = Incident
        fields: list[str] = []

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(folded_query("text_folded", value))

    def by_open(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        if value:
            return queryset.filter(state__in=OPEN_STATES)
        return queryset.exclude(state__in=OPEN_STATES)


class IncidentList(Scoped, Audited, generics.ListCreateAPIView[Incident]):
    # JSON only: a blank date or number in a form body would be read as "not given".
    parser_classes = [JSONParser]
    model = Incident
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilter

    def get_queryset(self) -> QuerySet[Incident]:
        return (
            queries.incidents_for(self.request.user)
            .prefetch_related("involved_agencies")
            .order_by("pk")
        )

    @extend_schema(request=IncidentReportSerializer, responses={201: IncidentSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = acting(request)
        values = _resolve(valid(IncidentReportSerializer, request), user)
        committee = get_visible_or_404(Committee.objects, user, pk=values.pop("committee"))
        if values.get("reporting_agency") is not None:
            values["reporting_agency"] = get_visible_or_404(
                Agency.objects, user, pk=values["reporting_agency"]
            )
        incident = services.report_incident(committee, actor=user, **values)
        return created(IncidentSerializer, incident, request)


class IncidentDetail(Scoped, Audited, generics.RetrieveAPIView[Incident]):
    parser_classes = [JSONParser]
    model = Incident
    serializer_class = IncidentDetailSerializer

    def get_queryset(self) -> QuerySet[Incident]:
        return super().get_queryset().prefetch_related("involved_agencies", "events")

    @extend_schema(request=IncidentChangeSerializer, responses={200: IncidentDetailSerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incident = self.get_object()
        user = acting(request)
        values = _resolve(valid(IncidentChangeSerializer, request), user)
        changed = services.change_incident(incident, actor=user, **values)
        return Response(IncidentDetailSerializer(self.get_queryset().get(pk=changed.pk)).data)


class IncidentMove(Scoped, generics.GenericAPIView[Incident]):
    parser_classes = [JSONParser]
    model = Incident
    serializer_class = IncidentDetailSerializer

    @extend_schema(request=MoveSerializer, responses={200: IncidentDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incident = self.get_object()
        values = valid(MoveSerializer, request)
        moved = services.move(incident, values["to_state"], actor=acting(request),
                              note=values["note"])  # fmt: skip
        return Response(IncidentDetailSerializer(moved).data)


class IncidentUpdates(Scoped, generics.GenericAPIView[Incident]):
    """The incident's situation updates (GET) and a new one (POST, text only: files go
    through ``/api/v1/attachments/`` with the entry as parent)."""

    parser_classes = [JSONParser]
    model = Incident
    serializer_class = TimelineEntrySerializer
    pagination_class = None

    @extend_schema(responses={200: TimelineEntrySerializer(many=True)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incident = self.get_object()
        entries = list(incident.timeline.select_related("agency"))
        files = queries.entry_files(entries, request.user)
        audit.record_view(request.user, [incident], about=incident, path=request.path)
        data = TimelineEntrySerializer(entries, many=True, context={"files": files}).data
        return Response(data)

    @extend_schema(request=UpdateSerializer, responses={201: TimelineEntrySerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incident = self.get_object()
        values = valid(UpdateSerializer, request)
        entry = services.add_update(incident, values["text"], actor=acting(request))
        return created(TimelineEntrySerializer, entry, request)
