"""In Chromium: a progress report carries two files; a refused one keeps the typed
note and shows a red error, not the green of success; a date typed dd/mm/yyyy in
the report-obligation form means that day (issue 19)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.work.helpers import SEED, agency, directive
from vigil.accounts.models import User
from vigil.core import attachments
from vigil.org.models import Committee
from vigil.work.models import Task
from vigil.work.obligations.models import ReportObligation
from vigil.work.tasks import services as task_services

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOTE = "Đã kiểm tra 5 kho; biên bản kèm theo."


def vi(text: str) -> str:
    with override("vi"):
        return gettext(text)


def _acknowledged_task() -> Task:
    document = directive(agency("dit"))
    task = Task.objects.get(document=document, assignee=agency("dit"))
    task_services.acknowledge_task(task, actor=SEED)
    return task


def _files(task: Task) -> set[str]:
    return {
        a.name for a in attachments.attachments_of(task, User.objects.get(username="congthuong"))
    }


def test_a_progress_report_carries_two_files(page: Any, site: str) -> None:
    task = _acknowledged_task()
    sign_in(page, site, "congthuong")
    page.goto(f"{site}/work/tasks/{task.pk}/")
    page.locator("#id_note").fill(NOTE)
    page.locator("#id_report_files").set_input_files(
        [
            {"name": "bien-ban-1.pdf", "mimeType": "application/pdf", "buffer": PDF},
            {"name": "bien-ban-2.txt", "mimeType": "text/plain", "buffer": "Kho 2: đạt.".encode()},
        ]
    )
    page.get_by_role("button", name=vi("Report progress")).click()
    expect(page.locator(".messages li.success")).to_have_text(vi("Saved."))
    assert _files(task) == {"bien-ban-1.pdf", "bien-ban-2.txt"}
    expect(page.get_by_text("bien-ban-2.txt").first).to_be_visible()
    assert Task.objects.get(pk=task.pk).state == Task.State.IN_PROGRESS


def test_a_refused_file_keeps_the_note_and_looks_like_an_error(page: Any, site: str) -> None:
    task = _acknowledged_task()
    sign_in(page, site, "congthuong")
    page.goto(f"{site}/work/tasks/{task.pk}/")
    page.locator("#id_note").fill(NOTE)
    page.locator("#id_report_files").set_input_files(
        [
            {"name": "bien-ban.pdf", "mimeType": "application/pdf", "buffer": PDF},
            {"name": "gia-mao.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf"},
        ]
    )
    page.get_by_role("button", name=vi("Report done")).click()
    error = page.locator(".messages li.error")
    expect(error).to_be_visible()
    expect(page.locator("#id_note")).to_have_value(NOTE)
    assert _files(task) == set()
    assert Task.objects.get(pk=task.pk).state == Task.State.ACKNOWLEDGED
    # Red, not the green of a success message.
    colour = error.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(253, 236, 234)", colour
    assert error.get_attribute("role") == "alert"


def test_a_date_typed_day_first_in_the_obligation_form_is_that_day(page: Any, site: str) -> None:
    sign_in(page, site, "thuongtruc")
    page.goto(f"{site}/work/reports/new/")
    province = Committee.objects.get(level="province")
    page.locator("#id_committee").select_option(str(province.pk))
    page.locator("#id_title").fill("Báo cáo tháng (trình duyệt)")
    page.locator("#id_period_kind").select_option("monthly")
    page.locator("#id_starts_on").fill("15/11/2026")
    page.locator("#id_agencies").select_option([str(agency("dit").pk)])
    page.locator("#id_indicators-0-code").fill("vu")
    page.locator("#id_indicators-0-label").fill("Số vụ việc")
    page.locator("#id_indicators-0-kind").select_option("integer")
    page.locator("#id_indicators-0-aggregation").select_option("sum")
    page.get_by_role("button", name=vi("Create"), exact=True).last.click()
    expect(page.locator("h1")).to_contain_text("Báo cáo tháng (trình duyệt)")
    obligation = ReportObligation.objects.get(title="Báo cáo tháng (trình duyệt)")
    assert obligation.starts_on == dt.date(2026, 11, 15)
