"""Issue 25's blast in Chromium: the mine's storekeeper records a blast (typing its
date and time), records results that leave 2 kg unaccounted for, tries to close it,
is refused in Vietnamese, and sees the blast marked as not balancing."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from vigil.controlled.models import Blast, Item, LedgerEntry, Store
from vigil.org.models import ContactPoint

pytestmark = pytest.mark.browser
STORE = "Kho VLNCN trung tâm Cẩm Phả"


def vi(text: str) -> str:
    with override("vi"):
        return gettext(text)


def test_a_blast_that_does_not_balance_is_refused_and_stands_out(page: Any, site: str) -> None:
    store = Store.objects.get(name=STORE)
    commander = ContactPoint.objects.filter(agency=store.owning_agency).order_by("pk").first()
    assert commander is not None
    sign_in(page, site, "kho_mo")
    page.get_by_role("link", name=vi("Explosives")).click()
    page.get_by_role("link", name=vi("Blasts"), exact=True).click()
    with override("vi"):
        record = gettext("Record a blast from %(store)s") % {"store": STORE}
    page.get_by_role("link", name=record).click()

    page.get_by_label(vi("Blasting passport number")).fill("HCN-200/2026")
    page.get_by_label(vi("Blasting site")).fill("Lò chợ mức +90, vỉa 14")
    page.get_by_label(vi("Time of the blast")).fill("25/11/2026 08:30")
    page.get_by_label(vi("Person in charge")).select_option(str(commander.pk))
    page.locator("#id_lines-0-item").select_option(str(Item.objects.get(code="AN-NT13").pk))
    page.locator("#id_lines-0-quantity").fill("30")
    page.locator("#id_lines-0-unit").select_option("kg")
    page.locator("#id_lines-1-item").select_option(str(Item.objects.get(code="KD-VN2").pk))
    page.locator("#id_lines-1-quantity").fill("10")
    page.get_by_role("button", name=vi("Issue and record the blast")).click()
    expect(page.locator("h1")).to_contain_text("HCN-200/2026")

    blast = Blast.objects.get(number="HCN-200/2026")
    # The time typed day first, in Vietnam's time.
    assert blast.fired_at.isoformat().startswith("2026-11-25T01:30")
    nt13, detonators = blast.lines.order_by("pk")
    assert (nt13.issued, detonators.issued) == (30_000, 10)

    page.get_by_role("link", name=vi("Record the results")).click()
    page.locator(f"#id_line-{nt13.pk}-used").fill("27,5")
    page.locator(f"#id_line-{nt13.pk}-returned").fill("0,5")
    page.locator(f"#id_line-{detonators.pk}-used").fill("10")
    page.locator(f"#id_line-{detonators.pk}-returned").fill("0")
    page.get_by_role("button", name=vi("Save the results")).click()
    expect(page.locator("main")).to_contain_text("⚠ " + vi("Does not balance"))

    entries = LedgerEntry.objects.count()
    page.get_by_role("link", name=vi("Close the blast")).click()
    page.get_by_role("button", name=vi("Confirm: close the blast")).click()
    # Refused in Vietnamese, naming the line and the 2 kg.
    refusal = page.locator(".messages")
    expect(refusal).to_contain_text("không khớp")
    expect(refusal).to_contain_text("Thuốc nổ nhũ tương NT-13")
    expect(refusal).to_contain_text("chênh lệch 2 kg chưa rõ")
    expect(page.locator("div.stands-out")).to_contain_text("⚠ " + vi("Does not balance"))
    blast.refresh_from_db()
    assert blast.status == Blast.Status.OPEN
    assert LedgerEntry.objects.count() == entries

    page.get_by_role("link", name=vi("Every blast")).click()
    row = page.locator("tr", has_text="HCN-200/2026")
    expect(row).to_contain_text("⚠ " + vi("Does not balance"))
    page.get_by_role("link", name=vi("Does not balance"), exact=True).click()
    expect(page.locator("tbody")).to_contain_text("HCN-200/2026")
    expect(page.locator("tbody")).not_to_contain_text("HCN-118/2026")
