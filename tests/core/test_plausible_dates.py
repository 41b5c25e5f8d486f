"""Dates outside 1900–2100 are refused as implausible, with one translated message,
wherever Vigil takes a date: forms, API bodies, filters and query parameters."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django_filters import FilterSet
from rest_framework import serializers

import vigil
from vigil.controlled.models import Licence
from vigil.core import clock
from vigil.core.dates import validate_plausible
from vigil.core.models import AuditHead
from vigil.org.models import Agency, DutyShift
from vigil.work.models import Task

pytestmark = pytest.mark.django_db

MESSAGE = "Nhập một ngày từ 01/01/1900 đến 31/12/2100."
DATE_FIELDS = (forms.DateField, forms.DateTimeField)


def _all_modules() -> None:
    for module in pkgutil.walk_packages(vigil.__path__, "vigil."):
        if ".migrations" not in module.name and not module.name.endswith("__main__"):
            importlib.import_module(module.name)


def _ours(base: type) -> Iterator[type]:
    for cls in base.__subclasses__():
        if cls.__module__.startswith("vigil."):
            yield cls
        yield from _ours(cls)


def test_every_date_field_of_a_form_a_serializer_or_a_filter_checks_plausibility() -> None:
    _all_modules()
    unchecked = []
    for form in _ours(forms.BaseForm):
        for name, field in getattr(form, "base_fields", {}).items():
            if isinstance(field, DATE_FIELDS) and validate_plausible not in field.validators:
                unchecked.append(f"{form.__module__}.{form.__name__}.{name}")
    seen = 0
    for serializer in _ours(serializers.BaseSerializer):
        if issubclass(serializer, serializers.ModelSerializer):
            continue  # output only: input is validated by plain serializers, then a service
        try:
            fields = serializer().fields  # type: ignore[attr-defined]
        except Exception:  # a serializer that needs its context: its declared fields
            fields = getattr(serializer, "_declared_fields", {})
        for name, field in fields.items():
            if isinstance(field, serializers.ListSerializer | serializers.ListField):
                field = field.child
            if not isinstance(field, serializers.DateField | serializers.DateTimeField):
                continue
            seen += 1
            if not field.read_only and validate_plausible not in field.validators:
                unchecked.append(f"{serializer.__module__}.{serializer.__name__}.{name}")
    for filterset in _ours(FilterSet):
        for name, filter_ in getattr(filterset, "base_filters", {}).items():
            field_class = filter_.field_class
            if issubclass(field_class, DATE_FIELDS) and (
                validate_plausible not in field_class.default_validators
            ):
                unchecked.append(f"{filterset.__module__}.{filterset.__name__}.{name}")
    assert seen > 20
    assert unchecked == [], "\n".join(unchecked)


@pytest.mark.parametrize("query", ["until=9999-12-31", "since=0001-01-01", "until=1899-12-31"])
def test_movements_refuse_an_implausible_date_filter(
    api_for: Callable[..., Client], client_for: Callable[[str], Client], query: str
) -> None:
    name = query.split("=")[0]
    response = api_for("kho_mo").get(f"/api/v1/movements/?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {name: [MESSAGE]}
    page = client_for("kho_mo").get(f"/controlled/movements/?{query}")
    assert page.status_code == 200
    assert MESSAGE in page.content.decode()
    assert page.context["rows"] == []  # not every movement, as if unfiltered
    # The last plausible day is a filter like any other.
    edge = "until=2100-12-31" if name == "until" else "since=1900-01-01"
    assert api_for("kho_mo").get(f"/api/v1/movements/?{edge}").json()["results"]
    assert client_for("kho_mo").get(f"/controlled/movements/?{edge}").context["rows"]


def test_other_date_filters_refuse_implausible_dates(
    api_for: Callable[..., Client], client_for: Callable[[str], Client]
) -> None:
    auditor = api_for("kiemtoan")
    for query in ("date_to=9999-12-31", "date_from=0001-01-01"):
        response = auditor.get(f"/api/v1/audit-events/?{query}")
        assert response.status_code == 400, query
        assert MESSAGE in response.json()["error"]["fields"][query.split("=")[0]]
        page = client_for("kiemtoan").get(f"/audit/?{query}")
        assert MESSAGE in page.content.decode()
    duty = api_for("congthuong").get("/api/v1/duty-shifts/?at=0001-01-01T00:00:00")
    assert duty.status_code == 400 and duty.json()["error"]["fields"] == {"at": [MESSAGE]}
    inspections = api_for("congthuong").get("/api/v1/inspections/?due_before=9999-12-31")
    assert inspections.status_code == 400
    for year in ("10000", "0", "99999999999999999999"):
        page = client_for("thuongtruc").get(f"/holidays/?year={year}")
        assert page.status_code == 200
        assert "Nhập một năm từ 1900 đến 2100." in page.content.decode()


def test_a_licence_valid_for_an_implausible_span_is_refused_by_page_and_api(
    api_for: Callable[..., Client], client_for: Callable[[str], Client]
) -> None:
    quarry = Agency.objects.get(name="Công ty TNHH Đá Demo Hoành Bồ")
    dit = Agency.objects.get(name="Sở Công Thương")
    today = clock.today()
    body = {"organisation": quarry.pk, "issuer": dit.pk, "kind": "storage",
            "valid_from": today.isoformat(), "item_classes": ["explosive"]}  # fmt: skip
    api = api_for("congthuong", scope="write")
    page = client_for("congthuong")
    url = reverse("controlled:licence_create", args=[quarry.pk])
    head, count = AuditHead.objects.get().seq, Licence.objects.count()
    for n, valid_to in enumerate(("9999-12-31", "2101-01-01")):
        refused = api.post("/api/v1/licences/", {**body, "number": f"A{n}", "valid_to": valid_to},
                           content_type="application/json")  # fmt: skip
        assert refused.status_code == 400
        assert refused.json()["error"]["fields"] == {"valid_to": [MESSAGE]}
        form = page.post(url, {**body, "number": f"P{n}", "valid_to": valid_to})
        assert form.status_code == 200 and MESSAGE in form.content.decode()
    old = page.post(url, {**body, "number": "P9", "valid_from": "0001-01-01",
                          "valid_to": today.isoformat()})  # fmt: skip
    assert MESSAGE in old.content.decode()
    assert (AuditHead.objects.get().seq, Licence.objects.count()) == (head, count)
    # The same requests with a plausible end are recorded.
    fine = {**body, "valid_to": "2100-12-31"}
    assert api.post("/api/v1/licences/", {**fine, "number": "A9"},
                    content_type="application/json").status_code == 201  # fmt: skip
    assert page.post(url, {**fine, "number": "P8"}).status_code == 302


def test_a_duty_shift_in_an_implausible_year_is_refused_by_page_and_api(
    api_for: Callable[..., Client], client_for: Callable[[str], Client], persona: Any
) -> None:
    dit = Agency.objects.get(name="Sở Công Thương")
    officer = persona("congthuong").pk
    count = DutyShift.objects.count()
    api = api_for("congthuong", scope="write")
    page = client_for("congthuong")
    url = reverse("org:duty_roster", kwargs={"agency_pk": dit.pk})
    for starts, ends in (("1899-12-31T08:00", "1900-01-01T08:00"),
                         ("2100-12-31T20:00", "2101-01-01T08:00")):  # fmt: skip
        body = {"agency": dit.pk, "officer": officer, "phone": "0912 222 333",
                "starts_at": starts, "ends_at": ends}  # fmt: skip
        refused = api.post("/api/v1/duty-shifts/", body, content_type="application/json")
        assert refused.status_code == 400
        assert list(refused.json()["error"]["fields"].values()) == [[MESSAGE]]
        form = page.post(url, body)
        assert form.status_code == 200 and MESSAGE in form.content.decode()
    assert DutyShift.objects.count() == count
    fine = {"officer": officer, "phone": "0912 222 333",
            "starts_at": "2100-12-30T08:00", "ends_at": "2100-12-30T20:00"}  # fmt: skip
    assert page.post(url, fine).status_code == 302


def test_a_task_deadline_in_an_implausible_year_is_refused_by_page_and_api(
    api_for: Callable[..., Client], client_for: Callable[[str], Client]
) -> None:
    from tests.work.helpers import agency, province

    body = {"committee": province().pk, "title": "Rà soát phương án", "priority": 1,
            "classification": 0, "lead": [agency("dit").pk]}  # fmt: skip
    api = api_for("thuongtruc", scope="write")
    page = client_for("thuongtruc")
    count = Task.objects.count()
    for deadline in ("2101-01-01", "0001-01-01", "9999-12-31"):
        refused = api.post("/api/v1/tasks/", {**body, "deadline": deadline},
                           content_type="application/json")  # fmt: skip
        assert refused.status_code == 400
        assert refused.json()["error"]["fields"] == {"deadline": [MESSAGE]}
        form = page.post(reverse("work:task_create"), {**body, "deadline": deadline})
        assert form.status_code == 200 and MESSAGE in form.content.decode()
    assert Task.objects.count() == count
    later = (clock.today() + dt.timedelta(days=30)).isoformat()
    assert page.post(reverse("work:task_create"), {**body, "deadline": later}).status_code == 302


@pytest.mark.parametrize("bad", ["0001-01-01", "31/12/9999", "1899-12-31"])
def test_an_edxml_package_with_an_implausible_date_is_refused(bad: str) -> None:
    from tests.core.test_edxml import package
    from vigil.core.documents.edxml import EdxmlError, parse_package

    with pytest.raises(EdxmlError, match="01/01/1900"):
        parse_package(package(date=bad))
    assert parse_package(package(date="2100-12-31")).date == dt.date(2100, 12, 31)


def test_a_bulk_import_row_with_an_implausible_date_is_refused(
    client_for: Callable[[str], Client],
) -> None:
    from tests.org.test_bulk_import import good_rows, upload, workbook

    rows = good_rows()
    rows["Nguoi_dung"][0][8] = "01/01/0001"
    rows["Nguoi_giu_chuc_vu"][0][7] = dt.date(2101, 1, 1)
    head = AuditHead.objects.get().seq
    report = upload(client_for("quantri"), workbook(rows)).context["report"]
    assert not report.ok
    refused = [r.message for r in report.errors]
    assert len(refused) == 2
    assert all(m.endswith(": nhập một ngày từ 01/01/1900 đến 31/12/2100.") for m in refused)
    assert AuditHead.objects.get().seq == head
