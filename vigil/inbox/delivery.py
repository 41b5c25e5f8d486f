"""The worker's side of notifications: fan-out to inboxes, then e-mail.

Recipients are expanded to users at delivery time, not when ``notify`` runs:
the caller's transaction then writes one row per *target* (500 agencies: 500
small rows), not one per user (2,000 rows and growing with every role), so a
service that alerts the whole province commits quickly and holds SQLite's
single write lock only briefly. The targets are kept, so the record says "sent
to the Border Guard Command", and membership is read seconds later, when the
worker runs. Each fan-out chunk inserts with the (notification, user)
constraint ignoring conflicts, so a worker that dies half-way and a second one
that takes the lease over leave exactly one entry per user.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.accounts.models import User
from vigil.core import audit, leases
from vigil.core.audit import SystemActor
from vigil.inbox.actions import email_source
from vigil.inbox.models import InboxAction, InboxEntry, Kind, Notification, NotificationTarget
from vigil.org.duty.models import DutyShift
from vigil.org.models import Membership, Period, Role

logger = logging.getLogger("vigil.inbox")

# Seconds, renewed while the work goes on: a worker that dies holds its row back
# this long at most, and not at all from the worker restarted beside it.
LEASE = dt.timedelta(seconds=30)
CHUNK = 500
EMAIL_BATCH = 20
MAX_EMAIL_ATTEMPTS = 8
WORKER = SystemActor("worker")
# Who a committee means when it is named as a recipient without a role.
COMMITTEE_OFFICE_ROLES = (Role.COMMITTEE_LEADER, Role.STANDING_OFFICE)


def _notifications_claimable(now: dt.datetime) -> Q:
    pending = Notification.objects.filter(delivered_at__isnull=True, claimed_until__gte=now)
    return leases.claimable(now, pending.values_list("claimed_by", flat=True).distinct())


def _emails_claimable(now: dt.datetime) -> Q:
    pending = InboxEntry.objects.filter(
        email_state=InboxEntry.EmailState.PENDING, claimed_until__gte=now
    )
    return leases.claimable(now, pending.values_list("claimed_by", flat=True).distinct())


def claim_notifications(
    now: dt.datetime, *, limit: int = 1, lease: leases.Lease | None = None
) -> list[Notification]:
    """Compare-and-swap: the next undelivered notification(s) whose lease is free.

    Only what is delivered next (one by default): a worker that dies holds back
    nothing it had not started on."""
    lease = lease or leases.Lease(now, LEASE)
    free = _notifications_claimable(lease.current())
    candidates = list(
        Notification.objects.filter(free, delivered_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    claimed = []
    for pk in candidates:
        won = Notification.objects.filter(free, pk=pk, delivered_at__isnull=True).update(
            claimed_until=lease.until(), claimed_by=leases.holder(), attempts=F("attempts") + 1
        )
        if won:
            claimed.append(pk)
    # The targets with it: the fan-out reads them twice (recipients, duty officers).
    return list(
        Notification.objects.filter(pk__in=claimed).prefetch_related("targets").order_by("pk")
    )


def renew(notification: Notification, lease: leases.Lease) -> bool:
    """Extend our lease before the next piece of work; False if it is no longer ours."""
    return bool(
        Notification.objects.filter(
            pk=notification.pk, delivered_at__isnull=True, claimed_by=leases.holder()
        ).update(claimed_until=lease.until())
    )


def recipients_of(notification: Notification, day: dt.date) -> list[int]:
    """The users a notification reaches: its targets' members, cleared for its level."""
    user_ids: set[int] = set()
    whole_agencies: set[int] = set()
    members = Q()
    for target in notification.targets.all():
        if target.user_id:
            user_ids.add(target.user_id)
        elif target.agency_id and not target.role:
            whole_agencies.add(target.agency_id)
        elif target.agency_id:
            members |= Q(agency_id=target.agency_id, role=target.role)
        elif target.committee_id:
            roles = [target.role] if target.role else list(COMMITTEE_OFFICE_ROLES)
            members |= Q(committee_id=target.committee_id, role__in=roles)
    if whole_agencies:
        members |= Q(agency_id__in=whole_agencies)
    if members:
        user_ids |= set(
            Membership.objects.filter(members, Period.current_on(day)).values_list(
                "user_id", flat=True
            )
        )
    # Below the object's classification: nothing at all, not even a title.
    return sorted(
        User.objects.filter(
            pk__in=user_ids, is_active=True, clearance__gte=notification.classification
        ).values_list("pk", flat=True)
    )


def duty_officers_first(
    notification: Notification, user_ids: list[int], now: dt.datetime
) -> list[int]:
    """An alert's recipients with the current duty officer of each agency it names
    first: their inbox entries are written first, so their e-mail (claimed in entry
    order) goes out before the other members'."""
    if notification.kind != Kind.ALERT:
        return user_ids
    agencies = [t.agency_id for t in notification.targets.all() if t.agency_id and not t.role]
    if not agencies:
        return user_ids
    on_duty = set(
        DutyShift.objects.filter(
            agency_id__in=agencies, starts_at__lte=now, ends_at__gt=now
        ).values_list("officer_id", flat=True)
    )
    return sorted(user_ids, key=lambda uid: (uid not in on_duty, uid))


