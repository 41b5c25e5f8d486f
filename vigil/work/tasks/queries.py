"""Tasks: the reads (lists, a task's timeline and files)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.db.models import QuerySet

from vigil.core import attachments
from vigil.core.models import Attachment
from vigil.inbox import escalation
from vigil.org.scope import Viewer, committees_with_role, scope_for
from vigil.work.services import ISSUER_ROLES
from vigil.work.tasks.models import Task, TaskQuerySet


def timeline(task: Task, user: Viewer) -> list[dict[str, Any]]:
    """The task's events with the attachments the user may see, and its escalations."""
    files = {a.pk: a for a in attachments.attachments_of(task, user)}
    rows: list[dict[str, Any]] = [
        {"at": e.at, "event": e, "files": [files[i] for i in e.attachment_ids if i in files]}
        for e in task.events.all()
    ]
    for step in escalation.escalation_events_for(task):
        rows.append({"at": step.at, "escalation": step, "files": []})
    rows.sort(key=lambda r: r["at"])
    return rows


def task_files(task: Task, user: Viewer) -> list[Attachment]:
    return list(attachments.attachments_of(task, user))


def visible_tasks(user: Viewer) -> QuerySet[Task]:
    return Task.objects.visible_to(user).select_related("assignee", "owning_committee")


def issued_tasks(user: Viewer) -> TaskQuerySet:
    """The tasks that the user's committees issued and the user may see.

    Those committees lie within the user's own, so this is the first of the two parts
    of ``visible_to``: a plain predicate that ``work_task_scorecard_idx`` covers (the
    overdue count reads that index alone instead of every task row)."""
    issuers = committees_with_role(user, *ISSUER_ROLES)
    if not issuers <= scope_for(user).committees_below:  # never, with today's roles
        return Task.objects.visible_to(user).filter(owning_committee_id__in=issuers)
    owned = cast(TaskQuerySet, Task.objects.visible_owned(user))
    return owned.filter(owning_committee_id__in=issuers)


def task_rows(user: Viewer, view: str, filters: dict[str, Any] | None) -> TaskQuerySet:
    """The rows of the task list: the user's agencies' tasks (``mine``), those the
    user's committees issued (``issued``) or all they may see; ``filters`` is the
    list's valid filter form (state, overdue, words of the title)."""
    tasks: TaskQuerySet
    if view == "mine":
        tasks = Task.objects.mine(user)
    elif view == "issued":
        tasks = issued_tasks(user)
    else:
        tasks = Task.objects.visible_to(user)
    tasks = tasks.select_related("assignee", "owning_committee")
    if filters:
        if filters["state"] == "open":
            tasks = tasks.open()
        elif filters["state"]:
            tasks = tasks.filter(state=filters["state"])
        if filters["overdue"]:
            tasks = tasks.overdue()
        if filters["q"]:
            tasks = tasks.filter(title__icontains=filters["q"])
    return tasks.order_by("deadline", "pk")


# --- where a task comes from, told by a later app (an exercise's corrective action),
# so work never imports it: each registers a function (task, user) -> a line or None.

OriginFunction = Callable[[Task, Viewer], "dict[str, Any] | None"]
_ORIGINS: list[OriginFunction] = []


def register_origin(function: OriginFunction) -> None:
    """``function(task, user)`` returns ``{"label", "text", "url"}`` (``url`` may be
    empty: the user does not see the object the task comes from) or ``None``."""
    if function not in _ORIGINS:
        _ORIGINS.append(function)


def origins_for(task: Task, user: Viewer) -> list[dict[str, Any]]:
    """The lines the task's page shows under "Comes from" (each registered function
    scopes its own rows with ``user``)."""
    return [line for function in _ORIGINS if (line := function(task, user))]
