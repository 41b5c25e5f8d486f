"""The figures of incidents and alerts for a committee (and the committees below it) and a
period, as a viewer sees them: the figures page (``/situation/figures/``), its API
(``/api/v1/situation-figures/``) and the reports app's "situation" and "situation
handling" sections all call ``situation_figures``, so they cannot disagree.

Counted (aggregates only: no person, no name, no title):

- incidents the viewer sees, owned by the committee or one below it, that occurred in
  the period (``occurred_at``, Vietnam date); real ones by type and by state, exercise
  ones apart (never in the real figures); verified (``verified_at`` set), false alarms,
  closed; those with a flash report issued, and the flash reports; the dead and injured
  as counts; the terrorist incidents (``TERRORIST_TYPES``, false alarms excluded);
- alerts the viewer sees, of those committees, issued (``sent_at``) in the period, real
  and exercise apart; of the real ones: the deliveries (one per recipient agency or
  committee), those acknowledged, those acknowledged after their deadline, those not
  acknowledged whose deadline has passed (``now``), and ``alerts_unacknowledged``, the
  deliveries not acknowledged by their deadline (the two together); the median and the
  90th percentile (nearest rank) of the minutes from delivery to acknowledgement.

A fixed number of queries; the acknowledgement times are read as one row per
acknowledged delivery (two timestamps), the percentiles computed in Python.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet, Sum

from vigil.core import clock
from vigil.org.models import Committee
from vigil.org.scope import Viewer
from vigil.situation.alerts.models import Alert, AlertDelivery, AlertState, MsgType
from vigil.situation.incidents.models import FlashReport, Incident, IncidentState, IncidentType

# The types that make "a terrorist incident" in the report's words (a false alarm of
# one did not happen).
TERRORIST_TYPES = (
    IncidentType.TERRORIST_INCIDENT, IncidentType.ACTIVE_SHOOTER, IncidentType.HOSTAGE,
    IncidentType.HIJACKING,
)  # fmt: skip


@dataclass(frozen=True)
class SituationFigures:
    start: dt.date
    end: dt.date
    committee_id: int | None
    committee_name: str
    # Real incidents, every type and state in their order (zeros included).
    by_type: dict[str, int]
    by_state: dict[str, int]
    incidents: int
    incidents_verified: int
    incidents_false_alarm: int
    incidents_closed: int
    incidents_terrorist: int
    incidents_with_flash_report: int
    flash_reports: int
    dead: int
    injured: int
    exercise_incidents: int
    alerts: int  # real, issued in the period (alerts, updates and cancels)
    alerts_by_msg_type: dict[str, int]
    exercise_alerts: int
    deliveries: int
    acknowledged: int
    acknowledged_late: int
    not_acknowledged_overdue: int
    ack_median_minutes: float | None
    ack_p90_minutes: float | None
    classification: int = 0
    today: dt.date = field(default_factory=clock.today)

    @property
    def alerts_unacknowledged(self) -> int:
        """Deliveries not acknowledged by their deadline: late, or not at all."""
        return self.acknowledged_late + self.not_acknowledged_overdue


def _in_committee(queryset: QuerySet[Any], committee: Committee | None) -> Any:
    if committee is None:
        return queryset
    return queryset.filter(owning_committee__path__startswith=committee.path)


def incidents_of(viewer: Viewer, committee: Committee | None, start: dt.date, end: dt.date) -> Any:
    """The incidents counted (real and exercise)."""
    seen = Incident.objects.visible_to(viewer).filter(
        occurred_at__date__gte=start, occurred_at__date__lte=end
    )
    return _in_committee(seen, committee)


def alerts_of(viewer: Viewer, committee: Committee | None, start: dt.date, end: dt.date) -> Any:
    """The alerts counted: issued in the period (real and exercise)."""
    seen = Alert.objects.visible_to(viewer).filter(
        state=AlertState.ISSUED, sent_at__date__gte=start, sent_at__date__lte=end
    )
    return _in_committee(seen, committee)


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile of sorted ``values`` (``share`` 0.5 gives the median
    of an odd count; the median proper is ``median``)."""
    if not values:
        return None
    rank = max(math.ceil(share * len(values)), 1)
    return values[rank - 1]


def median(values: list[float]) -> float | None:
    if not values:
        return None
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2


