"""REST API of commendation proposals: the list (and a new one), a proposal, its
review, decision and refusal, and the evidence Vigil shows for a recipient and a year
(what a proposal may cite). Thin: scope, then the services. JSON only for writes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import clock, dates
from vigil.core.endpoints import Audited, Id, IdFilter, Scoped, Text, created, valid
from vigil.core.pages import acting
from vigil.core.parsers import JSONParser
from vigil.org.models import Agency, Committee
from vigil.reports.commendations import queries, services
from vigil.reports.commendations.evidence import evidence_for, record_view
from vigil.reports.commendations.models import (
    Authority,
    Commendation,
    CommendationForm,
    CommendationKind,
    CommendationState,
)


class EvidenceItemSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    url = serializers.CharField()
    figure = serializers.CharField()
    classification = serializers.IntegerField(default=0)


class CommendationSerializer(serializers.ModelSerializer[Commendation]):
    recipient = serializers.CharField(source="recipient_label", read_only=True)
    evidence = EvidenceItemSerializer(many=True, read_only=True)

    class Meta:
        model = Commendation
        fields = [
            "id", "year", "kind", "form", "authority", "recipient_kind", "recipient",
            "recipient_agency", "recipient_committee", "person_name", "person_position",
            "person_unit", "achievement", "evidence", "state", "version", "owning_committee",
            "owning_agency", "proposed_at", "review_note", "reviewed_at", "decision_number",
            "decision_date", "refusal_reason", "classification",
        ]  # fmt: skip
        read_only_fields = fields


class ProposeSerializer(serializers.Serializer[Any]):
    committee = Id()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    kind = serializers.ChoiceField(choices=CommendationKind.choices,
                                   default=CommendationKind.YEARLY)  # fmt: skip
    form = serializers.ChoiceField(choices=CommendationForm.choices)
    authority = serializers.ChoiceField(choices=Authority.choices)
    recipient_agency = Id(required=False, allow_null=True)
    recipient_committee = Id(required=False, allow_null=True)
    person_name = Text(max_length=200, required=False, allow_blank=True, default="")
    person_position = Text(max_length=200, required=False, allow_blank=True, default="")
    unit = Id(required=False, allow_null=True, help_text="an individual's agency")
    achievement = Text(max_length=5000, required=False, allow_blank=True, default="")
    evidence_kinds = serializers.ListField(child=serializers.CharField(max_length=20),
                                           max_length=10)  # fmt: skip


class ChangeSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=1, help_text="The proposal's version you read; refused (409) if it changed since."
    )
    kind = serializers.ChoiceField(choices=CommendationKind.choices, required=False)
    form = serializers.ChoiceField(choices=CommendationForm.choices, required=False)
    authority = serializers.ChoiceField(choices=Authority.choices, required=False)
    achievement = Text(max_length=5000, required=False, allow_blank=True)
    evidence_kinds = serializers.ListField(child=serializers.CharField(max_length=20),
                                           max_length=10, required=False)  # fmt: skip
    person_name = Text(max_length=200, required=False)
    person_position = Text(max_length=200, required=False)
    unit = Id(required=False, allow_null=True, help_text="an individual's agency")


class ReviewSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, required=False)
    note = Text(max_length=5000, required=False, allow_blank=True, default="")


class DecideSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, required=False)
    number = Text(max_length=80)
    on = dates.ApiDateField()


class RefuseSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, required=False)
    reason = Text(max_length=5000)


class EvidenceQuery(serializers.Serializer[Any]):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False,
                                    help_text="default: this year")  # fmt: skip
    agency = Id(required=False)
    committee = Id(required=False)


class CommendationFilter(filters.FilterSet):  # type: ignore[misc]
    year = filters.NumberFilter(min_value=2000, max_value=2100)
    state = filters.ChoiceFilter(choices=CommendationState.choices)
    committee = IdFilter(field_name="owning_committee_id")

    class Meta:
        model = Commendation
        fields: list[str] = []


def _agency(user: Any, pk: int | None, field: str) -> Agency | None:
    """An agency of the directory the user sees: one unknown or out of sight is
    answered as one that does not exist."""
    if pk is None:
        return None
    found = Agency.objects.visible_to(user).filter(pk=pk).first()
    if found is None:
        raise serializers.ValidationError({field: _("Choose an agency of this committee.")})
    return found


def _committee(user: Any, pk: int | None, field: str) -> Committee | None:
    if pk is None:
        return None
    found = Committee.objects.visible_to(user).filter(pk=pk).first()
    if found is None:
        raise serializers.ValidationError({field: _("Choose a committee you may see.")})
    return found


class CommendationList(Scoped, Audited, generics.ListCreateAPIView[Commendation]):
    parser_classes = [JSONParser]
    model = Commendation
    serializer_class = CommendationSerializer
    filterset_class = CommendationFilter

    def get_queryset(self) -> QuerySet[Commendation]:
        return queries.commendations_for(self.request.user).order_by("pk")

    @extend_schema(request=ProposeSerializer, responses={201: CommendationSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = acting(request)
        values = valid(ProposeSerializer, request)
        committee = _committee(user, values.pop("committee"), "committee")
        assert committee is not None
        values["recipient_agency"] = _agency(
            user, values.get("recipient_agency"), "recipient_agency"
        )
        values["recipient_committee"] = _committee(
            user, values.get("recipient_committee"), "recipient_committee"
        )
        values["unit"] = _agency(user, values.get("unit"), "unit")
        c = services.propose(committee, actor=user, **values)
        return created(CommendationSerializer, c, request)


class _Conflict:
    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, services.StaleCommendation):
            return Response(
                {"error": {"code": "conflict", "message": exc.messages[0], "fields": {}}},
                status=409,
            )
        return super().handle_exception(exc)  # type: ignore[misc, no-any-return]


class CommendationDetail(_Conflict, Scoped, Audited, generics.RetrieveAPIView[Commendation]):
    parser_classes = [JSONParser]
    model = Commendation
    serializer_class = CommendationSerializer

    @extend_schema(request=ChangeSerializer, responses={200: CommendationSerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change a proposal while it is proposed (the version read is required)."""
        c = self.get_object()
        values = valid(ChangeSerializer, request)
        unit = _agency(request.user, values.pop("unit", None), "unit")
        changed = services.change(c, actor=acting(request), unit=unit, **values)
        return Response(CommendationSerializer(changed).data)


