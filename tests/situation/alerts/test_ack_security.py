"""The acknowledgement's security review: no acknowledgement of an expired or
cancelled alert by any way, a limit on wrong codes (recorded and by SMS), no SMS
to or from a duty officer below a classified alert's clearance, and the first
read audited."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.situation.alerts.helpers import agency, issued, user
from vigil.core.models import AuditEvent
from vigil.situation.alerts import services, sms
from vigil.situation.alerts.models import AckCodeAttempt, AckMethod, Alert, AlertDelivery
from vigil.situation.models import SituationAction

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=VN)
M = dt.timedelta(minutes=1)
BORDER_DUTY = "0203 3 881 069"  # bienphong on duty (Mật)
DIT_DUTY = "0203 3 835 600"  # congthuong on duty (Thường)
EXPIRED = r"hết hạn|expired"
CANCELLED = r"hủy|cancelled"
TOO_MANY = r"quá nhiều|Too many"


class Capture:
    sent: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))


def sent_at(**extra: Any) -> Alert:
    with time_machine.travel(T0, tick=False):
        return issued(now=T0, **extra)


def cancel(alert: Alert) -> None:
    with time_machine.travel(T0 + M, tick=False):
        followup = services.draft_cancel(alert, actor=user("thuongtruc"), note="Báo nhầm")
        services.approve(followup, actor=user("lanhdao"))


def of(alert: Alert, short_name: str) -> AlertDelivery:
    return alert.deliveries.get(agency=agency(short_name))


def messages(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return list(error.value.messages)


# 1. Expired and cancelled alerts


def test_an_expired_alert_cannot_be_acknowledged_by_any_way() -> None:
    alert = sent_at(expires_at=T0 + 30 * M)
    later = T0 + 31 * M
    dit, border = of(alert, "SCT"), of(alert, "BĐBP")
    with pytest.raises(ValidationError, match=EXPIRED):
        services.acknowledge(dit, actor=user("congthuong"), now=later)
    with pytest.raises(ValidationError, match=EXPIRED):
        services.acknowledge_by_code(alert, dit.ack_code, actor=user("thuongtruc"), now=later)
    with pytest.raises(ValidationError):
        services.acknowledge_by_sms(BORDER_DUTY, border.ack_code, now=later)
    assert not alert.deliveries.filter(acknowledged_at__isnull=False).exists()
    # Before it expires, the same acknowledgement goes through.
    got = services.acknowledge(dit, actor=user("congthuong"), now=T0 + 29 * M)
    assert got.acknowledged_at == T0 + 29 * M


def test_a_cancelled_alert_cannot_be_acknowledged_by_any_way() -> None:
    alert = sent_at()
    cancel(alert)
    dit, border = of(alert, "SCT"), of(alert, "BĐBP")
    with pytest.raises(ValidationError, match=CANCELLED):
        services.acknowledge(dit, actor=user("congthuong"))
    with pytest.raises(ValidationError, match=CANCELLED):
        services.acknowledge_by_code(alert, dit.ack_code, actor=user("thuongtruc"))
    with pytest.raises(ValidationError):
        services.acknowledge_by_sms(BORDER_DUTY, border.ack_code)
    assert not alert.deliveries.filter(acknowledged_at__isnull=False).exists()
    assert services.deliveries_to_acknowledge(user("congthuong"), alert) == []


# 2. Wrong codes


def wrong_code(alert: Alert) -> str:
    codes = set(alert.deliveries.values_list("ack_code", flat=True))
    return next(c for c in (f"{n:06d}" for n in range(1000)) if c not in codes)


def test_five_wrong_recorded_codes_refuse_even_the_right_one_for_30_minutes() -> None:
    alert = sent_at()
    dit = of(alert, "SCT")
    wrong = wrong_code(alert)
    for i in range(5):
        with pytest.raises(ValidationError, match=r"không phải|not one of"):
            services.acknowledge_by_code(alert, wrong, actor=user("thuongtruc"), now=T0 + i * M)
    assert AckCodeAttempt.objects.count() == 5  # kept although each try rolled back
    with pytest.raises(ValidationError, match=TOO_MANY):
        services.acknowledge_by_code(alert, dit.ack_code, actor=user("thuongtruc"), now=T0 + 5 * M)
    dit.refresh_from_db()
    assert dit.acknowledged_at is None
    # The window passes (30 minutes after the first of the five): tries are allowed again.
    got = services.acknowledge_by_code(
        alert, dit.ack_code, actor=user("thuongtruc"), now=T0 + 31 * M
    )
    assert got.ack_method == AckMethod.CODE


def test_wrong_recorded_codes_count_per_alert() -> None:
    alert, other = sent_at(), sent_at()
    wrong = wrong_code(alert)
    for i in range(5):
        with pytest.raises(ValidationError):
            services.acknowledge_by_code(alert, wrong, actor=user("thuongtruc"), now=T0 + i * M)
    code = of(other, "SCT").ack_code
    got = services.acknowledge_by_code(other, code, actor=user("thuongtruc"), now=T0 + 5 * M)
    assert got.acknowledged_at is not None


def test_five_wrong_sms_codes_refuse_the_phone_and_every_failure_reads_the_same() -> None:
    alert = sent_at()
    border = of(alert, "BĐBP")
    dit_code = of(alert, "SCT").ack_code  # a real code, but not this phone's
    failures = []
    for i, text in enumerate([wrong_code(alert), dit_code, wrong_code(alert), dit_code]):
        with pytest.raises(ValidationError) as error:
            services.acknowledge_by_sms(BORDER_DUTY, text, now=T0 + i * M)
        failures.append(messages(error))
    assert all(f == failures[0] for f in failures)
    with pytest.raises(ValidationError) as fifth:
        services.acknowledge_by_sms(BORDER_DUTY, wrong_code(alert), now=T0 + 4 * M)
    assert messages(fifth) == failures[0]
    with pytest.raises(ValidationError, match=TOO_MANY):
        services.acknowledge_by_sms(BORDER_DUTY, border.ack_code, now=T0 + 5 * M)
    border.refresh_from_db()
    assert border.acknowledged_at is None
    got = services.acknowledge_by_sms(BORDER_DUTY, border.ack_code, now=T0 + 31 * M)
    assert got.pk == border.pk and got.ack_method == AckMethod.SMS
    # A used code reads as any other failure.
    with pytest.raises(ValidationError) as used:
        services.acknowledge_by_sms(BORDER_DUTY, border.ack_code, now=T0 + 32 * M)
    assert messages(used) == failures[0]


# 3. Clearance of the duty officer


def test_a_classified_alert_is_not_texted_to_a_duty_officer_below_its_clearance(
    settings: Any,
) -> None:
    settings.VIGIL_SMS_GATEWAY = "tests.situation.alerts.test_ack_security.Capture"
    Capture.sent.clear()
    alert = sent_at(classification=1)  # Mật: bienphong (Mật) yes, congthuong (Thường) no
    assert sms.send_alert_texts(alert, now=T0) == 1
    assert [phone for phone, _text in Capture.sent] == [BORDER_DUTY]


def test_a_duty_officer_below_the_clearance_cannot_acknowledge_by_sms() -> None:
    alert = sent_at(classification=1)
    dit = of(alert, "SCT")
    with pytest.raises(ValidationError):
        services.acknowledge_by_sms(DIT_DUTY, dit.ack_code, now=T0 + M)
    dit.refresh_from_db()
    assert dit.acknowledged_at is None
    border = of(alert, "BĐBP")
    got = services.acknowledge_by_sms(BORDER_DUTY, border.ack_code, now=T0 + M)
    assert got.acknowledged_by == user("bienphong")


# 4. The first read is audited


def test_the_first_read_is_audited_once() -> None:
    alert = sent_at()
    dit = of(alert, "SCT")
    services.mark_read(dit, actor=user("congthuong"))
    services.mark_read(dit, actor=user("congthuong"))
    reads = AuditEvent.objects.filter(action=SituationAction.ALERT_READ, object_id=str(alert.pk))
    assert reads.count() == 1
    after = reads.get().after
    assert after is not None and after["delivery"] == dit.pk


def test_the_api_answers_too_many_wrong_codes_with_429(api_for: Any) -> None:
    alert = sent_at()
    client = api_for("thuongtruc", scope="write")
    url = f"/api/v1/alerts/{alert.pk}/acknowledge-by-code/"
    wrong = wrong_code(alert)
    with time_machine.travel(T0 + M, tick=False):
        for _ in range(5):
            answer = client.post(url, {"code": wrong}, content_type="application/json")
            assert answer.status_code == 400
        right = of(alert, "SCT").ack_code
        answer = client.post(url, {"code": right}, content_type="application/json")
    assert answer.status_code == 429
    assert "quá nhiều" in answer.json()["error"]["message"]
    assert of(alert, "SCT").acknowledged_at is None


def test_the_code_form_is_not_offered_on_an_expired_or_cancelled_alert() -> None:
    alert = sent_at()
    assert services.may_record_code(user("thuongtruc"), alert)
    cancel(alert)
    alert.refresh_from_db()
    assert not services.may_record_code(user("thuongtruc"), alert)
