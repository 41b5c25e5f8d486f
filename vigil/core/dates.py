"""Dates a person could mean: the one range every date Vigil accepts lies in.

A licence from the year 0001 or a deadline in 9999 is a slip of the keyboard,
and near the ends of Python's calendar the arithmetic the pages do (the day
after, a shift to another time zone) overflows. So every date field of a form,
a serializer or a filter refuses a date outside 1900–2100 with the same
translated message; use these fields, never Django's or DRF's own
(``tests/core/test_plausible_dates.py`` checks every form, serializer and filter).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_filters import fields as filter_fields
from django_filters import rest_framework as filters
from rest_framework import serializers

FIRST = dt.date(1900, 1, 1)
LAST = dt.date(2100, 12, 31)


def shown(day: dt.date) -> str:
    """dd/mm/yyyy, with the year in four digits even before 1000."""
    return f"{day.day:02}/{day.month:02}/{day.year:04}"


def validate_plausible(value: Any) -> None:
    """Refuse a date (or a moment) outside 1900–2100."""
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not FIRST <= day <= LAST:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="implausible_date",
            params={"first": shown(FIRST), "last": shown(LAST)},
        )


class DateInput(forms.DateInput):
    """A date typed day first, shown dd/mm/yyyy. Not the browser's date picker:
    Chromium shows that as mm/dd/yyyy whatever the page's language, and a
    Vietnamese reader takes 12/07 for July."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        hint = {
            "placeholder": pgettext_lazy("placeholder", "dd/mm/yyyy"),
            "inputmode": "numeric",
            "size": 10,
        }
        super().__init__(attrs={**hint, **(attrs or {})}, format="%d/%m/%Y")


class DateTimeInput(forms.DateTimeInput):
    """A moment typed as dd/mm/yyyy hh:mm (see ``DateInput``)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        hint = {"placeholder": pgettext_lazy("placeholder", "dd/mm/yyyy hh:mm"), "size": 16}
        super().__init__(attrs={**hint, **(attrs or {})}, format="%d/%m/%Y %H:%M")


class DateField(forms.DateField):
    widget = DateInput
    default_validators = [validate_plausible]


class DateTimeField(forms.DateTimeField):
    widget = DateTimeInput
    default_validators = [validate_plausible]


class IsoDateTimeField(filter_fields.IsoDateTimeField):  # type: ignore[misc]
    default_validators = [validate_plausible]


class ApiDateField(serializers.DateField):
    default_validators = [validate_plausible]


class ApiDateTimeField(serializers.DateTimeField):
    default_validators = [validate_plausible]


class DateFilter(filters.DateFilter):  # type: ignore[misc]
    field_class = DateField


class IsoDateTimeFilter(filters.IsoDateTimeFilter):  # type: ignore[misc]
    field_class = IsoDateTimeField
