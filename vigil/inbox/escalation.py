"""One escalation policy for tasks, alerts, plan reviews and licences.

An app opens a *case* on an object when something must be answered (an alert
awaiting acknowledgement, an overdue task) and closes it when it is. While the
case is open the escalation sweep takes its steps as they fall due: the
agency's duty officer first, then its head, then the committee's standing
office — the steps (after how long, to whom) come from the committee's policy
for that kind, or the nearest committee above with one, or the default.

Delays run from the moment the case opened. A policy that counts working days
only (tasks, plan reviews, licences by default) stops the clock over weekends
and holidays (``core.workdays.add_working_time``); alerts count every hour.

Every step is an ``EscalationEvent`` (append-only): the object's timeline,
read by the apps with ``escalation_events_for(obj)``. A step is taken by
compare-and-swap on the case's ``next_step`` and is unique per case, so a sweep
run twice, or in two workers, escalates once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from vigil.core import audit, clock
from vigil.core.audit import Actor
from vigil.core.workdays import add_working_time
from vigil.inbox.models import (
    CaseKind,
    EscalationCase,
    EscalationEvent,
    EscalationPolicy,
    EscalationStep,
    InboxAction,
    Kind,
    StepTarget,
)
from vigil.inbox.services import AgencyRole, CommitteeRole, about_fields, notify, object_url
from vigil.org.duty.queries import duty_officer
from vigil.org.models import Agency, Committee, Role
from vigil.org.scope import Viewer, require_committee_admin, scope_for

WORKER = audit.SystemActor("worker")
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


@dataclass(frozen=True)
class Step:
    order: int
    after: dt.timedelta
    target: str


@dataclass(frozen=True)
class Policy:
    working_time: bool
    steps: tuple[Step, ...]


def _steps(*pairs: tuple[dt.timedelta, str]) -> tuple[Step, ...]:
    return tuple(Step(i, after, target) for i, (after, target) in enumerate(pairs, start=1))


T = StepTarget
# The default policy (seeded as editable rows; also used if the rows are gone).
DEFAULT_POLICIES: dict[str, Policy] = {
    # An unacknowledged alert does not wait for Monday.
    CaseKind.ALERT: Policy(False, _steps((30 * dt.timedelta(minutes=1), T.DUTY_OFFICER),
                                         (2 * H, T.AGENCY_HEAD), (4 * H, T.STANDING_OFFICE))),
    CaseKind.TASK: Policy(True, _steps((1 * D, T.DUTY_OFFICER), (2 * D, T.AGENCY_HEAD),
                                       (3 * D, T.STANDING_OFFICE))),
    CaseKind.PLAN_REVIEW: Policy(True, _steps((5 * D, T.DUTY_OFFICER), (10 * D, T.AGENCY_HEAD),
                                              (15 * D, T.STANDING_OFFICE))),
    CaseKind.LICENCE: Policy(True, _steps((5 * D, T.DUTY_OFFICER), (10 * D, T.AGENCY_HEAD),
                                          (20 * D, T.STANDING_OFFICE))),
}  # fmt: skip
NOTIFICATION_KIND: dict[str, str] = {
    CaseKind.TASK: Kind.TASK,
    CaseKind.ALERT: Kind.ALERT,
    CaseKind.PLAN_REVIEW: Kind.PLAN_REVIEW,
    CaseKind.LICENCE: Kind.LICENCE,
}


def seed_default_policies() -> int:
    """Write the default policy rows that are missing (idempotent); return how many."""
    created = 0
    with transaction.atomic():
        for kind, policy in DEFAULT_POLICIES.items():
            row, new = EscalationPolicy.objects.get_or_create(
                committee=None, kind=kind, defaults={"working_time": policy.working_time}
            )
            if new:
                EscalationStep.objects.bulk_create(
                    EscalationStep(policy=row, order=s.order, after=s.after, target=s.target)
                    for s in policy.steps
                )
                created += 1
    return created


def policy_for(committee: Committee, kind: str) -> Policy:
    """The committee's policy for ``kind``, else the nearest committee above's, else the default."""
    ids = [int(part) for part in committee.path.strip("/").split("/") if part]
    rows = {
        row.committee_id: row
        for row in EscalationPolicy.objects.filter(
            kind=kind, committee_id__in=ids
        ).prefetch_related("steps")
    }
    row = next((rows[i] for i in reversed(ids) if i in rows), None)
    if row is None:
        row = EscalationPolicy.objects.filter(kind=kind, committee=None).first()
    if row is None:
        return DEFAULT_POLICIES[kind]
    return Policy(
        row.working_time,
        tuple(Step(s.order, s.after, s.target) for s in row.steps.order_by("order")),
    )


def _check_steps(kind: str, steps: Sequence[tuple[dt.timedelta, str]]) -> None:
    if kind not in CaseKind.values:
        raise ValidationError({"kind": _("Unknown kind of case.")})
    if not 1 <= len(steps) <= 10:
        raise ValidationError({"steps": _("A policy has from 1 to 10 steps.")})
    previous = dt.timedelta(0)
    for after, target in steps:
        if target not in StepTarget.values:
            raise ValidationError({"steps": _("Unknown recipient of a step.")})
        if after <= previous:
            raise ValidationError(
                {"steps": _("Each step must come later than the one before it (and after 0).")}
            )
        previous = after


@transaction.atomic
def set_policy(
    committee: Committee | None,
    kind: str,
    *,
    steps: Sequence[tuple[dt.timedelta, str]],
    working_time: bool,
    actor: Actor,
) -> EscalationPolicy:
    """Replace a committee's policy for ``kind`` (no committee: the default).

    An administrator of the committee (or one above) may; the default only Vigil itself.
    Cases already open follow the new steps from their next one.
    """
    require_committee_admin(actor, committee)
    _check_steps(kind, steps)
    before = _policy_snapshot(committee, kind)
    row, _created = EscalationPolicy.objects.update_or_create(
        committee=committee, kind=kind, defaults={"working_time": working_time}
    )
    row.steps.all().delete()
    EscalationStep.objects.bulk_create(
        EscalationStep(policy=row, order=i, after=after, target=target)
        for i, (after, target) in enumerate(steps, start=1)
    )
    audit.record(
        InboxAction.POLICY_SET,
        actor=actor,
        obj=row,
        committee_id=committee.pk if committee else None,
        before=before,
        after=_policy_snapshot(committee, kind),
    )
    return row


def administered_committee_ids(user: Viewer) -> set[int]:
    """Committees whose policies ``user`` may set: where they administer, and below."""
    scope = scope_for(user)
    return {
        c.pk
        for c in Committee.objects.filter(pk__in=scope.committees_below).only("path")
        if scope.committee_role_covers(c.path, Role.ADMINISTRATOR)
    }


@dataclass(frozen=True)
class PolicyRow:
    committee: Committee | None
    kind: str
    policy: Policy

    @property
    def kind_label(self) -> str:
        return str(CaseKind(self.kind).label)

    @property
    def step_labels(self) -> list[str]:
        return [
            _("after %(delay)s → %(target)s")
            % {"delay": _format_delta(s.after), "target": StepTarget(s.target).label}
            for s in self.policy.steps
        ]


def _format_delta(delta: dt.timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours and hours % 24 == 0:
        return _("%(n)d days") % {"n": hours // 24}
    if hours:
        return _("%(n)d hours") % {"n": hours}
    return _("%(n)d minutes") % {"n": int(delta.total_seconds() // 60)}


def policy_rows(committees: QuerySet[Committee]) -> list[PolicyRow]:
    """The default policies, then each committee's own (where it has one)."""
    rows = [PolicyRow(None, kind, policy_for_default(kind)) for kind in CaseKind.values]
    own = EscalationPolicy.objects.filter(committee__in=committees).select_related("committee")
    for row in own.prefetch_related("steps").order_by("committee__path", "kind"):
        steps = tuple(Step(s.order, s.after, s.target) for s in row.steps.all())
        rows.append(PolicyRow(row.committee, row.kind, Policy(row.working_time, steps)))
    return rows


