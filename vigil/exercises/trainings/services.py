"""Trainings: plan, change, record as held, cancel.

Who may: the standing office or a leader of the training's committee (or of one
above it), as for exercises (``may_keep_exercises``). The audience is counts only:
an agency of the committee's tree and how many of its people took part, never who.
Materials are attachments (``may_attach``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vigil.core import audit, clock
from vigil.core.audit import Actor
from vigil.core.dates import shown, validate_plausible
from vigil.core.models import AdminUnit
from vigil.exercises.drills.services import may_keep_exercises
from vigil.exercises.models import ExerciseAction
from vigil.exercises.trainings.models import Training, TrainingAudience, TrainingStatus
from vigil.exercises.versioned import bump, locked
from vigil.org.models import Agency, Committee
from vigil.org.scope import Viewer, check_clearance, scope_for
from vigil.work.services import agencies_in_tree

# What ``change_training`` may change.
CHANGEABLE = frozenset(
    {"topic", "description", "starts_on", "ends_on", "place", "commune", "trainer_unit",
     "organising_agency", "audience", "classification", "shared_agencies"}
)  # fmt: skip
# The most people one agency sends: a typo's guard, not a policy.
MOST_PARTICIPANTS = 100_000


@dataclass(frozen=True)
class AudienceSpec:
    """An agency trained and how many of its people took part. A count, never names."""

    agency: Agency
    participants: int = 0


class StaleTraining(ValidationError):
    def __init__(self) -> None:
        super().__init__(
            _("Someone else changed this training in the meantime: reload it and try again."),
            code="stale",
        )


def may_keep(user: Viewer, training: Training) -> bool:
    """The standing office or a leader of the training's committee or of one above it."""
    return may_keep_exercises(user, training.owning_committee)


def may_attach(user: Any, training: Training) -> bool:
    """Materials: the keepers, and the people of the organising agency (the trainers'
    hosts), while the training is not cancelled."""
    if training.status == TrainingStatus.CANCELLED:
        return False
    return may_keep(user, training) or training.owning_agency_id in scope_for(user).agency_ids


def _require_keeper(actor: Actor, committee: Committee) -> None:
    if not may_keep_exercises(actor, committee):
        raise PermissionDenied(
            _("Only the committee's standing office or a leader may keep its trainings.")
        )


def _snapshot(training: Training) -> dict[str, Any]:
    return {
        **audit.snapshot(training),
        "audience": [[a.agency_id, a.participants] for a in training.audience.order_by("pk")],
        "shared_agencies": sorted(training.shared_agencies.values_list("pk", flat=True)),
    }


def _check_dates(starts_on: dt.date, ends_on: dt.date) -> None:
    for name, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        try:
            validate_plausible(day)
        except ValidationError as error:
            raise ValidationError({name: error.messages}) from None
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("A training cannot end before it starts.")})


def _in_tree(committee: Committee, agencies: Sequence[Agency], field: str) -> None:
    """Refuse, on ``field``, an agency outside the committee's tree."""
    try:
        agencies_in_tree(committee, agencies)
    except ValidationError as refused:
        raise ValidationError({field: refused.messages}) from None


def _check_audience(committee: Committee, specs: Sequence[AudienceSpec]) -> None:
    agencies = [s.agency for s in specs]
    if len(set(agencies)) != len(agencies):
        raise ValidationError({"audience": _("Name each agency of the audience once.")})
    for spec in specs:
        if spec.participants < 0:
            raise ValidationError({"audience": _("Counts cannot be negative.")})
        if spec.participants > MOST_PARTICIPANTS:
            raise ValidationError(
                {"audience": _("At most %(most)s participants per agency.")
                 % {"most": MOST_PARTICIPANTS}}
            )  # fmt: skip
    _in_tree(committee, agencies, "audience")


def _check_organiser(committee: Committee, organiser: Agency | None) -> Agency:
    if organiser is None:
        raise ValidationError({"organising_agency": _("Name the organising agency.")})
    _in_tree(committee, [organiser], "organising_agency")
    return organiser


COMMUNE_KINDS = (AdminUnit.Kind.COMMUNE, AdminUnit.Kind.WARD, AdminUnit.Kind.SPECIAL_ZONE)


def _check_commune(committee: Committee, commune: AdminUnit | None) -> None:
    """A commune (ward, special zone) within the committee's area: its own commune, or
    one of its province (a committee without an admin unit is not checked)."""
    if commune is None:
        return
    if commune.kind not in COMMUNE_KINDS:
        raise ValidationError({"commune": _("Choose a commune, ward or special zone.")})
    area = committee.admin_unit_id
    if area is not None and area not in (commune.pk, commune.parent_id):
        raise ValidationError({"commune": _("Choose a commune within the committee's area.")})


def _text(value: Any, limit: int | None = None) -> str:
    text = str(value or "").strip()
    return text[:limit] if limit else text


def _set_audience(training: Training, specs: Sequence[AudienceSpec]) -> None:
    training.audience.all().delete()
    TrainingAudience.objects.bulk_create(
        TrainingAudience(training=training, agency=s.agency, participants=s.participants)
        for s in specs
    )


