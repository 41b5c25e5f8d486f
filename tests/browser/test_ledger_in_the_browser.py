"""Issue 12's journey in Chromium: the mine's storekeeper records a receipt and an
issue; the licensing department's liaison sees the new balance."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from vigil.controlled.models import Item, LedgerEntry

pytestmark = pytest.mark.browser
STORE = "Kho VLNCN trung tâm Cẩm Phả"


def vi(text: str) -> str:
    with override("vi"):
        return gettext(text)


def record(page: Any, direction: str, counterpart: str, quantity: str, document: str) -> None:
    page.get_by_role("link", name=vi("Record a movement")).click()
    page.get_by_label(vi("Direction")).select_option(direction)
    page.get_by_label(vi("From or to")).select_option(counterpart)
    page.get_by_label(vi("Item"), exact=True).select_option(
        str(Item.objects.get(code="AN-NT13").pk)
    )
    page.get_by_label(vi("Quantity")).fill(quantity)
    page.get_by_label(vi("Unit")).select_option("kg")
    page.get_by_label(vi("Document")).fill(document)
    page.get_by_role("button", name=vi("Record"), exact=True).click()
    expect(page.locator("h1")).to_have_text(STORE)


def test_the_storekeeper_records_and_the_department_sees_the_balance(
    page: Any, browser: Any, site: str
) -> None:
    before = LedgerEntry.objects.count()
    sign_in(page, site, "kho_mo")
    page.get_by_role("link", name=vi("Explosives")).click()
    page.get_by_role("link", name=STORE).click()
    record(page, "in", "supplier", "100", "PN-010")  # receipt
    record(page, "out", "consumption", "50,5", "HCN-020")  # issue to a blast
    assert LedgerEntry.objects.count() == before + 2
    # 2,100 kg held before: + 100 - 50.5
    expect(page.locator("body")).to_contain_text("2149,5 kg")

    context = browser.new_context(locale="en-US")
    try:
        other = context.new_page()
        other.set_default_timeout(10_000)
        sign_in(other, site, "congthuong")
        other.get_by_role("link", name=vi("Explosives")).click()
        other.get_by_role("link", name=STORE).click()
        expect(other.locator("body")).to_contain_text("2149,5 kg")
        # The department reads; only the storekeeper records.
        expect(other.get_by_role("link", name=vi("Record a movement"))).to_have_count(0)
    finally:
        context.close()
