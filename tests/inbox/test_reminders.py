"""Reminders: one row per (object, rule, threshold), so a sweep run twice sends one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.inbox.helpers import contact_of, make_unit
from vigil.core import scheduler
from vigil.inbox.delivery import deliver_pending
from vigil.inbox.models import InboxEntry, Notification, Reminder
from vigil.inbox.services import remind_once
from vigil.org.models import ContactPoint

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2027, 3, 1, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def review_sweep() -> Iterator[list[ContactPoint]]:
    """An app's sweep: every contact point in ``due`` gets its '3 days before' reminder."""
    due: list[ContactPoint] = []

    def sweep(now: dt.datetime) -> None:
        for obj in due:
            remind_once(
                obj, rule="contact.review", threshold="3d", recipients=obj.agency,
                message="Rà soát đầu mối liên lạc", now=now,
            )  # fmt: skip

    scheduler.register_sweep("test.review", sweep)
    yield due
    scheduler._REGISTRY.pop("test.review")


def test_a_sweep_run_twice_sends_one_reminder(review_sweep: list[ContactPoint]) -> None:
    unit = make_unit("rem", officers=2)
    obj = contact_of(unit)
    review_sweep.append(obj)
    assert scheduler.run_due_sweeps(T0, names=["test.review"]) == ["test.review"]
    assert scheduler.run_due_sweeps(T0 + dt.timedelta(seconds=30), names=["test.review"]) == [
        "test.review"
    ]
    scheduler.run_sweep_now("test.review", T0 + dt.timedelta(minutes=5))

    reminders = Reminder.objects.filter(about_id=str(obj.pk), rule="contact.review")
    assert reminders.count() == 1
    notifications = Notification.objects.filter(about_id=str(obj.pk), kind="reminder")
    assert notifications.count() == 1
    deliver_pending(T0 + dt.timedelta(minutes=6))
    assert InboxEntry.objects.filter(notification__in=notifications).count() == 3


def test_a_new_threshold_is_a_new_reminder() -> None:
    unit = make_unit("rem2", officers=1)
    obj = contact_of(unit)
    first = remind_once(obj, rule="r", threshold="3d", recipients=unit.agency, message="3 ngày")
    again = remind_once(obj, rule="r", threshold="3d", recipients=unit.agency, message="3 ngày")
    later = remind_once(obj, rule="r", threshold="1d", recipients=unit.agency, message="1 ngày")
    assert first is not None and again is None and later is not None
