"""Licence expiry reminders at 60 and 30 days, each once, to the three parties."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from vigil.controlled.models import Licence
from vigil.controlled.registry.reminders import RULE, remind_expiring_licences
from vigil.core import clock, scheduler
from vigil.inbox.delivery import deliver_pending
from vigil.inbox.models import InboxEntry, Reminder

pytestmark = pytest.mark.django_db


def test_the_sweep_is_registered() -> None:
    assert "controlled.licence_expiry" in scheduler.registered_sweeps()


def test_reminders_go_out_at_60_and_30_days_once_each() -> None:
    licence = Licence.objects.get(number="125/GP-SCT")  # the demo's: 45 days left
    now = clock.now()
    assert remind_expiring_licences(now) >= 1
    assert remind_expiring_licences(now) == 0  # a second run sends nothing
    reminders = Reminder.objects.filter(rule=RULE, about_id=str(licence.pk))
    assert set(reminders.values_list("threshold", flat=True)) == {"60d"}
    deliver_pending(now)
    for username in ("kho_mo", "congthuong", "thuongtruc"):
        assert InboxEntry.objects.filter(
            user__username=username, notification__subject__contains="125/GP-SCT"
        ).exists(), username
    assert not InboxEntry.objects.filter(
        user__username="bienphong", notification__subject__contains="125/GP-SCT"
    ).exists()
    with time_machine.travel(now + dt.timedelta(days=20), tick=False):
        remind_expiring_licences(clock.now())
        remind_expiring_licences(clock.now())
    assert set(reminders.values_list("threshold", flat=True)) == {"60d", "30d"}
    print(
        f"licence {licence.number}: reminders {sorted(reminders.values_list('threshold', flat=True))}"
    )
