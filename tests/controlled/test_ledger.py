"""The stock ledger: balances, refusals, idempotency, triggers, tampering, scope."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import translation

from vigil.controlled.ledger import chain as ledger
from vigil.controlled.ledger import services
from vigil.controlled.models import (
    Account,
    Balance,
    Item,
    ItemClass,
    LedgerEntry,
    Licence,
    Store,
    StoreTotal,
)
from vigil.controlled.registry import services as registry
from vigil.core import clock, verification
from vigil.core.audit import SystemActor
from vigil.core.models import AdminUnit, AuditEvent
from vigil.core.triggers import install_append_only_triggers
from vigil.org import services as org_services
from vigil.org.models import Agency

SYSTEM = SystemActor("test")
MINE = "Công ty Cổ phần Than Demo Cẩm Phả"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are matched in English here; the Vietnamese is checked by the catalogue."""
    with translation.override("en"):
        yield


def mine() -> Agency:
    return Agency.objects.get(name=MINE)


def store(name: str = "Kho VLNCN trung tâm Cẩm Phả") -> Store:
    return Store.objects.get(name=name)


def item(code: str = "AN-NT13") -> Item:
    return Item.objects.get(code=code)


def supplier() -> Account:
    return services.external_account(mine(), Account.Kind.SUPPLIER)


def balance(s: Store, i: Item, lot: str = "") -> int:
    row = Balance.objects.filter(store=s, item=i, lot=lot).first()
    return row.quantity if row else 0


def written() -> tuple[int, int, int, list[int]]:
    """What a refused write must leave untouched."""
    return (
        LedgerEntry.objects.count(),
        AuditEvent.objects.count(),
        Balance.objects.count(),
        sorted(Balance.objects.values_list("quantity", flat=True)),
    )


def receive(quantity: Any, *, key: str, unit: str | None = "kg", **kw: Any) -> LedgerEntry:
    values: dict[str, Any] = {
        "item": item(), "from_account": supplier(), "to_account": store().account,
    }  # fmt: skip
    values.update(kw)
    return services.post_movement(
        mine(), quantity=quantity, unit=unit, idempotency_key=key, actor=SYSTEM, **values
    )


def test_the_demo_balances_equal_the_ledger() -> None:
    assert balance(store(), item()) == 2_100_000  # 2500 kg in, 400 kg out, in grams
    assert balance(store("Kho tạm công trường vỉa 14"), item()) == 49_500
    assert balance(store(), item("DCN-1")) == 120_000  # 1200 m in centimetres
    total = StoreTotal.objects.get(store=store(), item_class=ItemClass.EXPLOSIVE)
    assert total.quantity == 2_100_000
    checked, mismatch = ledger.reconcile()
    assert mismatch is None and checked == Balance.objects.count() >= 4
    result = ledger.verify()
    assert result.ok, result.reason
    assert result.checked == LedgerEntry.objects.count() >= 5
    print(f"demo: {result.checked} entries verified, {checked} balances reconciled")


def test_the_ledger_verifier_is_registered() -> None:
    assert "ledger" in verification.verifiers()
    assert verification.verifiers()["ledger"]().ok


def test_a_receipt_moves_stock_and_chains_the_entry() -> None:
    before = balance(store(), item())
    head = LedgerEntry.objects.filter(owning_agency=mine()).order_by("-seq").first()
    assert head is not None
    entry = receive("1.5", key="t-receipt")
    assert balance(store(), item()) == before + 1500
    assert entry.seq == head.seq + 1 and entry.prev_hash == head.hash
    # Its proof is the entry in the organisation's chain, not an audit event
    # (the anchoring sweep writes the chain's head there: test_anchoring).
    assert not AuditEvent.objects.filter(object_type="controlled.ledgerentry",
                                         object_id=str(entry.pk)).exists()  # fmt: skip
    assert entry.actor_label == "system:test"
    assert ledger.verify().ok


def test_a_replayed_key_returns_the_first_entry_and_writes_nothing() -> None:
    first = receive("2", key="t-replay", document_ref="PN-9")
    state = written()
    again = receive("2", key="t-replay", document_ref="PN-9")
    assert again.pk == first.pk
    assert written() == state


