"""Demo data: the mine's catalogue, licence, two stores and a few movements."""

from __future__ import annotations

import datetime as dt

from vigil.controlled import services
from vigil.controlled.models import Account, ItemClass, Store
from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.org.demo import OrgWorld

ITEMS = [
    ("AN-NT13", "Thuốc nổ nhũ tương NT-13", ItemClass.EXPLOSIVE, "Công ty Hóa chất mỏ"),
    ("AMONIT-AD1", "Thuốc nổ Amonit AD1", ItemClass.EXPLOSIVE, "Công ty Hóa chất mỏ"),
    ("KD-VN2", "Kíp nổ điện vi sai KVP-8M", ItemClass.DETONATOR, "Nhà máy Z121"),
    ("DCN-1", "Dây nổ chịu nước", ItemClass.CORD, "Nhà máy Z121"),
]


def seed_controlled(w: OrgWorld, actor: SystemActor) -> None:
    items = {
        code: services.create_item(code=code, name=name, item_class=cls, maker=maker, actor=actor)
        for code, name, cls, maker in ITEMS
    }
    mine = w.agencies["mine"]
    assert mine.admin_unit is not None
    caps: dict[str, int] = {
        ItemClass.EXPLOSIVE: 20_000_000,  # 20 t in grams
        ItemClass.DETONATOR: 50_000,
        ItemClass.CORD: 5_000_000,  # 50 km in centimetres
    }
    main = services.create_store(
        mine, name="Kho VLNCN trung tâm Cẩm Phả", admin_unit=mine.admin_unit,
        kind=Store.Kind.PERMANENT, capacities=caps, actor=actor,
    )  # fmt: skip
    face = services.create_store(
        mine, name="Kho tạm công trường vỉa 14", admin_unit=mine.admin_unit,
        kind=Store.Kind.TEMPORARY, capacities={k: v // 10 for k, v in caps.items()}, actor=actor,
    )  # fmt: skip
    today = clock.today()
    services.create_licence(
        mine, number="125/GP-SCT", kind="use", issuer=w.agencies["dit"],
        valid_from=today - dt.timedelta(days=300), valid_to=today + dt.timedelta(days=45),
        item_classes=[ItemClass.EXPLOSIVE, ItemClass.DETONATOR, ItemClass.CORD], actor=actor,
    )  # fmt: skip
    supplier = services.external_account(mine, Account.Kind.SUPPLIER)
    used = services.external_account(mine, Account.Kind.CONSUMPTION)
    main_acc, face_acc = main.account, face.account
    post = services.post_movement
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
