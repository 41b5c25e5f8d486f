"""The work sections (leadership, coordination, indicators, next period) of the demo's
2026 annual summary: each figure is the one the work figures page and its API show for
the same committee and year; a Mật task counted makes coordination Mật; a year with no
data drafts with notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.work.helpers import agency, province
from vigil.core.audit import SystemActor
from vigil.core.classification import Classification
from vigil.reports.models import ReportKind, SummaryReport
from vigil.reports.sections.base import SectionContent
from vigil.reports.summaries import services
from vigil.work.figures.queries import WorkFigures
from vigil.work.tasks import services as task_services

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
WORK_SECTIONS = ("leadership", "coordination", "indicators")


def api_value(data: dict[str, Any], key: str) -> Any:
    """A section figure's value as the API gives it, by the figure's key."""
    direct = {
        "documents_issued": data["documents_issued"], "meetings": data["meetings"],
        "conclusion_points": data["conclusion_points"], "work_plans": len(data["work_plans"]),
        "ack_median_hours": data["ack_median_hours"],
        "incoming_received": data["incoming_received"], "documents_sent": data["documents_sent"],
        "documents_exchanged": data["documents_exchanged"],
        "reports_expected": data["reports_expected"], "reports_on_time": data["reports_on_time"],
        "reports_late": data["reports_late"], "units_not_reported": data["reports_missing"],
    }  # fmt: skip
    if key in direct:
        return direct[key]
    if key.startswith("tasks_"):
        return data["tasks"][key.removeprefix("tasks_")]
    if key.startswith("documents_"):
        return data["documents_by_type"][key.removeprefix("documents_")]
    if key.startswith("meetings_"):
        return data["meetings_by_kind"][key.removeprefix("meetings_")]
    if key.startswith("indicator_"):
        code = key.removeprefix("indicator_")
        return next(i["value"] for i in data["indicators"] if i["code"] == code)
    raise AssertionError(f"no API value for {key}")


def page_lines(f: WorkFigures) -> dict[str, Any]:
    return {
        "documents_issued": f.documents_issued, "meetings": f.meetings,
        "tasks_assigned": f.total("assigned"), "tasks_late": f.total("late"),
        "tasks_overdue": f.total("overdue"), "tasks_on_time": f.total("on_time"),
        "reports_late": f.reports_late, "units_not_reported": f.reports_missing,
        "incoming_received": f.incoming_received,
    }  # fmt: skip


def test_every_work_figure_is_the_page_and_api_figure(
    persona: Callable[[str], Any], client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
) -> None:  # fmt: skip
    report = services.draft_report(province(), ReportKind.ANNUAL, 2026, actor=persona("thuongtruc"))
    query = f"?year=2026&committee={province().pk}"
    data = api_for("thuongtruc").get("/api/v1/work-figures/" + query).json()
    page = client_for("thuongtruc").get("/work/figures/" + query)
    assert page.status_code == 200
    shown = page_lines(page.context["figures"])
    checked = 0
    for key in WORK_SECTIONS:
        content = SectionContent.from_json(report.sections.get(key=key).content)
        assert content.figures, key
        for figure in content.figures:
            assert figure.source == "/work/figures/" + query
            assert figure.value == api_value(data, figure.key), (key, figure.key)
            if figure.key in shown:
                assert figure.value == shown[figure.key], (key, figure.key)
            checked += 1
    assert checked > 20
    coordination = SectionContent.from_json(report.sections.get(key="coordination").content)
    # The demo's figures are there: tasks, the review conference, the indicators.
    assert coordination.figure("tasks_assigned")
    leadership = report.sections.get(key="leadership")
    assert "Hội nghị tổng kết" in leadership.text or "hội nghị tổng kết" in leadership.text
    indicators = SectionContent.from_json(report.sections.get(key="indicators").content)
    assert indicators.figure("indicator_entry_exit_checked")
    assert indicators.figure("units_not_reported")
    assert any(t.key == "missing_reports" for t in indicators.tables)
    next_period = report.sections.get(key="next_period")
    assert "Phương hướng, nhiệm vụ năm 2027" in next_period.text
    assert "Diễn tập tổng hợp phương án" in next_period.text
    # Next year's items are those the plan's own page lists.
    items = SectionContent.from_json(next_period.content)
    plan_figure = next(f for f in items.figures if f.key == "next_plan_items")
    plan_page = client_for("thuongtruc").get(plan_figure.source).content.decode()
    rows = next(t for t in items.tables if t.key == "next_plan_items").rows
    assert plan_figure.value == len(rows) == 3
    assert all(str(text) in plan_page for _n, text in rows)


def test_a_confidential_task_makes_coordination_confidential(
    persona: Callable[[str], Any],
) -> None:
    with time_machine.travel(dt.datetime(2030, 3, 4, 9, tzinfo=VN), tick=False):
        task_services.assign_task(
            province(), lead=[agency("dit")], title="Nhiệm vụ mật",
            deadline=dt.date(2030, 3, 20), classification=Classification.CONFIDENTIAL,
            actor=SystemActor("test"),
        )  # fmt: skip
    report = services.draft_report(province(), ReportKind.ANNUAL, 2030, actor=persona("thuongtruc"))
    coordination = SectionContent.from_json(report.sections.get(key="coordination").content)
    assert coordination.figure("tasks_assigned") == 1
    assert coordination.figure("tasks_open") == 1
    assert coordination.classification == Classification.CONFIDENTIAL
    leadership = SectionContent.from_json(report.sections.get(key="leadership").content)
    assert leadership.classification == Classification.UNCLASSIFIED


def test_a_year_without_data_drafts_with_notes(persona: Callable[[str], Any]) -> None:
    report = services.draft_report(province(), ReportKind.ANNUAL, 2030, actor=persona("thuongtruc"))
    for key in (*WORK_SECTIONS, "next_period"):
        content = SectionContent.from_json(report.sections.get(key=key).content)
        assert content.notes, key
        assert "Trong" in content.text or "Chưa có" in " ".join(content.notes), key
    coordination = report.sections.get(key="coordination")
    assert "không có nhiệm vụ" in coordination.text


def test_a_quarterly_report_lists_the_next_quarters_deadlines(
    persona: Callable[[str], Any],
) -> None:
    # The demo drafts the province's third quarter (the last one finished on its day).
    report = SummaryReport.objects.filter(
        owning_committee=province(), kind=ReportKind.QUARTERLY, year=2026, part=3
    ).first() or services.draft_report(
        province(), ReportKind.QUARTERLY, 2026, 3, actor=persona("thuongtruc")
    )
    leadership = SectionContent.from_json(report.sections.get(key="leadership").content)
    source = f"/work/figures/?year=2026&period=q3&committee={province().pk}"
    assert leadership.figures[0].source == source
    next_period = SectionContent.from_json(report.sections.get(key="next_period").content)
    assert next_period.figure("next_tasks_due") is not None
