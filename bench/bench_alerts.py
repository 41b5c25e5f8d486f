"""Alerts (issue 24): approval → every recipient's inbox, the approval itself, the board.

For each engine (SQLite in a temporary folder; PostgreSQL in a fresh database on
127.0.0.1:5432, dropped after) it seeds the demo plus 500 agencies of the province
committee with 4 users each (2,000 users), one of the four the agency's duty officer
on a shift running now. It starts ``vigil serve`` (which supervises one ``vigil
worker``), then RUNS times: ``thuongtruc`` drafts an alert to the 500 agencies
(``draft_alert``), ``lanhdao`` approves it (``approve``: 500 deliveries and one
notification to the 500 agencies in one transaction: one fan-out for the worker),
and it measures

- commit → inboxes: from the approval's COMMIT until the 2,000 inbox entries exist;
- the approval transaction: from the call of ``approve`` to its COMMIT; and the whole
  call, with what runs after the commit in the approving process (the worker's
  wake-up, the SMS texts to the 500 duty officers, console gateway muted).

Then, in process (Django test client, as ``thuongtruc``), 60 requests each of the
board of the last alert (500 rows, 200 of them acknowledged) and of its polled
partial (the htmx request), wall time and the process's CPU time per request (on a
shared machine the wall time mostly measures the others' load). Prints figures
beside the goals; no pass/fail.

    .venv/bin/python bench/bench_alerts.py [RUNS]        (default 15)
    .venv/bin/python bench/bench_alerts.py 5 --sqlite-only
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
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
AGENCIES, USERS_PER_AGENCY, ACKNOWLEDGED, PAGE_REQUESTS = 500, 4, 200, 60
GOAL_INBOX_MS = {"postgresql": 1000.0, "sqlite": 2000.0}
GOAL_BOARD_MS = 150.0


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


@contextlib.contextmanager
def commit_stamps(stamps: list[float]) -> Iterator[None]:
    """Note the moment each COMMIT of the default connection returns (before the
    transaction's on-commit callbacks run), so ``approve`` is timed as it is."""
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


def seed() -> list[Any]:
    """The demo, and 500 agencies of the province committee, 4 members each, the
    first member on a duty shift running now."""
    from django.core.management import call_command
    from django.db import transaction

    from vigil.accounts.models import User
    from vigil.core import clock
    from vigil.core.audit import SystemActor
    from vigil.home.demo import seed_demo
    from vigil.org.duty.models import DutyShift
    from vigil.org.models import Agency, Committee, Role
    from vigil.org.people.services import grant_membership_within
    from vigil.org.services.directory import create_agency_within

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    seed_demo()
    actor = SystemActor("bench")
    province = Committee.objects.get(name__endswith="tỉnh Quảng Ninh")
    now = clock.now()
    agencies, shifts = [], []
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
                if j == 0:
                    shifts.append(DutyShift(
                        agency=agency, owning_agency=agency, owning_committee=province,
                        officer=user, phone=f"09{i:08d}", starts_at=now - dt.timedelta(hours=2),
                        ends_at=now + dt.timedelta(hours=22),
                    ))  # fmt: skip
            agencies.append(agency)
    DutyShift.objects.bulk_create(shifts)
    return agencies


def child(runs: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from vigil.accounts.models import User
    from vigil.core import clock
    from vigil.core.models import SweepState
    from vigil.inbox.models import InboxEntry
    from vigil.org.models import Committee
    from vigil.situation.alerts import services, sms
    from vigil.situation.alerts.models import AckMethod, Alert

    started = time.perf_counter()
    agencies = seed()
    expected = AGENCIES * USERS_PER_AGENCY
    engine = connection.vendor
    print(f"== {engine}: demo + {AGENCIES} agencies, {expected} users, {AGENCIES} duty shifts "
          f"seeded in {time.perf_counter() - started:.0f} s")  # fmt: skip
    drafter = User.objects.get(username="thuongtruc")
    leader = User.objects.get(username="lanhdao")
    province = Committee.objects.get(name__endswith="tỉnh Quảng Ninh")

    port = free_port()
    log = open(Path(os.environ["VIGIL_DATA_DIR"]) / "serve.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "vigil", "serve", "--addr", f"127.0.0.1:{port}"],
        env=os.environ | {"EMAIL_URL": "dummy://"}, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    inbox, transaction_times, call_times = [], [], []
    alert: Alert | None = None
    try:
        deadline = time.monotonic() + 120
        while not SweepState.objects.filter(name="inbox.deliver").exists():
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the worker did not start; see serve.log")
            time.sleep(0.1)
        for run in range(runs):
            draft = services.draft_alert(
                province, actor=drafter, event="Đe dọa khủng bố", urgency="Immediate",
                severity="Severe", certainty="Likely", headline=f"Cảnh báo thử số {run}",
                description="Bench", instruction="Các đơn vị xác nhận đã nhận.",
                addressed_agencies=agencies,
            )  # fmt: skip
            stamps: list[float] = []
            with sms.muted(), commit_stamps(stamps):
                t0 = time.perf_counter()
                alert = services.approve(draft, actor=leader)
                t1 = time.perf_counter()
            committed = stamps[0]
            notes = set(alert.deliveries.values_list("notification_id", flat=True))
            entries = InboxEntry.objects.filter(notification_id__in=notes)
            while entries.count() < expected:
                time.sleep(0.005)
            inbox.append(time.perf_counter() - committed)
            transaction_times.append(committed - t0)
            call_times.append(t1 - t0)
    finally:
        server.terminate()
        server.wait(30)
        log.close()
    goal = GOAL_INBOX_MS[engine]
    p99 = percentile(inbox, 99)
    print(f"  approval COMMIT → {expected} inboxes ({runs} runs, worker under `vigil serve`): "
          f"median {ms(statistics.median(inbox))}, p99 {ms(p99)}, max {ms(max(inbox))}  "
          f"(goal: p99 within {goal:.0f} ms)")  # fmt: skip
    print(f"  approval transaction ({AGENCIES} deliveries + 1 notification), call → "
          f"COMMIT: median {ms(statistics.median(transaction_times))}, "
          f"p95 {ms(percentile(transaction_times, 95))}")  # fmt: skip
    print(
        f"  approve() call with its after-commit work (wake-ups, SMS): "
        f"median {ms(statistics.median(call_times))}, p95 {ms(percentile(call_times, 95))}"
    )

    assert alert is not None
    acknowledged = list(alert.deliveries.order_by("pk").values_list("pk", flat=True)[:ACKNOWLEDGED])
    alert.deliveries.filter(pk__in=acknowledged).update(
        acknowledged_at=clock.now(), ack_method=AckMethod.BUTTON, ack_note="Đã nhận"
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(drafter)
    url = reverse("situation:alert_board", kwargs={"pk": alert.pk})
    for name, headers in (("board page", {}), ("polled board partial", {"HX-Request": "true"})):
        times, cpu = [], []
        for _ in range(PAGE_REQUESTS):
            t, c = time.perf_counter(), time.process_time()
            response = client.get(url, headers=headers)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            assert response.status_code == 200, response.status_code
        rows = response.content.count(b'class="ack-row ')
        with CaptureQueriesContext(connection) as queries:
            client.get(url, headers=headers)
        print(f"  {name} ({rows} rows, {len(queries)} queries; {PAGE_REQUESTS} requests as thuongtruc): "
              f"median {statistics.median(times) * 1000:.1f} ms, "
              f"p95 {percentile(times, 95) * 1000:.1f} ms  (goal: p95 under {GOAL_BOARD_MS:.0f} ms); "
              f"CPU median {statistics.median(cpu) * 1000:.1f} ms, "
              f"p95 {percentile(cpu, 95) * 1000:.1f} ms")  # fmt: skip


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
        env = fresh_database(engine, f"alerts_{os.getpid()}")
        env["EMAIL_URL"] = "dummy://"
        try:
            run_child(__file__, env, str(args.runs))
        finally:
            drop(env)


if __name__ == "__main__":
    main()
