"""What the stock count tests share: a store of the mine in commune A, and reads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from vigil.controlled.ledger import services as ledger
from vigil.controlled.models import Account, Balance, Item, Store
from vigil.controlled.registry import services as registry
from vigil.core.audit import SystemActor
from vigil.core.models import AdminUnit
from vigil.org.models import Agency

SYSTEM = SystemActor("test")
MINE = "Công ty Cổ phần Than Demo Cẩm Phả"
QUARRY = "Công ty TNHH Đá Demo Hoành Bồ"


def item(code: str = "AN-NT13") -> Item:
    return Item.objects.get(code=code)


def mine() -> Agency:
    return Agency.objects.get(name=MINE)


@pytest.fixture
def english(db: None) -> Iterator[None]:
    from vigil.accounts.models import User

    User.objects.update(language="en")
    with translation.override("en"):
        yield


@pytest.fixture
def store_a(db: None) -> Store:
    """A store of the mine in commune A (Vân Đồn), holding 100 kg of NT-13 and 50 m
    of cord in lot L1."""
    store = registry.create_store_within(
        mine(), name="Kho thử Vân Đồn", admin_unit=AdminUnit.objects.get(code="06994"),
        kind=Store.Kind.PERMANENT, actor=SYSTEM,
        capacities={"explosive": 1_000_000, "detonator": 1000, "cord": 100_000},
    )  # fmt: skip
    supplier = ledger.external_account(mine(), Account.Kind.SUPPLIER)
    for code, quantity, unit, lot in (("AN-NT13", 100, "kg", ""), ("DCN-1", 50, "m", "L1")):
        ledger.post_movement(
            mine(), item=item(code), quantity=quantity, unit=unit, lot=lot,
            from_account=supplier, to_account=store.account,
            idempotency_key=f"count-test-{code}", actor=SYSTEM,
        )  # fmt: skip
    return store


def held(store: Store, code: str = "AN-NT13", lot: str = "") -> int:
    row = Balance.objects.filter(store=store, item=item(code), lot=lot).first()
    return row.quantity if row else 0
