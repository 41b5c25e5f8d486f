"""Stock ledger: movements posted per second with every guarantee on (the
organisation's chain lock, balance and total row locks, the hash chain, the
projection; a batch's one audit event), beside plain ORM creates of the same row
shape in the same run, at 1, 4 and 16 writers, on SQLite and PostgreSQL. Prints
the ratios.

    .venv/bin/python bench/bench_ledger.py [--single 200] [--batch 1000] [--writers 1,4,16]
        [--engines sqlite,postgresql] [--synchronous-commit off]

Each engine gets a fresh database in a child process (bench/_setup.py; SQLite is
a file in WAL mode; BENCH_DB_NAME names the PostgreSQL one). Writers are
threads, each with its own connection. Every writer count is measured twice:
writers spread over as many organisations (a single movement takes no lock
another organisation's writer needs: no audit event, the heads are anchored by
a sweep), and all writers in one organisation (they queue on its chain head).
Measured per writer count:

- service, single: ``services.post_movement`` one movement a transaction;
- plain: ``LedgerEntry.objects.create`` of the same row, no lock, chain or audit;
- service, batch: ``services.post_movements`` of 500 movements a transaction,
  with its one audit event (which takes the audit chain's head), and without it
  (the cost of that event, for the decision to keep it);
- plain bulk: ``bulk_create`` of 500 such rows;
- API batch: ``POST /api/v1/movements/batch/`` with 500 movements, through
  Django's whole stack (token, middleware, scope, serializers), in-process.

Goals (issue 25), at the best writer count on PostgreSQL, writers spread and all
in one organisation: single >= 1/2 of plain creates in the same run (floor 1/3).
``--synchronous-commit off`` runs both sides without waiting for the WAL flush
at each commit (to see what the flush costs; not how Vigil runs).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
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
            if SYNC_OFF and connections["default"].vendor == "postgresql":
                with connections["default"].cursor() as cursor:
                    cursor.execute("SET synchronous_commit = off")
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


@contextlib.contextmanager
def sampled_waits(on: bool) -> Iterator[Counter[str]]:
    """PostgreSQL only: what the other backends of this database are doing (active,
    and on what they wait: a row lock, the WAL flush at commit, the client), sampled
    every 10 ms while the block runs; the shares, once it ends."""
    from django.db import connection

    shares: Counter[str] = Counter()
    if not on or connection.vendor != "postgresql":
        yield shares
        return
    import psycopg

    seen: Counter[str] = Counter()
    stop = threading.Event()
    dsn = os.environ["DATABASE_URL"]

    def sample() -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            while not stop.wait(0.01):
                rows = conn.execute(
                    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND backend_type = 'client backend'"
                ).fetchall()
                for state, kind, event in rows:
                    if state == "active":
                        seen[f"{kind}:{event}" if kind else "on CPU"] += 1
                    else:
                        seen[f"{state}" + (f" ({event})" if event and state != "idle" else "")] += 1

    thread = threading.Thread(target=sample)
    thread.start()
    try:
        yield shares
    finally:
        stop.set()
        thread.join()
        total = sum(seen.values()) or 1
        shares.update({k: v / total for k, v in seen.items()})


def child(single: int, batch: int, counts: list[int]) -> None:
    global ACTOR
    import django

    django.setup()
    from vigil.core.audit import SystemActor

    ACTOR = SystemActor("bench")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from vigil.controlled.ledger import posting, services
    from vigil.controlled.models import Account, LedgerEntry
    from vigil.core import clock

    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = ["testserver"]
    flush = "off" if SYNC_OFF else "on"
    print(
        f"== {connection.vendor}: {single} single and {batch} batched movements per writer"
        + (f" (synchronous_commit {flush})" if connection.vendor == "postgresql" else "")
    )
    world = World()
    item = world.item()
    best: dict[str, tuple[float, float, int]] = {}  # mode: (single, plain, writers)
    for writers in counts:
        for spread in (True, False) if writers > 1 else (True,):
            if spread:
                pairs = [world.organisation() for _ in range(writers)]
            else:
                pairs = [world.organisation()] * writers
            tag = time.monotonic_ns()

            def service(i: int, pairs: Any = pairs, tag: int = tag) -> None:
                org, store, _client = pairs[i]
                supplier = services.external_account(org, Account.Kind.SUPPLIER)
                for k in range(single):
                    services.post_movement(
                        org, item=item, quantity=1000, from_account=supplier,
                        to_account=store.account, idempotency_key=f"s{tag}-{i}-{k}", actor=ACTOR,
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
                    seq = 10**9 + i * 10**6 + k
                    row(org, store, supplier, f"p{tag}-{i}-{k}", seq).save(force_insert=True)

            def batched(i: int, pairs: Any = pairs, tag: int = tag, name: str = "b") -> None:
                org, store, _client = pairs[i]
                supplier = services.external_account(org, Account.Kind.SUPPLIER)
                moves = [
                    services.Movement(
                        item=item,
                        quantity=1000,
                        from_account=supplier,
                        to_account=store.account,
                        idempotency_key=f"{name}{tag}-{i}-{k}",
                    )
                    for k in range(batch)
                ]
                for start in range(0, batch, BATCH):
                    services.post_movements(org, moves[start : start + BATCH], actor=ACTOR)

            def unaudited(i: int, pairs: Any = pairs, tag: int = tag) -> None:
                batched(i, pairs, tag, name="u")

            def plain_bulk(i: int, pairs: Any = pairs, tag: int = tag) -> None:
                org, store, _client = pairs[i]
                supplier = services.external_account(org, Account.Kind.SUPPLIER)
                rows = [
                    row(org, store, supplier, f"q{tag}-{i}-{k}", 2 * 10**9 + i * 10**6 + k)
                    for k in range(batch)
                ]
                for start in range(0, batch, BATCH):
                    LedgerEntry.objects.bulk_create(rows[start : start + BATCH])

            def api(i: int, pairs: Any = pairs, tag: int = tag) -> None:
                _org, store, client = pairs[i]
                for start in range(0, batch, BATCH):
                    body = {
                        "movements": [
                            {"item": item.pk, "quantity": "1", "unit": "kg",
                             "from_kind": "supplier", "to_store": store.pk,
                             "idempotency_key": f"a{tag}-{i}-{k}"}
                            for k in range(start, min(batch, start + BATCH))
                        ]
                    }  # fmt: skip
                    response = client.post(
                        "/api/v1/movements/batch/", body, content_type="application/json"
                    )
                    assert response.status_code == 201, response.content[:300]

            if writers == counts[0] and spread:
                _probe(pairs[0], item, tag)

            rates = {}
            works: list[tuple[str, Callable[[int], None], int]] = [
                ("service", service, single), ("plain", plain, single),
            ]  # fmt: skip
            if spread and batch:
                works += [
                    ("batch", batched, batch), ("plain bulk", plain_bulk, batch),
                    ("API batch", api, batch),
                ]  # fmt: skip
            for name, work, n in works:
                with sampled_waits(WAITS and name in ("service", "plain")) as waits:
                    rates[name] = writers * n / run(writers, work)
                if waits:
                    print(f"  {name}, {writers} writers, what the writers' backends were doing: "
                          + ", ".join(f"{k} {v:.0%}" for k, v in waits.most_common(6)))  # fmt: skip
            if spread and batch:
                audited = posting._audit
                posting._audit = lambda org, new, actor: None  # type: ignore[assignment]
                try:
                    rates["batch, no event"] = writers * batch / run(writers, unaudited)
                finally:
                    posting._audit = audited
            where = f"{writers} organisations" if spread else "one organisation"
            where = "one organisation" if writers == 1 else where
            ratio = rates["service"] / rates["plain"]
            line = (
                f"  {writers:>2} writers, {where:>16}: single {rates['service']:6,.0f}/s vs plain "
                f"{rates['plain']:6,.0f}/s (ratio {ratio:.2f})"
            )
            if "batch" in rates:
                line += (
                    f"; batch {rates['batch']:6,.0f}/s (without its audit event "
                    f"{rates['batch, no event']:6,.0f}/s) vs plain bulk "
                    f"{rates['plain bulk']:6,.0f}/s (ratio {rates['batch'] / rates['plain bulk']:.2f}); "
                    f"API batch {rates['API batch']:6,.0f}/s"
                )
            print(line, flush=True)
            for mode in ("spread" if spread else "one", *(("one",) if writers == 1 else ())):
                if mode not in best or rates["service"] > best[mode][0]:
                    best[mode] = (rates["service"], rates["plain"], writers)
    for mode, (rate, plain_rate, writers) in best.items():
        ratio = rate / plain_rate
        verdict = (
            "goal met" if ratio >= 0.5 else ("floor met" if ratio >= 1 / 3 else "BELOW the floor")
        )
        where = "spread over organisations" if mode == "spread" else "all in one organisation"
        print(
            f"  best single, writers {where}: {rate:,.0f}/s at {writers} writers, "
            f"plain {plain_rate:,.0f}/s in the same run: ratio {ratio:.2f} ({verdict})"
        )


def _probe(pair: Any, item: Any, tag: int) -> None:
    """Statements of one movement and of one batch (BEGIN and COMMIT included)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vigil.controlled.ledger import services
    from vigil.controlled.models import Account

    org, store, _client = pair
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
    with CaptureQueriesContext(connection) as plain:
        from vigil.controlled.models import LedgerEntry

        LedgerEntry.objects.create(
            seq=3 * 10**9, at=clock_now(), owning_agency=org,
            owning_committee_id=store.owning_committee_id,
            licensing_agency_id=store.licensing_agency_id, item=item, quantity=1000,
            from_account=supplier, to_account=store.account, idempotency_key=f"plain{tag}",
            actor_label="bench", canonical="{}", prev_hash="0" * 64, hash="0" * 64,
        )  # fmt: skip
    print(
        f"  statements: {len(one)} for one movement (BEGIN and COMMIT included), "
        f"{len(many)} for a batch of {BATCH}, {len(plain)} for a plain create"
    )
    for query in one:
        print(f"    {query['time']}s  {query['sql'][:110]}")


