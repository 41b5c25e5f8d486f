"""Reads of exercise mode: is it open, the exercise's incidents and alerts, its
timeline (their moves, updates and alert events in time order), the panel on the
exercise's page and the one on a key site's page.

Every incident and alert comes through ``visible_to(user)``: a viewer who sees the
exercise but not one of its incidents (a classified one, or one of another agency)
does not learn that it exists. The objects shown go back to the page (``shown``),
which audits a classified one as a read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.core import clock, labels
from vigil.core.dates import shown
from vigil.exercises.drills.models import Exercise, ExerciseStatus
from vigil.exercises.live.models import ExerciseAlert, ExerciseIncident
from vigil.org.scope import Viewer
from vigil.situation.alerts.models import Alert, AlertEvent
from vigil.situation.alerts.rules import may_draft
from vigil.situation.incidents.models import Incident, IncidentEvent, IncidentState, TimelineEntry
from vigil.situation.incidents.services import may_report

# The rows the panel on the exercise's page shows (the latest); the page shows all.
PANEL_ROWS = 10
SITE_PANEL_ROWS = 20

# --- exercise mode


def mode_refusal(exercise: Exercise, today: dt.date | None = None) -> str:
    """Why exercise mode is closed for ``exercise`` ("" when it is open). It is open
    from the exercise's first day while it is planned, and while it is conducted."""
    today = today or clock.today()
    if exercise.status == ExerciseStatus.CONDUCTED:
        return ""
    if exercise.status == ExerciseStatus.PLANNED:
        if today >= exercise.starts_on:
            return ""
        return _("Exercise mode opens on the exercise's first day (%(day)s).") % {
            "day": shown(exercise.starts_on)
        }
    if exercise.status == ExerciseStatus.CANCELLED:
        return _("Exercise mode is closed: the exercise was cancelled.")
    return _("Exercise mode is closed: the exercise's evaluation is finished.")


def mode_is_open(exercise: Exercise, today: dt.date | None = None) -> bool:
    return not mode_refusal(exercise, today)


def _sees(user: Viewer, exercise: Exercise) -> bool:
    return Exercise.objects.visible_to(user).filter(pk=exercise.pk).exists()


def may_open_incident(user: Viewer, exercise: Exercise) -> bool:
    """Sees the exercise and may report incidents to its committee (situation's rule)."""
    return _sees(user, exercise) and may_report(user, exercise.owning_committee)


def may_draft_alert(user: Viewer, exercise: Exercise) -> bool:
    """Sees the exercise and may draft alerts for its committee (situation's rule)."""
    return _sees(user, exercise) and may_draft(user, exercise.owning_committee)


# --- the exercise's items


def incidents_of(exercise: Exercise, user: Viewer) -> QuerySet[Incident]:
    """The exercise's incidents ``user`` sees, in the order they happened."""
    linked = ExerciseIncident.objects.filter(exercise=exercise).values("incident_id")
    return (
        Incident.objects.visible_to(user)
        .filter(pk__in=linked)
        .select_related("site", "commune", "reporting_agency")
        .order_by("occurred_at", "pk")
    )


def alerts_of(exercise: Exercise, user: Viewer) -> QuerySet[Alert]:
    """The exercise's alerts ``user`` sees (a draft: its committee only), oldest first."""
    linked = ExerciseAlert.objects.filter(exercise=exercise).values("alert_id")
    return Alert.objects.visible_to(user).filter(pk__in=linked).order_by("drafted_at", "pk")


@dataclass(frozen=True)
class TimelineRow:
    at: dt.datetime
    kind: str  # "incident" or "alert"
    subject: Incident | Alert
    what: str
    by: str = ""  # who, in words
    text: str = ""
    recipient: str = ""


@dataclass(frozen=True)
class Timeline:
    incidents: list[Incident]
    alerts: list[Alert]
    rows: list[TimelineRow] = field(default_factory=list)

    @property
    def shown(self) -> list[Incident | Alert]:
        """What the timeline shows (a classified one makes the page an audited read)."""
        return [*self.incidents, *self.alerts]


def _move(event: IncidentEvent) -> str:
    to = IncidentState(event.to_state).label
    if not event.from_state:
        return str(to)
    return f"{IncidentState(event.from_state).label} → {to}"


