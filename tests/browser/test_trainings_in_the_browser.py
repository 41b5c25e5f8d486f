"""Issue 26's trainings in Chromium: commune A's standing office plans a training
with dd/mm/yyyy dates and an audience, uploads a material, and records it held with
the final counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from vigil.core import clock
from vigil.core.models import Attachment
from vigil.exercises.trainings.models import Training
from vigil.org.models import Agency, Committee

pytestmark = pytest.mark.browser

TOPIC = "Tập huấn nhận diện vật nghi là bom cho lực lượng bảo vệ cảng hàng không"


def test_a_training_is_planned_given_a_material_and_recorded_held(
    browser: Any, site: str, tmp_path: Path
) -> None:
    committee = Committee.objects.get(name__endswith="đặc khu Vân Đồn")
    police_a = Agency.objects.get(name="Công an đặc khu Vân Đồn")
    airport = Agency.objects.get(name="Cảng hàng không quốc tế Vân Đồn")
    today = clock.today().strftime("%d/%m/%Y")
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sign_in(page, site, "xa_a")
        page.goto(f"{site}/exercises/trainings/")
        page.get_by_role("link", name="Lập kế hoạch tập huấn").click()
        page.locator("#id_committee").select_option(str(committee.pk))
        page.get_by_label("Chủ đề").fill(TOPIC)
        page.get_by_label("Ngày bắt đầu").fill(today)
        page.get_by_label("Ngày kết thúc").fill(today)
        page.get_by_label("Đơn vị giảng dạy").fill("Công an tỉnh Quảng Ninh")
        page.locator("#id_audience-0-agency").select_option(str(police_a.pk))
        page.locator("#id_audience-0-participants").fill("20")
        page.locator("#id_audience-1-agency").select_option(str(airport.pk))
        page.locator("#id_audience-1-participants").fill("35")
        page.get_by_role("button", name="Lưu").click()
        expect(page.locator("h1")).to_have_text(TOPIC)
        training = Training.objects.get(topic=TOPIC)
        assert training.starts_on == clock.today()

        material = tmp_path / "tai-lieu-tap-huan.txt"
        material.write_text("Nội dung bài giảng: nhận diện vật nghi là bom.\n", encoding="utf-8")
        page.locator("section.attachments input[type=file]").set_input_files(str(material))
        page.get_by_role("button", name="Đính kèm").click()
        expect(page.locator("section.attachments")).to_contain_text("tai-lieu-tap-huan.txt")
        assert Attachment.objects.filter(
            parent_id=training.pk, name__startswith="tai-lieu"
        ).exists()

        page.get_by_role("link", name="Ghi nhận đã tổ chức").click()
        page.locator("#id_audience-1-participants").fill("31")
        page.get_by_role("button", name="Lưu").click()
        expect(page.locator(".state-held")).to_be_visible()
        expect(page.locator("table.audience tfoot")).to_contain_text("51")
        training.refresh_from_db()
        assert training.status == "held"
        assert sorted(training.audience.values_list("participants", flat=True)) == [20, 31]
        assert errors == []
    finally:
        context.close()
