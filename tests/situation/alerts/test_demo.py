"""The demo alerts: an exercise, a real one half acknowledged, one escalated, and the
two that stand for scope cases 5 and 7."""

from __future__ import annotations

from typing import Any

import pytest

from vigil.inbox.escalation import escalation_events_for
from vigil.inbox.models import InboxEntry

pytestmark = pytest.mark.django_db


def test_the_demo_alerts(demo_alerts: dict[str, Any]) -> None:
    exercise, real, escalated = (
        demo_alerts["exercise"],
        demo_alerts["real"],
        demo_alerts["escalated"],
    )
    assert exercise.is_exercise and exercise.cap_status == "Exercise"
    assert not real.is_exercise
    acknowledged = real.deliveries.filter(acknowledged_at__isnull=False)
    assert 0 < acknowledged.count() < real.deliveries.count()
    assert {d.ack_method for d in acknowledged} == {"button", "code"}
    silent = escalated.deliveries.filter(escalated_at__isnull=False)
    assert silent.count() == 2
    for delivery in silent:
        assert escalation_events_for(delivery).filter(type="step").count() == 3
    # Every recipient's inbox is filled.
    for alert in demo_alerts.values():
        for delivery in alert.deliveries.all():
            assert delivery.notification.delivered_at is not None
    assert InboxEntry.objects.filter(
        notification__in=[d.notification for d in demo_alerts["case7"].deliveries.all()],
        user__username="bienphong",
    ).exists()
    assert demo_alerts["case7"].deliveries.get().first_read_at is not None
