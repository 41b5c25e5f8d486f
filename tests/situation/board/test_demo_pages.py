"""Every page of the demo's alerts answers every persona: 200 where the alert is
visible, 404 where it is not, never an error; the escalated alert's board and
timeline show its escalation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PERSONA_NAMES
from vigil.situation.alerts import queries
from vigil.situation.alerts.models import Alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_alerts(db: None) -> dict[str, Any]:
    from tests.situation.alerts.helpers import world
    from vigil.core.audit import SystemActor
    from vigil.situation.alerts import demo
    from vigil.situation.alerts.demo import seed_alerts

    if Alert.objects.filter(headline=demo.CASE_5_HEADLINE).exists():  # seeded with the demo
        keys = {"exercise": demo.EXERCISE, "real": demo.REAL, "escalated": demo.ESCALATED,
                "case5": demo.CASE_5_HEADLINE, "case7": demo.CASE_7_HEADLINE}  # fmt: skip
        return {k: Alert.objects.get(headline=v, msg_type="Alert") for k, v in keys.items()}
    return seed_alerts(world(), SystemActor("seed"))


def test_the_demo_alerts_pages_answer_every_persona(
    demo_alerts: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    for username in PERSONA_NAMES:
        client = client_for(username)
        visible = set(Alert.objects.visible_to(client.get("/").wsgi_request.user)
                      .values_list("pk", flat=True))  # fmt: skip
        for alert in demo_alerts.values():
            for name in ("alert_detail", "alert_board"):
                response = client.get(reverse(f"situation:{name}", kwargs={"pk": alert.pk}))
                assert response.status_code == (200 if alert.pk in visible else 404), (
                    username, name, alert.headline,
                )  # fmt: skip
        assert client.get(reverse("situation:alert_list")).status_code == 200
        assert client.get(reverse("situation:picture")).status_code == 200


def test_the_escalated_demo_alert_shows_its_escalation(
    demo_alerts: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    escalated = demo_alerts["escalated"]
    board = queries.board_rows(escalated)
    assert board.counts[queries.ESCALATED] >= 1
    assert any(item.escalation for item in queries.timeline(escalated))
    text = (
        client_for("thuongtruc")
        .get(
            reverse("situation:alert_board", kwargs={"pk": escalated.pk}),
            headers={"HX-Request": "true"},
        )
        .content.decode()
    )
    assert 'data-state="escalated"' in text
    real = queries.board_rows(demo_alerts["real"])
    assert 0 < real.acknowledged < real.total  # some have acknowledged, others not
