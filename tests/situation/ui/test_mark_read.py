"""Opening an alert (its page, its board, its acknowledge page) is its recipient's first
read: the board's "read" means a member of the agency has opened it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.situation.alerts.helpers import agency, issued
from vigil.core import clock
from vigil.situation.alerts import queries
from vigil.situation.alerts.models import AlertEvent

pytestmark = pytest.mark.django_db


def test_a_member_opening_the_alert_marks_their_agency_read_once(
    client_for: Callable[[str], Client],
) -> None:
    alert = issued()  # to the Department of Industry and Trade and the Border Guard
    dit = alert.deliveries.get(agency=agency("SCT"))
    border = alert.deliveries.get(agency=agency("BĐBP"))
    url = reverse("situation:alert_detail", kwargs={"pk": alert.pk})
    opened = clock.now().replace(microsecond=0)
    with time_machine.travel(opened, tick=False):
        assert client_for("congthuong").get(url).status_code == 200
    dit.refresh_from_db()
    border.refresh_from_db()
    assert dit.first_read_at == opened
    assert border.first_read_at is None  # another agency's delivery
    assert queries.delivery_state(dit) == queries.READ
    with time_machine.travel(opened.replace(minute=(opened.minute + 5) % 60), tick=False):
        client_for("congthuong").get(url)
    dit.refresh_from_db()
    assert dit.first_read_at == opened  # the first read only
    reads = AlertEvent.objects.filter(alert=alert, type=AlertEvent.Type.READ)
    assert reads.count() == 1 and reads.get().delivery_id == dit.pk


def test_the_board_and_the_acknowledge_page_are_reads_the_polls_are_not(
    client_for: Callable[[str], Client],
) -> None:
    alert = issued()
    board = reverse("situation:alert_board", kwargs={"pk": alert.pk})
    client = client_for("bienphong")
    client.get(board, headers={"HX-Request": "true"})
    border = alert.deliveries.get(agency=agency("BĐBP"))
    assert border.first_read_at is None
    assert client.get(board).status_code == 200
    border.refresh_from_db()
    assert border.first_read_at is not None
    ack = reverse("situation:alert_acknowledge", kwargs={"pk": alert.pk})
    assert client_for("congthuong").get(ack).status_code == 200
    assert alert.deliveries.get(agency=agency("SCT")).first_read_at is not None


def test_who_reads_for_nobody_marks_nothing(client_for: Callable[[str], Client]) -> None:
    alert = issued()
    url = reverse("situation:alert_detail", kwargs={"pk": alert.pk})
    for username in ("thuongtruc", "lanhdao", "kiemtoan", "quantri"):
        response = client_for(username).get(url)
        assert response.status_code in (200, 404), username
    assert not alert.deliveries.filter(first_read_at__isnull=False).exists()
    assert not AlertEvent.objects.filter(alert=alert, type=AlertEvent.Type.READ).exists()
