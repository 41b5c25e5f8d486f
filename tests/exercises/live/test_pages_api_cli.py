"""Exercise mode through its interfaces: the pages (forms, the panel, the site's
panel), the API and ``vigil exercises incident|alert|timeline``."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from vigil.exercises.drills.demo import SEAPORT_TABLETOP
from vigil.exercises.drills.models import Exercise
from vigil.exercises.live import demo, queries, services
from vigil.exercises.live.models import ExerciseAlert, ExerciseIncident
from vigil.situation.alerts.models import Alert
from vigil.situation.incidents.models import Incident

INCIDENT: dict[str, Any] = {"title": "Tin báo có bom (giả định)", "type": "bomb_threat"}
ALERT: dict[str, Any] = {"event": "Đe dọa đánh bom", "headline": "Diễn tập: đe dọa đánh bom",
         "urgency": "Immediate", "severity": "Severe", "certainty": "Likely"}  # fmt: skip
FORM: dict[str, Any] = {**INCIDENT, "occurred_at": "", "severity": "Unknown", "urgency": "Unknown",
        "certainty": "Unknown", "dead": 0, "injured": 0, "evacuated": 0,
        "classification": 0}  # fmt: skip


def test_the_incident_page_opens_an_exercise_incident(
    plan: Callable[..., Exercise], client_for: Callable[[str], Client]
) -> None:
    exercise = plan()
    url = reverse("exercises:exercise_incident_new", args=[exercise.pk])
    client = client_for("thuongtruc")
    form = client.get(url).content.decode()
    assert "DIỄN TẬP" in form and 'class="card alert-form"' in form
    occurred = exercise.starts_on.strftime("%d/%m/%Y") + " 08:00"
    response = client.post(url, {**FORM, "occurred_at": occurred, "site": exercise.site_id})
    link = ExerciseIncident.objects.get(exercise=exercise)
    assert response.status_code == 302 and response["Location"] == link.incident.get_absolute_url()
    assert link.incident.is_exercise
    assert client_for("kiemtoan").get(url).status_code == 403  # sees it, does not report


def test_the_alert_page_drafts_an_exercise_alert(
    plan: Callable[..., Exercise], client_for: Callable[[str], Client],
    persona: Callable[[str], Any],
) -> None:  # fmt: skip
    exercise = plan()
    url = reverse("exercises:exercise_alert_new", args=[exercise.pk])
    client = client_for("thuongtruc")
    agency = exercise.owning_agency_id
    response = client.post(url, {**ALERT, "cap_scope": "Restricted", "classification": 0,
                                 "addressed_agencies": [agency]})  # fmt: skip
    alert = ExerciseAlert.objects.get(exercise=exercise).alert
    assert response.status_code == 302 and alert.is_exercise and alert.cap_status == "Exercise"
    assert client_for("congthuong").get(url).status_code in (403, 404)


def test_a_closed_exercise_mode_is_said_on_the_page_and_nothing_is_written(
    plan: Callable[..., Exercise], client_for: Callable[[str], Client]
) -> None:
    exercise = plan(starts_in=5)
    url = reverse("exercises:exercise_incident_new", args=[exercise.pk])
    client = client_for("thuongtruc")
    page = client.get(url)
    assert page.status_code == 200
    assert escape(queries.mode_refusal(exercise)) in page.content.decode()
    assert 'class="card alert-form"' not in page.content.decode()
    before = Incident.objects.count()
    assert client.post(url, FORM).status_code == 400
    assert Incident.objects.count() == before


def test_the_panel_offers_the_buttons_while_the_mode_is_open(
    plan: Callable[..., Exercise], persona: Callable[[str], Any]
) -> None:
    exercise = plan()
    services.open_exercise_incident(exercise, actor=persona("thuongtruc"), **INCIDENT)
    context = queries.panel_context(exercise, persona("thuongtruc"))
    live = context["live"]
    assert live.mode_open and live.can_open_incident and live.can_draft_alert
    html = render_to_string("exercises/_live_panel.html", context)
    assert live.incident_url in html and live.alert_url in html and INCIDENT["title"] in html
    assert "DIỄN TẬP" in html
    closed = queries.panel_context(plan(starts_in=5), persona("thuongtruc"))["live"]
    assert not closed.can_open_incident and not closed.can_draft_alert and closed.refusal
    auditor = queries.panel_context(exercise, persona("kiemtoan"))["live"]
    assert not auditor.can_open_incident and not auditor.can_draft_alert


def test_a_site_page_lists_its_exercises(client_for: Callable[[str], Client]) -> None:
    seaport = Exercise.objects.get(name=SEAPORT_TABLETOP)
    assert seaport.site is not None
    body = client_for("thuongtruc").get(
        reverse("sites:site_detail", args=[seaport.site_id])).content.decode()  # fmt: skip
    assert SEAPORT_TABLETOP in body


def test_the_api_opens_lists_and_shows_the_timeline(
    plan: Callable[..., Exercise], api_for: Callable[..., Client]
) -> None:
    exercise = plan()
    api = api_for("thuongtruc", scope="write")
    incidents = reverse("api-exercise-incidents", args=[exercise.pk])
    made = api.post(incidents, {**INCIDENT, "evacuated": 12}, content_type="application/json")
    assert made.status_code == 201, made.json()
    assert made.json()["is_exercise"] is True and made.json()["site"] == exercise.site_id
    assert [i["id"] for i in api.get(incidents).json()] == [made.json()["id"]]
    alerts = reverse("api-exercise-alerts", args=[exercise.pk])
    drafted = api.post(alerts, {**ALERT, "incidents": [made.json()["id"]]},
                       content_type="application/json")  # fmt: skip
    assert drafted.status_code == 201, drafted.json()
    assert drafted.json()["cap_status"] == "Exercise" and drafted.json()["is_exercise"] is True
    assert [a["id"] for a in api.get(alerts).json()] == [drafted.json()["id"]]
    timeline = api.get(reverse("api-exercise-timeline", args=[exercise.pk])).json()
    assert timeline["mode_open"] is True and timeline["incidents"] == [made.json()["id"]]
    assert {(r["kind"], r["is_exercise"]) for r in timeline["rows"]} == {
        ("incident", True), ("alert", True)}  # fmt: skip
    closed = plan(starts_in=5)
    refused = api.post(reverse("api-exercise-incidents", args=[closed.pk]), INCIDENT,
                       content_type="application/json")  # fmt: skip
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == queries.mode_refusal(closed)


def test_the_command_opens_drafts_and_prints_the_timeline(
    plan: Callable[..., Exercise],
) -> None:
    exercise = plan()
    out = StringIO()
    call_command("exercises", "incident", str(exercise.pk), "--as", "thuongtruc",
                 "--title", "Tin báo có bom", "--type", "bomb_threat", stdout=out)  # fmt: skip
    incident = ExerciseIncident.objects.get(exercise=exercise).incident
    call_command("exercises", "alert", str(exercise.pk), "--as", "thuongtruc", "--event", "Bom",
                 "--headline", "Diễn tập: bom", "--incident", str(incident.pk), stdout=out)  # fmt: skip
    alert: Alert = ExerciseAlert.objects.get(exercise=exercise).alert
    assert incident.is_exercise and alert.is_exercise
    out = StringIO()
    call_command("exercises", "timeline", str(exercise.pk), "--as", "thuongtruc", stdout=out)
    text = out.getvalue()
    assert "[DIỄN TẬP]  Tin báo có bom" in text and "Diễn tập: bom" in text
    with pytest.raises(CommandError):
        call_command("exercises", "incident", str(exercise.pk), "--as", "xa_b",
                     "--title", "x", "--type", "bomb_threat")  # fmt: skip


def test_the_demo_plays_a_bomb_threat_during_the_seaport_tabletop(db: None) -> None:
    seaport = Exercise.objects.get(name=SEAPORT_TABLETOP)
    incident = ExerciseIncident.objects.get(exercise=seaport).incident
    alert = ExerciseAlert.objects.get(exercise=seaport).alert
    assert incident.title == demo.INCIDENT_TITLE and incident.is_exercise
    assert incident.occurred_at.date() >= seaport.starts_on and incident.timeline.exists()
    assert alert.headline == demo.ALERT_HEADLINE and alert.state == "issued"
    assert list(alert.incidents.all()) == [incident]
