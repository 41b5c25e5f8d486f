"""Who may do what with an alert, and the small helpers every alert use case shares
(the pages and the API ask these to show or hide a button; the use cases check them)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from vigil.core import audit, clock
from vigil.core.audit import Actor, SystemActor
from vigil.org.models import Committee, Role
from vigil.org.scope import COMMITTEE_WIDE_ROLES, Viewer, scope_for
from vigil.situation.alerts.models import Alert, AlertDelivery, AlertEvent, AlertState, MsgType
from vigil.situation.services import handles_situation

DEFAULT_ACK_MINUTES = {"Immediate": 15, "Expected": 60, "Future": 240, "Past": 60, "Unknown": 60}


def may_draft(user: Viewer, committee: Committee) -> bool:
    """The standing office or a leader of the committee (or one above it), or an
    officer or the head of its standing-office agency."""
    if handles_situation(user, committee):
        return True
    agency_id = committee.standing_agency_id
    return agency_id is not None and scope_for(user).agency_role_in(
        agency_id, Role.OFFICER, Role.AGENCY_HEAD
    )


def is_drafter(user: Viewer, alert: Alert) -> bool:
    """Who wrote the draft: its drafter, or anyone who changed it since. The two-person
    rule holds for every hand on the text: one writes, another approves."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return False
    return alert.drafted_by_id == pk or _changed_by(alert).filter(actor_id=pk).exists()


def _changed_by(alert: Alert) -> QuerySet[AlertEvent]:
    return AlertEvent.objects.filter(alert=alert, type=AlertEvent.Type.CHANGED, actor__isnull=False)


def may_approve(user: Viewer, alert: Alert) -> bool:
    """A leader of the owning committee who did not draft it. Vigil itself approves
    only what no person drafted: an alert a rule raised (acting under that rule), or
    the demo seed's."""
    return alert.state == AlertState.DRAFT and approves(user, alert)


def approves(user: Viewer, alert: Alert) -> bool:
    if isinstance(user, SystemActor):
        # Vigil approves only what no person wrote: a person's change needs a leader.
        if _changed_by(alert).exists():
            return False
        if alert.raised_by_rule:
            return user.name == alert.raised_by_rule
        return alert.drafted_by_id is None
    if is_drafter(user, alert):
        return False
    return scope_for(user).committee_role_covers(alert.owning_committee.path, Role.COMMITTEE_LEADER)


def may_record_code(user: Viewer, alert: Alert) -> bool:
    """The standing office of the owning committee (or one above it) records a code
    read over the phone on an agency's behalf."""
    return (
        alert.state == AlertState.ISSUED
        and keeps_codes(user, alert)
        and not is_expired(alert)
        and not is_cancelled(alert)
    )


def keeps_codes(user: Viewer, alert: Alert) -> bool:
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


def acknowledgeable_by(user: Viewer) -> Q:
    """``may_acknowledge`` as a filter of deliveries (the lists ask it of every row at once)."""
    scope = scope_for(user)
    if scope.everything:
        return Q()
    committees = {c for role, _a, c, _p in scope.roles if role in COMMITTEE_WIDE_ROLES and c}
    return Q(agency_id__in=scope.agency_ids) | Q(committee_id__in=committees)


def deliveries_to_acknowledge(user: Viewer, alert: Alert) -> list[AlertDelivery]:
    """The deliveries of ``alert`` this user may still acknowledge (for the button)."""
    if alert.state != AlertState.ISSUED or is_expired(alert):
        return []
    pending = alert.deliveries.filter(  # not cancelled: in the same query
        acknowledgeable_alerts(clock.now()), acknowledgeable_by(user), acknowledged_at__isnull=True
    )
    return list(pending.select_related("agency", "committee"))


def is_cancelled(alert: Alert) -> bool:
    """An issued Cancel refers to it."""
    return alert.followups.filter(msg_type=MsgType.CANCEL, state=AlertState.ISSUED).exists()


def is_expired(alert: Alert, now: dt.datetime | None = None) -> bool:
    return alert.expires_at is not None and alert.expires_at <= (now or clock.now())


def require_acknowledgeable(alert: Alert, now: dt.datetime | None = None) -> None:
    """The guard every way of acknowledging shares: the alert was sent, has not
    expired and was not cancelled."""
    if alert.state != AlertState.ISSUED:
        raise ValidationError(_("This alert has not been sent."))
    if is_expired(alert, now):
        raise ValidationError(_("This alert has expired: it can no longer be acknowledged."))
    if is_cancelled(alert):
        raise ValidationError(_("This alert was cancelled: it can no longer be acknowledged."))


def acknowledgeable_alerts(now: dt.datetime) -> Q:
    """``require_acknowledgeable`` as a filter of deliveries (the SMS lookup)."""
    cancelled = Alert.objects.filter(
        references=OuterRef("alert"), msg_type=MsgType.CANCEL, state=AlertState.ISSUED
    )
    return (
        Q(alert__state=AlertState.ISSUED)
        & (Q(alert__expires_at__isnull=True) | Q(alert__expires_at__gt=now))
        & ~Q(Exists(cancelled))
    )


def ack_minutes(urgency: str) -> int:
    table = {**DEFAULT_ACK_MINUTES, **getattr(settings, "VIGIL_ALERT_ACK_MINUTES", {})}
    return int(table.get(urgency, table["Unknown"]))


def alert_url(alert: Alert) -> str:
    """The alert's page, or "" while no page is wired (the API and the tests still work)."""
    try:
        return reverse("situation:alert_detail", kwargs={"pk": alert.pk})
    except NoReverseMatch:
        return ""


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_visible(alert: Alert, actor: Viewer) -> None:
    if not Alert.objects.visible_to(actor).filter(pk=alert.pk).exists():
        raise Http404


def record_event(alert: Alert, type_: str, *, actor: Actor | None, at: dt.datetime,
           delivery: AlertDelivery | None = None, note: str = "") -> AlertEvent:  # fmt: skip
    return AlertEvent.objects.create(
        alert=alert, type=type_, at=at, delivery=delivery,
        actor=audit.acting_user(actor) if actor is not None else None,
        actor_label=audit.actor_label(actor) if actor is not None else "",
        note=note[:500],
    )  # fmt: skip
