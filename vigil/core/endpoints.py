"""What every app's API is built on: the scoped and audited base views, the id
filter, and the input helpers (validation only; the services write).

A module of its own, not ``vigil.core.api``: DRF reads DEFAULT_PAGINATION_CLASS
(``vigil.core.api.Pagination``) while it defines its generic views, so the views
built on them cannot live beside the pagination class.

Nothing here knows org: ``Scoped`` asks the model's own manager for
``visible_to(user)`` (each app's models implement it through org's one scope
rule), so core stays below the apps that build on it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import audit
from vigil.core.search import folded_query

ID_MAX = 2**63 - 1


# --- input helpers


def Id(**kwargs: Any) -> serializers.IntegerField:
    """An id in a request body, bounded like our ids."""
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)


class Text(serializers.CharField):
    """Text in a request body, and only text: DRF's CharField takes ``0`` for ``"0"``,
    which the schema (a string) forbids; a client that sends a number has a bug we
    should tell it about."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


def valid(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    """The request's data through ``serializer_class``; a refusal is the API's one 400."""
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def created(serializer_class: Any, obj: Any, request: Request) -> Response:
    """201 with ``obj`` as ``serializer_class`` shows it."""
    return Response(serializer_class(obj, context={"request": request}).data, status=201)


class Flag(serializers.BooleanField):
    """A JSON ``true`` or ``false``, and nothing else: DRF's own field also takes
    ``"yes"``, ``1`` or ``"on"``, which the schema (a boolean) says are wrong."""

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)
        raise AssertionError  # fail() raises


# --- filters


class StrictBooleanField(forms.NullBooleanField):
    """``true`` or ``false`` (``1``/``0``); empty is no filter. Anything else is
    refused with a 400, not read as "no filter" as django-filter's widget does, so a
    typo never returns the unfiltered list."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        if value in (None, ""):
            return None
        if value in (True, "true", "True", "1"):
            return True
        if value in (False, "false", "False", "0"):
            return False
        raise forms.ValidationError(_("Enter true or false."), code="invalid")

    def validate(self, value: Any) -> None:
        return None


class BooleanFilter(filters.BooleanFilter):  # type: ignore[misc]
    """A yes/no filter that refuses what is neither (``StrictBooleanField``)."""

    field_class = StrictBooleanField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Not django-filter's BooleanWidget, which reads any other word as "not given".
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


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
    """``?q=`` over the model's ``name_folded`` column: diacritics optional."""

    q = filters.CharFilter(method="search", max_length=100, label=_("Search (diacritics optional)"))

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(folded_query("name_folded", value))


# --- views


class Scoped(generics.GenericAPIView[Any]):
    """Every row an endpoint reads comes from ``visible_to(user)``: lists show
    it, and DRF's ``get_object`` looks the id up in it, so what is not yours
    answers 404 exactly like what does not exist."""

    model: Any

    def get_queryset(self) -> QuerySet[Any]:
        return self.model.objects.visible_to(self.request.user)  # type: ignore[no-any-return]


class Audited(generics.GenericAPIView[Any]):
    """Lists and details that show a classified object record one view event."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        audit.record_view(request.user, rows, path=request.get_full_path())
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        audit.record_view(request.user, [obj], about=obj, path=request.path)
        return Response(self.get_serializer(obj).data)
