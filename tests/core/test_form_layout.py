"""Forms as a clerk reads them: an error under the field it is about, dates day first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import translation

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


class Optional(forms.Form):
    title = forms.CharField(label="Title", max_length=300)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea, max_length=50)


def test_a_required_field_is_marked_and_an_optional_one_is_not() -> None:
    html = Optional().as_p()
    title = html[html.index('for="id_title"') : html.index("</label>")]
    note_start = html.index('for="id_note"')
    note = html[note_start : html.index("</label>", note_start)]
    assert 'class="required-mark"' in title and 'class="visually-hidden"' in title
    assert "required-mark" not in note
    assert "required" in html[html.index('id="id_title"') - 120 : html.index('id="id_title"')]


def test_a_form_with_errors_opens_with_a_summary_linking_each_invalid_field() -> None:
    with translation.override("vi"):
        html = Optional(data={"title": "", "note": "x" * 60}).as_p()
    summary = html[html.index('class="error-summary"') : html.index("</div>")]
    assert 'tabindex="-1"' in summary and "2 lỗi — xem bên dưới" in summary
    assert '<a href="#id_title">Title</a>' in summary and '<a href="#id_note">Note</a>' in summary
    assert html.index("error-summary") < html.index('for="id_title"')
    title = html[html.index("<input") : html.index(">", html.index("<input"))]
    assert 'aria-invalid="true"' in title and 'aria-describedby="id_title_error"' in title
    assert 'id="id_title_error"' in html
    # Nothing silently cut: the limit is said, and a longer text is refused and kept.
    assert "tối đa 50 ký tự" in html and "x" * 60 in html
    assert Optional(data={"title": "x"}).as_p().count("error-summary") == 0


@pytest.mark.django_db
def test_the_document_forms_summary_links_its_invalid_subject(
    client_for: Callable[[str], Client],
) -> None:
    url = reverse("work:document_create", args=[province().pk])
    page = client_for("thuongtruc").post(url, {"doc_type": "CT"}).content.decode()
    summary = page[page.index('class="error-summary"') :]
    assert '<a href="#id_subject">' in summary[: summary.index("</div>")]
    assert "forms.js" in page
