"""Reminders before the due day and escalation of late units, with a frozen clock
across a weekend and Tết 2027; every sweep idempotent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.work.obligations.conftest import World, by_unit, report
from vigil.core import scheduler
from vigil.core.audit import SystemActor
from vigil.core.workdays import seed_holidays
from vigil.inbox.delivery import deliver_pending
from vigil.inbox.escalation import escalate_due
from vigil.inbox.models import EscalationCase, EscalationEvent, InboxEntry, Reminder
from vigil.work.obligations import chasing, services
from vigil.work.obligations.models import ReportObligation, ReportSubmission

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y: int, m: int, d: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, hour, 0, tzinfo=VN)


def thresholds(sub: ReportSubmission) -> set[str]:
    return set(
        Reminder.objects.filter(about_id=str(sub.pk), about_type__model="reportsubmission")
        .values_list("threshold", flat=True)
    )  # fmt: skip


def chase(now: dt.datetime, period: Any = None) -> int:
    """Run the sweep; count the reminders and cases it made for ``period``'s reports
    (the demo's own reports are chased too, and are not counted)."""
    ids = [
        str(pk)
        for pk in ReportSubmission.objects.filter(period=period).values_list("pk", flat=True)
    ]
    before = Reminder.objects.filter(about_id__in=ids).count()
    cases = EscalationCase.objects.filter(about_id__in=ids, about_type__model="reportsubmission")
    opened = cases.count()
    with time_machine.travel(now, tick=False):
        chasing.chase_reports(now)
    return Reminder.objects.filter(about_id__in=ids).count() - before + cases.count() - opened


def test_the_sweeps_are_registered() -> None:
    sweeps = scheduler.registered_sweeps()
    assert {"work.reports.open_periods", "work.reports.chase"} <= set(sweeps)


@pytest.fixture
def tet(world: World, make_obligation: Callable[..., ReportObligation]) -> dict[str, Any]:
    """January 2027's reports, due 5 working days after the month: Friday 12 February,
    after Tết (4–10 February 2027 off)."""
    seed_holidays([2027], actor=SystemActor("test"))
    obligation = make_obligation(starts_on=dt.date(2027, 1, 1), due_rule="working_days_after",
                                 due_day=5)  # fmt: skip
    with time_machine.travel(at(2027, 1, 2), tick=False):
        period = services.open_period(obligation, actor=world.user("thuongtruc")).period
    assert period.due_on == dt.date(2027, 2, 12)
    return {"period": period, "subs": by_unit(period)}


def test_reminders_count_working_days_across_tet(world: World, tet: dict[str, Any]) -> None:
    dit, P = tet["subs"][world.dit], tet["period"]
    assert chase(at(2027, 2, 1), P) == 0  # 4 working days left (2, 3, 11, 12 Feb)
    assert thresholds(dit) == set()
    assert chase(at(2027, 2, 2), P) == 4  # 3 left: every unit reminded once
    assert chase(at(2027, 2, 2, 15), P) == 0  # the same day again: nothing twice
    assert thresholds(dit) == {"3wd"}
    assert chase(at(2027, 2, 8), P) == 0  # in the middle of Tết: still 2 working days left
    assert chase(at(2027, 2, 10), P) == 0
    assert chase(at(2027, 2, 11), P) == 4  # the day before: the last reminder
    assert chase(at(2027, 2, 11, 16), P) == 0
    assert thresholds(dit) == {"3wd", "1wd"}
    with time_machine.travel(at(2027, 2, 11), tick=False):
        deliver_pending(at(2027, 2, 11))
    assert (
        InboxEntry.objects.filter(
            user__username="congthuong",
            notification__subject__startswith="Report due on 12/02/2027",
        ).count()
        == 2
    )
    assert not InboxEntry.objects.filter(
        user__username="bienphong", notification__about_id=str(dit.pk)
    ).exists()


def test_a_submitted_report_is_not_chased(world: World, tet: dict[str, Any]) -> None:
    dit, P = tet["subs"][world.dit], tet["period"]
    with time_machine.travel(at(2027, 1, 20), tick=False):
        report(dit, world.user("congthuong"), {"incidents": 0, "readiness": "90",
                                              "plans_updated": True})  # fmt: skip
    assert chase(at(2027, 2, 2), P) == 3
    assert chase(at(2027, 2, 15), P) == 3
    assert thresholds(dit) == set()
    assert not EscalationCase.objects.filter(about_id=str(dit.pk)).exists()


def test_late_units_escalate_in_working_time_over_the_weekend(
    world: World, tet: dict[str, Any]
) -> None:
    b, P = tet["subs"][world.b], tet["period"]
    # Saturday 13 February: the day after the due day. Each open unit gets one case.
    assert chase(at(2027, 2, 13), P) == 4
    assert chase(at(2027, 2, 13, 18), P) == 0
    case = EscalationCase.objects.get(about_id=str(b.pk), about_type__model="reportsubmission")
    assert case.agency_id == world.b.standing_agency_id
    assert case.committee_id == world.province.pk
    assert "Late report" in case.subject and "12/02/2027" in case.subject
    # The policy counts working time: the weekend does not count, so the first step
    # (one working day) falls at the end of Monday 15 February.
    with time_machine.travel(at(2027, 2, 15, 12), tick=False):
        escalate_due(at(2027, 2, 15, 12))
    assert not EscalationEvent.objects.filter(case=case, type="step").exists()
    ours = EscalationEvent.objects.filter(
        case__about_id__in=[str(s.pk) for s in tet["subs"].values()], type="step"
    )
    with time_machine.travel(at(2027, 2, 16, 1), tick=False):
        escalate_due(at(2027, 2, 16, 1))
        assert ours.count() == 4
        escalate_due(at(2027, 2, 16, 2))
        assert ours.count() == 4
    steps = EscalationEvent.objects.filter(case=case, type="step")
    assert list(steps.values_list("step", flat=True)) == [1]
    # Commune B submits: the case closes, nothing further escalates.
    with time_machine.travel(at(2027, 2, 16, 8), tick=False):
        report(b, world.user("xa_b"), {"incidents": 0, "readiness": "80", "plans_updated": False})
    case.refresh_from_db()
    assert case.resolved_at is not None
    with time_machine.travel(at(2027, 2, 25), tick=False):
        escalate_due(at(2027, 2, 25))
    assert EscalationEvent.objects.filter(case=case, type="step").count() == 1
    assert chase(at(2027, 2, 25), P) == 0  # the other three cases are already open


def test_a_weekend_before_the_due_day(world: World, make_obligation: Callable[..., Any]) -> None:
    """February 2027's reports due Monday 22 March: the last reminder goes on Friday."""
    obligation = make_obligation(starts_on=dt.date(2027, 2, 1), due_day=22,
                                 agencies=[world.dit], committees=[])  # fmt: skip
    with time_machine.travel(at(2027, 2, 2), tick=False):
        period = services.open_period(obligation, actor=world.user("thuongtruc")).period
    dit = by_unit(period)[world.dit]
    assert period.due_on == dt.date(2027, 3, 22)
    chase(at(2027, 3, 16))  # 17, 18, 19, 22: four working days left
    assert thresholds(dit) == set()
    chase(at(2027, 3, 18))
    assert thresholds(dit) == {"3wd"}
    chase(at(2027, 3, 19))  # Friday: Monday is the next working day
    assert thresholds(dit) == {"3wd", "1wd"}
    chase(at(2027, 3, 20))
    chase(at(2027, 3, 21))
    assert not EscalationCase.objects.filter(about_id=str(dit.pk)).exists()
    chase(at(2027, 3, 23))
    assert EscalationCase.objects.filter(about_id=str(dit.pk), resolved_at=None).count() == 1
