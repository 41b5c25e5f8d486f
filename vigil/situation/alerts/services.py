"""Alert use cases: draft, change, withdraw, approve (the fan-out), update, cancel,
acknowledge (in Vigil, by code, by SMS through ``sms.py``) and mark read.

Every write: permission, validation, one transaction, the side effects as rows
(one ``AlertDelivery`` per recipient and one notification to them all, escalation cases
closed), the audit event last. Approval is one transaction: the deliveries and the
alert's one notification to all its recipients are the outbox, so a crash before
the commit sends nothing and a crash after it loses nothing (the worker fans the
notification out exactly once per user; each recipient's code joins its members'
e-mail when the worker builds it, never the shared text).

Who may is ``rules.py``; acknowledging is ``acknowledgement.py``. Both are
re-exported here, so the pages, the API and the other concepts import every
alert use case from this module.
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
from django.utils import translation
from django.utils.translation import gettext as _

from vigil.core import audit, clock, labels
from vigil.core.audit import Actor, SystemActor
from vigil.core.models import AdminUnit
from vigil.inbox.escalation import close_case
from vigil.inbox.models import CaseKind, Kind
from vigil.inbox.services import notify
from vigil.org.models import Agency, Committee
from vigil.org.scope import check_clearance
from vigil.situation.alerts import sms
from vigil.situation.alerts.acknowledgement import (
    CODE_DIGITS,
    acknowledge,
    acknowledge_by_code,
    acknowledge_by_sms,
    mark_read,
    normalise_code,
    record_acknowledgement,
)
from vigil.situation.alerts.models import (
    Alert,
    AlertDelivery,
    AlertEvent,
    AlertState,
    CapScope,
    CapStatus,
    MsgType,
)
from vigil.situation.alerts.rules import (
    DEFAULT_ACK_MINUTES,
    ack_minutes,
    alert_url,
    approves,
    deliveries_to_acknowledge,
    is_cancelled,
    is_drafter,
    keeps_codes,
    may_acknowledge,
    may_approve,
    may_draft,
    may_record_code,
    record_event,
    require,
    require_visible,
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
    cleaned = _clean_lists(actor, lists)
    # An alert is at least as classified as the key sites and incidents it names.
    linked = [
        *cleaned.get("sites", alert.sites.all() if alert.pk else []),
        *cleaned.get("incidents", alert.incidents.all() if alert.pk else []),
    ]
    alert.classification = max([alert.classification, *(o.classification for o in linked)])
    return cleaned


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
    require(may_draft(actor, committee), _("Only the standing office or a leader of the "
                                            "committee may draft an alert."))  # fmt: skip
    at = now or clock.now()
    owner = agency or committee.standing_agency
    if owner is None:
        raise ValidationError({"agency": _("The committee has no standing agency: name one.")})
    if owner.committee_id != committee.pk and owner.pk != committee.standing_agency_id:
        raise ValidationError({"agency": _("Choose an agency of this committee.")})
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
    record_event(alert, AlertEvent.Type.DRAFTED, actor=actor, at=at)
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
    require_visible(alert, actor)
    alert = _locked(alert)
    require(may_draft(actor, alert.owning_committee),
             _("Only the standing office or a leader of the committee may change this draft."))  # fmt: skip
    _require_draft(alert)
    before = snapshot(alert)
    at = clock.now()
    lists = _apply(alert, actor, fields, at)
    alert.save()
    _set_lists(alert, lists)
    record_event(alert, AlertEvent.Type.CHANGED, actor=actor, at=at)
    audit.record(SituationAction.ALERT_CHANGED, actor=actor, obj=alert, before=before,
                 after=snapshot(alert))  # fmt: skip
    return alert


change_draft = transaction.atomic(durable=True)(change_draft_within)


@transaction.atomic(durable=True)
def withdraw_draft(alert: Alert, *, actor: Actor) -> Alert:
    require_visible(alert, actor)
    alert = _locked(alert)
    require(may_draft(actor, alert.owning_committee),
             _("Only the standing office or a leader of the committee may withdraw this draft."))  # fmt: skip
    _require_draft(alert)
    before = snapshot(alert)
    alert.state = AlertState.WITHDRAWN
    alert.save(update_fields=["state"])
    record_event(alert, AlertEvent.Type.WITHDRAWN, actor=actor, at=clock.now())
    audit.record(SituationAction.ALERT_WITHDRAWN, actor=actor, obj=alert, before=before,
                 after=snapshot(alert))  # fmt: skip
    return alert


# --- update and cancel: new alerts that refer to the original


COPIED = (*TEXT_FIELDS, "urgency", "severity", "certainty", "cap_status", "cap_scope",
          "expires_at", "classification")  # fmt: skip


def _followup(original: Alert, actor: Actor, msg_type: str, fields: dict[str, Any],
              now: dt.datetime | None) -> Alert:  # fmt: skip
    require_visible(original, actor)
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


def _body(alert: Alert) -> str:
    """The text every recipient shares. Each recipient's own acknowledgement code is
    added to its members' e-mail when the worker builds it (``inbox_actions``)."""
    parts = [EXERCISE_MARK] if alert.is_exercise else []
    parts += [alert.headline, alert.description, alert.instruction]
    if alert.ack_due_at is not None:
        parts.append(_("Acknowledge by %(time)s.") % {"time": shown_time(alert.ack_due_at)})
    return "\n\n".join(p for p in parts if p)


