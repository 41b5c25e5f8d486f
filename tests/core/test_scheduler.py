"""The sweep registry: due sweeps run once per interval, whichever worker asks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from vigil.core import scheduler
from vigil.core.models import SweepState

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def calls() -> Iterator[list[dt.datetime]]:
    seen: list[dt.datetime] = []
    scheduler.register_sweep("test.count", seen.append, every=dt.timedelta(seconds=30))

    def broken(now: dt.datetime) -> None:
        raise ValueError("boom")

    scheduler.register_sweep("test.broken", broken)
    yield seen
    scheduler._REGISTRY.pop("test.count")
    scheduler._REGISTRY.pop("test.broken")


def test_a_sweep_runs_once_per_interval(calls: list[dt.datetime]) -> None:
    only = ["test.count"]
    assert scheduler.run_due_sweeps(T0, names=only) == only
    assert scheduler.run_due_sweeps(T0, names=only) == []  # a second worker at the same moment
    assert scheduler.run_due_sweeps(T0 + dt.timedelta(seconds=29), names=only) == []
    assert scheduler.run_due_sweeps(T0 + dt.timedelta(seconds=30), names=only) == only
    assert calls == [T0, T0 + dt.timedelta(seconds=30)]


def test_a_failing_sweep_is_recorded_and_the_others_still_run(calls: list[dt.datetime]) -> None:
    ran = scheduler.run_due_sweeps(T0, names=["test.broken", "test.count"])
    assert set(ran) == {"test.broken", "test.count"}
    assert "boom" in SweepState.objects.get(name="test.broken").last_error
    assert calls == [T0]


def test_the_inbox_registers_its_sweeps() -> None:
    assert {"inbox.deliver", "inbox.escalate"} <= set(scheduler.registered_sweeps())


def test_old_task_rows_are_pruned_and_recent_ones_kept() -> None:
    from django_tasks_db.models import DBTaskResult

    from vigil.inbox.tasks import deliver

    old, recent, abandoned = (deliver.enqueue() for _ in range(3))
    rows = DBTaskResult.objects.filter(id__in=[old.id, recent.id, abandoned.id])
    assert rows.count() == 3
    DBTaskResult.objects.filter(id=old.id).update(
        status="SUCCESSFUL", finished_at=T0 - dt.timedelta(days=2)
    )
    DBTaskResult.objects.filter(id=recent.id).update(
        status="SUCCESSFUL", finished_at=T0 - dt.timedelta(hours=1)
    )
    DBTaskResult.objects.filter(id=abandoned.id).update(
        status="RUNNING", started_at=T0 - dt.timedelta(days=3)
    )
    assert scheduler.prune_task_results(T0) == 2
    assert [str(pk) for pk in rows.values_list("id", flat=True)] == [str(recent.id)]
