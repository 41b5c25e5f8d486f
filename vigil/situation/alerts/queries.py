"""Reads of alerts: the list a user may see (with its filters), the board of an
alert's recipients and its timeline.

The board and the timeline read a fixed number of queries whatever the number of
recipients (a board of 500 agencies is one page that polls every five seconds):
the deliveries with their recipient and notification in one query, and the
escalation events of every delivery in one more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.core import clock
from vigil.inbox.models import EscalationEvent
from vigil.org.scope import COMMITTEE_WIDE_ROLES, Role, Viewer, committees_with_role, scope_for
from vigil.situation.alerts.models import Alert, AlertDelivery, AlertEvent, AlertState, MsgType

# The list's filters: what each value keeps.
STATUS_ACTIVE, STATUS_EXPIRED, STATUS_CANCELLED = "active", "expired", "cancelled"
STATUS_CHOICES = [
    (STATUS_ACTIVE, _("Active")),
    (STATUS_EXPIRED, _("Expired")),
    (STATUS_CANCELLED, _("Cancelled")),
]
KIND_REAL, KIND_EXERCISE = "real", "exercise"
KIND_CHOICES = [(KIND_REAL, _("Real")), (KIND_EXERCISE, _("Exercise"))]
AWAITING_ACK, AWAITING_APPROVAL = "ack", "approval"
AWAITING_CHOICES = [
    (AWAITING_ACK, _("My acknowledgement")),
    (AWAITING_APPROVAL, _("My approval")),
]

# A recipient's state on the board, worst first; the colour class is "ack-<state>".
SENDING, DELIVERED, READ, ESCALATED, ACKNOWLEDGED = (
    "sending", "delivered", "read", "escalated", "acknowledged",
)  # fmt: skip
STATE_LABELS = {
    SENDING: _("Being sent"),
    DELIVERED: _("Delivered"),
    READ: _("Read"),
    ESCALATED: _("Escalated"),
    ACKNOWLEDGED: _("Acknowledged"),
}
BOARD_ORDER = (ESCALATED, SENDING, DELIVERED, READ, ACKNOWLEDGED)


@dataclass(frozen=True)
class AlertFilters:
    state: str = ""  # an AlertState value
    status: str = ""  # active, expired, cancelled
    kind: str = ""  # real, exercise
    q: str = ""
    awaiting: str = ""  # ack (my acknowledgement), approval (my approval)


def unread_for_member(user: Viewer, alert: Alert) -> QuerySet[AlertDelivery]:
    """The deliveries of ``alert`` to the user's own agencies (or committees, for a holder
    of a committee-wide role) nobody there has read yet. Membership only: an auditor or
    an administrator who sees everything reads no delivery for the agency."""
    scope = scope_for(user)
    committees = {c for role, _a, c, _p in scope.roles if role in COMMITTEE_WIDE_ROLES and c}
    mine = Q(agency_id__in=scope.agency_ids) | Q(committee_id__in=committees)
    return alert.deliveries.filter(mine, first_read_at__isnull=True)


def cancelled_q() -> Q:
    """An alert an issued Cancel refers to."""
    cancels = Alert.objects.filter(
        references=OuterRef("pk"), msg_type=MsgType.CANCEL, state=AlertState.ISSUED
    )
    return Q(Exists(cancels))


def active_q(now: dt.datetime) -> Q:
    """Issued, not a Cancel itself, not cancelled, not expired."""
    return (
        Q(state=AlertState.ISSUED)
        & ~Q(msg_type=MsgType.CANCEL)
        & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        & ~cancelled_q()
    )


def alerts_for(user: Viewer, filters: AlertFilters | None = None) -> QuerySet[Alert]:
    """The alerts ``user`` may see, filtered, newest first, each with its recipients
    counted (``recipients``, ``acknowledged``)."""
    filters = filters or AlertFilters()
    now = clock.now()
    alerts: QuerySet[Alert] = Alert.objects.visible_to(user)
    if filters.state:
        alerts = alerts.filter(state=filters.state)
    if filters.status == STATUS_ACTIVE:
        alerts = alerts.filter(active_q(now))
    elif filters.status == STATUS_EXPIRED:
        alerts = alerts.filter(state=AlertState.ISSUED, expires_at__lte=now)
    elif filters.status == STATUS_CANCELLED:
        alerts = alerts.filter(cancelled_q())
    if filters.kind == KIND_REAL:
        alerts = alerts.filter(is_exercise=False)
    elif filters.kind == KIND_EXERCISE:
        alerts = alerts.filter(is_exercise=True)
    if filters.q:
        alerts = alerts.filter(Q(headline__icontains=filters.q) | Q(identifier=filters.q))
    if filters.awaiting == AWAITING_ACK:
        alerts = awaiting_acknowledgement(user, alerts)
    elif filters.awaiting == AWAITING_APPROVAL:
        alerts = awaiting_approval(user, alerts)
    return with_progress(alerts).order_by("-drafted_at", "-pk")


def awaiting_acknowledgement(user: Viewer, alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """Issued, not cancelled, with a recipient the user answers for that has not
    acknowledged: one of their agencies, or a committee in which they hold a
    committee-wide role (``services.may_acknowledge``)."""
    scope = scope_for(user)
    mine = Q(agency_id__in=scope.agency_ids) | Q(committee_id__in=scope.committee_ids)
    pending = AlertDelivery.objects.filter(mine, alert=OuterRef("pk"), acknowledged_at__isnull=True)
    return alerts.filter(Exists(pending), state=AlertState.ISSUED).exclude(cancelled_q())


def awaiting_approval(user: Viewer, alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """Drafts a leader of their committee (or one above it) may approve: not their own
    (``services.may_approve``)."""
    leads = committees_with_role(user, Role.COMMITTEE_LEADER)
    drafts = alerts.filter(state=AlertState.DRAFT, owning_committee_id__in=leads)
    return drafts.exclude(drafted_by_id=getattr(user, "pk", None))


def with_progress(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """Each alert with its recipients and acknowledgements counted (one query)."""
    return alerts.select_related("owning_committee").annotate(
        recipients=Count("deliveries", distinct=True),
        acknowledged=Count(
            "deliveries", filter=Q(deliveries__acknowledged_at__isnull=False), distinct=True
        ),
    )


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


# --- the board


@dataclass
class BoardRow:
    delivery: AlertDelivery
    state: str
    recipient: str
    time_taken: dt.timedelta | None = None
    overdue: bool = False

    @property
    def state_label(self) -> Any:
        return STATE_LABELS[self.state]

    @property
    def taken_label(self) -> str:
        return duration_label(self.time_taken)

    # The times as the board prints them (dd/mm hh:mm, Vietnam time), formatted here
    # once: the template's date filter costs a third of a 500-row board.
    @property
    def sent(self) -> str:
        return short_time(self.delivery.created_at)

    @property
    def read(self) -> str:
        return short_time(self.delivery.first_read_at)

    @property
    def acknowledged(self) -> str:
        return short_time(self.delivery.acknowledged_at)

    @property
    def escalated(self) -> str:
        return short_time(self.delivery.escalated_at)


def short_time(at: dt.datetime | None) -> str:
    return timezone.localtime(at).strftime("%d/%m %H:%M") if at is not None else ""


def duration_label(delta: dt.timedelta | None) -> str:
    """ "12 min", "1 h 05 min", "2 d 3 h": how long a recipient took."""
    if delta is None:
        return ""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return str(_("%(d)d d %(h)d h") % {"d": days, "h": hours})
    if hours:
        return str(_("%(h)d h %(m)02d min") % {"h": hours, "m": minutes})
    return str(_("%(m)d min") % {"m": minutes})


@dataclass
class Board:
    rows: list[BoardRow]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def acknowledged(self) -> int:
        return self.counts.get(ACKNOWLEDGED, 0)

    @property
    def percent(self) -> int:
        return percent(self.acknowledged, self.total)

    @property
    def legend(self) -> list[tuple[str, Any, int]]:
        return [(state, STATE_LABELS[state], self.counts.get(state, 0)) for state in BOARD_ORDER]


def delivery_state(delivery: AlertDelivery) -> str:
    if delivery.acknowledged_at is not None:
        return ACKNOWLEDGED
    if delivery.escalated_at is not None:
        return ESCALATED
    if delivery.first_read_at is not None:
        return READ
    notification = delivery.notification
    if notification is not None and notification.delivered_at is not None:
        return DELIVERED
    return SENDING


def board_rows(alert: Alert, now: dt.datetime | None = None) -> Board:
    """Each recipient of ``alert``: its state, the times and the time taken to
    acknowledge; the counts for the progress bar. Two queries at most."""
    now = now or clock.now()
    deliveries = (
        AlertDelivery.objects.filter(alert=alert)
        .select_related("agency", "committee", "notification", "acknowledged_by", "recorded_by")
        .order_by("pk")
    )
    rows: list[BoardRow] = []
    counts = dict.fromkeys(BOARD_ORDER, 0)
    for delivery in deliveries:
        state = delivery_state(delivery)
        counts[state] += 1
        taken = (
            delivery.acknowledged_at - delivery.created_at
            if delivery.acknowledged_at is not None
            else None
        )
        overdue = (
            delivery.acknowledged_at is None
            and delivery.ack_due_at is not None
            and delivery.ack_due_at < now
        )
        rows.append(BoardRow(delivery, state, str(delivery), taken, overdue))
    rows.sort(key=lambda row: (BOARD_ORDER.index(row.state), row.recipient))
    return Board(rows, counts)


# --- the timeline


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    label: Any
    who: str = ""
    recipient: str = ""
    note: str = ""
    escalation: bool = False


def timeline(alert: Alert) -> list[TimelineItem]:
    """The alert's events and every recipient's escalation steps, oldest first
    (two queries, whatever the number of recipients)."""
    items = [
        TimelineItem(
            at=event.at,
            label=event.get_type_display(),
            who=event.actor_label or (str(event.actor) if event.actor else ""),
            recipient=str(event.delivery) if event.delivery else "",
            note=event.note,
        )
        for event in AlertEvent.objects.filter(alert=alert).select_related(
            "actor", "delivery__agency", "delivery__committee"
        )
    ]
    # escalation_events_for(delivery), for every delivery at once.
    delivery_type = ContentType.objects.get_for_model(AlertDelivery)
    recipients = {
        str(d.pk): str(d)
        for d in AlertDelivery.objects.filter(alert=alert).select_related("agency", "committee")
    }
    ids = list(recipients)
    if ids:
        for event in (
            EscalationEvent.objects.filter(case__about_type=delivery_type, case__about_id__in=ids)
            .select_related("case")
            .order_by("at", "pk")
        ):
            label = event.get_type_display()
            if event.type == EscalationEvent.Type.STEP:
                label = _("Escalated (step %(step)s) to %(to)s") % {
                    "step": event.step,
                    "to": event.recipient_label or event.get_target_display(),
                }
            items.append(
                TimelineItem(
                    at=event.at,
                    label=label,
                    recipient=recipients.get(event.case.about_id, ""),
                    note=event.note,
                    escalation=True,
                )
            )
    items.sort(key=lambda item: item.at)
    return items
