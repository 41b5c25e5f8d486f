"""Tasks: the use cases. Every write checks permission, validates, writes in one
transaction with its audit event (last), and leaves notifications in the same
transaction (the outbox).

A use case opens its own durable transaction, so one called inside another fails
loudly; the fan-out helpers named ``…_within`` write in the caller's transaction
(documents, plans, meetings and incoming documents give tasks through them).

A task row is changed only by ``UPDATE … WHERE version = n``: two officers who
save the same task at once cannot overwrite each other; the second is told.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DateField, F, Value
from django.utils.translation import gettext as _

from vigil.core import attachments, audit, clock, workdays
from vigil.core.audit import Actor, SystemActor
from vigil.core.classification import Classification
from vigil.core.expressions import DaysBetween
from vigil.inbox import escalation
from vigil.inbox.services import CommitteeRole, notify
from vigil.org.models import Agency, Committee, Post, PostHolder, Role
from vigil.org.scope import check_clearance
from vigil.work.documents.models import DocumentPoint, IssuedDocument
from vigil.work.models import WorkAction
from vigil.work.services import (
    DEPUTY_KINDS,
    PointSpec,
    agencies_in_tree,
    can_act_for,
    can_issue,
    can_judge,
    period_on,
    require,
)
from vigil.work.tasks.models import Task, TaskEvent

# --- tasks: fan-out


def resolve_deadline(
    assigned_on: dt.date, deadline: dt.date | None, working_days: int | None
) -> dt.date:
    if (deadline is None) == (working_days is None):
        raise ValidationError(
            {"deadline": _("Give the deadline as a date or as a number of working days.")}
        )
    if working_days is not None:
        if working_days < 1:
            raise ValidationError({"deadline": _("A deadline is at least one working day.")})
        try:
            return workdays.add_working_days(assigned_on, working_days)
        except (OverflowError, ValueError):
            raise ValidationError(
                {"deadline": _("The deadline falls outside the calendar.")}
            ) from None
    assert deadline is not None
    if deadline < assigned_on:
        raise ValidationError({"deadline": _("The deadline cannot be before the date of issue.")})
    return deadline


def fan_out_within(
    committee: Committee,
    *,
    lead: Sequence[Agency],
    supporting: Sequence[Agency],
    title: str,
    description: str,
    deadline: dt.date | None,
    deadline_working_days: int | None,
    priority: int,
    classification: int,
    assigned_on: dt.date,
    links: dict[str, Any],
    actor: Actor,
    evidence_required: bool = False,
) -> list[Task]:
    """One task per agency; ``links`` names where it comes from (document and point,
    plan item, meeting conclusion or incoming point). ``evidence_required``: each task
    is reported done only with a file or a reference (an exercise's corrective action)."""
    if not lead:
        raise ValidationError({"agencies": _("Name at least one lead agency.")})
    if not title.strip():
        raise ValidationError({"title": _("Give the task a title.")})
    if priority not in Task.Priority.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    lead = agencies_in_tree(committee, lead)
    supporting = [a for a in agencies_in_tree(committee, supporting) if a not in lead]
    due = resolve_deadline(assigned_on, deadline, deadline_working_days)
    standing = committee.standing_agency
    if standing is None:
        raise ValidationError(_("The committee has no standing agency to follow its tasks."))
    batch, now, label = uuid.uuid4(), clock.now(), audit.actor_label(actor)
    tasks = []
    for agency, role in [*((a, Task.Role.LEAD) for a in lead),
                         *((a, Task.Role.SUPPORT) for a in supporting)]:  # fmt: skip
        task = Task(
            owning_committee=committee, owning_agency=standing, classification=classification,
            **links, batch=batch, assignee=agency, role=role,
            title=title.strip()[:300], description=description, priority=priority,
            assigned_on=assigned_on, deadline=due, deadline_working_days=deadline_working_days,
            evidence_required=evidence_required, created_at=now,
        )  # fmt: skip
        task.full_clean()
        task.save()
        TaskEvent.objects.create(
            task=task, type=TaskEvent.Type.ASSIGNED, at=now, actor=_user(actor),
            actor_label=label, state_after=task.state,
        )  # fmt: skip
        notify(
            agency,
            _("New task for %(agency)s: %(title)s (due %(date)s)")
            % {"agency": agency.name, "title": task.title, "date": due.strftime("%d/%m/%Y")},
            about=task,
        )
        tasks.append(task)
    for task in tasks:
        audit.record(WorkAction.TASK_ASSIGNED, actor=actor, obj=task, after=audit.snapshot(task))
    return tasks


@transaction.atomic(durable=True)
def assign_task(
    committee: Committee,
    *,
    lead: Sequence[Agency],
    supporting: Sequence[Agency] = (),
    title: str,
    description: str = "",
    deadline: dt.date | None = None,
    deadline_working_days: int | None = None,
    priority: int = Task.Priority.NORMAL,
    classification: int = Classification.UNCLASSIFIED,
    document: IssuedDocument | None = None,
    point: DocumentPoint | None = None,
    actor: Actor,
) -> list[Task]:
    """One task per agency (lead and supporting), each with its own state."""
    require(can_issue(actor, committee), _("Only the committee's standing office may do this."))
    check_clearance(actor, classification)
    if document is not None and document.owning_committee_id != committee.pk:
        raise ValidationError({"document": _("The document is not this committee's.")})
    assigned_on = document.issue_date if document is not None else clock.today()
    level = max(classification, document.classification if document else 0)
    return fan_out_within(
        committee, lead=lead, supporting=supporting, title=title, description=description,
        deadline=deadline, deadline_working_days=deadline_working_days, priority=priority,
        classification=level, assigned_on=assigned_on,
        links={"document": document, "point": point}, actor=actor,
    )  # fmt: skip


def tasks_from_points_within(
    committee: Committee,
    specs: Sequence[tuple[PointSpec, dict[str, Any]]],
    *,
    assigned_on: dt.date,
    classification: int,
    actor: Actor,
) -> list[Task]:
    """Fan out the points of a plan, a meeting or an incoming document (in the caller's
    transaction): each (spec, links) with agencies gives one task per agency."""
    tasks: list[Task] = []
    for spec, links in specs:
        if spec.lead or spec.supporting:
            tasks += fan_out_within(
                committee, lead=spec.lead, supporting=spec.supporting,
                title=spec.title or spec.text[:300], description=spec.text,
                deadline=spec.deadline, deadline_working_days=spec.deadline_working_days,
                priority=spec.priority, classification=classification, assigned_on=assigned_on,
                links=links, actor=actor,
            )  # fmt: skip
    return tasks


def point_tasks_within(
    committee: Committee, spec: PointSpec, field: str, source: Any, *, assigned_on: dt.date,
    classification: int, actor: Actor,
) -> list[Task]:  # fmt: skip
    """The tasks of a plan item or conclusion point already recorded: its text is the
    task's; an agency that already holds an open or finished task of it is refused,
    so a request sent twice writes nothing the second time."""
    if not spec.lead:
        raise ValidationError({"agencies": _("Name at least one lead agency.")})
    type(source).objects.select_for_update().filter(pk=source.pk).first()  # one at a time
    holding = set(
        Task.objects.filter(**{field: source})
        .exclude(state=Task.State.CANCELLED)
        .values_list("assignee_id", flat=True)
    )
    again = [a.name for a in dict.fromkeys([*spec.lead, *spec.supporting]) if a.pk in holding]
    if again:
        raise ValidationError(
            {"agencies": _("%(names)s: already given a task for this point.")
             % {"names": ", ".join(again)}}
        )  # fmt: skip
    spec = dataclasses.replace(spec, text=source.text)
    return tasks_from_points_within(
        committee, [(spec, {field: source})], assigned_on=assigned_on, classification=classification,
        actor=actor,
    )  # fmt: skip


# --- tasks: the state machine


class StaleTask(ValidationError):
    """Someone else saved the task after this user loaded it."""


TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    # event -> (the states it may start from, the state after it)
    TaskEvent.Type.ACKNOWLEDGED: (("assigned",), "acknowledged"),
    TaskEvent.Type.PROGRESS: (("acknowledged", "in_progress"), "in_progress"),
    TaskEvent.Type.DONE: (("acknowledged", "in_progress"), "done"),
    TaskEvent.Type.ACCEPTED: (("done",), "accepted"),
    TaskEvent.Type.RETURNED: (("done",), "in_progress"),
    TaskEvent.Type.CANCELLED: (("assigned", "acknowledged", "in_progress", "done"), "cancelled"),
}

