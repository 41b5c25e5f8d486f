"""The summary report pages: who sees what (the list, the draft form, a report and its
sections: 404 for what is not yours, a report above the reader's clearance included),
drafting, editing a section (a stale edit refused), recomputing, discarding and issuing
from the pages; an issued report refuses an edit and a second issue in Vietnamese, and
nothing is written."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext, override

from vigil.core import clock
from vigil.core.audit import CoreAction
from vigil.core.models import AuditEvent
from vigil.org.models import Committee
from vigil.reports.models import ReportAction
from vigil.reports.summaries import services
from vigil.reports.summaries.models import ReportKind, ReportState, SummaryReport
from vigil.reports.summary import summary_for

pytestmark = pytest.mark.django_db


def vi(text: str) -> str:
    with override("vi"):
        return gettext(text)


def body(response: Any) -> str:
    return str(response.content.decode())


def events(action: str, report: SummaryReport) -> int:
    return AuditEvent.objects.filter(action=action, object_id=str(report.pk)).count()


def test_the_list_shows_the_reports_each_user_sees_and_the_form_to_who_may_draft(
    client_for: Callable[[str], Client], demo_report: SummaryReport
) -> None:
    office = client_for("thuongtruc").get(reverse("reports:report_list"))
    assert office.status_code == 200
    assert demo_report.title in body(office) and demo_report.number in body(office)
    assert office.context["draft_form"] is not None
    assert vi("Draft the report") in body(office)
    for username in ("congthuong", "xa_a", "quantri"):  # quantri: Thường, the report is Mật
        page = client_for(username).get(reverse("reports:report_list"))
        assert page.status_code == 200
        assert demo_report.title not in body(page), username
    assert client_for("congthuong").get(reverse("reports:report_list")).context[
        "draft_form"] is None  # fmt: skip
    assert client_for("kiemtoan").get(reverse("reports:report_list")).context["draft_form"] is None


def test_the_list_filters_by_year_kind_and_state(
    client_for: Callable[[str], Client], demo_report: SummaryReport,
    draft: Callable[..., SummaryReport],
) -> None:  # fmt: skip
    annual = draft()
    client = client_for("thuongtruc")

    def listed(query: str) -> set[int]:
        page = client.get(reverse("reports:report_list") + query).context["page"]
        return {r.pk for r in page.paginator.object_list}

    assert listed("") >= {annual.pk, demo_report.pk}
    assert listed("?state=draft") == {annual.pk}
    assert listed("?kind=quarterly&state=issued") == {demo_report.pk}
    assert listed("?year=2026&kind=annual") == {annual.pk}


def test_a_report_and_its_sections_are_404_to_who_may_not_see_it(
    client_for: Callable[[str], Client], demo_report: SummaryReport
) -> None:
    """The demo report is the province's and Mật: an agency officer, a commune and the
    administrator (cleared Thường) find neither it nor any of its sections."""
    key = demo_report.sections.order_by("order").first().key  # type: ignore[union-attr]
    urls = [
        reverse(name, args=[demo_report.pk])
        for name in ("reports:report_detail", "reports:report_docx", "reports:report_xlsx",
                     "reports:report_edxml", "reports:report_issue", "reports:report_discard")
    ] + [reverse("reports:section_edit", args=[demo_report.pk, key]),
         reverse("reports:report_chart", args=[demo_report.pk, key, "any"])]  # fmt: skip
    for username in ("congthuong", "bienphong", "xa_a", "xa_b", "quantri", "kho_mo"):
        client = client_for(username)
        for url in urls:
            assert client.get(url).status_code == 404, (username, url)
        assert client.post(reverse("reports:report_redraft", args=[demo_report.pk])).status_code \
            == 404  # fmt: skip
    assert client_for("thuongtruc").get(urls[0]).status_code == 200
    missing = reverse("reports:section_edit", args=[demo_report.pk, "no-such-section"])
    assert client_for("thuongtruc").get(missing).status_code == 404


def test_the_report_page_shows_its_sections_figures_stamp_and_who_drafted_it(
    client_for: Callable[[str], Client], draft: Callable[..., SummaryReport],
    demo_report: SummaryReport,
) -> None:  # fmt: skip
    report = draft()
    before = AuditEvent.objects.filter(action=CoreAction.OBJECT_VIEWED).count()
    page = client_for("thuongtruc").get(report.get_absolute_url())
    html = body(page)
    assert page.status_code == 200
    exercises = report.sections.get(key="exercises")
    assert exercises.title in html and exercises.text.splitlines()[0] in html
    figure = exercises.content["figures"][0]
    assert figure["label"] in html and f'href="{figure["source"]}"'.replace("&", "&amp;") in html
    assert reverse("reports:section_edit", args=[report.pk, "exercises"]) in html
    assert reverse("reports:report_redraft", args=[report.pk]) in html
    assert reverse("reports:report_issue", args=[report.pk]) not in html  # not a leader
    drafter = report.created_by
    assert drafter is not None and (drafter.full_name or drafter.username) in html
    # The Mật report: the stamp, and its read is audited.
    issued = client_for("lanhdao").get(demo_report.get_absolute_url())
    assert "MẬT" in body(issued) and demo_report.number in body(issued)
    assert reverse("reports:report_issue", args=[demo_report.pk]) not in body(issued)
    assert reverse("reports:section_edit", args=[demo_report.pk, "situation"]) not in body(issued)
    assert AuditEvent.objects.filter(action=CoreAction.OBJECT_VIEWED).count() > before


def test_drafting_from_the_list_opens_the_new_report(
    client_for: Callable[[str], Client], province: Committee
) -> None:
    response = client_for("thuongtruc").post(reverse("reports:report_list"), {
        "committee": province.pk, "kind": "annual", "year": "2026", "part": "",
        "classification": "0"})  # fmt: skip
    report = SummaryReport.objects.get(kind=ReportKind.ANNUAL, owning_committee=province)
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    again = client_for("lanhdao").post(reverse("reports:report_list"), {
        "committee": province.pk, "kind": "annual", "year": "2026", "classification": "0"})  # fmt: skip
    assert again.status_code == 400
    assert vi("This committee already has a report for this period.") in body(again)
    bad = client_for("thuongtruc").post(reverse("reports:report_list"), {
        "committee": province.pk, "kind": "quarterly", "year": "2026", "part": "5",
        "classification": "0"})  # fmt: skip
    assert bad.status_code == 400 and vi("Give a part of the year from 1 to %(n)d.") % {
        "n": 4} in body(bad)  # fmt: skip
    assert SummaryReport.objects.filter(kind=ReportKind.ANNUAL).count() == 1
    assert client_for("congthuong").post(reverse("reports:report_list"), {
        "committee": province.pk, "kind": "monthly", "year": "2026", "part": "1"}).status_code \
        == 403  # fmt: skip
    assert not SummaryReport.objects.filter(kind=ReportKind.MONTHLY).exists()


def test_a_section_is_edited_beside_its_drafted_text_and_a_stale_edit_is_refused(
    client_for: Callable[[str], Client], draft: Callable[..., SummaryReport],
    persona: Callable[[str], Any],
) -> None:  # fmt: skip
    report = draft()
    section = report.sections.get(key="exercises")
    url = reverse("reports:section_edit", args=[report.pk, "exercises"])
    client = client_for("thuongtruc")
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"]["version"].value() == section.version
    sentence = "Đã tổ chức tốt công tác diễn tập trong năm (sửa trên trang)."
    saved = client.post(url, {"text": sentence, "version": section.version})
    assert saved.status_code == 302
    section.refresh_from_db()
    assert section.text == sentence and section.edited_by == persona("thuongtruc")
    assert sentence in body(client.get(report.get_absolute_url()))
    # A second editor who read the earlier version is refused; nothing is written.
    stale = client_for("lanhdao").post(url, {"text": "Bản khác", "version": section.version - 1})
    assert stale.status_code == 400
    assert vi("Someone else changed this report in the meantime: reload it and try again.") in \
        body(stale)  # fmt: skip
    section.refresh_from_db()
    assert section.text == sentence and events(ReportAction.SECTION_EDITED, report) == 1
    assert client_for("kiemtoan").get(url).status_code == 403  # sees it, may not edit


def test_an_issued_report_refuses_an_edit_and_a_second_issue_in_vietnamese(
    client_for: Callable[[str], Client], demo_report: SummaryReport
) -> None:
    section = demo_report.sections.order_by("order").first()
    assert section is not None
    text, number, docx = section.text, demo_report.number, bytes(demo_report.issued_docx or b"")
    edit = client_for("thuongtruc").post(
        reverse("reports:section_edit", args=[demo_report.pk, section.key]),
        {"text": "Sửa sau khi ban hành", "version": section.version},
    )
    assert edit.status_code == 400
    assert vi("This report has been issued: it can no longer be changed.") in body(edit)
    issue = client_for("lanhdao").get(reverse("reports:report_issue", args=[demo_report.pk]))
    form = issue.context["form"]
    again = client_for("lanhdao").post(reverse("reports:report_issue", args=[demo_report.pk]), {
        "version": form["version"].value(), "issued_on": "25/11/2026",
        "signer_name": "Nguyễn Văn Demo", "signer_title": "TRƯỞNG BAN", "signing_form": "TM.",
        "recipients": ""})  # fmt: skip
    assert again.status_code == 400
    assert vi("This report was already issued as %(number)s.") % {"number": number} in body(again)
    redraft = client_for("thuongtruc").post(reverse("reports:report_redraft",
                                                    args=[demo_report.pk]))  # fmt: skip
    assert redraft.status_code == 302
    discard = client_for("thuongtruc").post(reverse("reports:report_discard",
                                                    args=[demo_report.pk]))  # fmt: skip
    assert discard.status_code == 302
    demo_report.refresh_from_db()
    section.refresh_from_db()
    assert (section.text, demo_report.number, demo_report.state) == (text, number, "issued")
    assert bytes(demo_report.issued_docx or b"") == docx
    assert events(ReportAction.SECTION_EDITED, demo_report) == 0
    assert events(ReportAction.REPORT_ISSUED, demo_report) == 1
    assert events(ReportAction.REPORT_REDRAFTED, demo_report) == 0


def test_a_leader_issues_a_draft_with_the_committees_signer_by_default(
    client_for: Callable[[str], Client], draft: Callable[..., SummaryReport]
) -> None:
    report = draft()
    url = reverse("reports:report_issue", args=[report.pk])
    assert client_for("thuongtruc").get(url).status_code == 403  # drafts, does not issue
    leader = client_for("lanhdao")
    page = leader.get(url)
    initial = {name: page.context["form"][name].value() for name in (
        "version", "signer_name", "signer_title", "signing_form")}  # fmt: skip
    assert initial["signing_form"] in ("TM.", "KT.") and initial["signer_title"]
    response = leader.post(url, {
        **initial, "issued_on": "25/11/2026",
        "recipients": "Ban Chỉ đạo quốc gia\nUBND tỉnh\n"})  # fmt: skip
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.ISSUED and report.number
    assert report.issued_on == dt.date(2026, 11, 25)
    assert report.recipients.splitlines() == ["Ban Chỉ đạo quốc gia", "UBND tỉnh"]
    shown = body(leader.get(report.get_absolute_url()))
    assert report.number in shown
    assert vi("Report issued as %(number)s.") % {"number": report.number} in shown


def test_recomputing_keeps_an_edited_section_and_discarding_deletes_the_draft(
    client_for: Callable[[str], Client], draft: Callable[..., SummaryReport],
    persona: Callable[[str], Any],
) -> None:  # fmt: skip
    report = draft()
    section = report.sections.get(key="exercises")
    services.edit_section(section, "Giữ nguyên sau khi tính lại.", actor=persona("thuongtruc"))
    report.refresh_from_db()  # an edit changes the report's version
    client = client_for("thuongtruc")
    stale = client.post(reverse("reports:report_redraft", args=[report.pk]),
                        {"version": report.version + 5})  # fmt: skip
    assert stale.status_code == 302 and events(ReportAction.REPORT_REDRAFTED, report) == 0
    done = client.post(reverse("reports:report_redraft", args=[report.pk]),
                       {"version": report.version})  # fmt: skip
    assert done.status_code == 302 and events(ReportAction.REPORT_REDRAFTED, report) == 1
    assert report.sections.get(key="exercises").text == "Giữ nguyên sau khi tính lại."
    assert client_for("kiemtoan").post(
        reverse("reports:report_redraft", args=[report.pk])).status_code == 403  # fmt: skip
    confirm = client.get(reverse("reports:report_discard", args=[report.pk]))
    assert confirm.status_code == 200 and report.title in body(confirm)
    gone = client.post(reverse("reports:report_discard", args=[report.pk]))
    assert gone.status_code == 302 and gone["Location"] == reverse("reports:report_list")
    assert not SummaryReport.objects.filter(pk=report.pk).exists()


def test_the_draft_downloads_as_a_docx_holding_the_edited_text(
    client_for: Callable[[str], Client], draft: Callable[..., SummaryReport],
    persona: Callable[[str], Any],
) -> None:  # fmt: skip
    report = draft()
    services.edit_section(report.sections.get(key="exercises"), "Câu văn đã sửa để tải về.",
                          actor=persona("thuongtruc"))  # fmt: skip
    response = client_for("thuongtruc").get(reverse("reports:report_docx", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
        xml = docx.read("word/document.xml").decode()
    assert "Câu văn đã sửa để tải về." in xml and "DỰ THẢO" in xml


def test_the_home_panel_counts_drafts_and_from_december_the_annual_summary_to_draft(
    client_for: Callable[[str], Client], persona: Callable[[str], Any],
    draft: Callable[..., SummaryReport],
) -> None:  # fmt: skip
    office = persona("thuongtruc")
    assert [i["value"] for i in summary_for(office)["items"]] == [0]  # November: drafts only
    assert summary_for(persona("congthuong"))["items"] == []
    assert summary_for(persona("kiemtoan"))["items"] == []
    december = dt.datetime.combine(dt.date(2026, 12, 2), dt.time(9), clock.now().tzinfo)
    with time_machine.travel(december, tick=False):
        items = summary_for(office)["items"]
        assert items[1]["value"] == 1  # the province's 2026 summary
        listed = client_for("thuongtruc").get(items[1]["url"])
        assert [c.pk for c in listed.context["to_draft"]] == [
            Committee.objects.get(name__endswith="tỉnh Quảng Ninh").pk]  # fmt: skip
        assert "2026" in body(listed) and listed.context["draft_form"] is not None
        draft()
        items = summary_for(office)["items"]
        assert len(items) == 1 and items[0]["value"] == 1
        leader = summary_for(persona("lanhdao"))["items"]
        assert leader[0]["value"] == 1 and leader[0]["url"].endswith("?state=draft")
        home = body(client_for("lanhdao").get("/"))
        assert vi("report drafts waiting to be issued") in home


def test_the_menu_shows_reports_to_who_sees_or_drafts_them(
    client_for: Callable[[str], Client],
) -> None:
    link = f'href="{reverse("reports:report_list")}"'
    # congthuong sees no report, but the Giấy khen the demo awards its department.
    for username, shown in (("lanhdao", True), ("thuongtruc", True), ("xa_a", True),
                            ("kiemtoan", True), ("congthuong", True), ("kho_mo", False)):  # fmt: skip
        assert (link in body(client_for(username).get("/"))) is shown, username
    commendations = f'href="{reverse("reports:commendation_list")}"'
    assert commendations in body(client_for("congthuong").get(reverse("reports:report_list")))
