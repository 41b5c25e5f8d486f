"""Stock counts (issue 25): a count with a shortage → its incident → every addressed inbox.

For each engine (SQLite in a temporary folder; PostgreSQL in a fresh database on
127.0.0.1:5432, dropped after: ``vigil_bench_count_alert``, or the exact name
BENCH_PG_DATABASE gives) it seeds the demo plus a store of the coal mine M in the
commune of ``xa_a``'s police, stocked with 1,000 m of detonating cord (the demo's
own stores cannot be counted: one has a blast open, the other a transfer on the
road). It starts ``vigil serve`` (which supervises one ``vigil worker``), then
RUNS times: ``kho_mo``, the mine's storekeeper, records a count of the store one
centimetre of cord short of the books (``record_count``) and submits it
(``submit_count``: the discrepancy and its entry, one incident, and one alert by
Vigil's rule to the police of the store's commune, approved, in one transaction),
and it measures

- submit → inboxes: from the call of ``submit_count`` until the incident exists and
  every inbox entry the submission addressed exists (the alert's, to the commune
  police; the incident's, to the standing office), written by the worker;
- commit → inboxes: the same from the submission's COMMIT;
- the submission transaction: from the call of ``submit_count`` to its COMMIT.

Prints the figures and the number of recipients; no pass/fail.

    .venv/bin/python bench/bench_count_alert.py [RUNS]        (default 15)
    .venv/bin/python bench/bench_count_alert.py 5 --sqlite-only
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
from _setup import PG_SERVER, engines, free_port, fresh_database, percentile, run_child

ROOT = Path(__file__).resolve().parent.parent
STORE_NAME = "Kho thử đo kiểm kê"
CORD, STOCK_M = "DCN-1", 1000


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


@contextlib.contextmanager
def commit_stamps(stamps: list[float]) -> Iterator[None]:
    """Note the moment each COMMIT of the default connection returns (before the
    transaction's on-commit callbacks run: the worker's wake-up, the SMS)."""
    from django.db import connection

    original: Callable[[], None] = connection.commit

    def commit() -> None:
        original()
        stamps.append(time.perf_counter())

    setattr(connection, "commit", commit)  # noqa: B010 (an instance attribute, undone below)
    try:
        yield
    finally:
        delattr(connection, "commit")


def seed() -> Any:
    """The demo, and a store of the mine in the commune of xa_a's police, with cord in it."""
    from django.core.management import call_command
    from django.db import transaction

    from vigil.controlled.catalogue.models import Item, ItemClass
    from vigil.controlled.ledger.models import Account
    from vigil.controlled.ledger.services import external_account, post_movement_within
    from vigil.controlled.registry.models import Store
    from vigil.controlled.registry.services import create_store_within
    from vigil.core.audit import SystemActor
    from vigil.home.demo import seed_demo
    from vigil.org.models import Membership
    from vigil.situation.alerts import sms

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    with sms.muted():
        seed_demo()
    actor = SystemActor("bench")
    mine = Membership.objects.get(user__username="kho_mo").agency
    police = Membership.objects.get(user__username="xa_a").agency
    assert police.admin_unit is not None, "xa_a's police has no commune"
    with transaction.atomic():
        store = create_store_within(
            mine, name=STORE_NAME, admin_unit=police.admin_unit, kind=Store.Kind.TEMPORARY,
            capacities={ItemClass.CORD: 5_000_000}, actor=actor,
        )  # fmt: skip
        post_movement_within(
            mine, item=Item.objects.get(code=CORD), quantity=STOCK_M, unit="m",
            from_account=external_account(mine, Account.Kind.SUPPLIER),
            to_account=store.account, idempotency_key="bench-count-1", document_ref="PN-B01",
            reason="Nhập kho thử", actor=actor,
        )  # fmt: skip
    return store


