"""Draft, approve (the fan-out), acknowledge in Vigil and by code; the refusals."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.situation.alerts.helpers import agency, committee, fields, issued, user
from vigil.inbox.models import Kind
from vigil.situation.alerts import services
from vigil.situation.alerts.models import AckMethod, AlertEvent, AlertState

pytestmark = pytest.mark.django_db


def test_approval_writes_one_delivery_per_recipient_and_one_notification() -> None:
    alert = issued(
        addressed_committees=[committee("Ban Chỉ đạo Phòng, chống khủng bố đặc khu Vân Đồn")]
    )
    assert alert.state == AlertState.ISSUED and alert.sent_at is not None
    assert alert.ack_due_at is not None
    assert (alert.ack_due_at - alert.sent_at).total_seconds() == 15 * 60
    deliveries = list(alert.deliveries.all())
    assert len(deliveries) == 3
    assert {d.agency_id for d in deliveries if d.agency_id} == {agency("SCT").pk, agency("BĐBP").pk}
    codes = [d.ack_code for d in deliveries]
    assert len(set(codes)) == 3 and all(len(c) == 6 and c.isdigit() for c in codes)
    (n,) = {d.notification for d in deliveries}
    assert n is not None and n.kind == Kind.ALERT
    assert n.targets.count() == 3
    assert not any(code in n.body for code in codes)  # each recipient's own: in its e-mail
    assert alert.approved_by == user("lanhdao")
    assert list(alert.events.values_list("type", flat=True)) == ["drafted", "approved"]


def test_the_drafter_may_not_approve() -> None:
    alert = services.draft_alert(committee(), actor=user("lanhdao"), **fields())
    with pytest.raises(PermissionDenied, match=r"soạn|drafted"):
        services.approve(alert, actor=user("lanhdao"))
    alert.refresh_from_db()
    assert alert.state == AlertState.DRAFT and not alert.deliveries.exists()


def test_acknowledge_in_vigil_then_twice_is_refused() -> None:
    alert = issued()
    delivery = alert.deliveries.get(agency=agency("SCT"))
    services.acknowledge(delivery, actor=user("congthuong"), note="Đã nhận, đã triển khai")
    delivery.refresh_from_db()
    assert delivery.acknowledged_by == user("congthuong")
    assert delivery.ack_method == AckMethod.BUTTON
    with pytest.raises(ValidationError):
        services.acknowledge(delivery, actor=user("congthuong"))
    assert AlertEvent.objects.filter(delivery=delivery, type="acknowledged").count() == 1


def test_acknowledge_by_code() -> None:
    alert = issued()
    delivery = alert.deliveries.get(agency=agency("BĐBP"))
    got = services.acknowledge_by_code(alert, f" {delivery.ack_code[:3]} {delivery.ack_code[3:]}",
                                       actor=user("thuongtruc"))  # fmt: skip
    assert got.pk == delivery.pk and got.ack_method == AckMethod.CODE
    assert got.recorded_by == user("thuongtruc")
    with pytest.raises(ValidationError):
        services.acknowledge_by_code(alert, delivery.ack_code, actor=user("thuongtruc"))


def test_who_may_draft_and_whom_it_may_belong_to() -> None:
    from vigil.org.models import Agency

    with pytest.raises(PermissionDenied):
        services.draft_alert(committee(), actor=user("congthuong"), **fields())
    with pytest.raises(PermissionDenied):
        services.draft_alert(committee(), actor=user("xa_b"), **fields())
    stranger = Agency.objects.get(name="Công an phường Móng Cái 1")  # commune B's, not P's
    with pytest.raises(ValidationError):
        services.draft_alert(committee(), actor=user("thuongtruc"), agency=stranger, **fields())


def test_withdraw_and_mark_read() -> None:
    alert = services.draft_alert(committee(), actor=user("thuongtruc"), **fields())
    services.withdraw_draft(alert, actor=user("thuongtruc"))
    alert.refresh_from_db()
    assert alert.state == AlertState.WITHDRAWN
    with pytest.raises(ValidationError):
        services.approve(alert, actor=user("lanhdao"))
    live = issued()
    delivery = live.deliveries.get(agency=agency("SCT"))
    services.mark_read(delivery, actor=user("congthuong"))
    first = delivery.first_read_at
    services.mark_read(delivery, actor=user("congthuong"))
    delivery.refresh_from_db()
    assert first is not None and delivery.first_read_at == first
    assert live.events.filter(type="read").count() == 1
    # Someone of another agency reading it is not the recipient reading it.
    other = live.deliveries.get(agency=agency("BĐBP"))
    services.mark_read(other, actor=user("thuongtruc"))
    other.refresh_from_db()
    assert other.first_read_at is None
