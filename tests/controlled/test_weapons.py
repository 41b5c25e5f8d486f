"""Weapons and support tools: categories that fit the class, pieces numbered by
serial where the class requires it (refused without, refused by twos, one store at
a time), licences by the police, "cái" on the Vietnamese pages, the catalogue API,
and reminders of a weapons store's next inspection."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import translation

from vigil.controlled.catalogue.services import create_item
from vigil.controlled.inspections.models import Inspection
from vigil.controlled.inspections.services import RULE, remind_inspections_due
from vigil.controlled.ledger import services
from vigil.controlled.models import (
    Account,
    Balance,
    Item,
    ItemCategory,
    ItemClass,
    LedgerEntry,
    Licence,
    Store,
)
from vigil.controlled.registry import services as registry
from vigil.controlled.registry.demo_weapons import CLUB, PISTOLS, RANGERS, RIFLES, SECURITY
from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.models import AuditEvent
from vigil.inbox.delivery import deliver_pending
from vigil.inbox.models import InboxEntry, Reminder
from vigil.org.models import Agency

SYSTEM = SystemActor("test")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are matched in English, except where a test asks for Vietnamese."""
    with translation.override("en"):
        yield


def org(name: str) -> Agency:
    return Agency.objects.get(name=name)


def store_of(name: str) -> Store:
    return Store.objects.get(owning_agency__name=name)


def item(code: str) -> Item:
    return Item.objects.get(code=code)


def written() -> tuple[int, int, int, list[int]]:
    """What a refused write must leave untouched."""
    return (
        LedgerEntry.objects.count(),
        AuditEvent.objects.count(),
        Balance.objects.count(),
        sorted(Balance.objects.values_list("quantity", flat=True)),
    )


def held(store: Store, code: str, lot: str) -> int:
    row = Balance.objects.filter(store=store, item=item(code), lot=lot).first()
    return row.quantity if row else 0


def move(
    organisation: str, *, code: str = "VK-K54", quantity: Any = 1, lot: str = "",
    inward: bool = True, kind: str = Account.Kind.SUPPLIER, key: str = "w-test",
) -> LedgerEntry:  # fmt: skip
    """A receipt into (or an issue out of) the organisation's store."""
    agency, store = org(organisation), store_of(organisation)
    outside = services.external_account(agency, kind)
    here = store.account
    return services.post_movement(
        agency, item=item(code), quantity=quantity, lot=lot, idempotency_key=key,
        from_account=outside if inward else here, to_account=here if inward else outside,
        actor=SYSTEM,
    )  # fmt: skip


# --- serial numbers


def test_a_gun_without_its_serial_number_is_refused_and_nothing_is_written() -> None:
    before = written()
    with pytest.raises(ValidationError, match="numbered piece by piece: give the serial"):
        move(RANGERS, lot="")
    with pytest.raises(ValidationError, match="numbered piece by piece: give the serial"):
        move(RANGERS, lot="   ")
    assert written() == before
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        move(RANGERS, lot="")
    assert "số hiệu" in refused.value.messages[0]
    assert written() == before


def test_a_gun_moved_by_twos_is_refused_and_nothing_is_written() -> None:
    before = written()
    with pytest.raises(ValidationError, match="a movement moves one piece"):
        move(RANGERS, lot="K54-TD1099", quantity=2)
    assert written() == before
    assert held(store_of(RANGERS), "VK-K54", "K54-TD1099") == 0


def test_a_gun_with_its_serial_and_one_piece_is_recorded() -> None:
    entry = move(RANGERS, lot="K54-TD1099", quantity=1)
    assert (entry.quantity, entry.lot) == (1, "K54-TD1099")
    assert held(store_of(RANGERS), "VK-K54", "K54-TD1099") == 1
    # A tool the law does not number moves by the dozen, without a serial.
    move(SECURITY, code="CC-BXHC", quantity=12, key="w-sprays")
    assert held(store_of(SECURITY), "CC-BXHC", "") == 24 + 12


def test_a_piece_held_once_cannot_be_issued_twice() -> None:
    rangers = store_of(RANGERS)
    serial = PISTOLS[0]
    assert held(rangers, "VK-K54", serial) == 1
    move(RANGERS, lot=serial, inward=False, kind=Account.Kind.DESTRUCTION, key="w-out-1")
    assert held(rangers, "VK-K54", serial) == 0
    before = written()
    with pytest.raises(ValidationError):
        move(RANGERS, lot=serial, inward=False, kind=Account.Kind.DESTRUCTION, key="w-out-2")
    assert written() == before
    assert held(rangers, "VK-K54", serial) == 0


