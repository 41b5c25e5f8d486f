"""The user's own account: tokens (shown once, revocable, nobody else's), language."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from vigil.accounts.models import ApiToken, User, token_digest
from vigil.accounts.services import create_token
from vigil.core.audit import SystemActor
from vigil.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_account_page_links_password_second_factor_and_tokens(
    client_for: Callable[[str], Client],
) -> None:
    body = client_for("xa_a").get("/accounts/me/").content.decode()
    for url in ("/accounts/me/password/", "/accounts/me/authenticator/", "/accounts/me/tokens/"):
        assert f'href="{url}"' in body


def test_a_user_creates_a_token_and_sees_its_secret_once(
    client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    client = client_for("thuongtruc")
    response = client.post(
        "/accounts/me/tokens/", {"name": "báo cáo", "scope": "write", "days": 30}
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    token = ApiToken.objects.get(user=persona("thuongtruc"), name="báo cáo")
    assert token.digest == token_digest(secret) and token.scope == "write"
    assert secret in response.content.decode()
    listing = client.get("/accounts/me/tokens/").content.decode()
    assert secret not in listing and token.prefix in listing
    assert (
        Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/agencies/").status_code
        == 200
    )
    assert AuditEvent.objects.filter(action="token.created", object_id=str(token.pk)).exists()


def test_a_bad_token_request_is_refused_with_nothing_written(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("thuongtruc")
    before = ApiToken.objects.count()
    response = client.post("/accounts/me/tokens/", {"name": "x", "scope": "read", "days": 9999})
    assert response.status_code == 200
    assert response.context["form"].errors["days"]
    response = client.post("/accounts/me/tokens/", {"name": "  ", "scope": "read", "days": 5})
    assert response.context["form"].errors
    assert ApiToken.objects.count() == before


def test_a_user_revokes_their_token_but_cannot_reach_anothers(
    client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    mine, raw = create_token(persona("xa_a"), name="mine", actor=SystemActor("test"))
    theirs, _raw = create_token(persona("xa_b"), name="theirs", actor=SystemActor("test"))
    client = client_for("xa_a")
    assert client.post(f"/accounts/me/tokens/{theirs.pk}/revoke/").status_code == 404
    assert client.post(f"/accounts/me/tokens/{mine.pk}/revoke/").status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    assert (
        Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/agencies/").status_code
        == 401
    )
    assert "theirs" not in client.get("/accounts/me/tokens/").content.decode()


def test_the_language_switch_is_remembered_for_the_user(
    client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    client = client_for("xa_a")
    response = client.post("/accounts/language/", {"language": "en", "next": "/agencies/"})
    assert response["Location"] == "/agencies/"
    assert persona("xa_a").language == "en"
    assert '<html lang="en">' in client.get("/agencies/").content.decode()
    # Another browser of the same user: English too, from the account, not a cookie.
    other = client_for("xa_a")
    assert '<html lang="en">' in other.get("/agencies/").content.decode()
    client.post("/accounts/language/", {"language": "vi", "next": "/"})
    assert persona("xa_a").language == "vi"
    assert AuditEvent.objects.filter(action="user.language_changed").count() == 2


def test_the_login_page_switches_language_by_cookie(client: Client) -> None:
    response = client.post("/accounts/language/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/accounts/login/").content.decode()


def test_an_unknown_language_or_an_outside_next_changes_nothing(
    client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    client = client_for("xa_a")
    response = client.post("/accounts/language/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert persona("xa_a").language == "vi"
    response = client.post(
        "/accounts/language/", {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_the_language_switch_needs_a_post(client_for: Callable[[str], Client]) -> None:
    assert client_for("xa_a").get("/accounts/language/").status_code == 405
