"""Administration pages: an administrator manages their committee and below, nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from vigil.accounts.models import ApiToken, User, UserSession
from vigil.accounts.services import create_token
from vigil.core.audit import SystemActor
from vigil.core.classification import Classification as C
from vigil.core.models import AuditEvent, AuditHead
from vigil.org import services
from vigil.org.demo import DEMO_PASSWORD
from vigil.org.models import Agency, ClearanceRequest, Committee, Membership, Post, PostHolder

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")
START = dt.date(2025, 7, 1)
PASSWORD = "Mat-khau-rat-dai-2026"


def commune(name: str) -> Committee:
    return Committee.objects.get(name__endswith=name)


def agency(name: str) -> Agency:
    return Agency.objects.get(name=name)


@pytest.fixture
def quantri_a() -> User:
    """An administrator of commune A only."""
    user, _ = services.create_member_user(
        username="quantri_a", full_name="Quản trị xã A", email="qa@demo.vigil.invalid",
        password=PASSWORD, agency=agency("Công an đặc khu Vân Đồn"), role="administrator",
        committee=commune("Vân Đồn"), valid_from=START, actor=SYSTEM,
    )  # fmt: skip
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def audit_seq() -> int:
    return AuditHead.objects.get(id=1).seq


USER_PAGES = [
    "org:admin_user_detail", "org:admin_membership_grant", "org:admin_user_clearance",
    "org:admin_user_deactivate", "org:admin_user_unlock", "org:admin_user_reset_mfa",
]  # fmt: skip


@pytest.mark.parametrize("target", ["thuongtruc", "lanhdao", "xa_b", "bienphong"])
def test_a_commune_administrator_cannot_reach_users_outside_their_commune(
    target: str, quantri_a: User, persona: Callable[[str], User]
) -> None:
    client = signed_in(quantri_a)
    for page in USER_PAGES:
        url = reverse(page, args=[persona(target).pk])
        assert client.get(url).status_code == 404, page
        assert client.post(url).status_code == 404, page
    listed = client.get(reverse("org:admin_user_list")).content.decode()
    assert f">{target}<" not in listed


def test_xa_a_who_administers_nothing_reaches_no_user(
    client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    client = client_for("xa_a")
    for target in ("thuongtruc", "xa_b", "xa_a"):
        assert (
            client.get(reverse("org:admin_user_detail", args=[persona(target).pk])).status_code
            == 404
        )
    assert client.get(reverse("org:admin_user_list")).status_code == 403


def test_administrators_reach_the_users_of_commune_a(
    quantri_a: User, client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    xa_a = persona("xa_a")
    for client in (signed_in(quantri_a), client_for("quantri")):
        for page in USER_PAGES:
            assert client.get(reverse(page, args=[xa_a.pk])).status_code == 200, page
        assert ">xa_a<" in client.get(reverse("org:admin_user_list")).content.decode()
    assert ">xa_b<" in client_for("quantri").get(reverse("org:admin_user_list")).content.decode()


def test_an_administrator_creates_a_liaison_user_with_a_role(
    client_for: Callable[[str], Client],
) -> None:
    health = agency("Sở Y tế")
    response = client_for("quantri").post(
        reverse("org:admin_user_create"),
        {
            "username": "lienlac_syt", "full_name": "Trần Thị B", "email": "b@syt.example.vn",
            "password": PASSWORD, "clearance": "0", "agency": health.pk, "role": "officer",
            "valid_from": "2026-01-01",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(username="lienlac_syt")
    assert user.check_password(PASSWORD)
    membership = Membership.objects.get(user=user)
    assert (membership.agency, membership.role, membership.committee) == (health, "officer", None)
    assert AuditEvent.objects.filter(
        action="membership.granted", object_id=str(membership.pk)
    ).exists()


def test_an_invalid_e_mail_is_refused_and_nothing_written(
    client_for: Callable[[str], Client],
) -> None:
    seq = audit_seq()
    response = client_for("quantri").post(
        reverse("org:admin_user_create"),
        {
            "username": "khong_email", "full_name": "X", "email": "not-an-address",
            "password": PASSWORD, "clearance": "0", "agency": agency("Sở Y tế").pk,
            "role": "officer", "valid_from": "2026-01-01",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert not User.objects.filter(username="khong_email").exists()
    assert audit_seq() == seq
    with pytest.raises(ValidationError) as error:
        services.create_member_user(
            username="khong_email", full_name="X", email="a@b", password=PASSWORD,
            agency=agency("Sở Y tế"), role="officer", valid_from=START, actor=SYSTEM,
        )  # fmt: skip
    assert "email" in error.value.error_dict


def test_a_role_outside_the_administrators_tree_is_refused(
    quantri_a: User, persona: Callable[[str], User]
) -> None:
    xa_a = persona("xa_a")
    police_b = agency("Công an phường Móng Cái 1")
    count, seq = Membership.objects.count(), audit_seq()
    with pytest.raises(PermissionDenied):
        services.grant_membership(
            xa_a, agency=police_b, role="officer", valid_from=START, actor=quantri_a
        )
    # The page offers only the administrator's agencies: another one is not a valid choice.
    response = signed_in(quantri_a).post(
        reverse("org:admin_membership_grant", args=[xa_a.pk]),
        {"agency": police_b.pk, "role": "officer", "valid_from": "2026-01-01"},
    )
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    # A committee-wide role in the province, above commune A: refused with a message.
    response = signed_in(quantri_a).post(
        reverse("org:admin_membership_grant", args=[xa_a.pk]),
        {"agency": agency("Công an đặc khu Vân Đồn").pk, "role": "auditor",
         "committee": commune("tỉnh Quảng Ninh").pk, "valid_from": "2026-01-01"},
    )  # fmt: skip
    assert response.status_code == 200
    assert (Membership.objects.count(), audit_seq()) == (count, seq)


def test_a_holder_period_that_ends_before_it_starts_is_refused_on_the_page(
    client_for: Callable[[str], Client],
) -> None:
    post = services.create_post(
        commune("Vân Đồn"), kind=Post.Kind.MEMBER, title="Ủy viên mới", actor=SYSTEM
    )
    response = client_for("quantri").post(
        reverse("org:admin_holder_appoint", args=[post.pk]),
        {"holder_name": "Nguyễn Văn C", "valid_from": "2026-05-01", "valid_to": "2026-04-01"},
    )
    assert response.status_code == 200
    with translation.override("vi"):
        assert gettext("The period ends before it starts.") in response.content.decode()
    assert not PostHolder.objects.filter(post=post).exists()


def test_appointing_and_ending_a_term_with_the_decision(
    client_for: Callable[[str], Client],
) -> None:
    post = services.create_post(
        commune("Vân Đồn"), kind=Post.Kind.MEMBER, title="Ủy viên mới", actor=SYSTEM
    )
    client = client_for("quantri")
    response = client.post(
        reverse("org:admin_holder_appoint", args=[post.pk]),
        {"holder_name": "Nguyễn Văn C", "decision_number": "12/QĐ-UBND",
         "decision_date": "2026-04-20", "valid_from": "2026-05-01"},
    )  # fmt: skip
    assert response.status_code == 302
    holder = PostHolder.objects.get(post=post)
    assert (holder.decision_number, holder.decision_date) == ("12/QĐ-UBND", dt.date(2026, 4, 20))
    response = client.post(reverse("org:admin_holder_end", args=[holder.pk]), {"on": "2026-06-30"})
    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.valid_to == dt.date(2026, 6, 30)
    assert AuditEvent.objects.filter(action="holder.term_ended", object_id=str(holder.pk)).exists()


def test_a_committee_outside_the_tree_is_forbidden(quantri_a: User) -> None:
    province = commune("tỉnh Quảng Ninh")
    client = signed_in(quantri_a)
    assert client.get(reverse("org:admin_committee", args=[province.pk])).status_code == 403
    assert (
        client.get(reverse("org:admin_committee", args=[commune("Vân Đồn").pk])).status_code == 200
    )


def test_member_agencies_are_added_with_dates_and_ended(
    client_for: Callable[[str], Client],
) -> None:
    a = commune("Vân Đồn")
    health = agency("Sở Y tế")
    client = client_for("quantri")
    response = client.post(
        reverse("org:admin_member_add", args=[a.pk]),
        {"agency": health.pk, "valid_from": "2026-01-01", "valid_to": "2026-12-31"},
    )
    assert response.status_code == 302
    member = a.members.get(agency=health)
    assert member.valid_to == dt.date(2026, 12, 31)
    response = client.post(reverse("org:admin_member_end", args=[member.pk]), {"on": "2026-03-31"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.valid_to == dt.date(2026, 3, 31)


def test_quantri_cannot_grant_mat_directly_a_leader_approves(
    client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    xa_a = persona("xa_a")
    response = client_for("quantri").post(
        reverse("org:admin_user_clearance", args=[xa_a.pk]),
        {"level": str(C.CONFIDENTIAL), "reason": "Trực ban cấp xã"},
    )
    assert response.status_code == 302
    xa_a.refresh_from_db()
    assert xa_a.clearance == C.UNCLASSIFIED  # the request waits
    request = ClearanceRequest.objects.get(user=xa_a, status="pending")
    assert request.requested_by == persona("quantri")
    # quantri is not a leader: the decision is refused, nothing changes.
    response = client_for("quantri").post(
        reverse("org:admin_clearance_decide", args=[request.pk]), {"decision": "approve"}
    )
    assert response.status_code == 200
    xa_a.refresh_from_db()
    assert xa_a.clearance == C.UNCLASSIFIED
    # The header shows lanhdao the way to the waiting request.
    leader = client_for("lanhdao")
    assert reverse("org:admin_clearance_list") in leader.get("/").content.decode()
    response = leader.post(
        reverse("org:admin_clearance_decide", args=[request.pk]),
        {"decision": "approve", "note": "Đồng ý"},
    )
    assert response.status_code == 302
    xa_a.refresh_from_db()
    request.refresh_from_db()
    assert xa_a.clearance == C.CONFIDENTIAL
    assert (request.status, request.decided_by) == ("approved", persona("lanhdao"))
    assert AuditEvent.objects.filter(
        action="clearance.approved", object_id=str(request.pk)
    ).exists()


def test_an_administrator_grants_up_to_their_own_clearance_at_once(
    persona: Callable[[str], User],
) -> None:
    thuongtruc = persona("thuongtruc")  # Mật
    assert services.set_clearance(thuongtruc, C.UNCLASSIFIED, actor=persona("quantri")) is None
    thuongtruc.refresh_from_db()
    assert thuongtruc.clearance == C.UNCLASSIFIED


def test_a_leader_cannot_approve_above_their_own_clearance(
    persona: Callable[[str], User],
) -> None:
    request = services.set_clearance(persona("xa_a"), C.TOP_SECRET, actor=persona("quantri"))
    assert request is not None
    with pytest.raises(PermissionDenied):
        services.approve_clearance_request(request, actor=persona("lanhdao"))  # Tối mật
    request.refresh_from_db()
    assert request.status == "pending"
    services.reject_clearance_request(request, actor=persona("lanhdao"), note="Không cần")
    request.refresh_from_db()
    assert request.status == "rejected"
    assert persona("xa_a").clearance == C.UNCLASSIFIED


def test_a_leader_cannot_decide_a_clearance_request_about_himself(
    persona: Callable[[str], User],
) -> None:
    """The two-person rule of role requests holds for clearance requests too."""
    lanhdao = persona("lanhdao")  # Tối mật, the province's leader
    request = services.set_clearance(lanhdao, C.CONFIDENTIAL, actor=persona("quantri"))
    assert request is not None
    with pytest.raises(PermissionDenied, match="của chính mình"):
        services.approve_clearance_request(request, actor=lanhdao)
    request.refresh_from_db()
    assert request.status == "pending"
    lanhdao.refresh_from_db()
    assert lanhdao.clearance == C.SECRET


def test_a_leader_of_another_committee_cannot_decide(persona: Callable[[str], User]) -> None:
    leader_b, _ = services.create_member_user(
        username="lanhdao_b", full_name="Lãnh đạo B", email="lb@demo.vigil.invalid",
        password=PASSWORD, clearance=C.SECRET, agency=agency("Ủy ban nhân dân phường Móng Cái 1"),
        role="committee_leader", committee=commune("Móng Cái 1"), valid_from=START, actor=SYSTEM,
    )  # fmt: skip
    request = services.set_clearance(persona("xa_a"), C.CONFIDENTIAL, actor=persona("quantri"))
    assert request is not None
    with pytest.raises(PermissionDenied):
        services.approve_clearance_request(request, actor=leader_b)


def test_deactivation_by_the_administrator_ends_sessions_and_tokens(
    client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    xa_a = persona("xa_a")
    own = Client()
    response = own.post(reverse("accounts:login"), {"username": "xa_a", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    keys = list(UserSession.objects.filter(user=xa_a).values_list("session_key", flat=True))
    assert keys
    token, _raw = create_token(xa_a, name="script", actor=SYSTEM)
    response = client_for("quantri").post(reverse("org:admin_user_deactivate", args=[xa_a.pk]))
    assert response.status_code == 302
    xa_a.refresh_from_db()
    token.refresh_from_db()
    assert not xa_a.is_active
    assert token.revoked_at is not None
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not ApiToken.objects.filter(user=xa_a, revoked_at__isnull=True).exists()
    assert own.get(reverse("home:index")).status_code == 302  # signed out


def test_an_administrator_cannot_deactivate_themselves(persona: Callable[[str], User]) -> None:
    quantri = persona("quantri")
    with pytest.raises(ValidationError):
        services.deactivate_member(quantri, actor=quantri)
    assert User.objects.get(pk=quantri.pk).is_active


def test_the_administrator_sees_who_is_locked_out_and_unlocks(
    client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    xa_a = persona("xa_a")
    AccessAttempt.objects.create(
        username="xa_a", ip_address="127.0.0.1", user_agent="test", http_accept="*/*",
        path_info="/accounts/login/", get_data="", post_data="", failures_since_start=5,
    )  # fmt: skip
    client = client_for("quantri")
    listed = client.get(reverse("org:admin_user_list")).content.decode()
    assert reverse("org:admin_user_unlock", args=[xa_a.pk]) in listed
    response = client.post(reverse("org:admin_user_unlock", args=[xa_a.pk]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="xa_a").exists()
    assert AuditEvent.objects.filter(action="user.unlocked", object_id=str(xa_a.pk)).exists()
    assert (
        reverse("org:admin_user_unlock", args=[xa_a.pk])
        not in client.get(reverse("org:admin_user_list")).content.decode()
    )


def test_resetting_the_second_factor_goes_through_the_tree(
    quantri_a: User, persona: Callable[[str], User]
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    xa_b = persona("xa_b")
    TOTPDevice.objects.create(user=xa_b, name="phone")
    with pytest.raises(PermissionDenied):
        services.reset_member_second_factor(xa_b, actor=quantri_a)
    assert TOTPDevice.objects.filter(user=xa_b).exists()
    services.reset_member_second_factor(xa_b, actor=persona("quantri"))
    assert not TOTPDevice.objects.filter(user=xa_b).exists()


def test_ending_a_role_takes_effect_the_day_after(
    client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    membership = Membership.objects.get(user=persona("xa_b"))
    response = client_for("quantri").post(
        reverse("org:admin_membership_end", args=[membership.pk]), {"on": "2026-01-31"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.valid_to == dt.date(2026, 1, 31)


def test_a_committee_and_an_agency_are_created_and_edited(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("quantri")
    province = commune("tỉnh Quảng Ninh")
    response = client.post(
        reverse("org:admin_committee_create", args=[province.pk]),
        {"name": "Ban Chỉ đạo PCKB xã Quảng La", "short_name": "BCĐ", "level": "commune"},
    )
    assert response.status_code == 302
    created = Committee.objects.get(name="Ban Chỉ đạo PCKB xã Quảng La")
    assert created.parent == province
    response = client.post(
        reverse("org:admin_committee_edit", args=[created.pk]),
        {"name": "Ban Chỉ đạo PCKB xã Quảng La mới", "short_name": "BCĐ", "level": "commune"},
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.name.endswith("mới")
    response = client.post(
        reverse("org:admin_agency_create"),
        {"name": "Công an xã Quảng La", "kind": "police", "committee": created.pk},
    )
    assert response.status_code == 302
    police = Agency.objects.get(name="Công an xã Quảng La")
    response = client.post(
        reverse("org:admin_agency_edit", args=[police.pk]),
        {"name": "Công an xã Quảng La", "short_name": "CAX", "kind": "police"},
    )
    assert response.status_code == 302
    police.refresh_from_db()
    assert police.short_name == "CAX"
    assert AuditEvent.objects.filter(action="agency.updated", object_id=str(police.pk)).exists()


def test_the_header_links_administration_for_administrators_only(
    client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    link = reverse("org:admin_index")
    assert link in client_for("quantri").get("/").content.decode()
    for username in ("xa_a", "thuongtruc", "lanhdao"):  # lanhdao: no request waits
        assert link not in client_for(username).get("/").content.decode(), username
        assert (
            reverse("org:admin_clearance_list")
            not in client_for(username).get("/").content.decode()
        )


def test_the_audit_chain_holds_after_the_administrators_work(
    client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    from vigil.core.audit import verify

    services.set_clearance(persona("xa_b"), C.CONFIDENTIAL, actor=persona("quantri"))
    services.end_membership(
        Membership.objects.get(user=persona("xa_b")),
        on=dt.date(2026, 2, 1),
        actor=persona("quantri"),
    )
    assert verify().ok


def test_a_post_is_renamed_on_its_page(client_for: Callable[[str], Client]) -> None:
    post = services.create_post(
        commune("Vân Đồn"), kind=Post.Kind.MEMBER, title="Ủy viên", actor=SYSTEM
    )
    response = client_for("quantri").post(
        reverse("org:admin_post_edit", args=[post.pk]),
        {"kind": "deputy", "title": "Phó Trưởng ban", "order": "2"},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.kind, post.title, post.order) == ("deputy", "Phó Trưởng ban", 2)
    assert client_for("xa_a").get(reverse("org:admin_post_edit", args=[post.pk])).status_code == 403


def test_a_decision_must_be_chosen(
    client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    request = services.set_clearance(persona("xa_a"), C.CONFIDENTIAL, actor=persona("quantri"))
    assert request is not None
    response = client_for("lanhdao").post(
        reverse("org:admin_clearance_decide", args=[request.pk]), {"note": "?"}
    )
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == "pending"


def test_a_users_name_and_e_mail_are_corrected(
    client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
    persona: Callable[[str], User],
) -> None:
    xa_a = persona("xa_a")
    url = reverse("org:admin_user_edit", args=[xa_a.pk])
    response = client_for("quantri").post(url, {"full_name": "Vũ Văn Bình", "email": "nope"})
    assert response.status_code == 200
    assert User.objects.get(pk=xa_a.pk).email == xa_a.email
    response = client_for("quantri").post(url, {"full_name": "Vũ Văn Bình", "email": "b@x.vn"})
    assert response.status_code == 302
    assert User.objects.get(pk=xa_a.pk).email == "b@x.vn"
    assert AuditEvent.objects.filter(action="user.updated", object_id=str(xa_a.pk)).exists()
    response = api_for("quantri", "write").patch(
        f"/api/v1/users/{xa_a.pk}/", {"full_name": "Vũ V. Bình"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["full_name"] == "Vũ V. Bình"
    response = api_for("xa_b", "write").patch(
        f"/api/v1/users/{xa_a.pk}/", {"full_name": "X"}, content_type="application/json"
    )
    assert response.status_code == 404


def test_a_commune_administrator_cannot_give_anyone_a_provincial_agency(
    quantri_a: User,
) -> None:
    """A role's agency is one of the user's agencies in the scope rule: a commune
    administrator handing themselves the provincial police would see its objects."""
    seq = audit_seq()
    for committee in (commune("Vân Đồn"), None):
        with pytest.raises((ValidationError, PermissionDenied)):
            services.grant_membership(
                quantri_a, agency=agency("Công an tỉnh Quảng Ninh"),
                role="standing_office" if committee else "officer", committee=committee,
                valid_from=START, actor=quantri_a,
            )  # fmt: skip
    assert not Membership.objects.filter(
        user=quantri_a, agency=agency("Công an tỉnh Quảng Ninh")
    ).exists()
    assert audit_seq() == seq
    api = Client()
    api.force_login(quantri_a)
    response = api.post(
        "/api/v1/memberships/",
        {"user": quantri_a.pk, "agency": agency("Công an tỉnh Quảng Ninh").pk,
         "role": "standing_office", "committee": commune("Vân Đồn").pk,
         "valid_from": START.isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "agency" in response.json()["error"]["fields"]


def test_a_user_with_a_role_above_is_not_the_communes_to_administer(
    quantri_a: User, persona: Callable[[str], User]
) -> None:
    """lanhdao also sits in commune A's committee: still not commune A's to deactivate."""
    services.grant_membership(
        persona("lanhdao"), agency=agency("Ủy ban nhân dân đặc khu Vân Đồn"),
        role="committee_leader", committee=commune("Vân Đồn"), valid_from=START, actor=SYSTEM,
    )  # fmt: skip
    client = signed_in(quantri_a)
    for page in USER_PAGES:
        assert client.post(reverse(page, args=[persona("lanhdao").pk])).status_code == 404, page
    with pytest.raises(PermissionDenied):
        services.deactivate_member(persona("lanhdao"), actor=quantri_a)
    assert User.objects.get(username="lanhdao").is_active
