"""Acknowledging by SMS: the outbound text to the duty officer, the reply matched by
code and by the agency's own number, and the gateway's endpoint behind a secret."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.situation.alerts.helpers import agency, issued, user
from vigil.situation.alerts import services, sms
from vigil.situation.alerts.models import AckMethod

pytestmark = pytest.mark.django_db
BORDER_DUTY = "0203 3 881 069"  # the demo's Border Guard duty phone (bienphong on duty)
DIT_DUTY = "0203 3 835 600"
SECRET = "a-long-shared-secret-for-the-gateway"


class Capture:
    sent: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))


def test_the_duty_officer_gets_a_text_with_the_code(settings: Any) -> None:
    settings.VIGIL_SMS_GATEWAY = "tests.situation.alerts.test_sms.Capture"
    Capture.sent.clear()
    alert = issued(cap_status="Exercise")
    assert sms.send_alert_texts(alert) == 2
    texts = dict(Capture.sent)
    code = alert.deliveries.get(agency=agency("BĐBP")).ack_code
    assert code in texts[BORDER_DUTY] and texts[BORDER_DUTY].startswith("[DIỄN TẬP]")
    assert alert.headline in texts[BORDER_DUTY]


def test_a_classified_alert_texts_only_the_code(settings: Any) -> None:
    settings.VIGIL_SMS_GATEWAY = "tests.situation.alerts.test_sms.Capture"
    Capture.sent.clear()
    alert = issued(classification=1)
    sms.send_alert_texts(alert)
    assert Capture.sent and all(alert.headline not in text for _phone, text in Capture.sent)


def test_the_console_gateway_prints(capsys: pytest.CaptureFixture[str]) -> None:
    sms.ConsoleGateway().send("0900", "xin chào")
    assert "[SMS → 0900] xin chào" in capsys.readouterr().out
    with sms.muted():
        sms.ConsoleGateway().send("0900", "im lặng")
    assert "im lặng" not in capsys.readouterr().out


def test_a_reply_from_the_duty_phone_acknowledges_once() -> None:
    alert = issued()
    delivery = alert.deliveries.get(agency=agency("BĐBP"))
    code = delivery.ack_code
    got = services.acknowledge_by_sms("+84 203 3881069", f"Da nhan {code[:3]} {code[3:]}")
    assert got.pk == delivery.pk and got.ack_method == AckMethod.SMS
    assert got.acknowledged_by == user("bienphong")
    with pytest.raises(ValidationError, match=r"không xác nhận được|acknowledges nothing"):
        services.acknowledge_by_sms(BORDER_DUTY, code)  # used: the one answer to every failure


def test_a_code_from_another_agencys_phone_is_refused() -> None:
    alert = issued()
    code = alert.deliveries.get(agency=agency("BĐBP")).ack_code
    with pytest.raises(ValidationError):
        services.acknowledge_by_sms(DIT_DUTY, code)  # the right code, the wrong sender
    with pytest.raises(ValidationError):
        services.acknowledge_by_sms("0912 345 678", code)
    with pytest.raises(ValidationError):  # an office line every agency shares: not a duty phone
        services.acknowledge_by_sms("0203 3 800 000", code)
    with pytest.raises(ValidationError):
        services.acknowledge_by_sms(BORDER_DUTY, "đã nhận")  # no code at all
    assert not alert.deliveries.filter(acknowledged_at__isnull=False).exists()


def _inbound(client: Client, secret: str | None, **body: Any) -> Any:
    headers = {"X-Vigil-SMS-Secret": secret} if secret is not None else {}
    return client.post(reverse("api-alert-sms"), body, content_type="application/json",
                       headers=headers)  # fmt: skip


def test_the_gateway_endpoint_wants_the_shared_secret(client: Client, settings: Any) -> None:
    alert = issued()
    code = alert.deliveries.get(agency=agency("BĐBP")).ack_code
    body = {"sender": BORDER_DUTY, "text": code}
    settings.VIGIL_SMS_INBOUND_SECRET = ""
    assert _inbound(client, "", **body).status_code == 403  # unset: nothing gets in
    assert _inbound(client, "anything", **body).status_code == 403
    settings.VIGIL_SMS_INBOUND_SECRET = SECRET
    assert _inbound(client, None, **body).status_code == 403
    assert _inbound(client, SECRET[:-1], **body).status_code == 403
    assert not alert.deliveries.filter(acknowledged_at__isnull=False).exists()
    response = _inbound(client, SECRET, **body)
    assert response.status_code == 200 and response.json()["alert"] == alert.pk
    again = _inbound(client, SECRET, **body)
    assert again.status_code == 400
    assert _inbound(client, SECRET, sender=BORDER_DUTY).status_code == 400


def test_approval_texts_once_it_commits(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.situation.alerts.helpers import draft

    settings.VIGIL_SMS_GATEWAY = "tests.situation.alerts.test_sms.Capture"
    Capture.sent.clear()
    alert = draft()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(alert, actor=user("lanhdao"))
    assert {phone for phone, _text in Capture.sent} == {BORDER_DUTY, DIT_DUTY}
