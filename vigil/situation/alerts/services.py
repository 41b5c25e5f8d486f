"""Alert use cases: draft, change, withdraw, approve (the fan-out), update, cancel,
acknowledge (in Vigil, by code, by SMS through ``sms.py``) and mark read.

Every write: permission, validation, one transaction, the side effects as rows
(one ``AlertDelivery`` and one notification per recipient, escalation cases
closed), the audit event last. Approval is one transaction: the deliveries are
the outbox, so a crash before the commit sends nothing and a crash after it
loses nothing (the worker fans each notification out exactly once per user).
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from vigil.core import audit, clock
from vigil.core.audit import Actor, SystemActor
from vigil.core.models import AdminUnit
from vigil.inbox.escalation import close_case
from vigil.inbox.models import CaseKind, Kind
from vigil.inbox.services import notify
from vigil.org.models import Agency, Committee, Role
from vigil.org.scope import COMMITTEE_WIDE_ROLES, Viewer, check_clearance, scope_for
from vigil.situation.alerts import sms
from vigil.situation.alerts.models import (
    AckMethod,
    Alert,
    AlertDelivery,
    AlertEvent,
    AlertState,
    CapScope,
    CapStatus,
    MsgType,
)
from vigil.situation.alerts.wording import EXERCISE_MARK, shown_time
from vigil.situation.models import SituationAction
from vigil.situation.terms import Certainty, Severity, Urgency

TEXT_FIELDS = (
    "event", "event_code", "headline", "description", "instruction", "headline_en",
    "description_en", "instruction_en", "area_desc",
)  # fmt: skip
CHOICE_FIELDS: dict[str, type[models.TextChoices]] = {
    "urgency": Urgency,
    "severity": Severity,
    "certainty": Certainty,
    "cap_status": CapStatus,
    "cap_scope": CapScope,
}
LIST_FIELDS = ("communes", "sites", "incidents", "addressed_agencies", "addressed_committees")
FIELDS = frozenset({*TEXT_FIELDS, *CHOICE_FIELDS, *LIST_FIELDS, "expires_at", "classification"})
DEFAULT_ACK_MINUTES = {"Immediate": 15, "Expected": 60, "Future": 240, "Past": 60, "Unknown": 60}
CODE_DIGITS = 6


# --- who may


def may_draft(user: Viewer, committee: Committee) -> bool:
    """The standing office or a leader of the committee (or one above it), or an
    officer or the head of its standing-office agency."""
    scope = scope_for(user)
    if scope.committee_role_covers(committee.path, Role.STANDING_OFFICE, Role.COMMITTEE_LEADER):
        return True
    agency_id = committee.standing_agency_id
    return agency_id is not None and scope.agency_role_in(agency_id, Role.OFFICER, Role.AGENCY_HEAD)


def _is_drafter(user: Viewer, alert: Alert) -> bool:
    return alert.drafted_by_id is not None and getattr(user, "pk", None) == alert.drafted_by_id


def may_approve(user: Viewer, alert: Alert) -> bool:
    """A leader of the owning committee who did not draft it; for an alert a rule
    raised, also Vigil itself acting under that rule."""
    return alert.state == AlertState.DRAFT and _approves(user, alert)


def _approves(user: Viewer, alert: Alert) -> bool:
    if isinstance(user, SystemActor):
        return bool(alert.raised_by_rule) and user.name == alert.raised_by_rule
    if _is_drafter(user, alert):
        return False
    return scope_for(user).committee_role_covers(alert.owning_committee.path, Role.COMMITTEE_LEADER)


def may_record_code(user: Viewer, alert: Alert) -> bool:
    """The standing office of the owning committee (or one above it) records a code
    read over the phone on an agency's behalf."""
    return alert.state == AlertState.ISSUED and _keeps_codes(user, alert)


def _keeps_codes(user: Viewer, alert: Alert) -> bool:
    return scope_for(user).committee_role_covers(alert.owning_committee.path, Role.STANDING_OFFICE)


def may_acknowledge(user: Viewer, delivery: AlertDelivery) -> bool:
    """Any member of the agency; for a committee, a holder of a committee-wide role in it."""
    scope = scope_for(user)
    if scope.everything:
        return True
    if delivery.agency_id is not None:
        return delivery.agency_id in scope.agency_ids
    return any(
        role in COMMITTEE_WIDE_ROLES and committee == delivery.committee_id
        for role, _agency, committee, _path in scope.roles
    )


