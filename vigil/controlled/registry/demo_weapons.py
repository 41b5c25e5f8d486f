"""Demo data for weapons and support tools (vũ khí, công cụ hỗ trợ): the catalogue's
guns and tools, a security company holding support tools, a shooting club holding
sporting and hunting guns with their serial numbers, a forest-ranger unit holding
military pistols, their licences from the Provincial Police (PC06 issues them),
stores, inspections and receipts through the ledger.

Counts and serial numbers of pieces only: a serial belongs to the piece, and no
person (holder, shooter, guard) is recorded. Written in the caller's transaction
(``seed_controlled``), through the helpers that nest.
"""

from __future__ import annotations

import datetime as dt

from vigil.controlled.catalogue.models import Item, ItemCategory, ItemClass
from vigil.controlled.catalogue.services import create_item_within
from vigil.controlled.inspections.models import InspectionResult
from vigil.controlled.inspections.services import record_inspection_within
from vigil.controlled.ledger.models import Account
from vigil.controlled.ledger.services import external_account, post_movement_within
from vigil.controlled.registry import services as registry
from vigil.controlled.registry.models import Licence, Sector, Store
from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.models import AdminUnit
from vigil.org.demo import OrgWorld
from vigil.org.models import Agency

W, T, C = ItemClass.WEAPON, ItemClass.SUPPORT_TOOL, ItemCategory

# code, name, class, category, maker; serial numbers follow the category's default.
ITEMS = [
    ("VK-K54", "Súng ngắn K54", W, C.MILITARY_WEAPON, "Nhà máy Z111"),
    ("VK-TT-CZ452", "Súng trường thể thao CZ 452", W, C.SPORTING_WEAPON, "CZ"),
    ("VK-SS-12", "Súng săn hai nòng cỡ 12", W, C.HUNTING_GUN, "Baikal"),
    ("CC-DCD", "Dùi cui điện", T, C.STUN_DEVICE, ""),
    ("CC-RD", "Roi điện", T, C.STUN_DEVICE, ""),
    ("CC-DCCS", "Dùi cui cao su", T, C.BATON, ""),
    ("CC-BXHC", "Bình xịt hơi cay", T, C.GAS_SPRAY, ""),
    ("CC-KS8", "Khóa số tám", T, C.HANDCUFFS, ""),
]  # fmt: skip

SECURITY = "Công ty TNHH Dịch vụ Bảo vệ Demo Hạ Long"
CLUB = "Câu lạc bộ Bắn súng thể thao Demo Quảng Ninh"
RANGERS = "Hạt Kiểm lâm Demo Uông Bí"

# The sporting rifles and hunting guns of the club, and the rangers' pistols, by serial.
RIFLES = ["CZ452-A0411", "CZ452-A0412", "CZ452-A0413", "CZ452-A0414"]
HUNTING = ["B12-770031", "B12-770032"]
PISTOLS = ["K54-TD1021", "K54-TD1022", "K54-TD1023"]


