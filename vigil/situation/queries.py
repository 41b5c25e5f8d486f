"""The situation picture: open incidents by state and the active alerts with their
acknowledgement progress, real and exercise apart (an exercise is never counted in
the real figures), and the points that put them on the map with the key sites."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import NoReverseMatch

from vigil.core import clock
from vigil.org.scope import Viewer
from vigil.sites.models import KeySite
from vigil.situation.alerts.models import Alert
from vigil.situation.alerts.queries import active_q, percent, with_progress
from vigil.situation.incidents.models import OPEN_STATES, Incident, IncidentState


def open_incidents(user: Viewer, *, exercise: bool = False) -> QuerySet[Incident]:
    """The open incidents ``user`` may see (reported to contained), newest first."""
    return (
        Incident.objects.visible_to(user)
        .filter(state__in=OPEN_STATES, is_exercise=exercise)
        .select_related("site", "commune", "reporting_agency")
        .order_by("-occurred_at", "-pk")
    )


def active_alerts(user: Viewer, *, exercise: bool = False) -> QuerySet[Alert]:
    """Issued, not cancelled, not expired: with their recipients and acknowledgements."""
    alerts = Alert.objects.visible_to(user).filter(active_q(clock.now()), is_exercise=exercise)
    return with_progress(alerts).order_by("-sent_at", "-pk")


@dataclass
class Part:
    """The real picture, or the exercise one."""

    incidents: list[Incident]
    alerts: list[tuple[Alert, int]]  # each with its percent acknowledged
    by_state: list[tuple[str, Any, int]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.incidents and not self.alerts

    @property
    def shown(self) -> list[Incident | Alert]:
        """The objects this part shows (a classified one makes the response an audited read)."""
        return [*self.incidents, *(alert for alert, _percent in self.alerts)]


def part_for(user: Viewer, *, exercise: bool) -> Part:
    incidents = list(open_incidents(user, exercise=exercise))
    counts = dict(
        open_incidents(user, exercise=exercise)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    by_state: list[tuple[str, Any, int]] = [
        (str(s), IncidentState(s).label, counts.get(s, 0)) for s in OPEN_STATES
    ]
    alerts = [(a, percent(a.acknowledged, a.recipients))  # type: ignore[attr-defined]
              for a in active_alerts(user, exercise=exercise)]  # fmt: skip
    return Part(incidents, alerts, by_state)


def incident_url(incident: Incident) -> str:
    """The incident's page; "" while the incident pages are not wired."""
    try:
        return incident.get_absolute_url()
    except NoReverseMatch:
        return ""


def _point(
    kind: str, pk: int, name: str, lat: Any, lon: Any, url: str, **extra: Any
) -> dict[str, Any]:
    return {"kind": kind, "id": pk, "name": name, "lat": float(lat), "lon": float(lon),
            "url": url, **extra}  # fmt: skip


def map_points(user: Viewer, real: Part, exercise: Part) -> list[dict[str, Any]]:
    """What the map shows: the key sites with coordinates, each open incident where it
    happened (its coordinates, or its site's), each active alert at its sites."""
    points = [
        _point("site", s.pk, s.name, s.latitude, s.longitude, s.get_absolute_url())
        for s in KeySite.objects.visible_to(user).filter(
            latitude__isnull=False, longitude__isnull=False, archived=False
        )
    ]
    for part, is_exercise in ((real, False), (exercise, True)):
        for incident in part.incidents:
            lat, lon = incident.latitude, incident.longitude
            if lat is None and incident.site is not None:
                lat, lon = incident.site.latitude, incident.site.longitude
            if lat is not None and lon is not None:
                points.append(_point("incident", incident.pk, incident.title, lat, lon,
                                     incident_url(incident), exercise=is_exercise,
                                     state=incident.get_state_display()))  # fmt: skip
        alerts = {alert.pk: (alert, pct) for alert, pct in part.alerts}
        located = KeySite.objects.visible_to(user).filter(
            pk__in=Alert.sites.through.objects.filter(alert_id__in=alerts).values("keysite_id"),
            latitude__isnull=False,
        )
        sites = {s.pk: s for s in located}
        for link in Alert.sites.through.objects.filter(alert_id__in=alerts, keysite_id__in=sites):
            alert, pct = alerts[link.alert_id]
            site = sites[link.keysite_id]
            points.append(_point("alert", alert.pk, alert.headline, site.latitude, site.longitude,
                                 alert.get_absolute_url(), exercise=is_exercise,
                                 progress=pct))  # fmt: skip
    return points
