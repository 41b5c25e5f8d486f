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
from html import escape
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from vigil.core import clock
from vigil.inbox.models import EscalationEvent
from vigil.org.scope import COMMITTEE_WIDE_ROLES, Role, Viewer, committees_with_role, scope_for
from vigil.situation.alerts.models import (
    AckMethod,
    Alert,
    AlertDelivery,
    AlertEvent,
    AlertState,
    MsgType,
)

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


# One board row, its values already formatted: a board of 500 recipients polls every
# five seconds, and a template that looks up twelve values a row spends most of a
# request on the lookups. The cells are written here, each value escaped (the
# standard library's ``html.escape``, as Django's own ``escape`` does).
ROW = (
    '<tr class="ack-row ack-row-{state}{overdue_class}" data-state="{state}"><td>{recipient}</td>'
    '<td><span class="ack-state ack-{state}">{state_label}</span>{late}{escalated}</td>'
    "<td>{sent}</td><td>{read}</td><td>{acknowledged}{by}</td><td>{taken}</td>"
    "<td>{method}</td><td>{note}</td></tr>"
)
DASH = "—"


@dataclass
class BoardRow:
    delivery_id: int
    state: str
    recipient: str
    time_taken: dt.timedelta | None = None
    overdue: bool = False
    # The times as the board prints them (dd/mm hh:mm, Vietnam time).
    sent: str = ""
    read: str = ""
    acknowledged: str = ""
    escalated: str = ""
    acknowledged_by: str = ""
    method: str = ""
    recorded_by: str = ""
    note: str = ""

    @property
    def state_label(self) -> Any:
        return STATE_LABELS[self.state]

    @property
    def taken_label(self) -> str:
        return duration_label(self.time_taken)

    def html(self, words: dict[str, str]) -> str:
        """The row's ``<tr>``, every value escaped (``words``: the board's translated
        labels, looked up once per board)."""
        hint = '<div class="hint">{}</div>'
        method = DASH
        if self.method:
            method = escape(self.method)
            if self.recorded_by:
                method += hint.format(escape(words["recorded_by"] % {"who": self.recorded_by}))
        return ROW.format(
            state=self.state,
            overdue_class=" overdue" if self.overdue else "",
            recipient=escape(self.recipient),
            state_label=escape(words[self.state]),
            late=f' <span class="ack-late">{escape(words["late"])}</span>' if self.overdue else "",
            escalated=hint.format(escape(f"{words['escalated']} {self.escalated}"))
            if self.escalated
            else "",
            sent=self.sent,
            read=self.read or DASH,
            acknowledged=self.acknowledged or DASH,
            by=hint.format(escape(self.acknowledged_by)) if self.acknowledged_by else "",
            taken=escape(self.taken_label) or DASH,
            method=method,
            note=escape(self.note),
        )


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

    def rows_html(self) -> str:
        """Every row's ``<tr>``, in the current language."""
        words = {state: str(label) for state, label in STATE_LABELS.items()}
        words["late"] = str(_("past the deadline"))
        words["escalated"] = str(_("escalated"))
        words["recorded_by"] = str(_("recorded by %(who)s"))
        return mark_safe("".join(row.html(words) for row in self.rows))  # noqa: S308 (escaped rows)


def delivery_state(delivery: AlertDelivery) -> str:
    notification = delivery.notification
    return _state(
        delivery.acknowledged_at,
        delivery.escalated_at,
        delivery.first_read_at,
        notification.delivered_at if notification is not None else None,
    )


def _state(acknowledged_at: Any, escalated_at: Any, first_read_at: Any, delivered_at: Any) -> str:
    if acknowledged_at is not None:
        return ACKNOWLEDGED
    if escalated_at is not None:
        return ESCALATED
    if first_read_at is not None:
        return READ
    if delivered_at is not None:
        return DELIVERED
    return SENDING


BOARD_FIELDS = (
    "pk", "created_at", "first_read_at", "acknowledged_at", "escalated_at", "ack_due_at",
    "ack_method", "ack_note", "agency__name", "committee__name", "notification__delivered_at",
    "acknowledged_by__full_name", "acknowledged_by__username", "recorded_by__full_name",
    "recorded_by__username",
)  # fmt: skip


