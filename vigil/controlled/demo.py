"""Demo data: the catalogue; the coal mine (licence, two stores, movements) and a
second licensed organisation, a quarry, so that one organisation's storekeeper
can be shown not to reach the other's records; inspections and transfers.

The seed is one transaction of its own (all of it or none), so it writes through
the helpers that nest (``…_within``), never through the durable use cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from vigil.controlled.blasts.demo import seed_blasts
from vigil.controlled.catalogue.models import ItemClass
from vigil.controlled.catalogue.services import create_item_within
from vigil.controlled.counts.demo import seed_counts
from vigil.controlled.inspections.models import InspectionResult
from vigil.controlled.inspections.services import record_inspection_within
from vigil.controlled.ledger.models import Account
from vigil.controlled.ledger.services import external_account, post_movement_within
from vigil.controlled.registry import services as registry
from vigil.controlled.registry.demo_weapons import seed_weapons
from vigil.controlled.registry.models import Licence, Sector, Store
from vigil.controlled.transfers.services import dispatch_transfer_within, receive_transfer_within
from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.models import AdminUnit
from vigil.org.demo import OrgWorld

ITEMS = [
    ("AN-NT13", "Thuốc nổ nhũ tương NT-13", ItemClass.EXPLOSIVE, "Công ty Hóa chất mỏ"),
    ("AMONIT-AD1", "Thuốc nổ Amonit AD1", ItemClass.EXPLOSIVE, "Công ty Hóa chất mỏ"),
    ("KD-VN2", "Kíp nổ điện vi sai KVP-8M", ItemClass.DETONATOR, "Nhà máy Z121"),
    ("DCN-1", "Dây nổ chịu nước", ItemClass.CORD, "Nhà máy Z121"),
]


@transaction.atomic
def seed_controlled(w: OrgWorld, actor: SystemActor) -> None:
    items = {
        code: create_item_within(code=code, name=name, item_class=cls, maker=maker, actor=actor)
        for code, name, cls, maker in ITEMS
    }
    mine = w.agencies["mine"]
    assert mine.admin_unit is not None
    caps: dict[str, int] = {
        ItemClass.EXPLOSIVE: 20_000_000,  # 20 t in grams
        ItemClass.DETONATOR: 50_000,
        ItemClass.CORD: 5_000_000,  # 50 km in centimetres
    }
    main = registry.create_store_within(
        mine, name="Kho VLNCN trung tâm Cẩm Phả", admin_unit=mine.admin_unit,
        kind=Store.Kind.PERMANENT, capacities=caps, actor=actor,
    )  # fmt: skip
    face = registry.create_store_within(
        mine, name="Kho tạm công trường vỉa 14", admin_unit=mine.admin_unit,
        kind=Store.Kind.TEMPORARY, capacities={k: v // 10 for k, v in caps.items()}, actor=actor,
    )  # fmt: skip
    today = clock.today()
    registry.create_licence_within(
        mine, number="125/GP-SCT", kind="use", issuer=w.agencies["dit"],
        valid_from=today - dt.timedelta(days=300), valid_to=today + dt.timedelta(days=45),
        item_classes=[ItemClass.EXPLOSIVE, ItemClass.DETONATOR, ItemClass.CORD], actor=actor,
    )  # fmt: skip
    supplier = external_account(mine, Account.Kind.SUPPLIER)
    used = external_account(mine, Account.Kind.CONSUMPTION)
    main_acc, face_acc = main.account, face.account
    post = post_movement_within
    post(mine, item=items["AN-NT13"], quantity="2500", unit="kg", from_account=supplier,
         to_account=main_acc, idempotency_key="demo-1", document_ref="PN-001",
         reason="Nhập kho theo hợp đồng", actor=actor)  # fmt: skip
    post(mine, item=items["KD-VN2"], quantity=3000, unit="pcs", from_account=supplier,
         to_account=main_acc, idempotency_key="demo-2", document_ref="PN-002",
         reason="Nhập kho theo hợp đồng", actor=actor)  # fmt: skip
    post(mine, item=items["DCN-1"], quantity="1200", unit="m", from_account=supplier,
         to_account=main_acc, idempotency_key="demo-3", document_ref="PN-003",
         reason="Nhập kho theo hợp đồng", actor=actor)  # fmt: skip
    post(mine, item=items["AN-NT13"], quantity="400", unit="kg", from_account=main_acc,
         to_account=face_acc, idempotency_key="demo-4", document_ref="PX-001",
         reason="Cấp cho công trường vỉa 14", actor=actor)  # fmt: skip
    post(mine, item=items["AN-NT13"], quantity="350,5".replace(",", "."), unit="kg",
         from_account=face_acc, to_account=used, idempotency_key="demo-5",
         document_ref="HCN-014", reason="Nổ mìn theo hộ chiếu", actor=actor)  # fmt: skip
    seed_registry(w, actor, items=items, main=main)
    seed_weapons(w, actor)
    # The counts first: a store with an open blast cannot be counted (the demo leaves one open).
    seed_counts(w, actor, items=items, store=face)
    seed_blasts(w, actor, items=items)


QUARRY = "Công ty TNHH Đá Demo Hoành Bồ"


def seed_registry(w: OrgWorld, actor: SystemActor, *, items: dict[str, Any], main: Store) -> None:
    """Profiles, an expired licence with its timeline, the quarry, inspections, transfers."""
    mine, dit, police = w.agencies["mine"], w.agencies["dit"], w.agencies["police"]
    today = clock.today()
    registry.create_profile_within(
        mine, sector=Sector.COAL_MINING, actor=actor,
        parent_group="Tập đoàn Công nghiệp Than – Khoáng sản Việt Nam (TKV)",
        address="Phường Cẩm Phả, tỉnh Quảng Ninh",
    )  # fmt: skip
    old = registry.create_licence_within(
        mine, number="098/GP-SCT", kind="use", issuer=dit,
        valid_from=today - dt.timedelta(days=1100), valid_to=today - dt.timedelta(days=370),
        item_classes=[ItemClass.EXPLOSIVE, ItemClass.DETONATOR], actor=actor,
    )  # fmt: skip
    registry.change_licence_status_within(
        old, Licence.Status.EXPIRED, reason="Hết thời hạn hiệu lực", actor=actor
    )
    quarry_profile = registry.create_organisation_within(
        name=QUARRY, tax_code="5700000001", sector=Sector.QUARRYING,
        admin_unit=AdminUnit.objects.get(code="07030"), licensing_agency=dit,
        address="Phường Hoành Bồ, tỉnh Quảng Ninh", actor=actor,
    )  # fmt: skip
    quarry = quarry_profile.organisation
    assert quarry.admin_unit is not None
    quarry_store = registry.create_store_within(
        quarry, name="Kho VLNCN mỏ đá Hoành Bồ", admin_unit=quarry.admin_unit,
        kind=Store.Kind.PERMANENT, actor=actor,
        capacities={ItemClass.EXPLOSIVE: 5_000_000, ItemClass.DETONATOR: 10_000,
                    ItemClass.CORD: 1_000_000},
    )  # fmt: skip
    registry.create_licence_within(
        quarry, number="210/GP-SCT", kind="use", issuer=dit,
        valid_from=today - dt.timedelta(days=100), valid_to=today + dt.timedelta(days=400),
        item_classes=[ItemClass.EXPLOSIVE, ItemClass.DETONATOR, ItemClass.CORD], actor=actor,
    )  # fmt: skip
    post_movement_within(
        quarry, item=items["AMONIT-AD1"], quantity="800", unit="kg",
        from_account=external_account(quarry, Account.Kind.SUPPLIER),
        to_account=quarry_store.account, idempotency_key="demo-q1", document_ref="PN-Q01",
        reason="Nhập kho theo hợp đồng", actor=actor,
    )  # fmt: skip
    record_inspection_within(
        main, date=today - dt.timedelta(days=170), inspecting_agency=police,
        result=InspectionResult.SATISFACTORY, next_due=today + dt.timedelta(days=6),
        findings="Kho đạt yêu cầu về an ninh, trật tự và phòng cháy, chữa cháy.", actor=actor,
    )  # fmt: skip
    record_inspection_within(
        quarry_store, date=today - dt.timedelta(days=40), inspecting_agency=dit,
        result=InspectionResult.DEFICIENCIES, next_due=today + dt.timedelta(days=140),
        findings="Thiếu sổ theo dõi nhập – xuất – tồn; yêu cầu khắc phục trong 30 ngày.",
        actor=actor,
    )  # fmt: skip
    # Detonators, so the mine's explosive and cord balances stay those of the ledger tests.
    received = dispatch_transfer_within(
        main, to_store=quarry_store, item=items["KD-VN2"], quantity=500, unit="pcs",
        document_ref="PX-CT-001", idempotency_key="demo-t1", actor=actor,
    )  # fmt: skip
    receive_transfer_within(received, actor=actor)
    dispatch_transfer_within(
        main, to_store=quarry_store, item=items["KD-VN2"], quantity=300, unit="pcs",
        document_ref="PX-CT-002", idempotency_key="demo-t2", actor=actor,
    )  # fmt: skip