def deliver_to(notification: Notification, user_ids: Iterable[int], now: dt.datetime) -> int:
    """One chunk of the fan-out, in one transaction; entries already there are left alone."""
    ids = list(user_ids)
    with_email = set(User.objects.filter(pk__in=ids).exclude(email="").values_list("pk", flat=True))
    pending, none = InboxEntry.EmailState.PENDING, InboxEntry.EmailState.NONE
    rows = [
        InboxEntry(
            notification=notification,
            user_id=uid,
            created_at=now,
            email_state=pending if uid in with_email else none,
        )
        for uid in ids
    ]
    with transaction.atomic():
        InboxEntry.objects.bulk_create(rows, ignore_conflicts=True, batch_size=CHUNK)
    return len(rows)


def finish(notification: Notification, now: dt.datetime, *, actor: SystemActor = WORKER) -> bool:
    """Mark the fan-out done (only if our lease still holds the row) and audit it."""
    count = InboxEntry.objects.filter(notification=notification).count()
    with transaction.atomic():
        done = Notification.objects.filter(pk=notification.pk, delivered_at__isnull=True).update(
            delivered_at=now, claimed_until=None, claimed_by="", recipient_count=count
        )
        if done:
            audit.record(
                InboxAction.NOTIFICATION_DELIVERED,
                actor=actor,
                obj=notification,
                committee_id=notification.owning_committee_id,
                after={"recipients": count},
            )
    return bool(done)


def deliver_notification(
    notification: Notification,
    now: dt.datetime,
    *,
    actor: SystemActor = WORKER,
    lease: leases.Lease | None = None,
) -> int:
    lease = lease or leases.Lease(now, LEASE)
    user_ids = duty_officers_first(
        notification, recipients_of(notification, timezone.localdate(now)), now
    )
    for start in range(0, len(user_ids), CHUNK):
        # A chunk takes well under a third of the lease; renew before the next one.
        if start and lease.due() and not renew(notification, lease):
            return start  # taken over by another worker, which finishes it
        deliver_to(notification, user_ids[start : start + CHUNK], now)
    finish(notification, now, actor=actor)
    return len(user_ids)


def deliver_pending(now: dt.datetime, *, actor: SystemActor = WORKER, mail: bool = True) -> int:
    """The delivery sweep (and the task): fan out what is due, then send e-mail.

    Inboxes come first: between e-mail batches, notifications that arrived
    meanwhile are fanned out before the next batch is mailed. ``actor`` names
    who delivers in the audit: the worker, or the demo seed (which leaves the
    e-mail to the worker: ``mail=False``).
    """
    delivered = 0
    while True:
        fanned = 0
        lease = leases.Lease(now, LEASE)
        while batch := claim_notifications(now, lease=lease):
            for notification in batch:
                delivered += deliver_notification(notification, now, actor=actor, lease=lease)
                fanned += 1
        if not (mail and send_email_batch(now)) and not fanned:
            return delivered


# --- E-mail: at least once, with a stable Message-ID so clients fold repeats


def message_id(entry: InboxEntry) -> str:
    host = urlsplit(settings.VIGIL_BASE_URL).hostname or "vigil.localhost"
    return f"<vigil.inbox.{entry.notification_id}.{entry.pk}@{host}>"


