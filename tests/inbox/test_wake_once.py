"""One wake-up of the worker per transaction, however many notifications it writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tests.inbox.helpers import make_unit
from vigil.inbox.services import notify

pytestmark = pytest.mark.django_db


def test_many_notifications_in_one_transaction_wake_the_worker_once(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    unit = make_unit("once", officers=1)
    before = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for n in range(5):
            notify(unit.agency, f"Thông báo {n}")
    assert len(callbacks) == 1
    assert DBTaskResult.objects.count() == before + 1


def test_a_wake_up_in_a_rolled_back_savepoint_does_not_stand_for_a_later_one(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    unit = make_unit("rolled", officers=1)
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                notify(unit.agency, "Bị hủy")
                raise RuntimeError
        except RuntimeError:
            pass
        notify(unit.agency, "Còn lại")
        with transaction.atomic():
            notify(unit.agency, "Trong điểm lưu")  # the outer wake-up stands for it
    assert len(callbacks) == 1
