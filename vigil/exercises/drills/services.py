"""Exercises: plan, change, conduct, finish the evaluation, close, cancel.

Who may: the standing office or a leader of the exercise's committee (or of one
above it). Conducting an exercise marks each plan it tested as exercised that day
through the sites app. Closing needs what an after-action report needs: every
objective rated, a summary, and a corrective action for every area for improvement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from vigil.core import audit, clock
from vigil.core.audit import Actor
from vigil.core.dates import validate_plausible
from vigil.core.models import AdminUnit
from vigil.exercises.drills.models import (
    Capability,
    Exercise,
    ExerciseStatus,
    ExerciseType,
    Objective,
    Participant,
)
from vigil.exercises.models import ExerciseAction
from vigil.exercises.versioned import bump, locked
from vigil.org.models import Agency, Committee, Role
from vigil.org.scope import Viewer, check_clearance, scope_for
from vigil.sites import services as sites_services
from vigil.sites.models import KeySite, Plan
from vigil.work.services import agencies_in_tree
from vigil.work.tasks.models import Task

KEEPERS = (Role.STANDING_OFFICE, Role.COMMITTEE_LEADER)
# What ``change_exercise`` may change, and in which states.
CHANGEABLE = frozenset(
    {"type", "name", "scenario", "starts_on", "ends_on", "site", "commune", "place", "summary",
     "plans", "sites", "participants", "classification"}
)  # fmt: skip
PLANNING_ONLY = frozenset({"type", "starts_on", "ends_on", "plans", "sites", "classification"})


@dataclass(frozen=True)
class ParticipantSpec:
    """An agency taking part: how many people, how much equipment. Counts only."""

    agency: Agency
    people: int = 0
    equipment: int = 0


@dataclass(frozen=True)
class ObjectiveSpec:
    text: str
    capability: str


class StaleExercise(ValidationError):
    def __init__(self) -> None:
        super().__init__(
            _("Someone else changed this exercise in the meantime: reload it and try again."),
            code="stale",
        )


def may_keep_exercises(user: Viewer, committee: Committee) -> bool:
    """The standing office or a leader of ``committee`` or of one above it."""
    return scope_for(user).committee_role_covers(committee.path, *KEEPERS)


def may_keep(user: Viewer, exercise: Exercise) -> bool:
    return may_keep_exercises(user, exercise.owning_committee)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_keeper(actor: Actor, exercise: Exercise) -> None:
    _require(may_keep(actor, exercise), _("Only the committee's standing office or a leader "
                                          "may do this."))  # fmt: skip


def _snapshot(exercise: Exercise) -> dict[str, Any]:
    return {
        **audit.snapshot(exercise),
        "plans": sorted(exercise.plans.values_list("pk", flat=True)),
        "sites": sorted(exercise.sites.values_list("pk", flat=True)),
        "participants": [
            [p.agency_id, p.people, p.equipment] for p in exercise.participants.order_by("pk")
        ],
    }


def _check_dates(starts_on: dt.date, ends_on: dt.date) -> None:
    for name, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        try:
            validate_plausible(day)
        except ValidationError as error:
            raise ValidationError({name: error.messages}) from None
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("An exercise cannot end before it starts.")})


def _check_plans(committee: Committee, plans: Sequence[Plan], actor: Actor) -> None:
    visible = set(
        Plan.objects.visible_to(actor)
        .filter(pk__in=[p.pk for p in plans], owning_committee__path__startswith=committee.path)
        .values_list("pk", flat=True)
    )
    if any(p.pk not in visible for p in plans):
        raise ValidationError({"plans": _("Choose plans of this committee that you may see.")})


def _check_sites(committee: Committee, sites: Sequence[KeySite], actor: Actor) -> None:
    visible = set(
        KeySite.objects.visible_to(actor)
        .filter(pk__in=[s.pk for s in sites], owning_committee__path__startswith=committee.path)
        .values_list("pk", flat=True)
    )
    if any(s.pk not in visible for s in sites):
        raise ValidationError({"sites": _("Choose key sites of this committee that you may see.")})


def _check_participants(committee: Committee, specs: Sequence[ParticipantSpec]) -> None:
    agencies = [s.agency for s in specs]
    if len(set(agencies)) != len(agencies):
        raise ValidationError({"participants": _("Name each agency once.")})
    for spec in specs:
        if spec.people < 0 or spec.equipment < 0:
            raise ValidationError({"participants": _("Counts cannot be negative.")})
    _in_tree(committee, agencies, "participants")


def _in_tree(committee: Committee, agencies: Sequence[Agency], field: str) -> None:
    """``agencies_in_tree`` names its refusal ``agencies``: here it is the form's ``field``."""
    try:
        agencies_in_tree(committee, agencies)
    except ValidationError as refused:
        raise ValidationError({field: refused.messages}) from None


