"""The acknowledgement deadline: silent recipients are escalated at the deadline, the
escalation policy's steps follow on a frozen clock, and every sweep is idempotent."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.situation.alerts.helpers import agency, issued, user
from vigil.core.models import AuditEvent
from vigil.core.scheduler import run_sweep_now
from vigil.inbox.escalation import escalation_events_for
from vigil.inbox.models import CaseKind, EscalationCase, EscalationEvent, StepTarget
from vigil.situation.alerts import services
from vigil.situation.alerts.models import AlertEvent
from vigil.situation.models import SituationAction

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = dt.datetime(2026, 11, 25, 10, 0, tzinfo=VN)
M = dt.timedelta(minutes=1)


def sweep(at: dt.datetime) -> None:
    with time_machine.travel(at, tick=False):
        run_sweep_now("situation.alert_deadlines", at)
        run_sweep_now("inbox.escalate", at)


def state() -> list[tuple[int, int, int]]:
    return sorted(
        EscalationCase.objects.filter(kind=CaseKind.ALERT).values_list("pk", "next_step", "events__pk")
    )  # fmt: skip


def test_a_silent_recipient_goes_up_the_policy_step_by_step() -> None:
    with time_machine.travel(T0, tick=False):
        alert = issued(now=T0)
    assert alert.ack_due_at == T0 + 15 * M
    sct, border = (
        alert.deliveries.get(agency=agency("SCT")),
        alert.deliveries.get(agency=agency("BĐBP")),
    )
    with time_machine.travel(T0 + 5 * M, tick=False):
        services.acknowledge(sct, actor=user("congthuong"), now=T0 + 5 * M)

    sweep(T0 + 15 * M - dt.timedelta(seconds=1))
    border.refresh_from_db()
    assert border.escalated_at is None

    # At the deadline: a case, and the first step (the duty officer) at once.
    sweep(T0 + 15 * M)
    border.refresh_from_db()
    assert border.escalated_at == T0 + 15 * M
    case = EscalationCase.objects.get(about_id=str(border.pk), kind=CaseKind.ALERT)
    assert case.opened_at == T0 - 15 * M
    steps = list(escalation_events_for(border).filter(type=EscalationEvent.Type.STEP))
    assert [(s.step, s.target) for s in steps] == [(1, StepTarget.DUTY_OFFICER)]
    assert steps[0].recipient_label == str(user("bienphong"))
    assert not EscalationCase.objects.filter(about_id=str(sct.pk), kind=CaseKind.ALERT).exists()
    assert alert.events.filter(type=AlertEvent.Type.ESCALATED, delivery=border).count() == 1

    # Step 2 (the agency head) two hours after the case opened; step 3 after four.
    sweep(T0 + 105 * M - dt.timedelta(seconds=1))
    assert escalation_events_for(border).filter(type="step").count() == 1
    sweep(T0 + 105 * M)
    assert escalation_events_for(border).filter(type="step").count() == 2
    sweep(T0 + 225 * M)
    targets = list(
        escalation_events_for(border).filter(type="step").values_list("target", flat=True)
    )
    assert targets == [StepTarget.DUTY_OFFICER, StepTarget.AGENCY_HEAD, StepTarget.STANDING_OFFICE]

    # Acknowledging closes the case.
    services.acknowledge(border, actor=user("bienphong"))
    case.refresh_from_db()
    assert case.resolved_at is not None


def test_the_sweep_run_twice_gives_the_same_result() -> None:
    with time_machine.travel(T0, tick=False):
        alert = issued(now=T0)
    sweep(T0 + 20 * M)
    first = (state(), list(alert.events.values_list("pk", "type")))
    sweep(T0 + 20 * M)
    assert (state(), list(alert.events.values_list("pk", "type"))) == first
    assert alert.events.filter(type=AlertEvent.Type.ESCALATED).count() == 2


def test_cancelled_and_expired_alerts_are_not_escalated() -> None:
    with time_machine.travel(T0, tick=False):
        expiring = issued(now=T0, expires_at=T0 + 10 * M)
        cancelled = issued(now=T0)
        cancel = services.draft_cancel(cancelled, actor=user("thuongtruc"), note="Báo nhầm", now=T0)
        services.approve(cancel, actor=user("lanhdao"), now=T0)
    sweep(T0 + 16 * M)
    assert not expiring.deliveries.filter(escalated_at__isnull=False).exists()
    assert not cancelled.deliveries.filter(escalated_at__isnull=False).exists()
    assert cancelled.events.filter(type=AlertEvent.Type.CANCELLED).count() == 1
    assert cancel.deliveries.count() == 2
    assert not cancel.deliveries.filter(escalated_at__isnull=False).exists()


def test_an_alert_that_expires_stops_its_escalation() -> None:
    with time_machine.travel(T0, tick=False):
        alert = issued(now=T0, expires_at=T0 + 60 * M)
    sweep(T0 + 20 * M)
    cases = EscalationCase.objects.filter(
        kind=CaseKind.ALERT, about_id__in=[str(d.pk) for d in alert.deliveries.all()]
    )
    assert cases.count() == 2 and not cases.filter(resolved_at__isnull=False).exists()
    sweep(T0 + 60 * M)
    assert cases.filter(resolved_at__isnull=True).count() == 0
    expired = AuditEvent.objects.filter(
        action=SituationAction.ALERT_EXPIRED, object_id=str(alert.pk)
    )
    assert expired.count() == 2  # one per silent recipient whose case it closed
    steps = EscalationEvent.objects.filter(case__in=cases, type="step").count()
    sweep(T0 + 300 * M)
    assert EscalationEvent.objects.filter(case__in=cases, type="step").count() == steps
    assert expired.count() == 2