def situation_figures(
    viewer: Viewer, *, committee: Committee | None, start: dt.date, end: dt.date
) -> SituationFigures:
    """The figures of the period ``start``–``end`` for ``committee`` and the committees
    below it (None: everything the viewer sees)."""
    now = clock.now()
    incidents = incidents_of(viewer, committee, start, end)
    types = dict.fromkeys(IncidentType.values, 0)
    states = dict.fromkeys(IncidentState.values, 0)
    level, verified, terrorist, dead, injured, exercise = 0, 0, 0, 0, 0, 0
    for row in (
        incidents.values("is_exercise", "type", "state")
        .annotate(n=Count("pk"), verified=Count("pk", filter=Q(verified_at__isnull=False)),
                  dead=Sum("dead"), injured=Sum("injured"), c=Max("classification"))
        .order_by()
    ):  # fmt: skip
        level = max(level, row["c"] or 0)
        if row["is_exercise"]:
            exercise += row["n"]
            continue
        types[row["type"]] += row["n"]
        states[row["state"]] += row["n"]
        verified += row["verified"]
        dead += row["dead"] or 0
        injured += row["injured"] or 0
        if row["type"] in TERRORIST_TYPES and row["state"] != IncidentState.FALSE_ALARM:
            terrorist += row["n"]
    real_ids = incidents.filter(is_exercise=False).values("pk")
    flash = FlashReport.objects.filter(incident__in=real_ids).aggregate(
        n=Count("pk"), incidents=Count("incident", distinct=True)
    )
    alerts = alerts_of(viewer, committee, start, end)
    kinds = dict.fromkeys(MsgType.values, 0)
    exercise_alerts = 0
    for row in alerts.values("is_exercise", "msg_type").annotate(
        n=Count("pk"), c=Max("classification")
    ).order_by():  # fmt: skip
        level = max(level, row["c"] or 0)
        if row["is_exercise"]:
            exercise_alerts += row["n"]
        else:
            kinds[row["msg_type"]] += row["n"]
    deliveries = AlertDelivery.objects.filter(
        alert__in=alerts.filter(is_exercise=False).values("pk")
    )
    counts = deliveries.aggregate(
        n=Count("pk"), acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        late=Count("pk", filter=Q(acknowledged_at__gt=F("ack_due_at"))),
        silent=Count("pk", filter=Q(acknowledged_at__isnull=True, ack_due_at__lt=now)),
    )  # fmt: skip
    times = deliveries.filter(acknowledged_at__isnull=False).values_list(
        "created_at", "acknowledged_at"
    )
    minutes = sorted(
        round((acked - sent).total_seconds() / 60, 1)
        for sent, acked in times.order_by()
        if acked is not None
    )
    return SituationFigures(
        start=start, end=end, committee_id=committee.pk if committee else None,
        committee_name=committee.name if committee else "",
        by_type=types, by_state=states, incidents=sum(types.values()),
        incidents_verified=verified, incidents_false_alarm=states[IncidentState.FALSE_ALARM],
        incidents_closed=states[IncidentState.CLOSED], incidents_terrorist=terrorist,
        incidents_with_flash_report=flash["incidents"], flash_reports=flash["n"],
        dead=dead, injured=injured, exercise_incidents=exercise,
        alerts=sum(kinds.values()), alerts_by_msg_type=kinds, exercise_alerts=exercise_alerts,
        deliveries=counts["n"], acknowledged=counts["acknowledged"],
        acknowledged_late=counts["late"], not_acknowledged_overdue=counts["silent"],
        ack_median_minutes=median(minutes), ack_p90_minutes=percentile(minutes, 0.9),
        classification=level, today=clock.today(),
    )  # fmt: skip


# The figures by key, as the API gives them and the reports' sections name them.
FIGURE_KEYS = (
    "incidents", "incidents_verified", "incidents_false_alarm", "incidents_closed",
    "incidents_terrorist", "incidents_with_flash_report", "flash_reports", "dead", "injured",
    "exercise_incidents", "alerts", "exercise_alerts", "deliveries", "acknowledged",
    "acknowledged_late", "not_acknowledged_overdue", "alerts_unacknowledged",
    "ack_median_minutes", "ack_p90_minutes",
)  # fmt: skip


def as_data(f: SituationFigures) -> dict[str, Any]:
    """The figures as plain data: the API's body, and what the agreement test compares."""
    return {
        "start": f.start, "end": f.end, "committee": f.committee_id,
        "classification": f.classification,
        **{key: getattr(f, key) for key in FIGURE_KEYS},
        "incidents_by_type": [{"key": k, "name": str(label), "count": f.by_type[k]}
                              for k, label in IncidentType.choices],
        "incidents_by_state": [{"key": k, "name": str(label), "count": f.by_state[k]}
                               for k, label in IncidentState.choices],
        "alerts_by_msg_type": [{"key": k, "name": str(label), "count": f.alerts_by_msg_type[k]}
                               for k, label in MsgType.choices],
    }  # fmt: skip