def deliveries_to_acknowledge(user: Viewer, alert: Alert) -> list[AlertDelivery]:
    """The deliveries of ``alert`` this user may still acknowledge (for the button)."""
    if alert.state != AlertState.ISSUED:
        return []
    pending = alert.deliveries.filter(acknowledged_at__isnull=True).select_related(
        "agency", "committee"
    )
    return [d for d in pending if may_acknowledge(user, d)]


def is_cancelled(alert: Alert) -> bool:
    """An issued Cancel refers to it."""
    return alert.followups.filter(msg_type=MsgType.CANCEL, state=AlertState.ISSUED).exists()


def ack_minutes(urgency: str) -> int:
    table = {**DEFAULT_ACK_MINUTES, **getattr(settings, "VIGIL_ALERT_ACK_MINUTES", {})}
    return int(table.get(urgency, table["Unknown"]))


def alert_url(alert: Alert) -> str:
    """The alert's page, or "" while no page is wired (the API and the tests still work)."""
    try:
        return reverse("situation:alert_detail", kwargs={"pk": alert.pk})
    except NoReverseMatch:
        return ""


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _visible(alert: Alert, actor: Viewer) -> None:
    if not Alert.objects.visible_to(actor).filter(pk=alert.pk).exists():
        raise Http404


# --- drafting


def _ids(values: Iterable[Any]) -> list[int]:
    return [int(v.pk if isinstance(v, models.Model) else v) for v in values]


def _clean_lists(actor: Actor, lists: dict[str, Any]) -> dict[str, list[Any]]:
    """Every id must be one the actor may name; an unknown one is refused by field."""
    from vigil.sites.models import KeySite
    from vigil.situation.incidents.models import Incident

    sources: dict[str, Any] = {
        "communes": AdminUnit.objects.all(),
        "sites": KeySite.objects.visible_to(actor),
        "incidents": Incident.objects.visible_to(actor),
        "addressed_agencies": Agency.objects.visible_to(actor),
        "addressed_committees": Committee.objects.visible_to(actor),
    }
    cleaned: dict[str, list[Any]] = {}
    for name, values in lists.items():
        if isinstance(values, str | bytes) or not isinstance(values, Iterable):
            raise ValidationError({name: _("Give a list.")})
        try:
            ids = set(_ids(values))
        except (TypeError, ValueError):
            raise ValidationError({name: _("Give a list of ids.")}) from None
        found = list(sources[name].filter(pk__in=ids))
        if len(found) != len(ids):
            raise ValidationError({name: _("Some of these do not exist or are not yours.")})
        cleaned[name] = found
    return cleaned