def test_a_reused_key_with_a_different_body_is_refused() -> None:
    receive("2", key="t-reuse")
    state = written()
    with pytest.raises(ValidationError, match="already used for a different movement"):
        receive("3", key="t-reuse")
    assert written() == state


def _other_org(licensed: bool = True) -> tuple[Agency, Store]:
    dit = Agency.objects.get(name="Sở Công Thương")
    org = org_services.create_agency(
        name="Công ty TNHH Đá Thử", kind=Agency.Kind.LICENSED_ORGANISATION, committee=None,
        admin_unit=mine().admin_unit, licensed_by=[dit], actor=SYSTEM,
    )  # fmt: skip
    unit = AdminUnit.objects.get(code="06793")
    other = registry.create_store(
        org, name="Kho đá thử", admin_unit=unit, kind=Store.Kind.PERMANENT,
        capacities={ItemClass.EXPLOSIVE: 1_000_000}, actor=SYSTEM,
    )  # fmt: skip
    if licensed:
        today = clock.today()
        registry.create_licence(
            org, number="9/GP-SCT", kind="use", issuer=dit, valid_from=today,
            valid_to=today + dt.timedelta(days=365), item_classes=[ItemClass.EXPLOSIVE],
            actor=SYSTEM,
        )  # fmt: skip
    return org, other


