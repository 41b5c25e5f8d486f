"""REST API of administration: users, their roles, clearance requests.

What an administrator answers for (``administration.queries``) is what these endpoints
list; anyone else is not found. The same services as the pages do the writes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.accounts.models import User
from vigil.core import dates
from vigil.core.classification import Classification
from vigil.core.endpoints import Id, IdFilter, created, valid
from vigil.core.pages import acting
from vigil.org.administration import queries as admin_queries
from vigil.org.api import PeriodSerializer
from vigil.org.models import Agency, ClearanceRequest, Committee, Membership, Role, RoleRequest
from vigil.org.people import services
from vigil.org.people.queries import role_requests_visible_to
from vigil.org.scope import get_visible_or_404


class MembershipCreateSerializer(serializers.Serializer[Any]):
    user = Id()
    agency = Id()
    role = serializers.ChoiceField(choices=Role.choices)
    committee = Id(required=False, allow_null=True)
    valid_from = dates.ApiDateField()
    valid_to = dates.ApiDateField(required=False, allow_null=True)


class UserCreateSerializer(serializers.Serializer[Any]):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    full_name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True)
    clearance = serializers.ChoiceField(choices=Classification.choices, required=False)
    agency = Id()
    role = serializers.ChoiceField(choices=Role.choices)
    committee = Id(required=False, allow_null=True)
    valid_from = dates.ApiDateField()
    valid_to = dates.ApiDateField(required=False, allow_null=True)


class UserUpdateSerializer(serializers.Serializer[Any]):
    full_name = serializers.CharField(max_length=200, required=False)
    email = serializers.EmailField(max_length=254, required=False)


class ClearanceGrantSerializer(serializers.Serializer[Any]):
    level = serializers.ChoiceField(choices=Classification.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class DecisionSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


def _one(queryset: QuerySet[Any], *, pk: int) -> Any:
    """The row in what this administrator answers for, else not found."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


class UserSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "clearance", "is_active"]
        read_only_fields = fields

    # May be empty for accounts made before e-mail was required.
    email = serializers.CharField(read_only=True)


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    class Meta:
        model = Membership
        fields = ["id", "user", "agency", "committee", "role", "valid_from", "valid_to"]
        read_only_fields = fields


class ClearanceRequestSerializer(serializers.ModelSerializer[ClearanceRequest]):
    class Meta:
        model = ClearanceRequest
        fields = [
            "id", "user", "level", "reason", "requested_by", "requested_at", "status",
            "decided_by", "decided_at", "decision_note",
        ]  # fmt: skip
        read_only_fields = fields


class RoleRequestSerializer(serializers.ModelSerializer[RoleRequest]):
    class Meta:
        model = RoleRequest
        fields = [
            "id", "user", "agency", "committee", "role", "valid_from", "valid_to",
            "decided_in", "requested_by", "requested_at", "status", "decided_by", "decided_at",
            "decision_note", "membership",
        ]  # fmt: skip
        read_only_fields = fields


class RoleRequestFilter(filters.FilterSet):  # type: ignore[misc]
    user = IdFilter(field_name="user_id")

    class Meta:
        model = RoleRequest
        fields = ["status", "role"]


class ClearanceResultSerializer(serializers.Serializer[Any]):
    user = UserSerializer()
    clearance_request = ClearanceRequestSerializer(allow_null=True)


class UserFilter(filters.FilterSet):  # type: ignore[misc]
    username = filters.CharFilter(lookup_expr="icontains", max_length=150)

    class Meta:
        model = User
        fields: list[str] = []


class MembershipFilter(filters.FilterSet):  # type: ignore[misc]
    user = IdFilter(field_name="user_id")
    agency = IdFilter(field_name="agency_id")

    class Meta:
        model = Membership
        fields = ["role"]


class ClearanceRequestFilter(filters.FilterSet):  # type: ignore[misc]
    user = IdFilter(field_name="user_id")

    class Meta:
        model = ClearanceRequest
        fields = ["status"]


class Administered(generics.GenericAPIView[Any]):
    def get_queryset(self) -> QuerySet[User]:
        return admin_queries.users_administered_by(self.request.user).order_by("username")