AUDIT_ACTIONS: dict[str, str] = {
    TaskEvent.Type.ACKNOWLEDGED: WorkAction.TASK_ACKNOWLEDGED,
    TaskEvent.Type.PROGRESS: WorkAction.TASK_PROGRESS,
    TaskEvent.Type.DONE: WorkAction.TASK_DONE,
    TaskEvent.Type.ACCEPTED: WorkAction.TASK_ACCEPTED,
    TaskEvent.Type.RETURNED: WorkAction.TASK_RETURNED,
    TaskEvent.Type.CANCELLED: WorkAction.TASK_CANCELLED,
    TaskEvent.Type.UPDATED: WorkAction.TASK_UPDATED,
}


def _refusal(task: Task, event_type: str) -> str:
    state = task.get_state_display()
    messages: dict[str, str] = {
        TaskEvent.Type.ACKNOWLEDGED: _("Only a newly assigned task can be acknowledged."),
        TaskEvent.Type.PROGRESS: _("Acknowledge the task before reporting progress.")
        if task.state == Task.State.ASSIGNED
        else _("Progress can only be reported on a task being worked on."),
        TaskEvent.Type.DONE: _("Acknowledge the task before reporting it done.")
        if task.state == Task.State.ASSIGNED
        else _("Only a task being worked on can be reported done."),
        TaskEvent.Type.ACCEPTED: _("Only a task reported done can be accepted."),
        TaskEvent.Type.RETURNED: _("Only a task reported done can be returned."),
        TaskEvent.Type.CANCELLED: _("An accepted or cancelled task cannot be cancelled."),
    }
    return _("%(message)s The task is now: %(state)s.") % {
        "message": messages[event_type],
        "state": state,
    }


