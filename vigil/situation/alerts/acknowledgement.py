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
from vigil.situation.alerts.models import (
    AckCodeAttempt,
    AckMethod,
    Alert,
    AlertDelivery,
    AlertEvent,
)
from vigil.situation.alerts.rules import (
    acknowledgeable_alerts,
    keeps_codes,
    may_acknowledge,
    record_event,
    require,
    require_acknowledgeable,
    require_visible,
)
from vigil.situation.alerts.wording import shown_time
from vigil.situation.models import SituationAction

CODE_DIGITS = 6
WRONG_CODE_LIMIT = 5
WRONG_CODE_WINDOW = dt.timedelta(minutes=30)


class WrongCode(ValidationError):
    """A code that acknowledges nothing: counted against who tried it."""


class TooManyTries(ValidationError):
    """Too many wrong codes lately: every try is refused until the window passes
    (the API answers 429)."""


def blocked_until(key: str, at: dt.datetime) -> dt.datetime | None:
    """When tries under ``key`` are allowed again after too many wrong codes within
    the window; None if they are allowed now."""
    recent = list(
        AckCodeAttempt.objects.filter(key=key, at__gt=at - WRONG_CODE_WINDOW, at__lte=at)
        .order_by("-at")
        .values_list("at", flat=True)[:WRONG_CODE_LIMIT]
    )
    if len(recent) < WRONG_CODE_LIMIT:
        return None
    return recent[-1] + WRONG_CODE_WINDOW


def count_wrong_code(key: str, at: dt.datetime) -> None:
    """Kept in its own transaction: the use case that found the code wrong rolled back."""
    with transaction.atomic():
        AckCodeAttempt.objects.create(key=key, at=at)


def _code_key(alert: Alert, actor: Actor) -> str:
    user_id = audit.acting_user_id(actor)
    who = f"user:{user_id}" if user_id is not None else f"system:{audit.actor_label(actor)}"
    return f"code:{alert.pk}:{who}"[:120]


def _sms_key(sender: str) -> str:
    return f"sms:{sender}"[:120]


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
    require_acknowledgeable(delivery.alert, now)
    if method == AckMethod.CODE:
        raise ValidationError({"method": _("A code is recorded by the standing office.")})
    return record_acknowledgement(
        delivery, actor=actor, method=method, note=note, by=_person(actor, by), now=now
    )


def _person(actor: Actor, given: Any) -> Any:
    return given if isinstance(actor, SystemActor) else audit.acting_user(actor)


def normalise_code(code: str) -> str:
    return "".join(ch for ch in str(code) if ch.isdigit())


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
    (``recorded_by``: the officer, when Vigil itself records it, as the demo seed).
    Wrong codes are counted per (alert, actor): too many refuse further tries."""
    at = now or clock.now()
    try:
        return _acknowledge_by_code_within(
            alert, code, actor=actor, note=note, now=at, recorded_by=recorded_by
        )
    except WrongCode:
        count_wrong_code(_code_key(alert, actor), at)
        raise


@transaction.atomic(durable=True)
def _acknowledge_by_code_within(
    alert: Alert, code: str, *, actor: Actor, note: str, now: dt.datetime, recorded_by: Any
) -> AlertDelivery:
    require_visible(alert, actor)
    alert = Alert.objects.select_related("owning_committee").get(pk=alert.pk)
    require(keeps_codes(actor, alert),
             _("Only the standing office of the committee may record an acknowledgement code."))  # fmt: skip
    require_acknowledgeable(alert, now)
    until = blocked_until(_code_key(alert, actor), now)
    if until is not None:
        raise TooManyTries({"code": _("Too many wrong codes for this alert: try again after "
                                         "%(time)s.") % {"time": shown_time(until)}})  # fmt: skip
    digits = normalise_code(code)
    found = (
        AlertDelivery.objects.filter(alert=alert, ack_code=digits).first()
        if len(digits) == CODE_DIGITS
        else None
    )
    if found is None:
        raise WrongCode({"code": _("This code is not one of this alert's codes.")})
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
        audit.record(
            SituationAction.ALERT_READ, actor=actor, obj=delivery.alert,
            after={"delivery": delivery.pk, "recipient": str(delivery)},
        )  # fmt: skip
    else:
        delivery.refresh_from_db(fields=["first_read_at"])
    return delivery


def sms_refusal() -> ValidationError:
    """Every failed SMS reply reads the same: it tells nothing of which codes exist."""
    return ValidationError(
        {"text": _("This reply acknowledges nothing: check the code, or acknowledge in Vigil "
                   "or by telephone.")}
    )  # fmt: skip


def acknowledge_by_sms(
    sender_phone: str, text: str, *, now: dt.datetime | None = None
) -> AlertDelivery:
    """A reply from one of the recipient agency's own phones carrying its code (``sms.py``).
    Wrong codes are counted per sender phone: too many refuse further tries."""
    at = now or clock.now()
    found = sms.CODE_IN_TEXT.search(text or "")
    sender = sms.normalise_phone(sender_phone)
    if not sender:
        raise sms_refusal()
    until = blocked_until(_sms_key(sender), at)
    if until is not None:
        raise TooManyTries({"text": _("Too many wrong codes from this phone: try again after "
                                         "%(time)s.") % {"time": shown_time(until)}})  # fmt: skip
    if found is None:
        raise sms_refusal()
    try:
        return _acknowledge_by_sms_within(sender, sender_phone, found.group(1) + found.group(2), at)
    except WrongCode:
        count_wrong_code(_sms_key(sender), at)
        raise


@transaction.atomic(durable=True)
def _acknowledge_by_sms_within(
    sender: str, sender_phone: str, code: str, at: dt.datetime
) -> AlertDelivery:
    candidates = (
        AlertDelivery.objects.select_for_update(of=("self",))
        .filter(acknowledgeable_alerts(at), ack_code=code, acknowledged_at__isnull=True)
        .select_related("alert", "agency", "committee__standing_agency")
        .order_by("pk")
    )
    waiting = []
    for delivery in candidates:
        agency = sms.agency_of(delivery)
        phones, on_duty = sms.phones_of(agency, at) if agency else (set(), {})
        officer = on_duty.get(sender)
        if sender in phones and sms.cleared_for(officer, delivery.alert):
            waiting.append((delivery, officer))
    if len(waiting) != 1:  # none, or several alerts: the same answer, counted
        raise WrongCode(sms_refusal().message_dict)
    delivery, officer = waiting[0]
    note = _("SMS from %(phone)s") % {"phone": sender_phone.strip()[:40]}
    return record_acknowledgement(
        delivery, actor=sms.SMS, method=AckMethod.SMS, note=note, by=officer, now=at
    )
