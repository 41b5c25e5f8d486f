"""Tasks only wake the worker early: the rows they act on are the truth."""

from __future__ import annotations

from django_tasks import task

from vigil.core import clock


@task()
def deliver() -> int:
    from vigil.inbox.delivery import deliver_pending

    return deliver_pending(clock.now())