def plan_training_within(
    committee: Committee,
    *,
    actor: Actor,
    topic: str,
    starts_on: dt.date,
    ends_on: dt.date,
    organising_agency: Agency | None = None,
    description: str = "",
    place: str = "",
    commune: AdminUnit | None = None,
    trainer_unit: str = "",
    audience: Sequence[AudienceSpec] = (),
    classification: int = 0,
    shared_agencies: Iterable[Agency] = (),
) -> Training:
    """A planned training of ``committee``, organised by ``organising_agency`` (by
    default the committee's standing agency). Joins the caller's transaction."""
    _require_keeper(actor, committee)
    check_clearance(actor, int(classification))
    if not _text(topic):
        raise ValidationError({"topic": _("Give the training a topic.")})
    _check_dates(starts_on, ends_on)
    owner = _check_organiser(committee, organising_agency or committee.standing_agency)
    _check_audience(committee, audience)
    _check_commune(committee, commune)
    training = Training(
        owning_committee=committee, owning_agency=owner, classification=int(classification),
        topic=_text(topic, 300), description=_text(description), starts_on=starts_on,
        ends_on=ends_on, place=_text(place, 300), commune=commune,
        trainer_unit=_text(trainer_unit, 300), created_at=clock.now(),
        created_by=audit.acting_user(actor),
    )  # fmt: skip
    training.full_clean(exclude=["shared_agencies", "shared_committees"])
    training.save()
    training.shared_agencies.set(list(shared_agencies))
    _set_audience(training, audience)
    audit.record(ExerciseAction.TRAINING_PLANNED, actor=actor, obj=training,
                 after=_snapshot(training))  # fmt: skip
    return training


plan_training = transaction.atomic(durable=True)(plan_training_within)


def _locked(training: Training, version: int | None) -> Training:
    return locked(Training, training.pk, version, StaleTraining)


@transaction.atomic(durable=True)
def change_training(
    training: Training, *, actor: Actor, version: int | None = None, **changes: Any
) -> Training:
    """Change what the training is (not a cancelled one). ``version`` is the one the
    user read: refused if someone saved it since. ``audience`` is a list of
    ``AudienceSpec``; ``shared_agencies`` a list of agencies."""
    unknown = set(changes) - CHANGEABLE
    if unknown:
        raise ValueError(f"not a changeable field: {sorted(unknown)}")
    fresh = _locked(training, version)
    committee = fresh.owning_committee
    _require_keeper(actor, committee)
    if fresh.status == TrainingStatus.CANCELLED:
        raise ValidationError(_("A cancelled training cannot be changed."))
    before = _snapshot(fresh)
    audience = changes.pop("audience", None)
    shared = changes.pop("shared_agencies", None)
    if "organising_agency" in changes:
        changes["owning_agency"] = _check_organiser(committee, changes.pop("organising_agency"))
    if "commune" in changes:
        _check_commune(committee, changes["commune"])
    if "classification" in changes:
        changes["classification"] = int(changes["classification"])
        check_clearance(actor, changes["classification"])
    if "topic" in changes:
        changes["topic"] = _text(changes["topic"], 300)
        if not changes["topic"]:
            raise ValidationError({"topic": _("Give the training a topic.")})
    for name, limit in (("description", None), ("place", 300), ("trainer_unit", 300)):
        if name in changes:
            changes[name] = _text(changes[name], limit)
    _check_dates(changes.get("starts_on", fresh.starts_on), changes.get("ends_on", fresh.ends_on))
    if audience is not None:
        _check_audience(committee, audience)
    bump(fresh, **changes)
    if audience is not None:
        _set_audience(fresh, audience)
    if shared is not None:
        fresh.shared_agencies.set(list(shared))
    audit.record(ExerciseAction.TRAINING_CHANGED, actor=actor, obj=fresh, before=before,
                 after=_snapshot(fresh))  # fmt: skip
    return fresh


@transaction.atomic(durable=True)
def record_held(
    training: Training,
    *,
    actor: Actor,
    audience: Sequence[AudienceSpec] | None = None,
    version: int | None = None,
) -> Training:
    """The training took place: ``audience`` is who came, in counts (by default the
    audience planned). Not before its first day."""
    fresh = _locked(training, version)
    _require_keeper(actor, fresh.owning_committee)
    if fresh.status != TrainingStatus.PLANNED:
        raise ValidationError(_("Only a planned training can be recorded as held."))
    if fresh.starts_on > clock.today():
        raise ValidationError(
            _("A training can be recorded as held from its first day (%(day)s).")
            % {"day": shown(fresh.starts_on)}
        )
    if audience is not None:
        _check_audience(fresh.owning_committee, audience)
        if not audience:
            raise ValidationError({"audience": _("Say which agencies took part, and how many.")})
    elif not fresh.audience.exists():
        raise ValidationError({"audience": _("Say which agencies took part, and how many.")})
    before = _snapshot(fresh)
    bump(fresh, status=TrainingStatus.HELD)
    if audience is not None:
        _set_audience(fresh, audience)
    audit.record(ExerciseAction.TRAINING_HELD, actor=actor, obj=fresh, before=before,
                 after=_snapshot(fresh))  # fmt: skip
    return fresh


@transaction.atomic(durable=True)
def cancel_training(
    training: Training, *, reason: str, actor: Actor, version: int | None = None
) -> Training:
    """Call off a planned training, saying why."""
    fresh = _locked(training, version)
    _require_keeper(actor, fresh.owning_committee)
    if fresh.status != TrainingStatus.PLANNED:
        raise ValidationError(_("Only a planned training can be cancelled."))
    if not _text(reason):
        raise ValidationError({"reason": _("Say why the training is cancelled.")})
    before = _snapshot(fresh)
    bump(fresh, status=TrainingStatus.CANCELLED, cancel_reason=_text(reason))
    audit.record(ExerciseAction.TRAINING_CANCELLED, actor=actor, obj=fresh, before=before,
                 after=_snapshot(fresh))  # fmt: skip
    return fresh
