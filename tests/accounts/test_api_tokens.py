"""Bearer tokens: hashed, scoped, expiring, revocable; one error format."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from vigil.accounts.models import ApiToken, User, token_digest
from vigil.accounts.services import create_token, revoke_token
from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.models import AuditEvent
from vigil.org.models import ContactPoint

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_only_the_digest_of_a_token_is_stored(persona: Callable[[str], User]) -> None:
    token, raw = create_token(persona("thuongtruc"), name="script", actor=SYSTEM)
    assert raw not in {token.digest, token.prefix}
    assert token.digest == token_digest(raw)
    assert AuditEvent.objects.filter(action="token.created", object_id=str(token.pk)).exists()


def test_a_token_reads_what_its_user_sees(persona: Callable[[str], User]) -> None:
    _, raw = create_token(persona("congthuong"), name="r", actor=SYSTEM)
    response = bearer(raw).get("/api/v1/agencies/")
    assert response.status_code == 200
    assert response.json()["count"] > 0


def test_a_read_only_token_cannot_write(persona: Callable[[str], User]) -> None:
    user = persona("thuongtruc")
    _, raw = create_token(user, name="r", scope="read", actor=SYSTEM)
    contact = (
        ContactPoint.objects.visible_to(user).filter(agency__name="Công an tỉnh Quảng Ninh").first()
    )
    assert contact is not None
    before = contact.phone
    response = bearer(raw).patch(
        f"/api/v1/contact-points/{contact.pk}/", {"phone": "0999"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    contact.refresh_from_db()
    assert contact.phone == before


def test_a_write_token_writes_through_the_service(persona: Callable[[str], User]) -> None:
    user = persona("thuongtruc")
    _, raw = create_token(user, name="w", scope="write", actor=SYSTEM)
    contact = (
        ContactPoint.objects.visible_to(user).filter(agency__name="Công an tỉnh Quảng Ninh").first()
    )
    assert contact is not None
    response = bearer(raw).patch(
        f"/api/v1/contact-points/{contact.pk}/", {"phone": "0203 111 222"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    contact.refresh_from_db()
    assert contact.phone == "0203 111 222"
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.action, event.object_id, event.actor_id) == (
        "contact_point.updated", str(contact.pk), user.pk,
    )  # fmt: skip


def test_an_expired_token_is_refused(persona: Callable[[str], User]) -> None:
    _, raw = create_token(persona("thuongtruc"), name="short", days=1, actor=SYSTEM)
    with time_machine.travel(clock.now() + dt.timedelta(days=2)):
        response = bearer(raw).get("/api/v1/agencies/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_revoked_token_is_refused(persona: Callable[[str], User]) -> None:
    token, raw = create_token(persona("thuongtruc"), name="x", actor=SYSTEM)
    revoke_token(token, actor=SYSTEM)
    assert bearer(raw).get("/api/v1/agencies/").status_code == 401


def test_a_deactivated_users_token_is_refused(persona: Callable[[str], User]) -> None:
    user = persona("xa_b")
    _, raw = create_token(user, name="x", actor=SYSTEM)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert bearer(raw).get("/api/v1/agencies/").status_code == 401


def test_an_unknown_token_is_refused_in_vietnamese(db: None) -> None:
    response = bearer("vgl_nonsense").get("/api/v1/agencies/", headers={"Accept-Language": "vi"})
    assert response.status_code == 401
    assert (
        response.json()["error"]["message"]
        == "Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi."
    )


def test_token_lifetime_and_scope_are_checked(persona: Callable[[str], User]) -> None:
    from django.core.exceptions import ValidationError

    user = persona("thuongtruc")
    count = ApiToken.objects.count()
    for bad in ({"days": 0}, {"days": 400}, {"scope": "admin"}, {"name": " "}):
        kwargs: dict[str, Any] = {"name": "n", "days": 30, "scope": "read", **bad}
        with pytest.raises(ValidationError):
            create_token(user, actor=SYSTEM, **kwargs)
    assert ApiToken.objects.count() == count


def test_the_cli_prints_a_working_token(db: None) -> None:
    out = io.StringIO()
    call_command("token", "create", "xa_a", "--scope", "write", "--days", "7", stdout=out)
    raw = out.getvalue().strip()
    token = ApiToken.objects.get(digest=token_digest(raw))
    assert token.scope == "write"
    assert token.user.username == "xa_a"
    assert bearer(raw).get("/api/v1/committees/").status_code == 200


def test_the_cli_names_an_unknown_user(db: None) -> None:
    with pytest.raises(CommandError, match="nobody"):
        call_command("token", "create", "nobody", stdout=io.StringIO())
