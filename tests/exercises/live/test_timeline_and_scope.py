"""The exercise's timeline: its incidents and alerts with their moves, updates and
alert events in time order, each marked DIỄN TẬP, each through ``visible_to``; a
classified one is an audited read; a commune's exercise is not found by the other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from vigil.core.audit import CoreAction
from vigil.core.classification import Classification as C
from vigil.core.models import AuditEvent
from vigil.exercises.drills.demo import AIRPORT_DRILL, SEAPORT_TABLETOP
from vigil.exercises.drills.models import Exercise
from vigil.exercises.live import demo, queries, services
from vigil.situation.alerts import services as alert_services
from vigil.situation.incidents import services as incident_services

INCIDENT: dict[str, Any] = {"title": "Tin báo có bom (giả định)", "type": "bomb_threat"}
ALERT: dict[str, Any] = {"event": "Đe dọa đánh bom", "headline": "Diễn tập: đe dọa đánh bom",
         "urgency": "Immediate", "severity": "Severe", "certainty": "Likely"}  # fmt: skip


def test_the_timeline_puts_incident_moves_updates_and_alert_events_in_time_order(
    plan: Callable[..., Exercise], persona: Callable[[str], Any]
) -> None:
    exercise, thuongtruc = plan(), persona("thuongtruc")
    incident = services.open_exercise_incident(exercise, actor=thuongtruc, **INCIDENT)
    alert = services.draft_exercise_alert(exercise, actor=thuongtruc, incidents=[incident.pk],
                                          addressed_agencies=[incident.reporting_agency],
                                          **ALERT)  # fmt: skip
    incident_services.add_update(incident, "Đã khám xét, không có vật nổ.", actor=thuongtruc)
    alert_services.approve(alert, actor=persona("lanhdao"))
    found = queries.timeline(exercise, thuongtruc)
    assert found.incidents == [incident] and found.alerts == [alert]
    assert [r.at for r in found.rows] == sorted(r.at for r in found.rows)
    kinds = [(r.kind, r.subject.pk) for r in found.rows]
    assert kinds.count(("incident", incident.pk)) == 2  # reported, the update
    assert kinds.count(("alert", alert.pk)) == 2  # drafted, approved
    assert any(r.text == "Đã khám xét, không có vật nổ." for r in found.rows)


def test_the_timeline_follows_what_each_viewer_sees(
    persona: Callable[[str], Any], client_for: Callable[[str], Client]
) -> None:
    seaport = Exercise.objects.get(name=SEAPORT_TABLETOP)
    everything = queries.timeline(seaport, persona("thuongtruc"))
    assert [i.title for i in everything.incidents] == [demo.INCIDENT_TITLE]
    assert [a.headline for a in everything.alerts] == [demo.ALERT_HEADLINE]
    # The Border Guard takes part and received the alert; it was not told of the incident.
    border = queries.timeline(seaport, persona("bienphong"))
    assert (border.incidents, [a.headline for a in border.alerts]) == ([], [demo.ALERT_HEADLINE])
    assert {r.kind for r in border.rows} == {"alert"}
    # Sở Công Thương takes part too: neither the incident nor the alert is its.
    assert queries.timeline(seaport, persona("congthuong")).rows == []
    page = client_for("congthuong").get(reverse("exercises:exercise_timeline", args=[seaport.pk]))
    assert page.status_code == 200
    assert demo.INCIDENT_TITLE not in page.content.decode()
    page = client_for("thuongtruc").get(reverse("exercises:exercise_timeline", args=[seaport.pk]))
    body = page.content.decode()
    assert demo.INCIDENT_TITLE in body and demo.ALERT_HEADLINE in body
    assert body.count("DIỄN TẬP") > len(everything.rows)  # every row, and the banner


def test_a_classified_incident_on_the_timeline_is_an_audited_read(
    plan: Callable[..., Exercise], persona: Callable[[str], Any],
    client_for: Callable[[str], Client], api_for: Callable[..., Client],
) -> None:  # fmt: skip
    exercise = plan()
    secret = services.open_exercise_incident(exercise, actor=persona("thuongtruc"),
                                             classification=C.CONFIDENTIAL, **INCIDENT)  # fmt: skip
    for client, name in ((client_for("lanhdao"), "exercises:exercise_timeline"),
                         (api_for("lanhdao"), "api-exercise-timeline"),
                         (api_for("lanhdao"), "api-exercise-incidents")):  # fmt: skip
        head = AuditEvent.objects.latest("seq").seq
        assert client.get(reverse(name, args=[exercise.pk])).status_code == 200
        views = AuditEvent.objects.filter(seq__gt=head, action=CoreAction.OBJECT_VIEWED)
        shown = [e.after["shown"] if e.after else None for e in views]
        assert shown == [[f"situation.incident:{secret.pk}"]], name
    # xa_a (no clearance for Mật, not of the province) does not see the exercise at all.
    assert client_for("xa_a").get(
        reverse("exercises:exercise_timeline", args=[exercise.pk])).status_code == 404  # fmt: skip


def test_a_commune_exercise_is_not_found_by_the_other_commune(
    client_for: Callable[[str], Client], api_for: Callable[..., Client]
) -> None:
    airport = Exercise.objects.get(name=AIRPORT_DRILL)
    pages = ("exercises:exercise_timeline", "exercises:exercise_incident_new",
             "exercises:exercise_alert_new")  # fmt: skip
    apis = ("api-exercise-timeline", "api-exercise-incidents", "api-exercise-alerts")
    for name in pages:
        url = reverse(name, args=[airport.pk])
        assert client_for("xa_b").get(url).status_code == 404, name
        assert client_for("xa_a").get(url).status_code == 200, name
        assert client_for("xa_b").post(url, {"title": "x"}).status_code == 404, name
    for name in apis:
        url = reverse(name, args=[airport.pk])
        assert api_for("xa_b").get(url).status_code == 404, name
        assert api_for("xa_a").get(url).status_code == 200, name
    assert api_for("xa_b", scope="write").post(
        reverse("api-exercise-incidents", args=[airport.pk]), INCIDENT, content_type="application/json"
    ).status_code == 404  # fmt: skip