def policy_for_default(kind: str) -> Policy:
    row = EscalationPolicy.objects.filter(kind=kind, committee=None).first()
    if row is None:
        return DEFAULT_POLICIES[kind]
    steps = tuple(Step(s.order, s.after, s.target) for s in row.steps.order_by("order"))
    return Policy(row.working_time, steps)


def _policy_snapshot(committee: Committee | None, kind: str) -> dict[str, Any] | None:
    row = EscalationPolicy.objects.filter(committee=committee, kind=kind).first()
    if row is None:
        return None
    return {
        "working_time": row.working_time,
        "steps": [[s.after.total_seconds(), s.target] for s in row.steps.order_by("order")],
    }


def _due_at(case: EscalationCase, policy: Policy, order: int) -> dt.datetime | None:
    step = next((s for s in policy.steps if s.order == order), None)
    if step is None:
        return None
    if policy.working_time:
        return add_working_time(case.opened_at, step.after)
    return case.opened_at + step.after


def _open_case_for(obj: models.Model, kind: str) -> EscalationCase | None:
    return EscalationCase.objects.filter(
        **about_fields(obj), kind=kind, resolved_at__isnull=True
    ).first()


def open_case(
    obj: models.Model,
    *,
    kind: str,
    subject: str,
    committee: Committee | None = None,
    agency: Agency | None = None,
    opened_at: dt.datetime | None = None,
) -> EscalationCase:
    """Start escalating ``obj`` (in the caller's transaction); an open case is returned as is.

    Committee and agency default to the object's owning committee and agency.
    """
    return open_case_once(
        obj, kind=kind, subject=subject, committee=committee, agency=agency, opened_at=opened_at
    )[0]


