"""The exercise figures on a phone (390 px): the chart scales down with the page, which
never scrolls sideways; the year chosen in the form is the year shown; the .xlsx link
downloads the workbook."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import sign_in
from vigil.core import clock

pytestmark = pytest.mark.browser
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_the_figures_fit_a_phone_and_download(browser: Any, site: str) -> None:
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, site, "thuongtruc")
    page.goto(f"{site}/exercises/figures/")
    year = clock.today().year
    assert page.locator("h1").inner_text() == f"Tập huấn, diễn tập năm {year}"
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    chart = page.locator("svg.chart").bounding_box()
    assert chart is not None and 0 < chart["width"] <= 390
    page.get_by_label("Năm").fill(str(year - 1))
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url(f"**/exercises/figures/?year={year - 1}*")
    assert page.locator("h1").inner_text() == f"Tập huấn, diễn tập năm {year - 1}"
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải .xlsx").click()
    assert download.value.suggested_filename == f"so-lieu-dien-tap-{year - 1}.xlsx"
    context.close()