def seed_weapons(w: OrgWorld, actor: SystemActor) -> dict[str, Item]:
    """The catalogue's weapons and tools, three holders licensed by the police."""
    items = {
        code: create_item_within(
            code=code, name=name, item_class=cls, category=category, maker=maker, actor=actor
        )
        for code, name, cls, category, maker in ITEMS
    }
    police = w.agencies["police"]
    today = clock.today()
    security, security_store = _holder(
        SECURITY, "5700000101", Sector.SECURITY, "06688", "Kho công cụ hỗ trợ trụ sở Hạ Long",
        police=police, actor=actor,
    )  # fmt: skip
    registry.create_licence_within(
        security, number="27/GP-PC06", kind=Licence.Kind.EQUIP, issuer=police,
        valid_from=today - dt.timedelta(days=200), valid_to=today + dt.timedelta(days=900),
        item_classes=[T], actor=actor,
    )  # fmt: skip
    tools = [("CC-DCD", 12), ("CC-RD", 6), ("CC-DCCS", 30), ("CC-BXHC", 24), ("CC-KS8", 15)]
    for n, (code, quantity) in enumerate(tools, 1):
        _receive(security, security_store, items[code], quantity, "", f"demo-w-s{n}",
                 "PN-CCHT-01", actor)  # fmt: skip

    club, club_store = _holder(
        CLUB, "5700000102", Sector.CLUB, "06673", "Kho vũ khí thể thao trường bắn Bãi Cháy",
        police=police, actor=actor,
    )  # fmt: skip
    registry.create_licence_within(
        club, number="31/GP-PC06", kind=Licence.Kind.USE, issuer=police,
        valid_from=today - dt.timedelta(days=120), valid_to=today + dt.timedelta(days=1000),
        item_classes=[W], actor=actor,
    )  # fmt: skip
    guns = [("VK-TT-CZ452", s) for s in RIFLES] + [("VK-SS-12", s) for s in HUNTING]
    for n, (code, serial) in enumerate(guns, 1):
        _receive(club, club_store, items[code], 1, serial, f"demo-w-c{n}", "PN-VK-01", actor)

    rangers, rangers_store = _holder(
        RANGERS, "5700000103", Sector.STATE_AGENCY, "06811", "Kho vũ khí Hạt Kiểm lâm Uông Bí",
        police=police, actor=actor,
    )  # fmt: skip
    registry.create_licence_within(
        rangers, number="08/GP-PC06", kind=Licence.Kind.EQUIP, issuer=police,
        valid_from=today - dt.timedelta(days=400), valid_to=today + dt.timedelta(days=700),
        item_classes=[W, T], actor=actor,
    )  # fmt: skip
    for n, serial in enumerate(PISTOLS, 1):
        _receive(rangers, rangers_store, items["VK-K54"], 1, serial, f"demo-w-r{n}",
                 "PN-VK-K54", actor)  # fmt: skip
    _receive(rangers, rangers_store, items["CC-DCCS"], 10, "", "demo-w-r9", "PN-VK-K54", actor)

    # Periodic inspections by the police; the next ones fall well after the
    # explosives stores' (whose reminders other demos count).
    record_inspection_within(
        security_store, date=today - dt.timedelta(days=30), inspecting_agency=police,
        result=InspectionResult.SATISFACTORY, next_due=today + dt.timedelta(days=335),
        findings="Công cụ hỗ trợ đủ số lượng theo giấy phép; sổ theo dõi ghi đúng.", actor=actor,
    )  # fmt: skip
    record_inspection_within(
        club_store, date=today - dt.timedelta(days=60), inspecting_agency=police,
        result=InspectionResult.DEFICIENCIES, next_due=today + dt.timedelta(days=305),
        findings="Tủ súng chưa có khóa hai lớp; yêu cầu khắc phục trong 15 ngày.", actor=actor,
    )  # fmt: skip
    return items


def _holder(
    name: str, tax_code: str, sector: str, commune: str, store_name: str, *, police: Agency,
    actor: SystemActor,
) -> tuple[Agency, Store]:  # fmt: skip
    """An organisation licensed by the police, with one store counted in pieces."""
    unit = AdminUnit.objects.get(code=commune)
    profile = registry.create_organisation_within(
        name=name, tax_code=tax_code, sector=sector, admin_unit=unit, licensing_agency=police,
        address=f"{unit.name}, tỉnh Quảng Ninh", actor=actor,
    )  # fmt: skip
    organisation = profile.organisation
    store = registry.create_store_within(
        organisation, name=store_name, admin_unit=unit, kind=Store.Kind.PERMANENT,
        capacities={ItemClass.WEAPON: 50, ItemClass.SUPPORT_TOOL: 300}, actor=actor,
    )  # fmt: skip
    return organisation, store


def _receive(
    organisation: Agency, store: Store, item: Item, quantity: int, serial: str, key: str,
    document: str, actor: SystemActor,
) -> None:  # fmt: skip
    post_movement_within(
        organisation, item=item, quantity=quantity, from_account=external_account(
            organisation, Account.Kind.SUPPLIER), to_account=store.account, lot=serial,
        idempotency_key=key, document_ref=document, reason="Nhập kho theo giấy phép",
        actor=actor,
    )  # fmt: skip
