"""How promptly agencies or committees acknowledged the alerts addressed to them in a
year: the deliveries of issued alerts sent in the year (exercise alerts included,
as drills are part of the record) and those acknowledged by their deadline. Read
through the scope rule (the alerts the viewer sees); counts only. The commendations
of the reports app cite it as evidence (the alerts list shows the same alerts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, F, Max, Q
from django.utils import timezone

from vigil.org.scope import Viewer
from vigil.situation.alerts.models import Alert, AlertDelivery, AlertState


@dataclass(frozen=True)
class Acknowledgements:
    received: int  # deliveries whose acknowledgement was due in the year
    in_time: int  # acknowledged by the deadline
    classification: int = 0


def acknowledgements(
    viewer: Viewer,
    year: int,
    *,
    agencies: Collection[int] = (),
    committees: Collection[int] = (),
) -> Acknowledgements:
    tz = timezone.get_default_timezone()
    since = dt.datetime(year, 1, 1, tzinfo=tz)
    until = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    alerts = Alert.objects.visible_to(viewer).filter(state=AlertState.ISSUED)
    deliveries = AlertDelivery.objects.filter(
        Q(agency_id__in=agencies) | Q(committee_id__in=committees),
        alert__in=alerts.values("pk"),
        created_at__gte=since,
        created_at__lt=until,
        ack_due_at__isnull=False,
    )
    counted = deliveries.aggregate(
        received=Count("pk"),
        in_time=Count("pk", filter=Q(acknowledged_at__isnull=False,
                                     acknowledged_at__lte=F("ack_due_at"))),
        c=Max("alert__classification"),
    )  # fmt: skip
    return Acknowledgements(counted["received"] or 0, counted["in_time"] or 0, counted["c"] or 0)