def _user(actor: Actor) -> Any:
    return audit.acting_user(actor)


def _days_late(changes: dict[str, Any]) -> dict[str, Any]:
    """``days_late`` to write beside ``changes``: computed by the database from the new
    ``done_on`` and ``deadline`` (the row's own where unchanged), so that it cannot
    disagree with them (a constraint refuses the write that would)."""
    if not {"done_on", "deadline"} & changes.keys():
        return {}
    if "done_on" in changes and changes["done_on"] is None:
        return {"days_late": None}

    def new(name: str) -> Any:
        return Value(changes[name], output_field=DateField()) if name in changes else F(name)

    return {"days_late": DaysBetween(new("done_on"), new("deadline"))}


def _save(task: Task, version: int | None, **changes: Any) -> None:
    """``UPDATE … WHERE version = n``: the one way a task row changes."""
    expected = task.version if version is None else version
    updated = Task.objects.filter(pk=task.pk, version=expected).update(
        version=expected + 1, **changes, **_days_late(changes)
    )
    if not updated:
        current = Task.objects.filter(pk=task.pk).values_list("version", flat=True).first()
        raise StaleTask(
            _(
                "Someone else saved this task while you were working on it (your copy is "
                "version %(yours)s, the task is now at version %(now)s). Reload the page and "
                "try again; nothing was saved."
            )
            % {"yours": expected, "now": current},
            code="stale",
        )
    for name, value in changes.items():
        setattr(task, name, value)
    if _days_late(changes):
        task.days_late = (task.done_on - task.deadline).days if task.done_on else None
    task.version = expected + 1


