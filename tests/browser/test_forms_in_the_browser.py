"""Forms that help, on a phone (390×844): a failed submit opens on an error summary that
has focus (set by core's forms.js, since our CSP forbids inline script), and its link to a
field moves focus to that field."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.work.helpers import province

pytestmark = pytest.mark.browser


def test_a_failed_submit_focuses_the_summary_whose_link_focuses_the_field(
    page: Any, site: str
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, site, "thuongtruc")
    page.goto(site + reverse("work:document_create", args=[province().pk]))
    subject = page.locator("label[for='id_subject']")
    expect(subject.locator(".required-mark")).to_have_text("*")
    expect(subject).to_contain_text("(bắt buộc)")

    page.locator("main form button[type='submit']").last.click()

    summary = page.locator(".error-summary").first
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("lỗi — xem bên dưới")
    expect(page.locator("#id_subject")).to_have_attribute("aria-invalid", "true")
    summary.locator("a[href='#id_subject']").click()
    expect(page.locator("#id_subject")).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
