"""REST API for the directory and contact points. Thin: scope, then services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import audit, dates
from vigil.core.classification import Classification
from vigil.core.endpoints import (
    Audited,
    FoldedSearchFilterSet,
    Id,
    IdFilter,
    Scoped,
    created,
    valid,
)
from vigil.core.models import AdminUnit
from vigil.core.pages import acting
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
        fields = [
            "id", "name", "short_name", "level", "parent", "admin_unit", "standing_agency",
            "electronic_code",
        ]  # fmt: skip


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
            "decision_date",
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


class CommitteeUpdateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=300, required=False)
    short_name = serializers.CharField(max_length=30, required=False)
    level = serializers.ChoiceField(choices=Committee.Level.choices, required=False)
    standing_agency = Id(required=False)
    electronic_code = serializers.CharField(max_length=40, required=False, allow_blank=True)


class CommitteeCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=300)
    short_name = serializers.CharField(max_length=30)
    level = serializers.ChoiceField(choices=Committee.Level.choices)
    parent = Id()  # type: ignore[assignment]
    admin_unit = Id(required=False, allow_null=True)


class AgencyUpdateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=300, required=False)
    short_name = serializers.CharField(max_length=40, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Agency.Kind.choices, required=False)
    electronic_code = serializers.CharField(max_length=40, required=False, allow_blank=True)
    tax_code = serializers.CharField(max_length=20, required=False, allow_blank=True)


class AgencyCreateSerializer(AgencyUpdateSerializer):
    name = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=Agency.Kind.choices)
    committee = Id(required=False, allow_null=True)
    licensed_by = serializers.ListField(child=Id(), required=False, max_length=10)


class PeriodSerializer(serializers.Serializer[Any]):
    valid_from = dates.ApiDateField(required=False)
    valid_to = dates.ApiDateField(required=False, allow_null=True)


class MemberAgencyCreateSerializer(serializers.Serializer[Any]):
    committee = Id()
    agency = Id()
    valid_from = dates.ApiDateField()
    valid_to = dates.ApiDateField(required=False, allow_null=True)


class PostCreateSerializer(serializers.Serializer[Any]):
    committee = Id()
    kind = serializers.ChoiceField(choices=Post.Kind.choices)
    title = serializers.CharField(max_length=200)
    agency = Id(required=False, allow_null=True)
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class PostUpdateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=Post.Kind.choices, required=False)
    title = serializers.CharField(max_length=200, required=False)
    agency = Id(required=False, allow_null=True)
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class PostHolderCreateSerializer(serializers.Serializer[Any]):
    post = Id()
    holder_name = serializers.CharField(max_length=200)
    position = serializers.CharField(max_length=200, required=False, allow_blank=True)
    decision_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    decision_date = dates.ApiDateField(required=False, allow_null=True)
    valid_from = dates.ApiDateField()
    valid_to = dates.ApiDateField(required=False, allow_null=True)


class EndTermSerializer(serializers.Serializer[Any]):
    valid_to = dates.ApiDateField()


# --- filters


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


class CommitteeList(Scoped, generics.ListCreateAPIView[Committee]):
    model = Committee
    serializer_class = CommitteeSerializer
    filterset_class = CommitteeFilter

    def get_queryset(self) -> QuerySet[Committee]:
        return super().get_queryset().order_by("path")

    @extend_schema(request=CommitteeCreateSerializer, responses={201: CommitteeSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(CommitteeCreateSerializer, request)
        parent = get_visible_or_404(Committee.objects, request.user, pk=values.pop("parent"))
        unit = values.pop("admin_unit", None)
        if unit is not None:
            values["admin_unit"] = admin_units_visible_to(request.user).filter(pk=unit).first()
            if values["admin_unit"] is None:
                raise Http404
        committee = services.create_committee(parent=parent, actor=acting(request), **values)
        return created(CommitteeSerializer, committee, request)


class CommitteeDetail(Scoped, generics.RetrieveAPIView[Committee]):
    model = Committee
    serializer_class = CommitteeSerializer

    @extend_schema(request=CommitteeUpdateSerializer, responses={200: CommitteeSerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        committee = self.get_object()
        values = valid(CommitteeUpdateSerializer, request)
        if "standing_agency" in values:
            values["standing_agency"] = get_visible_or_404(
                Agency.objects, request.user, pk=values["standing_agency"]
            )
        committee = services.update_committee(committee, actor=acting(request), **values)
        return Response(CommitteeSerializer(committee, context={"request": request}).data)


class AgencyList(Scoped, generics.ListCreateAPIView[Agency]):
    model = Agency
    serializer_class = AgencySerializer
    filterset_class = AgencyFilter

    def get_queryset(self) -> QuerySet[Agency]:
        return super().get_queryset().prefetch_related("licensed_by")

    @extend_schema(request=AgencyCreateSerializer, responses={201: AgencySerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(AgencyCreateSerializer, request)
        committee = values.pop("committee", None)
        if committee is not None:
            values["committee"] = get_visible_or_404(Committee.objects, request.user, pk=committee)
        else:
            values["committee"] = None
        values["licensed_by"] = [
            get_visible_or_404(Agency.objects, request.user, pk=pk)
            for pk in values.pop("licensed_by", [])
        ]
        agency = services.create_agency(actor=acting(request), **values)
        return created(AgencySerializer, agency, request)


class AgencyDetail(Scoped, generics.RetrieveAPIView[Agency]):
    model = Agency
    serializer_class = AgencySerializer

    @extend_schema(request=AgencyUpdateSerializer, responses={200: AgencySerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        agency = self.get_object()
        values = valid(AgencyUpdateSerializer, request)
        agency = services.update_agency(agency, actor=acting(request), **values)
        return Response(AgencySerializer(agency, context={"request": request}).data)


class MemberAgencyList(Scoped, generics.ListCreateAPIView[MemberAgency]):
    model = MemberAgency
    serializer_class = MemberAgencySerializer
    filterset_class = MemberAgencyFilter

    @extend_schema(request=MemberAgencyCreateSerializer, responses={201: MemberAgencySerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(MemberAgencyCreateSerializer, request)
        committee = get_visible_or_404(Committee.objects, request.user, pk=values.pop("committee"))
        agency = get_visible_or_404(Agency.objects, request.user, pk=values.pop("agency"))
        member = services.add_member_agency(committee, agency, actor=acting(request), **values)
        return created(MemberAgencySerializer, member, request)


class MemberAgencyDetail(Scoped, generics.RetrieveAPIView[MemberAgency]):
    model = MemberAgency
    serializer_class = MemberAgencySerializer

    @extend_schema(request=PeriodSerializer, responses={200: MemberAgencySerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = self.get_object()
        values = valid(PeriodSerializer, request)
        member = services.update_member_agency(
            member,
            valid_from=values.get("valid_from", member.valid_from),
            valid_to=values.get("valid_to", member.valid_to),
            actor=acting(request),
        )
        return Response(MemberAgencySerializer(member, context={"request": request}).data)


class PostList(Scoped, generics.ListCreateAPIView[Post]):
    model = Post
    serializer_class = PostSerializer
    filterset_class = PostFilter

    @extend_schema(request=PostCreateSerializer, responses={201: PostSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(PostCreateSerializer, request)
        committee = get_visible_or_404(Committee.objects, request.user, pk=values.pop("committee"))
        agency = values.pop("agency", None)
        if agency is not None:
            values["agency"] = get_visible_or_404(Agency.objects, request.user, pk=agency)
        post = services.create_post(committee, actor=acting(request), **values)
        return created(PostSerializer, post, request)


class PostDetail(Scoped, generics.RetrieveAPIView[Post]):
    model = Post
    serializer_class = PostSerializer

    @extend_schema(request=PostUpdateSerializer, responses={200: PostSerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        post = self.get_object()
        values = valid(PostUpdateSerializer, request)
        if values.get("agency") is not None:
            values["agency"] = get_visible_or_404(Agency.objects, request.user, pk=values["agency"])
        post = services.update_post(post, actor=acting(request), **values)
        return Response(PostSerializer(post, context={"request": request}).data)


class PostHolderList(Scoped, generics.ListCreateAPIView[PostHolder]):
    model = PostHolder
    serializer_class = PostHolderSerializer
    filterset_class = PostHolderFilter

    @extend_schema(request=PostHolderCreateSerializer, responses={201: PostHolderSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(PostHolderCreateSerializer, request)
        post = get_visible_or_404(
            Post.objects.select_related("committee"), request.user, pk=values.pop("post")
        )
        holder = services.appoint_holder(post, actor=acting(request), **values)
        return created(PostHolderSerializer, holder, request)


class PostHolderDetail(Scoped, generics.RetrieveAPIView[PostHolder]):
    model = PostHolder
    serializer_class = PostHolderSerializer

    @extend_schema(request=EndTermSerializer, responses={200: PostHolderSerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """End the holder's term: ``valid_to`` is their last day in the post."""
        holder = self.get_object()
        values = valid(EndTermSerializer, request)
        holder = services.end_holder_term(holder, on=values["valid_to"], actor=acting(request))
        return Response(PostHolderSerializer(holder, context={"request": request}).data)


