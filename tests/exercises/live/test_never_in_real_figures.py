"""Exercise-mode incidents and alerts never count in real figures: the home panel, the
situation picture (page and API) and the lists' "real" filters; and the situation's
own pages mark them DIỄN TẬP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from vigil.exercises.drills.models import Exercise
from vigil.exercises.live import services
from vigil.org.models import Agency
from vigil.situation import queries as situation_queries
from vigil.situation.alerts import services as alert_services
from vigil.situation.alerts.queries import AlertFilters, alerts_for
from vigil.situation.incidents.queries import IncidentFilters, incidents_for
from vigil.situation.summary import summary_for

INCIDENT: dict[str, Any] = {"title": "Tin báo có bom (giả định)", "type": "bomb_threat"}
ALERT: dict[str, Any] = {"event": "Đe dọa đánh bom", "headline": "Diễn tập: đe dọa đánh bom",
         "urgency": "Immediate", "severity": "Severe", "certainty": "Likely"}  # fmt: skip


def _figures(user: Any) -> dict[str, int]:
    return {str(item["label"]): item["value"] for item in summary_for(user)["items"]}


def test_exercise_items_are_not_counted_in_the_real_figures(
    plan: Callable[..., Exercise], persona: Callable[[str], Any],
    api_for: Callable[..., Client],
) -> None:  # fmt: skip
    lanhdao, thuongtruc, congthuong = (
        persona("lanhdao"),
        persona("thuongtruc"),
        persona("congthuong"),
    )
    before = {u.username: _figures(u) for u in (lanhdao, thuongtruc, congthuong)}
    real_before = api_for("lanhdao").get("/api/v1/situation/").json()["real"]
    exercise = plan(participants=("Sở Công Thương",))
    incident = services.open_exercise_incident(exercise, actor=thuongtruc, **INCIDENT)
    dit = Agency.objects.get(name="Sở Công Thương")
    draft = services.draft_exercise_alert(
        exercise, actor=thuongtruc, addressed_agencies=[incident.reporting_agency, dit], **ALERT
    )
    # A draft waiting for the leader's approval is not "awaiting my approval"...
    assert _figures(lanhdao) == before["lanhdao"]
    alert = alert_services.approve(draft, actor=lanhdao)
    # ...and an issued one waiting for Sở Công Thương is not "awaiting my acknowledgement".
    assert alert.deliveries.filter(acknowledged_at__isnull=True).count() == 2
    assert {u.username: _figures(u) for u in (lanhdao, thuongtruc, congthuong)} == before
    # The situation picture counts them apart, never in the real part.
    real = situation_queries.part_for(lanhdao, exercise=False)
    drill = situation_queries.part_for(lanhdao, exercise=True)
    assert incident not in real.incidents and incident in drill.incidents
    assert alert.pk not in [a.pk for a, _ in real.alerts]
    assert alert.pk in [a.pk for a, _ in drill.alerts]
    picture = api_for("lanhdao").get("/api/v1/situation/").json()
    assert picture["real"] == real_before
    assert incident.pk in [i["id"] for i in picture["exercise"]["incidents"]]
    # The lists' "real only" filters leave them out.
    assert not incidents_for(lanhdao, IncidentFilters(kind="real")).filter(pk=incident.pk).exists()
    assert not alerts_for(lanhdao, AlertFilters(kind="real")).filter(pk=alert.pk).exists()


def test_the_situation_pages_mark_exercise_items(
    plan: Callable[..., Exercise], persona: Callable[[str], Any],
    client_for: Callable[[str], Client],
) -> None:  # fmt: skip
    exercise, thuongtruc = plan(), persona("thuongtruc")
    incident = services.open_exercise_incident(exercise, actor=thuongtruc, **INCIDENT)
    alert = services.draft_exercise_alert(exercise, actor=thuongtruc, **ALERT)
    client = client_for("thuongtruc")
    for url in (reverse("situation:incident_detail", args=[incident.pk]),
                reverse("situation:alert_detail", args=[alert.pk]),
                reverse("situation:picture")):  # fmt: skip
        body = client.get(url).content.decode()
        assert "DIỄN TẬP" in body, url
    listed = client.get(reverse("situation:incident_list"), {"kind": "exercise"}).content.decode()
    assert incident.title in listed and "DIỄN TẬP" in listed
