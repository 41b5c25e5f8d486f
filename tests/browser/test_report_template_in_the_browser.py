"""The report template's row editor in Chromium: the standing office sets a monthly
obligation with three typed indicators, adding rows with the editor's button (htmx),
opens the current period; the Department of Industry and Trade's report form then
has those three typed fields."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from vigil.core import clock
from vigil.work.obligations.models import ReportObligation, ReportSubmission

pytestmark = pytest.mark.browser
TITLE = "Báo cáo tháng về an ninh mục tiêu (thử nghiệm trình duyệt)"
SHOTS = os.environ.get("VIGIL_SHOTS", "")  # a folder for screenshots, when looking
NOW = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)


def vi(text: str) -> str:
    with override("vi"):
        return gettext(text)


def fill_row(page: Any, n: int, code: str, label: str, kind: str, aggregation: str) -> None:
    page.locator(f"#id_indicators-{n}-code").fill(code)
    page.locator(f"#id_indicators-{n}-label").fill(label)
    page.locator(f"#id_indicators-{n}-kind").select_option(kind)
    page.locator(f"#id_indicators-{n}-aggregation").select_option(aggregation)


def test_a_monthly_obligation_with_three_typed_indicators_reaches_the_unit(
    page: Any, browser: Any, site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)  # the live server's thread reads it too
    sign_in(page, site, "thuongtruc")
    page.get_by_role("link", name=vi("Work"), exact=True).click()
    page.get_by_role("link", name=vi("Report obligations"), exact=True).click()
    page.get_by_role("link", name=vi("New report obligation"), exact=True).click()
    page.locator("#id_committee").select_option(
        label="Ban Chỉ đạo Phòng, chống khủng bố tỉnh Quảng Ninh"
    )
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_period_kind").select_option("monthly")
    page.locator("#id_starts_on").fill("01/01/2026")
    page.locator("#id_due_day").fill("20")
    page.locator("#id_agencies").select_option(label="Sở Công Thương")

    # The page offers one row; the second and third come from "add an indicator".
    expect(page.locator("#indicator-rows tbody tr")).to_have_count(1)
    fill_row(page, 0, "incidents", "Số vụ việc", "integer", "sum")
    page.locator("#id_indicators-0-unit").fill("vụ")
    add = page.get_by_role("button", name=vi("Add an indicator"))
    page.evaluate("window.vigilSamePage = true")
    add.click()
    expect(page.locator("#indicator-rows tbody tr")).to_have_count(2)
    # Swapped in by htmx, not a new page, and what was typed is still there.
    assert page.evaluate("window.vigilSamePage === true")
    expect(page.locator("#id_title")).to_have_value(TITLE)
    expect(page.locator("#id_indicators-0-code")).to_have_value("incidents")
    fill_row(page, 1, "readiness", "Tỷ lệ sẵn sàng", "decimal", "average")
    page.locator("#id_indicators-1-unit").fill("%")
    add.click()
    expect(page.locator("#indicator-rows tbody tr")).to_have_count(3)
    fill_row(page, 2, "plans_updated", "Đã cập nhật phương án", "yes_no", "count_yes")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/editor.png", full_page=True)
    page.get_by_role("button", name=vi("Create"), exact=True).click()
    expect(page.locator("h1")).to_have_text(TITLE)

    obligation = ReportObligation.objects.get(title=TITLE)
    assert obligation.current_template is not None
    assert list(obligation.current_template.indicators.values_list("code", "kind")) == [
        ("incidents", "integer"), ("readiness", "decimal"), ("plans_updated", "yes_no"),
    ]  # fmt: skip
    page.get_by_role("button", name=vi("Open the current period now")).click()
    expect(page.locator("h1")).to_contain_text("11/2026")
    sub = ReportSubmission.objects.get(obligation=obligation, agency__name="Sở Công Thương")

    context = browser.new_context(locale="en-US")
    try:
        unit = context.new_page()
        unit.set_default_timeout(10_000)
        sign_in(unit, site, "congthuong")
        unit.get_by_role("link", name=vi("Work"), exact=True).click()
        unit.get_by_role("link", name=vi("Reports due"), exact=True).click()
        unit.locator(f'a[href="/work/reports/submissions/{sub.pk}/"]').click()
        expect(unit.locator("h1")).to_contain_text(TITLE)
        expect(unit.get_by_label("Số vụ việc (vụ)")).to_have_attribute("type", "number")
        expect(unit.get_by_label("Tỷ lệ sẵn sàng (%)")).to_have_attribute("type", "text")
        yes_no = unit.get_by_label("Đã cập nhật phương án")
        expect(yes_no).to_have_js_property("tagName", "SELECT")
        expect(yes_no.locator("option")).to_have_text(["—", vi("Yes"), vi("No")])
        expect(unit.locator("form.card [name^='v_']")).to_have_count(3)
    finally:
        context.close()