def test_a_piece_held_in_a_store_cannot_be_received_again() -> None:
    before = written()
    with pytest.raises(ValidationError, match="already held in a store"):
        move(RANGERS, lot=PISTOLS[1], key="w-again")
    with pytest.raises(ValidationError, match="already held in a store"):
        move(CLUB, code="VK-TT-CZ452", lot=RIFLES[0], key="w-again")
    assert written() == before


def test_a_batch_names_the_movement_without_a_serial() -> None:
    agency, rangers = org(RANGERS), store_of(RANGERS)
    supplier = services.external_account(agency, Account.Kind.SUPPLIER)
    good = services.Movement(
        item=item("VK-K54"), quantity=1, from_account=supplier, to_account=rangers.account,
        idempotency_key="w-b1", lot="K54-TD2001",
    )  # fmt: skip
    bad = services.Movement(
        item=item("VK-K54"), quantity=1, from_account=supplier, to_account=rangers.account,
        idempotency_key="w-b2",
    )  # fmt: skip
    before = written()
    with pytest.raises(ValidationError, match="Movement 2 of 2"):
        services.post_movements(agency, [good, bad], actor=SYSTEM)
    assert written() == before


def test_a_batch_moves_a_piece_once() -> None:
    agency, rangers = org(RANGERS), store_of(RANGERS)
    supplier = services.external_account(agency, Account.Kind.SUPPLIER)

    def receipt(key: str) -> services.Movement:
        return services.Movement(
            item=item("VK-K54"), quantity=1, from_account=supplier,
            to_account=rangers.account, idempotency_key=key, lot="K54-TD3001",
        )  # fmt: skip

    before = written()
    with pytest.raises(ValidationError, match=r"Movement 2 of 2: .* already moved by another"):
        services.post_movements(agency, [receipt("w-p1"), receipt("w-p2")], actor=SYSTEM)
    assert written() == before
    # The same movement twice under one key is one movement (a replay), not two.
    entries = services.post_movements(agency, [receipt("w-p1"), receipt("w-p1")], actor=SYSTEM)
    assert entries[0] == entries[1]
    assert held(rangers, "VK-K54", "K54-TD3001") == 1


# --- the catalogue's rules


@pytest.mark.parametrize(
    ("item_class", "category", "serial", "field"),
    [
        (ItemClass.WEAPON, "", None, "category"),
        (ItemClass.WEAPON, ItemCategory.BATON, None, "category"),
        (ItemClass.SUPPORT_TOOL, ItemCategory.HUNTING_GUN, None, "category"),
        (ItemClass.EXPLOSIVE, ItemCategory.MILITARY_WEAPON, None, "category"),
        (ItemClass.DETONATOR, "", True, "serial_required"),
    ],
)
def test_a_category_that_does_not_fit_the_class_is_refused(
    item_class: str, category: str, serial: bool | None, field: str
) -> None:
    count = Item.objects.count()
    with pytest.raises(ValidationError) as refused:
        create_item(
            code="X-1", name="Thử", item_class=item_class, category=category,
            serial_required=serial, actor=SYSTEM,
        )  # fmt: skip
    assert field in refused.value.message_dict
    assert Item.objects.count() == count


def test_the_database_refuses_a_category_that_does_not_fit() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(code="X-2", name="Thử", item_class=ItemClass.EXPLOSIVE,
                            category=ItemCategory.BATON)  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(code="X-3", name="Thử", item_class=ItemClass.WEAPON)


