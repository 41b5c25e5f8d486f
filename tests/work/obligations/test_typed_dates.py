"""Dates are typed dd/mm/yyyy in every form, in either language: Django's Vietnamese
locale has none of its own, so 01/11/2026 was read as 11 January and 15/11/2026
refused (vigil/formats)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django import forms
from django.test import Client
from django.utils.translation import override

from tests.work.obligations.conftest import World
from tests.work.obligations.test_pages import _form
from vigil.work.obligations.models import ReportObligation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_date_field_reads_the_day_first(language: str) -> None:
    with override(language):
        field, stamp = forms.DateField(), forms.DateTimeField()
        assert field.clean("01/11/2026") == dt.date(2026, 11, 1)
        assert field.clean("15/11/2026") == dt.date(2026, 11, 15)
        assert field.clean("2026-11-15") == dt.date(2026, 11, 15)  # what a date picker sends
        typed = stamp.clean("15/11/2026 08:30")
        assert (typed.date(), typed.time()) == (dt.date(2026, 11, 15), dt.time(8, 30))
        assert forms.DateInput().format_value(dt.date(2026, 11, 1)) == "01/11/2026"
        with pytest.raises(forms.ValidationError):
            field.clean("11/31/2026")


def test_the_obligation_form_sets_the_first_period_from_15_11_2026(
    world: World, client_for: Callable[[str], Client]
) -> None:
    client = client_for("thuongtruc")
    response = client.post(
        "/work/reports/new/",
        _form(world, title="Báo cáo tháng thử", period_kind="monthly", starts_on="15/11/2026"),
    )
    assert response.status_code == 302, response.context["form"].errors
    obligation = ReportObligation.objects.get(title="Báo cáo tháng thử")
    assert obligation.starts_on == dt.date(2026, 11, 15)
    response = client.post(
        "/work/reports/new/",
        _form(world, title="Báo cáo tháng hai", period_kind="monthly", starts_on="01/11/2026"),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert ReportObligation.objects.get(title="Báo cáo tháng hai").starts_on == dt.date(2026, 11, 1)