def _check_objective(spec: ObjectiveSpec) -> None:
    if not spec.text.strip():
        raise ValidationError({"objectives": _("Say what the objective is.")})
    if spec.capability not in Capability.values:
        raise ValidationError({"objectives": _("Choose the capability the objective tests.")})


def _set_participants(exercise: Exercise, specs: Sequence[ParticipantSpec]) -> None:
    exercise.participants.all().delete()
    Participant.objects.bulk_create(
        Participant(exercise=exercise, agency=s.agency, people=s.people, equipment=s.equipment)
        for s in specs
    )


def _add_objectives(exercise: Exercise, specs: Sequence[ObjectiveSpec]) -> list[Objective]:
    last = exercise.objectives.order_by("-number").values_list("number", flat=True).first() or 0
    made = []
    for number, spec in enumerate(specs, start=last + 1):
        _check_objective(spec)
        made.append(Objective.objects.create(
            exercise=exercise, number=number, text=spec.text.strip(), capability=spec.capability,
        ))  # fmt: skip
    return made


def plan_exercise_within(
    committee: Committee,
    *,
    actor: Actor,
    type: str,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    scenario: str = "",
    organising_agency: Agency | None = None,
    site: KeySite | None = None,
    commune: AdminUnit | None = None,
    place: str = "",
    plans: Iterable[Plan] = (),
    sites: Iterable[KeySite] = (),
    participants: Sequence[ParticipantSpec] = (),
    objectives: Sequence[ObjectiveSpec] = (),
    classification: int = 0,
    shared_agencies: Iterable[Agency] = (),
) -> Exercise:
    """A planned exercise of ``committee``, organised by ``organising_agency`` (by
    default the committee's standing agency). Joins the caller's transaction."""
    _require(may_keep_exercises(actor, committee),
             _("Only the committee's standing office or a leader may plan exercises."))  # fmt: skip
    check_clearance(actor, int(classification))
    if type not in ExerciseType.values:
        raise ValidationError({"type": _("Choose the type of exercise.")})
    if not name.strip():
        raise ValidationError({"name": _("Give the exercise a name.")})
    _check_dates(starts_on, ends_on)
    owner = organising_agency or committee.standing_agency
    if owner is None:
        raise ValidationError({"organising_agency": _("Name the organising agency.")})
    _in_tree(committee, [owner], "organising_agency")
    plans, sites = list(dict.fromkeys(plans)), list(dict.fromkeys(sites))
    if site is not None and site not in sites:
        sites.append(site)
    _check_plans(committee, plans, actor)
    _check_sites(committee, sites, actor)
    _check_participants(committee, participants)
    for spec in objectives:
        _check_objective(spec)
    exercise = Exercise(
        owning_committee=committee, owning_agency=owner, classification=classification,
        type=type, name=name.strip()[:300], scenario=scenario.strip(), starts_on=starts_on,
        ends_on=ends_on, site=site, commune=commune, place=place.strip()[:300],
        created_at=clock.now(), created_by=audit.acting_user(actor),
    )  # fmt: skip
    exercise.full_clean(exclude=["shared_agencies", "shared_committees"])
    exercise.save()
    exercise.plans.set(plans)
    exercise.sites.set(sites)
    exercise.shared_agencies.set(list(shared_agencies))
    _set_participants(exercise, participants)
    _add_objectives(exercise, objectives)
    audit.record(ExerciseAction.EXERCISE_PLANNED, actor=actor, obj=exercise,
                 after={**_snapshot(exercise),
                        "objectives": [[o.number, o.capability, o.text]
                                       for o in exercise.objectives.all()]})  # fmt: skip
    return exercise


plan_exercise = transaction.atomic(durable=True)(plan_exercise_within)


def _locked(exercise: Exercise, version: int | None) -> Exercise:
    return locked(Exercise, exercise.pk, version, StaleExercise)


