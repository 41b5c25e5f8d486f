"""The CAP endpoint, the import page and API, the Atom feed: each follows the scope rule."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.situation.cap.helpers import committee, draft, issued, user, xsd_errors
from tests.situation.cap.test_schema import VALID
from vigil.situation.alerts.models import Alert, AlertState
from vigil.work import feeds

pytestmark = pytest.mark.django_db
FUTURE_VALID = VALID.replace("2026-11-26T08:30:00+07:00", "2099-01-01T00:00:00+07:00").encode()


def test_the_cap_endpoint_answers_recipients_and_404_to_the_rest(
    api_for: Callable[..., Client], client_for: Callable[[str], Client]
) -> None:
    alert = issued()
    url = reverse("api-alert-cap", kwargs={"pk": alert.pk})
    assert url == f"/api/v1/alerts/{alert.pk}/cap/"
    got = api_for("congthuong").get(url)
    assert got.status_code == 200
    assert got["Content-Type"] == "application/cap+xml"
    assert xsd_errors(got.content) == []
    assert api_for("xa_b").get(url).status_code == 404
    page = reverse("situation:alert_cap", kwargs={"pk": alert.pk})
    assert client_for("congthuong").get(page).status_code == 200
    assert client_for("xa_b").get(page).status_code == 404


def test_a_draft_is_404_to_its_addressees_until_it_is_sent(api_for: Callable[..., Client]) -> None:
    alert = draft()
    url = reverse("api-alert-cap", kwargs={"pk": alert.pk})
    assert api_for("thuongtruc").get(url).status_code == 200
    assert api_for("congthuong").get(url).status_code == 404


def test_import_through_the_api_as_a_file_or_the_body(api_for: Callable[..., Client]) -> None:
    api = api_for("thuongtruc", scope="write")
    url = reverse("api-alert-import-cap")
    assert url == "/api/v1/alerts/import-cap/"
    upload = SimpleUploadedFile("canh-bao.xml", FUTURE_VALID, content_type="application/xml")
    got = api.post(url, {"committee": committee().pk, "file": upload})
    assert got.status_code == 201, got.content
    assert got.json()["state"] == AlertState.DRAFT
    raw = api.post(f"{url}?committee={committee().pk}", FUTURE_VALID,
                   content_type="application/cap+xml")  # fmt: skip
    assert raw.status_code == 201, raw.content
    assert Alert.objects.get(pk=raw.json()["id"]).headline == "Cảnh báo nguy cơ khủng bố"


def test_a_hostile_file_through_the_api_is_400_and_writes_nothing(
    api_for: Callable[..., Client],
) -> None:
    api = api_for("thuongtruc", scope="write")
    before = Alert.objects.count()
    hostile = b'<!DOCTYPE a [<!ENTITY x "y">]><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>'
    got = api.post(f"/api/v1/alerts/import-cap/?committee={committee().pk}", hostile,
                   content_type="application/cap+xml", HTTP_ACCEPT_LANGUAGE="vi")  # fmt: skip
    assert got.status_code == 400
    assert "thực thể" in got.json()["error"]["message"]
    assert Alert.objects.count() == before


def test_who_may_not_draft_may_not_import(api_for: Callable[..., Client]) -> None:
    got = api_for("congthuong", scope="write").post(
        f"/api/v1/alerts/import-cap/?committee={committee().pk}", FUTURE_VALID,
        content_type="application/cap+xml",
    )  # fmt: skip
    assert got.status_code == 403


def test_the_import_page(client_for: Callable[[str], Client]) -> None:
    url = reverse("situation:alert_import_cap", kwargs={"committee_pk": committee().pk})
    client = client_for("thuongtruc")
    assert client.get(url).status_code == 200
    before = Alert.objects.count()
    refused = client.post(url, {"classification": 0,
                                "file": SimpleUploadedFile("x.xml", b"not xml")})  # fmt: skip
    assert refused.status_code == 200 and Alert.objects.count() == before
    upload = SimpleUploadedFile("canh-bao.xml", FUTURE_VALID)
    done = client.post(url, {"classification": 0, "file": upload})
    assert done.status_code == 302
    assert Alert.objects.count() == before + 1
    assert client_for("congthuong").get(url).status_code == 403


def _feed(client: Client, username: str) -> tuple[str, str]:
    token = feeds.create_feed(actor=user(username))
    url = reverse("situation:alert_feed", kwargs={"token": token})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return url, response.content.decode()


def test_the_feed_lists_what_the_user_may_see(client: Client) -> None:
    alert = issued()
    secret = issued(classification=1, headline="Tin mật về mục tiêu biên giới")
    hidden_draft = draft(headline="Bản nháp chưa gửi")
    _url, body = _feed(client, "congthuong")
    assert alert.identifier in body and alert.headline in body
    assert secret.identifier not in body  # Mật: above congthuong's clearance
    assert hidden_draft.identifier not in body
    _url, body = _feed(client, "bienphong")
    assert secret.identifier in body
    assert secret.headline not in body  # a classified alert's title stays off the feed
    _url, body = _feed(client, "xa_b")
    assert alert.identifier not in body


def test_a_revoked_feed_token_is_refused(client: Client) -> None:
    url, _body = _feed(client, "congthuong")
    feeds.revoke_feed(actor=user("congthuong"))
    assert client.get(url).status_code == 404
    assert client.get(reverse("situation:alert_feed", kwargs={"token": "x"})).status_code == 404


def test_the_feed_page_shows_the_new_address_once_and_revokes_it(
    client_for: Callable[[str], Client], client: Client
) -> None:
    page = client_for("congthuong")
    url = reverse("situation:alert_feed_manage")
    assert page.get(url).status_code == 200
    created = page.post(url, {"action": "create"})
    assert created.status_code == 200
    feed_url = created.context["feed_url"]
    assert feed_url.endswith(".atom") and feed_url in created.content.decode()
    assert client.get(feed_url).status_code == 200
    assert page.post(url, {"action": "revoke"}).status_code == 302
    assert client.get(feed_url).status_code == 404
