"""Five wrong passwords lock a username at an address for 30 minutes, or until unlocked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client, RequestFactory, override_settings

from vigil.accounts.lockout import client_ip, current_lockouts
from vigil.accounts.models import User
from vigil.accounts.services import unlock_account
from vigil.core.audit import SystemActor
from vigil.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "vigil-demo-2026"
T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def attempt(client: Client, password: str, username: str = "xa_a", **extra: Any) -> int:
    response = client.post(
        "/accounts/login/", {"username": username, "password": password}, **extra
    )
    return response.status_code


def fail_five_times(client: Client, username: str = "xa_a", **extra: Any) -> None:
    for _ in range(5):
        attempt(client, "wrong-password", username, **extra)


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client: Client) -> None:
    with time_machine.travel(T0, tick=False):
        for _ in range(4):
            assert attempt(client, "wrong-password") == 200
        assert attempt(client, PASSWORD) == 302  # four failures do not lock
        client.post("/accounts/logout/")
        fail_five_times(client)
        response = client.post("/accounts/login/", {"username": "xa_a", "password": PASSWORD})
    assert response.status_code == 429
    body = response.content.decode()
    assert "Tài khoản đã bị tạm khóa" in body
    assert "30 phút" in body
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_audited_once(client: Client) -> None:
    before = AuditEvent.objects.filter(action="user.locked_out").count()
    with time_machine.travel(T0, tick=False):
        fail_five_times(client)
        attempt(client, "wrong-password")
        attempt(client, PASSWORD)
    events = AuditEvent.objects.filter(action="user.locked_out")
    assert events.count() == before + 1
    event = events.order_by("-seq").first()
    assert event is not None and event.actor_label == "system:lockout"
    assert event.object_id == str(User.objects.get(username="xa_a").pk)


def test_the_cool_off_ends_after_thirty_minutes(client: Client) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        fail_five_times(client)
        clock.shift(dt.timedelta(minutes=29))
        response = client.post("/accounts/login/", {"username": "xa_a", "password": PASSWORD})
        assert response.status_code == 429
        assert "1 phút" in response.content.decode()
        clock.shift(dt.timedelta(minutes=1, seconds=1))
        assert attempt(client, PASSWORD) == 302


def test_an_administrators_unlock_lifts_the_lockout_at_once(
    client: Client, persona: Callable[[str], User]
) -> None:
    with time_machine.travel(T0, tick=False):
        fail_five_times(client)
        assert attempt(client, PASSWORD) == 429
        assert unlock_account(persona("xa_a"), actor=persona("quantri")) >= 1
        assert attempt(client, PASSWORD) == 302
    assert AuditEvent.objects.filter(action="user.unlocked").exists()


def test_the_lockout_is_per_username_and_address(client: Client) -> None:
    with time_machine.travel(T0, tick=False):
        fail_five_times(client)
        assert attempt(client, PASSWORD) == 429
        other_address = Client(REMOTE_ADDR="10.9.9.9")
        assert attempt(other_address, PASSWORD) == 302
        assert attempt(Client(), PASSWORD, username="xa_b") == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client: Client) -> None:
    with time_machine.travel(T0, tick=False):
        for i in range(5):
            attempt(client, "wrong-password", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
        assert attempt(client, PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.99") == 429


@override_settings(VIGIL_TRUSTED_PROXY="10.1.1.1")
def test_behind_the_trusted_proxy_each_client_is_locked_separately() -> None:
    proxy = Client(REMOTE_ADDR="10.1.1.1")
    with time_machine.travel(T0, tick=False):
        fail_five_times(proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
        assert attempt(proxy, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7") == 429
        assert attempt(proxy, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8") == 302


def test_the_client_address_comes_from_the_proxy_only() -> None:
    factory = RequestFactory()
    forged = factory.get("/", REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="1.2.3.4")
    via_proxy = factory.get(
        "/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
    )
    with override_settings(VIGIL_TRUSTED_PROXY=""):
        assert client_ip(forged) == "198.51.100.4"
        assert client_ip(via_proxy) == "10.1.1.1"
    with override_settings(VIGIL_TRUSTED_PROXY="10.1.1.1"):
        assert client_ip(forged) == "198.51.100.4"
        # Only the entry our proxy appended counts; what the client wrote before it does not.
        assert client_ip(via_proxy) == "203.0.113.7"


def test_a_locked_out_unknown_username_is_refused_too(client: Client) -> None:
    with time_machine.travel(T0, tick=False):
        fail_five_times(client, username="nobody-here")
        assert attempt(client, "x", username="nobody-here") == 429


def test_unlock_without_a_lockout_records_nothing(persona: Callable[[str], User]) -> None:
    before = AuditEvent.objects.count()
    assert unlock_account(persona("xa_b"), actor=SystemActor("test")) == 0
    assert AuditEvent.objects.count() == before


def test_the_administrator_can_list_current_lockouts(client: Client) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        fail_five_times(client)
        for _ in range(4):
            attempt(client, "wrong-password", username="xa_b")  # not locked
        lockouts = current_lockouts()
        assert [(lock.username, lock.ip_address) for lock in lockouts] == [("xa_a", "127.0.0.1")]
        assert lockouts[0].until == T0 + dt.timedelta(minutes=30)
        clock.shift(dt.timedelta(minutes=31))
        assert current_lockouts() == []


def change_password(client: Client, old: str) -> Any:
    return client.post(
        "/accounts/me/password/",
        {"old_password": old, "new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"},
    )  # fmt: skip


def test_wrong_old_passwords_on_the_password_form_lock_the_account_and_end_the_session(
    client_for: Callable[[str], Client], client: Client
) -> None:
    """Review: 14 wrong old passwords in a row on /accounts/me/password/ locked nothing
    and the session went on; the form is a password oracle like the sign-in page."""
    session = client_for("xa_a")
    with time_machine.travel(T0, tick=False):
        for _ in range(4):
            response = change_password(session, "wrong-password")
            assert response.status_code == 200
            assert "_auth_user_id" in session.session
        response = change_password(session, "wrong-password")  # the fifth locks
        assert response.status_code == 429
        assert "Tài khoản đã bị tạm khóa" in response.content.decode()
        assert "_auth_user_id" not in session.session
        assert session.get("/accounts/me/").status_code == 302  # back to the sign-in page
        # Locked like any lockout: the right password neither signs in nor changes anything.
        assert attempt(client, PASSWORD) == 429
    assert User.objects.get(username="xa_a").check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="user.locked_out", after__username="xa_a").count() == 1
    assert AuditEvent.objects.filter(action="session.signed_out", object_id=str(
        User.objects.get(username="xa_a").pk)).exists()  # fmt: skip


def test_a_session_of_a_locked_out_account_cannot_change_the_password(
    client_for: Callable[[str], Client], client: Client
) -> None:
    session = client_for("xa_a")
    with time_machine.travel(T0, tick=False):
        fail_five_times(client)
        response = change_password(session, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in session.session
    assert User.objects.get(username="xa_a").check_password(PASSWORD)


def test_the_right_old_password_still_changes_it(client_for: Callable[[str], Client]) -> None:
    session = client_for("xa_a")
    with time_machine.travel(T0, tick=False):
        change_password(session, "wrong-password")
        response = change_password(session, PASSWORD)
    assert response.status_code == 302
    assert User.objects.get(username="xa_a").check_password("Mat-khau-moi-2026")


def test_a_password_change_clears_the_failures_before_it(
    client_for: Callable[[str], Client], client: Client
) -> None:
    """Review: four wrong old passwords then the right one left four failures, so one
    more mistake (even with the new password) locked the account."""
    session = client_for("xa_a")
    with time_machine.travel(T0, tick=False):
        for _ in range(4):
            assert change_password(session, "wrong-password").status_code == 200
        assert failures("xa_a") == 4
        assert change_password(session, PASSWORD).status_code == 302
        assert failures("xa_a") == 0
        # A slip after the change is the first failure again, not the fifth.
        assert attempt(client, "wrong-password") == 200
        assert attempt(client, "Mat-khau-moi-2026") == 302


def failures(username: str) -> int:
    return sum(
        AccessAttempt.objects.filter(username=username).values_list(
            "failures_since_start", flat=True
        )
    )
