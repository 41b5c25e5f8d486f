"""REST API for the directory and contact points. Thin: scope, then services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import audit
from vigil.core.classification import Classification
from vigil.core.models import AdminUnit
from vigil.core.search import folded_query
from vigil.org import services
from vigil.org.models import Agency, Committee, ContactPoint, MemberAgency, Post, PostHolder
from vigil.org.scope import admin_units_visible_to, get_visible_or_404, scope_for

# --- serializers


class HidesCommittees:
    """Committee references are directory data: null for users outside every committee."""

    committee_fields: tuple[str, ...] = ()

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)  # type: ignore[misc]
        request = self.context.get("request")  # type: ignore[attr-defined]
        if request is not None and not scope_for(request.user).directory_member:
            for name in self.committee_fields:
                data[name] = [] if isinstance(data.get(name), list) else None
        return data


class AdminUnitSerializer(serializers.ModelSerializer[AdminUnit]):
    class Meta:
        model = AdminUnit
        fields = ["id", "code", "name", "kind", "parent"]


class CommitteeSerializer(serializers.ModelSerializer[Committee]):
    class Meta:
        model = Committee
        fields = ["id", "name", "short_name", "level", "parent", "admin_unit", "standing_agency"]


class AgencySerializer(HidesCommittees, serializers.ModelSerializer[Agency]):
    committee_fields = ("committee",)

    class Meta:
        model = Agency
        fields = [
            "id", "name", "short_name", "kind", "committee", "electronic_code",
            "admin_unit", "tax_code", "licensed_by",
        ]  # fmt: skip


class MemberAgencySerializer(serializers.ModelSerializer[MemberAgency]):
    class Meta:
        model = MemberAgency
        fields = ["id", "committee", "agency", "valid_from", "valid_to"]


class PostSerializer(serializers.ModelSerializer[Post]):
    class Meta:
        model = Post
        fields = ["id", "committee", "kind", "title", "agency", "order"]


class PostHolderSerializer(serializers.ModelSerializer[PostHolder]):
    class Meta:
        model = PostHolder
        fields = [
            "id",
            "post",
            "holder_name",
            "position",
            "valid_from",
            "valid_to",
            "decision_number",
        ]


class ContactPointSerializer(HidesCommittees, serializers.ModelSerializer[ContactPoint]):
    committee_fields = ("owning_committee", "shared_committees")

    class Meta:
        model = ContactPoint
        fields = [
            "id", "agency", "label", "phone", "email", "address", "note", "classification",
            "owning_committee", "owning_agency", "shared_agencies", "shared_committees",
        ]  # fmt: skip
        read_only_fields = fields

    # May be empty: an EmailField would promise the format to API clients.
    email = serializers.CharField(read_only=True)
    # Null for users outside every committee (HidesCommittees).
    owning_committee: serializers.PrimaryKeyRelatedField[Committee] = (
        serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    )


class ContactPointUpdateSerializer(serializers.Serializer[Any]):
    """Input validation only; the service writes."""

    label = serializers.CharField(max_length=200, required=False)  # type: ignore[assignment]
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)


class ContactPointCreateSerializer(ContactPointUpdateSerializer):
    agency = serializers.IntegerField(min_value=1)
    label = serializers.CharField(max_length=200)


# --- filters

ID_MAX = 2**63 - 1
# Foreign keys are filtered as plain numbers: an id the user may not see and an
# id that does not exist both give an empty list, never "invalid choice".


@extend_schema_field(
    {
        # A string so that an empty value ("any", as filter forms send it) is valid.
        "type": "string",
        "pattern": "^([1-9][0-9]{0,17})?$",
        "description": _("An id; ids you may not see match nothing."),
    }
)
class IdFilter(filters.NumberFilter):  # type: ignore[misc]
    """A foreign key as a plain number (no existence oracle), bounded like our ids."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class FoldedSearchFilterSet(filters.FilterSet):  # type: ignore[misc]
    q = filters.CharFilter(method="search", max_length=100, label=_("Search (diacritics optional)"))

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(folded_query("name_folded", value))


class AgencyFilter(FoldedSearchFilterSet):
    committee = IdFilter(field_name="committee_id")

    class Meta:
        model = Agency
        fields = ["kind"]


class CommitteeFilter(FoldedSearchFilterSet):
    parent = IdFilter(field_name="parent_id")

    class Meta:
        model = Committee
        fields = ["level"]


class AdminUnitFilter(FoldedSearchFilterSet):
    parent = IdFilter(field_name="parent_id")

    class Meta:
        model = AdminUnit
        fields = ["kind"]


class MemberAgencyFilter(filters.FilterSet):  # type: ignore[misc]
    committee = IdFilter(field_name="committee_id")
    agency = IdFilter(field_name="agency_id")

    class Meta:
        model = MemberAgency
        fields: list[str] = []


class PostFilter(filters.FilterSet):  # type: ignore[misc]
    committee = IdFilter(field_name="committee_id")
    agency = IdFilter(field_name="agency_id")

    class Meta:
        model = Post
        fields = ["kind"]