BAD: dict[str, tuple[Callable[[], dict[str, Any]], str]] = {
    "zero": (lambda: {"quantity": "0"}, "greater than zero"),
    "negative": (lambda: {"quantity": "-5"}, "greater than zero"),
    "not a number": (lambda: {"quantity": "nhiều"}, "must be a number"),
    "a fraction of a gram": (lambda: {"quantity": "0.0005"}, "whole number of g"),
    "a unit the item does not use": (lambda: {"unit": "m"}, "counted in kg"),
    "an item the licence does not permit": (
        lambda: {
            "item": Item.objects.get_or_create(
                code="T-SUNG",
                defaults={
                    "name": "Súng thử",
                    "item_class": ItemClass.WEAPON,
                    "category": "military_weapon",
                },
            )[0],
            "unit": "pcs",
        },
        "No licence in force permits",
    ),
    "over capacity": (lambda: {"quantity": "30000"}, "exceed its capacity"),
    "more than the store holds": (
        lambda: {"from_account": store().account, "to_account": supplier(), "quantity": "5000"},
        "holds only",
    ),
    "the same account twice": (
        lambda: {"from_account": store().account, "to_account": store().account},
        "from one account to another",
    ),
    "two outside accounts": (
        lambda: {"to_account": services.external_account(mine(), Account.Kind.LOST)},
        "start or end in a store",
    ),
    "a transfer to an unlicensed organisation's store": (
        lambda: {"from_account": store().account, "to_account": _other_org(False)[1].account},
        "holds no licence",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_refused_with_nothing_written(case: str) -> None:
    make, message = BAD[case]
    overrides = make()
    state = written()
    with pytest.raises(ValidationError) as refused:
        receive(overrides.pop("quantity", "1"), key=f"t-bad-{case}", **overrides)
    assert message in " ".join(refused.value.messages)
    assert written() == state


def test_an_expired_licence_is_refused() -> None:
    state = written()
    later = clock.now() + dt.timedelta(days=400)
    with (
        time_machine.travel(later, tick=False),
        pytest.raises(ValidationError, match="expired or is not in force"),
    ):
        receive("1", key="t-expired")
    assert written() == state


def test_a_batch_with_one_bad_movement_writes_nothing() -> None:
    state = written()
    good = services.Movement(
        item=item(), quantity=1000, from_account=supplier(), to_account=store().account,
        idempotency_key="t-batch-1",
    )  # fmt: skip
    bad = services.Movement(
        item=item(), quantity=10**12, from_account=store().account, to_account=supplier(),
        idempotency_key="t-batch-2",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="Movement 2 of 2"):
        services.post_movements(mine(), [good, bad], actor=SYSTEM)
    assert written() == state


def test_only_the_organisations_storekeeper_posts(persona: Callable[[str], Any]) -> None:
    state = written()
    for username in ("congthuong", "thuongtruc"):
        with pytest.raises(PermissionDenied):
            services.post_movement(
                mine(), item=item(), quantity=1, from_account=supplier(),
                to_account=store().account, idempotency_key="t-perm", actor=persona(username),
            )  # fmt: skip
    assert written() == state
    entry = services.post_movement(
        mine(), item=item(), quantity=1, from_account=supplier(), to_account=store().account,
        idempotency_key="t-perm", actor=persona("kho_mo"),
    )  # fmt: skip
    assert entry.actor_label.startswith("kho_mo") or "kho_mo" in entry.actor_label


def test_a_reversal_puts_the_stock_back_once() -> None:
    before = balance(store(), item())
    entry = receive("3", key="t-rev")
    back = services.reverse_movement(entry, reason="Nhập nhầm số lượng", actor=SYSTEM)
    assert back.reverses_id == entry.pk and back.from_account_id == entry.to_account_id
    assert balance(store(), item()) == before
    with pytest.raises(ValidationError, match="already been reversed"):
        services.reverse_movement(entry, reason="Lần nữa", actor=SYSTEM)
    with pytest.raises(ValidationError, match="Say why"):
        services.reverse_movement(receive("1", key="t-rev-2"), reason=" ", actor=SYSTEM)
    assert ledger.reconcile()[1] is None


def _sql_refused(sql: str) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def test_triggers_refuse_update_delete_and_truncate() -> None:
    table = LedgerEntry._meta.db_table
    pk = LedgerEntry.objects.order_by("pk").values_list("pk", flat=True).first()
    _sql_refused(f'UPDATE "{table}" SET quantity = quantity + 1 WHERE id = {pk}')
    _sql_refused(f'DELETE FROM "{table}" WHERE id = {pk}')
    if connection.vendor == "postgresql":
        _sql_refused(f'TRUNCATE "{table}" CASCADE')
    assert pk is not None
    entry = LedgerEntry.objects.get(pk=pk)
    entry.quantity += 1
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()


def test_every_way_to_change_or_remove_entries_is_refused() -> None:
    """Through the ORM too, and SQLite's truncate (a DELETE without WHERE)."""
    table = LedgerEntry._meta.db_table
    count = LedgerEntry.objects.count()
    assert count > 0
    for change in (
        lambda: LedgerEntry.objects.update(reason="sửa"),
        lambda: LedgerEntry.objects.all().delete(),
        lambda: LedgerEntry.objects.filter(pk=LedgerEntry.objects.first().pk).delete(),  # type: ignore[union-attr]
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    _sql_refused(f'DELETE FROM "{table}"')
    if connection.vendor == "postgresql":
        _sql_refused(f'TRUNCATE "{table}"')
        _sql_refused(f'TRUNCATE "{table}" RESTART IDENTITY CASCADE')
    else:
        _sql_refused(f'INSERT OR REPLACE INTO "{table}" SELECT * FROM "{table}" LIMIT 1')
    assert LedgerEntry.objects.count() == count


def test_with_the_update_trigger_dropped_an_edited_entry_is_named_by_verify() -> None:
    """The attacker drops only the update trigger and changes one entry's reason."""
    from vigil.core.triggers import expected_triggers, installed_triggers, trigger_names

    table = LedgerEntry._meta.db_table
    update_trigger = trigger_names(table)[0]
    entry = LedgerEntry.objects.order_by("pk")[1]
    on = f' ON "{table}"' if connection.vendor == "postgresql" else ""
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER {update_trigger}{on}")
            assert expected_triggers() - installed_triggers() == {update_trigger}
            cursor.execute(f'UPDATE "{table}" SET reason = %s WHERE id = %s', ["đã sửa", entry.pk])
        code, output = _run("verify")
    finally:
        install_append_only_triggers()
    assert code == 1
    assert f"BROKEN at entry {entry.pk}:" in output
    assert "columns differ from the canonical text" in output
    assert update_trigger in installed_triggers()
    print(output.strip())


def _run(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ledger", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


@pytest.fixture
def edited(no_triggers: None) -> Iterator[LedgerEntry]:
    entry = LedgerEntry.objects.order_by("pk")[2]
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{LedgerEntry._meta.db_table}" SET quantity = quantity + 1000 WHERE id = %s',
            [entry.pk],
        )
    yield entry


def test_verify_names_the_entry_edited_in_the_database(edited: LedgerEntry) -> None:
    code, output = _run("verify")
    assert code == 1
    assert f"entry {edited.pk}:" in output
    print(output.strip())


def test_verify_and_reconcile_pass_on_an_honest_ledger() -> None:
    assert _run("verify")[0] == 0
    assert _run("reconcile")[0] == 0


def test_reconcile_names_a_balance_that_is_not_the_sum_of_its_entries() -> None:
    row = Balance.objects.filter(store=store(), item=item()).get()
    Balance.objects.filter(pk=row.pk).update(quantity=row.quantity - 1)
    code, output = _run("reconcile")
    assert code == 1
    assert f"store {row.store_id}, item {row.item_id}" in output
    print(output.strip())


# --- scope and the API


def test_a_storekeeper_cannot_reach_another_organisations_records(
    api_for: Callable[..., Client],
) -> None:
    org, other = _other_org()
    entry = services.post_movement(
        org, item=item(), quantity="10", unit="kg",
        from_account=services.external_account(org, Account.Kind.SUPPLIER),
        to_account=other.account, idempotency_key="t-scope", actor=SYSTEM,
    )  # fmt: skip
    other_balance = Balance.objects.get(store=other)
    own_balance = Balance.objects.filter(store=store()).first()
    assert own_balance is not None
    kho = api_for("kho_mo")
    for name, obj in (("stores", other), ("balances", other_balance), ("movements", entry)):
        assert kho.get(f"/api/v1/{name}/{obj.pk}/").status_code == 404, name
    assert kho.get(f"/api/v1/stores/{store().pk}/").status_code == 200
    assert kho.get(f"/api/v1/balances/{own_balance.pk}/").status_code == 200
    listed = {s["id"] for s in kho.get("/api/v1/stores/").json()["results"]}
    assert other.pk not in listed and store().pk in listed
    for username in ("congthuong", "thuongtruc"):
        client = api_for(username)
        assert client.get(f"/api/v1/movements/{entry.pk}/").status_code == 200, username
    assert api_for("bienphong").get(f"/api/v1/stores/{other.pk}/").status_code == 404


def _body(**kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "item": item().pk, "quantity": "2.5", "unit": "kg", "from_kind": "supplier",
        "to_store": store().pk, "document_ref": "PN-API",
    }  # fmt: skip
    body.update(kw)
    return body


def test_posting_through_the_api_is_idempotent(api_for: Callable[..., Client]) -> None:
    kho = api_for("kho_mo", scope="write")
    before = balance(store(), item())
    first = kho.post("/api/v1/movements/", _body(), content_type="application/json",
                     headers={"Idempotency-Key": "api-1"})  # fmt: skip
    assert first.status_code == 201, first.content
    state = written()
    again = kho.post("/api/v1/movements/", _body(), content_type="application/json",
                     headers={"Idempotency-Key": "api-1"})  # fmt: skip
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    other = kho.post("/api/v1/movements/", _body(quantity="3"), content_type="application/json",
                     headers={"Idempotency-Key": "api-1"})  # fmt: skip
    assert other.status_code == 400
    missing = kho.post("/api/v1/movements/", _body(), content_type="application/json")
    assert missing.status_code == 400
    assert written() == state
    assert balance(store(), item()) == before + 2500


def test_the_batch_endpoint_is_all_or_nothing(api_for: Callable[..., Client]) -> None:
    kho = api_for("kho_mo", scope="write")
    state = written()
    movements = [{**_body(quantity="1"), "idempotency_key": f"b-{i}"} for i in range(3)]
    movements.append({**_body(quantity="999999"), "idempotency_key": "b-bad"})
    response = kho.post("/api/v1/movements/batch/", {"movements": movements},
                        content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    assert "4" in str(response.json())
    assert written() == state
    response = kho.post("/api/v1/movements/batch/", {"movements": movements[:3]},
                        content_type="application/json")  # fmt: skip
    assert response.status_code == 201, response.content
    assert len(response.json()) == 3
    assert ledger.reconcile()[1] is None


def test_congthuong_cannot_post(api_for: Callable[..., Client]) -> None:
    response = api_for("congthuong", scope="write").post(
        "/api/v1/movements/", _body(), content_type="application/json",
        headers={"Idempotency-Key": "api-x"},
    )  # fmt: skip
    assert response.status_code == 403


def test_expiring_licences_are_listed(api_for: Callable[..., Client]) -> None:
    licence = Licence.objects.get(number="125/GP-SCT")
    for username in ("thuongtruc", "congthuong", "kho_mo"):
        client = api_for(username)
        ids = [
            x["id"] for x in client.get("/api/v1/licences/?expiring_within=60").json()["results"]
        ]
        assert licence.pk in ids, username
        ids = [
            x["id"] for x in client.get("/api/v1/licences/?expiring_within=30").json()["results"]
        ]
        assert licence.pk not in ids, username


# --- pages


def test_the_storekeeper_records_a_receipt_and_congthuong_sees_it(
    client_for: Callable[[str], Client],
) -> None:
    kho = client_for("kho_mo")
    page = kho.get(f"/controlled/stores/{store().pk}/movement/")
    assert page.status_code == 200
    key = page.context["form"].initial["idempotency_key"]
    before = balance(store(), item())
    body = {
        "direction": "in", "counterpart": "supplier", "item": item().pk, "quantity": "12,5",
        "unit": "kg", "lot": "", "document_ref": "PN-WEB", "reason": "", "idempotency_key": key,
    }  # fmt: skip
    response = kho.post(f"/controlled/stores/{store().pk}/movement/", body)
    assert response.status_code == 302, response.context["form"].errors
    kho.post(f"/controlled/stores/{store().pk}/movement/", body)  # pressed twice
    assert balance(store(), item()) == before + 12_500
    assert LedgerEntry.objects.filter(idempotency_key=key).count() == 1
    shown_now = f"{(before + 12_500) / 1000:.1f}".replace(".", ",")
    seen = client_for("congthuong").get(f"/controlled/stores/{store().pk}/")
    assert shown_now in seen.content.decode()
    assert (
        client_for("congthuong").get(f"/controlled/stores/{store().pk}/movement/").status_code
        == 403
    )


def test_a_refused_movement_is_explained_on_the_form(client_for: Callable[[str], Client]) -> None:
    kho = client_for("kho_mo")
    state = written()
    body = {
        "direction": "out", "counterpart": "consumption", "item": item().pk,
        "quantity": "999999", "unit": "kg", "idempotency_key": "web-too-much",
    }  # fmt: skip
    response = kho.post(f"/controlled/stores/{store().pk}/movement/", body)
    assert response.status_code == 200
    assert "holds only" in response.content.decode() or "chỉ còn" in response.content.decode()
    assert written() == state


def test_the_expiring_licences_page_lists_the_mines_licence(
    client_for: Callable[[str], Client],
) -> None:
    for username in ("thuongtruc", "congthuong", "kho_mo"):
        page = client_for(username).get("/controlled/licences/?expiring=1")
        assert "125/GP-SCT" in page.content.decode(), username
    assert "125/GP-SCT" not in client_for("bienphong").get("/controlled/licences/").content.decode()


def test_a_batch_is_chained_entry_by_entry_and_audited_once() -> None:
    events = AuditEvent.objects.count()
    moves = [
        services.Movement(
            item=item(),
            quantity=1000,
            from_account=supplier(),
            to_account=store().account,
            idempotency_key=f"t-batch-ok-{n}",
        )
        for n in range(3)
    ]
    entries = services.post_movements(mine(), moves, actor=SYSTEM)
    assert [e.seq for e in entries] == [entries[0].seq + n for n in range(3)]
    assert entries[1].prev_hash == entries[0].hash
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.order_by("-seq").first().action == "movement.batch_posted"  # type: ignore[union-attr]
    assert services.post_movements(mine(), moves, actor=SYSTEM) == entries  # replayed
    assert AuditEvent.objects.count() == events + 1
    assert ledger.verify().ok