@transaction.atomic(durable=True)
def change_exercise(
    exercise: Exercise, *, actor: Actor, version: int | None = None, **changes: Any
) -> Exercise:
    """Change what the exercise is; what it tests and when only while it is planned.
    ``participants`` is a list of ``ParticipantSpec``; ``plans`` and ``sites`` lists of
    those the actor sees (the plans and sites the actor cannot see are kept, and so is
    a ``site`` the actor cannot see unless another is set)."""
    fresh = _locked(exercise, None)
    _require_keeper(actor, fresh)  # a reader is refused (403) before a stale version (409)
    if version is not None and fresh.version != version:
        raise StaleExercise
    unknown = set(changes) - CHANGEABLE
    if unknown:
        raise ValueError(f"not a changeable field: {sorted(unknown)}")
    if fresh.status in (ExerciseStatus.CLOSED, ExerciseStatus.CANCELLED):
        raise ValidationError(_("A closed or cancelled exercise cannot be changed."))
    late = set(changes) & PLANNING_ONLY
    if late and fresh.status != ExerciseStatus.PLANNED:
        raise ValidationError(_("What an exercise tests and when can change only while it is "
                                "planned."))  # fmt: skip
    before = _snapshot(fresh)
    committee = fresh.owning_committee
    plans, sites = changes.pop("plans", None), changes.pop("sites", None)
    participants = changes.pop("participants", None)
    if "classification" in changes:
        check_clearance(actor, int(changes["classification"]))
    if "type" in changes and changes["type"] not in ExerciseType.values:
        raise ValidationError({"type": _("Choose the type of exercise.")})
    if "name" in changes and not str(changes["name"]).strip():
        raise ValidationError({"name": _("Give the exercise a name.")})
    _check_dates(changes.get("starts_on", fresh.starts_on), changes.get("ends_on", fresh.ends_on))
    if plans is not None:
        _check_plans(committee, list(plans), actor)
    if sites is not None:
        _check_sites(committee, list(sites), actor)
    if changes.get("site") is not None:
        _check_sites(committee, [changes["site"]], actor)
    if participants is not None:
        _check_participants(committee, participants)
    unseen_site = KeySite.objects.filter(pk=fresh.site_id or 0).exclude(
        pk__in=KeySite.objects.visible_to(actor).values("pk"))  # fmt: skip
    if "site" in changes and changes["site"] is None and unseen_site.exists():
        del changes["site"]  # the editor cannot see it (nor choose it): kept
    bump(fresh, **changes)
    # The editor replaces the plans and sites they see; those they cannot see stay.
    if plans is not None:
        unseen = fresh.plans.exclude(pk__in=Plan.objects.visible_to(actor).values("pk"))
        fresh.plans.set([*plans, *unseen])
    if sites is not None:
        hidden = fresh.sites.exclude(pk__in=KeySite.objects.visible_to(actor).values("pk"))
        fresh.sites.set([*sites, *hidden])
    if participants is not None:
        _set_participants(fresh, participants)
    audit.record(ExerciseAction.EXERCISE_CHANGED, actor=actor, obj=fresh, before=before,
                 after=_snapshot(fresh))  # fmt: skip
    exercise.refresh_from_db()
    return fresh


@transaction.atomic(durable=True)
def add_objective(exercise: Exercise, *, text: str, capability: str, actor: Actor) -> Objective:
    """One more objective, before the evaluation is finished."""
    fresh = _locked(exercise, None)
    _require_keeper(actor, fresh)
    if fresh.status not in (ExerciseStatus.PLANNED, ExerciseStatus.CONDUCTED):
        raise ValidationError(_("Objectives are set before the evaluation is finished."))
    (objective,) = _add_objectives(fresh, [ObjectiveSpec(text, capability)])
    audit.record(ExerciseAction.OBJECTIVE_ADDED, actor=actor, obj=objective,
                 after=audit.snapshot(objective), classification=fresh.classification,
                 committee_id=fresh.owning_committee_id)  # fmt: skip
    return objective


