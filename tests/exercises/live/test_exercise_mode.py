"""Opening an exercise incident and drafting an exercise alert: both are the situation
app's own, marked as exercises and linked to the exercise, only while exercise mode
is open, only for who may report (or draft) and sees the exercise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.exercises.live.conftest import SEED, evaluated
from vigil.core import clock
from vigil.core.classification import Classification as C
from vigil.core.dates import shown
from vigil.core.models import AuditEvent
from vigil.exercises.drills import services as drills
from vigil.exercises.drills.models import Exercise
from vigil.exercises.live import services
from vigil.exercises.live.models import ExerciseAlert, ExerciseIncident
from vigil.exercises.live.queries import mode_refusal
from vigil.exercises.models import ExerciseAction
from vigil.situation.alerts.models import Alert, CapStatus
from vigil.situation.incidents.models import Incident

INCIDENT: dict[str, Any] = {"title": "Tin báo có bom (giả định)", "type": "bomb_threat"}
ALERT: dict[str, Any] = {"event": "Đe dọa đánh bom", "headline": "Diễn tập: đe dọa đánh bom",
         "urgency": "Immediate", "severity": "Severe", "certainty": "Likely"}  # fmt: skip


def _written() -> tuple[int, ...]:
    return (Incident.objects.count(), Alert.objects.count(), ExerciseIncident.objects.count(),
            ExerciseAlert.objects.count(), AuditEvent.objects.count())  # fmt: skip


def test_an_exercise_incident_is_an_exercise_at_the_exercise_site_and_linked(
    plan: Callable[..., Exercise], persona: Callable[[str], Any]
) -> None:
    exercise = plan()
    incident = services.open_exercise_incident(exercise, actor=persona("thuongtruc"), **INCIDENT)
    assert incident.is_exercise
    assert incident.owning_committee_id == exercise.owning_committee_id
    assert incident.site_id == exercise.site_id
    assert ExerciseIncident.objects.get(incident=incident).exercise_id == exercise.pk
    event = AuditEvent.objects.filter(action=ExerciseAction.INCIDENT_LINKED).latest("seq")
    assert event.after is not None
    assert event.object_id == str(exercise.pk) and event.after["incident"] == incident.pk


def test_an_exercise_incident_is_at_least_as_classified_as_the_exercise(
    plan: Callable[..., Exercise], persona: Callable[[str], Any]
) -> None:
    exercise = plan(classification=C.CONFIDENTIAL)
    incident = services.open_exercise_incident(exercise, actor=persona("thuongtruc"), **INCIDENT)
    assert incident.classification == C.CONFIDENTIAL


def test_an_exercise_alert_has_the_cap_status_exercise_and_is_linked(
    plan: Callable[..., Exercise], persona: Callable[[str], Any]
) -> None:
    exercise = plan()
    incident = services.open_exercise_incident(exercise, actor=persona("thuongtruc"), **INCIDENT)
    alert = services.draft_exercise_alert(exercise, actor=persona("thuongtruc"),
                                          incidents=[incident.pk], **ALERT)  # fmt: skip
    assert alert.is_exercise and alert.cap_status == CapStatus.EXERCISE
    assert list(alert.incidents.all()) == [incident]
    assert list(alert.sites.all()) == [exercise.site]
    assert ExerciseAlert.objects.get(alert=alert).exercise_id == exercise.pk
    assert AuditEvent.objects.filter(action=ExerciseAction.ALERT_LINKED,
                                     object_id=str(exercise.pk)).exists()  # fmt: skip


def test_an_exercise_alert_refuses_another_status_and_a_real_incident(
    plan: Callable[..., Exercise], persona: Callable[[str], Any]
) -> None:
    exercise = plan()
    real = Incident.objects.filter(is_exercise=False).first()
    assert real is not None
    before = _written()
    with pytest.raises(ValidationError) as refused:
        services.draft_exercise_alert(exercise, actor=persona("thuongtruc"),
                                      cap_status=CapStatus.ACTUAL, **ALERT)  # fmt: skip
    assert "cap_status" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.draft_exercise_alert(exercise, actor=persona("thuongtruc"),
                                      incidents=[real.pk], **ALERT)  # fmt: skip
    assert "incidents" in refused.value.message_dict
    assert _written() == before


def test_exercise_mode_opens_on_the_first_day_of_a_planned_exercise(
    plan: Callable[..., Exercise], persona: Callable[[str], Any]
) -> None:
    exercise = plan(starts_in=3)
    closed = mode_refusal(exercise)
    assert shown(exercise.starts_on) in closed
    before = _written()
    with pytest.raises(ValidationError) as refused:
        services.open_exercise_incident(exercise, actor=persona("thuongtruc"), **INCIDENT)
    assert refused.value.messages == [closed]
    with pytest.raises(ValidationError) as refused:
        services.draft_exercise_alert(exercise, actor=persona("thuongtruc"), **ALERT)
    assert refused.value.messages == [closed]
    assert _written() == before
    with time_machine.travel(clock.now() + dt.timedelta(days=3)):
        assert mode_refusal(exercise) == ""


def test_exercise_mode_is_open_while_conducted_and_closed_once_evaluated(
    plan: Callable[..., Exercise], persona: Callable[[str], Any]
) -> None:
    exercise = drills.conduct(plan(), actor=SEED)
    assert services.open_exercise_incident(exercise, actor=persona("thuongtruc"), **INCIDENT)
    closed = mode_refusal(evaluated(exercise))
    assert closed and closed != mode_refusal(plan(starts_in=3))
    before = _written()
    with pytest.raises(ValidationError) as refused:
        services.open_exercise_incident(exercise, actor=persona("thuongtruc"), **INCIDENT)
    assert refused.value.messages == [closed]
    with pytest.raises(ValidationError) as refused:
        services.draft_exercise_alert(exercise, actor=persona("thuongtruc"), **ALERT)
    assert refused.value.messages == [closed]
    assert _written() == before


def test_a_cancelled_exercise_has_no_exercise_mode(
    plan: Callable[..., Exercise], persona: Callable[[str], Any]
) -> None:
    exercise = drills.cancel_exercise(plan(), reason="Bão", actor=SEED)
    with pytest.raises(ValidationError) as refused:
        services.open_exercise_incident(exercise, actor=persona("thuongtruc"), **INCIDENT)
    assert refused.value.messages == [mode_refusal(exercise)]
    assert refused.value.code == "exercise_mode_closed"


def test_an_exercise_incident_does_not_happen_before_the_exercise(
    plan: Callable[..., Exercise], persona: Callable[[str], Any]
) -> None:
    exercise = plan()
    with pytest.raises(ValidationError) as refused:
        services.open_exercise_incident(exercise, actor=persona("thuongtruc"),
                                        occurred_at=clock.now() - dt.timedelta(days=2),
                                        **INCIDENT)  # fmt: skip
    assert "occurred_at" in refused.value.message_dict


def test_who_may_report_and_sees_the_exercise_opens_an_incident_and_no_one_else(
    plan: Callable[..., Exercise], persona: Callable[[str], Any]
) -> None:
    exercise = plan(participants=("Sở Công Thương",))
    # An officer of a participating agency of the committee reports (at the site's
    # commune: the officer does not see the key site); a leader drafts.
    incident = services.open_exercise_incident(exercise, actor=persona("congthuong"), **INCIDENT)
    assert exercise.site is not None
    assert incident.site is None and incident.commune_id == exercise.site.commune_id
    assert services.draft_exercise_alert(exercise, actor=persona("lanhdao"), **ALERT)
    before = _written()
    for username in ("kiemtoan", "xa_b"):  # an auditor sees it; commune B does not
        with pytest.raises(PermissionDenied):
            services.open_exercise_incident(exercise, actor=persona(username), **INCIDENT)
    for username in ("congthuong", "xa_b"):  # an officer does not draft alerts
        with pytest.raises(PermissionDenied):
            services.draft_exercise_alert(exercise, actor=persona(username), **ALERT)
    assert _written() == before


def test_a_commune_opens_incidents_for_its_own_exercise(
    plan: Callable[..., Exercise], persona: Callable[[str], Any]
) -> None:
    exercise = plan("a")
    incident = services.open_exercise_incident(exercise, actor=persona("xa_a"), **INCIDENT)
    assert incident.is_exercise and incident.owning_committee_id == exercise.owning_committee_id
    with pytest.raises(PermissionDenied):
        services.open_exercise_incident(exercise, actor=persona("xa_b"), **INCIDENT)
