"""Issue 10's journey in Chromium: the administrator creates a liaison, who signs in,
enrols an authenticator, switches to English and back, and finds the agency's duty roster."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from tests.browser.conftest import enrol_authenticator, sign_in
from vigil.accounts.models import User
from vigil.org.models import Agency, Membership

pytestmark = pytest.mark.browser

PASSWORD = "Lien-lac-2026-an-toan"


def vi(text: str) -> str:
    with override("vi"):
        return gettext(text)


def test_quantri_onboards_a_liaison_who_finds_the_duty_roster(
    page: Any, browser: Any, site: str
) -> None:
    dit = Agency.objects.get(name="Sở Công Thương")
    sign_in(page, site, "quantri")
    page.get_by_role("link", name=vi("Administration")).click()
    page.get_by_role("link", name=vi("Users"), exact=True).first.click()
    page.get_by_role("link", name=vi("New user")).click()
    page.get_by_label(vi("Username")).fill("lienlac_sct")
    page.get_by_label(vi("Full name")).fill("Trịnh Văn Liên")
    page.get_by_label(vi("E-mail")).fill("lienlac.sct@demo.vigil.invalid")
    page.get_by_label(vi("Initial password")).fill(PASSWORD)
    page.get_by_label(vi("Agency"), exact=True).select_option(str(dit.pk))
    page.get_by_label(vi("Role"), exact=True).select_option("officer")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Trịnh Văn Liên")
    liaison = User.objects.get(username="lienlac_sct")
    assert Membership.objects.get(user=liaison).agency == dit

    context = browser.new_context(locale="en-US")
    try:
        own = context.new_page()
        own.set_default_timeout(10_000)
        sign_in(own, site, "lienlac_sct", password=PASSWORD)
        enrol_authenticator(own)
        assert liaison.totpdevice_set.filter(confirmed=True).exists()

        own.get_by_role("button", name="English").click()
        expect(own.locator("html")).to_have_attribute("lang", "en")
        own.get_by_role("button", name="Tiếng Việt").click()
        expect(own.locator("html")).to_have_attribute("lang", "vi")

        own.get_by_role("link", name=vi("Agencies"), exact=True).click()
        own.get_by_role("link", name="Sở Công Thương", exact=True).click()
        own.get_by_role("link", name=vi("Duty roster")).click()
        expect(own.locator("h1")).to_contain_text(vi("Duty roster"))
        # The department's liaison of the demo is on duty this week.
        expect(own.locator(".on-duty")).to_contain_text("Lê Thị Hoa")
    finally:
        context.close()