def clock_now() -> Any:
    from vigil.core import clock

    return clock.now()


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
SYNC_OFF = False  # --synchronous-commit off: both sides commit without the WAL flush
WAITS = False  # --waits: sample what PostgreSQL's backends wait on (single and plain)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--single", type=int, default=200, help="single movements per writer")
    parser.add_argument("--batch", type=int, default=1000, help="batched movements per writer")
    parser.add_argument("--writers", default="1,4,16")
    parser.add_argument("--engines", default="", help="sqlite,postgresql (default: both)")
    parser.add_argument("--synchronous-commit", default="on", choices=["on", "off"])
    parser.add_argument("--waits", action="store_true", help="PostgreSQL: sample wait events")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    counts = [int(w) for w in args.writers.split(",")]
    if args.child:
        global SYNC_OFF, WAITS
        SYNC_OFF = args.synchronous_commit == "off"
        WAITS = args.waits
        child(args.single, args.batch, counts)
        return
    chosen = [e for e in engines() if not args.engines or e in args.engines.split(",")]
    for engine in chosen:
        env = fresh_database(engine, os.environ.get("BENCH_DB_NAME", "ledger"))
        run_child(
            __file__, env, "--single", str(args.single), "--batch", str(args.batch),
            "--writers", args.writers, "--synchronous-commit", args.synchronous_commit,
            *(["--waits"] if args.waits else []),
        )  # fmt: skip


if __name__ == "__main__":
    main()