def child(runs: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from vigil.accounts.models import User
    from vigil.controlled.catalogue.models import Item
    from vigil.controlled.counts.services import (
        CountLineInput,
        police_of,
        record_count,
        submit_count,
    )
    from vigil.controlled.ledger.models import Balance
    from vigil.core import clock
    from vigil.core.models import SweepState
    from vigil.inbox.delivery import recipients_of
    from vigil.inbox.models import InboxEntry, Notification
    from vigil.situation.alerts import sms
    from vigil.situation.incidents.models import Incident

    started = time.perf_counter()
    store = seed()
    engine = connection.vendor
    police = police_of(store)
    print(f"== {engine}: demo + store “{store.name}” ({STOCK_M} m of cord; alerts go to "
          f"{police}) seeded in {time.perf_counter() - started:.0f} s")  # fmt: skip
    keeper = User.objects.get(username="kho_mo")
    cord = Item.objects.get(code=CORD)

    port = free_port()
    log = open(Path(os.environ["VIGIL_DATA_DIR"]) / "serve.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "vigil", "serve", "--addr", f"127.0.0.1:{port}"],
        env=os.environ | {"EMAIL_URL": "dummy://"}, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    to_inbox, from_commit, transaction_times = [], [], []
    recipients: dict[str, int] = {}
    try:
        deadline = time.monotonic() + 120
        while not SweepState.objects.filter(name="inbox.deliver").exists():
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the worker did not start; see serve.log")
            time.sleep(0.1)
        for run in range(runs):
            book = Balance.objects.get(store=store, item=cord, lot="").quantity
            draft = record_count(
                store, counted_at=clock.now(), actor=keeper, counters="Bùi Văn Toàn (thủ kho)",
                witnesses="Lê Văn Hải (tổ trưởng bảo vệ)", note=f"Kiểm kê thử số {run}",
                lines=[CountLineInput(cord, book - 1)],
            )  # fmt: skip
            before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            stamps: list[float] = []
            with sms.muted(), commit_stamps(stamps):
                t0 = time.perf_counter()
                count = submit_count(draft, actor=keeper)
            committed = stamps[0]
            # What the submission addressed: the alert's notification and the incident's.
            notes = list(Notification.objects.filter(pk__gt=before))
            day = timezone.localdate()
            expected = {n.pk: recipients_of(n, day) for n in notes}
            wanted = sum(len(users) for users in expected.values())
            assert count.incident_id and count.alert, "the count raised no incident or alert"
            assert Incident.objects.filter(pk=count.incident_id).exists()
            entries = InboxEntry.objects.filter(notification_id__in=expected)
            while entries.count() < wanted:
                time.sleep(0.005)
            done = time.perf_counter()
            to_inbox.append(done - t0)
            from_commit.append(done - committed)
            transaction_times.append(committed - t0)
            alerted = set(count.alert.deliveries.values_list("notification_id", flat=True))
            for n in notes:
                to_whom = "the alert, to the commune police" if n.pk in alerted else "the incident"
                recipients[to_whom] = len(expected[n.pk])
            for pk, users in expected.items():
                got = set(
                    InboxEntry.objects.filter(notification_id=pk).values_list("user_id", flat=True)
                )
                assert got == set(users), f"notification {pk}: inboxes {got} ≠ recipients {users}"
    finally:
        server.terminate()
        server.wait(30)
        log.close()
    total = sum(recipients.values())
    each = "; ".join(f"{subject}: {n}" for subject, n in recipients.items())
    print(f"  recipients per count: {total} ({each})")
    print(f"  submit → incident and {total} inboxes ({runs} runs, worker under `vigil serve`): "
          f"median {ms(statistics.median(to_inbox))}, p99 {ms(percentile(to_inbox, 99))}, "
          f"max {ms(max(to_inbox))}")  # fmt: skip
    print(f"  submission COMMIT → {total} inboxes: median {ms(statistics.median(from_commit))}, "
          f"p99 {ms(percentile(from_commit, 99))}")  # fmt: skip
    print(f"  submission transaction, call → COMMIT: median "
          f"{ms(statistics.median(transaction_times))}, "
          f"p99 {ms(percentile(transaction_times, 99))}")  # fmt: skip


def database(engine: str) -> dict[str, str]:
    """``fresh_database``; on PostgreSQL, BENCH_PG_DATABASE names the database exactly."""
    exact = os.environ.get("BENCH_PG_DATABASE", "")
    if engine == "sqlite" or not exact:
        return fresh_database(engine, os.environ.get("BENCH_DB_NAME", "count_alert"))
    import psycopg

    env = fresh_database("sqlite", "count_alert")
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{exact}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{exact}"')
    env["DATABASE_URL"] = PG_SERVER.rsplit("/", 1)[0] + "/" + exact
    return env


def drop(env: dict[str, str]) -> None:
    url = env.get("DATABASE_URL", "")
    if not url:
        return
    import psycopg

    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("runs", nargs="?", type=int, default=15)
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.runs)
        return
    for engine in ["sqlite"] if args.sqlite_only else engines():
        env = database(engine)
        env["EMAIL_URL"] = "dummy://"
        try:
            run_child(__file__, env, str(args.runs))
        finally:
            drop(env)


if __name__ == "__main__":
    main()