def approve_within(alert: Alert, *, actor: Actor, now: dt.datetime | None = None) -> Alert:
    """Issue ``alert``: one delivery per recipient and one notification to them all, in
    this transaction."""
    require_visible(alert, actor)
    alert = _locked(alert)
    at = now or clock.now()
    if is_drafter(actor, alert):
        raise PermissionDenied(
            _("You drafted or changed this alert: another leader of the committee must approve it.")
        )
    require(
        approves(actor, alert),
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
    if original is not None:
        # Two follow-ups of one alert approved at once: the second waits here, then
        # sees the first (a Cancel issued meanwhile refuses it).
        original = Alert.objects.select_for_update().get(pk=original.pk)
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
        if isinstance(actor, SystemActor) and alert.raised_by_rule:
            alert.approved_by_label = (
                _("Vigil, under the rule %(rule)s") % {"rule": alert.raised_by_rule}
            )[:200]
        elif isinstance(actor, SystemActor):
            alert.approved_by_label = labels.actor(actor.label)[:200]
        else:
            alert.approved_by_label = audit.actor_label(actor)
        alert.save()
        deliveries = _fan_out(alert, agencies, committees, at)
        record_event(alert, AlertEvent.Type.APPROVED, actor=actor, at=at,
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
    """One notification to every recipient (one fan-out for the worker) and one delivery
    per recipient, each with its own code, written together."""
    recipients: list[Agency | Committee] = [*agencies, *committees]
    codes = _codes(len(recipients))
    notification = notify(
        recipients, _subject(alert), about=alert, kind=Kind.ALERT, body=_body(alert),
        url=alert_url(alert), classification=alert.classification,
        committee=alert.owning_committee,
    )  # fmt: skip
    return AlertDelivery.objects.bulk_create(
        AlertDelivery(
            alert=alert,
            agency=recipient if isinstance(recipient, Agency) else None,
            committee=recipient if isinstance(recipient, Committee) else None,
            created_at=at,
            ack_code=code,
            ack_due_at=alert.ack_due_at,
            notification=notification,
        )
        for recipient, code in zip(recipients, codes, strict=True)
    )


def _follow_original(original: Alert, followup: Alert, actor: Actor, at: dt.datetime) -> None:
    if followup.msg_type == MsgType.CANCEL:
        note = _("Cancelled by %(identifier)s.") % {"identifier": followup.identifier}
        for delivery in original.deliveries.filter(acknowledged_at__isnull=True):
            close_case(delivery, kind=CaseKind.ALERT, note=_("The alert was cancelled."))
        record_event(original, AlertEvent.Type.CANCELLED, actor=actor, at=at, note=note)
    else:
        note = _("Updated by %(identifier)s.") % {"identifier": followup.identifier}
        record_event(original, AlertEvent.Type.UPDATED, actor=actor, at=at, note=note)


__all__ = [
    "CODE_DIGITS", "DEFAULT_ACK_MINUTES", "ack_minutes", "acknowledge", "acknowledge_by_code",
    "acknowledge_by_sms", "alert_url", "approve", "approve_within", "change_draft",
    "change_draft_within", "deliveries_to_acknowledge", "draft_alert", "draft_alert_within",
    "draft_cancel", "draft_update", "is_cancelled", "keeps_codes", "mark_read",
    "may_acknowledge", "may_approve", "may_draft", "may_record_code", "normalise_code",
    "record_acknowledgement", "snapshot", "withdraw_draft",
]  # fmt: skip
