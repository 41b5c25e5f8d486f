"""In Chromium: enrol an authenticator app, sign in with it, switch to English and back."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import enrol_authenticator, sign_in, totp_code
from vigil.accounts.models import User

pytestmark = pytest.mark.browser


def test_a_liaison_enrols_signs_in_with_a_code_and_switches_language(page: Any, site: str) -> None:
    sign_in(page, site, "congthuong")
    key = enrol_authenticator(page)
    device = TOTPDevice.objects.get(user__username="congthuong")
    assert device.bin_key == key
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{site}/accounts/login/")

    page.get_by_label("Tên đăng nhập").fill("congthuong")
    page.get_by_label("Mật khẩu").fill("vigil-demo-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{site}/accounts/verify/**")
    page.goto(f"{site}/agencies/")  # nothing opens before the code
    page.wait_for_url(f"{site}/accounts/verify/**")
    page.get_by_label("Mã", exact=True).fill(totp_code(device.bin_key, steps_ahead=1))
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(f"{site}/")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert User.objects.get(username="congthuong").language == "en"
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    assert User.objects.get(username="congthuong").language == "vi"


def test_pages_htmx_and_the_api_docs_run_under_the_csp(page: Any, site: str) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in(page, site, "thuongtruc")
    page.goto(f"{site}/agencies/")
    page.get_by_label("Tìm kiếm (có thể gõ không dấu)").fill("cong an")
    expect(page.locator("#results tbody tr").first).to_contain_text("Công an")
    page.goto(f"{site}/accounts/me/authenticator/")
    expect(page.locator(".qr svg")).to_be_visible()
    page.goto(f"{site}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Vigil API")
    expect(page.get_by_text("/api/v1/agencies/").first).to_be_visible()
    assert violations == []