def claim_emails(
    now: dt.datetime, *, limit: int = EMAIL_BATCH, lease: leases.Lease | None = None
) -> list[InboxEntry]:
    lease = lease or leases.Lease(now, LEASE)
    token = secrets.token_hex(16)
    free = _emails_claimable(lease.current())
    candidates = list(
        InboxEntry.objects.filter(free, email_state=InboxEntry.EmailState.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not candidates:
        return []
    InboxEntry.objects.filter(
        free, pk__in=candidates, email_state=InboxEntry.EmailState.PENDING
    ).update(
        claimed_until=lease.until(), claimed_by=leases.holder(), claim_token=token,
        attempts=F("attempts") + 1,
    )  # fmt: skip
    return list(
        InboxEntry.objects.filter(claim_token=token, email_state=InboxEntry.EmailState.PENDING)
        .select_related("notification", "user")
        .order_by("pk")
    )


def targets_reaching(
    notification: Notification, user_ids: Iterable[int], day: dt.date
) -> dict[int, list[NotificationTarget]]:
    """For each of ``user_ids``: the notification's targets that reach them on ``day``
    (as ``recipients_of`` reads them: a user named, a current member of an agency, with
    the role if one is given, a holder of the role in a committee). Two small queries:
    these users' memberships, then only the targets they could match."""
    ids = set(user_ids)
    reached: dict[int, list[NotificationTarget]] = {uid: [] for uid in ids}
    held: dict[int, set[tuple[Any, Any, str]]] = {}
    for user_id, agency_id, committee_id, role in Membership.objects.filter(
        Period.current_on(day), user_id__in=ids
    ).values_list("user_id", "agency_id", "committee_id", "role"):
        held.setdefault(user_id, set()).add((agency_id, committee_id, role))
    agencies = {a for roles in held.values() for a, _c, _r in roles if a}
    committees = {c for roles in held.values() for _a, c, _r in roles if c}
    targets = notification.targets.filter(
        Q(user_id__in=ids) | Q(agency_id__in=agencies) | Q(committee_id__in=committees)
    ).order_by("pk")
    for target in targets:
        if target.user_id:
            if target.user_id in reached:
                reached[target.user_id].append(target)
            continue
        for user_id, roles in held.items():
            if target.agency_id:
                if any(
                    a == target.agency_id and (not target.role or r == target.role)
                    for a, _c, r in roles
                ):
                    reached[user_id].append(target)
            elif target.committee_id:
                wanted = [target.role] if target.role else list(COMMITTEE_OFFICE_ROLES)
                if any(c == target.committee_id and r in wanted for _a, c, r in roles):
                    reached[user_id].append(target)
    return reached


def recipient_lines(batch: list[InboxEntry], day: dt.date) -> dict[int, str]:
    """What the notification's app adds to each entry's e-mail (``vigil.inbox.actions``),
    asked once per notification and language in the batch, in that language."""
    groups: dict[tuple[int, str], list[InboxEntry]] = {}
    for entry in batch:
        language = entry.user.language or settings.LANGUAGE_CODE
        groups.setdefault((entry.notification_id, language), []).append(entry)
    found: dict[int, str] = {}
    for (_notification_id, language), entries in groups.items():
        notification = entries[0].notification
        source = email_source(notification)
        if source is None:
            continue
        reached = targets_reaching(notification, [e.user_id for e in entries], day)
        with translation.override(language):
            lines = source(notification, reached)
        for entry in entries:
            if lines.get(entry.user_id):
                found[entry.pk] = lines[entry.user_id]
    return found


def build_email(entry: InboxEntry, extra: str = "") -> EmailMessage:
    """The e-mail of one inbox entry; ``extra``: the recipient's own lines (from the
    notification's app), after the shared text. A classified notification's e-mail
    carries nothing of it, ``extra`` neither."""
    notification, user = entry.notification, entry.user
    inbox_url = settings.VIGIL_BASE_URL + reverse("inbox:index")
    with translation.override(user.language or settings.LANGUAGE_CODE):
        if notification.classification > 0:
            # Nothing of a classified object leaves Vigil: not its title, not its link.
            subject = _("Vigil: there is something new to read")
            body = _(
                "There is something new for you to read in Vigil.\n\nSign in to read it: %(url)s"
            ) % {"url": inbox_url}
        else:
            subject = notification.subject
            link = settings.VIGIL_BASE_URL + notification.url if notification.url else inbox_url
            parts = [notification.subject, notification.body, extra, link]
            body = "\n\n".join(part for part in parts if part)
    return EmailMessage(
        subject=f"[Vigil] {subject}",
        body=body,
        to=[user.email],
        headers={"Message-ID": message_id(entry)},
    )


def send_email_batch(now: dt.datetime, connection: Any = None) -> int:
    """Claim and send one batch of e-mail; return how many were tried (0: none pending).

    A failed send keeps its lease, so the same sweep does not try it again at once.
    """
    lease = leases.Lease(now, LEASE)
    batch = claim_emails(now, lease=lease)
    if not batch:
        return 0
    connection = connection or get_connection()
    extras = recipient_lines(batch, timezone.localdate(now))
    done: list[int] = []
    for entry in batch:
        if lease.due():  # a slow mail server: keep the rest of the batch ours
            InboxEntry.objects.filter(
                claim_token=batch[0].claim_token, email_state=InboxEntry.EmailState.PENDING
            ).update(claimed_until=lease.until())
        try:
            connection.send_messages([build_email(entry, extras.get(entry.pk, ""))])
        except Exception:  # a failed send is retried after the lease
            logger.warning("e-mail for inbox entry %s failed", entry.pk, exc_info=True)
            if entry.attempts >= MAX_EMAIL_ATTEMPTS:
                InboxEntry.objects.filter(pk=entry.pk).update(
                    email_state=InboxEntry.EmailState.FAILED
                )
            continue
        done.append(entry.pk)
    # Recorded per batch: a crash before this line resends the batch (at least once).
    InboxEntry.objects.filter(pk__in=done).update(
        email_state=InboxEntry.EmailState.SENT,
        email_sent_at=now,
        claimed_until=None,
        claimed_by="",
    )
    return len(batch)


def send_pending_email(now: dt.datetime) -> int:
    connection = get_connection()
    tried = 0
    while count := send_email_batch(now, connection):
        tried += count
    return tried
