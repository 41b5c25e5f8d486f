"""Inbox use cases: notify (the outbox write), reminders, marking read.

``notify`` is called by other apps' services inside their own transaction; it
records no audit event of its own (the caller's event is the write), and it
only wakes the worker once that transaction commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from vigil.accounts.models import User
from vigil.core import audit, clock, statistics
from vigil.core.audit import Actor
from vigil.inbox.models import (
    InboxAction,
    InboxEntry,
    Kind,
    Notification,
    NotificationTarget,
    Reminder,
)
from vigil.org.models import Agency, Committee


@dataclass(frozen=True)
class AgencyRole:
    """The holders of one role in an agency (e.g. its head)."""

    agency: Agency
    role: str


@dataclass(frozen=True)
class CommitteeRole:
    """The holders of one committee-wide role in a committee (e.g. its standing office)."""

    committee: Committee
    role: str


Recipient = Any  # User | Agency | Committee | AgencyRole | CommitteeRole


def _targets(recipients: Recipient | Iterable[Recipient]) -> list[NotificationTarget]:
    items = (
        [recipients]
        if isinstance(recipients, models.Model | AgencyRole | CommitteeRole)
        else list(recipients)
    )
    targets: list[NotificationTarget] = []
    for item in items:
        if isinstance(item, AgencyRole):
            targets.append(NotificationTarget(agency=item.agency, role=item.role))
        elif isinstance(item, CommitteeRole):
            targets.append(NotificationTarget(committee=item.committee, role=item.role))
        elif isinstance(item, Agency):
            targets.append(NotificationTarget(agency=item))
        elif isinstance(item, Committee):
            targets.append(NotificationTarget(committee=item))
        elif isinstance(item, User):
            targets.append(NotificationTarget(user=item))
        else:
            raise TypeError(f"cannot notify {item!r}")
    return targets


def about_fields(obj: models.Model | None) -> dict[str, Any]:
    if obj is None:
        return {"about_type": None, "about_id": ""}
    return {"about_type": ContentType.objects.get_for_model(obj), "about_id": str(obj.pk)}


def object_url(obj: models.Model | None) -> str:
    get_url = getattr(obj, "get_absolute_url", None)
    return str(get_url()) if callable(get_url) else ""


def notify(
    recipients: Recipient | Iterable[Recipient],
    message: str,
    *,
    about: models.Model | None = None,
    kind: str = Kind.INFO,
    body: str = "",
    url: str | None = None,
    classification: int | None = None,
    committee: Committee | None = None,
) -> Notification:
    """Write a notification in the caller's transaction; the worker delivers it.

    ``recipients``: users, agencies (their members), committees (their leaders
    and standing office), ``AgencyRole`` or ``CommitteeRole``, alone or in a list.
    The classification is the object's (or higher, if given); recipients below
    it get nothing, and e-mail about a classified object carries no content.
    """
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    level = max(int(getattr(about, "classification", 0) or 0), classification or 0)
    with transaction.atomic():
        notification = Notification.objects.create(
            kind=kind,
            subject=message[:300],
            body=body,
            url=url if url is not None else object_url(about),
            classification=level,
            owning_committee=committee or getattr(about, "owning_committee", None),
            created_at=clock.now(),
            **about_fields(about),
        )
        targets = _targets(recipients)
        for target in targets:
            target.notification = notification
        NotificationTarget.objects.bulk_create(targets)
    _wake_worker_on_commit()
    return notification


def _wake_worker_on_commit() -> None:
    """One wake-up per transaction: an alert approved to 500 agencies writes 500
    notifications, and one task row after its commit wakes the worker for all of
    them (500 would be 500 more writes, and 499 more runs of the worker for nothing).

    A wake-up already waiting in this scope or an enclosing one is enough: whatever
    rollback would discard it discards this notification too."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        scope = set(connection.savepoint_ids)
        for sids, func, _robust in connection.run_on_commit:
            if func is _wake_worker and sids <= scope:
                return
    transaction.on_commit(_wake_worker)


def _wake_worker() -> None:
    """Enqueue a task so the worker delivers now rather than at its next sweep."""
    from vigil.inbox.tasks import deliver

    try:
        deliver.enqueue()
    except Exception:  # the sweep delivers anyway; a lost wake-up loses nothing
        import logging

        logging.getLogger("vigil.inbox").warning("could not wake the worker", exc_info=True)


def remind_once(
    obj: models.Model,
    *,
    rule: str,
    threshold: str,
    recipients: Recipient | Iterable[Recipient],
    message: str,
    kind: str = Kind.REMINDER,
    body: str = "",
    now: dt.datetime | None = None,
) -> Notification | None:
    """Send a reminder unless this (object, rule, threshold) was already reminded.

    For sweeps: call it for every object found due; the unique reminder row
    makes a second run (or a second worker) send nothing.
    """
    at = now or clock.now()
    with transaction.atomic():
        reminder, created = Reminder.objects.get_or_create(
            **about_fields(obj), rule=rule, threshold=threshold, defaults={"sent_at": at}
        )
        if not created:
            return None
        notification = notify(recipients, message, about=obj, kind=kind, body=body)
        reminder.notification = notification
        reminder.save(update_fields=["notification"])
    return notification


# --- The reader's side


# The header's badge counts this far and then says "99+".
UNREAD_CAP = 100


def unread_count(user: Any) -> int:
    """Unread entries, counted up to ``UNREAD_CAP``: a walk of at most that many rows of
    ``inbox_unread_idx``, however many have piled up (a whole count grew with them)."""
    unread = InboxEntry.objects.of(user).filter(read_at__isnull=True)
    return unread[:UNREAD_CAP].count()


def refresh_statistics(now: dt.datetime) -> int:
    """The ``inbox.statistics`` sweep. Without statistics SQLite counts the unread
    through ``inbox_entry_user_idx``, every entry the user ever had, not through the
    partial ``inbox_unread_idx`` that holds only the unread."""
    return statistics.analyse(InboxEntry)


def unread_badge(user: Any) -> str:
    """What the header's badge shows: nothing, the count, or "99+" from ``UNREAD_CAP`` on."""
    count = unread_count(user)
    if count >= UNREAD_CAP:
        return f"{UNREAD_CAP - 1}+"
    return str(count) if count else ""


@transaction.atomic
def mark_read(entry: InboxEntry, *, actor: User) -> InboxEntry:
    if entry.user_id != actor.pk:
        raise PermissionDenied(_("This is not your notification."))
    if entry.read_at is None:
        entry.read_at = clock.now()
        entry.save(update_fields=["read_at"])
        audit.record(
            InboxAction.NOTIFICATION_READ,
            actor=actor,
            obj=entry,
            classification=entry.notification.classification,
            committee_id=entry.notification.owning_committee_id,
        )
    return entry


@transaction.atomic
def mark_all_read(*, actor: Actor) -> int:
    count = InboxEntry.objects.of(actor).filter(read_at__isnull=True).update(read_at=clock.now())
    if count:
        audit.record(
            InboxAction.NOTIFICATIONS_ALL_READ,
            actor=actor,
            object_type="inbox.inboxentry",
            after={"count": count},
        )
    return count
