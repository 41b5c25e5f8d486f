"""Stock ledger: movements posted per second with every guarantee on (the
organisation's chain lock, balance and total row locks, the hash chain, the
audit event, the projection), beside plain ORM creates of the same row shape in
the same run, at 1, 4 and 16 writers, on SQLite and PostgreSQL. Prints the ratios.

    .venv/bin/python bench/bench_ledger.py [--single 200] [--batch 1000] [--writers 1,4,16]

Each engine gets a fresh database in a child process (bench/_setup.py; SQLite is
a file in WAL mode). Writers are threads, each with its own connection, each
posting for its own organisation (so they meet on the audit chain's head only).
Measured per writer count:

- service, single: ``services.post_movement`` one movement a transaction;
- plain: ``LedgerEntry.objects.create`` of the same row, no lock, chain or audit;
- service, batch: ``services.post_movements`` of 500 movements a transaction;
- plain bulk: ``bulk_create`` of 500 such rows;
- API batch: ``POST /api/v1/movements/batch/`` with 500 movements, through
  Django's whole stack (token, middleware, scope, serializers), in-process.

Goals (issue 12), at the best writer count on PostgreSQL: single >= 300/s,
batch endpoint >= 1,000 movements/s.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
from _setup import engines, fresh_database, run_child

BATCH = 500
warnings.filterwarnings("ignore", message="No directory at")  # static files: not served here


def run(writers: int, work: Callable[[int], None]) -> float:
    """Seconds for ``writers`` threads to each run ``work(i)``, started together."""
    from django.db import connections

    start = threading.Barrier(writers + 1)
    errors: list[BaseException] = []

    def body(i: int) -> None:
        try:
            start.wait()
            work(i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - began


def child(single: int, batch: int, counts: list[int]) -> None:
    global ACTOR
    import django

    django.setup()
    from vigil.core.audit import SystemActor

    ACTOR = SystemActor("bench")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vigil.controlled.ledger import services
    from vigil.controlled.models import Account, LedgerEntry
    from vigil.core import clock

    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = ["testserver"]
    print(f"== {connection.vendor}: {single} single and {batch} batched movements per writer")
    world = World()
    item = world.item()
    for writers in counts:
        pairs = [world.organisation() for _ in range(writers)]
        tag = time.monotonic_ns()

        def service(i: int, pairs: Any = pairs, tag: int = tag) -> None:
            org, store, _client = pairs[i]
            supplier = services.external_account(org, Account.Kind.SUPPLIER)
            for k in range(single):
                services.post_movement(
                    org, item=item, quantity=1000, from_account=supplier,
                    to_account=store.account, idempotency_key=f"s{tag}-{k}", actor=ACTOR,
                )  # fmt: skip

        def row(org: Any, store: Any, supplier: Any, key: str, seq: int) -> LedgerEntry:
            return LedgerEntry(
                seq=seq, at=clock.now(), owning_agency=org,
                owning_committee_id=store.owning_committee_id,
                licensing_agency_id=store.licensing_agency_id, item=item, quantity=1000,
                from_account=supplier, to_account=store.account, idempotency_key=key,
                actor_label="bench", canonical="{}", prev_hash="0" * 64, hash="0" * 64,
            )  # fmt: skip

        def plain(i: int, pairs: Any = pairs, tag: int = tag) -> None:
            org, store, _client = pairs[i]
            supplier = services.external_account(org, Account.Kind.SUPPLIER)
            for k in range(single):
                row(org, store, supplier, f"p{tag}-{k}", 10**9 + k).save(force_insert=True)

        def batched(i: int, pairs: Any = pairs, tag: int = tag) -> None:
            org, store, _client = pairs[i]
            supplier = services.external_account(org, Account.Kind.SUPPLIER)
            moves = [
                services.Movement(
                    item=item,
                    quantity=1000,
                    from_account=supplier,
                    to_account=store.account,
                    idempotency_key=f"b{tag}-{k}",
                )
                for k in range(batch)
            ]
            for start in range(0, batch, BATCH):
                services.post_movements(org, moves[start : start + BATCH], actor=ACTOR)

        def plain_bulk(i: int, pairs: Any = pairs, tag: int = tag) -> None:
            org, store, _client = pairs[i]
            supplier = services.external_account(org, Account.Kind.SUPPLIER)
            rows = [row(org, store, supplier, f"q{tag}-{k}", 2 * 10**9 + k) for k in range(batch)]
            for start in range(0, batch, BATCH):
                LedgerEntry.objects.bulk_create(rows[start : start + BATCH])

        def api(i: int, pairs: Any = pairs, tag: int = tag) -> None:
            _org, store, client = pairs[i]
            for start in range(0, batch, BATCH):
                body = {
                    "movements": [
                        {"item": item.pk, "quantity": "1", "unit": "kg", "from_kind": "supplier",
                         "to_store": store.pk, "idempotency_key": f"a{tag}-{k}"}
                        for k in range(start, min(batch, start + BATCH))
                    ]
                }  # fmt: skip
                response = client.post(
                    "/api/v1/movements/batch/", body, content_type="application/json"
                )
                assert response.status_code == 201, response.content[:300]

        if writers == counts[0]:
            org, store, _client = pairs[0]
            supplier = services.external_account(org, Account.Kind.SUPPLIER)
            services.post_movement(
                org, item=item, quantity=1000, from_account=supplier,
                to_account=store.account, idempotency_key=f"warm{tag}", actor=ACTOR,
            )  # fmt: skip
            with CaptureQueriesContext(connection) as one:
                services.post_movement(
                    org, item=item, quantity=1000, from_account=supplier,
                    to_account=store.account, idempotency_key=f"probe{tag}", actor=ACTOR,
                )  # fmt: skip
            moves = [
                services.Movement(
                    item=item,
                    quantity=1000,
                    from_account=supplier,
                    to_account=store.account,
                    idempotency_key=f"probe{tag}-{k}",
                )
                for k in range(BATCH)
            ]
            with CaptureQueriesContext(connection) as many:
                services.post_movements(org, moves, actor=ACTOR)
            print(
                f"  statements: {len(one)} for one movement (BEGIN and COMMIT included), "
                f"{len(many)} for a batch of {BATCH}"
            )

        rates = {}
        for name, work, n in (
            ("service", service, single),
            ("plain", plain, single),
            ("batch", batched, batch),
            ("plain bulk", plain_bulk, batch),
            ("API batch", api, batch),
        ):
            rates[name] = writers * n / run(writers, work)
        print(
            f"  {writers:>2} writers: single {rates['service']:7,.0f}/s vs plain "
            f"{rates['plain']:7,.0f}/s (ratio {rates['service'] / rates['plain']:.2f}); "
            f"batch {rates['batch']:7,.0f}/s vs plain bulk {rates['plain bulk']:7,.0f}/s "
            f"(ratio {rates['batch'] / rates['plain bulk']:.2f}); "
            f"API batch {rates['API batch']:7,.0f}/s "
            f"(ratio to plain {rates['API batch'] / rates['plain']:.2f})"
        )


class World:
    """A province, a licensing department, one explosive, and organisations on demand,
    each with a store, a licence and a storekeeper holding a write token."""

    def __init__(self) -> None:
        from vigil.core.models import AdminUnit
        from vigil.org.models import Agency, Committee

        self.province, _ = AdminUnit.objects.get_or_create(
            code="98", defaults={"name": "Tỉnh Đo", "kind": "province"}
        )
        self.commune, _ = AdminUnit.objects.get_or_create(
            code="98001", defaults={"name": "Xã Đo", "kind": "commune", "parent": self.province}
        )
        committee, _ = Committee.objects.get_or_create(
            name="BCĐ tỉnh Đo",
            defaults={"short_name": "BCĐ", "level": "province", "admin_unit": self.province},
        )
        self.dit, _ = Agency.objects.get_or_create(
            name="Sở Công Thương Đo", defaults={"kind": "department", "committee": committee}
        )
        self.count = 0

    def item(self) -> Any:
        from vigil.controlled.catalogue import services
        from vigil.controlled.models import ItemClass

        return services.create_item(
            code="B-NT", name="Thuốc nổ đo", item_class=ItemClass.EXPLOSIVE, actor=ACTOR
        )

    def organisation(self) -> tuple[Any, Any, Any]:
        import datetime as dt

        from django.test import Client

        from vigil.accounts.services import create_token, create_user
        from vigil.controlled.models import ItemClass, Store
        from vigil.controlled.registry import services
        from vigil.core import clock
        from vigil.org.models import Agency, Role
        from vigil.org.services import grant_membership

        self.count += 1
        n = self.count
        org = Agency.objects.create(
            name=f"Mỏ đo {n}", kind="licensed_organisation", admin_unit=self.commune
        )
        org.licensed_by.set([self.dit])
        store = services.create_store(
            org, name=f"Kho đo {n}", admin_unit=self.commune, kind=Store.Kind.PERMANENT,
            capacities={ItemClass.EXPLOSIVE: 10**15}, actor=ACTOR,
        )  # fmt: skip
        services.create_licence(
            org, number=f"B{n}/GP", kind="use", issuer=self.dit, valid_from=clock.today(),
            valid_to=clock.today() + dt.timedelta(days=30), item_classes=[ItemClass.EXPLOSIVE],
            actor=ACTOR,
        )  # fmt: skip
        user = create_user(
            username=f"kho_do_{n}", full_name=f"Thủ kho đo {n}", password=None, actor=ACTOR
        )
        grant_membership(
            user, agency=org, role=Role.STOREKEEPER, valid_from=clock.today(), actor=ACTOR
        )
        _token, raw = create_token(user, name="bench", scope="write", actor=ACTOR)
        return org, store, Client(headers={"Authorization": f"Bearer {raw}"})


ACTOR: Any = None  # the system actor, once Django is set up


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--single", type=int, default=200, help="single movements per writer")
    parser.add_argument("--batch", type=int, default=1000, help="batched movements per writer")
    parser.add_argument("--writers", default="1,4,16")
    parser.add_argument("--engines", default="", help="sqlite,postgresql (default: both)")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    counts = [int(w) for w in args.writers.split(",")]
    if args.child:
        child(args.single, args.batch, counts)
        return
    chosen = [e for e in engines() if not args.engines or e in args.engines.split(",")]
    for engine in chosen:
        env = fresh_database(engine, os.environ.get("BENCH_DB_NAME", "ledger"))
        run_child(
            __file__, env, "--single", str(args.single), "--batch", str(args.batch),
            "--writers", args.writers,
        )  # fmt: skip


if __name__ == "__main__":
    main()
