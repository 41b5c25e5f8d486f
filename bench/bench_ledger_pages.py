"""Ledger pages with 1,000,000 entries: median and p95 of the store page (balances,
totals, last movements) and of the movement history (first page, and filtered
pages), beside the signed-in empty base layout in the same run.

    .venv/bin/python bench/bench_ledger_pages.py [--entries 1000000] [--requests 30]

Per engine (SQLite, and PostgreSQL when the local server answers), in a fresh
database: the demo, then ``--entries`` entries appended to the demo mine's
chain directly (each with its canonical text and HMAC, linked to the one
before, the chain head moved to the last; receipts and issues in pairs so the
balances stay right), then each page requested through Django's whole stack as
the licensing department (``congthuong``, sees the province) and the mine's
storekeeper (``kho_mo``). ``--verify`` also runs ``vigil ledger verify`` and
``reconcile`` over the lot. Goal (issue 12): p95 < 150 ms on both engines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
from _setup import engines, fresh_database, percentile, run_child

MINE = "Công ty Cổ phần Than Demo Cẩm Phả"


def load(entries: int) -> float:
    """Append ``entries`` chained entries to the mine's ledger; seconds taken."""
    from django.db import connection

    from vigil.controlled.ledger.chain import CANONICAL_FIELDS, canonical_text
    from vigil.controlled.models import Account, Balance, LedgerEntry, LedgerHead, Store
    from vigil.core import clock
    from vigil.core.audit import GENESIS, compute_hash
    from vigil.org.models import Agency

    started = time.perf_counter()
    mine = Agency.objects.get(name=MINE)
    stores = list(Store.objects.filter(owning_agency=mine).select_related("account"))
    held = list(Balance.objects.filter(store__in=stores, quantity__gt=0))
    supplier = Account.objects.get(organisation=mine, kind="supplier", store=None)
    used, _ = Account.objects.get_or_create(organisation=mine, kind="consumption", store=None)
    accounts = {s.pk: s.account for s in stores}
    committees = {s.pk: (s.owning_committee_id, s.licensing_agency_id) for s in stores}
    head = LedgerHead.objects.get(organisation=mine)
    seq, prev = head.seq, head.hash or GENESIS
    end = clock.now()
    begin = end - dt.timedelta(days=730)
    step = (end - begin) / entries
    columns = [*CANONICAL_FIELDS, "canonical", "hash"]
    table = LedgerEntry._meta.db_table
    chunk: list[tuple[Any, ...]] = []
    for k in range(entries):
        balance = held[(k // 2) % len(held)]
        store_account = accounts[balance.store_id]
        receipt = k % 2 == 0  # a receipt, then the issue of the same quantity
        seq += 1
        committee, licenser = committees[balance.store_id]
        values: dict[str, Any] = {
            "seq": seq, "at": begin + step * k, "owning_agency_id": mine.pk,
            "owning_committee_id": committee, "licensing_agency_id": licenser,
            "classification": 0, "item_id": balance.item_id, "lot": balance.lot,
            "quantity": 1 + (k // 2) % 7,
            "from_account_id": supplier.pk if receipt else store_account.pk,
            "to_account_id": store_account.pk if receipt else used.pk,
            "idempotency_key": f"load-{seq}", "document_ref": f"PN-{k // 2}", "reason": "",
            "actor_id": None, "actor_label": "system:bench", "reverses_id": None,
            "prev_hash": prev,
        }  # fmt: skip
        canonical = canonical_text(values)
        prev = compute_hash(canonical)
        values["canonical"], values["hash"] = canonical, prev
        if connection.vendor == "sqlite":
            values["at"] = connection.ops.adapt_datetimefield_value(values["at"])
        chunk.append(tuple(values[c] for c in columns))
        if len(chunk) == 50_000 or k == entries - 1:
            _insert(table, columns, chunk)
            LedgerHead.objects.filter(organisation=mine).update(seq=seq, hash=prev)
            chunk = []
    return time.perf_counter() - started


def _insert(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Rows straight in: COPY on PostgreSQL, executemany on SQLite (the ORM's bulk
    path takes minutes for a million)."""
    from django.db import connection, transaction

    names = ", ".join(columns)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def child(entries: int, requests: int, verify: bool, explain: bool) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from vigil.accounts.models import User
    from vigil.controlled.ledger import chain as ledger
    from vigil.controlled.ledger.queries import refresh_statistics
    from vigil.controlled.models import Item, LedgerEntry, Store
    from vigil.core import clock

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("seed", "demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    seconds = load(entries)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does after a load
    else:
        refresh_statistics(clock.now())  # what the controlled.statistics sweep does
    total = LedgerEntry.objects.count()
    print(f"== {connection.vendor}: {total:,} entries ({entries:,} loaded in {seconds:.0f} s)")
    if verify:
        started = time.perf_counter()
        result = ledger.verify()
        checked, mismatch = ledger.reconcile()
        print(
            f"  verify: ok={result.ok} ({result.checked:,} entries), reconcile: "
            f"{'ok' if mismatch is None else mismatch} ({checked} balances) "
            f"in {time.perf_counter() - started:.0f} s"
        )
    store = Store.objects.get(name="Kho VLNCN trung tâm Cẩm Phả")
    item = Item.objects.get(code="AN-NT13")
    day = (clock.today() - dt.timedelta(days=365)).isoformat()
    pages = {
        "empty base layout": "/bench/empty/",
        "store page": f"/controlled/stores/{store.pk}/",
        "history, first page": "/controlled/movements/",
        "history, store and item": f"/controlled/movements/?store={store.pk}&item={item.pk}",
        "history, one day": f"/controlled/movements/?since={day}&until={day}",
        "history, page 200": "/controlled/movements/?page=200",
        "API movements, store": f"/api/v1/movements/?store={store.pk}",
    }
    settings.ALLOWED_HOSTS = ["testserver"]
    with override_settings(ROOT_URLCONF="_bench_urls"):
        for username in ("congthuong", "kho_mo"):
            client = Client()
            client.force_login(User.objects.get(username=username))
            results: dict[str, tuple[float, float]] = {}
            for name, url in pages.items():
                for _ in range(2):  # warm caches and connections
                    assert client.get(url).status_code == 200, url
                times = []
                for _ in range(requests):
                    t0 = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - t0) * 1000)
                    assert response.status_code == 200
                results[name] = (statistics.median(times), percentile(times, 95))
            print(f"  as {username}:")
            if explain:
                from django.test.utils import CaptureQueriesContext

                for name, url in pages.items():
                    with CaptureQueriesContext(connection) as queries:
                        client.get(url)
                    slow = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))
                    print(f"    {name}: {len(queries)} queries; slowest:")
                    for q in slow[:3]:
                        print(f"      {float(q['time']) * 1000:6.1f} ms  {q['sql'][:600]}")
            for name, (median, p95) in results.items():
                verdict = "" if name == "empty base layout" else (
                    "  ok" if p95 < 150 else "  ABOVE GOAL"
                )  # fmt: skip
                print(f"    {name:<24} median {median:7.1f} ms  p95 {p95:7.1f} ms{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--verify", action="store_true")
    parser.add_argument("--explain", action="store_true", help="print each page's slowest queries")
    parser.add_argument("--engines", default="", help="sqlite,postgresql (default: both)")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.entries, args.requests, args.verify, args.explain)
        return
    chosen = [e for e in engines() if not args.engines or e in args.engines.split(",")]
    for engine in chosen:
        env = fresh_database(engine, os.environ.get("BENCH_DB_NAME", "ledger_pages"))
        env["PYTHONPATH"] = os.path.dirname(os.path.abspath(__file__))
        extra = [f"--{flag}" for flag in ("verify", "explain") if getattr(args, flag)]
        run_child(
            __file__, env, "--entries", str(args.entries), "--requests", str(args.requests),
            *extra,
        )  # fmt: skip


if __name__ == "__main__":
    main()
