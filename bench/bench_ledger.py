"""Stock ledger: movements per second through the service with every guarantee on
(balance locks, chain, audit, projection), beside plain ORM creates of the same row
shape, and the batch path (500 movements a transaction). Prints the ratio.

Runs on a fresh SQLite database in a temporary folder (1 writer), or on the
database of BENCH_DATABASE_URL (which it migrates; use an empty one) with 1, 4
and 16 writers, each writing its own organisation's chain.

    .venv/bin/python bench/bench_ledger.py [N per writer]
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
os.environ["VIGIL_ENV"] = "demo"
os.environ["VIGIL_DATA_DIR"] = tempfile.mkdtemp(prefix="vigil-bench-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402
from typing import Any  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from vigil.controlled import services  # noqa: E402
from vigil.controlled.models import Account, ItemClass, LedgerEntry, Store  # noqa: E402
from vigil.core import clock  # noqa: E402
from vigil.core.audit import SystemActor  # noqa: E402
from vigil.core.models import AdminUnit  # noqa: E402
from vigil.org.models import Agency, Committee  # noqa: E402

ACTOR = SystemActor("bench")


def world(writers: int) -> tuple[Any, list[tuple[Agency, Store]]]:
    province, _ = AdminUnit.objects.get_or_create(
        code="98", defaults={"name": "Tỉnh Đo", "kind": "province"}
    )
    commune, _ = AdminUnit.objects.get_or_create(
        code="98001", defaults={"name": "Xã Đo", "kind": "commune", "parent": province}
    )
    committee, _ = Committee.objects.get_or_create(
        name="BCĐ tỉnh Đo", defaults={"short_name": "BCĐ", "level": "province",
                                      "admin_unit": province},
    )  # fmt: skip
    dit, _ = Agency.objects.get_or_create(
        name="Sở Công Thương Đo", defaults={"kind": "department", "committee": committee}
    )
    item = services.create_item(
        code=f"B-{time.monotonic_ns()}", name="Thuốc nổ đo", item_class=ItemClass.EXPLOSIVE,
        actor=ACTOR,
    )  # fmt: skip
    pairs = []
    for n in range(writers):
        org = Agency.objects.create(
            name=f"Mỏ đo {time.monotonic_ns()}", kind="licensed_organisation", admin_unit=commune
        )
        org.licensed_by.set([dit])
        store = services.create_store(
            org, name=f"Kho {n}", admin_unit=commune, kind=Store.Kind.PERMANENT,
            capacities={ItemClass.EXPLOSIVE: 10**15}, actor=ACTOR,
        )  # fmt: skip
        services.create_licence(
            org, number=f"B{time.monotonic_ns()}", kind="use", issuer=dit,
            valid_from=clock.today(), valid_to=clock.today() + dt.timedelta(days=30),
            item_classes=[ItemClass.EXPLOSIVE], actor=ACTOR,
        )  # fmt: skip
        pairs.append((org, store))
    return item, pairs


def run(writers: int, work: Any) -> float:
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


def main() -> None:
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    counts = [1] if connection.vendor == "sqlite" else [1, 4, 16]
    for writers in counts:
        item, pairs = world(writers)
        tag = time.monotonic_ns()

        def service(i: int, item: Any = item, pairs: Any = pairs, tag: int = tag) -> None:
            org, store = pairs[i]
            supplier = services.external_account(org, Account.Kind.SUPPLIER)
            for k in range(N):
                services.post_movement(
                    org, item=item, quantity=1000, from_account=supplier,
                    to_account=store.account, idempotency_key=f"s{tag}-{k}", actor=ACTOR,
                )  # fmt: skip

        def plain(i: int, item: Any = item, pairs: Any = pairs, tag: int = tag) -> None:
            org, store = pairs[i]
            supplier = services.external_account(org, Account.Kind.SUPPLIER)
            for k in range(N):
                LedgerEntry.objects.create(
                    seq=10**9 + k, at=clock.now(), owning_agency=org,
                    owning_committee_id=store.owning_committee_id, item=item, quantity=1000,
                    from_account=supplier, to_account=store.account,
                    idempotency_key=f"p{tag}-{k}", actor_label="bench", canonical="{}",
                    prev_hash="0" * 64, hash="0" * 64,
                )  # fmt: skip

        def batch(i: int, item: Any = item, pairs: Any = pairs, tag: int = tag) -> None:
            org, store = pairs[i]
            supplier = services.external_account(org, Account.Kind.SUPPLIER)
            moves = [
                services.Movement(
                    item=item,
                    quantity=1000,
                    from_account=supplier,
                    to_account=store.account,
                    idempotency_key=f"b{tag}-{k}",
                )
                for k in range(N)
            ]
            for start in range(0, N, 500):
                services.post_movements(org, moves[start : start + 500], actor=ACTOR)

        total = writers * N
        guarded = total / run(writers, service)
        bare = total / run(writers, plain)
        batched = total / run(writers, batch)
        print(
            f"{writers:>2} writers: service {guarded:,.0f}/s, plain ORM {bare:,.0f}/s "
            f"(ratio {guarded / bare:.2f}); batch {batched:,.0f}/s "
            f"(ratio {batched / bare:.2f})"
        )


if __name__ == "__main__":
    main()
