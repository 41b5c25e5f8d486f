"""Issued documents and tasks: the use cases. Every write checks permission,
validates, writes in one transaction with its audit event (last), and leaves
notifications in the same transaction (the outbox).

A task row is changed only by ``UPDATE … WHERE version = n``: two officers who
save the same task at once cannot overwrite each other; the second is told.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DateField, F, Q, Value
from django.utils.translation import gettext as _

from vigil.core import attachments, audit, clock, workdays
from vigil.core.audit import SystemActor
from vigil.core.classification import Classification
from vigil.core.documents.decree30 import ARTICLE
from vigil.core.expressions import DaysBetween
from vigil.core.models import Attachment
from vigil.core.numbering import DocType
from vigil.inbox import escalation
from vigil.inbox.services import CommitteeRole, notify
from vigil.org.models import Agency, Committee, MemberAgency, Period, Post, PostHolder
from vigil.org.registers import services as numbering
from vigil.org.scope import scope_for
from vigil.work.models import (
    DocumentPoint,
    IssuedDocument,
    SigningForm,
    Task,
    TaskEvent,
    Urgency,
    WorkAction,
)

ISSUER_ROLES = ("standing_office", "committee_leader")
# Who acts for an assignee agency: its officers and head, and the committee-wide
# roles held through it (a commune's standing office is its police).
ASSIGNEE_ROLES = frozenset({"agency_head", "officer", "standing_office", "committee_leader"})
DEPUTY_KINDS = (Post.Kind.STANDING_DEPUTY, Post.Kind.DEPUTY)


# --- who may do what


def can_issue(user: Any, committee: Committee) -> bool:
    """The committee's standing office or leaders (of it or a committee above)."""
    if isinstance(user, SystemActor):
        return True
    return scope_for(user).committee_role_covers(committee.path, *ISSUER_ROLES)


def can_act_for(user: Any, agency_id: int) -> bool:
    """Whether ``user`` answers for the agency a task is assigned to."""
    if isinstance(user, SystemActor):
        return True
    return any(
        agency == agency_id and role in ASSIGNEE_ROLES
        for role, agency, _committee, _path in scope_for(user).roles
    )


def can_judge(user: Any, task: Task) -> bool:
    """Accept, return or cancel: the issuing committee's standing office or leaders."""
    return can_issue(user, task.owning_committee)


def may_attach_to_task(user: Any, task: Task) -> bool:
    return can_act_for(user, task.assignee_id) or can_judge(user, task)


def may_attach_to_document(user: Any, document: Any) -> bool:
    """Issued and incoming documents, meetings (their minutes), plans: the issuer's."""
    return can_issue(user, document.owning_committee)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- issued documents


@dataclass(frozen=True)
class PointSpec:
    """A point of a document and the agencies it is handed to."""

    text: str
    lead: Sequence[Agency] = ()
    supporting: Sequence[Agency] = ()
    title: str = ""
    deadline: dt.date | None = None
    deadline_working_days: int | None = None
    priority: int = Task.Priority.NORMAL


def _current(day: dt.date) -> Any:
    return Period.current_on(day)


def check_signature(
    committee: Committee, *, signing_post: Post, signer: PostHolder, form: str, day: dt.date
) -> None:
    """Decree 30 box 7: who may sign for which post, in which form.

    The signer must hold a post of this committee on the day; in their own name
    or TM. only for the post they hold; KT. only a deputy signing for the head;
    Q. or TL. for a post they do not hold themselves.
    """
    if form not in SigningForm.values:
        raise ValidationError({"signing_form": _("Unknown signing form.")})
    if signing_post.committee_id != committee.pk:
        raise ValidationError({"signing_post": _("The signing post is not of this committee.")})
    held = PostHolder.objects.filter(_current(day), pk=signer.pk).select_related("post").first()
    if held is None or held.post.committee_id != committee.pk:
        raise ValidationError(
            {"signer": _("The signer does not hold a post of this committee on the date of issue.")}
        )
    own_post = held.post
    if form in (SigningForm.DIRECT, SigningForm.TM):
        if own_post.pk != signing_post.pk:
            raise ValidationError(
                {
                    "signer": _(
                        "%(name)s does not hold the post of %(post)s; sign KT. (for the head) "
                        "or choose its holder."
                    )
                    % {"name": held.holder_name, "post": signing_post.title}
                }
            )
    elif form == SigningForm.KT:
        if signing_post.kind != Post.Kind.HEAD:
            raise ValidationError({"signing_post": _("KT. signs for the head of the committee.")})
        if own_post.kind not in DEPUTY_KINDS:
            raise ValidationError(
                {"signer": _("Only a deputy head signs KT. for the head of the committee.")}
            )
    elif own_post.pk == signing_post.pk:
        raise ValidationError(
            {"signing_form": _("The holder of the post signs in their own name, not Q. or TL.")}
        )