def timeline(exercise: Exercise, user: Viewer) -> Timeline:
    """The exercise's incidents and alerts ``user`` sees, with their moves, situation
    updates and alert events, oldest first (a fixed number of queries)."""
    incidents = list(incidents_of(exercise, user))
    alerts = list(alerts_of(exercise, user))
    by_incident = {i.pk: i for i in incidents}
    by_alert = {a.pk: a for a in alerts}
    rows: list[tuple[dt.datetime, int, int, TimelineRow]] = []
    for event in IncidentEvent.objects.filter(incident_id__in=by_incident):
        row = TimelineRow(event.at, "incident", by_incident[event.incident_id], _move(event),
                          labels.actor(event.actor_label), event.note)  # fmt: skip
        rows.append((event.at, 0, event.pk, row))
    for entry in TimelineEntry.objects.filter(incident_id__in=by_incident).select_related("agency"):
        who = labels.actor(entry.author_label)
        who = f"{who} ({entry.agency.name})" if entry.agency else who
        row = TimelineRow(entry.at, "incident", by_incident[entry.incident_id],
                          _("Situation update"), who, entry.text)  # fmt: skip
        rows.append((entry.at, 1, entry.pk, row))
    alert_events = AlertEvent.objects.filter(alert_id__in=by_alert).select_related(
        "delivery__agency", "delivery__committee"
    )
    for step in alert_events:
        row = TimelineRow(step.at, "alert", by_alert[step.alert_id], step.get_type_display(),
                          labels.actor(step.actor_label), step.note,
                          str(step.delivery) if step.delivery else "")  # fmt: skip
        rows.append((step.at, 2, step.pk, row))
    rows.sort(key=lambda r: r[:3])
    return Timeline(incidents, alerts, [r[3] for r in rows])


# --- the panels


def timeline_url(exercise: Exercise) -> str:
    return reverse("exercises:exercise_timeline", args=[exercise.pk])


def exercise_url(exercise: Exercise) -> str:
    """The exercise's page, or its timeline while the exercise pages are not wired."""
    try:
        return exercise.get_absolute_url()
    except NoReverseMatch:
        return timeline_url(exercise)


@dataclass(frozen=True)
class LivePanel:
    timeline: Timeline
    rows: list[TimelineRow]  # the latest, in time order
    more: bool  # the timeline page has older rows
    refusal: str  # why exercise mode is closed ("" when it is open)
    can_open_incident: bool
    can_draft_alert: bool
    timeline_url: str
    incident_url: str
    alert_url: str

    @property
    def mode_open(self) -> bool:
        return not self.refusal

    @property
    def shown(self) -> list[Incident | Alert]:
        return self.timeline.shown


def panel_context(exercise: Exercise, user: Viewer) -> dict[str, Any]:
    """The context of this concept's panel on the exercise's page
    (``exercises/_live_panel.html`` reads ``live``); the exercise is already visible to
    ``user``. The page audits ``live.shown`` with the exercise."""
    found = timeline(exercise, user)
    refusal = mode_refusal(exercise)
    return {
        "live": LivePanel(
            timeline=found, rows=found.rows[-PANEL_ROWS:], more=len(found.rows) > PANEL_ROWS,
            refusal=refusal,
            can_open_incident=not refusal and may_open_incident(user, exercise),
            can_draft_alert=not refusal and may_draft_alert(user, exercise),
            timeline_url=timeline_url(exercise),
            incident_url=reverse("exercises:exercise_incident_new", args=[exercise.pk]),
            alert_url=reverse("exercises:exercise_alert_new", args=[exercise.pk]),
        )
    }  # fmt: skip


def exercises_at(site: Any, user: Viewer) -> QuerySet[Exercise]:
    """The exercises ``user`` sees that are held at ``site`` or test it, latest first."""
    tested = Exercise.sites.through.objects.filter(keysite_id=site.pk).values("exercise_id")
    return (
        Exercise.objects.visible_to(user)
        .filter(Q(site_id=site.pk) | Q(pk__in=tested))
        .order_by("-starts_on", "-pk")
    )


def site_panel(site: Any, user: Viewer) -> dict[str, Any] | None:
    """The "Exercises" panel of a key site's page (``vigil.sites.queries.register_panel``).

    Only exercises classified no higher than the site (the site's page is stamped by
    the site's classification; a more classified one is left to the exercise list).
    The rows go back as ``shown``: the site's page audits them with its own."""
    rows = list(exercises_at(site, user).filter(classification__lte=site.classification)
                [:SITE_PANEL_ROWS])  # fmt: skip
    if not rows:
        return None
    return {
        "title": gettext_lazy("Exercises"),
        "template": "exercises/live/_site_panel.html",
        "context": {"exercises": [(e, exercise_url(e)) for e in rows]},
        "shown": rows,
    }
