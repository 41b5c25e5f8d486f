"""Issue 13's journey in Chromium: the standing office issues a directive to two
agencies; the Department of Industry and Trade acknowledges and reports done; the
standing office accepts; the scorecard changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from vigil.org.models import Agency, Committee, Post, PostHolder
from vigil.work.models import Task

pytestmark = pytest.mark.browser
POINT = "Kiểm tra an toàn kho vật liệu nổ trước Tết (thử nghiệm trình duyệt)."


def vi(text: str) -> str:
    with override("vi"):
        return gettext(text)


def done_count(page: Any, site: str, agency: Agency) -> int:
    page.goto(f"{site}/work/scorecard/")
    cell = page.locator(f'tr[data-agency="{agency.pk}"] td.done')
    return int(cell.inner_text()) if cell.count() else 0


def test_a_directive_to_two_agencies_is_done_and_accepted(
    page: Any, browser: Any, site: str
) -> None:
    province = Committee.objects.get(name="Ban Chỉ đạo Phòng, chống khủng bố tỉnh Quảng Ninh")
    dit = Agency.objects.get(name="Sở Công Thương")
    border = Agency.objects.get(name="Bộ Chỉ huy Bộ đội Biên phòng tỉnh")
    deputy = PostHolder.objects.get(post__committee=province, post__kind=Post.Kind.STANDING_DEPUTY)

    sign_in(page, site, "thuongtruc")
    before = done_count(page, site, dit)
    page.get_by_role("link", name=vi("Work"), exact=True).click()
    page.get_by_role("link", name=vi("Issued documents"), exact=True).click()
    page.get_by_role(
        "link", name=vi("Issue a document of %(name)s") % {"name": province.name}
    ).click()
    page.locator("#id_doc_type").select_option("CT")
    page.locator("#id_subject").fill("Tăng cường kiểm tra vật liệu nổ dịp Tết")
    page.locator("#id_signing_post").select_option(label="Trưởng ban")
    page.locator("#id_signing_form").select_option("KT.")
    page.locator("#id_signer").select_option(str(deputy.pk))
    page.locator("#id_points-0-text").fill(POINT)
    page.locator("#id_points-0-lead").select_option([str(dit.pk), str(border.pk)])
    page.locator("#id_points-0-deadline_working_days").fill("5")
    page.get_by_role("button", name=vi("Issue"), exact=True).click()
    expect(page.locator("h1")).to_contain_text("/CT-BCĐ")
    tasks = Task.objects.filter(description=POINT)
    assert {t.assignee_id for t in tasks} == {dit.pk, border.pk}

    context = browser.new_context(locale="en-US")
    try:
        other = context.new_page()
        other.set_default_timeout(10_000)
        sign_in(other, site, "congthuong")
        other.get_by_role("link", name=vi("Work"), exact=True).click()
        other.get_by_role("link", name=POINT).click()
        other.get_by_role("button", name=vi("Acknowledge")).click()
        expect(other.locator("#task-state")).to_have_text(vi("Acknowledged"))
        other.locator("#id_note").fill("Đã kiểm tra 5 kho, không phát hiện vi phạm.")
        other.get_by_role("button", name=vi("Report done")).click()
        expect(other.locator("#task-state")).to_have_text(vi("Reported done"))
    finally:
        context.close()

    task = tasks.get(assignee=dit)
    page.goto(f"{site}/work/tasks/{task.pk}/")
    page.get_by_role("button", name=vi("Accept"), exact=True).click()
    expect(page.locator("#task-state")).to_have_text(vi("Accepted"))
    assert done_count(page, site, dit) == before + 1
    assert tasks.get(assignee=border).state == Task.State.ASSIGNED