def _apply(alert: Alert, actor: Actor, fields: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """Set the scalar fields on ``alert``, check them; return the lists to set after saving."""
    unknown = set(fields) - FIELDS
    if unknown:
        raise TypeError(f"unknown alert fields: {sorted(unknown)}")
    lists = {k: fields[k] for k in LIST_FIELDS if k in fields}
    for name in TEXT_FIELDS:
        if name in fields:
            setattr(alert, name, str(fields[name] or "").strip())
    for name, choices in CHOICE_FIELDS.items():
        if name in fields:
            if fields[name] not in choices.values:
                raise ValidationError({name: _("Choose one of the listed values.")})
            setattr(alert, name, fields[name])
    if "classification" in fields:
        check_clearance(actor, int(fields["classification"]))
        alert.classification = int(fields["classification"])
    if "expires_at" in fields:
        alert.expires_at = fields["expires_at"]
    alert.is_exercise = alert.cap_status == CapStatus.EXERCISE
    if not alert.event:
        raise ValidationError({"event": _("Say what the alert is about (the event).")})
    if not alert.headline:
        raise ValidationError({"headline": _("Give the alert a headline.")})
    for name in ("urgency", "severity", "certainty"):
        if not getattr(alert, name):
            raise ValidationError({name: _("Choose one of the listed values.")})
    if alert.expires_at is not None and alert.expires_at <= now:
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    alert.full_clean(exclude=["owning_committee", "owning_agency", "references", "drafted_by",
                              "approved_by"], validate_constraints=False)  # fmt: skip
    return _clean_lists(actor, lists)


def _set_lists(alert: Alert, lists: dict[str, list[Any]]) -> None:
    for name, values in lists.items():
        getattr(alert, name).set(values)


def _identifiers(committee: Committee) -> tuple[str, str]:
    host = urlsplit(settings.VIGIL_BASE_URL).hostname or "vigil.localhost"
    sender = f"{committee.electronic_code or f'committee-{committee.pk}'}@{host}"
    return f"urn:uuid:{uuid.uuid4()}", sender


def snapshot(alert: Alert) -> dict[str, Any]:
    data = audit.snapshot(alert)
    if alert.pk:
        data["addressed_agencies"] = sorted(alert.addressed_agencies.values_list("pk", flat=True))
        data["addressed_committees"] = sorted(
            alert.addressed_committees.values_list("pk", flat=True)
        )
    return data


def _event(alert: Alert, type_: str, *, actor: Actor | None, at: dt.datetime,
           delivery: AlertDelivery | None = None, note: str = "") -> AlertEvent:  # fmt: skip
    return AlertEvent.objects.create(
        alert=alert, type=type_, at=at, delivery=delivery,
        actor=audit.acting_user(actor) if actor is not None else None,
        actor_label=audit.actor_label(actor) if actor is not None else "",
        note=note[:500],
    )  # fmt: skip


def draft_alert_within(
    committee: Committee,
    *,
    actor: Actor,
    agency: Agency | None = None,
    raised_by_rule: str = "",
    references: Alert | None = None,
    msg_type: str = MsgType.ALERT,
    now: dt.datetime | None = None,
    **fields: Any,
) -> Alert:
    """A draft alert of ``committee`` (owned by ``agency``, default its standing agency)."""
    _require(may_draft(actor, committee), _("Only the standing office or a leader of the "
                                            "committee may draft an alert."))  # fmt: skip
    at = now or clock.now()
    owner = agency or committee.standing_agency
    if owner is None:
        raise ValidationError({"agency": _("The committee has no standing agency: name one.")})
    if raised_by_rule and not isinstance(actor, SystemActor):
        raise PermissionDenied(_("Only Vigil itself raises an alert under a rule."))
    identifier, sender = _identifiers(committee)
    alert = Alert(
        owning_committee=committee, owning_agency=owner, identifier=identifier, sender=sender,
        msg_type=msg_type, references=references, raised_by_rule=raised_by_rule,
        drafted_by=audit.acting_user(actor), drafted_at=at,
    )  # fmt: skip
    lists = _apply(alert, actor, fields, at)
    alert.save()
    _set_lists(alert, lists)
    _event(alert, AlertEvent.Type.DRAFTED, actor=actor, at=at)
    audit.record(SituationAction.ALERT_DRAFTED, actor=actor, obj=alert, after=snapshot(alert))
    return alert


draft_alert = transaction.atomic(durable=True)(draft_alert_within)


def _locked(alert: Alert) -> Alert:
    return (
        Alert.objects.select_for_update(of=("self",))
        .select_related("owning_committee")
        .get(pk=alert.pk)
    )


def _require_draft(alert: Alert) -> None:
    if alert.state != AlertState.DRAFT:
        raise ValidationError(_("This alert is no longer a draft."))


def change_draft_within(alert: Alert, *, actor: Actor, **fields: Any) -> Alert:
    _visible(alert, actor)
    alert = _locked(alert)
    _require(may_draft(actor, alert.owning_committee),
             _("Only the standing office or a leader of the committee may change this draft."))  # fmt: skip
    _require_draft(alert)
    before = snapshot(alert)
    at = clock.now()
    lists = _apply(alert, actor, fields, at)
    alert.save()
    _set_lists(alert, lists)
    _event(alert, AlertEvent.Type.CHANGED, actor=actor, at=at)
    audit.record(SituationAction.ALERT_CHANGED, actor=actor, obj=alert, before=before,
                 after=snapshot(alert))  # fmt: skip
    return alert


change_draft = transaction.atomic(durable=True)(change_draft_within)


@transaction.atomic(durable=True)
def withdraw_draft(alert: Alert, *, actor: Actor) -> Alert:
    _visible(alert, actor)
    alert = _locked(alert)
    _require(may_draft(actor, alert.owning_committee),
             _("Only the standing office or a leader of the committee may withdraw this draft."))  # fmt: skip
    _require_draft(alert)
    before = snapshot(alert)
    alert.state = AlertState.WITHDRAWN
    alert.save(update_fields=["state"])
    _event(alert, AlertEvent.Type.WITHDRAWN, actor=actor, at=clock.now())
    audit.record(SituationAction.ALERT_WITHDRAWN, actor=actor, obj=alert, before=before,
                 after=snapshot(alert))  # fmt: skip
    return alert


# --- update and cancel: new alerts that refer to the original


COPIED = (*TEXT_FIELDS, "urgency", "severity", "certainty", "cap_status", "cap_scope",
          "expires_at", "classification")  # fmt: skip


def _followup(original: Alert, actor: Actor, msg_type: str, fields: dict[str, Any],
              now: dt.datetime | None) -> Alert:  # fmt: skip
    _visible(original, actor)
    if original.state != AlertState.ISSUED:
        raise ValidationError(_("Only an issued alert can be updated or cancelled."))
    if is_cancelled(original):
        raise ValidationError(_("This alert has already been cancelled."))
    base: dict[str, Any] = {name: getattr(original, name) for name in COPIED}
    for name in LIST_FIELDS:
        base[name] = list(getattr(original, name).all())
    base.update(fields)
    if base.get("expires_at") is not None and base["expires_at"] <= (now or clock.now()):
        base["expires_at"] = None
    return draft_alert_within(
        original.owning_committee, actor=actor, agency=original.owning_agency,
        raised_by_rule=original.raised_by_rule if isinstance(actor, SystemActor) else "",
        references=original, msg_type=msg_type, now=now, **base,
    )  # fmt: skip


@transaction.atomic(durable=True)
def draft_update(original: Alert, *, actor: Actor, now: dt.datetime | None = None,
                 **fields: Any) -> Alert:  # fmt: skip
    """A draft Update of ``original``: its fields and recipients, changed by ``fields``."""
    return _followup(original, actor, MsgType.UPDATE, fields, now)


@transaction.atomic(durable=True)
def draft_cancel(original: Alert, *, actor: Actor, note: str = "",
                 now: dt.datetime | None = None) -> Alert:  # fmt: skip
    """A draft Cancel of ``original``, to the same recipients; approved like an alert."""
    with translation.override(settings.LANGUAGE_CODE):
        headline = _("Cancelled: %(headline)s") % {"headline": original.headline}
    fields: dict[str, Any] = {"headline": headline[:300], "description": note}
    if original.headline_en:
        fields["headline_en"] = f"Cancelled: {original.headline_en}"[:300]
    return _followup(original, actor, MsgType.CANCEL, fields, now)


# --- approval: the fan-out


def _codes(n: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < n:
        codes.add(f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}")
    return list(codes)


def _subject(alert: Alert) -> str:
    if alert.msg_type == MsgType.CANCEL:
        text = _("Alert cancelled: %(headline)s")
    elif alert.msg_type == MsgType.UPDATE:
        text = _("Alert updated: %(headline)s")
    else:
        text = _("Alert: %(headline)s")
    subject = text % {"headline": alert.headline}
    return f"[{EXERCISE_MARK}] {subject}" if alert.is_exercise else subject


def _body(alert: Alert, delivery: AlertDelivery) -> str:
    parts = [EXERCISE_MARK] if alert.is_exercise else []
    parts += [alert.headline, alert.description, alert.instruction]
    parts.append(
        _("Acknowledgement code: %(code)s. Acknowledge in Vigil, read the code to the "
          "standing office by telephone, or reply to the SMS with it.") % {"code": delivery.ack_code}
    )  # fmt: skip
    if delivery.ack_due_at is not None:
        parts.append(_("Acknowledge by %(time)s.") % {"time": shown_time(delivery.ack_due_at)})
    return "\n\n".join(p for p in parts if p)


def approve_within(alert: Alert, *, actor: Actor, now: dt.datetime | None = None) -> Alert:
    """Issue ``alert``: one delivery and one notification per recipient, in this transaction."""
    _visible(alert, actor)
    alert = _locked(alert)
    at = now or clock.now()
    if _is_drafter(actor, alert):
        raise PermissionDenied(
            _("You drafted this alert: another leader of the committee must approve it.")
        )
    _require(
        _approves(actor, alert),
        _("Only a leader of the committee who did not draft this alert may approve it."),
    )
    if alert.state == AlertState.ISSUED:
        raise ValidationError(_("This alert has already been approved and sent."))
    _require_draft(alert)
    if alert.expires_at is not None and alert.expires_at <= at:
        raise ValidationError(
            {"expires_at": _("This alert has expired: it can no longer be sent.")}
        )
    agencies = list(alert.addressed_agencies.all())
    committees = list(alert.addressed_committees.all())
    if not agencies and not committees:
        raise ValidationError(_("Address the alert to at least one agency or committee."))
    original = alert.references
    if original is not None and is_cancelled(original):
        raise ValidationError(_("The alert this refers to has already been cancelled."))
    before = snapshot(alert)
    with translation.override(settings.LANGUAGE_CODE):
        alert.state = AlertState.ISSUED
        alert.sent_at = at
        # A Cancel is read, not answered: no deadline, nobody escalated over it.
        alert.ack_due_at = (
            None
            if alert.msg_type == MsgType.CANCEL
            else at + dt.timedelta(minutes=ack_minutes(alert.urgency))
        )
        alert.approved_by = audit.acting_user(actor)
        if isinstance(actor, SystemActor):
            alert.approved_by_label = (
                _("Vigil, under the rule %(rule)s") % {"rule": alert.raised_by_rule or actor.name}
            )[:200]
        else:
            alert.approved_by_label = audit.actor_label(actor)
        alert.save()
        deliveries = _fan_out(alert, agencies, committees, at)
        _event(alert, AlertEvent.Type.APPROVED, actor=actor, at=at,
               note=_("Sent to %(n)d recipients.") % {"n": len(deliveries)})  # fmt: skip
        if original is not None:
            _follow_original(original, alert, actor, at)
    transaction.on_commit(lambda: sms.send_alert_texts(alert, at))
    audit.record(SituationAction.ALERT_APPROVED, actor=actor, obj=alert, before=before,
                 after={**snapshot(alert), "deliveries": len(deliveries)})  # fmt: skip
    return alert


approve = transaction.atomic(durable=True)(approve_within)


def _fan_out(alert: Alert, agencies: list[Agency], committees: list[Committee],
             at: dt.datetime) -> list[AlertDelivery]:  # fmt: skip
    recipients: list[Agency | Committee] = [*agencies, *committees]
    codes = _codes(len(recipients))
    url = alert_url(alert)
    subject = _subject(alert)
    deliveries = []
    for recipient, code in zip(recipients, codes, strict=True):
        delivery = AlertDelivery.objects.create(
            alert=alert,
            agency=recipient if isinstance(recipient, Agency) else None,
            committee=recipient if isinstance(recipient, Committee) else None,
            created_at=at, ack_code=code, ack_due_at=alert.ack_due_at,
        )  # fmt: skip
        delivery.notification = notify(
            recipient, subject, about=alert, kind=Kind.ALERT, body=_body(alert, delivery),
            url=url, classification=alert.classification, committee=alert.owning_committee,
        )  # fmt: skip
        delivery.save(update_fields=["notification"])
        deliveries.append(delivery)
    return deliveries


def _follow_original(original: Alert, followup: Alert, actor: Actor, at: dt.datetime) -> None:
    if followup.msg_type == MsgType.CANCEL:
        note = _("Cancelled by %(identifier)s.") % {"identifier": followup.identifier}
        for delivery in original.deliveries.filter(acknowledged_at__isnull=True):
            close_case(delivery, kind=CaseKind.ALERT, note=_("The alert was cancelled."))
        _event(original, AlertEvent.Type.CANCELLED, actor=actor, at=at, note=note)
    else:
        note = _("Updated by %(identifier)s.") % {"identifier": followup.identifier}
        _event(original, AlertEvent.Type.UPDATED, actor=actor, at=at, note=note)


# --- acknowledgement


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
    _event(delivery.alert, AlertEvent.Type.ACKNOWLEDGED, actor=actor, at=at, delivery=delivery,
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
) -> AlertDelivery:
    """A member of the recipient acknowledges for it, once."""
    _visible(delivery.alert, actor)
    delivery = _locked_delivery(delivery)
    _require(may_acknowledge(actor, delivery),
             _("Only a member of %(recipient)s may acknowledge for it.") % {"recipient": delivery})  # fmt: skip
    _require_issued(delivery)
    if method == AckMethod.CODE:
        raise ValidationError({"method": _("A code is recorded by the standing office.")})
    return record_acknowledgement(
        delivery, actor=actor, method=method, note=note, by=audit.acting_user(actor), now=now
    )


def normalise_code(code: str) -> str:
    return "".join(ch for ch in str(code) if ch.isdigit())


@transaction.atomic(durable=True)
def acknowledge_by_code(
    alert: Alert, code: str, *, actor: Actor, note: str = "", now: dt.datetime | None = None
) -> AlertDelivery:
    """The standing office records an acknowledgement read out over the phone."""
    _visible(alert, actor)
    alert = Alert.objects.select_related("owning_committee").get(pk=alert.pk)
    _require(_keeps_codes(actor, alert),
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
        recorded_by=audit.acting_user(actor), now=now,
    )  # fmt: skip


@transaction.atomic(durable=True)
def mark_read(
    delivery: AlertDelivery, *, actor: Actor, now: dt.datetime | None = None
) -> AlertDelivery:
    """The first time a member of the recipient opens the alert; later reads change nothing."""
    _visible(delivery.alert, actor)
    if not may_acknowledge(actor, delivery) or isinstance(actor, SystemActor):
        return delivery
    at = now or clock.now()
    won = AlertDelivery.objects.filter(pk=delivery.pk, first_read_at__isnull=True).update(
        first_read_at=at
    )
    if won:
        delivery.first_read_at = at
        _event(delivery.alert, AlertEvent.Type.READ, actor=actor, at=at, delivery=delivery,
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
