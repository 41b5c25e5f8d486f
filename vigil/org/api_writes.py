"""Input serializers of the org API's writes (validation only; the services write)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import dates
from vigil.core.classification import Classification
from vigil.org.models import Agency, Committee, Post, Role

ID_MAX = 2**63 - 1


def Id(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)


def valid(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def created(serializer_class: Any, obj: Any, request: Request) -> Response:
    return Response(serializer_class(obj, context={"request": request}).data, status=201)


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
