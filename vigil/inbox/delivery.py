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
from vigil.core import audit
from vigil.core.audit import SystemActor
from vigil.inbox.models import InboxAction, InboxEntry, Notification
from vigil.org.models import Membership, Period, Role

logger = logging.getLogger("vigil.inbox")

LEASE = dt.timedelta(minutes=5)
CHUNK = 500
MAX_EMAIL_ATTEMPTS = 8
WORKER = SystemActor("worker")
# Who a committee means when it is named as a recipient without a role.
COMMITTEE_OFFICE_ROLES = (Role.COMMITTEE_LEADER, Role.STANDING_OFFICE)


def _claimable(now: dt.datetime) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def claim_notifications(now: dt.datetime, *, limit: int = 50) -> list[Notification]:
    """Compare-and-swap: each undelivered notification whose lease is free, taken with a new lease."""
    candidates = list(
        Notification.objects.filter(_claimable(now), delivered_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    claimed = []
    for pk in candidates:
        won = Notification.objects.filter(_claimable(now), pk=pk, delivered_at__isnull=True).update(
            claimed_until=now + LEASE, attempts=F("attempts") + 1
        )
        if won:
            claimed.append(pk)
    return list(Notification.objects.filter(pk__in=claimed).order_by("pk"))


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
            delivered_at=now, claimed_until=None, recipient_count=count
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
    notification: Notification, now: dt.datetime, *, actor: SystemActor = WORKER
) -> int:
    user_ids = recipients_of(notification, timezone.localdate(now))
    for start in range(0, len(user_ids), CHUNK):
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
        while batch := claim_notifications(now):
            for notification in batch:
                delivered += deliver_notification(notification, now, actor=actor)
                fanned += 1
        if not (mail and send_email_batch(now)) and not fanned:
            return delivered


# --- E-mail: at least once, with a stable Message-ID so clients fold repeats


def message_id(entry: InboxEntry) -> str:
    host = urlsplit(settings.VIGIL_BASE_URL).hostname or "vigil.localhost"
    return f"<vigil.inbox.{entry.notification_id}.{entry.pk}@{host}>"


def claim_emails(now: dt.datetime, *, limit: int = 100) -> list[InboxEntry]:
    token = secrets.token_hex(16)
    candidates = list(
        InboxEntry.objects.filter(_claimable(now), email_state=InboxEntry.EmailState.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not candidates:
        return []
    InboxEntry.objects.filter(
        _claimable(now), pk__in=candidates, email_state=InboxEntry.EmailState.PENDING
    ).update(claimed_until=now + LEASE, claim_token=token, attempts=F("attempts") + 1)
    return list(
        InboxEntry.objects.filter(claim_token=token, email_state=InboxEntry.EmailState.PENDING)
        .select_related("notification", "user")
        .order_by("pk")
    )


def build_email(entry: InboxEntry) -> EmailMessage:
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
            parts = [notification.subject, notification.body, link]
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
    batch = claim_emails(now)
    if not batch:
        return 0
    connection = connection or get_connection()
    done: list[int] = []
    for entry in batch:
        try:
            connection.send_messages([build_email(entry)])
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
        email_state=InboxEntry.EmailState.SENT, email_sent_at=now, claimed_until=None
    )
    return len(batch)


def send_pending_email(now: dt.datetime) -> int:
    connection = get_connection()
    tried = 0
    while count := send_email_batch(now, connection):
        tried += count
    return tried
