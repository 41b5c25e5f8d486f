"""Issue 26's check in Chromium: the provincial standing office plans a tabletop
exercise of the seaport's plan, records it conducted, rates two objectives, records an
area for improvement that requires the plan's revision and files a corrective action
for Sở Công Thương; the plan reads "revision required". Sở Công Thương's officer is
refused closing the action without evidence, then closes it with an uploaded file. A
leader approves the plan's next version: the plan is no longer "revision required", and
the exercise counts its corrective action closed. The exercise's page fits a phone."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, watch
from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.models import Attachment
from vigil.exercises.drills.models import Exercise, ExerciseStatus
from vigil.exercises.evaluation.models import CorrectiveAction
from vigil.org.models import Agency, Committee
from vigil.sites import services as site_services
from vigil.sites.models import Plan
from vigil.work.models import Task

pytestmark = pytest.mark.browser

NAME = "Diễn tập trên bàn: uy hiếp bom tại cảng (thử nghiệm trình duyệt)"
OBJECTIVES = (
    ("Kích hoạt Sở chỉ huy tiền phương trong 30 phút.", "command"),
    ("Thông báo cho Sở Công Thương và Cảng vụ trong 15 phút.", "communications"),
)
GAP = "Chưa có quy trình dừng bốc dỡ hàng hóa nguy hiểm khi có đe dọa bom (thử nghiệm)."
ACTION = "Bổ sung quy trình dừng bốc dỡ hàng hóa nguy hiểm vào phương án KB-CB 01."


def vi(text: str) -> str:
    with override("vi"):
        return gettext(text)


def approve_next_version(plan: Plan, decision: str) -> None:
    """Through the services, as the demo does: a new version, submitted and approved."""
    actor = SystemActor("test")
    version = site_services.add_version(plan, actor=actor)
    site_services.submit_version(version, actor=actor)
    site_services.approve_version(version, decision_number=decision, actor=actor)


def test_an_exercise_finding_is_followed_to_closure_and_the_plan_revised(
    browser: Any, site: str, tmp_path: Path
) -> None:
    province = Committee.objects.get(name="Ban Chỉ đạo Phòng, chống khủng bố tỉnh Quảng Ninh")
    dit = Agency.objects.get(name="Sở Công Thương")
    plan = Plan.objects.get(code_name="KB-CB 01")
    # A version approved before the test starts: the plan is current, so the test sees
    # its own finding mark it "revision required".
    approve_next_version(plan, "130/QĐ-BCĐ")
    plan.refresh_from_db()
    assert not plan.revision_required
    today = clock.today()
    due = today + dt.timedelta(days=30)
    outside: list[str] = []
    errors: list[str] = []

    office = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    try:
        page = office.new_page()
        page.set_default_timeout(10_000)
        watch(page, site, outside, errors)
        sign_in(page, site, "thuongtruc")
        page.get_by_role("link", name=vi("Exercises"), exact=True).first.click()
        page.get_by_role("link", name=vi("Plan an exercise")).click()
        expect(page.locator("h1")).to_have_text(vi("Plan an exercise"))
        committees = page.get_by_role("navigation", name=vi("Committee"))
        if committees.count():  # the office keeps more than one committee: the province's
            committees.get_by_role("link", name=province.name, exact=True).click()
        expect(page.locator("main p strong").first).to_have_text(province.name)
        page.get_by_label(vi("Type"), exact=True).select_option(label=vi("Tabletop exercise"))
        page.get_by_label(vi("Name"), exact=True).fill(NAME)
        page.get_by_label(vi("Scenario"), exact=True).fill(
            "Cuộc gọi đe dọa đặt bom tại kho hàng nguy hiểm của cảng."
        )
        page.get_by_label(vi("Starts on"), exact=True).fill(today.strftime("%d/%m/%Y"))
        page.get_by_label(vi("Ends on"), exact=True).fill(today.strftime("%d/%m/%Y"))
        page.get_by_label(vi("Plans tested"), exact=True).select_option(str(plan.pk))
        page.locator("#id_participants-0-agency").select_option(str(dit.pk))
        page.locator("#id_participants-0-people").fill("6")
        page.locator("#id_participants-0-equipment").fill("1")
        for n, (text, capability) in enumerate(OBJECTIVES):
            page.locator(f"#id_objectives-{n}-text").fill(text)
            page.locator(f"#id_objectives-{n}-capability").select_option(capability)
        page.get_by_role("button", name=vi("Save"), exact=True).click()
        expect(page.locator("h1")).to_have_text(NAME)
        expect(page.locator(".messages")).to_contain_text(vi("Exercise planned."))
        exercise = Exercise.objects.get(name=NAME)
        assert exercise.owning_committee_id == province.pk
        assert exercise.type == "tabletop" and exercise.starts_on == today
        assert list(exercise.plans.all()) == [plan]
        assert exercise.participants.get().people == 6

        page.get_by_role("link", name=vi("Record as conducted")).click()
        page.get_by_label(vi("Conducted on"), exact=True).fill(today.strftime("%d/%m/%Y"))
        page.get_by_role("button", name=vi("Record as conducted")).click()
        expect(page.locator(".messages")).to_contain_text(
            vi("The exercise is recorded as conducted.")
        )
        exercise.refresh_from_db()
        assert exercise.status == ExerciseStatus.CONDUCTED
        plan.refresh_from_db()
        assert plan.last_exercised_on == today

        first, second = exercise.objectives.order_by("number")
        for objective, rating, note in ((first, "P", "Kích hoạt sau 20 phút."),
                                        (second, "M", "Sở Công Thương nhận tin sau 50 phút.")):  # fmt: skip
            page.locator(f"#rating-{objective.pk}").select_option(rating)
            page.locator(f"#observations-{objective.pk}").fill(note)
            page.locator(f"#rating-{objective.pk}").locator("xpath=..").get_by_role(
                "button", name=vi("Rate")
            ).click()
            expect(page.locator(".messages")).to_contain_text(vi("Rating saved."))
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.rating, second.rating) == ("P", "M")
        ratings = page.locator("#evaluation #objectives tbody tr td:nth-child(4) strong")
        expect(ratings).to_have_text(["P", "M"])
        expect(ratings.nth(1)).to_have_attribute("title", vi("M: performed with major challenges"))

        page.get_by_role("link", name=vi("Record a finding")).click()
        page.get_by_label(vi("Kind"), exact=True).select_option("improvement")
        page.get_by_label(vi("Finding"), exact=True).fill(GAP)
        page.get_by_label(vi("Objective"), exact=True).select_option(str(second.pk))
        page.get_by_label(vi("Plan concerned"), exact=True).select_option(str(plan.pk))
        page.get_by_label(vi("The plan must be revised"), exact=True).check()
        page.get_by_role("button", name=vi("Save"), exact=True).click()
        expect(page.locator(".messages")).to_contain_text(vi("Finding recorded."))
        expect(page.locator("#improvements")).to_contain_text(GAP)

        page.locator("#improvements").get_by_role(
            "link", name=vi("File a corrective action")
        ).click()
        page.get_by_label(vi("Corrective action"), exact=True).fill(ACTION)
        page.get_by_label(vi("Responsible agency"), exact=True).select_option(str(dit.pk))
        page.get_by_label(vi("Due on"), exact=True).fill(due.strftime("%d/%m/%Y"))
        page.get_by_role("button", name=vi("Save"), exact=True).click()
        expect(page.locator(".messages")).to_contain_text(
            vi("Corrective action filed: a task was assigned to the agency.")
        )
        expect(page.locator("#improvements")).to_contain_text(ACTION)
        action = CorrectiveAction.objects.get(finding__text=GAP)
        assert action.task.assignee_id == dit.pk and action.task.deadline == due
        assert action.task.evidence_required

        # The plan's page (sites app) says it must be revised, and which finding says so
        # (not its text: every reader of the plan reads the reason).
        page.get_by_role("link", name="KB-CB 01").first.click()
        expect(page.locator("h1")).to_contain_text("KB-CB 01")
        expect(page.locator(".state-revision_required")).to_have_text(vi("Revision required"))
        finding = exercise.findings.get(text=GAP)
        expect(page.locator("main")).to_contain_text(str(finding.pk))
        plan.refresh_from_db()
        assert plan.revision_required

        # The exercise's page on a phone: no sideways scrolling.
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{site}{exercise.get_absolute_url()}")
        expect(page.locator("h1")).to_have_text(NAME)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the exercise page is {width} px wide on a 390 px phone"
    finally:
        office.close()

    agency = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    try:
        other = agency.new_page()
        other.set_default_timeout(10_000)
        watch(other, site, outside, errors)
        sign_in(other, site, "congthuong")
        other.get_by_role("link", name=vi("Exercises"), exact=True).first.click()
        other.locator("nav.subnav").get_by_role("link", name=vi("Corrective actions")).click()
        expect(other.locator("h1")).to_have_text(vi("Corrective actions"))
        row = other.locator("#corrective-actions tr", has_text=ACTION)
        expect(row).to_contain_text(NAME)
        expect(row).to_contain_text(due.strftime("%d/%m/%Y"))
        row.get_by_role("link", name=re.compile(re.escape(ACTION[:40]))).click()
        expect(other.locator("#task-state")).to_have_text(vi("Assigned"))
        other.get_by_role("button", name=vi("Acknowledge")).click()
        expect(other.locator("#task-state")).to_have_text(vi("Acknowledged"))

        # Done without evidence: refused with the reason, nothing changes.
        expect(other.locator("#evidence-required")).to_be_visible()
        other.get_by_role("button", name=vi("Report done")).click()
        expect(other.locator(".messages")).to_contain_text(
            vi("This task closes only with evidence: attach a file, or give a reference "
               "(a document number, a record) in the note.")
        )  # fmt: skip
        expect(other.locator("#task-state")).to_have_text(vi("Acknowledged"))
        task = Task.objects.get(pk=action.task_id)
        assert task.state == Task.State.ACKNOWLEDGED and task.done_on is None

        evidence = tmp_path / "bien-ban-bo-sung-quy-trinh.txt"
        evidence.write_text("Biên bản: đã bổ sung quy trình dừng bốc dỡ.\n", encoding="utf-8")
        other.locator("#id_note").fill("Đã bổ sung quy trình, gửi kèm biên bản.")
        other.locator("#id_report_files").set_input_files(str(evidence))
        other.get_by_role("button", name=vi("Report done")).click()
        expect(other.locator("#task-state")).to_have_text(vi("Reported done"))
        expect(other.locator("ol.timeline")).to_contain_text("bien-ban-bo-sung-quy-trinh")
        task.refresh_from_db()
        assert task.state == Task.State.DONE and task.done_on == today
        assert Attachment.objects.filter(name__startswith="bien-ban-bo-sung").exists()
    finally:
        agency.close()

    # The standing office drafts and submits the revised plan (through the services);
    # a leader approves it in the browser.
    actor = SystemActor("test")
    site_services.submit_version(site_services.add_version(plan, actor=actor), actor=actor)
    leader = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    try:
        page = leader.new_page()
        page.set_default_timeout(10_000)
        watch(page, site, outside, errors)
        sign_in(page, site, "lanhdao")
        page.goto(f"{site}{reverse('sites:plan_detail', args=[plan.pk])}")
        expect(page.locator(".state-revision_required")).to_be_visible()
        page.get_by_label(vi("Decision number")).fill("131/QĐ-BCĐ")
        page.get_by_role("button", name=vi("Approve"), exact=True).click()
        expect(page.locator(".messages")).to_contain_text(vi("Version approved: it is in force."))
        expect(page.locator(".state-revision_required")).to_have_count(0)
        plan.refresh_from_db()
        assert not plan.revision_required

        # The exercise counts its corrective action closed.
        page.goto(f"{site}{exercise.get_absolute_url()}")
        expect(page.locator("#evaluation")).to_contain_text(
            vi("Corrective actions: %(open)s open (%(overdue)s overdue), %(closed)s closed.")
            % {"open": 0, "overdue": 0, "closed": 1}
        )
        # The after-action report and improvement plan opens as a Word document.
        with page.expect_download() as download:
            page.get_by_role("link", name=vi("After-action report (.docx)")).click()
        with zipfile.ZipFile(download.value.path()) as docx:
            body = docx.read("word/document.xml").decode()
        assert GAP in body and ACTION in body
    finally:
        leader.close()
    assert outside == []
    assert errors == []


@pytest.mark.parametrize("username", ["thuongtruc", "congthuong"])
def test_the_corrective_actions_fit_a_phone(browser: Any, site: str, username: str) -> None:
    """The list the sub-menu now leads every persona to (the demo's open actions)."""
    phone = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    try:
        page = phone.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, site, username)
        page.goto(f"{site}{reverse('exercises:action_list')}?view=all")
        rows = page.locator("#corrective-actions tbody tr")
        expect(rows.first.locator("a[href^='/work/tasks/']")).to_be_visible()  # not empty
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the corrective actions are {width} px wide on a 390 px phone"
    finally:
        phone.close()
