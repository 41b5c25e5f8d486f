"""Issue 25's stock count in Chromium: the mine's storekeeper records a count of the
site store that finds half a kilogram of explosive missing, and submits it; the
standing office then finds the incident and the alert Vigil raised, on the
situation pages. Two users, two browser contexts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from vigil.controlled.counts.models import StockCount
from vigil.controlled.ledger import services as ledger
from vigil.controlled.models import Account, Balance, Item, Store
from vigil.controlled.registry import services as registry
from vigil.core import clock
from vigil.core.audit import SystemActor

pytestmark = pytest.mark.browser
SYSTEM = SystemActor("browser test")

STORE = "Kho kiểm kê thử"


def _a_store_to_count(explosive: Item) -> Store:
    """A store of the mine holding 49.5 kg of NT-13. The demo's own stores cannot be
    counted: one has a transfer on the road, the other an open blast (either could
    make a count differ from the books for no loss)."""
    face = Store.objects.get(name="Kho tạm công trường vỉa 14")
    mine = face.owning_agency
    store = registry.create_store(
        mine, name=STORE, admin_unit=face.admin_unit, kind=Store.Kind.PERMANENT,
        capacities={"explosive": 1_000_000}, actor=SYSTEM,
    )  # fmt: skip
    ledger.post_movement(
        mine, item=explosive, quantity="49.5", unit="kg", to_account=store.account,
        from_account=ledger.external_account(mine, Account.Kind.SUPPLIER),
        idempotency_key="browser-count", actor=SYSTEM,
    )  # fmt: skip
    return store


COUNTERS = "Bùi Văn Toàn (thủ kho); Trần Văn Bảo (bảo vệ)"


def vi(text: str) -> str:
    with override("vi"):
        return gettext(text)


@contextmanager
def signed_in(browser: Any, site: str, username: str) -> Iterator[Any]:
    """A page in a browser context of its own (its own cookies): one user each."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400
                and not r.url.endswith("/favicon.ico") else None)  # fmt: skip
        sign_in(page, site, username)
        yield page
        assert errors == [], username
    finally:
        context.close()


def test_a_shortage_found_by_the_storekeeper_reaches_the_standing_office(
    browser: Any, site: str
) -> None:
    explosive = Item.objects.get(code="AN-NT13")
    store = _a_store_to_count(explosive)
    counted_at = timezone.localtime(clock.now()).strftime("%d/%m/%Y %H:%M")
    with signed_in(browser, site, "kho_mo") as page:
        page.goto(f"{site}/controlled/stores/")
        page.get_by_role("link", name=STORE, exact=True).click()
        page.get_by_role("link", name=vi("Record a stock count"), exact=True).click()
        expect(page.locator("h1")).to_contain_text(vi("Record a stock count"))
        page.get_by_label(vi("Time of the count"), exact=True).fill(counted_at)
        page.get_by_label(vi("Counted by"), exact=True).fill(COUNTERS)
        page.locator("select[name='lines-0-item']").select_option(str(explosive.pk))
        page.locator("input[name='lines-0-quantity']").fill("49")
        page.locator("select[name='lines-0-unit']").select_option("kg")
        page.get_by_role("button", name=vi("Save the draft")).click()
        expect(page.locator("h1")).to_contain_text(vi("Stock count"))
        page.get_by_role("button", name=vi("Submit the count")).click()
        expect(page.locator("body")).to_contain_text(
            vi("The count differs from the books: the discrepancies are recorded, an "
               "incident is opened and the police are alerted.")
        )  # fmt: skip
        expect(page.locator("table")).to_contain_text("−0,5 kg")
        expect(page.locator("section.card").first).to_contain_text(vi("Shortage"))
    count = StockCount.objects.filter(counters=COUNTERS).get()
    incident, alert = count.incident, count.alert
    assert count.status == "submitted" and incident is not None and alert is not None
    assert Balance.objects.get(store=store, item=explosive, lot="").quantity == 49_000
    with signed_in(browser, site, "thuongtruc") as page:
        page.get_by_role("link", name=vi("Situation"), exact=True).click()
        page.goto(f"{site}/situation/incidents/")
        page.get_by_role("link", name=incident.title).first.click()
        expect(page.locator("body")).to_contain_text("0,5 kg")
        expect(page.locator("body")).to_contain_text(COUNTERS)
        expect(page).to_have_url(f"{site}/situation/incidents/{count.incident_id}/")
        page.goto(f"{site}/situation/alerts/")
        page.get_by_role("link", name=alert.headline).first.click()
        expect(page.locator("body")).to_contain_text("0,5 kg")
        expect(page).to_have_url(f"{site}/situation/alerts/{count.alert_id}/")