def conduct_within(exercise: Exercise, *, actor: Actor, on: dt.date | None = None) -> Exercise:
    """The exercise took place (``on``, by default today): each plan it tested counts as
    exercised from that day."""
    fresh = _locked(exercise, None)
    _require_keeper(actor, fresh)
    if fresh.status != ExerciseStatus.PLANNED:
        raise ValidationError(_("Only a planned exercise can be recorded as conducted."))
    day = on or clock.today()
    if day > clock.today():
        raise ValidationError({"on": _("An exercise cannot be conducted on a day still to come.")})
    if not fresh.starts_on <= day:
        raise ValidationError({"on": _("An exercise is conducted on or after the day it starts.")})
    if not fresh.objectives.exists():
        raise ValidationError(_("Set at least one objective before the exercise is conducted."))
    before = _snapshot(fresh)
    bump(fresh, status=ExerciseStatus.CONDUCTED, conducted_on=day)
    for plan in fresh.plans.all():
        sites_services.mark_exercised(plan, on=day, actor=actor)
    audit.record(ExerciseAction.EXERCISE_CONDUCTED, actor=actor, obj=fresh, before=before,
                 after=_snapshot(fresh))  # fmt: skip
    return fresh


conduct = transaction.atomic(durable=True)(conduct_within)


@transaction.atomic(durable=True)
def finish_evaluation(exercise: Exercise, *, actor: Actor, summary: str | None = None) -> Exercise:
    """Every objective is rated: the exercise is evaluated (its after-action report can
    be issued and its corrective actions followed)."""
    fresh = _locked(exercise, None)
    _require_keeper(actor, fresh)
    if fresh.status != ExerciseStatus.CONDUCTED:
        raise ValidationError(_("Only a conducted exercise can be evaluated."))
    unrated = list(fresh.objectives.filter(rating="").values_list("number", flat=True))
    if unrated:
        raise ValidationError(
            _("Rate every objective first (not yet rated: %(numbers)s).")
            % {"numbers": ", ".join(map(str, unrated))}
        )
    before = _snapshot(fresh)
    changes: dict[str, Any] = {"status": ExerciseStatus.EVALUATED, "evaluated_at": clock.now()}
    if summary is not None:
        changes["summary"] = summary.strip()
    bump(fresh, **changes)
    audit.record(ExerciseAction.EXERCISE_EVALUATED, actor=actor, obj=fresh, before=before,
                 after=_snapshot(fresh))  # fmt: skip
    return fresh


def missing_for_close(exercise: Exercise) -> list[str]:
    """What stops the exercise from being closed, in words (empty: it may be closed)."""
    missing = []
    if exercise.status != ExerciseStatus.EVALUATED:
        missing.append(_("the evaluation is not finished"))
    if not exercise.summary.strip():
        missing.append(_("the after-action summary is empty"))
    if exercise.objectives.filter(rating="").exists():
        missing.append(_("an objective is not rated"))
    # A corrective action whose task was cancelled covers nothing.
    live = Q(
        corrective_actions__task__state__in=[s for s in Task.State if s != Task.State.CANCELLED]
    )
    bare = exercise.findings.filter(kind="improvement").annotate(
        n=Count("corrective_actions", filter=live)).filter(n=0)  # fmt: skip
    if bare.exists():
        missing.append(_("an area for improvement has no corrective action"))
    return missing


@transaction.atomic(durable=True)
def close_exercise(exercise: Exercise, *, actor: Actor) -> Exercise:
    """Close the exercise: its report is complete. Its corrective actions go on as
    tasks until each is done."""
    fresh = _locked(exercise, None)
    _require_keeper(actor, fresh)
    if fresh.status in (ExerciseStatus.CLOSED, ExerciseStatus.CANCELLED):
        raise ValidationError(_("This exercise is already closed or cancelled."))
    missing = missing_for_close(fresh)
    if missing:
        raise ValidationError(
            _("The exercise cannot be closed yet: %(missing)s.") % {"missing": "; ".join(missing)}
        )
    before = _snapshot(fresh)
    bump(fresh, status=ExerciseStatus.CLOSED, closed_at=clock.now())
    audit.record(ExerciseAction.EXERCISE_CLOSED, actor=actor, obj=fresh, before=before,
                 after=_snapshot(fresh))  # fmt: skip
    return fresh


@transaction.atomic(durable=True)
def cancel_exercise(exercise: Exercise, *, reason: str, actor: Actor) -> Exercise:
    fresh = _locked(exercise, None)
    _require_keeper(actor, fresh)
    if fresh.status != ExerciseStatus.PLANNED:
        raise ValidationError(_("Only a planned exercise can be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the exercise is cancelled.")})
    before = _snapshot(fresh)
    bump(fresh, status=ExerciseStatus.CANCELLED, cancel_reason=reason.strip())
    audit.record(ExerciseAction.EXERCISE_CANCELLED, actor=actor, obj=fresh, before=before,
                 after=_snapshot(fresh))  # fmt: skip
    return fresh