def test_guns_are_numbered_by_default_and_batons_are_not() -> None:
    pistol = create_item(code="X-4", name="Súng ngắn thử", item_class=ItemClass.WEAPON,
                         category=ItemCategory.MILITARY_WEAPON, actor=SYSTEM)  # fmt: skip
    baton = create_item(code="X-5", name="Dùi cui thử", item_class=ItemClass.SUPPORT_TOOL,
                        category=ItemCategory.BATON, actor=SYSTEM)  # fmt: skip
    stun = create_item(code="X-6", name="Súng bắn điện thử", item_class=ItemClass.SUPPORT_TOOL,
                       category=ItemCategory.STUN_DEVICE, serial_required=True, actor=SYSTEM)  # fmt: skip
    assert (pistol.serial_required, baton.serial_required, stun.serial_required) == (
        True, False, True,
    )  # fmt: skip
    assert {i.code: i.serial_required for i in Item.objects.filter(code__startswith="VK-")} == {
        "VK-K54": True, "VK-TT-CZ452": True, "VK-SS-12": True,
    }  # fmt: skip
    assert not Item.objects.filter(code__startswith="CC-", serial_required=True).exists()


# --- licences


def test_weapons_holders_are_licensed_by_the_police() -> None:
    police = Agency.objects.get(name="Công an tỉnh Quảng Ninh")
    for name, kind, classes in (
        (SECURITY, Licence.Kind.EQUIP, [ItemClass.SUPPORT_TOOL]),
        (CLUB, Licence.Kind.USE, [ItemClass.WEAPON]),
        (RANGERS, Licence.Kind.EQUIP, [ItemClass.SUPPORT_TOOL, ItemClass.WEAPON]),
    ):
        licence = Licence.objects.get(owning_agency__name=name)
        assert (licence.kind, licence.item_classes, licence.licensing_agency) == (
            kind, sorted(classes), police,
        )  # fmt: skip
        assert licence.in_force_on(clock.today())
        assert store_of(name).licensing_agency == police


def test_a_weapon_needs_a_licence_that_lists_weapons() -> None:
    """The security company is licensed for support tools, not guns."""
    before = written()
    with pytest.raises(ValidationError, match="No licence in force permits"):
        move(SECURITY, code="VK-SS-12", lot="B12-990001", key="w-unlicensed")
    assert written() == before
    # The police widen the licence (equip: weapons too); the same receipt then goes in.
    licence = Licence.objects.get(owning_agency__name=SECURITY)
    registry.update_licence(
        licence, item_classes=[ItemClass.SUPPORT_TOOL, ItemClass.WEAPON], actor=SYSTEM
    )
    move(SECURITY, code="VK-SS-12", lot="B12-990001", key="w-unlicensed")
    assert held(store_of(SECURITY), "VK-SS-12", "B12-990001") == 1


