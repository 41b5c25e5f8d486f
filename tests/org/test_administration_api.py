"""API writes for the org resources: the same services and checks as the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from vigil.accounts.models import ApiToken, User
from vigil.accounts.services import create_token
from vigil.core.audit import SystemActor
from vigil.core.models import AuditHead
from vigil.org import services
from vigil.org.models import Agency, Committee, Membership, Post, PostHolder

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")
PASSWORD = "Mat-khau-rat-dai-2026"
JSON = "application/json"


def seq() -> int:
    return AuditHead.objects.get(id=1).seq


def new_user_body(**changes: Any) -> dict[str, Any]:
    return {
        "username": "lienlac_api", "full_name": "Phạm Thị D", "email": "d@syt.example.vn",
        "password": PASSWORD, "agency": Agency.objects.get(name="Sở Y tế").pk,
        "role": "officer", "valid_from": "2026-01-01", **changes,
    }  # fmt: skip


def test_an_administrator_creates_a_user_through_the_api(api_for: Callable[..., Client]) -> None:
    response = api_for("quantri", "write").post(
        "/api/v1/users/", new_user_body(), content_type=JSON
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"]["username"] == "lienlac_api"
    assert body["clearance_request"] is None
    assert Membership.objects.filter(user__username="lienlac_api", role="officer").exists()


def test_a_clearance_above_the_administrators_waits(api_for: Callable[..., Client]) -> None:
    response = api_for("quantri", "write").post(
        "/api/v1/users/", new_user_body(clearance=1), content_type=JSON
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"]["clearance"] == 0
    request_id = body["clearance_request"]["id"]
    leader = api_for("lanhdao", "write")
    response = leader.post(
        f"/api/v1/clearance-requests/{request_id}/approve/", {}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert User.objects.get(username="lienlac_api").clearance == 1


def test_an_invalid_e_mail_is_a_400_and_nothing_written(api_for: Callable[..., Client]) -> None:
    api = api_for("quantri", "write")
    before = seq()
    response = api.post("/api/v1/users/", new_user_body(email="d at syt"), content_type=JSON)
    assert response.status_code == 400
    assert "email" in response.json()["error"]["fields"]
    assert seq() == before
    assert not User.objects.filter(username="lienlac_api").exists()


def test_a_read_token_cannot_write(api_for: Callable[..., Client]) -> None:
    response = api_for("quantri", "read").post("/api/v1/users/", new_user_body(), content_type=JSON)
    assert response.status_code == 403


def test_users_outside_the_tree_are_not_found(
    api_for: Callable[..., Client], persona: Callable[[str], User]
) -> None:
    thuongtruc = persona("thuongtruc")
    assert api_for("xa_a").get(f"/api/v1/users/{thuongtruc.pk}/").status_code == 404
    assert api_for("xa_a").get("/api/v1/users/").json()["results"] == []
    assert api_for("quantri").get(f"/api/v1/users/{persona('xa_a').pk}/").status_code == 200
    response = api_for("xa_a", "write").post(
        f"/api/v1/users/{thuongtruc.pk}/deactivate/", {}, content_type=JSON
    )
    assert response.status_code == 404
    assert User.objects.get(pk=thuongtruc.pk).is_active


def test_deactivation_through_the_api_revokes_the_users_tokens(
    api_for: Callable[..., Client], persona: Callable[[str], User]
) -> None:
    xa_b = persona("xa_b")
    token, raw = create_token(xa_b, name="script", actor=SYSTEM)
    response = api_for("quantri", "write").post(
        f"/api/v1/users/{xa_b.pk}/deactivate/", {}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not ApiToken.objects.filter(user=xa_b, revoked_at__isnull=True).exists()
    stale = Client(headers={"Authorization": f"Bearer {raw}"})
    assert stale.get("/api/v1/agencies/").status_code == 401


def test_unlock_and_reset_second_factor_answer_with_the_user(
    api_for: Callable[..., Client], persona: Callable[[str], User]
) -> None:
    api = api_for("quantri", "write")
    pk = persona("xa_a").pk
    for verb in ("unlock", "reset-second-factor"):
        response = api.post(f"/api/v1/users/{pk}/{verb}/", {}, content_type=JSON)
        assert response.status_code == 200, (verb, response.content)
        assert response.json()["username"] == "xa_a"


def test_directory_writes_need_an_administrator(api_for: Callable[..., Client]) -> None:
    province = Committee.objects.get(name__endswith="tỉnh Quảng Ninh")
    body = {
        "name": "BCĐ xã Quảng La",
        "short_name": "BCĐ",
        "level": "commune",
        "parent": province.pk,
    }
    assert (
        api_for("thuongtruc", "write")
        .post("/api/v1/committees/", body, content_type=JSON)
        .status_code
        == 403
    )
    response = api_for("quantri", "write").post("/api/v1/committees/", body, content_type=JSON)
    assert response.status_code == 201, response.content
    created = Committee.objects.get(pk=response.json()["id"])
    assert created.parent == province
    response = api_for("quantri", "write").post(
        "/api/v1/agencies/",
        {"name": "Công an xã Quảng La", "kind": "police", "committee": created.pk},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    agency_id = response.json()["id"]
    response = api_for("quantri", "write").post(
        "/api/v1/member-agencies/",
        {"committee": created.pk, "agency": agency_id, "valid_from": "2026-01-01"},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    response = api_for("quantri", "write").patch(
        f"/api/v1/member-agencies/{response.json()['id']}/", {"valid_to": "2026-06-30"},
        content_type=JSON,
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["valid_to"] == "2026-06-30"
    response = api_for("quantri", "write").patch(
        f"/api/v1/agencies/{agency_id}/", {"short_name": "CAX"}, content_type=JSON
    )
    assert response.status_code == 200
    assert response.json()["short_name"] == "CAX"


def test_a_holder_period_that_ends_before_it_starts_is_a_400(
    api_for: Callable[..., Client],
) -> None:
    post = services.create_post(
        Committee.objects.get(name__endswith="Vân Đồn"), kind=Post.Kind.MEMBER, title="Ủy viên",
        actor=SYSTEM,
    )  # fmt: skip
    api = api_for("quantri", "write")
    body = {
        "post": post.pk,
        "holder_name": "X",
        "valid_from": "2026-05-01",
        "valid_to": "2026-04-01",
    }
    response = api.post("/api/v1/post-holders/", body, content_type=JSON)
    assert response.status_code == 400
    assert "valid_to" in response.json()["error"]["fields"]
    body.pop("valid_to")
    response = api.post(
        "/api/v1/post-holders/", body | {"decision_date": "2026-04-20"}, content_type=JSON
    )
    assert response.status_code == 201, response.content
    holder_id = response.json()["id"]
    response = api.patch(
        f"/api/v1/post-holders/{holder_id}/", {"valid_to": "2026-08-31"}, content_type=JSON
    )
    assert response.status_code == 200
    assert PostHolder.objects.get(pk=holder_id).valid_to == dt.date(2026, 8, 31)


def test_a_role_outside_the_tree_is_refused_through_the_api(
    api_for: Callable[..., Client], persona: Callable[[str], User]
) -> None:
    _user, _ = services.create_member_user(
        username="quantri_a", full_name="Quản trị xã A", email="qa@demo.vigil.invalid",
        password=PASSWORD, agency=Agency.objects.get(name="Công an đặc khu Vân Đồn"),
        role="administrator", committee=Committee.objects.get(name__endswith="Vân Đồn"),
        valid_from=dt.date(2025, 7, 1), actor=SYSTEM,
    )  # fmt: skip
    before = Membership.objects.count()
    body = {
        "user": persona("xa_a").pk, "agency": Agency.objects.get(name="Công an phường Móng Cái 1").pk,
        "role": "officer", "valid_from": "2026-01-01",
    }  # fmt: skip
    response = api_for("quantri_a", "write").post("/api/v1/memberships/", body, content_type=JSON)
    assert response.status_code == 403
    assert response.json()["error"]["message"]
    assert Membership.objects.count() == before
    # Users of the province are not found for the commune's administrator.
    assert api_for("quantri_a").get(f"/api/v1/users/{persona('thuongtruc').pk}/").status_code == 404
    listed = {
        row["username"] for row in api_for("quantri_a").get("/api/v1/users/").json()["results"]
    }
    assert "xa_a" in listed and "thuongtruc" not in listed and "xa_b" not in listed


def test_a_role_is_granted_and_ended_through_the_api(
    api_for: Callable[..., Client], persona: Callable[[str], User]
) -> None:
    api = api_for("quantri", "write")
    body = {
        "user": persona("xa_a").pk, "agency": Agency.objects.get(name="Sở Y tế").pk,
        "role": "officer", "valid_from": "2026-01-01",
    }  # fmt: skip
    response = api.post("/api/v1/memberships/", body, content_type=JSON)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = api.patch(
        f"/api/v1/memberships/{pk}/", {"valid_to": "2026-03-31"}, content_type=JSON
    )
    assert response.status_code == 200
    assert Membership.objects.get(pk=pk).valid_to == dt.date(2026, 3, 31)


def test_a_post_is_renamed_through_the_api(api_for: Callable[..., Client]) -> None:
    post = Post.objects.filter(committee__name__endswith="Vân Đồn").first()
    assert post is not None
    response = api_for("xa_a", "write").patch(
        f"/api/v1/posts/{post.pk}/", {"title": "Trưởng Ban"}, content_type=JSON
    )
    assert response.status_code == 403
    response = api_for("quantri", "write").patch(
        f"/api/v1/posts/{post.pk}/", {"title": "Trưởng Ban", "order": 3}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    post.refresh_from_db()
    assert (post.title, post.order) == ("Trưởng Ban", 3)
