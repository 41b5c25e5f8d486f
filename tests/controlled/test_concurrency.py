"""Concurrent writers against shared stores leave every balance equal to the ledger sum."""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from vigil.controlled import ledger, services
from vigil.controlled.models import Account, Balance, ItemClass, LedgerEntry, Store
from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.models import AdminUnit
from vigil.org.models import Agency, Committee

SYSTEM = SystemActor("test")
WRITERS = 8
MOVES = 25


def _world() -> tuple[list[Agency], list[Store], object]:
    province = AdminUnit.objects.create(code="99", name="Tỉnh Thử", kind="province")
    commune = AdminUnit.objects.create(code="99001", name="Xã Thử", kind="commune", parent=province)
    committee = Committee.objects.create(
        name="Ban Chỉ đạo tỉnh Thử", short_name="BCĐ", level="province", admin_unit=province
    )
    dit = Agency.objects.create(name="Sở Công Thương Thử", kind="department", committee=committee)
    item = services.create_item(
        code="C-NT", name="Thuốc nổ thử", item_class=ItemClass.EXPLOSIVE, actor=SYSTEM
    )
    orgs, stores = [], []
    today = clock.today()
    for n in range(2):
        org = Agency.objects.create(
            name=f"Mỏ thử {n}", kind="licensed_organisation", committee=None, admin_unit=commune
        )
        org.licensed_by.set([dit])
        for s in range(2):
            stores.append(
                services.create_store(
                    org,
                    name=f"Kho {n}-{s}",
                    admin_unit=commune,
                    kind=Store.Kind.PERMANENT,
                    capacities={ItemClass.EXPLOSIVE: 60_000},
                    actor=SYSTEM,
                )
            )
        services.create_licence(
            org, number=f"T{n}/GP", kind="use", issuer=dit, valid_from=today,
            valid_to=today + dt.timedelta(days=30), item_classes=[ItemClass.EXPLOSIVE],
            actor=SYSTEM,
        )  # fmt: skip
        orgs.append(org)
    return orgs, stores, item


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory shared-cache SQLite test database answers 'table is locked' "
    "instead of waiting; SQLite writers are serialised by IMMEDIATE transactions",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_lose_an_update() -> None:
    orgs, stores, item = _world()
    errors: list[BaseException] = []
    outcomes: Counter[str] = Counter()
    start = threading.Barrier(WRITERS)
    lock = threading.Lock()

    def count(outcome: str) -> None:
        with lock:
            outcomes[outcome] += 1

    def writer(number: int) -> None:
        rng = random.Random(number)
        try:
            start.wait()
            for i in range(MOVES):
                source = rng.choice([None, *stores])
                target = rng.choice([s for s in [None, *stores] if s is not source])
                store = source or target
                assert store is not None
                org = store.owning_agency
                supply = services.external_account(org, Account.Kind.SUPPLIER)
                used = services.external_account(org, Account.Kind.CONSUMPTION)
                try:
                    services.post_movement(
                        org, item=item, quantity=rng.choice([1000, 5000, 20000, 0]),  # type: ignore[arg-type]
                        from_account=source.account if source else supply,
                        to_account=target.account if target else used,
                        idempotency_key=f"w{number}-{i}", actor=SYSTEM,
                    )  # fmt: skip
                    count("posted")
                except ValidationError:
                    count("refused")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    checked, mismatch = ledger.reconcile()
    assert mismatch is None
    assert ledger.verify().ok
    assert min(Balance.objects.values_list("quantity", flat=True)) >= 0
    entries = LedgerEntry.objects.filter(owning_agency__in=orgs)
    keys = list(entries.values_list("owning_agency_id", "idempotency_key"))
    assert len(keys) == len(set(keys)) == outcomes["posted"]
    assert outcomes["posted"] > 0 and outcomes["refused"] > 0
    print(
        f"{WRITERS} writers x {MOVES}: {outcomes['posted']} posted, "
        f"{outcomes['refused']} refused, {checked} balances equal the ledger sum"
    )