def _agencies_in_tree(committee: Committee, agencies: Iterable[Agency]) -> list[Agency]:
    chosen = list(dict.fromkeys(agencies))
    # An agency is in the tree when its home committee is, or when it is a
    # member of a committee in the tree today (the airport sits on a commune's).
    members = MemberAgency.objects.filter(
        _current(clock.today()), committee__path__startswith=committee.path
    ).values("agency_id")
    allowed = set(
        Agency.objects.filter(pk__in=[a.pk for a in chosen])
        .filter(Q(committee__path__startswith=committee.path) | Q(pk__in=members))
        .values_list("pk", flat=True)
    )
    outside = [a.name for a in chosen if a.pk not in allowed]
    if outside:
        raise ValidationError(
            {
                "agencies": _("%(names)s: outside the tree of %(committee)s.")
                % {"names": ", ".join(outside), "committee": committee.name}
            }
        )
    return chosen


def _check_classification(actor: Any, level: int) -> None:
    if level not in Classification.values:
        raise ValidationError({"classification": _("Unknown classification.")})
    if not isinstance(actor, SystemActor) and level > actor.clearance:
        raise ValidationError(
            {"classification": _("You cannot classify above your own clearance.")}
        )


def _place(committee: Committee) -> str:
    unit = committee.admin_unit
    if unit is None:
        return ""
    province = unit.parent or unit
    return province.name.removeprefix("Tỉnh ").removeprefix("Thành phố ")


@transaction.atomic
def issue_document(
    committee: Committee,
    *,
    doc_type: str,
    subject: str,
    issue_date: dt.date,
    signing_post: Post,
    signer: PostHolder,
    signing_form: str = "",
    body: str = "",
    points: Sequence[PointSpec] = (),
    recipients: Iterable[Agency] = (),
    addressees: Iterable[Agency] = (),
    addressees_other: str = "",
    recipients_other: str = "",
    drafting_unit: str = "",
    authority: str = "",
    legal_bases: str = "",
    classification: int = Classification.UNCLASSIFIED,
    urgency: str = Urgency.NORMAL,
    external_number: int | None = None,
    source: Any = None,
    actor: Any,
) -> IssuedDocument:
    """Number and record a document; each point's agencies get one task each.

    ``source``: the meeting whose conclusions notice, or the work plan, this is; it
    is issued once, and keeps a link to its document.

    ``addressees`` are printed under "Kính gửi:" and are recipients too; the
    ``*_other`` texts name organs outside the directory, one per line.
    """
    _require(can_issue(actor, committee), _("Only the committee's standing office may do this."))
    if doc_type not in DocType.values:
        raise ValidationError({"doc_type": _("Unknown document type.")})
    if not subject.strip():
        raise ValidationError({"subject": _("Give the document's subject.")})
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Unknown urgency.")})
    _check_classification(actor, classification)
    if source is not None and classification < getattr(source, "classification", 0):
        # DESIGN "Classification": what carries a record's conclusions is at least as
        # classified as the record; refused before anything is numbered or written.
        raise ValidationError(
            {
                "classification": _(
                    "The document cannot be less classified than the record it is issued from."
                )
            }
        )
    check_signature(
        committee, signing_post=signing_post, signer=signer, form=signing_form, day=issue_date
    )
    addressees = list(dict.fromkeys(addressees))
    drafting_unit = check_layout(
        doc_type, body=body, addressees=[*addressees, *_lines(addressees_other)],
        drafting_unit=drafting_unit, legal_bases=legal_bases,
    )  # fmt: skip
    addressed = _agencies_in_tree(
        committee,
        [*addressees, *recipients, *(a for p in points for a in (*p.lead, *p.supporting))],
    )
    standing = committee.standing_agency
    if standing is None:
        raise ValidationError(_("The committee has no standing agency to keep its documents."))
    document = IssuedDocument(
        # The register records which document took each number, so the row exists
        # first (a placeholder symbol) and takes its number in the same transaction.
        owning_committee=committee, owning_agency=standing, classification=classification,
        doc_type=doc_type, number=0, symbol=f"draft-{uuid.uuid4().hex}",
        issue_date=issue_date, place=_place(committee), signing_post=signing_post, signer=signer,
        signing_form=signing_form, subject=subject.strip(), body=body, urgency=urgency,
        issued_at=clock.now(), issued_by_label=audit.actor_label(actor),
        external_number=external_number is not None,
        addressees_other="\n".join(_lines(addressees_other)),
        recipients_other="\n".join(_lines(recipients_other)),
        drafting_unit=drafting_unit, authority=" ".join(authority.split()),
        legal_bases="\n".join(_lines(legal_bases)),
    )  # fmt: skip
    document.full_clean(exclude=["symbol", "number"])
    document.save()
    # Appendix III: a công văn's code is the issuer's and its drafting unit's (12/BCĐ-VPTT).
    unit = drafting_unit if doc_type == DocType.CONG_VAN else ""
    if external_number is None:
        issued = numbering.issue_number(
            committee, doc_type, actor=actor, about=document, year=issue_date.year, unit=unit
        )
    else:
        issued = numbering.record_external_number(
            committee, doc_type, external_number, actor=actor, about=document,
            year=issue_date.year, unit=unit,
        )  # fmt: skip
    document.number, document.symbol = issued.number, issued.symbol
    document.save(update_fields=["number", "symbol"])
    document.recipients.set(addressed)
    document.addressees.set(addressees)
    if source is not None:
        _link_source(source, document, committee)
    tasks: list[Task] = []
    for order, spec in enumerate(points, start=1):
        if not spec.text.strip():
            raise ValidationError({"points": _("A point cannot be empty.")})
        point = DocumentPoint.objects.create(document=document, order=order, text=spec.text)
        if spec.lead or spec.supporting:
            tasks += _fan_out(
                committee, lead=spec.lead, supporting=spec.supporting,
                title=spec.title or spec.text[:300], description=spec.text,
                deadline=spec.deadline, deadline_working_days=spec.deadline_working_days,
                priority=spec.priority, classification=classification, assigned_on=issue_date,
                links={"document": document, "point": point}, actor=actor,
            )  # fmt: skip
    audit.record(
        WorkAction.DOCUMENT_ISSUED, actor=actor, obj=document,
        after={**audit.snapshot(document), "recipients": [a.pk for a in addressed],
               "points": len(points), "tasks": [t.pk for t in tasks]},
    )  # fmt: skip
    return document


