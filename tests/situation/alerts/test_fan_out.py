"""The fan-out: one delivery per recipient and one notification to them all written with
the approval, delivered once per user by the worker even if it dies half-way, the duty
officer mailed first, each member mailed their own agency's code; exercise alerts
marked, classified alerts kept classified."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from tests.inbox.helpers import START, SYSTEM, make_unit
from tests.situation.alerts.helpers import agency, draft, issued, user
from vigil.inbox import delivery as worker
from vigil.inbox.delivery import (
    LEASE,
    claim_notifications,
    deliver_pending,
    deliver_to,
    recipients_of,
)
from vigil.inbox.models import InboxEntry, Notification
from vigil.inbox.services import about_fields
from vigil.org import services as org
from vigil.situation.alerts import services
from vigil.situation.alerts.models import AlertDelivery, AlertState

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)
RECIPIENTS = ("SCT", "BĐBP", "BCHQS", "SYT")


def _four() -> dict[str, Any]:
    return {"addressed_agencies": [agency(s) for s in RECIPIENTS]}


def _about(alert: Any) -> Any:
    return Notification.objects.filter(**about_fields(alert))


def _notification(alert: Any) -> Notification:
    (notification,) = Notification.objects.filter(pk__in=alert.deliveries.values("notification"))
    return notification


def test_fan_out_creates_exactly_one_delivery_per_agency_and_one_notification() -> None:
    alert = draft(**_four())
    # The same agency named twice is one recipient.
    services.change_draft(alert, actor=user("thuongtruc"),
                          addressed_agencies=[*[agency(s) for s in RECIPIENTS], agency("SCT")])  # fmt: skip
    services.approve(alert, actor=user("lanhdao"))
    assert alert.deliveries.count() == 4
    assert sorted(alert.deliveries.values_list("agency__short_name", flat=True)) == sorted(
        RECIPIENTS
    )
    # One fan-out for the worker: one notification addressed to the four agencies.
    notification = _notification(alert)
    assert sorted(notification.targets.values_list("agency__short_name", flat=True)) == sorted(
        RECIPIENTS
    )
    assert _about(alert).count() == 1
    # Each agency's own code, none of them in the text every recipient shares.
    codes = list(alert.deliveries.values_list("ack_code", flat=True))
    assert len(set(codes)) == 4
    assert not any(code in notification.body for code in codes)


def test_a_crash_inside_the_approval_leaves_nothing_and_a_retry_sends_each_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alert = draft(**_four())
    real_bulk_create = AlertDelivery.objects.bulk_create

    def dying_bulk_create(rows: Any, *args: Any, **kwargs: Any) -> Any:
        real_bulk_create(list(rows)[:2], *args, **kwargs)  # k = 2 of n = 4 written...
        raise RuntimeError("killed")  # ...and the process dies

    monkeypatch.setattr(AlertDelivery.objects, "bulk_create", dying_bulk_create)
    with pytest.raises(RuntimeError):
        services.approve(alert, actor=user("lanhdao"))
    alert.refresh_from_db()
    assert alert.state == AlertState.DRAFT
    assert not AlertDelivery.objects.filter(alert=alert).exists()
    assert not _about(alert).exists()
    monkeypatch.undo()
    services.approve(alert, actor=user("lanhdao"))
    assert alert.deliveries.count() == 4
    assert _about(alert).count() == 1


def test_a_worker_killed_after_k_of_n_chunks_leaves_exactly_one_entry_per_user(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    units = [make_unit(f"k{i}", officers=3) for i in range(4)]  # 4 members each
    alert = issued(addressed_agencies=[u.agency for u in units])
    notification = _notification(alert)
    expected = set(recipients_of(notification, T0.date()))
    assert len(expected) >= 16
    # Worker 1 writes its entries in chunks of 3 and dies in the middle of the third.
    monkeypatch.setattr(worker, "CHUNK", 3)
    calls = {"n": 0}

    def dying_deliver_to(n: Notification, user_ids: Any, now: dt.datetime) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            deliver_to(n, list(user_ids)[:1], now)
            raise RuntimeError("killed")
        return deliver_to(n, user_ids, now)

    monkeypatch.setattr(worker, "deliver_to", dying_deliver_to)
    (claimed,) = [c for c in claim_notifications(T0, limit=1000) if c.pk == notification.pk]
    with pytest.raises(RuntimeError):
        worker.deliver_notification(claimed, T0)
    assert InboxEntry.objects.filter(notification=notification).count() == 7
    monkeypatch.undo()
    # Inside the lease of the (living) first worker nothing is taken over...
    deliver_pending(T0 + dt.timedelta(seconds=1), mail=False)
    notification.refresh_from_db()
    assert notification.delivered_at is None
    # ...after it, a restarted worker finishes the fan-out: each user once, none twice.
    deliver_pending(T0 + LEASE + dt.timedelta(seconds=1), mail=False)
    notification.refresh_from_db()
    entries = list(
        InboxEntry.objects.filter(notification=notification).values_list("user_id", flat=True)
    )
    assert notification.delivered_at is not None and notification.attempts == 2
    assert sorted(entries) == sorted(expected)
    assert notification.recipient_count == len(expected)


def test_the_duty_officer_is_mailed_first() -> None:
    unit = make_unit("duty", officers=4)
    duty = unit.officers[3]  # the highest id: first only because on duty
    org.add_duty_shift(unit.agency, officer=duty, phone="0900 000 111",
                       starts_at=T0 - dt.timedelta(hours=1), ends_at=T0 + dt.timedelta(hours=8),
                       actor=SYSTEM)  # fmt: skip
    other = make_unit("later", officers=1)
    alert = issued(addressed_agencies=[other.agency, unit.agency])
    mail.outbox.clear()
    deliver_pending(T0)
    n = _notification(alert)
    first = InboxEntry.objects.filter(notification=n).order_by("pk").first()
    assert first is not None and first.user_id == duty.pk
    ours = [m for m in mail.outbox if m.to[0].startswith("duty_")]
    assert ours[0].to == [duty.email] and len(ours) == 5
    code = alert.deliveries.get(agency=unit.agency).ack_code
    assert code in ours[0].body


def test_each_member_is_mailed_their_own_agencys_code_and_no_other() -> None:
    a, b = make_unit("codea", officers=2), make_unit("codeb", officers=2)
    both = a.officers[0]  # also a member of B: reads both codes, each named
    org.grant_membership(both, agency=b.agency, role="officer", valid_from=START, actor=SYSTEM)
    alert = issued(addressed_agencies=[a.agency, b.agency])
    code_a = alert.deliveries.get(agency=a.agency).ack_code
    code_b = alert.deliveries.get(agency=b.agency).ack_code
    mail.outbox.clear()
    deliver_pending(T0)
    to = {m.to[0]: m.body for m in mail.outbox}
    assert alert.headline in to[a.officers[1].email]
    assert code_a in to[a.officers[1].email] and code_b not in to[a.officers[1].email]
    assert code_b in to[b.officers[1].email] and code_a not in to[b.officers[1].email]
    assert code_a in to[both.email] and code_b in to[both.email]
    assert str(a.agency) in to[both.email] and str(b.agency) in to[both.email]
    # Nobody outside the two agencies got either code (the drafter, the leader...).
    members = {u.email for u in [*a.officers, *b.officers]} | {a.head.email, b.head.email}  # type: ignore[union-attr]
    outsiders = [body for email, body in to.items() if email not in members]
    assert not any(code_a in body or code_b in body for body in outsiders)
    # The inbox shares one text: no code in it.
    assert not InboxEntry.objects.filter(notification__body__contains=code_a).exists()


def test_an_exercise_is_marked_everywhere() -> None:
    alert = issued(cap_status="Exercise")
    assert alert.is_exercise
    for d in alert.deliveries.all():
        n = d.notification
        assert n is not None
        assert n.subject.startswith("[DIỄN TẬP]") and n.body.startswith("DIỄN TẬP")
    assert not issued().is_exercise


def test_a_classified_alert_stays_classified_in_the_inbox_and_email() -> None:
    alert = issued(classification=1, addressed_agencies=[agency("BĐBP"), agency("SCT")])
    mail.outbox.clear()
    deliver_pending(T0)
    n = _notification(alert)
    assert n.classification == 1
    assert InboxEntry.objects.filter(notification=n, user=user("bienphong")).exists()
    # congthuong (Thường) gets nothing of a Mật alert, and mail carries no content,
    # not even the codes (those go only to cleared duty officers, by SMS).
    assert not InboxEntry.objects.filter(notification=n, user=user("congthuong")).exists()
    codes = list(alert.deliveries.values_list("ack_code", flat=True))
    assert mail.outbox
    assert all(
        alert.headline not in m.body
        and alert.headline not in m.subject
        and not any(code in m.body for code in codes)
        for m in mail.outbox
    )


def test_a_rule_alert_is_approved_by_vigil_under_that_rule() -> None:
    from tests.situation.alerts.helpers import committee, fields
    from vigil.core.audit import SystemActor

    rule = SystemActor("controlled.stock_count")
    alert = services.draft_alert(committee(), actor=rule, raised_by_rule="controlled.stock_count",
                                 **fields())  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.approve(alert, actor=SystemActor("other_rule"))
    services.approve(alert, actor=rule)
    alert.refresh_from_db()
    assert alert.state == AlertState.ISSUED and alert.approved_by is None
    assert "controlled.stock_count" in alert.approved_by_label
    # Vigil itself does not approve what a person drafted (the two-person rule).
    with pytest.raises(PermissionDenied):
        services.approve(draft(), actor=SystemActor("seed"))
    # A person may not raise an alert under a rule.
    with pytest.raises(PermissionDenied):
        services.draft_alert(committee(), actor=user("thuongtruc"), raised_by_rule="x", **fields())
