"""Plan review reminders and escalation: one reminder per plan per threshold, one case
when overdue, however often the sweep runs (the rows are the truth, so a restart
changes nothing); the next approved version closes the case."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.sites.helpers import SYSTEM, new_plan, submitted
from vigil.core import scheduler
from vigil.inbox.models import CaseKind, EscalationCase, Notification, Reminder
from vigil.inbox.services import about_fields
from vigil.sites import reminders, services
from vigil.sites.models import Plan

pytestmark = pytest.mark.django_db
APPROVED = dt.date(2026, 1, 15)  # the next review falls on 15/01/2027
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), VN)


def _plan() -> Plan:
    plan = new_plan()
    services.approve_version(submitted(plan), decision_number="1/QĐ", approved_on=APPROVED,
                             actor=SYSTEM)  # fmt: skip
    plan.refresh_from_db()
    return plan


def _reminders(plan: Plan, rule: str = reminders.REMIND_RULE) -> list[str]:
    rows = Reminder.objects.filter(**about_fields(plan), rule=rule).order_by("sent_at")
    return list(rows.values_list("threshold", flat=True))


def _cases(plan: Plan) -> list[EscalationCase]:
    return list(EscalationCase.objects.filter(**about_fields(plan), kind=CaseKind.PLAN_REVIEW))


def _sweep(day: dt.date) -> None:
    with time_machine.travel(_at(day), tick=False):
        scheduler.run_sweep_now(reminders.SWEEP, _at(day))


def test_the_sweep_is_registered() -> None:
    assert scheduler.registered_sweeps()[reminders.SWEEP].every == dt.timedelta(hours=1)


def test_the_sweep_run_twice_sends_one_reminder_per_threshold() -> None:
    plan = _plan()
    _sweep(dt.date(2026, 12, 1))  # 45 days before: nothing yet
    assert _reminders(plan) == []
    _sweep(dt.date(2026, 12, 20))  # 26 days before
    _sweep(dt.date(2026, 12, 20))
    _sweep(dt.date(2026, 12, 28))  # still the 30-day threshold
    assert _reminders(plan) == ["30d:2027-01-15"]
    _sweep(dt.date(2027, 1, 10))  # 5 days before
    _sweep(dt.date(2027, 1, 10))
    assert _reminders(plan) == ["30d:2027-01-15", "7d:2027-01-15"]
    notification = Reminder.objects.get(
        **about_fields(plan), threshold="7d:2027-01-15"
    ).notification
    assert notification is not None
    assert notification.subject == "Phương án KB-TH 01 đến hạn rà soát ngày 15/01/2027."
    assert _cases(plan) == []


def test_due_sweeps_after_a_restart_send_nothing_twice() -> None:
    plan = _plan()
    now = _at(dt.date(2026, 12, 20))
    with time_machine.travel(now, tick=False):
        scheduler.run_due_sweeps(now, names=[reminders.SWEEP])
        # A restarted worker knows nothing but the database: run it again, later.
        scheduler.run_due_sweeps(now + dt.timedelta(hours=2), names=[reminders.SWEEP])
    assert _reminders(plan) == ["30d:2027-01-15"]


def test_an_overdue_plan_opens_one_case_and_tells_the_standing_office_once() -> None:
    plan = _plan()
    _sweep(dt.date(2027, 1, 16))
    _sweep(dt.date(2027, 1, 16))
    _sweep(dt.date(2027, 1, 20))
    cases = _cases(plan)
    assert len(cases) == 1
    assert cases[0].resolved_at is None
    assert cases[0].committee_id == plan.owning_committee_id
    assert _reminders(plan, reminders.OVERDUE_RULE) == ["2027-01-15"]
    notices = Notification.objects.filter(**about_fields(plan), subject__contains="quá hạn")
    assert notices.count() == 1
    # A new approved version closes the case and schedules the next review.
    with time_machine.travel(_at(dt.date(2027, 1, 20)), tick=False):
        services.approve_version(submitted(plan), decision_number="2/QĐ", actor=SYSTEM)
        plan.refresh_from_db()
        assert plan.next_review_on == dt.date(2028, 1, 20)
        _sweep(dt.date(2027, 1, 20))
    cases = _cases(plan)
    assert len(cases) == 1
    assert cases[0].resolved_at is not None


def test_thresholds() -> None:
    assert [reminders.threshold_for(n) for n in (31, 30, 8, 7, 0)] == [None, 30, 30, 7, 7]