def test_a_police_officer_records_an_equip_licence(
    client_for: Callable[[str], Client], persona: Callable[[str], Any]
) -> None:
    licence = registry.create_licence(
        org(CLUB), number="44/GP-PC06", kind=Licence.Kind.EQUIP,
        issuer=Agency.objects.get(name="Công an tỉnh Quảng Ninh"),
        valid_from=clock.today(), valid_to=clock.today() + dt.timedelta(days=365),
        item_classes=[ItemClass.SUPPORT_TOOL], actor=persona("thuongtruc"),
    )  # fmt: skip
    page = client_for("thuongtruc").get(f"/controlled/licences/{licence.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Trang bị" in text and "Công cụ hỗ trợ" in text


# --- units


def test_the_ledger_pages_of_a_weapons_store_say_cai_never_pcs(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("thuongtruc")
    client.cookies["django_language"] = "vi"
    for name in (SECURITY, CLUB, RANGERS):
        store = store_of(name)
        urls = [
            f"/controlled/stores/{store.pk}/",
            f"/controlled/movements/?store={store.pk}",
            f"/controlled/balances/?organisation={store.owning_agency_id}",
            f"/controlled/balances/?organisation={store.owning_agency_id}&by=item",
            f"/controlled/organisations/{store.owning_agency_id}/",
        ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            text = response.content.decode()
            assert "cái" in text, url
            assert "pcs" not in text, url
    club = client.get(f"/controlled/stores/{store_of(CLUB).pk}/").content.decode()
    assert "Lô / số hiệu" in club and RIFLES[0] in club and "1 cái" in club
    security = client.get(f"/controlled/stores/{store_of(SECURITY).pk}/").content.decode()
    assert "30 cái" in security  # the rubber batons


def test_the_movement_form_says_which_item_needs_a_serial(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("kho_mo")
    client.cookies["django_language"] = "vi"
    store = Store.objects.get(name="Kho VLNCN trung tâm Cẩm Phả")
    text = client.get(f"/controlled/stores/{store.pk}/movement/").content.decode()
    assert "Lô / số hiệu" in text
    assert "Súng ngắn K54 (bắt buộc số hiệu" in text
    assert "Dùi cui điện (" not in text
    assert ">cái<" in text and "pcs<" not in text


def test_the_api_shows_pieces_as_cai(api_for: Callable[..., Client]) -> None:
    api = api_for("thuongtruc")
    store = store_of(CLUB)
    body = api.get(f"/api/v1/balances/?store={store.pk}", HTTP_ACCEPT_LANGUAGE="vi").json()
    assert body["results"] and all(r["shown"] == "1 cái" for r in body["results"])


# --- the catalogue API


def test_the_catalogue_api_gives_category_serial_and_unit(api_for: Callable[..., Client]) -> None:
    api = api_for("kho_mo")
    rows = api.get("/api/v1/items/?item_class=weapon", HTTP_ACCEPT_LANGUAGE="vi").json()["results"]
    by_code = {r["code"]: r for r in rows}
    assert set(by_code) >= {"VK-K54", "VK-TT-CZ452", "VK-SS-12"}
    assert by_code["VK-K54"]["category"] == "military_weapon"
    assert by_code["VK-K54"]["serial_required"] is True
    assert (by_code["VK-K54"]["unit"], by_code["VK-K54"]["unit_label"]) == ("pcs", "cái")
    tools = api.get("/api/v1/items/?category=handcuffs").json()["results"]
    assert [(r["code"], r["serial_required"]) for r in tools] == [("CC-KS8", False)]
    numbered = api.get("/api/v1/items/?serial_required=true").json()["results"]
    assert {r["code"] for r in numbered} == {"VK-K54", "VK-TT-CZ452", "VK-SS-12"}
    explosives = api.get("/api/v1/items/?item_class=explosive").json()["results"]
    assert explosives and all(
        (r["category"], r["serial_required"], r["unit"]) == ("", False, "kg") for r in explosives
    )


# --- inspections


def test_a_weapons_store_is_reminded_of_its_next_inspection() -> None:
    inspection = Inspection.objects.get(store=store_of(CLUB))
    assert inspection.next_due is not None
    assert inspection.inspecting_agency.name == "Công an tỉnh Quảng Ninh"
    # Not yet: the reminder goes 14 days ahead.
    assert not Reminder.objects.filter(rule=RULE, about_id=str(inspection.pk)).exists()
    remind_inspections_due(clock.now())
    assert not Reminder.objects.filter(rule=RULE, about_id=str(inspection.pk)).exists()
    with time_machine.travel(
        dt.datetime.combine(inspection.next_due - dt.timedelta(days=10), dt.time(9)).astimezone(),
        tick=False,
    ):
        now = clock.now()
        remind_inspections_due(now)
        remind_inspections_due(now)
        deliver_pending(now)
    assert Reminder.objects.filter(rule=RULE, about_id=str(inspection.pk)).count() == 1
    store_name = store_of(CLUB).name
    # The police (its licenser) and the standing office hear of it; the DIT does not.
    for username in ("thuongtruc", "quantri"):
        assert InboxEntry.objects.filter(
            user__username=username, notification__subject__contains=store_name
        ).exists(), username
    assert not InboxEntry.objects.filter(
        user__username="congthuong", notification__subject__contains=store_name
    ).exists()


# --- the command line


def test_the_catalogue_command_adds_and_lists_items() -> None:
    out = io.StringIO()
    call_command("catalogue", "add", "--code", "CC-SBD", "--name", "Súng bắn điện",
                 "--class", "support_tool", "--category", "stun_device", "--serial", stdout=out)  # fmt: skip
    assert "OK: CC-SBD" in out.getvalue()
    assert Item.objects.get(code="CC-SBD").serial_required is True
    with pytest.raises(CommandError, match="category"):
        call_command("catalogue", "add", "--code", "VK-X", "--name", "Súng",
                     "--class", "weapon", stdout=io.StringIO())  # fmt: skip
    assert not Item.objects.filter(code="VK-X").exists()
    out = io.StringIO()
    with translation.override("vi"):
        call_command("catalogue", "list", "--class", "weapon", stdout=out)
    lines = out.getvalue().splitlines()
    assert "VK-K54\tSúng ngắn K54\tweapon\tmilitary_weapon\tserial\tcái" in lines
    assert all("pcs" not in line for line in lines)
