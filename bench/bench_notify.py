"""Notifications: commit-to-inbox latency through a real `vigil serve` + worker,
and the inbox page with 10,000 notifications.

For each engine (SQLite in a temporary folder; PostgreSQL in a fresh database
on BENCH_PG_SERVER, default postgres://postgres@127.0.0.1:5432, dropped after),
it seeds the demo plus 500 agencies of 4 users each (2,000 users), starts
`vigil serve` (which supervises one `vigil worker`), then RUNS times notifies
all 500 agencies in one transaction and measures from that commit until the
2,000 inbox entries exist. Then it gives one user 10,000 notifications and
times the inbox page and the polled unread count (in process, Django test client).

    .venv/bin/python bench/bench_notify.py [RUNS]       (default 15)
    BENCH_ENGINES=sqlite .venv/bin/python bench/bench_notify.py
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 15
AGENCIES, USERS_PER_AGENCY, INBOX_ROWS = 500, 4, 10_000


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def parent() -> None:
    engines = os.environ.get("BENCH_ENGINES", "sqlite,postgresql").split(",")
    for engine in engines:
        env = os.environ | {"BENCH_CHILD": engine, "VIGIL_ENV": "demo", "EMAIL_URL": "dummy://"}
        env["VIGIL_DATA_DIR"] = tempfile.mkdtemp(prefix="vigil-bench-notify-")
        db_name = ""
        if engine == "postgresql":
            server = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
            db_name = f"vigil_bench_notify_{os.getpid()}"
            subprocess.run(["psql", f"{server}/postgres", "-qc", f"CREATE DATABASE {db_name}"],
                           check=True)  # fmt: skip
            env["DATABASE_URL"] = f"{server}/{db_name}"
        else:
            env["DATABASE_URL"] = ""
        try:
            subprocess.run([sys.executable, __file__, str(RUNS)], env=env, check=True)
        finally:
            if db_name:
                subprocess.run(["psql", f"{server}/postgres", "-qc",
                                f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"], check=False)  # fmt: skip


def child() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from vigil.accounts.models import User
    from vigil.core import clock
    from vigil.core.audit import SystemActor
    from vigil.core.models import SweepState
    from vigil.home.demo import seed_demo
    from vigil.inbox.models import InboxEntry, Notification
    from vigil.inbox.services import notify
    from vigil.org.models import Agency, Committee, Role
    from vigil.org.people.services import grant_membership_within
    from vigil.org.services.directory import create_agency_within

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    seed_demo()
    actor = SystemActor("bench")
    province = Committee.objects.get(name__endswith="tỉnh Quảng Ninh")
    started = time.perf_counter()
    agencies = []
    for i in range(AGENCIES):
        with transaction.atomic():
            agency = create_agency_within(
                name=f"Đơn vị thử {i}", kind=Agency.Kind.DEPARTMENT, committee=province, actor=actor
            )
            for j in range(USERS_PER_AGENCY):
                user = User.objects.create(
                    username=f"b{i}_{j}", full_name=f"Cán bộ {i}.{j}", email=f"b{i}_{j}@bench.invalid"
                )  # fmt: skip
                grant_membership_within(
                    user, agency=agency, role=Role.OFFICER, valid_from=clock.today(), actor=actor
                )
            agencies.append(agency)
    expected = AGENCIES * USERS_PER_AGENCY
    print(f"== {connection.vendor}: seeded {AGENCIES} agencies, {expected} users "
          f"in {time.perf_counter() - started:.0f} s")  # fmt: skip

    port = free_port()
    env = os.environ | {"EMAIL_URL": "dummy://"}
    log = open(Path(os.environ["VIGIL_DATA_DIR"]) / "serve.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "vigil", "serve", "--addr", f"127.0.0.1:{port}"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not SweepState.objects.filter(name="inbox.deliver").exists():
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the worker did not start; see serve.log")
            time.sleep(0.1)
        latencies: list[float] = []
        for run in range(RUNS):
            stamp: list[float] = []

            def committed(stamp: list[float] = stamp) -> None:
                stamp.append(time.perf_counter())

            with transaction.atomic():
                # Registered first, so it runs first after COMMIT: the moment of commit.
                transaction.on_commit(committed)
                n: Notification = notify(agencies, f"Thông báo thử {run}", body="Bench")
            while InboxEntry.objects.filter(notification=n).count() < expected:
                time.sleep(0.005)
            latencies.append(time.perf_counter() - stamp[0])
        print(
            f"commit → {expected} inboxes ({RUNS} runs, worker under `vigil serve`): "
            f"median {statistics.median(latencies) * 1000:.0f} ms, "
            f"p99 {pct(latencies, 99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
        )
    finally:
        server.terminate()
        server.wait(30)
        log.close()

    # The inbox page with 10,000 notifications for one user (bulk rows: a bench path).
    reader = User.objects.get(username="b0_0")
    now = clock.now()
    notes = Notification.objects.bulk_create(
        Notification(subject=f"Thông báo số {i}", created_at=now, delivered_at=now)
        for i in range(INBOX_ROWS)
    )
    InboxEntry.objects.bulk_create(
        InboxEntry(notification=n, user=reader, created_at=now) for n in notes
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(reader)
    for name, url in (("inbox page", "/inbox/?state=all"), ("unread inbox page", "/inbox/"),
                      ("polled unread count", "/inbox/unread-count/?poll=1")):  # fmt: skip
        times = []
        for _ in range(60):
            t = time.perf_counter()
            response = client.get(url, headers={"HX-Request": "true"} if "poll" in url else {})
            times.append(time.perf_counter() - t)
            assert response.status_code == 200, response.status_code
        total = InboxEntry.objects.filter(user=reader).count()
        print(f"{name} ({total:,} notifications): median {statistics.median(times) * 1000:.1f} ms, "
              f"p95 {pct(times, 95) * 1000:.1f} ms")  # fmt: skip


if __name__ == "__main__":
    if os.environ.get("BENCH_CHILD"):
        child()
    else:
        parent()
