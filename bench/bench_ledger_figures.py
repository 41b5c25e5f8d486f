"""Period figures of a province-year with 1,000,000 entries: median and max of
``period_figures`` for the year, as Vigil itself (sees all), the licensing
department (``congthuong``, sees the province's organisations) and the mine's
storekeeper (``kho_mo``), and the figures it printed.

    .venv/bin/python bench/bench_ledger_figures.py [--entries 1000000] [--runs 7]
        [--engines sqlite,postgresql]

Per engine (SQLite file, and PostgreSQL at postgres://postgres@127.0.0.1:5432/
vigil_figures_bench when the server answers), in a fresh database: the demo, then
``--entries`` entries spread over this year (Vietnam time) written straight in
(COPY / executemany, outside the posting path: each entry chained with its
canonical text and HMAC, the chain heads moved), in the real accounts of the demo's
two organisations and three stores: a receipt, then the same quantity out again
(to consumption, destruction, a loss, a blasting face, or a transfer through in
transit), so the balances stay those of the
ledger; one movement in fifty is reversed. Goal (issue 25): < 1 s on both engines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
from _setup import PG_SERVER, engines, run_child

DATABASE = "vigil_figures_bench"
MINE = "Công ty Cổ phần Than Demo Cẩm Phả"
QUARRY = "Công ty TNHH Đá Demo Hoành Bồ"


def load(entries: int, year: int) -> float:
    """Append ``entries`` chained entries over ``year``; seconds taken."""
    from django.db import connection
    from django.utils import timezone

    from vigil.controlled.ledger.chain import CANONICAL_FIELDS, canonical_text
    from vigil.controlled.ledger.services import external_account
    from vigil.controlled.models import Balance, LedgerEntry, LedgerHead, Store
    from vigil.core import clock
    from vigil.core.audit import GENESIS, compute_hash
    from vigil.org.models import Agency

    started = time.perf_counter()
    orgs = [Agency.objects.get(name=MINE), Agency.objects.get(name=QUARRY)]
    plans = []
    for org in orgs:
        stores = list(Store.objects.filter(owning_agency=org).select_related("account"))
        items = sorted(
            {b.item_id for b in Balance.objects.filter(store__in=stores)}
            | set(
                Balance.objects.filter(store__owning_agency__in=orgs).values_list(
                    "item_id", flat=True
                )
            )
        )
        kinds = ["supplier", "consumption", "destruction", "lost", "at_face", "in_transit"]
        outside = {k: external_account(org, k) for k in kinds}
        plans.append((org, stores, items, outside))
    heads = {org.pk: LedgerHead.objects.get_or_create(organisation=org)[0] for org in orgs}
    state: dict[int, tuple[int, str]] = {pk: (h.seq, h.hash or GENESIS) for pk, h in heads.items()}
    tz = timezone.get_default_timezone()
    begin = dt.datetime(year, 1, 1, tzinfo=tz)
    end = min(clock.now(), dt.datetime(year + 1, 1, 1, tzinfo=tz))
    step = (end - begin) / entries
    columns = [*CANONICAL_FIELDS, "canonical", "hash"]
    table = LedgerEntry._meta.db_table
    chunk: list[tuple[Any, ...]] = []
    last_id = LedgerEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for k in range(entries):
        pair = k // 2
        source: Any
        target: Any
        org, stores, items, outside = plans[pair % 2]
        store = stores[(pair // 2) % len(stores)]
        item_id = items[(pair // 7) % len(items)]
        quantity = 1 + pair % 9
        if k % 2 == 0:
            source, target = outside["supplier"], store.account
        else:
            way = (pair // 2) % 5
            target = (
                outside["consumption"], outside["destruction"], outside["lost"],
                outside["at_face"], outside["in_transit"],
            )[way]  # fmt: skip
            source = store.account
        reverses = None
        if k % 100 == 99:  # the entry before, reversed
            reverses = last_id + k
            source, target = chunk_last_accounts(chunk, columns)
        seq, prev = state[org.pk]
        seq += 1
        values: dict[str, Any] = {
            "seq": seq, "at": begin + step * k, "owning_agency_id": org.pk,
            "owning_committee_id": store.owning_committee_id,
            "licensing_agency_id": store.licensing_agency_id, "classification": 0,
            "item_id": item_id, "lot": "", "quantity": quantity,
            "from_account_id": source if isinstance(source, int) else source.pk,
            "to_account_id": target if isinstance(target, int) else target.pk,
            "idempotency_key": f"bench-{org.pk}-{seq}", "document_ref": f"PX-{pair}",
            "reason": "", "actor_id": None, "actor_label": "system:bench",
            "reverses_id": reverses, "prev_hash": prev,
        }  # fmt: skip
        canonical = canonical_text(values)
        digest = compute_hash(canonical)
        state[org.pk] = (seq, digest)
        values["canonical"], values["hash"] = canonical, digest
        if connection.vendor == "sqlite":
            values["at"] = connection.ops.adapt_datetimefield_value(values["at"])
        chunk.append(tuple(values[c] for c in columns))
        if len(chunk) == 50_000 or k == entries - 1:
            _insert(table, columns, chunk)
            chunk = []
    for pk, (seq, digest) in state.items():
        LedgerHead.objects.filter(organisation_id=pk).update(seq=seq, hash=digest)
    return time.perf_counter() - started


def chunk_last_accounts(chunk: list[tuple[Any, ...]], columns: list[str]) -> tuple[int, int]:
    """The accounts of the entry just before, swapped (its reversal)."""
    row = chunk[-1]
    return row[columns.index("to_account_id")], row[columns.index("from_account_id")]


def _insert(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Rows straight in: COPY on PostgreSQL, executemany on SQLite."""
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


