"""Random writers for the ledger's concurrency tests, shared by the PostgreSQL
(threads) and the SQLite (processes on a WAL file) variants.

Each writer posts a random mix of valid and invalid movements against a few
shared stores of two organisations: receipts, issues, transfers inside an
organisation and to the other organisation's store (so two organisations'
writers, which hold different chain locks, meet on one balance row), over
capacity, more than held, a zero quantity, a replayed key and a reused key
with a different body. ``check`` says afterwards what the ledger must prove.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import translation

from vigil.controlled.catalogue import services as catalogue
from vigil.controlled.ledger import chain as ledger
from vigil.controlled.ledger import services
from vigil.controlled.models import Account, Balance, ItemClass, LedgerEntry, Store, StoreTotal
from vigil.controlled.registry import services as registry
from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.models import AdminUnit
from vigil.org.models import Agency, Committee

SYSTEM = SystemActor("concurrency test")
CAPACITY = 60_000  # grams per store: small, so receipts often go over it
PREFIX = "Mỏ đồng thời"


@dataclass
class World:
    item: Any
    stores: list[Store]
    outside: dict[tuple[int, str], Account]  # (organisation, kind) -> account


def build_world(organisations: int = 2, stores_each: int = 2) -> None:
    province, _ = AdminUnit.objects.get_or_create(
        code="97", defaults={"name": "Tỉnh Đồng Thời", "kind": "province"}
    )
    commune, _ = AdminUnit.objects.get_or_create(
        code="97001", defaults={"name": "Xã Đồng Thời", "kind": "commune", "parent": province}
    )
    committee, _ = Committee.objects.get_or_create(
        name="Ban Chỉ đạo tỉnh Đồng Thời",
        defaults={"short_name": "BCĐ", "level": "province", "admin_unit": province},
    )
    dit, _ = Agency.objects.get_or_create(
        name="Sở Công Thương Đồng Thời", defaults={"kind": "department", "committee": committee}
    )
    catalogue.create_item(
        code="DT-NT", name="Thuốc nổ đồng thời", item_class=ItemClass.EXPLOSIVE, actor=SYSTEM
    )
    today = clock.today()
    for n in range(organisations):
        org = Agency.objects.create(
            name=f"{PREFIX} {n}", kind="licensed_organisation", committee=None, admin_unit=commune
        )
        org.licensed_by.set([dit])
        for s in range(stores_each):
            registry.create_store(
                org, name=f"Kho đồng thời {n}-{s}", admin_unit=commune,
                kind=Store.Kind.PERMANENT, capacities={ItemClass.EXPLOSIVE: CAPACITY},
                actor=SYSTEM,
            )  # fmt: skip
        registry.create_licence(
            org, number=f"DT{n}/GP", kind="use", issuer=dit, valid_from=today,
            valid_to=today + dt.timedelta(days=30), item_classes=[ItemClass.EXPLOSIVE],
            actor=SYSTEM,
        )  # fmt: skip
        for kind in (Account.Kind.SUPPLIER, Account.Kind.CONSUMPTION):
            services.external_account(org, kind)


def load_world() -> World:
    from vigil.controlled.models import Item

    stores = list(
        Store.objects.filter(owning_agency__name__startswith=PREFIX)
        .select_related("account")
        .order_by("pk")
    )
    outside = {
        (a.organisation_id, a.kind): a
        for a in Account.objects.filter(organisation__name__startswith=PREFIX, store__isnull=True)
    }
    return World(item=Item.objects.get(code="DT-NT"), stores=stores, outside=outside)


REFUSALS = {
    "holds only": "more than held",
    "exceed its capacity": "over capacity",
    "already used for a different movement": "key reused, other body",
    "greater than zero": "zero quantity",
    "refused by the ledger's rules": "database check",
}


def _classify(exc: ValidationError) -> str:
    text = " ".join(exc.messages)
    for needle, name in REFUSALS.items():
        if needle in text:
            return f"refused: {name}"
    return f"refused: {text}"


def write(number: int, moves: int, world: World) -> Counter[str]:
    """Post ``moves`` random movements; what happened to each, counted."""
    rng = random.Random(number)
    outcomes: Counter[str] = Counter()
    posted: list[tuple[Agency, services.Movement]] = []
    with translation.override("en"):
        for i in range(moves):
            org, movement = _movement(rng, number, i, world, posted)
            try:
                result = services.record_movements(org, [movement], actor=SYSTEM)[0]
            except ValidationError as exc:
                outcomes[_classify(exc)] += 1
                continue
            except OperationalError as exc:  # what writers without ordered locks run into
                outcomes[f"error: {str(exc).splitlines()[0]}"] += 1
                continue
            if result.created:
                outcomes["posted"] += 1
                posted.append((org, movement))
            else:
                outcomes["replayed"] += 1
    return outcomes


def _movement(
    rng: random.Random,
    number: int,
    i: int,
    world: World,
    posted: list[tuple[Agency, services.Movement]],
) -> tuple[Agency, services.Movement]:
    roll = rng.random()
    if posted and roll < 0.08:  # a client retrying: same key, same body
        return rng.choice(posted)
    if posted and roll < 0.14:  # the same key for another movement
        org, first = rng.choice(posted)
        return org, services.Movement(
            item=first.item, quantity=first.quantity + 1, from_account=first.from_account,
            to_account=first.to_account, idempotency_key=first.idempotency_key,
        )  # fmt: skip
    store = rng.choice(world.stores)
    org = store.owning_agency
    supplier = world.outside[(org.pk, Account.Kind.SUPPLIER)]
    used = world.outside[(org.pk, Account.Kind.CONSUMPTION)]
    other = rng.choice([s for s in world.stores if s.pk != store.pk])
    source, target = rng.choice(
        [
            (supplier, store.account),  # receipt
            (supplier, store.account),
            (store.account, used),  # issue
            (store.account, other.account),  # transfer, often to the other organisation
        ]
    )
    quantity = rng.choice([1000, 5000, 10_000, 20_000, 45_000, 0])
    return org, services.Movement(
        item=world.item, quantity=quantity, from_account=source, to_account=target,
        idempotency_key=f"w{number}-{i}",
    )  # fmt: skip


@dataclass
class Proof:
    balances: int
    mismatch: str
    chain_ok: bool
    chain_reason: str
    entries: int
    duplicate_keys: int
    negative_balances: int
    over_capacity: int
    checks_refuse: bool


def check() -> Proof:
    """What the ledger proves after the writers: read from the database alone."""
    checked, mismatch = ledger.reconcile()
    verified = ledger.verify()
    ours = LedgerEntry.objects.filter(owning_agency__name__startswith=PREFIX)
    keys = list(ours.values_list("owning_agency_id", "idempotency_key"))
    return Proof(
        balances=checked,
        mismatch=str(mismatch or ""),
        chain_ok=verified.ok,
        chain_reason=verified.reason,
        entries=len(keys),
        duplicate_keys=len(keys) - len(set(keys)),
        negative_balances=Balance.objects.filter(quantity__lt=0).count()
        + StoreTotal.objects.filter(quantity__lt=0).count(),
        over_capacity=sum(1 for t in StoreTotal.objects.all() if t.quantity > t.capacity),
        checks_refuse=_checks_refuse(),
    )


def _checks_refuse() -> bool:
    """The database itself refuses a negative balance and a total over capacity."""
    balance = Balance.objects.filter(store__owning_agency__name__startswith=PREFIX).first()
    total = StoreTotal.objects.filter(store__owning_agency__name__startswith=PREFIX).first()
    assert balance is not None and total is not None
    refused = 0
    for model, pk, value in (
        (Balance, balance.pk, -1),
        (StoreTotal, total.pk, -1),
        (StoreTotal, total.pk, total.capacity + 1),
    ):
        try:
            with transaction.atomic():
                model.objects.filter(pk=pk).update(quantity=value)
        except IntegrityError:
            refused += 1
    return refused == 3
