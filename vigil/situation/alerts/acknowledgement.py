"""Acknowledging an alert, once per recipient: in Vigil (any member of the agency;
for a committee, a holder of a committee-wide role in it), by the code the standing
office records on the recipient's behalf, or by an SMS reply from one of the
agency's own numbers (``sms.py``). Each closes the recipient's escalation case,
leaves an event on the alert's timeline and is audited. And the first read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from vigil.core import audit, clock
from vigil.core.audit import Actor, SystemActor
from vigil.inbox.escalation import close_case
from vigil.inbox.models import CaseKind
from vigil.situation.alerts import sms
from vigil.situation.alerts.models import AckMethod, Alert, AlertDelivery, AlertEvent, AlertState
from vigil.situation.alerts.rules import (
    keeps_codes,
    may_acknowledge,
    record_event,
    require,
    require_visible,
)
from vigil.situation.alerts.wording import shown_time
from vigil.situation.models import SituationAction

CODE_DIGITS = 6


def _locked_delivery(delivery: AlertDelivery) -> AlertDelivery:
    return (
        AlertDelivery.objects.select_for_update(of=("self",))
        .select_related("alert", "alert__owning_committee", "agency", "committee")
        .get(pk=delivery.pk)
    )


def _already(delivery: AlertDelivery) -> ValidationError:
    assert delivery.acknowledged_at is not None
    return ValidationError(
        _("%(recipient)s already acknowledged this alert at %(time)s.")
        % {"recipient": delivery, "time": shown_time(delivery.acknowledged_at)}
    )


def record_acknowledgement(
    delivery: AlertDelivery,
    *,
    actor: Actor,
    method: str,
    note: str = "",
    by: Any = None,
    recorded_by: Any = None,
    now: dt.datetime | None = None,
) -> AlertDelivery:
    """The write every way of acknowledging shares (the caller checked who may, and
    holds the delivery's row lock): who, when, how, the note, the case closed, the
    event, the audit."""
    if delivery.acknowledged_at is not None:
        raise _already(delivery)
    if method not in AckMethod.values:
        raise ValidationError({"method": _("Unknown way of acknowledging.")})
    at = now or clock.now()
    delivery.acknowledged_at = at
    delivery.acknowledged_by = by
    delivery.recorded_by = recorded_by
    delivery.ack_method = method
    delivery.ack_note = (note or "").strip()[:500]
    delivery.save(update_fields=["acknowledged_at", "acknowledged_by", "recorded_by",
                                 "ack_method", "ack_note"])  # fmt: skip
    with translation.override(settings.LANGUAGE_CODE):
        close_case(delivery, kind=CaseKind.ALERT, note=_("Acknowledged."))
        label = str(AckMethod(method).label)
    record_event(delivery.alert, AlertEvent.Type.ACKNOWLEDGED, actor=actor, at=at, delivery=delivery,
           note=f"{delivery}: {label}" + (f" — {delivery.ack_note}" if delivery.ack_note else ""))  # fmt: skip
    audit.record(
        SituationAction.ALERT_ACKNOWLEDGED, actor=actor, obj=delivery.alert,
        after={"delivery": delivery.pk, "recipient": str(delivery), "method": method,
               "note": delivery.ack_note},
    )  # fmt: skip
    return delivery


def _require_issued(delivery: AlertDelivery) -> None:
    if delivery.alert.state != AlertState.ISSUED:
        raise ValidationError(_("This alert has not been sent."))


@transaction.atomic(durable=True)
def acknowledge(
    delivery: AlertDelivery,
    *,
    actor: Actor,
    note: str = "",
    method: str = AckMethod.BUTTON,
    now: dt.datetime | None = None,
    by: Any = None,
) -> AlertDelivery:
    """A member of the recipient acknowledges for it, once. ``by``: the person, when
    Vigil itself records it for them (the demo seed); a person acts for themselves."""
    require_visible(delivery.alert, actor)
    delivery = _locked_delivery(delivery)
    require(may_acknowledge(actor, delivery),
             _("Only a member of %(recipient)s may acknowledge for it.") % {"recipient": delivery})  # fmt: skip
    _require_issued(delivery)
    if method == AckMethod.CODE:
        raise ValidationError({"method": _("A code is recorded by the standing office.")})
    return record_acknowledgement(
        delivery, actor=actor, method=method, note=note, by=_person(actor, by), now=now
    )


def _person(actor: Actor, given: Any) -> Any:
    return given if isinstance(actor, SystemActor) else audit.acting_user(actor)


def normalise_code(code: str) -> str:
    return "".join(ch for ch in str(code) if ch.isdigit())


@transaction.atomic(durable=True)
def acknowledge_by_code(
    alert: Alert,
    code: str,
    *,
    actor: Actor,
    note: str = "",
    now: dt.datetime | None = None,
    recorded_by: Any = None,
) -> AlertDelivery:
    """The standing office records an acknowledgement read out over the phone
    (``recorded_by``: the officer, when Vigil itself records it, as the demo seed)."""
    require_visible(alert, actor)
    alert = Alert.objects.select_related("owning_committee").get(pk=alert.pk)
    require(keeps_codes(actor, alert),
             _("Only the standing office of the committee may record an acknowledgement code."))  # fmt: skip
    if alert.state != AlertState.ISSUED:
        raise ValidationError(_("This alert has not been sent."))
    digits = normalise_code(code)
    found = (
        AlertDelivery.objects.filter(alert=alert, ack_code=digits).first()
        if len(digits) == CODE_DIGITS
        else None
    )
    if found is None:
        raise ValidationError({"code": _("This code is not one of this alert's codes.")})
    delivery = _locked_delivery(found)
    if delivery.acknowledged_at is not None:
        raise ValidationError({"code": _("This code has already been used: %(recipient)s "
                                         "acknowledged already.") % {"recipient": delivery}})  # fmt: skip
    return record_acknowledgement(
        delivery, actor=actor, method=AckMethod.CODE, note=note,
        recorded_by=_person(actor, recorded_by), now=now,
    )  # fmt: skip


@transaction.atomic(durable=True)
def mark_read(
    delivery: AlertDelivery, *, actor: Actor, now: dt.datetime | None = None, by: Any = None
) -> AlertDelivery:
    """The first time a member of the recipient opens the alert; later reads change nothing.
    Vigil itself records a read only for a member named in ``by`` (the demo seed)."""
    require_visible(delivery.alert, actor)
    reader = _person(actor, by)
    if reader is None or not may_acknowledge(reader, delivery):
        return delivery
    at = now or clock.now()
    won = AlertDelivery.objects.filter(pk=delivery.pk, first_read_at__isnull=True).update(
        first_read_at=at
    )
    if won:
        delivery.first_read_at = at
        record_event(delivery.alert, AlertEvent.Type.READ, actor=actor, at=at, delivery=delivery,
               note=str(delivery))  # fmt: skip
    else:
        delivery.refresh_from_db(fields=["first_read_at"])
    return delivery


def acknowledge_by_sms(
    sender_phone: str, text: str, *, now: dt.datetime | None = None
) -> AlertDelivery:
    """A reply from one of the recipient agency's own phones carrying its code (``sms.py``)."""
    at = now or clock.now()
    found = sms.CODE_IN_TEXT.search(text or "")
    sender = sms.normalise_phone(sender_phone)
    if found is None or not sender:
        raise ValidationError({"text": _("The reply carries no acknowledgement code.")})
    code = found.group(1) + found.group(2)
    with transaction.atomic(durable=True):
        candidates = (
            AlertDelivery.objects.select_for_update(of=("self",))
            .filter(ack_code=code, alert__state=AlertState.ISSUED)
            .select_related("alert", "agency", "committee__standing_agency")
            .order_by("pk")
        )
        matches = []
        for delivery in candidates:
            agency = sms.agency_of(delivery)
            phones, on_duty = sms.phones_of(agency, at) if agency else (set(), {})
            if sender in phones:
                matches.append((delivery, on_duty.get(sender)))
        waiting = [(d, who) for d, who in matches if d.acknowledged_at is None]
        if not matches:
            raise ValidationError({"text": _("No alert waits for this code from this phone.")})
        if not waiting:
            raise ValidationError({"text": _("This code has already been used.")})
        if len(waiting) > 1:
            raise ValidationError(
                {
                    "text": _(
                        "This code matches several alerts: acknowledge in Vigil or by telephone."
                    )
                }
            )
        delivery, officer = waiting[0]
        note = _("SMS from %(phone)s") % {"phone": sender_phone.strip()[:40]}
        return record_acknowledgement(
            delivery, actor=sms.SMS, method=AckMethod.SMS, note=note, by=officer, now=at
        )
