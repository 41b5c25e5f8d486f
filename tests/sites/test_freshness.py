"""Freshness around each threshold, with the clock frozen: the Python answer and the
list's SQL answer agree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.sites.helpers import SYSTEM, new_plan, province, submitted
from vigil.core.models import AuditEvent
from vigil.sites import queries, services
from vigil.sites.models import Freshness, Plan, PlanReviewSetting

pytestmark = pytest.mark.django_db
APPROVED = dt.date(2026, 1, 15)  # next review 15/01/2027 with the default 12 months


def _on(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(9), ZoneInfo("Asia/Ho_Chi_Minh")),
                               tick=False)  # fmt: skip


def _plan() -> Plan:
    plan = new_plan()
    services.approve_version(submitted(plan), decision_number="1/QĐ", approved_on=APPROVED,
                             actor=SYSTEM)  # fmt: skip
    plan.refresh_from_db()
    return plan


@pytest.mark.parametrize(
    ("day", "state"),
    [
        (dt.date(2026, 12, 15), Freshness.CURRENT),  # 31 days before
        (dt.date(2026, 12, 16), Freshness.REVIEW_DUE),  # 30 days before
        (dt.date(2027, 1, 15), Freshness.REVIEW_DUE),  # the review day itself
        (dt.date(2027, 1, 16), Freshness.OVERDUE),  # the day after
    ],
)
def test_the_state_follows_the_review_date(
    day: dt.date, state: Freshness, persona: Callable[[str], Any]
) -> None:
    plan = _plan()
    assert plan.next_review_on == dt.date(2027, 1, 15)
    with _on(day):
        assert queries.freshness(plan) == state
        site = queries.sites_for(persona("lanhdao")).get(pk=plan.sites.get().pk)
        assert queries.state_of(site.state_rank) == state


def test_a_plan_without_an_approved_version_and_a_site_without_a_plan() -> None:
    plan = new_plan()
    assert queries.freshness(plan) == Freshness.NOT_APPROVED


def test_a_shorter_cycle_moves_the_review_date() -> None:
    plan = _plan()
    services.set_review_cycle(province(), months=6, actor=SYSTEM)
    plan.refresh_from_db()
    assert plan.next_review_on == dt.date(2026, 7, 15)
    assert queries.freshness(plan, dt.date(2026, 11, 25)) == Freshness.OVERDUE


def test_a_cycle_of_zero_is_refused_in_vietnamese_and_nothing_is_written() -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as info:
        services.set_review_cycle(province(), months=0, actor=SYSTEM)
    assert info.value.message_dict["review_cycle_months"] == ["Chu kỳ rà soát từ 1 đến 60 tháng."]
    assert not PlanReviewSetting.objects.exists()
    assert AuditEvent.objects.count() == events


def test_month_ends_are_kept() -> None:
    assert queries.add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert queries.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
