"""The newcomer's path: seed, sign in, see the directory in Vietnamese."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from vigil.core import audit
from vigil.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_seeded_demo_verifies() -> None:
    result = audit.verify()
    assert result.ok
    assert result.checked > 100
    # Every event is the seed's, or the test set-up's calendar of 2026-2028 (tests/conftest.py),
    # or Vigil's own rule acting on what the seed did: the demo's stock count that found
    # cord missing opens an incident and raises an alert (vigil/controlled/counts/demo.py).
    from vigil.controlled.counts.services import RULE

    by_seed = AuditEvent.objects.filter(actor_label="system:seed").count()
    by_setup = AuditEvent.objects.filter(actor_label="system:test calendar").count()
    by_rule = AuditEvent.objects.filter(actor_label=f"system:{RULE}").count()
    # The demo's summary report is drafted by the standing office and issued by the leader
    # (its figures are what they see: vigil/reports/demo.py): drafted, numbered, issued.
    by_personas = AuditEvent.objects.filter(
        actor_label__regex=r"^(thuongtruc|lanhdao) ",
        action__in=["report.drafted", "number.issued", "report.issued"],
    ).count()
    assert by_seed > 100 and by_setup <= 1 and by_rule > 0 and by_personas == 3
    assert by_seed + by_setup + by_rule + by_personas == result.checked


def test_seeding_twice_adds_nothing() -> None:
    count = AuditEvent.objects.count()
    out = io.StringIO()
    call_command("seed", "demo", stdout=out)
    assert "nothing seeded" in out.getvalue()
    assert "vigil-demo-2026" in out.getvalue()  # the logins are printed each time
    assert AuditEvent.objects.count() == count


@override_settings(PRODUCTION=True)
def test_the_demo_seed_refuses_production() -> None:
    with pytest.raises(CommandError, match="production"):
        call_command("seed", "demo", stdout=io.StringIO())


def test_the_login_page_is_vietnamese(client: Client) -> None:
    body = client.get("/accounts/login/").content.decode()
    assert '<html lang="vi">' in body
    assert "Đăng nhập" in body
    assert "Tên đăng nhập" in body or "Tên người dùng" in body


def test_signing_in_is_audited(client: Client) -> None:
    before = AuditEvent.objects.count()
    response = client.post("/accounts/login/", {"username": "xa_a", "password": "vigil-demo-2026"})
    assert response.status_code == 302
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.action, event.actor_label.split()[0]) == ("session.signed_in", "xa_a")
    assert AuditEvent.objects.count() == before + 1


def test_a_wrong_password_gets_a_vietnamese_message(client: Client) -> None:
    response = client.post("/accounts/login/", {"username": "xa_a", "password": "wrong"})
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_the_header_names_the_user_agency_and_role(client_for: Callable[[str], Client]) -> None:
    body = client_for("thuongtruc").get("/").content.decode()
    assert "Trần Minh Quân" in body
    assert "Công an tỉnh Quảng Ninh" in body
    assert "banner-demo" not in body  # test settings are not the demo
    with override_settings(DEMO=True):
        assert "banner-demo" in client_for("thuongtruc").get("/").content.decode()


def test_the_committee_page_shows_posts_and_holders(client_for: Callable[[str], Client]) -> None:
    from vigil.org.models import Committee

    province = Committee.objects.get(name__endswith="tỉnh Quảng Ninh")
    body = client_for("xa_b").get(f"/committees/{province.pk}/").content.decode()
    assert "Phó Trưởng ban Thường trực" in body
    assert "Phạm Quốc Đạt" in body
    assert "Sở Công Thương" in body


def test_no_page_loads_anything_from_another_host(client_for: Callable[[str], Client]) -> None:
    import re

    client = client_for("lanhdao")
    for url in [
        "/",
        "/committees/",
        "/agencies/",
        "/admin-units/",
        "/accounts/login/",
        "/api/docs/",
    ]:
        body = client.get(url).content.decode()
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", body), url


def test_healthz_needs_no_login_and_shows_no_data(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_the_openapi_schema_lists_the_directory(client_for: Callable[[str], Client]) -> None:
    schema = client_for("xa_a").get("/api/schema/?format=json").json()
    for path in ["/api/v1/committees/", "/api/v1/agencies/{id}/", "/api/v1/contact-points/"]:
        assert path in schema["paths"]


def test_not_found_and_not_allowed_pages_speak_vietnamese(
    client_for: Callable[[str], Client],
) -> None:
    from vigil.org.models import Agency

    client = client_for("kiemtoan")
    missing = client.get("/agencies/999999/")
    assert missing.status_code == 404
    assert "Không tìm thấy" in missing.content.decode()
    police = Agency.objects.get(name="Công an tỉnh Quảng Ninh")
    refused = client.get(f"/agencies/{police.pk}/contacts/new/")
    assert refused.status_code == 403
    assert "Không được phép" in refused.content.decode()


def test_pages_are_vietnamese_whatever_the_browser_asks(
    client: Client, client_for: Callable[[str], Client]
) -> None:
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    assert "Đăng nhập" in client.get("/accounts/login/", headers=english_browser).content.decode()
    body = client_for("xa_a").get("/committees/", headers=english_browser).content.decode()
    assert "Hệ thống Ban Chỉ đạo các cấp" in body
    assert "Committee tree" not in body


def test_a_user_who_chose_english_gets_english(client_for: Callable[[str], Client]) -> None:
    from vigil.accounts.models import User

    User.objects.filter(username="xa_a").update(language="en")
    body = client_for("xa_a").get("/committees/").content.decode()
    assert "Committee tree" in body


def test_a_login_link_back_to_itself_does_not_loop(client_for: Callable[[str], Client]) -> None:
    response = client_for("xa_a").get("/accounts/login/?next=/accounts/login/")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_token_users_language_applies_to_the_api(api_for: Callable[..., Client]) -> None:
    from vigil.accounts.models import User

    User.objects.filter(username="xa_b").update(language="en")
    response = api_for("xa_b").get("/api/v1/agencies/?page=999")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Invalid page."
    assert response["Content-Language"] == "en"


def test_the_api_schema_and_docs_need_a_signed_in_user(client: Client) -> None:
    assert client.get("/api/schema/").status_code in (401, 403)
    assert client.get("/api/docs/").status_code in (401, 403)


def test_the_api_answers_json_only(api_for: Callable[..., Client]) -> None:
    response = api_for("kho_mo").get("/api/v1/contact-points/", headers={"Accept": "text/html"})
    assert response.status_code == 406
    assert response.json()["error"]["code"] == "not_acceptable"


def test_api_validation_messages_are_vietnamese(api_for: Callable[..., Client]) -> None:
    api = api_for("thuongtruc", "write")
    response = api.post(
        "/api/v1/contact-points/",
        {"agency": "abc", "label": "x" * 300},
        content_type="application/json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == "Dữ liệu nhập không hợp lệ."
    assert error["fields"]["agency"] == ["Cần một số nguyên hợp lệ."]
    assert error["fields"]["label"] == ["Trường này không được quá 200 ký tự."]
    broken = api.post("/api/v1/contact-points/", "{not json", content_type="application/json")
    assert broken.json()["error"]["message"] == "Không đọc được nội dung yêu cầu dưới dạng JSON."


def test_the_committee_page_keeps_the_history_of_its_posts(
    client_for: Callable[[str], Client],
) -> None:
    import datetime as dt

    from vigil.core.audit import SystemActor
    from vigil.org import services
    from vigil.org.models import Committee, Post

    province = Committee.objects.get(name__endswith="tỉnh Quảng Ninh")
    post = Post.objects.get(committee=province, kind=Post.Kind.HEAD)
    services.appoint_holder(
        post, holder_name="Trần Văn Cũ", valid_from=dt.date(2021, 1, 1), valid_to=dt.date(2025, 6, 30),
        decision_number="15/QĐ-UBND", actor=SystemActor("test"),
    )  # fmt: skip
    body = client_for("xa_b").get(f"/committees/{province.pk}/").content.decode()
    current, history = body.split("Người đảm nhiệm trước đây")
    assert "Trần Văn Cũ" in history and "Trần Văn Cũ" not in current
    assert "01/01/2021 – 30/06/2025" in history


@pytest.mark.parametrize("value", ["²", "9" * 5000, "0", "501", "-1", "abc"])
def test_a_bad_page_size_is_explained_in_the_error_format(
    value: str, api_for: Callable[..., Client]
) -> None:
    response = api_for("xa_a").get("/api/v1/agencies/", {"page_size": value})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["page_size"] == ["Một số nguyên từ 1 đến 500."]


def test_signing_out_is_audited_and_ends_the_session(client_for: Callable[[str], Client]) -> None:
    client = client_for("xa_a")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.action, event.actor_label.split()[0]) == ("session.signed_out", "xa_a")
    assert client.get("/agencies/").status_code == 302  # back to sign-in
