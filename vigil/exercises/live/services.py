"""Exercise mode: an incident opened, or an alert drafted, for an exercise.

Each is the situation app's own use case (``open_incident_within``,
``draft_alert_within``) with ``is_exercise`` set, plus a link row of this app and an
audit event, in one durable transaction: situation stays unaware of exercises.

Exercise mode is open from the exercise's first day while it is planned, and while it
is conducted (until its evaluation is finished); ``queries.mode_refusal`` says why
not otherwise. Who may: whoever sees the exercise and may report incidents (or
draft alerts) to its committee, as situation decides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.core import audit
from vigil.core.audit import Actor
from vigil.core.dates import shown
from vigil.exercises.drills.models import Exercise
from vigil.exercises.live.models import ExerciseAlert, ExerciseIncident
from vigil.exercises.live.queries import mode_refusal
from vigil.exercises.models import ExerciseAction
from vigil.org.scope import Viewer
from vigil.sites.models import KeySite
from vigil.situation.alerts import services as alert_services
from vigil.situation.alerts.models import Alert, CapStatus
from vigil.situation.incidents import services as incident_services
from vigil.situation.incidents.models import Incident


def _sees(user: Viewer, exercise: Exercise) -> bool:
    return Exercise.objects.visible_to(user).filter(pk=exercise.pk).exists()


def _locked(exercise: Exercise) -> Exercise:
    """The exercise, locked: its evaluation cannot be finished while an item is added."""
    return (
        Exercise.objects.select_for_update(of=("self",))
        .select_related("owning_committee", "site", "commune")
        .get(pk=exercise.pk)
    )


def _require_open(exercise: Exercise) -> None:
    refusal = mode_refusal(exercise)
    if refusal:
        raise ValidationError(refusal, code="exercise_mode_closed")


def _ids(values: Iterable[Any]) -> set[int]:
    try:
        return {int(v.pk if isinstance(v, models.Model) else v) for v in values}
    except (TypeError, ValueError):
        return set()


def _where(exercise: Exercise, actor: Actor) -> dict[str, Any]:
    """Where an exercise incident happens unless told: the exercise's site, or (for a
    participant who does not see the site) its commune, or the exercise's commune."""
    site = exercise.site
    if site is not None and KeySite.objects.visible_to(actor).filter(pk=site.pk).exists():
        return {"site": site}
    commune = exercise.commune or (site.commune if site is not None else None)
    return {"commune": commune} if commune is not None else {}


def open_exercise_incident_within(
    exercise: Exercise, *, actor: Actor, classification: int = 0, **incident_fields: Any
) -> Incident:
    """An exercise incident (DIỄN TẬP) of the exercise's committee, linked to it.

    ``incident_fields`` are ``open_incident_within``'s (title, type, occurred_at,
    reporting_agency, site, commune, ...). The incident is at least as classified as
    the exercise, and happens at the exercise's site (or commune) unless told where.
    Joins the caller's transaction."""
    fresh = _locked(exercise)
    if not _sees(actor, fresh):
        raise PermissionDenied(_("You may not act on this exercise."))
    if not incident_services.may_report(actor, fresh.owning_committee):
        raise PermissionDenied(_("You may not report incidents to this exercise's committee."))
    _require_open(fresh)
    incident_fields.pop("is_exercise", None)
    occurred_at = incident_fields.get("occurred_at")
    if isinstance(occurred_at, dt.datetime) and timezone.localdate(occurred_at) < fresh.starts_on:
        raise ValidationError({"occurred_at": _(
            "An exercise incident happens on or after the exercise's first day (%(day)s)."
        ) % {"day": shown(fresh.starts_on)}})  # fmt: skip
    if incident_fields.get("site") is None and incident_fields.get("commune") is None:
        incident_fields.update(_where(fresh, actor))
    incident = incident_services.open_incident_within(
        fresh.owning_committee, actor=actor, is_exercise=True,
        classification=max(int(classification), fresh.classification), **incident_fields,
    )  # fmt: skip
    ExerciseIncident.objects.create(exercise=fresh, incident=incident)
    audit.record(ExerciseAction.INCIDENT_LINKED, actor=actor, obj=fresh,
                 after={"incident": incident.pk, "title": incident.title},
                 classification=max(fresh.classification, incident.classification))  # fmt: skip
    return incident


open_exercise_incident = transaction.atomic(durable=True)(open_exercise_incident_within)


def draft_exercise_alert_within(
    exercise: Exercise, *, actor: Actor, classification: int = 0, **alert_fields: Any
) -> Alert:
    """An exercise alert (CAP status Exercise, DIỄN TẬP) drafted for the exercise's
    committee, linked to it; a leader approves it as any alert.

    ``alert_fields`` are ``draft_alert_within``'s. The alert is at least as classified
    as the exercise; its area is the exercise's site (or commune) unless told; the
    incidents it names must be this exercise's. Joins the caller's transaction."""
    fresh = _locked(exercise)
    if not _sees(actor, fresh):
        raise PermissionDenied(_("You may not act on this exercise."))
    if not alert_services.may_draft(actor, fresh.owning_committee):
        raise PermissionDenied(_("Only the standing office or a leader of the committee may "
                                 "draft an alert."))  # fmt: skip
    _require_open(fresh)
    alert_fields.pop("is_exercise", None)
    status = alert_fields.pop("cap_status", CapStatus.EXERCISE)
    if status != CapStatus.EXERCISE:
        raise ValidationError({"cap_status": _("An exercise alert has the CAP status Exercise.")})
    named = _ids(alert_fields.get("incidents") or ())
    if named:
        linked = set(
            ExerciseIncident.objects.filter(exercise=fresh, incident_id__in=named).values_list(
                "incident_id", flat=True
            )
        )
        if named - linked:
            raise ValidationError({"incidents": _("Name only this exercise's incidents.")})
    if not alert_fields.get("sites") and not alert_fields.get("communes"):
        if fresh.site is not None:
            alert_fields["sites"] = [fresh.site]
        elif fresh.commune is not None:
            alert_fields["communes"] = [fresh.commune]
    alert = alert_services.draft_alert_within(
        fresh.owning_committee, actor=actor, cap_status=CapStatus.EXERCISE,
        classification=max(int(classification), fresh.classification), **alert_fields,
    )  # fmt: skip
    ExerciseAlert.objects.create(exercise=fresh, alert=alert)
    audit.record(ExerciseAction.ALERT_LINKED, actor=actor, obj=fresh,
                 after={"alert": alert.pk, "headline": alert.headline},
                 classification=max(fresh.classification, alert.classification))  # fmt: skip
    return alert


draft_exercise_alert = transaction.atomic(durable=True)(draft_exercise_alert_within)
