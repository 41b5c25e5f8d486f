"""Writing contact points: the first write path, through pages, API and service."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from vigil.core.models import AuditEvent, AuditHead
from vigil.org.models import Agency, ContactPoint

pytestmark = pytest.mark.django_db


def police() -> Agency:
    return Agency.objects.get(name="Công an tỉnh Quảng Ninh")


def head_seq() -> int:
    return AuditHead.objects.get(id=1).seq


def test_the_standing_office_adds_a_contact_point_with_its_audit_event(
    client_for: Callable[[str], Client],
) -> None:
    seq = head_seq()
    response = client_for("thuongtruc").post(
        reverse("org:contact_create", kwargs={"agency_pk": police().pk}),
        {"label": "Trực chỉ huy", "phone": "0203 3 111 111", "classification": 0},
    )
    assert response.status_code == 302
    contact = ContactPoint.objects.get(label="Trực chỉ huy")
    assert contact.owning_committee == police().committee
    event = AuditEvent.objects.get(seq=seq + 1)
    assert (event.action, event.object_id) == ("contact_point.created", str(contact.pk))
    assert event.role == "standing_office"


def test_bad_input_gets_a_vietnamese_message_and_writes_nothing(
    client_for: Callable[[str], Client],
) -> None:
    seq, count = head_seq(), ContactPoint.objects.count()
    response = client_for("thuongtruc").post(
        reverse("org:contact_create", kwargs={"agency_pk": police().pk}),
        {"label": "", "email": "not-an-address", "classification": 0},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Trường này là bắt buộc." in body
    assert "Nhập một địa chỉ email hợp lệ." in body
    assert (head_seq(), ContactPoint.objects.count()) == (seq, count)


def test_nobody_classifies_above_their_clearance(client_for: Callable[[str], Client]) -> None:
    count = ContactPoint.objects.count()
    response = client_for("quantri").post(
        reverse("org:contact_create", kwargs={"agency_pk": police().pk}),
        {"label": "x", "classification": 1},
    )
    assert response.status_code == 200
    assert ContactPoint.objects.count() == count


def test_an_officer_may_not_change_another_agencys_contacts_it_can_see(
    client_for: Callable[[str], Client], case_object: Callable[[int], ContactPoint]
) -> None:
    shared = case_object(12)  # owned by commune A, shared with DIT
    response = client_for("congthuong").post(
        reverse("org:contact_edit", kwargs={"pk": shared.pk}),
        {"label": "hacked", "classification": 0},
    )
    assert response.status_code == 403
    shared.refresh_from_db()
    assert shared.label != "hacked"


def test_the_auditor_reads_but_does_not_write(
    client_for: Callable[[str], Client], api_for: Callable[..., Client]
) -> None:
    url = reverse("org:contact_create", kwargs={"agency_pk": police().pk})
    assert client_for("kiemtoan").get(url).status_code == 403
    response = api_for("kiemtoan", "write").post(
        "/api/v1/contact-points/",
        {"agency": police().pk, "label": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_the_api_rejects_bad_input_with_field_messages(api_for: Callable[..., Client]) -> None:
    count = ContactPoint.objects.count()
    response = api_for("thuongtruc", "write").post(
        "/api/v1/contact-points/", {"agency": police().pk, "label": "x", "email": "nope"},
        content_type="application/json", headers={"Accept-Language": "vi"},
    )  # fmt: skip
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"]["email"] == ["Nhập một địa chỉ email hợp lệ."]
    assert ContactPoint.objects.count() == count


def test_the_api_hides_an_agency_out_of_sight_and_refuses_one_in_sight(
    api_for: Callable[..., Client],
) -> None:
    count = ContactPoint.objects.count()
    response = api_for("kho_mo", "write").post(
        "/api/v1/contact-points/",
        {"agency": police().pk, "label": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    other = Agency.objects.get(name="Công an phường Móng Cái 1")  # directory data: visible to xa_a
    response = api_for("xa_a", "write").post(
        "/api/v1/contact-points/",
        {"agency": other.pk, "label": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert ContactPoint.objects.count() == count


def test_a_classified_page_view_is_audited_once(
    client_for: Callable[[str], Client],
) -> None:
    seq = head_seq()
    assert (
        client_for("thuongtruc")
        .get(reverse("org:agency_detail", kwargs={"pk": police().pk}))
        .status_code
        == 200
    )
    events = AuditEvent.objects.filter(seq__gt=seq)
    assert [e.action for e in events] == ["object.viewed"]
    assert events[0].classification == 1
    assert seq + 1 == head_seq()


def test_an_unclassified_page_view_is_not_audited(client_for: Callable[[str], Client]) -> None:
    seq = head_seq()
    dit = Agency.objects.get(name="Sở Công Thương")
    assert (
        client_for("congthuong")
        .get(reverse("org:agency_detail", kwargs={"pk": dit.pk}))
        .status_code
        == 200
    )
    assert head_seq() == seq


def test_the_api_audits_a_classified_detail_and_list_once_each(
    api_for: Callable[..., Client], case_object: Callable[[int], ContactPoint]
) -> None:
    api = api_for("bienphong")
    seq = head_seq()
    assert api.get(f"/api/v1/contact-points/{case_object(7).pk}/").status_code == 200
    assert api.get("/api/v1/contact-points/").status_code == 200
    events = list(AuditEvent.objects.filter(seq__gt=seq))
    assert [e.action for e in events] == ["object.viewed", "object.viewed"]
    assert events[0].object_id == str(case_object(7).pk)
    shown = events[1].after
    assert shown is not None
    assert f"org.contactpoint:{case_object(7).pk}" in shown["shown"]


def test_the_api_does_not_audit_unclassified_reads(api_for: Callable[..., Client]) -> None:
    api = api_for("congthuong")
    seq = head_seq()
    assert api.get("/api/v1/contact-points/").status_code == 200
    assert head_seq() == seq


def test_saving_a_classified_contact_through_its_page_records_the_change_only(
    client_for: Callable[[str], Client], case_object: Callable[[int], ContactPoint]
) -> None:
    contact = case_object(7)  # Mật
    seq = head_seq()
    response = client_for("thuongtruc").post(
        reverse("org:contact_edit", kwargs={"pk": contact.pk}),
        {"label": contact.label, "phone": "0203 3 770 771", "classification": 1},
    )
    assert response.status_code == 302
    assert [e.action for e in AuditEvent.objects.filter(seq__gt=seq)] == ["contact_point.updated"]


def test_showing_a_classified_contact_in_its_edit_form_is_audited(
    client_for: Callable[[str], Client], case_object: Callable[[int], ContactPoint]
) -> None:
    seq = head_seq()
    response = client_for("thuongtruc").get(
        reverse("org:contact_edit", kwargs={"pk": case_object(7).pk})
    )
    assert response.status_code == 200
    assert "banner-classified" in response.content.decode()
    assert [e.action for e in AuditEvent.objects.filter(seq__gt=seq)] == ["object.viewed"]