def _transition(
    task: Task,
    event_type: str,
    *,
    actor: Actor,
    version: int | None,
    note: str = "",
    files: Sequence[Any] = (),
    on_behalf_of: str = "",
    extra: dict[str, Any] | None = None,
) -> TaskEvent:
    starts, after = TRANSITIONS[event_type]
    if task.state not in starts:
        raise ValidationError(_refusal(task, event_type), code="invalid_transition")
    before = {"state": task.state, "version": task.version}
    _save(task, version, state=after, **(extra or {}))
    saved = [attachments.attach(task, f, actor=actor) for f in files]
    now = clock.now()
    event = TaskEvent.objects.create(
        task=task, type=event_type, at=now, actor=_user(actor), actor_label=audit.actor_label(actor),
        on_behalf_of=on_behalf_of, state_after=after, note=note,
        attachment_ids=[a.pk for a in saved],
    )  # fmt: skip
    if after in ("done", "accepted", "cancelled"):
        escalation.close_case(task, kind="task", note=event.get_type_display())
    audit.record(
        AUDIT_ACTIONS[event_type], actor=actor, obj=task, before=before,
        after={"state": after, "version": task.version, "note": note,
               "on_behalf_of": on_behalf_of, "attachments": event.attachment_ids,
               **dict((extra or {}).items())},
    )  # fmt: skip
    return event


def _fresh(task: Task) -> Task:
    """A fresh copy for the checks; the version checked in the UPDATE stays the caller's."""
    return Task.objects.select_related("owning_committee", "assignee").get(pk=task.pk)


def _as_assignee(task: Task, actor: Actor) -> None:
    require(
        can_act_for(actor, task.assignee_id),
        _("Only %(agency)s answers for this task.") % {"agency": task.assignee.name},
    )


@transaction.atomic(durable=True)
def acknowledge_task(task: Task, *, actor: Actor, version: int | None = None) -> TaskEvent:
    fresh = _fresh(task)
    _as_assignee(fresh, actor)
    event = _transition(fresh, TaskEvent.Type.ACKNOWLEDGED, actor=actor, version=_v(task, version))
    _copy(fresh, task)
    return event


def _v(task: Task, version: int | None) -> int:
    return task.version if version is None else version


def _copy(fresh: Task, task: Task) -> None:
    for name in ("state", "version", "done_on", "days_late", "accepted_at", "return_reason", "deadline",
                 "priority", "description"):  # fmt: skip
        setattr(task, name, getattr(fresh, name))


@transaction.atomic(durable=True)
def report_progress(
    task: Task, *, note: str, files: Sequence[Any] = (), actor: Actor, version: int | None = None
) -> TaskEvent:
    fresh = _fresh(task)
    _as_assignee(fresh, actor)
    if not note.strip():
        raise ValidationError({"note": _("Say what has been done.")})
    event = _transition(
        fresh, TaskEvent.Type.PROGRESS, actor=actor, version=_v(task, version), note=note.strip(),
        files=files,
    )  # fmt: skip
    _copy(fresh, task)
    return event


@transaction.atomic(durable=True)
def report_done(
    task: Task, *, note: str = "", files: Sequence[Any] = (), actor: Actor,
    version: int | None = None,
) -> TaskEvent:  # fmt: skip
    fresh = _fresh(task)
    _as_assignee(fresh, actor)
    if fresh.evidence_required and not files and not note.strip():
        raise ValidationError(
            {"note": _("This task closes only with evidence: attach a file, or give a "
                       "reference (a document number, a record) in the note.")}
        )  # fmt: skip
    event = _transition(
        fresh, TaskEvent.Type.DONE, actor=actor, version=_v(task, version), note=note.strip(),
        files=files, extra={"done_on": clock.today()},
    )  # fmt: skip
    notify(
        CommitteeRole(fresh.owning_committee, Role.STANDING_OFFICE),
        _("%(agency)s reports done: %(title)s") % {"agency": fresh.assignee.name,
                                                   "title": fresh.title},
        about=fresh,
    )  # fmt: skip
    _copy(fresh, task)
    return event


def acting_post(actor: Actor, committee: Committee) -> PostHolder | None:
    """The deputy post ``actor`` holds in ``committee`` today, if any."""
    if isinstance(actor, SystemActor):
        return None
    return (
        PostHolder.objects.filter(
            period_on(clock.today()),
            user=actor,
            post__committee=committee,
            post__kind__in=DEPUTY_KINDS,
        )
        .select_related("post")
        .first()
    )