class PostHolderFilter(filters.FilterSet):  # type: ignore[misc]
    post = IdFilter(field_name="post_id")
    committee = IdFilter(field_name="post__committee_id")

    class Meta:
        model = PostHolder
        fields: list[str] = []


class ContactPointFilter(filters.FilterSet):  # type: ignore[misc]
    agency = IdFilter(field_name="agency_id")
    owning_committee = IdFilter(field_name="owning_committee_id")

    class Meta:
        model = ContactPoint
        fields = ["classification"]


# --- views


class Scoped(generics.GenericAPIView[Any]):
    """Every row an endpoint reads comes from ``visible_to(user)``: lists show
    it, and DRF's ``get_object`` looks the id up in it, so what is not yours
    answers 404 exactly like what does not exist."""

    model: Any

    def get_queryset(self) -> QuerySet[Any]:
        return self.model.objects.visible_to(self.request.user)  # type: ignore[no-any-return]


class CommitteeList(Scoped, generics.ListAPIView[Committee]):
    model = Committee
    serializer_class = CommitteeSerializer
    filterset_class = CommitteeFilter

    def get_queryset(self) -> QuerySet[Committee]:
        return super().get_queryset().order_by("path")


class CommitteeDetail(Scoped, generics.RetrieveAPIView[Committee]):
    model = Committee
    serializer_class = CommitteeSerializer


class AgencyList(Scoped, generics.ListAPIView[Agency]):
    model = Agency
    serializer_class = AgencySerializer
    filterset_class = AgencyFilter

    def get_queryset(self) -> QuerySet[Agency]:
        return super().get_queryset().prefetch_related("licensed_by")


class AgencyDetail(Scoped, generics.RetrieveAPIView[Agency]):
    model = Agency
    serializer_class = AgencySerializer


class MemberAgencyList(Scoped, generics.ListAPIView[MemberAgency]):
    model = MemberAgency
    serializer_class = MemberAgencySerializer
    filterset_class = MemberAgencyFilter


class MemberAgencyDetail(Scoped, generics.RetrieveAPIView[MemberAgency]):
    model = MemberAgency
    serializer_class = MemberAgencySerializer


class PostList(Scoped, generics.ListAPIView[Post]):
    model = Post
    serializer_class = PostSerializer
    filterset_class = PostFilter


class PostDetail(Scoped, generics.RetrieveAPIView[Post]):
    model = Post
    serializer_class = PostSerializer


class PostHolderList(Scoped, generics.ListAPIView[PostHolder]):
    model = PostHolder
    serializer_class = PostHolderSerializer
    filterset_class = PostHolderFilter


class PostHolderDetail(Scoped, generics.RetrieveAPIView[PostHolder]):
    model = PostHolder
    serializer_class = PostHolderSerializer


class AdminUnits(Scoped):
    """Admin units live in core, which knows nothing of scope: org says who sees them."""

    def get_queryset(self) -> QuerySet[AdminUnit]:
        return admin_units_visible_to(self.request.user)  # type: ignore[no-any-return]


class AdminUnitList(AdminUnits, generics.ListAPIView[AdminUnit]):
    serializer_class = AdminUnitSerializer
    filterset_class = AdminUnitFilter


class AdminUnitDetail(AdminUnits, generics.RetrieveAPIView[AdminUnit]):
    serializer_class = AdminUnitSerializer


class ContactPointList(Scoped, generics.ListCreateAPIView[ContactPoint]):
    model = ContactPoint
    serializer_class = ContactPointSerializer
    filterset_class = ContactPointFilter

    def get_queryset(self) -> QuerySet[ContactPoint]:
        return super().get_queryset().prefetch_related("shared_agencies", "shared_committees")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        audit.record_view(request.user, rows, path=request.get_full_path())
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(request=ContactPointCreateSerializer, responses={201: ContactPointSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ContactPointCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        agency = get_visible_or_404(Agency.objects, request.user, pk=values.pop("agency"))
        contact = services.create_contact_point(agency, actor=request.user, **values)
        return Response(
            ContactPointSerializer(contact, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class ContactPointDetail(Scoped, generics.RetrieveUpdateAPIView[ContactPoint]):
    model = ContactPoint
    serializer_class = ContactPointSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[ContactPoint]:
        return super().get_queryset().select_related("agency__committee")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        contact = self.get_object()
        audit.record_view(request.user, [contact], about=contact, path=request.path)
        return Response(self.get_serializer(contact).data)

    @extend_schema(request=ContactPointUpdateSerializer, responses={200: ContactPointSerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        contact = self.get_object()
        data = ContactPointUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        if "agency" in request.data:
            raise exceptions.ValidationError(
                {"agency": [str(_("A contact point cannot be moved to another agency."))]}
            )
        contact = services.update_contact_point(contact, actor=request.user, **changes)
        return Response(ContactPointSerializer(contact, context={"request": request}).data)