def open_case_once(
    obj: models.Model,
    *,
    kind: str,
    subject: str,
    committee: Committee | None = None,
    agency: Agency | None = None,
    opened_at: dt.datetime | None = None,
) -> tuple[EscalationCase, bool]:
    """``open_case``, and whether this call opened it (False: it was open already).

    Two sweeps can both find no open case and both insert one: the loser's
    insert fails on ``inbox_case_one_open`` inside its own savepoint, and it
    returns the winner's case instead, so its sweep goes on to the next object.
    """
    if kind not in CaseKind.values:
        raise ValueError(f"unknown case kind {kind!r}")
    with transaction.atomic():
        existing = _open_case_for(obj, kind)
        if existing is not None:
            return existing, False
        case = EscalationCase(
            kind=kind,
            committee=committee or obj.owning_committee,  # type: ignore[attr-defined]
            agency=agency or obj.owning_agency,  # type: ignore[attr-defined]
            subject=subject[:300],
            url=object_url(obj),
            classification=int(getattr(obj, "classification", 0) or 0),
            opened_at=opened_at or clock.now(),
            **about_fields(obj),
        )
        case.next_due_at = _due_at(case, policy_for(case.committee, kind), 1)
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            # Lost the race: the winner committed its case (READ COMMITTED sees it now).
            existing = _open_case_for(obj, kind)
            if existing is None:
                raise
            return existing, False
        EscalationEvent.objects.create(
            case=case, type=EscalationEvent.Type.OPENED, at=case.opened_at
        )
    return case, True


