"""Reminders before a task's deadline and escalation after it, counted in working
days, with a frozen clock across a weekend and Tết 2027; every sweep idempotent."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections

from tests.work.helpers import SEED, agency, province
from vigil.core import scheduler
from vigil.inbox import escalation
from vigil.inbox.models import EscalationCase, EscalationEvent, NotificationTarget, Reminder
from vigil.work import deadlines
from vigil.work.models import Task
from vigil.work.tasks import services as task_services

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), VN)


def _task(day: dt.date, working_days: int) -> Task:
    with time_machine.travel(at(day), tick=False):
        (task,) = task_services.assign_task(
            province(), lead=[agency("dit")], title="Báo cáo trước Tết",
            deadline_working_days=working_days, actor=SEED,
        )  # fmt: skip
    return task


def _reminders(task: Task) -> list[str]:
    return sorted(
        Reminder.objects.filter(about_id=str(task.pk), rule=deadlines.RULE).values_list(
            "threshold", flat=True
        )
    )


def _sweep(now: dt.datetime) -> dict[str, int]:
    with time_machine.travel(now, tick=False):
        result = scheduler.run_sweep_now("work.task_deadlines", now)
    assert isinstance(result, dict)
    return result


def test_three_working_days_from_before_tet_end_after_it() -> None:
    # Tue 2 Feb 2027; Tết keeps 4-10 Feb off: Wed 3, Thu 11, Fri 12 are the three days.
    task = _task(dt.date(2027, 2, 2), 3)
    assert task.deadline == dt.date(2027, 2, 12)


def test_reminders_count_working_days_and_are_sent_once() -> None:
    task = _task(dt.date(2027, 2, 2), 3)
    _sweep(at(dt.date(2027, 2, 2)))  # 3 working days left: the first reminder
    assert _reminders(task) == ["3wd"]
    _sweep(at(dt.date(2027, 2, 2), 10))  # run twice: nothing more
    _sweep(at(dt.date(2027, 2, 6)))  # Tết: still 2 working days, nothing new
    assert _reminders(task) == ["3wd"]
    _sweep(at(dt.date(2027, 2, 11)))
    _sweep(at(dt.date(2027, 2, 11), 15))
    assert _reminders(task) == ["1wd", "3wd"]
    _sweep(at(dt.date(2027, 2, 12)))
    assert _reminders(task) == ["0wd", "1wd", "3wd"]
    reminder = Reminder.objects.get(about_id=str(task.pk), threshold="1wd")
    assert reminder.notification is not None
    assert NotificationTarget.objects.filter(
        notification=reminder.notification, agency=agency("dit")
    ).exists()


def test_a_task_done_before_its_deadline_is_not_reminded() -> None:
    task = _task(dt.date(2027, 2, 2), 3)
    task_services.acknowledge_task(task, actor=SEED)
    task_services.report_done(task, actor=SEED)
    _sweep(at(dt.date(2027, 2, 12)))
    assert _reminders(task) == []


def test_escalation_opens_once_after_the_deadline_and_waits_over_the_weekend() -> None:
    task = _task(dt.date(2027, 2, 2), 3)  # due Friday 12 February
    _sweep(at(dt.date(2027, 2, 12), 16))  # the deadline day itself is not late
    assert _cases(task) == []
    _sweep(at(dt.date(2027, 2, 13)))  # Saturday: overdue
    _sweep(at(dt.date(2027, 2, 13), 12))  # run twice
    (case,) = _cases(task)
    assert case.agency_id == agency("dit").pk
    # One working day of 24 h, counted from Saturday: the weekend does not count.
    assert case.next_due_at is not None
    assert case.next_due_at.astimezone(VN).date() == dt.date(2027, 2, 16)
    with time_machine.travel(at(dt.date(2027, 2, 15), 8), tick=False):
        escalation.escalate_due(at(dt.date(2027, 2, 15), 8))
    assert _steps(task) == []
    with time_machine.travel(at(dt.date(2027, 2, 16), 1), tick=False):
        escalation.escalate_due(at(dt.date(2027, 2, 16), 1))
        escalation.escalate_due(at(dt.date(2027, 2, 16), 2))
    assert len(_steps(task)) == 1  # the duty officer, once
    task_services.acknowledge_task(task, actor=SEED)
    task_services.report_done(task, actor=SEED)
    assert _cases(task)[0].resolved_at is not None
    _sweep(at(dt.date(2027, 2, 16)))
    assert len(_cases(task)) == 1  # done: nothing reopens


def test_a_returned_overdue_task_escalates_again() -> None:
    task = _task(dt.date(2027, 2, 2), 3)
    _sweep(at(dt.date(2027, 2, 15)))
    task_services.acknowledge_task(task, actor=SEED)
    task_services.report_done(task, actor=SEED)
    task_services.return_task(task, reason="Thiếu số liệu", actor=SEED)
    _sweep(at(dt.date(2027, 2, 16)))
    cases = _cases(task)
    assert len(cases) == 2 and sum(c.resolved_at is None for c in cases) == 1


def _cases(task: Task) -> list[EscalationCase]:
    return list(
        EscalationCase.objects.filter(about_id=str(task.pk), kind="task", about_type__model="task")
    )


def _steps(task: Task) -> list[EscalationEvent]:
    return list(escalation.escalation_events_for(task).filter(type="step"))


def test_a_sweep_that_loses_the_race_on_one_task_goes_on_to_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two sweeps at once: between this sweep's check and its insert, the other
    sweep opens the case of the first task. The insert fails on the one-open-case
    constraint; this sweep takes the other's case and escalates the next task."""
    first, second = _task(dt.date(2027, 2, 2), 3), _task(dt.date(2027, 2, 2), 3)
    real_lookup = escalation._open_case_for
    raced: list[int] = []

    def lookup_then_lose_the_race(obj: object, kind: str) -> EscalationCase | None:
        if obj == first and not raced:
            raced.append(first.pk)
            # The other sweep wins: its case exists by the time we insert ours.
            escalation.open_case(first, kind=kind, subject="Quá hạn (tiến trình khác)")
            return None
        return real_lookup(obj, kind)  # type: ignore[arg-type]

    monkeypatch.setattr(escalation, "_open_case_for", lookup_then_lose_the_race)
    result = _sweep(at(dt.date(2027, 2, 15)))
    assert raced == [first.pk]  # the race really happened
    (case,) = _cases(first)
    assert case.subject == "Quá hạn (tiến trình khác)"  # the winner's, not a second one
    assert len(_cases(second)) == 1  # and the sweep went on to the next task
    assert (
        result["escalated"]
        == EscalationCase.objects.filter(kind="task", opened_at=at(dt.date(2027, 2, 15)))
        .exclude(pk=case.pk)
        .count()
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two sweeps at once, each with its own connection: PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("demo_again")
def test_two_sweeps_at_once_open_each_case_once_and_both_finish() -> None:
    tasks = [_task(dt.date(2027, 2, 2), 3) for _ in range(12)]
    now = at(dt.date(2027, 2, 15))
    start = threading.Barrier(2)
    opened: list[int] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            start.wait()
            opened.append(deadlines.escalate_overdue(now))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []  # neither sweep gave up half-way
    assert all(len(_cases(task)) == 1 for task in tasks)
    open_now = EscalationCase.objects.filter(kind="task", opened_at=now).count()
    assert sum(opened) == open_now  # each case counted by the sweep that opened it
