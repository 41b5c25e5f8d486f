"""TOTP enrolment and use, no replay, single-use recovery codes, MFA required by role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.accounts import mfa
from vigil.accounts.models import User
from vigil.accounts.services import enrol_authenticator, reset_second_factor
from vigil.accounts.views import ENROL_KEY
from vigil.core.audit import SystemActor
from vigil.core.models import AuditEvent
from vigil.org.scope import requires_second_factor

pytestmark = pytest.mark.django_db
PASSWORD = "vigil-demo-2026"
T0 = dt.datetime(2026, 3, 2, 2, 0, 7, tzinfo=dt.UTC)


def code_for(key_hex: str) -> str:
    device = TOTPDevice(key=key_hex)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client: Client, username: str) -> str:
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return str(response["Location"])


def enrolled(user: User) -> tuple[TOTPDevice, list[str]]:
    key = TOTPDevice(user=user).key  # a fresh random key
    codes = enrol_authenticator(user, key=key, code=code_for(key), actor=user)
    device = mfa.authenticator(user)
    assert device is not None
    return device, codes


def test_a_user_enrols_from_the_qr_page_and_gets_ten_recovery_codes(
    client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    client = client_for("xa_a")
    with time_machine.travel(T0, tick=False):
        client.get("/")  # the session's clocks start inside the frozen time
        page = client.get("/accounts/me/authenticator/")
        body = page.content.decode()
        assert page.status_code == 200
        assert "<svg" in body and "data:" not in body  # inline SVG, nothing for CSP to refuse
        key = client.session[ENROL_KEY]
        wrong = client.post("/accounts/me/authenticator/", {"code": "000000"})
        assert wrong.status_code == 200
        assert not TOTPDevice.objects.filter(user=persona("xa_a")).exists()
        response = client.post("/accounts/me/authenticator/", {"code": code_for(key)})
        assert client.get("/agencies/").status_code == 200
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    for code in codes:
        assert code in response.content.decode()
    device = TOTPDevice.objects.get(user=persona("xa_a"))
    assert device.confirmed and device.key == key
    assert AuditEvent.objects.filter(action="user.mfa_enrolled").exists()
    # The session that enrolled counts as verified; the key left the session.
    assert ENROL_KEY not in client.session


def test_signing_in_asks_for_the_code_and_nothing_opens_before_it(
    client: Client, persona: Callable[[str], User]
) -> None:
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        device, _codes = enrolled(persona("xa_a"))
        assert sign_in(client, "xa_a").startswith("/accounts/verify/")
        assert client.get("/agencies/")["Location"].startswith("/accounts/verify/")
        api = client.get("/api/v1/agencies/")
        assert api.status_code == 401
        assert api.json()["error"]["code"] == "not_authenticated"
        assert client.get("/accounts/me/tokens/").status_code == 302
        wrong = client.post("/accounts/verify/", {"code": "123456"})
        assert wrong.status_code == 200
        assert client.get("/agencies/").status_code == 302
        # django-otp throttles wrong codes: the next try must wait a second.
    # The next 30-second step: the enrolment used this one's code.
    with time_machine.travel(T0 + dt.timedelta(minutes=5, seconds=40), tick=False):
        response = client.post("/accounts/verify/", {"code": code_for(device.key)})
        assert response.status_code == 302
        page = client.get("/agencies/")
        assert page.status_code == 200
        # django-otp's own login: the session names the device, the user is verified.
        assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
        signed_in: Any = page.wsgi_request.user
        assert signed_in.is_verified()


def test_a_used_code_cannot_be_used_again(client: Client, persona: Callable[[str], User]) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        device, _codes = enrolled(persona("xa_a"))
        clock.shift(dt.timedelta(minutes=5))
        code = code_for(device.key)
        sign_in(client, "xa_a")
        assert client.post("/accounts/verify/", {"code": code}).status_code == 302
        client.post("/accounts/logout/")
        sign_in(client, "xa_a")
        replay = client.post("/accounts/verify/", {"code": code})
        assert replay.status_code == 200
        assert "_auth_user_id" in client.session
        assert client.get("/agencies/").status_code == 302  # still owes its second factor


def test_the_enrolment_code_cannot_be_replayed_at_sign_in(
    client: Client, persona: Callable[[str], User]
) -> None:
    with time_machine.travel(T0, tick=False):
        device, _codes = enrolled(persona("xa_a"))
        sign_in(client, "xa_a")
        assert client.post("/accounts/verify/", {"code": code_for(device.key)}).status_code == 200


def test_a_recovery_code_works_once(client: Client, persona: Callable[[str], User]) -> None:
    user = persona("xa_a")
    with time_machine.travel(T0, tick=False) as clock:
        _device, codes = enrolled(user)
        sign_in(client, "xa_a")
        assert client.post("/accounts/verify/", {"code": codes[0].upper()}).status_code == 302
        assert client.get("/agencies/").status_code == 200
        event = AuditEvent.objects.filter(action="user.recovery_code_used").order_by("-seq")[0]
        assert event.after == {"codes_left": 9}
        client.post("/accounts/logout/")
        sign_in(client, "xa_a")
        assert client.post("/accounts/verify/", {"code": codes[0]}).status_code == 200
        assert client.get("/agencies/").status_code == 302
        clock.shift(dt.timedelta(seconds=2))  # wrong codes are throttled: 1 s after the first
        assert client.post("/accounts/verify/", {"code": codes[1]}).status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == 8


def test_new_recovery_codes_replace_the_old(
    client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    user = persona("xa_a")
    client = client_for("xa_a")
    client.get("/accounts/me/authenticator/")
    enrolment = client.post(
        "/accounts/me/authenticator/", {"code": code_for(client.session[ENROL_KEY])}
    )
    old = enrolment.context["codes"]
    response = client.post("/accounts/me/recovery-codes/")
    new = response.context["codes"]
    assert len(new) == 10
    tokens = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert tokens == set(new) and tokens.isdisjoint(old)
    assert AuditEvent.objects.filter(action="user.recovery_codes_issued").exists()


def test_recovery_codes_need_an_authenticator_first(client_for: Callable[[str], Client]) -> None:
    client = client_for("xa_a")
    response = client.post("/accounts/me/recovery-codes/", follow=True)
    assert "Hãy thiết lập ứng dụng xác thực trước" in response.content.decode()
    assert not StaticToken.objects.filter(device__user__username="xa_a").exists()


def test_the_policy_names_the_committee_wide_roles(persona: Callable[[str], User]) -> None:
    needed = {name: requires_second_factor(persona(name)) for name in
              ("lanhdao", "thuongtruc", "kiemtoan", "quantri", "xa_a",
               "congthuong", "bienphong", "kho_mo")}  # fmt: skip
    assert needed == {
        "lanhdao": True, "thuongtruc": True, "kiemtoan": True, "quantri": True,
        "xa_a": True,  # standing office of commune A's committee
        "congthuong": False, "bienphong": False, "kho_mo": False,
    }  # fmt: skip


@override_settings(VIGIL_MFA_REQUIRED="roles")
def test_a_required_user_without_a_device_must_enrol_before_anything_else(
    client: Client, persona: Callable[[str], User]
) -> None:
    with time_machine.travel(T0, tick=False):
        assert sign_in(client, "thuongtruc").startswith("/accounts/me/authenticator/")
        for url in ("/", "/agencies/", "/accounts/me/", "/accounts/me/tokens/"):
            assert client.get(url)["Location"].startswith("/accounts/me/authenticator/"), url
        htmx = client.get("/agencies/", headers={"HX-Request": "true"})
        assert htmx["HX-Redirect"] == "/accounts/me/authenticator/"
        client.get("/accounts/me/authenticator/")
        key = client.session[ENROL_KEY]
        assert (
            client.post("/accounts/me/authenticator/", {"code": code_for(key)}).status_code == 200
        )
        assert client.get("/agencies/").status_code == 200
    assert mfa.authenticator(persona("thuongtruc")) is not None


@override_settings(VIGIL_MFA_REQUIRED="roles")
def test_a_liaison_is_not_required_to_enrol(client: Client) -> None:
    assert sign_in(client, "congthuong") == "/"
    assert client.get("/agencies/").status_code == 200


@override_settings(VIGIL_MFA_REQUIRED="off")
def test_a_user_who_enrolled_always_gives_the_code(
    client: Client, persona: Callable[[str], User]
) -> None:
    enrolled(persona("congthuong"))
    assert sign_in(client, "congthuong").startswith("/accounts/verify/")


def test_after_a_reset_the_user_signs_in_with_the_password_alone(
    client: Client, persona: Callable[[str], User]
) -> None:
    user = persona("congthuong")
    enrolled(user)
    elsewhere = Client()
    sign_in(elsewhere, "congthuong")
    reset_second_factor(user, actor=SystemActor("test"))
    assert elsewhere.get("/agencies/").status_code == 302  # a lost phone may be a stolen one
    assert sign_in(client, "congthuong") == "/"
    assert not StaticToken.objects.filter(device__user=user).exists()


def test_a_session_that_did_not_give_the_code_cannot_replace_the_factor(
    client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    user = persona("xa_a")
    device, codes = enrolled(user)
    client = client_for("xa_a")  # a session older than the enrolment: never verified
    assert client.get("/accounts/me/authenticator/")["Location"] == "/accounts/me/"
    assert client.post("/accounts/me/recovery-codes/").status_code == 302
    assert mfa.authenticator(user) == device
    assert set(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    ) == set(codes)
