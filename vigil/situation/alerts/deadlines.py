"""The acknowledgement-deadline sweep (``situation.alert_deadlines``).

A recipient that has not acknowledged an issued, unexpired, uncancelled alert
by its delivery's ``ack_due_at`` gets an escalation case on its delivery row
(``CaseKind.ALERT``). The case is opened so that the policy's first step (the
duty officer) falls due exactly at the deadline: ``opened_at`` is the deadline
less the first step's delay. The inbox's escalation sweep takes the steps from
there; acknowledging closes the case.

Idempotent: ``escalated_at`` is set by compare-and-swap and the case is opened
once (``open_case_once``), so a second run, a second worker or a run after a
crash changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from vigil.core import audit
from vigil.inbox.escalation import close_case, open_case_once, policy_for
from vigil.inbox.models import CaseKind, EscalationCase
from vigil.situation.alerts.models import (
    AlertDelivery,
    AlertEvent,
    AlertState,
    MsgType,
)
from vigil.situation.alerts.wording import EXERCISE_MARK
from vigil.situation.models import SituationAction

SWEEP = audit.SystemActor("situation.alert_deadlines")
BATCH = 200
RELATED = (
    "alert", "alert__owning_committee", "alert__owning_agency", "agency", "committee",
    "committee__standing_agency",
)  # fmt: skip


def overdue(now: dt.datetime) -> Q:
    """Deliveries past their deadline, silent and not yet escalated, of a live alert."""
    return Q(
        ack_due_at__lte=now,
        acknowledged_at__isnull=True,
        escalated_at__isnull=True,
        alert__state=AlertState.ISSUED,
    ) & (Q(alert__expires_at__isnull=True) | Q(alert__expires_at__gt=now))


def _cancelled_ids() -> set[int]:
    from vigil.situation.alerts.models import Alert

    return set(
        Alert.objects.filter(msg_type=MsgType.CANCEL, state=AlertState.ISSUED).values_list(
            "references_id", flat=True
        )
    )


def escalate_one(
    delivery: AlertDelivery, now: dt.datetime, *, actor: audit.SystemActor = SWEEP
) -> bool:
    """Open the case of one silent recipient; False when another run did it first."""
    alert = delivery.alert
    committee = alert.owning_committee
    with transaction.atomic():
        won = AlertDelivery.objects.filter(
            pk=delivery.pk, acknowledged_at__isnull=True, escalated_at__isnull=True
        ).update(escalated_at=now)
        if not won:
            return False
        assert delivery.ack_due_at is not None
        policy = policy_for(committee, CaseKind.ALERT)
        first = policy.steps[0].after if policy.steps else dt.timedelta(0)
        agency = delivery.agency or (
            delivery.committee.standing_agency if delivery.committee else None
        )
        subject = _("Alert not acknowledged: %(headline)s (%(recipient)s)") % {
            "headline": alert.headline,
            "recipient": delivery,
        }
        if alert.is_exercise:
            subject = f"[{EXERCISE_MARK}] {subject}"
        open_case_once(
            delivery, kind=CaseKind.ALERT, subject=subject, committee=committee,
            agency=agency or alert.owning_agency, opened_at=delivery.ack_due_at - first,
        )  # fmt: skip
        AlertEvent.objects.create(
            alert=alert, type=AlertEvent.Type.ESCALATED, at=now, delivery=delivery,
            actor_label=audit.actor_label(actor),
            note=_("%(recipient)s did not acknowledge in time.") % {"recipient": delivery},
        )  # fmt: skip
        audit.record(
            SituationAction.ALERT_ESCALATED, actor=actor, obj=alert,
            after={"delivery": delivery.pk, "recipient": str(delivery)},
        )  # fmt: skip
    return True


def stop_expired(now: dt.datetime, *, actor: audit.SystemActor = SWEEP) -> int:
    """Close the escalation cases still open for alerts that have expired: nobody is
    chased to acknowledge what no longer holds. Only open cases are read, so a second
    run finds nothing."""
    kind = ContentType.objects.get_for_model(AlertDelivery)
    open_ids = EscalationCase.objects.filter(
        kind=CaseKind.ALERT, resolved_at__isnull=True, about_type=kind
    ).values_list("about_id", flat=True)
    expired = AlertDelivery.objects.filter(
        pk__in=[int(pk) for pk in open_ids if pk.isdigit()], alert__expires_at__lte=now
    )
    closed = 0
    for delivery in expired.select_related("alert"):
        with transaction.atomic():
            case = close_case(delivery, kind=CaseKind.ALERT, note=_("The alert has expired."))
            if case is None:
                continue
            audit.record(SituationAction.ALERT_EXPIRED, actor=actor, obj=delivery.alert,
                         after={"delivery": delivery.pk, "recipient": str(delivery)})  # fmt: skip
            closed += 1
    return closed


def sweep_alert_deadlines(now: dt.datetime, *, actor: audit.SystemActor = SWEEP) -> int:
    """The sweep: every silent recipient past its deadline, escalated once (``actor``:
    the sweep itself, or the demo seed replaying it); cases of expired alerts closed."""
    with translation.override(settings.LANGUAGE_CODE):
        stop_expired(now, actor=actor)
    escalated = 0
    cancelled = _cancelled_ids()
    with translation.override(settings.LANGUAGE_CODE):
        while True:
            due = list(
                AlertDelivery.objects.filter(overdue(now))
                .exclude(alert_id__in=cancelled)
                .select_related(*RELATED)
                .order_by("ack_due_at", "pk")[:BATCH]
            )
            progressed = sum(escalate_one(d, now, actor=actor) for d in due)
            escalated += progressed
            if len(due) < BATCH or not progressed:
                return escalated
