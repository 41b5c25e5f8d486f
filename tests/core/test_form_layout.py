"""Forms as a clerk reads them: an error under the field it is about, dates day first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from tests.work.helpers import province
from vigil.core import dates

VN = ZoneInfo("Asia/Ho_Chi_Minh")


class Sample(forms.Form):
    title = forms.CharField(label="Title")
    day = dates.DateField(label="Day")
    moment = dates.DateTimeField(label="Moment", required=False)


def test_a_fields_error_stands_under_its_input_not_above_the_next_label() -> None:
    html = Sample(data={"title": "", "day": "07/12/2026"}).as_p()
    assert (
        html.index('id="id_title"') < html.index('class="errorlist"') < html.index('for="id_day"')
    )


def test_a_date_is_typed_and_shown_day_first_not_in_the_browsers_picker() -> None:
    form = Sample(
        initial={"day": dt.date(2026, 12, 7), "moment": dt.datetime(2026, 12, 7, 8, 5, tzinfo=VN)}
    )
    html = form.as_p()
    assert 'type="date"' not in html and "datetime-local" not in html
    assert 'value="07/12/2026"' in html and 'value="07/12/2026 08:05"' in html
    assert 'placeholder="dd/mm/yyyy"' in html
    bound = Sample(data={"title": "x", "day": "01/11/2026", "moment": "01/11/2026 08:30"})
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["day"] == dt.date(2026, 11, 1)  # 1 November, not 11 January
    assert bound.cleaned_data["moment"].date() == dt.date(2026, 11, 1)


@pytest.mark.django_db
def test_the_document_form_shows_the_subjects_error_under_the_subject(
    client_for: Callable[[str], Client],
) -> None:
    url = reverse("work:document_create", args=[province().pk])
    page = client_for("thuongtruc").post(url, {"doc_type": "CT"}).content.decode()
    form = page[page.index("<form") :]
    assert form.index('id="id_subject"') < form.index(
        'class="errorlist"', form.index('for="id_subject"')
    )
    issue_date = form[
        form.index('id="id_issue_date"') - 200 : form.index('id="id_issue_date"') + 200
    ]
    assert 'type="text"' in issue_date and "dd/mm/yyyy" in issue_date
