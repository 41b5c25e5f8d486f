"""A newcomer's first minutes, in Chromium: sign in, find the committee and its people."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from vigil.org.demo import CASE_LABELS
from vigil.org.models import ContactPoint

pytestmark = pytest.mark.browser


def test_a_commune_officer_finds_the_province_committee_and_its_holders(
    page: Any, site: str
) -> None:
    sign_in(page, site, "xa_a")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("header")).to_contain_text("Công an đặc khu Vân Đồn")

    page.get_by_role("link", name="Ban Chỉ đạo", exact=True).click()
    page.get_by_role("link", name="Ban Chỉ đạo Phòng, chống khủng bố tỉnh Quảng Ninh").click()
    holders = page.locator("table").first
    expect(holders).to_contain_text("Phó Trưởng ban Thường trực")
    expect(holders).to_contain_text("Phạm Quốc Đạt")


def test_the_agency_search_narrows_as_you_type_without_diacritics(page: Any, site: str) -> None:
    sign_in(page, site, "congthuong")
    page.goto(f"{site}/agencies/")
    page.get_by_label("Tìm kiếm (có thể gõ không dấu)").fill("bien phong")
    results = page.locator("#results tbody tr")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Bộ Chỉ huy Bộ đội Biên phòng tỉnh")
    assert "q=bien%20phong" in page.url  # the search is in the address, for sharing and back


def test_another_communes_contact_point_does_not_exist_for_xa_a(page: Any, site: str) -> None:
    sign_in(page, site, "xa_a")
    other = ContactPoint.objects.get(label=CASE_LABELS[2])
    response = page.goto(f"{site}/contacts/{other.pk}/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Không tìm thấy")


def test_signing_out_ends_the_session(page: Any, site: str) -> None:
    sign_in(page, site, "kiemtoan")
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{site}/accounts/login/")
    page.goto(f"{site}/agencies/")
    expect(page).to_have_url(f"{site}/accounts/login/?next=/agencies/")
