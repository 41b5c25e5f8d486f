"""Alerts by SMS: the outbound text to each recipient's duty officer, and the reply
that acknowledges with the delivery's code.

The gateway is a setting (``VIGIL_SMS_GATEWAY``, a dotted path to a class with
``send(phone, text)``); the default console gateway writes each text to the log
and to standard output, which is what the demo shows. A real gateway posts the
replies it receives to ``/api/v1/alerts/sms/`` with the shared secret
``VIGIL_SMS_INBOUND_SECRET`` (``api.py``); that calls the use case
``services.acknowledge_by_sms`` (in services: it writes, and services sends the
outbound texts through this module, so this module does not import it back).

A reply is matched by its code *and* its sender: the code is unique only within
one alert, and the number must be a duty phone of the recipient agency (of the
shift on now, or of one that ended within the day: the text went to it), so a
code overheard is not enough from another phone. Contact points are not
accepted: their numbers are office lines, often shared, and published. Users
have no phone of their own in Vigil, so the officer acknowledging is the one
on duty behind that phone.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from django.conf import settings
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.org.duty.models import DutyShift
from vigil.org.models import Agency
from vigil.org.scope import scope_for
from vigil.situation.alerts.models import Alert, AlertDelivery
from vigil.situation.alerts.wording import EXERCISE_MARK, shown_time

logger = logging.getLogger("vigil.situation.sms")
SMS = SystemActor("situation.sms")
CODE_IN_TEXT = re.compile(r"(?<!\d)(\d{3})[ .-]?(\d{3})(?!\d)")


class Gateway(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleGateway:
    """The demo's gateway: each text goes to the log and to standard output (as the
    console e-mail backend does), except while ``muted`` (the demo seed)."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)
        if not getattr(_quiet, "on", False):
            sys.stdout.write(f"[SMS → {phone}] {text}\n")


_quiet = threading.local()


@contextmanager
def muted() -> Iterator[None]:
    """The console gateway prints nothing meanwhile (the seed's output is the logins)."""
    _quiet.on = True
    try:
        yield
    finally:
        _quiet.on = False


def gateway() -> Gateway:
    gateway_class: Any = import_string(settings.VIGIL_SMS_GATEWAY)
    return gateway_class()  # type: ignore[no-any-return]


def normalise_phone(phone: str) -> str:
    """Digits only, the country code +84 written as the leading 0."""
    digits = "".join(ch for ch in str(phone) if ch.isdigit())
    if digits.startswith("84") and len(digits) > 9:
        digits = "0" + digits[2:]
    return digits


def agency_of(delivery: AlertDelivery) -> Agency | None:
    if delivery.agency is not None:
        return delivery.agency
    return delivery.committee.standing_agency if delivery.committee else None


def alert_text(alert: Alert, delivery: AlertDelivery) -> str:
    """What the duty officer reads: nothing of a classified alert but the code."""
    with translation.override(settings.LANGUAGE_CODE):
        if alert.classification > 0:
            text = _("Vigil: a new alert for %(recipient)s. Sign in to read it.")
        else:
            text = _("Vigil alert for %(recipient)s: %(headline)s.")
        parts = [text % {"recipient": delivery, "headline": alert.headline}]
        parts.append(_("Reply %(code)s to acknowledge.") % {"code": delivery.ack_code})
        if delivery.ack_due_at is not None:
            parts.append(_("Before %(time)s.") % {"time": shown_time(delivery.ack_due_at)})
    message = " ".join(parts)
    return f"[{EXERCISE_MARK}] {message}" if alert.is_exercise else message


def send_alert_texts(alert: Alert, now: dt.datetime | None = None) -> int:
    """Text each recipient's duty officer (after the approval commits); a failed send is
    logged, never undoes the approval: the inbox and the e-mail carry the alert anyway."""
    at = now or clock.now()
    sender, sent = gateway(), 0
    deliveries = list(alert.deliveries.select_related("agency", "committee__standing_agency"))
    agencies = {d.pk: agency_of(d) for d in deliveries}
    shifts = {
        shift.agency_id: shift
        for shift in DutyShift.objects.filter(
            agency__in=[a for a in agencies.values() if a is not None],
            starts_at__lte=at, ends_at__gt=at,
        ).select_related("officer")
    }  # fmt: skip
    for delivery in deliveries:
        agency = agencies[delivery.pk]
        shift = shifts.get(agency.pk) if agency is not None else None
        phone = shift.phone if shift is not None else ""
        if not phone or shift is None or not cleared_for(shift.officer, alert):
            continue
        try:
            sender.send(phone, alert_text(alert, delivery))
        except Exception:  # the gateway is down: the alert still reached the inbox
            logger.warning("SMS for alert delivery %s failed", delivery.pk, exc_info=True)
            continue
        sent += 1
    return sent


def cleared_for(officer: Any, alert: Alert) -> bool:
    """A classified alert's code goes only to (and is taken only from) a duty officer
    cleared to its classification; an unclassified one, to whoever is on duty."""
    if alert.classification <= 0:
        return True
    return officer is not None and scope_for(officer).clearance >= alert.classification


def phones_of(agency: Agency, at: dt.datetime) -> tuple[set[str], dict[str, Any]]:
    """The agency's duty phones of the last day, and who is on duty behind each now
    (or was, for a shift that has ended: the officer who received the text)."""
    phones: set[str] = set()
    on_duty: dict[str, Any] = {}
    for shift in DutyShift.objects.filter(agency=agency, ends_at__gt=at - dt.timedelta(days=1),
                                          starts_at__lte=at).select_related("officer"):  # fmt: skip
        number = normalise_phone(shift.phone)
        phones.add(number)
        if shift.ends_at > at or number not in on_duty:
            on_duty[number] = shift.officer
    phones.discard("")
    return phones, on_duty