class _Step(_Conflict, Scoped, generics.GenericAPIView[Commendation]):
    parser_classes = [JSONParser]
    model = Commendation
    serializer_class = CommendationSerializer
    input_class: type[serializers.Serializer[Any]] = ReviewSerializer

    def act(self, c: Commendation, values: dict[str, Any], request: Request) -> Commendation:
        raise NotImplementedError

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        c = self.get_object()
        values = valid(self.input_class, request)
        done = self.act(c, values, request)
        return Response(CommendationSerializer(done).data)


class CommendationReview(_Step):
    input_class = ReviewSerializer

    @extend_schema(request=ReviewSerializer, responses={200: CommendationSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def act(self, c: Commendation, values: dict[str, Any], request: Request) -> Commendation:
        return services.review(c, actor=acting(request), **values)


class CommendationDecide(_Step):
    input_class = DecideSerializer

    @extend_schema(request=DecideSerializer, responses={200: CommendationSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def act(self, c: Commendation, values: dict[str, Any], request: Request) -> Commendation:
        return services.decide(c, actor=acting(request), **values)


class CommendationRefuse(_Step):
    input_class = RefuseSerializer

    @extend_schema(request=RefuseSerializer, responses={200: CommendationSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def act(self, c: Commendation, values: dict[str, Any], request: Request) -> Commendation:
        return services.refuse(c, actor=acting(request), **values)


class CommendationEvidence(Scoped):
    """What Vigil shows of an agency's or a committee's year, as you see it: the items
    a proposal may cite (``evidence_kinds``). Without a recipient, nothing."""

    model = Commendation
    pagination_class = None

    @extend_schema(parameters=[EvidenceQuery], responses={200: EvidenceItemSerializer(many=True)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = EvidenceQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        values = query.validated_data
        if values.get("agency") is None and values.get("committee") is None:
            return Response([])
        if values.get("agency") is not None and values.get("committee") is not None:
            raise serializers.ValidationError(
                {"agency": _("Choose the collective commended: an agency or a committee.")}
            )
        agency = _agency(request.user, values.get("agency"), "agency")
        committee = _committee(request.user, values.get("committee"), "committee")
        year = values.get("year") or clock.today().year
        items = evidence_for(request.user, year, agency=agency, committee=committee)
        recipient = agency or committee
        if recipient is not None:  # classified evidence is audited like what it counts
            record_view(acting(request), items, recipient, path=request.get_full_path())
        return Response(EvidenceItemSerializer(items, many=True).data)
