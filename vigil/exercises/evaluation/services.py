"""Evaluation: rate the objectives, record findings, file corrective actions.

Who may: whoever keeps the exercise (the standing office or a leader of its committee,
or of one above it: ``drills.services.may_keep``). Ratings are given while the
exercise is conducted (its evaluation is not finished); findings and corrective
actions while it is conducted or evaluated. A corrective action is a task of the work
app for one agency of the committee's tree, which closes only with evidence; a finding
that requires the revision of a tested plan sets the sites app's flag in the same
transaction (the plan's next approved version clears it).

The keepers of an exercise pass ``sites.services.can_return`` for every plan it tests:
those plans belong to the exercise's committee or to one below it, and a standing
office or a leader there or above may ask for a plan's revision.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vigil.core import audit, clock
from vigil.core.audit import Actor
from vigil.core.dates import validate_plausible
from vigil.exercises.drills.models import (
    Capability,
    Exercise,
    ExerciseStatus,
    Objective,
    Rating,
)
from vigil.exercises.drills.services import may_keep
from vigil.exercises.evaluation.models import CorrectiveAction, Finding, FindingKind
from vigil.exercises.models import ExerciseAction
from vigil.org.models import Agency
from vigil.sites import services as sites_services
from vigil.sites.models import Plan
from vigil.work.services import agencies_in_tree
from vigil.work.tasks.models import Task
from vigil.work.tasks.services import fan_out_within

# Findings and corrective actions: once the exercise took place, until it is closed.
EVALUATING = (ExerciseStatus.CONDUCTED, ExerciseStatus.EVALUATED)


def _locked(exercise_id: int) -> Exercise:
    """The exercise, locked: its status cannot move under an evaluation being written."""
    return (
        Exercise.objects.select_for_update(of=("self",))
        .select_related("owning_committee")
        .get(pk=exercise_id)
    )


def _require_keeper(actor: Actor, exercise: Exercise) -> None:
    if not may_keep(actor, exercise):
        raise PermissionDenied(
            _("Only the committee's standing office or a leader may evaluate this exercise.")
        )


def _require_evaluating(exercise: Exercise) -> None:
    if exercise.status not in EVALUATING:
        raise ValidationError(
            _("Findings and corrective actions are recorded once the exercise is conducted "
              "and until it is closed.")
        )  # fmt: skip


def _check_capability(capability: str) -> str:
    if capability and capability not in Capability.values:
        raise ValidationError({"capability": _("Choose a capability from the list.")})
    return capability


def _check_plan(exercise: Exercise, plan: Plan | None) -> None:
    if plan is not None and not exercise.plans.filter(pk=plan.pk).exists():
        raise ValidationError({"plan": _("Choose a plan this exercise tested.")})


def _scope(exercise: Exercise) -> dict[str, Any]:
    return {"classification": exercise.classification,
            "committee_id": exercise.owning_committee_id}  # fmt: skip


@transaction.atomic(durable=True)
def rate_objective(objective: Objective, *, rating: str, observations: str = "",
                   actor: Actor) -> Objective:  # fmt: skip
    """Rate one objective P, S, M or U (HSEEP), with what the evaluators observed.
    A rating may be changed until the evaluation is finished."""
    exercise = _locked(objective.exercise_id)
    _require_keeper(actor, exercise)
    if exercise.status != ExerciseStatus.CONDUCTED:
        raise ValidationError(
            _("Objectives are rated once the exercise is conducted and until its evaluation "
              "is finished.")
        )  # fmt: skip
    rating = (rating or "").strip().upper()
    if rating not in Rating.values:
        raise ValidationError({"rating": _("A rating is P, S, M or U.")})
    fresh = Objective.objects.select_for_update().get(pk=objective.pk)
    before = audit.snapshot(fresh, ["rating", "observations"])
    fresh.rating, fresh.observations = rating, observations.strip()
    fresh.rated_at, fresh.rated_by = clock.now(), audit.acting_user(actor)
    fresh.rated_by_label = audit.actor_label(actor)[:200]
    fresh.full_clean()
    fresh.save(update_fields=["rating", "observations", "rated_at", "rated_by",
                              "rated_by_label"])  # fmt: skip
    audit.record(ExerciseAction.OBJECTIVE_RATED, actor=actor, obj=fresh, before=before,
                 after=audit.snapshot(fresh, ["number", "rating", "observations"]),
                 **_scope(exercise))  # fmt: skip
    objective.refresh_from_db()
    return fresh


def revision_reason(exercise: Exercise, finding: Finding) -> str:
    """What the plan's page says about why it must be revised. Everyone who reads the
    plan reads it, and not all of them see the exercise (nor is the plan always as
    classified as the exercise): so it names neither the exercise nor the finding's
    text, only the day and the finding's number, which its readers follow up."""
    return _("An exercise conducted on %(day)s found that the plan must be revised "
             "(finding no. %(number)s).") % {
        "day": (exercise.conducted_on or exercise.starts_on).strftime("%d/%m/%Y"),
        "number": finding.pk,
    }  # fmt: skip


