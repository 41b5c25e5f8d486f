"""Sessions: rotated at sign-in, 30 idle minutes, 8 hours at most, polling is not activity;
sign-out, deactivation and a password change end what they should."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client

from vigil.accounts.models import ApiToken, User, UserSession
from vigil.accounts.services import create_token, deactivate_user
from vigil.core.audit import SystemActor
from vigil.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "vigil-demo-2026"
T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def signed_in(username: str = "xa_a") -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_signing_in_rotates_the_session_id(client: Client) -> None:
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    client.post("/accounts/login/", {"username": "xa_a", "password": PASSWORD})
    after = client.session.session_key
    assert before and after and before != after
    assert not Session.objects.filter(session_key=before).exists()
    assert UserSession.objects.filter(session_key=after, user__username="xa_a").exists()


def test_thirty_idle_minutes_end_the_session() -> None:
    with time_machine.travel(T0, tick=False) as clock:
        client = signed_in()
        key = client.session.session_key
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/agencies/").status_code == 200
        clock.shift(dt.timedelta(minutes=29))  # activity 29 minutes ago: still in
        assert client.get("/agencies/").status_code == 200
        clock.shift(dt.timedelta(minutes=30, seconds=1))
        response = client.get("/agencies/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fagencies%2F"
    assert not UserSession.objects.filter(session_key=key).exists()
    assert not Session.objects.filter(session_key=key).exists()
    event = AuditEvent.objects.order_by("-seq")[0]
    assert (event.action, event.after) == ("session.expired", {"reason": "idle"})
    page = client.get(response["Location"])
    assert "Phiên làm việc đã kết thúc" in page.content.decode()


def test_polling_does_not_keep_a_session_alive() -> None:
    with time_machine.travel(T0, tick=False) as clock:
        client = signed_in()
        for _ in range(4):
            clock.shift(dt.timedelta(minutes=7))
            assert client.get("/?poll=1").status_code == 200
        # 31 minutes since the last real request, 3 since the last poll.
        clock.shift(dt.timedelta(minutes=3))
        response = client.get("/?poll=1", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_eight_hours_end_even_a_busy_session() -> None:
    with time_machine.travel(T0, tick=False) as clock:
        client = signed_in()
        for _ in range(8 * 4):
            clock.shift(dt.timedelta(minutes=15))
            assert client.get("/agencies/").status_code == 200
        clock.shift(dt.timedelta(seconds=1))
        response = client.get("/agencies/")
    assert response.status_code == 302
    assert AuditEvent.objects.order_by("-seq")[0].after == {"reason": "absolute"}


def test_an_htmx_request_after_expiry_is_sent_to_sign_in_as_a_whole_page() -> None:
    with time_machine.travel(T0, tick=False) as clock:
        client = signed_in()
        clock.shift(dt.timedelta(minutes=31))
        response = client.get("/agencies/?q=x", headers={"HX-Request": "true"})
    assert (response.status_code, response["HX-Redirect"]) == (204, "/accounts/login/")


def test_signing_out_ends_that_session_only() -> None:
    first, second = signed_in(), signed_in()
    first.post("/accounts/logout/")
    assert first.get("/agencies/").status_code == 302
    assert second.get("/agencies/").status_code == 200
    assert UserSession.objects.filter(user__username="xa_a").count() == 1


def test_deactivation_ends_every_session_and_revokes_every_token(
    persona: Callable[[str], User],
) -> None:
    user = persona("xa_a")
    clients = [signed_in(), signed_in()]
    _token, raw = create_token(user, name="script", actor=SystemActor("test"))
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert api.get("/api/v1/agencies/").status_code == 200
    deactivate_user(user, actor=persona("quantri"))
    for client in clients:
        assert client.get("/agencies/").status_code == 302
    assert api.get("/api/v1/agencies/").status_code == 401
    assert not UserSession.objects.filter(user=user).exists()
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert signed_in_fails("xa_a")


def signed_in_fails(username: str) -> bool:
    response = Client().post("/accounts/login/", {"username": username, "password": PASSWORD})
    return response.status_code == 200


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one() -> None:
    here, elsewhere = signed_in(), signed_in()
    response = here.post(
        "/accounts/me/password/",
        {"old_password": PASSWORD, "new_password1": "Cau-moi-2026-an-toan",
         "new_password2": "Cau-moi-2026-an-toan"},
    )  # fmt: skip
    assert response.status_code == 302
    assert here.get("/agencies/").status_code == 200
    assert elsewhere.get("/agencies/").status_code == 302
    sessions = UserSession.objects.filter(user__username="xa_a")
    assert list(sessions.values_list("session_key", flat=True)) == [here.session.session_key]
    event = AuditEvent.objects.filter(action="user.password_changed").order_by("-seq")[0]
    assert event.after == {"sessions_ended": 1}
    assert signed_in_fails("xa_a")  # the old password no longer works


def test_a_weak_new_password_is_refused_in_vietnamese() -> None:
    client = signed_in()
    response = client.post(
        "/accounts/me/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mật khẩu quá ngắn" in body
    assert not AuditEvent.objects.filter(action="user.password_changed").exists()
    assert User.objects.get(username="xa_a").check_password(PASSWORD)


def test_a_user_signs_out_their_other_sessions_from_the_account_page() -> None:
    here, elsewhere, again = signed_in(), signed_in(), signed_in()
    page = here.get("/accounts/me/").content.decode()
    assert page.count("Đăng nhập lúc") == 3
    assert here.post("/accounts/me/sessions/end-others/").status_code == 302
    assert here.get("/agencies/").status_code == 200
    for other in (elsewhere, again):
        assert other.get("/agencies/").status_code == 302
    event = AuditEvent.objects.order_by("-seq")[0]
    assert (event.action, event.after) == ("session.others_ended", {"sessions_ended": 2})
