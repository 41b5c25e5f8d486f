"""The registry in Chromium: the licensing department filters the organisations
(HTMX), suspends the quarry's licence with a reason; the mine's storekeeper then
cannot transfer to the quarry, and is told why."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from vigil.controlled.models import Item, Licence, Transfer

pytestmark = pytest.mark.browser
MINE = "Công ty Cổ phần Than Demo Cẩm Phả"
QUARRY = "Công ty TNHH Đá Demo Hoành Bồ"


def vi(text: str) -> str:
    with override("vi"):
        return gettext(text)


def test_a_suspended_receiver_stops_a_transfer(page: Any, browser: Any, site: str) -> None:
    sign_in(page, site, "congthuong")
    page.get_by_role("link", name=vi("Explosives")).click()
    page.get_by_role("link", name=vi("Organisations"), exact=True).click()
    # htmx binds the filter form when the page has loaded (its script is deferred):
    # a change made before that would be a plain change nobody listens to.
    page.wait_for_load_state()
    results = page.locator("#results")
    expect(results).to_contain_text(MINE)
    page.get_by_label(vi("Sector")).select_option("quarrying")  # HTMX swaps the results
    expect(results).not_to_contain_text(MINE)
    expect(results).to_contain_text(QUARRY)
    results.get_by_role("link", name=QUARRY).click()
    page.get_by_role("link", name="210/GP-SCT").click()
    page.get_by_label(vi("New status")).select_option("suspended")
    page.get_by_label(vi("Reason")).fill("Kho chưa đạt yêu cầu phòng cháy")
    page.get_by_role("button", name=vi("Change the status")).click()
    expect(page.locator(".timeline")).to_contain_text("Kho chưa đạt yêu cầu phòng cháy")
    assert Licence.objects.get(number="210/GP-SCT").status == "suspended"

    context = browser.new_context(locale="en-US")
    try:
        keeper = context.new_page()
        keeper.set_default_timeout(10_000)
        sign_in(keeper, site, "kho_mo")
        keeper.get_by_role("link", name=vi("Explosives")).click()
        keeper.get_by_role("link", name="Kho VLNCN trung tâm Cẩm Phả").click()
        keeper.get_by_role("link", name=vi("Transfer to another organisation")).click()
        keeper.get_by_label(vi("To store")).select_option(
            label=f"{QUARRY} — Kho VLNCN mỏ đá Hoành Bồ"
        )
        keeper.get_by_label(vi("Item"), exact=True).select_option(
            str(Item.objects.get(code="AN-NT13").pk)
        )
        keeper.get_by_label(vi("Quantity")).fill("10")
        keeper.get_by_label(vi("Unit")).select_option("kg")
        before = Transfer.objects.count()
        keeper.get_by_role("button", name=vi("Save")).click()
        expect(keeper.locator(".errorlist")).to_contain_text("210/GP-SCT")
        assert Transfer.objects.count() == before
    finally:
        context.close()
