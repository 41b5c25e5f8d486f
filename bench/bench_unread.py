"""The header's unread badge as the inbox grows: every page counts it (issue 19).

For each engine (SQLite, and PostgreSQL when the local server answers), seeds the
demo into a fresh database, then gives `xa_a` 0, 10,000 and 100,000 unread
notifications (bulk rows: a benchmark database) and prints, at each size, the
median and p95 of the count itself, of the polled count endpoint and of the empty
base layout (which shows the badge), through Django's full stack in-process.
Wall time, and this process's CPU time per request beside it: on a shared machine
the CPU time is the steadier figure (on SQLite it includes the database's work).

    .venv/bin/python bench/bench_unread.py [--requests 60]
    BENCH_DB_NAME=unread_mine .venv/bin/python bench/bench_unread.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
from _setup import engines, fresh_database, percentile, run_child

SIZES = (0, 10_000, 100_000)


def _measure(call: Callable[[], object], requests: int) -> tuple[float, float, float]:
    """Median and p95 wall time and median CPU time of ``call``, in milliseconds."""
    for _ in range(3):
        call()
    wall, cpu = [], []
    for _ in range(requests):
        w, c = time.perf_counter(), time.process_time()
        call()
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    return statistics.median(wall), percentile(wall, 95), statistics.median(cpu)


def _pile_up(user: Any, count: int) -> None:
    from django.db import transaction

    from vigil.core import clock
    from vigil.inbox.models import InboxEntry, Notification

    now = clock.now()
    with transaction.atomic():
        for start in range(0, count, 5000):
            notes = Notification.objects.bulk_create(
                Notification(subject=f"Thông báo thử {start + i}", created_at=now,
                             delivered_at=now)
                for i in range(min(5000, count - start))
            )  # fmt: skip
            InboxEntry.objects.bulk_create(
                InboxEntry(notification=n, user=user, created_at=now) for n in notes
            )


def child(requests: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("seed", "demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

    from vigil.accounts.models import User
    from vigil.inbox import services
    from vigil.inbox.models import InboxEntry

    settings.ALLOWED_HOSTS = ["testserver"]
    user = User.objects.get(username="xa_a")
    InboxEntry.objects.filter(user=user).update(read_at=None)
    client = Client()
    client.force_login(user)
    print(f"== {connection.vendor}: {requests} requests each; ms: median / p95 wall, median CPU")
    added = 0
    with override_settings(ROOT_URLCONF="_bench_urls"):
        for size in SIZES:
            _pile_up(user, size - added)
            added = size
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE inbox_inboxentry")
            unread = InboxEntry.objects.filter(user=user, read_at__isnull=True).count()
            badge = client.get("/inbox/unread-count/?poll=1", headers={"HX-Request": "true"})
            print(f"  {unread:>7,} unread (badge {badge.content.decode()!r})")
            for name, call in (
                ("unread_count()", lambda: services.unread_count(user)),
                ("polled count", lambda: client.get("/inbox/unread-count/?poll=1",
                                                    headers={"HX-Request": "true"})),
                ("empty base layout", lambda: client.get("/bench/empty/")),
            ):  # fmt: skip
                median, p95, cpu = _measure(call, requests)
                print(f"    {name:<18} median {median:7.2f}  p95 {p95:7.2f}  CPU {cpu:7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.requests)
        return
    for engine in engines():
        env = fresh_database(engine, os.environ.get("BENCH_DB_NAME", "unread"))
        # Kept after the bench folder: a checkout of other code can be measured with it.
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (os.path.dirname(os.path.abspath(__file__)), os.environ.get("PYTHONPATH"))
            if p
        )  # fmt: skip
        run_child(__file__, env, "--requests", str(args.requests))


if __name__ == "__main__":
    main()