@transaction.atomic(durable=True)
def record_finding(
    exercise: Exercise,
    *,
    kind: str,
    text: str,
    objective: Objective | None = None,
    capability: str = "",
    plan: Plan | None = None,
    requires_revision: bool = False,
    actor: Actor,
) -> Finding:
    """A strength or an area for improvement, about an objective, a capability or a
    plan the exercise tested; ``requires_revision`` marks that plan "revision required"."""
    fresh = _locked(exercise.pk)
    _require_keeper(actor, fresh)
    _require_evaluating(fresh)
    if kind not in FindingKind.values:
        raise ValidationError({"kind": _("Say whether this is a strength or an area for "
                                         "improvement.")})  # fmt: skip
    if not text.strip():
        raise ValidationError({"text": _("Write the finding.")})
    if objective is not None and objective.exercise_id != fresh.pk:
        raise ValidationError({"objective": _("Choose an objective of this exercise.")})
    capability = _check_capability(capability) or (objective.capability if objective else "")
    _check_plan(fresh, plan)
    if requires_revision:
        if plan is None:
            raise ValidationError({"plan": _("Name the plan that must be revised.")})
        if kind != FindingKind.IMPROVEMENT:
            raise ValidationError({"requires_revision": _(
                "Only an area for improvement about a plan can require its revision.")})  # fmt: skip
    finding = Finding(
        exercise=fresh, objective=objective, kind=kind, text=text.strip(), capability=capability,
        plan=plan, requires_revision=requires_revision, created_at=clock.now(),
        created_by=audit.acting_user(actor), created_by_label=audit.actor_label(actor)[:200],
    )  # fmt: skip
    finding.full_clean()
    finding.save()
    if requires_revision:
        assert plan is not None
        sites_services.require_revision(plan, reason=revision_reason(fresh, finding), actor=actor)
    audit.record(ExerciseAction.FINDING_RECORDED, actor=actor, obj=finding,
                 after=audit.snapshot(finding), **_scope(fresh))  # fmt: skip
    return finding


def action_title(exercise: Exercise, description: str) -> str:
    """The task's title: it names the exercise, so the agency's list tells it apart."""
    first = description.strip().splitlines()[0] if description.strip() else ""
    return (_("Corrective action after the exercise “%(exercise)s”: %(action)s")
            % {"exercise": exercise.name, "action": first})[:300]  # fmt: skip


@transaction.atomic(durable=True)
def file_corrective_action(
    finding: Finding,
    *,
    agency: Agency | None,
    due_on: dt.date | None,
    description: str,
    plan: Plan | None = None,
    capability: str = "",
    actor: Actor,
) -> CorrectiveAction:
    """An area for improvement becomes a task for ``agency``, due ``due_on``, that
    closes only with evidence. By default it improves the finding's plan and capability."""
    fresh = _locked(finding.exercise_id)
    _require_keeper(actor, fresh)
    _require_evaluating(fresh)
    finding = Finding.objects.get(pk=finding.pk)
    if finding.kind != FindingKind.IMPROVEMENT:
        raise ValidationError(_("A strength needs no corrective action: choose an area for "
                                "improvement."))  # fmt: skip
    if agency is None:
        raise ValidationError({"agency": _("Name the agency responsible for the action.")})
    if due_on is None:
        raise ValidationError({"due_on": _("Give the date the action is due.")})
    try:
        validate_plausible(due_on)
    except ValidationError as error:
        raise ValidationError({"due_on": error.messages}) from None
    today = clock.today()
    if due_on < today:
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})
    if not description.strip():
        raise ValidationError({"description": _("Say what must be done.")})
    committee = fresh.owning_committee
    try:
        agencies_in_tree(committee, [agency])
    except ValidationError as error:
        raise ValidationError({"agency": error.messages}) from None
    plan = plan or finding.plan
    _check_plan(fresh, plan)
    capability = _check_capability(capability) or finding.capability
    (task,) = fan_out_within(
        committee, lead=[agency], supporting=[], title=action_title(fresh, description),
        description=description.strip(), deadline=due_on, deadline_working_days=None,
        priority=Task.Priority.NORMAL, classification=fresh.classification, assigned_on=today,
        links={}, actor=actor, evidence_required=True,
    )  # fmt: skip
    action = CorrectiveAction.objects.create(
        exercise=fresh, finding=finding, task=task, plan=plan, capability=capability,
        created_at=clock.now(),
    )  # fmt: skip
    audit.record(ExerciseAction.ACTION_FILED, actor=actor, obj=action,
                 after={**audit.snapshot(action), "agency": agency.pk, "due_on": due_on},
                 **_scope(fresh))  # fmt: skip
    return action
