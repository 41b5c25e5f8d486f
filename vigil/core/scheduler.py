"""The sweep registry: periodic work the worker runs (``vigil worker``).

Apps register sweeps at start-up (in ``AppConfig.ready``)::

    register_sweep("inbox.deliver", deliver_pending, every=dt.timedelta(seconds=30))

A sweep is a function of the current time. It must be idempotent: rows are the
truth (outbox rows claimed with a lease, reminder rows unique per object, rule
and threshold), so a sweep that runs twice, or in two workers at once, or after
a worker died half-way, sends nothing twice and forgets nothing.

Which worker runs a due sweep is decided by compare-and-swap on its
``SweepState`` row, so several workers can share one database. Tests call
``run_due_sweeps(now)`` with the time they want; nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from vigil.core.models import SweepState

logger = logging.getLogger("vigil.scheduler")

DEFAULT_EVERY = dt.timedelta(seconds=30)
SweepFn = Callable[[dt.datetime], object]


@dataclass(frozen=True)
class Sweep:
    name: str
    fn: SweepFn
    every: dt.timedelta


_REGISTRY: dict[str, Sweep] = {}


def register_sweep(name: str, fn: SweepFn, *, every: dt.timedelta = DEFAULT_EVERY) -> None:
    """Declare a sweep; registering the same name again replaces it (module reloads)."""
    if every <= dt.timedelta(0):
        raise ValueError("a sweep must run at a positive interval")
    _REGISTRY[name] = Sweep(name=name, fn=fn, every=every)


def registered_sweeps() -> dict[str, Sweep]:
    return dict(_REGISTRY)


def _claim(sweep: Sweep, now: dt.datetime, known: dt.datetime | None) -> bool:
    """Compare-and-swap: move the sweep's next run forward if it is due; True if we did."""
    if known is not None:
        return bool(
            SweepState.objects.filter(name=sweep.name, next_run_at__lte=now).update(
                next_run_at=now + sweep.every, last_started_at=now
            )
        )
    try:
        with transaction.atomic():
            SweepState.objects.create(
                name=sweep.name, next_run_at=now + sweep.every, last_started_at=now
            )
    except IntegrityError:  # another worker created it first: theirs to run
        return False
    return True


def run_due_sweeps(now: dt.datetime, *, names: list[str] | None = None) -> list[str]:
    """Run every registered sweep that is due at ``now``; return the names run.

    A failing sweep is logged and recorded on its state row; the others still run.
    """
    ran: list[str] = []
    # One read decides what may be due; only those are claimed (a write), so an
    # idle worker polling often does not keep taking SQLite's write lock.
    schedule = dict(SweepState.objects.values_list("name", "next_run_at"))
    for sweep in list(_REGISTRY.values()):
        if names is not None and sweep.name not in names:
            continue
        known = schedule.get(sweep.name)
        if known is not None and known > now:
            continue
        if not _claim(sweep, now, known):
            continue
        error = ""
        try:
            sweep.fn(now)
        except Exception:
            error = traceback.format_exc()[-4000:]
            logger.exception("sweep %s failed", sweep.name)
        SweepState.objects.filter(name=sweep.name).update(last_finished_at=now, last_error=error)
        ran.append(sweep.name)
    return ran


def run_sweep_now(name: str, now: dt.datetime) -> object:
    """Run one sweep regardless of its schedule (commands and tests)."""
    return _REGISTRY[name].fn(now)


TASK_RESULT_KEEP = dt.timedelta(days=1)


def prune_task_results(now: dt.datetime) -> int:
    """Drop task rows older than a day: finished ones, and those a dead worker left running.

    Tasks only wake the worker; the rows they act on are swept anyway, so an
    abandoned RUNNING task (django-tasks has no lease) loses nothing when it goes.
    """
    from django_tasks_db.models import DBTaskResult

    cutoff = now - TASK_RESULT_KEEP
    finished = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff)
    stale = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
    return finished.delete()[0] + stale.delete()[0]
