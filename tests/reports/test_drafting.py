"""Drafting a summary report: one action computes every section of the outline; a second
draft of the same period, a year out of range and a user who may not draft are refused
and write nothing; an edited section keeps its text when the figures are recomputed;
an issued report is numbered once and never changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from vigil.core.models import AuditEvent
from vigil.org.models import Committee
from vigil.reports.models import ReportAction, ReportKind, ReportState, SummaryReport
from vigil.reports.sections.outline import outline_for
from vigil.reports.summaries import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english() -> Any:
    with translation.override("en"):
        yield


def province() -> Committee:
    return Committee.objects.get(name__endswith="tỉnh Quảng Ninh")


def test_one_action_drafts_every_section_of_the_annual_outline(
    persona: Callable[[str], Any],
) -> None:
    steps: list[tuple[int, int, str]] = []
    report = services.draft_report(
        province(), ReportKind.ANNUAL, 2026, actor=persona("thuongtruc"),
        progress=lambda done, total, title: steps.append((done, total, title)),
    )  # fmt: skip
    keys = [s.key for s in report.sections.order_by("order")]
    assert keys == [s.key for s in outline_for(annual=True)]
    assert steps[-1][0] == steps[-1][1] == len(keys)
    exercises = report.sections.get(key="exercises")
    assert "diễn tập" in exercises.text
    assert AuditEvent.objects.filter(action=ReportAction.REPORT_DRAFTED,
                                     object_id=str(report.pk)).count() == 1  # fmt: skip


def test_the_periodic_outline_is_shorter(persona: Callable[[str], Any]) -> None:
    report = services.draft_report(
        province(), ReportKind.QUARTERLY, 2026, 2, actor=persona("thuongtruc")
    )  # (the demo holds the issued third quarter's: vigil/reports/demo.py)
    assert report.starts_on.isoformat() == "2026-04-01"
    assert report.ends_on.isoformat() == "2026-06-30"
    assert report.sections.count() == len(outline_for(annual=False))
    assert "quý II năm 2026" in report.title


def test_a_second_draft_of_the_period_is_refused(persona: Callable[[str], Any]) -> None:
    services.draft_report(province(), ReportKind.ANNUAL, 2026, actor=persona("thuongtruc"))
    with pytest.raises(ValidationError, match="already has a report"):
        services.draft_report(province(), ReportKind.ANNUAL, 2026, actor=persona("lanhdao"))
    assert SummaryReport.objects.filter(kind=ReportKind.ANNUAL).count() == 1


@pytest.mark.parametrize("username", ["congthuong", "kiemtoan", "xa_a", "kho_mo"])
def test_who_may_not_draft_is_refused(persona: Callable[[str], Any], username: str) -> None:
    with pytest.raises(PermissionDenied):
        services.draft_report(province(), ReportKind.ANNUAL, 2026, actor=persona(username))
    assert not SummaryReport.objects.filter(kind=ReportKind.ANNUAL).exists()


def test_a_bad_period_is_refused_in_words(persona: Callable[[str], Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        services.draft_report(province(), ReportKind.MONTHLY, 2026, 13, actor=persona("thuongtruc"))
    assert "part" in caught.value.message_dict
    assert not SummaryReport.objects.filter(kind=ReportKind.MONTHLY).exists()


def test_an_edited_section_survives_a_redraft_and_an_issued_report_is_frozen(
    persona: Callable[[str], Any],
) -> None:
    office, leader = persona("thuongtruc"), persona("lanhdao")
    report = services.draft_report(province(), ReportKind.ANNUAL, 2026, actor=office)
    section = report.sections.get(key="situation")
    services.edit_section(section, "Tình hình ổn định.", actor=office, version=section.version)
    report.refresh_from_db()  # the edit changed the report's version
    report = services.redraft_report(report, actor=office, version=report.version)
    assert report.sections.get(key="situation").text == "Tình hình ổn định."
    with pytest.raises(PermissionDenied):
        services.issue_report(report, actor=office)
    report = services.issue_report(report, actor=leader, version=report.version)
    assert report.state == ReportState.ISSUED and report.number.endswith("/BC-BCĐ")
    assert report.issued_docx
    with pytest.raises(ValidationError, match="already issued"):
        services.issue_report(report, actor=leader)
    with pytest.raises(ValidationError, match="issued"):
        services.edit_section(report.sections.get(key="situation"), "x", actor=office)
    assert report.sections.get(key="situation").text == "Tình hình ổn định."


def test_a_leader_cannot_issue_a_version_older_than_the_last_section_edit(
    persona: Callable[[str], Any],
) -> None:
    office, leader = persona("thuongtruc"), persona("lanhdao")
    report = services.draft_report(province(), ReportKind.ANNUAL, 2026, actor=office)
    read_by_leader = report.version
    section = report.sections.get(key="situation")
    services.edit_section(section, "Câu mới.", actor=office, version=section.version)
    with pytest.raises(services.StaleReport):
        services.issue_report(report, actor=leader, version=read_by_leader)
    assert SummaryReport.objects.get(pk=report.pk).state == ReportState.DRAFT


def test_a_leader_recomputes_as_the_drafter_sees_the_committee(
    persona: Callable[[str], Any],
) -> None:
    office, leader = persona("thuongtruc"), persona("lanhdao")
    report = services.draft_report(province(), ReportKind.ANNUAL, 2026, actor=office)
    level, figures = report.classification, {
        s.key: s.content for s in report.sections.all()
    }  # fmt: skip
    report = services.redraft_report(report, actor=leader)
    assert report.classification == level
    assert {s.key: s.content for s in report.sections.all()} == figures


def test_issuing_on_a_day_outside_the_period_or_ahead_is_refused(
    persona: Callable[[str], Any],
) -> None:
    import datetime as dt

    report = services.draft_report(province(), ReportKind.ANNUAL, 2026, actor=persona("thuongtruc"))
    for day in (dt.date(2025, 12, 31), dt.date(2030, 1, 5)):
        with pytest.raises(ValidationError) as caught:
            services.issue_report(report, actor=persona("lanhdao"), issued_on=day)
        assert "issued_on" in caught.value.message_dict
    assert SummaryReport.objects.get(pk=report.pk).number == ""


def test_a_discarded_draft_is_gone_with_its_event(persona: Callable[[str], Any]) -> None:
    report = services.draft_report(province(), ReportKind.ANNUAL, 2026, actor=persona("thuongtruc"))
    pk = report.pk
    services.discard_report(report, actor=persona("thuongtruc"))
    assert not SummaryReport.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action=ReportAction.REPORT_DISCARDED)
    assert event.object_id == str(pk) and event.object_type == "reports.summaryreport"
