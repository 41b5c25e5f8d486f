"""Scorecard figures equal the hand-computed ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.work.helpers import SEED, agency, province
from vigil.work import scorecard, services

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
            services.assign_task(province(), lead=[health], title=f"Việc {n}",
                                 deadline=start + dt.timedelta(days=10), actor=SEED)[0]
            for n in range(5)
        ]  # fmt: skip
        services.cancel_task(tasks[4], reason="Không cần", actor=SEED)  # not counted
    for task, late_by in zip(tasks[:3], (0, 2, 4), strict=True):
        with _on(task.deadline + dt.timedelta(days=late_by)):
            services.acknowledge_task(task, actor=SEED)
            services.report_done(task, actor=SEED)
    services.accept_task(tasks[0], actor=SEED)  # accepted still counts as done
    with _on(dt.date(2027, 4, 1)):
        (row,) = [r for r in scorecard.scorecard(persona("lanhdao")) if r.agency == health]
    assert (row.assigned, row.done, row.on_time, row.overdue) == (4, 3, 1, 1)
    assert row.median_days_late == 3  # late by 2 and 4
    assert row.on_time_percent == 33