def _link_source(source: Any, document: IssuedDocument, committee: Committee) -> None:
    from vigil.work.models import Meeting, WorkPlan

    field = {Meeting: "notice", WorkPlan: "document"}.get(type(source))
    if field is None or source.owning_committee_id != committee.pk:
        raise ValidationError(_("This document cannot be issued from that record."))
    # Compare-and-swap: two clerks issuing the same notice at once get one number each
    # only if both pass; the second finds the link set and its transaction rolls back.
    linked = (
        type(source)
        .objects.filter(pk=source.pk, **{f"{field}__isnull": True})
        .update(**{field: document})
    )
    if not linked:
        raise ValidationError(_("This record has already been issued as a document."))
    setattr(source, field, document)


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


DRAFTING_UNIT = re.compile(r"[A-ZĐ0-9]{1,20}")


def check_layout(
    doc_type: str, *, body: str, addressees: Sequence[object], drafting_unit: str,
    legal_bases: str,
) -> str:  # fmt: skip
    """What each type needs by Decree 30 (Appendix I, III); the drafting unit, cleaned."""
    unit = drafting_unit.strip().upper()
    if unit and not DRAFTING_UNIT.fullmatch(unit):
        raise ValidationError(
            {
                "drafting_unit": _(
                    "Give the drafting unit as its abbreviation in capitals, e.g. VPTT."
                )
            }
        )
    if doc_type == DocType.CONG_VAN:
        if not unit:
            raise ValidationError(
                {"drafting_unit": _("A công văn's number names the unit that drafted it.")}
            )
        if not addressees:
            raise ValidationError({"addressees": _("Say whom the công văn is sent to (Kính gửi).")})
    if doc_type == DocType.QUYET_DINH:
        if not _lines(legal_bases):
            raise ValidationError(
                {"legal_bases": _("A decision states its legal bases (Căn cứ …).")}
            )
        if not any(ARTICLE.match(line) for line in _lines(body)):
            raise ValidationError(
                {
                    "body": _(
                        "A decision decides in articles: begin lines with “Điều 1.”, “Điều 2.”…"
                    )
                }
            )
    return unit


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


def _fan_out(
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
    actor: Any,
) -> list[Task]:
    """One task per agency; ``links`` names where it comes from (document and point,
    plan item, meeting conclusion or incoming point)."""
    if not lead:
        raise ValidationError({"agencies": _("Name at least one lead agency.")})
    if not title.strip():
        raise ValidationError({"title": _("Give the task a title.")})
    if priority not in Task.Priority.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    lead = _agencies_in_tree(committee, lead)
    supporting = [a for a in _agencies_in_tree(committee, supporting) if a not in lead]
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
            created_at=now,
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


