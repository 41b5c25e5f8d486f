"""Transfers to another organisation's store, inspections and their reminders, balances."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import translation

from vigil.controlled.inspections import services as inspections
from vigil.controlled.ledger import chain as ledger
from vigil.controlled.models import (
    Account,
    Balance,
    Inspection,
    Item,
    LedgerEntry,
    Licence,
    Store,
    Transfer,
)
from vigil.controlled.registry import services
from vigil.controlled.registry import services as registry
from vigil.controlled.transfers import services as transfers
from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.models import AdminUnit, Attachment, AuditEvent
from vigil.inbox.models import Notification
from vigil.org.models import Agency

SYSTEM = SystemActor("test")
MINE = "Công ty Cổ phần Than Demo Cẩm Phả"
QUARRY = "Công ty TNHH Đá Demo Hoành Bồ"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(db: None) -> Iterator[None]:
    from vigil.accounts.models import User

    User.objects.update(language="en")
    with translation.override("en"):
        yield


def store(name: str) -> Store:
    return Store.objects.get(name=name)


def main() -> Store:
    return store("Kho VLNCN trung tâm Cẩm Phả")


def quarry_store() -> Store:
    return store("Kho VLNCN mỏ đá Hoành Bồ")


def item(code: str = "AN-NT13") -> Item:
    return Item.objects.get(code=code)


def held(s: Store, i: Item) -> int:
    row = Balance.objects.filter(store=s, item=i, lot="").first()
    return row.quantity if row else 0


def account_sum(kind: str, i: Item) -> int:
    """What the accounts of one kind hold, over every organisation (+in, -out)."""
    accounts = Account.objects.filter(kind=kind)
    into = LedgerEntry.objects.filter(to_account__in=accounts, item=i).aggregate(s=Sum("quantity"))
    out = LedgerEntry.objects.filter(from_account__in=accounts, item=i).aggregate(s=Sum("quantity"))
    return (into["s"] or 0) - (out["s"] or 0)


def written() -> tuple[int, int, int, list[int]]:
    return (
        LedgerEntry.objects.count(), AuditEvent.objects.count(), Transfer.objects.count(),
        sorted(Balance.objects.values_list("quantity", flat=True)),
    )  # fmt: skip


def send(quantity: Any = "10", *, key: str, to: Store | None = None, **kw: Any) -> Transfer:
    values: dict[str, Any] = {
        "to_store": to or quarry_store(), "item": item(), "quantity": quantity, "unit": "kg",
        "idempotency_key": key, "actor": SYSTEM,
    }  # fmt: skip
    values.update(kw)
    return transfers.dispatch_transfer(main(), **values)


def test_a_transfer_leaves_the_sender_then_enters_the_receiver() -> None:
    nt13 = item()
    sender_before, receiver_before = held(main(), nt13), held(quarry_store(), nt13)
    transit_before = account_sum("in_transit", nt13)
    transfer = send("25", key="t-1")
    assert held(main(), nt13) == sender_before - 25_000
    assert held(quarry_store(), nt13) == receiver_before
    assert account_sum("in_transit", nt13) == transit_before + 25_000
    assert transfer.dispatch_entry.owning_agency_id == main().owning_agency_id
    received = transfers.receive_transfer(transfer, actor=SYSTEM)
    assert received.status == Transfer.Status.RECEIVED
    assert held(quarry_store(), nt13) == receiver_before + 25_000
    assert account_sum("in_transit", nt13) == transit_before
    assert received.closing_entry is not None
    assert received.closing_entry.owning_agency_id == quarry_store().owning_agency_id
    # Double entry: over all accounts, every item sums to zero.
    for i in Item.objects.all():
        total = sum(account_sum(kind, i) for kind in Account.Kind.values)
        assert total == 0, i
    assert ledger.verify_chain_result().ok


def test_in_transit_accounts_hold_exactly_what_is_on_the_road() -> None:
    pending = Transfer.objects.filter(status=Transfer.Status.IN_TRANSIT)
    for i in Item.objects.all():
        on_the_road = sum(t.quantity for t in pending.filter(item=i))
        assert account_sum("in_transit", i) == on_the_road, i


def test_the_same_key_returns_the_first_transfer_and_another_body_is_refused() -> None:
    first = send("5", key="t-same")
    assert send("5", key="t-same").pk == first.pk
    before = written()
    with pytest.raises(ValidationError, match="already used for a different transfer"):
        send("6", key="t-same")
    assert written() == before


def test_a_cancelled_transfer_returns_the_goods_to_the_sender() -> None:
    nt13 = item()
    before = held(main(), nt13)
    transfer = send("7", key="t-cancel")
    with pytest.raises(ValidationError, match="Say why"):
        transfers.cancel_transfer(transfer, reason="", actor=SYSTEM)
    cancelled = transfers.cancel_transfer(transfer, reason="Sai kho nhận", actor=SYSTEM)
    assert cancelled.status == Transfer.Status.CANCELLED
    assert held(main(), nt13) == before
    with pytest.raises(ValidationError, match="already cancelled"):
        transfers.receive_transfer(cancelled, actor=SYSTEM)


def _unlicensed_store() -> Store:
    profile = registry.create_organisation(
        name="Công ty Chưa Cấp Phép", tax_code="5700000555", sector="construction",
        admin_unit=AdminUnit.objects.get(code="06793"),
        licensing_agency=Agency.objects.get(name="Sở Công Thương"), actor=SYSTEM,
    )  # fmt: skip
    return services.create_store(
        profile.organisation, name="Kho chưa cấp phép", admin_unit=AdminUnit.objects.get(
            code="06793"), kind="permanent", capacities={"explosive": 10_000_000}, actor=SYSTEM,
    )  # fmt: skip


def test_a_transfer_to_an_unlicensed_organisation_is_refused_with_nothing_written() -> None:
    target = _unlicensed_store()
    before = written()
    with pytest.raises(ValidationError) as exc:
        send("1", key="t-unlicensed", to=target)
    message = " ".join(exc.value.messages)
    assert "may not receive" in message and "holds no licence" in message
    assert written() == before


def test_a_transfer_of_an_item_the_receivers_licence_does_not_permit_is_refused() -> None:
    licence = Licence.objects.get(number="210/GP-SCT")
    registry.update_licence(licence, item_classes=["explosive"], actor=SYSTEM)
    before = written()
    with pytest.raises(ValidationError, match="No licence in force permits"):
        send(10, key="t-detonators", item=item("KD-VN2"), unit="pcs")
    assert written() == before


def test_a_transfer_to_a_suspended_receiver_is_refused() -> None:
    registry.change_licence_status(
        Licence.objects.get(number="210/GP-SCT"), "suspended", reason="Đình chỉ", actor=SYSTEM
    )
    with pytest.raises(ValidationError, match="is suspended"):
        send("1", key="t-suspended")


def test_a_transfer_beyond_the_receivers_room_is_refused() -> None:
    with pytest.raises(ValidationError, match="has room for"):
        send("4900", key="t-too-much")


def test_a_transfer_between_ones_own_stores_is_a_movement() -> None:
    with pytest.raises(ValidationError, match="record a movement instead"):
        send("1", key="t-own", to=store("Kho tạm công trường vỉa 14"))


def test_only_the_receivers_storekeeper_confirms(persona: Callable[[str], Any]) -> None:
    transfer = send("3", key="t-who")
    with pytest.raises(PermissionDenied):
        transfers.receive_transfer(transfer, actor=persona("kho_mo"))
    with pytest.raises(PermissionDenied):
        transfers.dispatch_transfer(
            quarry_store(), to_store=main(), item=item(), quantity=1, unit="kg",
            idempotency_key="t-not-mine", actor=persona("kho_mo"),
        )  # fmt: skip


def test_the_storekeeper_sends_a_transfer_from_the_store_page(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("kho_mo")
    url = reverse("controlled:transfer_create", args=[main().pk])
    page = client.get(url).content.decode()
    assert "Kho VLNCN mỏ đá Hoành Bồ" in page
    data = {"to_store": quarry_store().pk, "item": item().pk, "quantity": "12", "unit": "kg",
            "idempotency_key": "web-t-1"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    transfer = Transfer.objects.get(idempotency_key="web-t-1")
    assert client.get(response["Location"]).status_code == 200
    cancel = reverse("controlled:transfer_cancel", args=[transfer.pk])
    assert client.post(cancel, {"reason": "Nhầm"}).status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == "cancelled"
    refused = client.post(url, {**data, "idempotency_key": "web-t-2", "quantity": "99999"})
    assert refused.status_code == 200 and "has room for" in refused.content.decode()
    assert client_for("congthuong").get(url).status_code == 403


def test_kho_mo_sees_transfers_it_sent_not_the_quarrys_stores(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("kho_mo")
    transfer = Transfer.objects.filter(status="in_transit").first()
    assert transfer is not None
    assert client.get(reverse("controlled:transfer_detail", args=[transfer.pk])).status_code == 200
    assert (
        client.get(reverse("controlled:store_detail", args=[quarry_store().pk])).status_code == 404
    )
    xa_a = client_for("xa_a")
    assert xa_a.get(reverse("controlled:transfer_detail", args=[transfer.pk])).status_code == 404


# --- inspections


def test_an_inspection_is_recorded_and_shown_on_the_store_page(
    persona: Callable[[str], Any], client_for: Callable[[str], Client]
) -> None:
    police = Agency.objects.get(name="Công an tỉnh Quảng Ninh")
    today = clock.today()
    inspection = inspections.record_inspection(
        main(), date=today, inspecting_agency=police, result="deficiencies",
        findings="Thiếu bình chữa cháy", next_due=today + dt.timedelta(days=90),
        actor=persona("congthuong"),
    )  # fmt: skip
    body = client_for("kho_mo").get(reverse("controlled:store_detail", args=[main().pk]))
    assert "Deficiencies found" in body.content.decode()
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == "inspection.recorded"
    assert event.object_id == str(inspection.pk)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"result": "deficiencies", "findings": ""}, "Describe the deficiencies"),
        ({"date": dt.date(2099, 1, 1)}, "before it happens"),
        ({"next_due": dt.date(2000, 1, 1)}, "must fall after"),
        ({"result": "great"}, "Choose a result"),
    ],
)
def test_bad_inspections_are_refused(change: dict[str, Any], message: str) -> None:
    values: dict[str, Any] = {
        "date": clock.today(), "inspecting_agency": Agency.objects.get(name="Sở Công Thương"),
        "result": "satisfactory", "actor": SYSTEM,
    }  # fmt: skip
    values.update(change)
    before = (Inspection.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as exc:
        inspections.record_inspection(main(), **values)
    assert message in " ".join(exc.value.messages)
    assert (Inspection.objects.count(), AuditEvent.objects.count()) == before


def test_the_storekeeper_may_not_record_inspections(persona: Callable[[str], Any]) -> None:
    with pytest.raises(PermissionDenied):
        inspections.record_inspection(
            main(), date=clock.today(), result="satisfactory", actor=persona("kho_mo"),
            inspecting_agency=Agency.objects.get(name="Sở Công Thương"),
        )  # fmt: skip


def test_a_reminder_goes_once_when_the_next_inspection_is_due() -> None:
    # The demo's main store is due in 10 days: within the 14-day notice.
    inspection = Inspection.objects.filter(store=main()).order_by("-date").first()
    assert inspection is not None and inspection.next_due is not None
    now = clock.now()
    assert inspections.remind_inspections_due(now) == 1
    assert inspections.remind_inspections_due(now) == 0
    note = Notification.objects.order_by("-pk").first()
    assert note is not None and "Kho VLNCN trung tâm Cẩm Phả" in note.subject
    # The quarry's (due in 140 days) is not due yet; it is 130 days later.
    with time_machine.travel(now + dt.timedelta(days=130), tick=False):
        assert inspections.remind_inspections_due(clock.now()) == 1


def test_an_attachment_goes_on_the_inspection(client_for: Callable[[str], Client]) -> None:
    inspection = Inspection.objects.filter(store=main()).first()
    assert inspection is not None
    client = client_for("congthuong")
    upload = SimpleUploadedFile("bien-ban.txt", "Biên bản kiểm tra\n".encode())
    url = reverse("controlled:inspection_attach", args=[inspection.pk])
    assert client.post(url, {"file": upload, "classification": 0}).status_code == 302
    assert Attachment.objects.filter(parent_id=inspection.pk).count() == 1
    page = client_for("kho_mo").get(reverse("controlled:inspection_detail", args=[inspection.pk]))
    assert "bien-ban.txt" in page.content.decode()
    kho = client_for("kho_mo").post(url, {"file": upload, "classification": 0})
    assert kho.status_code == 403


# --- balances


def test_balances_by_store_organisation_item_and_commune(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("congthuong")
    url = reverse("controlled:balance_list")
    by_org = client.get(f"{url}?by=organisation&item_class=explosive").content.decode()
    assert MINE in by_org and QUARRY in by_org
    by_commune = client.get(f"{url}?by=commune").content.decode()
    assert "Phường Cẩm Phả" in by_commune and "Phường Hoành Bồ" in by_commune
    by_item = client.get(f"{url}?by=item&organisation={main().owning_agency_id}").content.decode()
    # The mine holds 2500 - 350.5 - 200 - 0 (in transit: detonators) kg of NT-13 in two stores.
    nt13 = Balance.objects.filter(owning_agency=main().owning_agency_id, item=item())
    total = sum(b.quantity for b in nt13)
    assert f"{total / 1000:g}".replace(".", ",") in by_item.replace(".", ",")
    kho = client_for("kho_mo").get(f"{url}?by=organisation").content.decode()
    assert MINE in kho and QUARRY not in kho
