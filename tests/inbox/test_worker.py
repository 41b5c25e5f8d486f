"""`vigil worker`: the queued wake-up task and the due sweeps, in one process."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tests.inbox.helpers import make_unit
from vigil.inbox.models import InboxEntry
from vigil.inbox.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_signals() -> Iterator[None]:
    saved = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGINT, saved[0])
    signal.signal(signal.SIGTERM, saved[1])


def test_a_committed_notification_wakes_the_worker_which_delivers_it(
    django_capture_on_commit_callbacks: Callable[..., Any],
    own_signals: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The worker drops stale connections between rounds; inside the test's
    # transaction that would be the test's own connection.
    for module in (
        "vigil.core.management.commands.worker",
        "django_tasks_db.management.commands.db_worker",
    ):
        monkeypatch.setattr(f"{module}.close_old_connections", lambda: None)
    unit = make_unit("wake", officers=2)
    before = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        n = notify(unit.agency, "Đánh thức worker")
    assert DBTaskResult.objects.count() == before + 1  # the wake-up, enqueued on commit
    call_command("worker", "--once", verbosity=0)
    assert InboxEntry.objects.filter(notification=n).count() == 3
    assert not DBTaskResult.objects.ready().exists()
