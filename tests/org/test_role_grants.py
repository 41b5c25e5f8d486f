"""Role grants need two people where one alone must not decide: no one grants a role
to themselves, and an auditor, committee leader or storekeeper role waits for a
committee leader's approval, on the page, the API and the services alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from vigil.accounts.models import User
from vigil.core import clock
from vigil.core.models import AuditEvent, AuditHead
from vigil.org import services
from vigil.org.models import Agency, Committee, Membership, OrgAction, RoleRequest
from vigil.org.scope import scope_for
from vigil.org.summary import administration_for

pytestmark = pytest.mark.django_db
START = dt.date(2026, 12, 1)


def province() -> Committee:
    return Committee.objects.get(name="Ban Chỉ đạo Phòng, chống khủng bố tỉnh Quảng Ninh")


def police() -> Agency:
    return Agency.objects.get(name="Công an tỉnh Quảng Ninh")


def mine() -> Agency:
    return Membership.objects.get(user__username="kho_mo", role="storekeeper").agency


def written() -> tuple[int, int, int]:
    return Membership.objects.count(), RoleRequest.objects.count(), AuditHead.objects.get().seq


# What quantri gave himself in the report, and a plain role for good measure.
SELF_GRANTS = [
    ("auditor", True),
    ("committee_leader", True),
    ("storekeeper", False),
    ("officer", False),
]


@pytest.mark.parametrize(("role", "committee_wide"), SELF_GRANTS)
def test_no_one_grants_a_role_to_themselves(
    role: str, committee_wide: bool, persona: Callable[[str], User],
    client_for: Callable[[str], Client], api_for: Callable[..., Client],
) -> None:  # fmt: skip
    quantri = persona("quantri")
    agency = mine() if role == "storekeeper" else police()
    committee = province() if committee_wide else None
    api = api_for("quantri", scope="write")
    before = written()
    with pytest.raises(PermissionDenied, match="cho chính mình"):
        services.grant_membership(quantri, agency=agency, role=role, committee=committee,
                                  valid_from=START, actor=quantri)  # fmt: skip
    page = client_for("quantri").post(
        reverse("org:admin_membership_grant", args=[quantri.pk]),
        {"agency": agency.pk, "role": role, "committee": committee.pk if committee else "",
         "valid_from": "01/12/2026"},
    )  # fmt: skip
    assert page.status_code == 200
    assert "cho chính mình" in page.content.decode()
    response = api.post(
        "/api/v1/memberships/",
        {"user": quantri.pk, "agency": agency.pk, "role": role,
         "committee": committee.pk if committee else None, "valid_from": START.isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 403
    assert "cho chính mình" in response.json()["error"]["message"]
    assert written() == before
    assert role not in {r for r, *_ in scope_for(User.objects.get(pk=quantri.pk)).roles}


def test_an_auditor_role_waits_for_a_leader_then_is_granted(
    persona: Callable[[str], User], client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
) -> None:  # fmt: skip
    target = persona("thuongtruc")
    response = client_for("quantri").post(
        reverse("org:admin_membership_grant", args=[target.pk]),
        {"agency": police().pk, "role": "auditor", "committee": province().pk,
         "valid_from": "01/12/2026"},
    )  # fmt: skip
    assert response.status_code == 302
    assert any("phê duyệt" in str(m) for m in get_messages(response.wsgi_request))
    request = RoleRequest.objects.get(user=target, role="auditor")
    assert request.status == RoleRequest.Status.PENDING and request.decided_in == province()
    assert not Membership.objects.filter(user=target, role="auditor").exists()
    assert AuditEvent.objects.filter(action=OrgAction.ROLE_REQUESTED,
                                     object_id=str(request.pk)).exists()  # fmt: skip
    # The leader finds it on the list and approves it through the API.
    listing = client_for("lanhdao").get(reverse("org:admin_role_request_list"))
    assert reverse("org:admin_role_request_decide", args=[request.pk]) in listing.content.decode()
    approved = api_for("lanhdao", scope="write").post(
        f"/api/v1/role-requests/{request.pk}/approve/", {"note": "Đồng ý"},
        content_type="application/json",
    )  # fmt: skip
    assert approved.status_code == 200, approved.content
    membership = Membership.objects.get(user=target, role="auditor")
    assert approved.json()["membership"] == membership.pk
    assert (membership.committee, membership.valid_from) == (province(), START)
    assert AuditEvent.objects.get(action=OrgAction.ROLE_APPROVED,
                                  object_id=str(request.pk)).actor_id == persona("lanhdao").pk  # fmt: skip
    assert AuditEvent.objects.filter(action=OrgAction.MEMBERSHIP_GRANTED,
                                     object_id=str(membership.pk)).exists()  # fmt: skip
    again = api_for("lanhdao", scope="write").post(
        f"/api/v1/role-requests/{request.pk}/approve/", {}, content_type="application/json"
    )
    assert again.status_code == 400


def test_a_storekeeper_role_through_the_api_is_a_request_and_a_rejection_grants_nothing(
    persona: Callable[[str], User], api_for: Callable[..., Client],
    client_for: Callable[[str], Client],
) -> None:  # fmt: skip
    target = persona("congthuong")
    response = api_for("quantri", scope="write").post(
        "/api/v1/memberships/",
        {"user": target.pk, "agency": mine().pk, "role": "storekeeper",
         "valid_from": START.isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "pending" and body["membership"] is None
    page = client_for("lanhdao").post(
        reverse("org:admin_role_request_decide", args=[body["id"]]),
        {"decision": "reject", "note": "Không thuộc doanh nghiệp"},
    )
    assert page.status_code == 302
    assert RoleRequest.objects.get(pk=body["id"]).status == RoleRequest.Status.REJECTED
    assert not Membership.objects.filter(user=target, role="storekeeper").exists()


def test_the_requester_and_the_user_may_not_decide(
    persona: Callable[[str], User], api_for: Callable[..., Client]
) -> None:
    """lanhdao may not approve a role for himself; quantri is no leader at all."""
    request = services.grant_membership(
        persona("lanhdao"), agency=police(), role="auditor", committee=province(),
        valid_from=START, actor=persona("quantri"),
    )  # fmt: skip
    assert isinstance(request, RoleRequest)
    apis = {username: api_for(username, scope="write") for username in ("lanhdao", "quantri")}
    before = written()
    for username, api in apis.items():
        response = api.post(
            f"/api/v1/role-requests/{request.pk}/approve/", {}, content_type="application/json"
        )
        assert response.status_code == 403, username
    with pytest.raises(PermissionDenied, match="của chính mình"):
        services.approve_role_request(request, actor=persona("lanhdao"))
    assert written() == before
    assert RoleRequest.objects.get(pk=request.pk).status == RoleRequest.Status.PENDING
    # Others who are neither administrator nor leader do not even see it.
    assert api_for("thuongtruc").get(f"/api/v1/role-requests/{request.pk}/").status_code == 404


def test_other_roles_are_granted_at_once_and_dates_stay_two_person(
    persona: Callable[[str], User], api_for: Callable[..., Client]
) -> None:
    quantri, target = persona("quantri"), persona("congthuong")
    response = api_for("quantri", scope="write").post(
        "/api/v1/memberships/",
        {"user": target.pk, "agency": police().pk, "role": "officer",
         "valid_from": START.isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201
    own = Membership.objects.filter(user=quantri).first()
    assert own is not None
    with pytest.raises(PermissionDenied):
        services.update_membership(own, valid_from=own.valid_from, valid_to=None, actor=quantri)
    auditor = Membership.objects.get(user__username="kiemtoan", role="auditor")
    services.end_membership(auditor, on=START, actor=quantri)  # ending one is one person's
    with pytest.raises(ValidationError, match="phê duyệt"):
        services.update_membership(
            Membership.objects.get(pk=auditor.pk), valid_from=auditor.valid_from, valid_to=None,
            actor=quantri,
        )  # fmt: skip


def test_a_new_user_with_a_leader_role_waits_and_the_page_says_where(
    client_for: Callable[[str], Client], persona: Any
) -> None:
    response = client_for("quantri").post(
        reverse("org:admin_user_create"),
        {"username": "kiemtra2", "full_name": "Lê Văn C", "email": "c@tt.example.vn",
         "password": "Mat-khau-rat-dai-2026", "clearance": "0", "agency": police().pk,
         "role": "auditor", "committee": province().pk, "valid_from": "01/12/2026"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == reverse("org:admin_role_request_list")
    user = User.objects.get(username="kiemtra2")
    assert not Membership.objects.filter(user=user).exists()
    assert RoleRequest.objects.get(user=user).status == RoleRequest.Status.PENDING


# --- Review: one pending request per role, held by the database; and the leader
# finds the pending ones on the home page.


def test_a_second_pending_request_for_the_same_role_is_refused(
    persona: Callable[[str], User],
) -> None:
    target = persona("thuongtruc")
    services.grant_membership(
        target, agency=mine(), role="storekeeper", valid_from=START, actor=persona("quantri")
    )
    before = written()
    with pytest.raises(ValidationError) as error:
        services.grant_membership(
            target, agency=mine(), role="storekeeper", valid_from=START, actor=persona("quantri")
        )
    assert "already waiting for approval" in str(error.value) or "đang chờ" in str(error.value)
    assert written() == before


@pytest.mark.parametrize("committee_wide", [True, False])
def test_the_database_holds_one_pending_request_per_role(
    committee_wide: bool, persona: Callable[[str], User]
) -> None:
    """Two administrators at the same moment both pass the service's check: the
    constraint stops the second, with or without a committee (NULL never clashes
    in a plain unique index)."""
    fields: dict[str, Any] = {
        "user": persona("thuongtruc"), "agency": police(), "decided_in": province(),
        "role": "auditor" if committee_wide else "storekeeper",
        "committee": province() if committee_wide else None, "valid_from": START,
        "requested_by": persona("quantri"), "requested_at": clock.now(),
    }  # fmt: skip
    RoleRequest.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleRequest.objects.create(**fields)
    # A decided one does not stand in the way of a new request.
    RoleRequest.objects.filter(status="pending").update(
        status=RoleRequest.Status.REJECTED, decided_at=clock.now()
    )
    RoleRequest.objects.create(**fields)


def test_the_leaders_home_counts_the_pending_role_requests_and_links_them(
    persona: Callable[[str], User], client_for: Callable[[str], Client]
) -> None:
    for username in ("thuongtruc", "xa_a"):
        services.grant_membership(
            persona(username), agency=police(), role="auditor", committee=province(),
            valid_from=START, actor=persona("quantri"),
        )  # fmt: skip
    decided = RoleRequest.objects.get(user__username="xa_a")
    services.reject_role_request(decided, actor=persona("lanhdao"), note="Không")
    leader = client_for("lanhdao")
    item = next(
        i
        for i in administration_for(persona("lanhdao"))["items"]
        if i["url"].startswith(reverse("org:admin_role_request_list"))
    )
    assert item["url"].endswith("?status=pending") and item["value"] == 1
    listed = leader.get(item["url"]).context["page"].paginator.object_list
    assert [r.user.username for r in listed] == ["thuongtruc"]
    assert item["url"].replace("&", "&amp;") in leader.get("/").content.decode()
    # An officer leads nothing: no such line for them.
    assert not any(
        "role" in str(i["label"]) for i in administration_for(persona("congthuong"))["items"]
    )