@transaction.atomic
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
    actor: Any,
) -> list[Task]:
    """One task per agency (lead and supporting), each with its own state."""
    _require(can_issue(actor, committee), _("Only the committee's standing office may do this."))
    _check_classification(actor, classification)
    if document is not None and document.owning_committee_id != committee.pk:
        raise ValidationError({"document": _("The document is not this committee's.")})
    assigned_on = document.issue_date if document is not None else clock.today()
    level = max(classification, document.classification if document else 0)
    return _fan_out(
        committee, lead=lead, supporting=supporting, title=title, description=description,
        deadline=deadline, deadline_working_days=deadline_working_days, priority=priority,
        classification=level, assigned_on=assigned_on,
        links={"document": document, "point": point}, actor=actor,
    )  # fmt: skip


def tasks_from_points(
    committee: Committee,
    specs: Sequence[tuple[PointSpec, dict[str, Any]]],
    *,
    assigned_on: dt.date,
    classification: int,
    actor: Any,
) -> list[Task]:
    """Fan out the points of a plan, a meeting or an incoming document (in the caller's
    transaction): each (spec, links) with agencies gives one task per agency."""
    tasks: list[Task] = []
    for spec, links in specs:
        if spec.lead or spec.supporting:
            tasks += _fan_out(
                committee, lead=spec.lead, supporting=spec.supporting,
                title=spec.title or spec.text[:300], description=spec.text,
                deadline=spec.deadline, deadline_working_days=spec.deadline_working_days,
                priority=spec.priority, classification=classification, assigned_on=assigned_on,
                links=links, actor=actor,
            )  # fmt: skip
    return tasks


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


def _user(actor: Any) -> Any:
    return None if isinstance(actor, SystemActor) else actor


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
    actor: Any,
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


def _as_assignee(task: Task, actor: Any) -> None:
    _require(
        can_act_for(actor, task.assignee_id),
        _("Only %(agency)s answers for this task.") % {"agency": task.assignee.name},
    )


@transaction.atomic
def acknowledge_task(task: Task, *, actor: Any, version: int | None = None) -> TaskEvent:
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


@transaction.atomic
def report_progress(
    task: Task, *, note: str, files: Sequence[Any] = (), actor: Any, version: int | None = None
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


@transaction.atomic
def report_done(
    task: Task, *, note: str = "", files: Sequence[Any] = (), actor: Any,
    version: int | None = None,
) -> TaskEvent:  # fmt: skip
    fresh = _fresh(task)
    _as_assignee(fresh, actor)
    event = _transition(
        fresh, TaskEvent.Type.DONE, actor=actor, version=_v(task, version), note=note.strip(),
        files=files, extra={"done_on": clock.today()},
    )  # fmt: skip
    notify(
        CommitteeRole(fresh.owning_committee, "standing_office"),
        _("%(agency)s reports done: %(title)s") % {"agency": fresh.assignee.name,
                                                   "title": fresh.title},
        about=fresh,
    )  # fmt: skip
    _copy(fresh, task)
    return event


def acting_post(actor: Any, committee: Committee) -> PostHolder | None:
    """The deputy post ``actor`` holds in ``committee`` today, if any."""
    if isinstance(actor, SystemActor):
        return None
    return (
        PostHolder.objects.filter(
            _current(clock.today()),
            user=actor,
            post__committee=committee,
            post__kind__in=DEPUTY_KINDS,
        )
        .select_related("post")
        .first()
    )


@transaction.atomic
def accept_task(
    task: Task,
    *,
    actor: Any,
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
        _require(can_judge(actor, fresh), _("Only the issuing committee accepts this task."))
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


@transaction.atomic
def return_task(task: Task, *, reason: str, actor: Any, version: int | None = None) -> TaskEvent:
    fresh = _fresh(task)
    _require(can_judge(actor, fresh), _("Only the issuing committee returns this task."))
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


@transaction.atomic
def cancel_task(task: Task, *, reason: str, actor: Any, version: int | None = None) -> TaskEvent:
    fresh = _fresh(task)
    _require(can_judge(actor, fresh), _("Only the issuing committee cancels this task."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the task is cancelled.")})
    event = _transition(
        fresh, TaskEvent.Type.CANCELLED, actor=actor, version=_v(task, version),
        note=reason.strip(),
    )  # fmt: skip
    notify(fresh.assignee, _("Task cancelled: %(title)s") % {"title": fresh.title}, about=fresh)
    _copy(fresh, task)
    return event


@transaction.atomic
def update_task(
    task: Task,
    *,
    deadline: dt.date,
    priority: int,
    description: str,
    actor: Any,
    version: int | None = None,
) -> TaskEvent:
    """The issuer changes the deadline, priority or description of an open task."""
    fresh = _fresh(task)
    _require(can_judge(actor, fresh), _("Only the issuing committee changes this task."))
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


def timeline(task: Task, user: Any) -> list[dict[str, Any]]:
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


def task_files(task: Task, user: Any) -> list[Attachment]:
    return list(attachments.attachments_of(task, user))
