"""Notifications: written in the caller's transaction, delivered once to each inbox,
mailed at least once, and never to anyone below the object's classification."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction

from tests.inbox.helpers import contact_of, make_unit
from vigil.core.classification import Classification
from vigil.inbox import delivery
from vigil.inbox.delivery import (
    LEASE,
    claim_emails,
    claim_notifications,
    deliver_pending,
    deliver_to,
    recipients_of,
)
from vigil.inbox.models import InboxEntry, Kind, Notification, NotificationTarget
from vigil.inbox.services import AgencyRole, notify
from vigil.org.models import Role

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)


def test_notify_writes_targets_not_users_and_leaves_delivery_to_the_worker() -> None:
    unit = make_unit("nt", officers=4)
    with transaction.atomic():
        n = notify(unit.agency, "Họp giao ban", kind=Kind.INFO)
        assert NotificationTarget.objects.filter(notification=n).count() == 1
    assert not InboxEntry.objects.filter(notification=n).exists()
    assert deliver_pending(T0) >= 5
    got = set(InboxEntry.objects.filter(notification=n).values_list("user_id", flat=True))
    assert got == {u.pk for u in [*unit.officers, unit.head] if u is not None}


def test_a_worker_killed_after_k_of_n_deliveries_leaves_exactly_n_entries() -> None:
    unit = make_unit("kill", officers=6)  # n = 7 with the head
    n = notify(unit.agency, "Triển khai phương án bảo vệ", kind=Kind.TASK)
    n_users = 7

    # Worker 1 claims the notification, delivers to k = 3 users, and dies.
    (claimed,) = [c for c in claim_notifications(T0, limit=1000) if c.pk == n.pk]
    users = recipients_of(claimed, T0.date())
    assert len(users) == n_users
    deliver_to(claimed, users[:3], T0)
    assert InboxEntry.objects.filter(notification=n).count() == 3

    # While the lease holds, nobody else touches it.
    deliver_pending(T0 + LEASE - dt.timedelta(seconds=1))
    assert InboxEntry.objects.filter(notification=n).count() == 3
    n.refresh_from_db()
    assert n.delivered_at is None

    # After the lease, a restarted worker finishes it: n entries, none twice.
    deliver_pending(T0 + LEASE + dt.timedelta(seconds=1))
    entries = InboxEntry.objects.filter(notification=n)
    assert entries.count() == n_users
    assert set(entries.values_list("user_id", flat=True)) == set(users)
    n.refresh_from_db()
    assert n.delivered_at is not None
    assert (n.attempts, n.recipient_count) == (2, n_users)

    # And a sweep run again changes nothing.
    deliver_pending(T0 + 2 * LEASE)
    assert InboxEntry.objects.filter(notification=n).count() == n_users


def test_email_is_sent_at_least_once_with_a_stable_message_id() -> None:
    unit = make_unit("mail", officers=2)
    n = notify(unit.officers[0], "Lịch trực tuần tới", kind=Kind.INFO)
    claimed = [c for c in claim_notifications(T0, limit=1000) if c.pk == n.pk]
    delivery.deliver_notification(claimed[0], T0)
    mail.outbox.clear()
    # A worker claims the e-mail, sends it, and dies before recording the send.
    (entry,) = [e for e in claim_emails(T0, limit=100_000) if e.notification_id == n.pk]
    mail.get_connection().send_messages([delivery.build_email(entry)])
    # Another worker, after the lease, sends it again: the same Message-ID folds the two.
    delivery.send_pending_email(T0 + LEASE + dt.timedelta(seconds=1))
    mine = [m for m in mail.outbox if m.to == [unit.officers[0].email]]
    assert len(mine) == 2
    assert mine[0].extra_headers["Message-ID"] == mine[1].extra_headers["Message-ID"]
    assert mine[0].message()["Message-ID"] == delivery.message_id(entry)
    entry.refresh_from_db()
    assert entry.email_state == InboxEntry.EmailState.SENT
    delivery.send_pending_email(T0 + 3 * LEASE)
    assert len([m for m in mail.outbox if m.to == [unit.officers[0].email]]) == 2


def test_the_seed_fills_inboxes_and_leaves_the_email_to_the_worker() -> None:
    unit = make_unit("seedmail", officers=1)
    n = notify(unit.officers[0], "Chào mừng", kind=Kind.INFO)
    mail.outbox.clear()
    delivery.deliver_pending(T0, mail=False)
    entry = InboxEntry.objects.get(notification=n)
    assert entry.email_state == InboxEntry.EmailState.PENDING and mail.outbox == []
    delivery.deliver_pending(T0)
    entry.refresh_from_db()
    assert entry.email_state == InboxEntry.EmailState.SENT
    assert len([m for m in mail.outbox if m.to == [unit.officers[0].email]]) == 1


def test_an_unclassified_email_carries_the_message_and_a_link() -> None:
    unit = make_unit("plain", officers=1)
    notify(unit.officers[0], "Đề nghị cập nhật số điện thoại trực ban", url="/agencies/1/")
    mail.outbox.clear()
    deliver_pending(T0)
    (message,) = [m for m in mail.outbox if m.to == [unit.officers[0].email]]
    assert "Đề nghị cập nhật số điện thoại trực ban" in message.subject
    assert "http://127.0.0.1:8000/agencies/1/" in message.body


def test_a_recipient_below_clearance_gets_nothing_and_classified_email_has_no_content() -> None:
    low = make_unit("low", officers=2, clearance=Classification.UNCLASSIFIED)
    high = make_unit("high", officers=1, clearance=Classification.CONFIDENTIAL)
    secret = contact_of(high, classification=Classification.CONFIDENTIAL)
    subject = "Điều chỉnh phương án bảo vệ mục tiêu trọng điểm X-17"
    n = notify([low.agency, high.agency], subject, about=secret, body="Chi tiết: cổng số 3")
    assert n.classification == Classification.CONFIDENTIAL
    mail.outbox.clear()
    deliver_pending(T0)

    reached = set(InboxEntry.objects.filter(notification=n).values_list("user_id", flat=True))
    assert reached == {u.pk for u in [*high.officers, high.head] if u is not None}
    low_emails = {u.email for u in [*low.officers, low.head] if u is not None}
    assert not [m for m in mail.outbox if set(m.to) & low_emails]

    mine = [m for m in mail.outbox if m.to == [high.officers[0].email]]
    assert len(mine) == 1
    text = str(mine[0].subject) + str(mine[0].body)
    for secret_bit in (subject, "X-17", "cổng số 3", secret.label, f"/contacts/{secret.pk}/"):
        assert secret_bit not in text
    assert "/inbox/" in mine[0].body


def test_roles_and_committees_expand_to_their_holders() -> None:
    unit = make_unit("roles", officers=2)
    n = notify(AgencyRole(unit.agency, Role.AGENCY_HEAD), "Chỉ đạo của Trưởng ban")
    deliver_pending(T0)
    assert list(InboxEntry.objects.filter(notification=n).values_list("user_id", flat=True)) == [
        unit.head.pk  # type: ignore[union-attr]
    ]
    n2 = notify(unit.committee, "Triệu tập họp Ban Chỉ đạo")
    deliver_pending(T0)
    usernames = set(
        InboxEntry.objects.filter(notification=n2).values_list("user__username", flat=True)
    )
    # The province committee means its leaders and standing office, not its auditor.
    assert usernames == {"lanhdao", "thuongtruc"}


def test_a_notification_rolled_back_with_its_caller_leaves_nothing() -> None:
    unit = make_unit("rb", officers=1)
    before = Notification.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(unit.agency, "Sẽ bị hủy")
        raise RuntimeError("the caller's write failed")
    assert Notification.objects.count() == before