@transaction.atomic(durable=True)
def accept_task(
    task: Task,
    *,
    actor: Actor,
    note: str = "",
    for_the_head: bool = False,
    version: int | None = None,
) -> TaskEvent:
    """The issuer accepts; a deputy may accept for the head (recorded as KT.)."""
    fresh = _fresh(task)
    committee = fresh.owning_committee
    on_behalf_of = ""
    if for_the_head:
        deputy = acting_post(actor, committee)
        head = Post.objects.filter(committee=committee, kind=Post.Kind.HEAD).first()
        if deputy is None or head is None:
            raise PermissionDenied(
                _("Only a deputy head of this committee accepts on the head's behalf.")
            )
        on_behalf_of = f"KT. {head.title} — {deputy.post.title} {deputy.holder_name}"
    else:
        require(can_judge(actor, fresh), _("Only the issuing committee accepts this task."))
    event = _transition(
        fresh, TaskEvent.Type.ACCEPTED, actor=actor, version=_v(task, version), note=note.strip(),
        on_behalf_of=on_behalf_of, extra={"accepted_at": clock.now()},
    )  # fmt: skip
    notify(
        fresh.assignee,
        _("Task accepted: %(title)s") % {"title": fresh.title},
        about=fresh,
    )
    _copy(fresh, task)
    return event


@transaction.atomic(durable=True)
def return_task(task: Task, *, reason: str, actor: Actor, version: int | None = None) -> TaskEvent:
    fresh = _fresh(task)
    require(can_judge(actor, fresh), _("Only the issuing committee returns this task."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the task is returned.")})
    event = _transition(
        fresh, TaskEvent.Type.RETURNED, actor=actor, version=_v(task, version),
        note=reason.strip(), extra={"return_reason": reason.strip(), "done_on": None},
    )  # fmt: skip
    notify(
        fresh.assignee,
        _("Task returned: %(title)s — %(reason)s") % {"title": fresh.title, "reason": reason},
        about=fresh,
    )
    _copy(fresh, task)
    return event


@transaction.atomic(durable=True)
def cancel_task(task: Task, *, reason: str, actor: Actor, version: int | None = None) -> TaskEvent:
    fresh = _fresh(task)
    require(can_judge(actor, fresh), _("Only the issuing committee cancels this task."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the task is cancelled.")})
    event = _transition(
        fresh, TaskEvent.Type.CANCELLED, actor=actor, version=_v(task, version),
        note=reason.strip(),
    )  # fmt: skip
    notify(fresh.assignee, _("Task cancelled: %(title)s") % {"title": fresh.title}, about=fresh)
    _copy(fresh, task)
    return event


@transaction.atomic(durable=True)
def update_task(
    task: Task,
    *,
    deadline: dt.date,
    priority: int,
    description: str,
    actor: Actor,
    version: int | None = None,
) -> TaskEvent:
    """The issuer changes the deadline, priority or description of an open task."""
    fresh = _fresh(task)
    require(can_judge(actor, fresh), _("Only the issuing committee changes this task."))
    if fresh.state in ("accepted", "cancelled"):
        raise ValidationError(_("An accepted or cancelled task can no longer be changed."))
    if deadline < fresh.assigned_on:
        raise ValidationError({"deadline": _("The deadline cannot be before the date of issue.")})
    if priority not in Task.Priority.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    before = audit.snapshot(fresh, ["deadline", "priority", "description", "version"])
    _save(fresh, _v(task, version), deadline=deadline, priority=priority, description=description)
    event = TaskEvent.objects.create(
        task=fresh, type=TaskEvent.Type.UPDATED, at=clock.now(), actor=_user(actor),
        actor_label=audit.actor_label(actor), state_after=fresh.state,
        note=_("Deadline %(date)s, priority %(priority)s")
        % {"date": deadline.strftime("%d/%m/%Y"), "priority": fresh.get_priority_display()},
    )  # fmt: skip
    audit.record(
        WorkAction.TASK_UPDATED, actor=actor, obj=fresh, before=before,
        after=audit.snapshot(fresh, ["deadline", "priority", "description", "version"]),
    )  # fmt: skip
    _copy(fresh, task)
    return event
