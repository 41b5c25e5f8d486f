"""Scorecard figures equal the hand-computed ones."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.work.helpers import SEED, agency, province
from vigil.work import scorecard
from vigil.work.tasks import services as task_services

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _on(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(9), VN), tick=False)


def test_assigned_done_on_time_overdue_and_median_days_late(
    persona: Callable[[str], Any],
) -> None:
    health = agency("health")
    start = dt.date(2027, 3, 1)
    with _on(start):
        tasks = [
            task_services.assign_task(province(), lead=[health], title=f"Việc {n}",
                                 deadline=start + dt.timedelta(days=10), actor=SEED)[0]
            for n in range(5)
        ]  # fmt: skip
        task_services.cancel_task(tasks[4], reason="Không cần", actor=SEED)  # not counted
    for task, late_by in zip(tasks[:3], (0, 2, 4), strict=True):
        with _on(task.deadline + dt.timedelta(days=late_by)):
            task_services.acknowledge_task(task, actor=SEED)
            task_services.report_done(task, actor=SEED)
    task_services.accept_task(tasks[0], actor=SEED)
    task_services.accept_task(tasks[1], actor=SEED)
    with _on(dt.date(2027, 4, 1)):
        (row,) = [r for r in scorecard.scorecard(persona("lanhdao")) if r.agency == health]
    # Done is accepted (tasks 0 and 1); task 2 is reported and waits for acceptance.
    assert (row.assigned, row.done, row.awaiting, row.on_time, row.overdue) == (4, 2, 1, 1, 1)
    assert row.median_days_late == 2  # the accepted late one: 2 days
    assert row.on_time_percent == 50


def test_a_task_reported_done_counts_as_done_only_once_accepted(
    persona: Callable[[str], Any], client_for: Callable[[str], Any], api_for: Callable[..., Any]
) -> None:
    from django.core.management import call_command

    health = agency("health")
    (task,) = task_services.assign_task(province(), lead=[health], title="Việc báo cáo",
                                   deadline_working_days=5, actor=SEED)  # fmt: skip
    task_services.acknowledge_task(task, actor=SEED)

    def figures() -> tuple[int, int]:
        (row,) = [r for r in scorecard.scorecard(persona("lanhdao")) if r.agency == health]
        return row.done, row.awaiting

    before_done, before_awaiting = figures()
    task_services.report_done(task, actor=SEED)
    assert figures() == (before_done, before_awaiting + 1)
    page = client_for("lanhdao").get("/work/scorecard/").content.decode()
    assert "Đã báo cáo hoàn thành, chờ nghiệm thu" in page
    assert f'<td class="awaiting">{before_awaiting + 1}</td>' in page
    (api_row,) = [
        r for r in api_for("lanhdao").get("/api/v1/scorecard/").json() if r["agency"] == health.pk
    ]
    assert (api_row["done"], api_row["awaiting"]) == (before_done, before_awaiting + 1)
    task_services.accept_task(task, actor=SEED)
    assert figures() == (before_done + 1, before_awaiting)
    out = io.StringIO()
    call_command("work", "scorecard", "--as", "lanhdao", stdout=out)
    assert "Đã báo cáo hoàn thành, chờ nghiệm thu" in out.getvalue()


def test_the_scorecard_is_marked_with_the_highest_classification_it_counts(
    persona: Callable[[str], Any], client_for: Callable[[str], Any]
) -> None:
    import io

    from openpyxl import load_workbook

    from vigil.core.classification import Classification

    health = agency("health")
    task_services.assign_task(province(), lead=[health], title="Việc tối mật",
                         deadline_working_days=5, classification=Classification.SECRET, actor=SEED)  # fmt: skip
    (row,) = [r for r in scorecard.scorecard(persona("lanhdao")) if r.agency == health]
    assert row.classification == Classification.SECRET
    assert scorecard.classification(scorecard.scorecard(persona("lanhdao"))) == 2

    def first_cell(username: str) -> Any:
        response = client_for(username).get("/work/scorecard.xlsx")
        ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
        return ws["A1"].value, ws.oddHeader.center.text

    assert first_cell("lanhdao") == ("TỐI MẬT", "TỐI MẬT")
    # Below the task's level the task is not counted, so it does not mark the file either.
    assert first_cell("thuongtruc")[0] != "TỐI MẬT"
    assert scorecard.classification(scorecard.scorecard(persona("congthuong"))) == 0
    assert first_cell("congthuong") == ("Cơ quan, đơn vị", None)
    page = client_for("lanhdao").get("/work/scorecard/").content.decode()
    assert "banner-classified" in page and "TỐI MẬT" in page