def cpu_seconds() -> float:
    """CPU time of this process and, on PostgreSQL, of its server backend (the same
    machine): what a query costs, whatever else the machine's cores are doing."""
    from django.db import connection

    spent = time.process_time()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
        spent += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return spent


def child(entries: int, runs: int, existing: bool) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from vigil.accounts.models import User
    from vigil.controlled.figures.queries import Figures, half_year_figures, year_figures
    from vigil.controlled.ledger.models import Balance, LedgerEntry
    from vigil.controlled.ledger.queries import refresh_statistics
    from vigil.core import clock
    from vigil.core.audit import SystemActor

    year = clock.today().year
    seconds = 0.0
    if not existing:
        call_command("migrate", verbosity=0)
        call_command("seed", "demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        seconds = load(entries, year)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a load
    else:
        refresh_statistics(clock.now())  # what the controlled.statistics sweep does
    total = LedgerEntry.objects.count()
    print(f"== {connection.vendor}: {total:,} entries ({entries:,} loaded in {seconds:.0f} s)")
    print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    viewers = [("Vigil (all)", SystemActor("bench"))] + [
        (name, User.objects.get(username=name)) for name in ("congthuong", "kho_mo")
    ]
    periods: list[tuple[str, Callable[[Any], Figures]]] = [
        (str(year), lambda v: year_figures(v, year))
    ]
    # The second half has half the entries before it: what history costs.
    periods.append((f"H2 {year}", lambda v: half_year_figures(v, year, 2)))
    for label, viewer in viewers:
        for name, compute in periods:
            times, cpu = [], []
            figures = None
            for _ in range(runs):
                t0, c0 = time.perf_counter(), cpu_seconds()
                figures = compute(viewer)
                figures.by_organisation  # noqa: B018 - the grouping is part of the answer
                times.append(time.perf_counter() - t0)
                cpu.append(cpu_seconds() - c0)
            assert figures is not None
            verdict = "ok" if max(times) < 1 else "ABOVE GOAL"
            print(
                f"  {label:<12} {name:<8}: median {statistics.median(times) * 1000:6.0f} ms, "
                f"max {max(times) * 1000:6.0f} ms over {runs} runs  {verdict}; CPU median "
                f"{statistics.median(cpu) * 1000:6.0f} ms, max {max(cpu) * 1000:6.0f} ms"
            )
        figures = year_figures(viewer, year)
        if label.startswith("Vigil"):
            unbalanced = [line for line in figures.lines("store") if not line.balanced]
            closing = {(x.group_id, x.item_id): x.closing for x in figures.lines("store")}
            held = {(b.store_id, b.item_id): b.quantity for b in Balance.objects.all()}
            same = all(closing.get(k, 0) == v for k, v in held.items())
            print(f"  identity holds on every line: {not unbalanced}; closing = balances: {same}")
            for line in figures.by_item:
                print(f"    {line.item_name:<32} " + " | ".join(line.shown_values()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--engines", default="", help="sqlite,postgresql (default: both)")
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--existing", action="store_true",
                        help="time only, in the database DATABASE_URL and VIGIL_DATA_DIR name")  # fmt: skip
    args = parser.parse_args()
    if args.child or args.existing:
        child(args.entries, args.runs, args.existing)
        return
    chosen = [e for e in engines() if not args.engines or e in args.engines.split(",")]
    for engine in chosen:
        env = dict(os.environ)
        env["VIGIL_ENV"] = "demo"
        env["VIGIL_DATA_DIR"] = tempfile.mkdtemp(prefix="vigil-figures-")
        env["DJANGO_SETTINGS_MODULE"] = "vigil.settings"
        env["DATABASE_URL"] = ""
        if engine == "postgresql":
            import psycopg

            with psycopg.connect(PG_SERVER, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{DATABASE}"')
            env["DATABASE_URL"] = PG_SERVER.rsplit("/", 1)[0] + "/" + DATABASE
        env["PYTHONPATH"] = os.path.dirname(os.path.abspath(__file__))
        run_child(__file__, env, "--entries", str(args.entries), "--runs", str(args.runs))


if __name__ == "__main__":
    main()