def board_rows(alert: Alert, now: dt.datetime | None = None) -> Board:
    """Each recipient of ``alert``: its state, the times and the time taken to
    acknowledge; the counts for the progress bar. One query: the columns the board
    prints, no model built per row."""
    now = now or clock.now()
    methods = dict(AckMethod.choices)
    local = timezone.get_current_timezone()
    rows: list[BoardRow] = []
    counts = dict.fromkeys(BOARD_ORDER, 0)

    def short(at: dt.datetime | None) -> str:
        return at.astimezone(local).strftime("%d/%m %H:%M") if at is not None else ""

    for (
        pk, created_at, first_read_at, acknowledged_at, escalated_at, ack_due_at, ack_method,
        ack_note, agency_name, committee_name, delivered_at, by_name, by_username,
        recorder_name, recorder_username,
    ) in AlertDelivery.objects.filter(alert=alert).values_list(*BOARD_FIELDS):  # fmt: skip
        state = _state(acknowledged_at, escalated_at, first_read_at, delivered_at)
        counts[state] += 1
        rows.append(
            BoardRow(
                delivery_id=pk,
                state=state,
                recipient=agency_name or committee_name or "",
                time_taken=acknowledged_at - created_at if acknowledged_at is not None else None,
                overdue=acknowledged_at is None and ack_due_at is not None and ack_due_at < now,
                sent=short(created_at),
                read=short(first_read_at),
                acknowledged=short(acknowledged_at),
                escalated=short(escalated_at),
                acknowledged_by=by_name or by_username or "",
                method=str(methods[ack_method]) if ack_method in methods else "",
                recorded_by=recorder_name or recorder_username or "",
                note=ack_note,
            )
        )
    rows.sort(key=lambda row: (BOARD_ORDER.index(row.state), row.recipient, row.delivery_id))
    return Board(rows, counts)


def inbox_reads(deliveries: list[AlertDelivery], day: dt.date) -> dict[int, dt.datetime]:
    """Each delivery's first read in the inbox by a member of its recipient (an agency's
    member; a committee's leader or standing office): the alert's one notification is
    every recipient's, so a read counts only for the reader's own agencies. Two queries,
    whatever the number of recipients."""
    from vigil.inbox.delivery import COMMITTEE_OFFICE_ROLES
    from vigil.inbox.models import InboxEntry
    from vigil.org.models import Membership, Period

    notifications = {d.notification_id for d in deliveries if d.notification_id}
    if not notifications:
        return {}
    reads: dict[int, list[tuple[int, dt.datetime]]] = {}  # user → (notification, read at)
    for notification_id, user_id, read_at in InboxEntry.objects.filter(
        notification_id__in=notifications, read_at__isnull=False
    ).values_list("notification_id", "user_id", "read_at"):
        if read_at is not None:
            reads.setdefault(user_id, []).append((notification_id, read_at))
    if not reads:
        return {}
    agencies = {d.agency_id for d in deliveries if d.agency_id}
    committees = {d.committee_id for d in deliveries if d.committee_id}
    members = Membership.objects.filter(
        Q(agency_id__in=agencies) | Q(committee_id__in=committees, role__in=COMMITTEE_OFFICE_ROLES),
        Period.current_on(day),
        user_id__in=list(reads),
    ).values_list("user_id", "agency_id", "committee_id", "role")
    first: dict[tuple[str, int, int], dt.datetime] = {}  # (kind, recipient, notification)
    for user_id, agency_id, committee_id, role in members:
        recipients: list[tuple[str, int]] = []
        if agency_id in agencies:
            recipients.append(("a", agency_id))
        if committee_id in committees and role in COMMITTEE_OFFICE_ROLES:
            recipients.append(("c", committee_id))
        for kind, recipient in recipients:
            for notification_id, read_at in reads[user_id]:
                at = first.get((kind, recipient, notification_id))
                if at is None or read_at < at:
                    first[(kind, recipient, notification_id)] = read_at
    found: dict[int, dt.datetime] = {}
    for d in deliveries:
        key = ("a", d.agency_id or 0) if d.agency_id else ("c", d.committee_id or 0)
        at = first.get((*key, d.notification_id or 0))
        if at is not None:
            found[d.pk] = at
    return found


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
