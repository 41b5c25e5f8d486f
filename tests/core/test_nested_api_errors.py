"""An error in a nested item (a batch's movement, an obligation's indicator) comes
back field by field, in the user's language, in the API's one error format."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.work.helpers import province
from vigil.accounts.models import User
from vigil.controlled.models import Item, LedgerEntry, Store
from vigil.core.models import AuditHead
from vigil.work.obligations.models import ReportObligation

pytestmark = pytest.mark.django_db


def _is_plain(error: dict[str, Any]) -> None:
    text = str(error)
    assert "ErrorDetail" not in text and "{0:" not in text, text
    assert all(isinstance(m, str) for ms in error["fields"].values() for m in ms)


def test_a_bad_movement_in_a_batch_is_named_by_its_place(api_for: Callable[..., Client]) -> None:
    store = Store.objects.get(name="Kho VLNCN trung tâm Cẩm Phả")
    good = {"item": Item.objects.get(code="AN-NT13").pk, "quantity": "1", "unit": "kg",
            "from_kind": "supplier", "to_store": store.pk, "idempotency_key": "n-1"}  # fmt: skip
    bad = {**good, "idempotency_key": "", "quantity": "lots"}
    api = api_for("kho_mo", scope="write")
    entries, head = LedgerEntry.objects.count(), AuditHead.objects.get().seq
    response = api.post(
        "/api/v1/movements/batch/", {"movements": [good, bad]}, content_type="application/json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    _is_plain(error)
    assert error["code"] == "invalid"
    assert error["fields"]["movements.1.idempotency_key"] == ["Trường này không được để trống."]
    assert error["fields"]["movements.1.quantity"] == ["Cần một số hợp lệ."]
    assert not any(k.startswith("movements.0") for k in error["fields"])
    assert (LedgerEntry.objects.count(), AuditHead.objects.get().seq) == (entries, head)


def test_a_bad_indicator_of_an_obligation_is_named_by_its_place(
    api_for: Callable[..., Client],
) -> None:
    indicator = {"code": "so-vu", "label": "Số vụ", "kind": "integer", "aggregation": "sum"}
    body = {
        "issuing_committee": province().pk, "title": "Báo cáo tháng", "period_kind": "monthly",
        "starts_on": "2026-12-01",
        "indicators": [indicator, {**indicator, "code": "có dấu", "kind": "bogus"}],
    }  # fmt: skip
    count = ReportObligation.objects.count()
    response = api_for("thuongtruc", scope="write").post(
        "/api/v1/report-obligations/", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    _is_plain(error)
    assert set(error["fields"]) == {"indicators.1.code", "indicators.1.kind"}
    assert "hợp lệ" in error["fields"]["indicators.1.kind"][0]
    assert ReportObligation.objects.count() == count


def test_an_english_speaker_reads_the_same_fields_in_english(
    api_for: Callable[..., Client], persona: Callable[[str], Any]
) -> None:
    User.objects.filter(pk=persona("kho_mo").pk).update(language="en")
    response = api_for("kho_mo", scope="write").post(
        "/api/v1/movements/batch/", {"movements": [{"quantity": "1"}]},
        content_type="application/json",
    )  # fmt: skip
    error = response.json()["error"]
    _is_plain(error)
    assert error["fields"]["movements.0.item"] == ["This field is required."]
