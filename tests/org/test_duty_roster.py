"""Duty rosters: who is on duty when, overlaps refused, scope, pages and API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vigil.core import clock
from vigil.core.models import AuditEvent, AuditHead
from vigil.org import services
from vigil.org.duty.queries import duty_officer, shift_at
from vigil.org.models import Agency, DutyShift, OrgAction

pytestmark = pytest.mark.django_db

DIT = "Sở Công Thương"
# Far from the seeded week (about a year after the suite's today), so these tests own their period.
T0 = dt.datetime.combine(
    clock.today() + dt.timedelta(days=400), dt.time(7, 30), ZoneInfo("Asia/Ho_Chi_Minh")
)


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


@pytest.fixture
def dit() -> Agency:
    return Agency.objects.get(name=DIT)


def add(agency: Agency, officer: Any, start: float, end: float, **kw: Any) -> DutyShift:
    return services.add_duty_shift(
        agency, officer=officer, phone=kw.pop("phone", "0203 3 835 600"),
        starts_at=at(start), ends_at=at(end), actor=kw.pop("actor", officer), **kw,
    )  # fmt: skip


def test_the_duty_officer_is_whoever_holds_the_shift_at_that_moment(
    dit: Agency, persona: Callable[[str], Any]
) -> None:
    officer = persona("congthuong")
    add(dit, officer, 0, 24)
    assert duty_officer(dit, at(0)) == officer
    assert duty_officer(dit.pk, at(23.99)) == officer
    assert duty_officer(dit, at(24)) is None  # the end is exclusive
    assert duty_officer(dit, at(-0.01)) is None
    shift = shift_at(dit, at(12))
    assert shift is not None and shift.phone == "0203 3 835 600"


def test_an_overlapping_shift_is_refused_and_nothing_is_written(
    dit: Agency, persona: Callable[[str], Any]
) -> None:
    officer = persona("congthuong")
    add(dit, officer, 0, 24)
    head = AuditHead.objects.get().seq
    with pytest.raises(ValidationError, match="trùng"):
        add(dit, officer, 23, 30)
    assert DutyShift.objects.filter(agency=dit, starts_at__gte=at(0)).count() == 1
    assert AuditHead.objects.get().seq == head
    add(dit, officer, 24, 48)  # back to back is fine


@pytest.mark.parametrize(
    ("start", "end", "officer", "message"),
    [
        (10, 10, "congthuong", "bắt đầu"),
        (10, 5, "congthuong", "bắt đầu"),
        (0, 8, "bienphong", "phải là thành viên"),
    ],
)
def test_bad_shifts_are_refused(
    dit: Agency, persona: Callable[[str], Any], start: int, end: int, officer: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        add(dit, persona(officer), start, end, actor=persona("congthuong"))
    assert not DutyShift.objects.filter(agency=dit, starts_at__gte=at(-1)).exists()


def test_only_those_who_keep_the_agency_may_change_its_roster(
    dit: Agency, persona: Callable[[str], Any]
) -> None:
    with pytest.raises(PermissionDenied, match="lịch trực") as refused:
        add(dit, persona("congthuong"), 0, 8, actor=persona("bienphong"))
    # The refusal names the roster, not the contact points it is kept with.
    assert "liên lạc" not in str(refused.value)
    # The province's standing office keeps every member agency's roster.
    shift = add(dit, persona("congthuong"), 0, 8, actor=persona("thuongtruc"))
    shift_id = shift.pk
    services.remove_duty_shift(shift, actor=persona("thuongtruc"))
    assert not DutyShift.objects.filter(pk=shift_id).exists()
    removed = AuditEvent.objects.get(action=OrgAction.DUTY_SHIFT_REMOVED, object_id=str(shift_id))
    assert removed.before is not None and removed.before["phone"] == "0203 3 835 600"


def test_the_liaison_sees_and_keeps_their_roster_in_the_browser_pages(
    dit: Agency, client_for: Callable[[str], Client], persona: Callable[[str], Any]
) -> None:
    client = client_for("congthuong")
    url = reverse("org:duty_roster", kwargs={"agency_pk": dit.pk})
    page = client.get(url).content.decode()
    assert "Lịch trực" in page and persona("congthuong").full_name in page  # seeded, on duty now
    start = timezone.localtime(at(0)).strftime("%Y-%m-%dT%H:%M")
    end = timezone.localtime(at(12)).strftime("%Y-%m-%dT%H:%M")
    data = {"officer": persona("congthuong").pk, "phone": "0912 000 111",
            "starts_at": start, "ends_at": end}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    assert DutyShift.objects.filter(agency=dit, phone="0912 000 111").count() == 1
    # The same shift again overlaps: the form shows why and writes nothing.
    response = client.post(url, data)
    assert response.status_code == 200
    assert "trùng" in response.content.decode()
    assert DutyShift.objects.filter(agency=dit, phone="0912 000 111").count() == 1


def test_the_agency_page_shows_who_is_on_duty_now(
    client_for: Callable[[str], Client], persona: Callable[[str], Any]
) -> None:
    police_a = Agency.objects.get(name="Công an đặc khu Vân Đồn")
    page = client_for("xa_a").get(reverse("org:agency_detail", kwargs={"pk": police_a.pk}))
    assert persona("xa_a").full_name in page.content.decode()
    # Commune B sees the agency (directory data) but not commune A's roster.
    page = client_for("xa_b").get(reverse("org:agency_detail", kwargs={"pk": police_a.pk}))
    assert persona("xa_a").full_name not in page.content.decode()


def test_a_roster_page_never_shows_shifts_outside_scope(
    client_for: Callable[[str], Client],
) -> None:
    police_a = Agency.objects.get(name="Công an đặc khu Vân Đồn")
    url = reverse("org:duty_roster", kwargs={"agency_pk": police_a.pk})
    assert "0203 3 793 113" in client_for("xa_a").get(url).content.decode()
    page = client_for("xa_b").get(url)
    assert page.status_code == 200
    assert "0203 3 793 113" not in page.content.decode()
    assert client_for("xa_b").post(url, {}).status_code == 403


def test_the_api_creates_lists_by_moment_and_removes_shifts(
    dit: Agency, api_for: Callable[..., Client], persona: Callable[[str], Any]
) -> None:
    api = api_for("congthuong", scope="write")
    body = {"agency": dit.pk, "officer": persona("congthuong").pk, "phone": "0912 222 333",
            "starts_at": at(0).isoformat(), "ends_at": at(8).isoformat()}  # fmt: skip
    created = api.post("/api/v1/duty-shifts/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    again = api.post("/api/v1/duty-shifts/", body, content_type="application/json")
    assert again.status_code == 400
    assert "trùng" in again.json()["error"]["message"]
    moment = at(4).isoformat().replace("+", "%2B")
    rows = api.get(f"/api/v1/duty-shifts/?agency={dit.pk}&at={moment}").json()["results"]
    assert [r["phone"] for r in rows] == ["0912 222 333"]
    assert rows[0]["officer_name"] == persona("congthuong").full_name
    shift_id = created.json()["id"]
    assert (
        api_for("bienphong", scope="write").delete(f"/api/v1/duty-shifts/{shift_id}/").status_code
        == 404
    )
    assert api.delete(f"/api/v1/duty-shifts/{shift_id}/").status_code == 204
    assert not DutyShift.objects.filter(pk=shift_id).exists()