class AdminUnits(Scoped):
    """Admin units live in core, which knows nothing of scope: org says who sees them."""

    def get_queryset(self) -> QuerySet[AdminUnit]:
        return admin_units_visible_to(self.request.user)  # type: ignore[no-any-return]


class AdminUnitList(AdminUnits, generics.ListAPIView[AdminUnit]):
    serializer_class = AdminUnitSerializer
    filterset_class = AdminUnitFilter


class AdminUnitDetail(AdminUnits, generics.RetrieveAPIView[AdminUnit]):
    serializer_class = AdminUnitSerializer


class ContactPointList(Scoped, Audited, generics.ListCreateAPIView[ContactPoint]):
    model = ContactPoint
    serializer_class = ContactPointSerializer
    filterset_class = ContactPointFilter

    def get_queryset(self) -> QuerySet[ContactPoint]:
        return super().get_queryset().prefetch_related("shared_agencies", "shared_committees")

    @extend_schema(request=ContactPointCreateSerializer, responses={201: ContactPointSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ContactPointCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        agency = get_visible_or_404(Agency.objects, request.user, pk=values.pop("agency"))
        contact = services.create_contact_point(agency, actor=acting(request), **values)
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
        contact = services.update_contact_point(contact, actor=acting(request), **changes)
        return Response(ContactPointSerializer(contact, context={"request": request}).data)
