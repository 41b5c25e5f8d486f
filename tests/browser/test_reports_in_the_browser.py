"""Issue 27's check in Chromium: the provincial standing office (``thuongtruc``) drafts the
2026 annual summary from the reports page, edits one section (types a sentence, saves,
sees it); the leader (``lanhdao``) signs in and issues it (its number shown); the issued
.docx downloads and holds the edited sentence."""

from __future__ import annotations

import zipfile
from typing import Any

import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, watch
from vigil.org.models import Committee
from vigil.reports.summaries.models import ReportKind, ReportState, SummaryReport

pytestmark = pytest.mark.browser

SENTENCE = "Năm 2026, công tác tập huấn, diễn tập được triển khai đồng bộ (thử nghiệm trình duyệt)."


def vi(text: str) -> str:
    with override("vi"):
        return gettext(text)


def test_the_office_drafts_and_edits_the_annual_summary_and_the_leader_issues_it(
    browser: Any, site: str
) -> None:
    province = Committee.objects.get(name="Ban Chỉ đạo Phòng, chống khủng bố tỉnh Quảng Ninh")
    assert not SummaryReport.objects.filter(kind=ReportKind.ANNUAL, year=2026).exists()
    outside: list[str] = []
    errors: list[str] = []

    office = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    try:
        page = office.new_page()
        page.set_default_timeout(20_000)
        watch(page, site, outside, errors)
        sign_in(page, site, "thuongtruc")
        page.locator("nav.main-nav").get_by_role("link", name=vi("Summary reports")).click()
        expect(page.locator("h1")).to_have_text(vi("Summary reports"))
        page.locator("#draft summary").click()
        page.get_by_label(vi("Committee"), exact=True).select_option(str(province.pk))
        page.get_by_label(vi("Kind"), exact=True).select_option("annual")
        page.get_by_label(vi("Year"), exact=True).fill("2026")
        page.get_by_role("button", name=vi("Draft the report")).click()
        expect(page.locator(".messages")).to_contain_text(vi("Report drafted."))
        report = SummaryReport.objects.get(kind=ReportKind.ANNUAL, year=2026,
                                           owning_committee=province)  # fmt: skip
        expect(page.locator("h1")).to_have_text(report.title)
        expect(page.locator("#report-state")).to_have_text(vi("Draft"))
        expect(page.locator("section.report-section")).to_have_count(report.sections.count())

        page.locator("#s-exercises").get_by_role("link", name=vi("Edit")).click()
        expect(page.locator("h1")).to_have_text(report.sections.get(key="exercises").title)
        expect(page.locator("#drafted-text")).to_be_visible()
        text = page.get_by_label(vi("Text"), exact=True)
        text.fill("")
        text.type(SENTENCE)
        page.get_by_role("button", name=vi("Save"), exact=True).click()
        expect(page.locator(".messages")).to_contain_text(vi("Section saved."))
        expect(page.locator("#s-exercises .section-text")).to_contain_text(SENTENCE)
        assert report.sections.get(key="exercises").text == SENTENCE
        # The standing office drafts; it does not issue.
        expect(page.get_by_role("link", name=vi("Issue the report"))).to_have_count(0)
    finally:
        office.close()

    leader = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    try:
        page = leader.new_page()
        page.set_default_timeout(20_000)
        watch(page, site, outside, errors)
        sign_in(page, site, "lanhdao")
        page.locator("nav.main-nav").get_by_role("link", name=vi("Summary reports")).click()
        page.locator("#reports").get_by_role("link", name=report.title).click()
        expect(page.locator("#s-exercises .section-text")).to_contain_text(SENTENCE)
        page.get_by_role("link", name=vi("Issue the report")).click()
        expect(page.get_by_label(vi("Signer's title"), exact=True)).not_to_have_value("")
        page.get_by_label(vi("Recipients"), exact=True).fill("Ban Chỉ đạo quốc gia\nUBND tỉnh")
        page.get_by_role("button", name=vi("Issue the report")).click()
        report.refresh_from_db()
        assert report.state == ReportState.ISSUED and report.number
        expect(page.locator(".messages")).to_contain_text(
            vi("Report issued as %(number)s.") % {"number": report.number}
        )
        expect(page.locator("#report-number")).to_have_text(report.number)
        expect(page.locator("#report-state")).to_have_text(vi("Issued"))
        expect(page.locator("#s-exercises").get_by_role("link", name=vi("Edit"))).to_have_count(0)

        with page.expect_download() as download:
            page.get_by_role("link", name=vi("Report as issued (.docx)")).click()
        assert download.value.suggested_filename.endswith(".docx")
        with zipfile.ZipFile(download.value.path()) as docx:
            xml = docx.read("word/document.xml").decode()
        assert SENTENCE in xml and report.number.split("/")[0] in xml
        with open(download.value.path(), "rb") as saved:
            assert saved.read() == bytes(report.issued_docx or b"")
    finally:
        leader.close()
    assert outside == []
    assert errors == []