class UserList(Administered, generics.ListCreateAPIView[User]):
    serializer_class = UserSerializer
    filterset_class = UserFilter

    @extend_schema(request=UserCreateSerializer, responses={201: ClearanceResultSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Create a user with their first role; a clearance above yours waits for a leader."""
        values = valid(UserCreateSerializer, request)
        values["agency"] = get_visible_or_404(Agency.objects, request.user, pk=values["agency"])
        committee = values.pop("committee", None)
        if committee is not None:
            values["committee"] = get_visible_or_404(
                Committee.objects,
                request.user,
                pk=committee,
            )
        user, pending = services.create_member_user(actor=acting(request), **values)
        return Response(
            ClearanceResultSerializer({"user": user, "clearance_request": pending}).data,
            status=201,
        )


class UserDetail(Administered, generics.RetrieveAPIView[User]):
    serializer_class = UserSerializer

    @extend_schema(request=UserUpdateSerializer, responses={200: UserSerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Correct the account's full name or e-mail."""
        user = self.get_object()
        values = valid(UserUpdateSerializer, request)
        user = services.update_member_user(user, actor=acting(request), **values)
        return Response(UserSerializer(user).data)


class UserAction(Administered):
    serializer_class = UserSerializer

    def act(self, user: User) -> None:
        raise NotImplementedError

    @extend_schema(request=None, responses={200: UserSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = self.get_object()
        self.act(user)
        user.refresh_from_db()
        return Response(UserSerializer(user).data)


class UserDeactivate(UserAction):
    """Deactivate: the account cannot sign in, its sessions end, its tokens are revoked."""

    def act(self, user: User) -> None:
        services.deactivate_member(user, actor=acting(self.request))


class UserUnlock(UserAction):
    """Lift a lockout after failed sign-ins before its cool-off ends."""

    def act(self, user: User) -> None:
        services.unlock_member(user, actor=acting(self.request))


class UserResetSecondFactor(UserAction):
    """Remove the authenticator and recovery codes; the user enrols again."""

    def act(self, user: User) -> None:
        services.reset_member_second_factor(user, actor=acting(self.request))


class UserClearance(Administered):
    serializer_class = ClearanceResultSerializer

    @extend_schema(request=ClearanceGrantSerializer, responses={200: ClearanceResultSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Grant a clearance up to your own at once; above it, file a request for a leader."""
        user = self.get_object()
        values = valid(ClearanceGrantSerializer, request)
        pending = services.set_clearance(
            user, int(values["level"]), reason=values.get("reason", ""), actor=acting(request)
        )
        user.refresh_from_db()
        return Response(
            ClearanceResultSerializer({"user": user, "clearance_request": pending}).data
        )


class Memberships(generics.GenericAPIView[Any]):
    def get_queryset(self) -> QuerySet[Membership]:
        return admin_queries.memberships_administered_by(self.request.user).order_by("pk")


class MembershipList(Memberships, generics.ListCreateAPIView[Membership]):
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter

    @extend_schema(
        request=MembershipCreateSerializer,
        responses={201: MembershipSerializer, 202: RoleRequestSerializer},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Assign a role (201). An auditor, committee leader or storekeeper role is
        only requested (202, the request): a committee leader approves it. No one
        assigns a role to themselves (403)."""
        values = valid(MembershipCreateSerializer, request)
        user = _one(
            admin_queries.users_administered_by(request.user),
            pk=values.pop("user"),
        )
        values["agency"] = get_visible_or_404(
            Agency.objects,
            request.user,
            pk=values["agency"],
        )
        committee = values.pop("committee", None)
        if committee is not None:
            values["committee"] = get_visible_or_404(
                Committee.objects,
                request.user,
                pk=committee,
            )
        granted = services.grant_membership(user, actor=acting(request), **values)
        if isinstance(granted, RoleRequest):
            return Response(RoleRequestSerializer(granted).data, status=202)
        return created(MembershipSerializer, granted, request)


class MembershipDetail(Memberships, generics.RetrieveAPIView[Membership]):
    serializer_class = MembershipSerializer

    @extend_schema(request=PeriodSerializer, responses={200: MembershipSerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change a role's dates; ``valid_to`` ends it (its last day)."""
        membership = self.get_object()
        values = valid(PeriodSerializer, request)
        membership = services.update_membership(
            membership,
            valid_from=values.get("valid_from", membership.valid_from),
            valid_to=values.get("valid_to", membership.valid_to),
            actor=acting(request),
        )
        return Response(MembershipSerializer(membership).data)


class ClearanceRequests(generics.GenericAPIView[Any]):
    def get_queryset(self) -> QuerySet[ClearanceRequest]:
        return admin_queries.clearance_requests_visible_to(self.request.user)


class ClearanceRequestList(ClearanceRequests, generics.ListAPIView[ClearanceRequest]):
    serializer_class = ClearanceRequestSerializer
    filterset_class = ClearanceRequestFilter


class ClearanceRequestDetail(ClearanceRequests, generics.RetrieveAPIView[ClearanceRequest]):
    serializer_class = ClearanceRequestSerializer


class ClearanceDecision(ClearanceRequests):
    serializer_class = ClearanceRequestSerializer
    approve = True

    @extend_schema(request=DecisionSerializer, responses={200: ClearanceRequestSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        values = valid(DecisionSerializer, request)
        service = (
            services.approve_clearance_request
            if self.approve
            else services.reject_clearance_request
        )
        item = service(item, note=values.get("note", ""), actor=acting(request))
        return Response(ClearanceRequestSerializer(item).data)


class ClearanceApprove(ClearanceDecision):
    """A committee leader over the user's committee approves (up to their own clearance)."""

    approve = True


class ClearanceReject(ClearanceDecision):
    approve = False


class RoleRequests(generics.GenericAPIView[Any]):
    def get_queryset(self) -> QuerySet[RoleRequest]:
        return role_requests_visible_to(self.request.user).order_by("-requested_at", "-pk")


class RoleRequestList(RoleRequests, generics.ListAPIView[RoleRequest]):
    serializer_class = RoleRequestSerializer
    filterset_class = RoleRequestFilter


class RoleRequestDetail(RoleRequests, generics.RetrieveAPIView[RoleRequest]):
    serializer_class = RoleRequestSerializer


class RoleDecision(RoleRequests):
    serializer_class = RoleRequestSerializer
    approve = True

    @extend_schema(request=DecisionSerializer, responses={200: RoleRequestSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        values = valid(DecisionSerializer, request)
        service = services.approve_role_request if self.approve else services.reject_role_request
        item = service(item, note=values.get("note", ""), actor=acting(request))
        return Response(RoleRequestSerializer(item).data)


class RoleApprove(RoleDecision):
    """A committee leader over the committee, neither the requester nor the user, approves."""

    approve = True


class RoleReject(RoleDecision):
    approve = False
