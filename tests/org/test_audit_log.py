"""The audit log page and API: who reads what, filters, history, verification."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from vigil.core.audit import SystemActor
from vigil.core.models import AuditEvent, VerificationRun
from vigil.org import services
from vigil.org.models import Agency, Committee

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")


def seqs(client: Client, **params: Any) -> set[int]:
    found: set[int] = set()
    url: str | None = "/api/v1/audit-events/?page_size=500"
    first = True
    while url:
        body = client.get(url, params if first else None).json()
        first = False
        found |= {row["seq"] for row in body["results"]}
        url = body["next"]
    return found


def contact_events(committee_name: str) -> set[int]:
    committee = Committee.objects.get(name__endswith=committee_name)
    return set(AuditEvent.objects.filter(committee_id=committee.pk).values_list("seq", flat=True))


def test_a_commune_standing_office_reads_its_commune_not_the_province(
    api_for: Callable[..., Client],
) -> None:
    a_events = contact_events("đặc khu Vân Đồn")
    b_events = contact_events("phường Móng Cái 1")
    p_events = contact_events("tỉnh Quảng Ninh")
    assert a_events and b_events and p_events
    xa_a = seqs(api_for("xa_a"))
    assert a_events <= xa_a
    assert xa_a.isdisjoint(b_events | p_events)
    auditor = seqs(api_for("kiemtoan"))
    # Mật clearance: everything of the province and below up to Mật.
    assert (
        a_events
        | p_events
        - set(AuditEvent.objects.filter(classification__gt=1).values_list("seq", flat=True))
        <= auditor
    )


def test_lockouts_and_sign_ins_of_the_trees_people_are_in_the_log(
    api_for: Callable[..., Client], persona: Callable[[str], Any]
) -> None:
    """Events filed under no committee still reach the auditors of the people concerned."""
    from vigil.accounts.services import record_lockout

    with transaction.atomic():
        record_lockout("xa_b", ip_address="203.0.113.9")
    lockout = AuditEvent.objects.filter(action="user.locked_out").latest("seq")
    assert lockout.committee_id is None
    assert lockout.seq in seqs(api_for("kiemtoan"))  # the province's auditor
    assert lockout.seq in seqs(api_for("xa_b"))  # commune B's standing office
    assert lockout.seq not in seqs(api_for("xa_a"))  # not commune A's business


def test_others_get_not_found(api_for: Callable[..., Client]) -> None:
    for username in ("congthuong", "bienphong", "kho_mo", "quantri", "lanhdao"):
        response = api_for(username).get("/api/v1/audit-events/")
        assert response.status_code == 404, username


def test_filters_by_action_object_actor_agency_and_date(
    api_for: Callable[..., Client], case_object: Callable[[int], Any], persona: Callable[..., Any]
) -> None:
    contact = case_object(1)
    services.update_contact_point(contact, actor=persona("xa_a"), phone="0203 111 222")
    api = api_for("kiemtoan")
    updated = seqs(api, action="contact_point.updated")
    assert updated and all(
        AuditEvent.objects.get(seq=s).action == "contact_point.updated" for s in updated
    )
    history = seqs(api, object_type="org.contactpoint", object_id=str(contact.pk))
    assert history == set(
        AuditEvent.objects.filter(
            object_type="org.contactpoint", object_id=str(contact.pk)
        ).values_list("seq", flat=True)
    )
    assert seqs(api, actor="xa_a") == updated
    agency_id = AuditEvent.objects.get(seq=max(updated)).agency_id
    assert agency_id is not None
    police_a = Agency.objects.get(pk=agency_id)
    assert max(updated) in seqs(api, agency=str(police_a.pk))
    assert seqs(api, date_from="2001-01-01", date_to="2001-01-02") == set()
    bad = api.get("/api/v1/audit-events/?date_from=yesterday")
    assert bad.status_code == 400


def test_the_page_filters_and_the_object_history_is_linked(
    client_for: Callable[[str], Client], case_object: Callable[[int], Any]
) -> None:
    contact = case_object(1)
    client = client_for("kiemtoan")
    detail = client.get(reverse("org:contact_detail", args=[contact.pk])).content.decode()
    history_url = reverse("org:audit_object", args=["org.contactpoint", contact.pk])
    assert history_url in detail
    page = client.get(history_url).content.decode()
    assert "contact_point.created" in page
    assert (
        history_url
        not in client_for("congthuong")
        .get(reverse("org:agency_detail", args=[contact.agency_id]))
        .content.decode()
    )
    listing = client.get(reverse("org:audit_log"), {"action": "committee.created"})
    assert listing.status_code == 200
    assert "committee.created" in listing.content.decode()
    assert "contact_point.created" not in listing.content.decode().split('<table class="audit">')[1]


def test_verify_now_records_the_result_and_the_page_shows_it(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("kiemtoan")
    assert client.post(reverse("org:audit_verify")).status_code == 302
    run = VerificationRun.objects.get(verifier="audit")  # every registered chain is run
    assert run.ok
    assert VerificationRun.objects.get(verifier="ledger").ok
    head = AuditEvent.objects.order_by("-seq").first()
    assert head is not None
    assert run.head == f"{head.seq}:{head.hash}"
    page = client.get(reverse("org:audit_log")).content.decode()
    assert run.head in page
    assert client_for("thuongtruc").post(reverse("org:audit_verify")).status_code == 403


def test_the_command_line_verification_is_recorded_too() -> None:
    call_command("audit", "verify", stdout=io.StringIO())
    run = VerificationRun.objects.get()
    assert run.ok and run.actor_label == "system:command line"


def test_the_agency_filter_offers_the_readers_agencies_only(
    client_for: Callable[[str], Client],
) -> None:
    page = client_for("xa_a").get(reverse("org:audit_log")).content.decode()
    assert "Công an đặc khu Vân Đồn" in page
    assert "Công an phường Móng Cái 1" not in page
    police_a = Agency.objects.get(name="Công an đặc khu Vân Đồn")
    filtered = client_for("xa_a").get(reverse("org:audit_log"), {"agency": police_a.pk})
    assert filtered.status_code == 200


@pytest.mark.parametrize("url", ["/audit/", "/api/v1/audit-events/"])
def test_the_log_costs_the_same_queries_for_more_events(
    url: str, client_for: Callable[[str], Client]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.test_query_counts import grow_the_directory

    client = client_for("kiemtoan")
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    grow_the_directory(5)
    assert count() == before