def close_case(obj: models.Model, *, kind: str, note: str = "") -> EscalationCase | None:
    """Stop escalating ``obj`` (acknowledged, done); None when no case was open."""
    with transaction.atomic():
        case = _open_case_for(obj, kind)
        if case is None:
            return None
        now = clock.now()
        closed = EscalationCase.objects.filter(pk=case.pk, resolved_at__isnull=True).update(
            resolved_at=now, next_due_at=None
        )
        if not closed:
            return None
        EscalationEvent.objects.create(
            case=case, type=EscalationEvent.Type.RESOLVED, at=now, note=note[:300]
        )
        case.refresh_from_db()
    return case


def escalation_events_for(obj: models.Model) -> QuerySet[EscalationEvent]:
    """The object's escalation timeline, oldest first, every case of it included."""
    ct = ContentType.objects.get_for_model(obj)
    return (
        EscalationEvent.objects.filter(case__about_type=ct, case__about_id=str(obj.pk))
        .select_related("case")
        .order_by("at", "pk")
    )


def _recipients(case: EscalationCase, target: str, at: dt.datetime) -> tuple[Any, str, str]:
    """(recipients, label, note) for one step."""
    if target == StepTarget.DUTY_OFFICER:
        officer = duty_officer(case.agency, at)
        if officer is not None and officer.is_active and officer.clearance >= case.classification:
            return officer, str(officer), ""
        # Nobody rostered, or the officer on duty may not read this object: the
        # agency as a whole must still hear of it (delivery keeps to clearances).
        note = (
            _("No duty officer on the roster: sent to the agency.")
            if officer is None
            else _("The duty officer may not read this object: sent to the agency.")
        )
        return case.agency, str(case.agency), note
    if target == StepTarget.AGENCY_HEAD:
        return AgencyRole(case.agency, Role.AGENCY_HEAD), str(case.agency), ""
    return CommitteeRole(case.committee, Role.STANDING_OFFICE), str(case.committee), ""


def take_step(
    case: EscalationCase, now: dt.datetime, *, actor: audit.SystemActor = WORKER
) -> EscalationEvent | None:
    """Take the case's next step if it is due and nobody took it first (``actor``: who
    the audit names, the worker, or the demo seed replaying what the worker would do)."""
    policy = policy_for(case.committee, case.kind)
    order = case.next_step
    step = next((s for s in policy.steps if s.order == order), None)
    with transaction.atomic():
        next_due = _due_at(case, policy, order + 1)
        won = EscalationCase.objects.filter(
            pk=case.pk, next_step=order, resolved_at__isnull=True, next_due_at__lte=now
        ).update(next_step=F("next_step") + 1, next_due_at=next_due)
        if not won or step is None:
            return None
        recipients, label, note = _recipients(case, step.target, now)
        notification = notify(
            recipients,
            _("Escalation: %(subject)s") % {"subject": case.subject},
            about=case.about,
            kind=NOTIFICATION_KIND[case.kind],
            url=case.url,
            classification=case.classification,
            committee=case.committee,
        )
        event = EscalationEvent.objects.create(
            case=case,
            type=EscalationEvent.Type.STEP,
            step=order,
            target=step.target,
            at=now,
            recipient_label=label[:300],
            notification=notification,
            note=note,
        )
        audit.record(
            InboxAction.CASE_ESCALATED,
            actor=actor,
            object_type=(
                f"{case.about_type.app_label}.{case.about_type.model}"
                if case.about_type
                else "inbox.escalationcase"
            ),
            object_id=case.about_id or str(case.pk),
            classification=case.classification,
            committee_id=case.committee_id,
            after={"case": case.pk, "step": order, "target": step.target, "to": label},
        )
    return event


def escalate_due(now: dt.datetime) -> int:
    """The escalation sweep: every step due at ``now``, each taken once."""
    taken = 0
    while True:
        due = list(
            EscalationCase.objects.filter(resolved_at__isnull=True, next_due_at__lte=now)
            .select_related("committee", "agency", "about_type")
            .order_by("next_due_at", "pk")[:200]
        )
        progressed = 0
        for case in due:
            if take_step(case, now) is not None:
                progressed += 1
        taken += progressed
        if not due or not progressed:
            return taken
