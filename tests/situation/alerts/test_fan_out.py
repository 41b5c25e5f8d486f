"""The fan-out: one delivery per recipient written with the approval, delivered once per
user by the worker even if it dies half-way, the duty officer mailed first; exercise
alerts marked, classified alerts kept classified."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from tests.inbox.helpers import SYSTEM, make_unit
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
from vigil.org import services as org
from vigil.situation.alerts import services
from vigil.situation.alerts.models import AlertDelivery, AlertState

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)
RECIPIENTS = ("SCT", "BĐBP", "BCHQS", "SYT")


def _four() -> dict[str, Any]:
    return {"addressed_agencies": [agency(s) for s in RECIPIENTS]}


def test_fan_out_creates_exactly_one_delivery_per_agency() -> None:
    alert = draft(**_four())
    # The same agency named twice is one recipient.
    services.change_draft(alert, actor=user("thuongtruc"),
                          addressed_agencies=[*[agency(s) for s in RECIPIENTS], agency("SCT")])  # fmt: skip
    services.approve(alert, actor=user("lanhdao"))
    assert alert.deliveries.count() == 4
    assert sorted(alert.deliveries.values_list("agency__short_name", flat=True)) == sorted(
        RECIPIENTS
    )
    assert Notification.objects.filter(pk__in=alert.deliveries.values("notification")).count() == 4


def test_a_crash_inside_the_approval_leaves_nothing_and_a_retry_sends_each_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alert = draft(**_four())
    calls = {"n": 0}
    real_notify = services.notify  # type: ignore[attr-defined]

    def dying_notify(*args: Any, **kwargs: Any) -> Notification:
        calls["n"] += 1
        if calls["n"] == 3:  # the process dies after k = 2 of n = 4 recipients
            raise RuntimeError("killed")
        return real_notify(*args, **kwargs)

    monkeypatch.setattr(services, "notify", dying_notify)
    with pytest.raises(RuntimeError):
        services.approve(alert, actor=user("lanhdao"))
    alert.refresh_from_db()
    assert alert.state == AlertState.DRAFT
    assert not AlertDelivery.objects.filter(alert=alert).exists()
    monkeypatch.setattr(services, "notify", real_notify)
    services.approve(alert, actor=user("lanhdao"))
    assert alert.deliveries.count() == 4


def test_a_worker_killed_after_k_of_n_deliveries_leaves_exactly_n() -> None:
    alert = issued(**_four())
    notifications = list(
        Notification.objects.filter(pk__in=alert.deliveries.values("notification"))
    )
    assert len(notifications) == 4
    expected = {n.pk: set(recipients_of(n, T0.date())) for n in notifications}
    # Worker 1 fans out k = 2 notifications whole, then half of the third, and dies.
    claimed = [c for c in claim_notifications(T0, limit=1000) if c.pk in expected]
    for n in claimed[:2]:
        worker.deliver_notification(n, T0)
    third = claimed[2]
    users = recipients_of(third, T0.date())
    deliver_to(third, users[: max(1, len(users) // 2)], T0)
    # A restarted worker, once the lease has run out, finishes the work.
    deliver_pending(T0 + LEASE + dt.timedelta(seconds=1), mail=False)
    deliver_pending(T0 + 2 * LEASE + dt.timedelta(seconds=2), mail=False)
    for n in notifications:
        n.refresh_from_db()
        entries = list(InboxEntry.objects.filter(notification=n).values_list("user_id", flat=True))
        assert n.delivered_at is not None
        assert sorted(entries) == sorted(expected[n.pk])  # each user once, none twice
    assert Notification.objects.filter(pk__in=alert.deliveries.values("notification")).count() == 4


def test_the_duty_officer_is_mailed_first() -> None:
    unit = make_unit("duty", officers=4)
    duty = unit.officers[3]  # the highest id: first only because on duty
    org.add_duty_shift(unit.agency, officer=duty, phone="0900 000 111",
                       starts_at=T0 - dt.timedelta(hours=1), ends_at=T0 + dt.timedelta(hours=8),
                       actor=SYSTEM)  # fmt: skip
    alert = issued(addressed_agencies=[unit.agency])
    mail.outbox.clear()
    deliver_pending(T0)
    n = alert.deliveries.get().notification
    first = InboxEntry.objects.filter(notification=n).order_by("pk").first()
    assert first is not None and first.user_id == duty.pk
    ours = [m for m in mail.outbox if m.to[0].startswith("duty_")]
    assert ours[0].to == [duty.email] and len(ours) == 5
    code = alert.deliveries.get().ack_code
    assert code in ours[0].body


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
    border = alert.deliveries.get(agency=agency("BĐBP")).notification
    assert border is not None and border.classification == 1
    assert InboxEntry.objects.filter(notification=border, user=user("bienphong")).exists()
    # congthuong (Thường) gets nothing of a Mật alert, and mail carries no content.
    dit = alert.deliveries.get(agency=agency("SCT")).notification
    assert not InboxEntry.objects.filter(notification=dit, user=user("congthuong")).exists()
    assert all(
        alert.headline not in m.body and alert.headline not in m.subject for m in mail.outbox
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
