"""A worker killed in the middle of a delivery holds nothing back: it had claimed
only the notification in hand, its claim names its process, and the next worker
takes that claim back at once instead of waiting for the lease.

The crash is real (SIGKILL of a `vigil shell` process part-way through a
fan-out) on a database of its own: an SQLite file, or a fresh PostgreSQL
database when the suite runs on PostgreSQL. Time is the sweep's injected ``now``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from vigil.core import leases
from vigil.inbox import delivery
from vigil.inbox.delivery import LEASE

ON_PG = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
NOTIFICATIONS = 10
OFFICERS = 6
T0 = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)

SETUP = """
import json
from vigil.accounts.services import create_user
from vigil.core.audit import SystemActor
from vigil.core.models import AdminUnit
from vigil.inbox.services import notify
from vigil.org import services
from vigil.org.models import Agency, Committee, Role
import datetime as dt
actor = SystemActor("test")
province = AdminUnit.objects.create(code="98", name="Tỉnh Thử", kind="province")
committee = Committee.objects.create(
    name="Ban Chỉ đạo tỉnh Thử", short_name="BCĐ", level="province", admin_unit=province
)
agency = services.create_agency(
    name="Sở Thử", kind=Agency.Kind.DEPARTMENT, committee=committee, actor=actor
)
for i in range({officers}):
    user = create_user(
        username=f"o{{i}}", full_name=f"Cán bộ {{i}}", password=None, email="", actor=actor
    )
    services.grant_membership(
        user, agency=agency, role=Role.OFFICER, valid_from=dt.date(2025, 7, 1), actor=actor
    )
print(json.dumps([notify(agency, f"Thông báo {{n}}").pk for n in range({notifications})]))
"""

# The first worker delivers two notifications, gets half-way through the third's
# fan-out, and hangs there until it is killed.
CRASHING_WORKER = """
import datetime as dt, json, os, threading
from vigil.inbox import delivery
real, calls = delivery.deliver_to, []
def deliver_then_hang(notification, user_ids, now):
    calls.append(notification.pk)
    if len(calls) == 3:
        real(notification, list(user_ids)[:2], now)
        print(json.dumps(notification.pk), flush=True)
        threading.Event().wait()
    return real(notification, user_ids, now)
delivery.deliver_to = deliver_then_hang
delivery.deliver_pending(dt.datetime.fromisoformat(os.environ["NOW"]), mail=False)
"""

NEXT_WORKER = """
import datetime as dt, json, os
from vigil.inbox import delivery
print(json.dumps(delivery.deliver_pending(dt.datetime.fromisoformat(os.environ["NOW"]), mail=False)))
"""

CHECK = """
import json
from vigil.inbox.models import InboxEntry, Notification
print(json.dumps({
    str(n.pk): [n.delivered_at is not None, n.attempts, n.claimed_by,
                InboxEntry.objects.filter(notification=n).count()]
    for n in Notification.objects.all()
}))
"""


def _pg_admin(sql: str) -> None:
    import psycopg

    db = settings.DATABASES["default"]
    with psycopg.connect(
        dbname="postgres", user=db.get("USER") or None, host=db.get("HOST") or None,
        port=db.get("PORT") or None, password=db.get("PASSWORD") or None, autocommit=True,
    ) as conn:  # fmt: skip
        conn.execute(sql.encode())


@pytest.fixture
def own_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_VERSION")}
    env |= {"VIGIL_ENV": "test", "VIGIL_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    name = f"vigil_crash_{os.getpid()}"
    if ON_PG:
        db = settings.DATABASES["default"]
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
        _pg_admin(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = (
            f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:"
            f"{db.get('PORT') or 5432}/{name}"
        )
    yield env
    if ON_PG:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _shell(env: dict[str, str], script: str, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "vigil", "shell", "--no-imports", "-c", script],
        env=env | extra, cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _result(process: subprocess.Popen[str]) -> Any:
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_a_worker_killed_mid_delivery_holds_nothing_back(own_database: dict[str, str]) -> None:
    env = own_database
    migrated = subprocess.run(
        [sys.executable, "-m", "vigil", "migrate", "-v0"], env=env, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    assert migrated.returncode == 0, migrated.stderr
    ids = _result(_shell(env, SETUP.format(officers=OFFICERS, notifications=NOTIFICATIONS)))

    crashing = _shell(env, CRASHING_WORKER, NOW=T0.isoformat())
    assert crashing.stdout is not None
    hung_on = json.loads(crashing.stdout.readline())  # half-way through its third fan-out
    crashing.send_signal(signal.SIGKILL)
    crashing.wait(timeout=60)
    assert crashing.returncode == -signal.SIGKILL
    before = _result(_shell(env, CHECK))
    assert before[str(hung_on)][:2] == [False, 1] and before[str(hung_on)][3] == 2
    # It had claimed the notification in hand, and nothing else.
    assert [pk for pk in ids if before[str(pk)][2]] == [hung_on]

    # One second later, deep inside the dead worker's lease: the next worker
    # sees that the claim's process is gone and delivers everything.
    _result(_shell(env, NEXT_WORKER, NOW=(T0 + dt.timedelta(seconds=1)).isoformat()))
    after = _result(_shell(env, CHECK))
    for pk in ids:
        delivered, attempts, claimed_by, entries = after[str(pk)]
        assert delivered and entries == OFFICERS and claimed_by == "", (pk, after[str(pk)])
        assert attempts == (2 if pk == hung_on else 1)


def test_a_claim_of_a_process_that_ended_is_free_at_once_and_a_live_ones_is_not() -> None:
    me = leases.holder()
    host, boot, namespace, pid, started = me.split("/")
    assert not leases.is_gone(me)
    # The same pid started at another time: the process that held the claim ended.
    assert leases.is_gone(f"{host}/{boot}/{namespace}/{pid}/{int(started) + 1}")
    assert leases.is_gone(f"{host}/another-boot/{namespace}/{pid}/{started}")  # rebooted
    # On another machine nothing is known: its lease is waited out.
    assert not leases.is_gone(f"elsewhere/{boot}/{namespace}/{pid}/{started}")
    assert not leases.is_gone("")
    assert not leases.is_gone(f"{host}/{boot}/{pid}/{started}")  # a name of no known format


def test_a_holder_in_another_pid_namespace_is_never_judged_by_its_pid() -> None:
    host, boot, namespace, pid, started = leases.holder().split("/")
    assert namespace  # Linux: /proc/self/ns/pid is readable here
    # Its pid names another process (or none) in this namespace: trust the lease.
    assert not leases.is_gone(f"{host}/{boot}/other-{namespace}/{pid}/{int(started) + 1}")
    assert not leases.is_gone(f"{host}/{boot}/{namespace}x/999999999/1")
    assert not leases.is_gone(f"{host}/{boot}//{pid}/{int(started) + 1}")
    # Its machine restarted: every process of it ended, whatever its namespace.
    assert leases.is_gone(f"{host}/another-boot/other-{namespace}/{pid}/{started}")


def test_only_a_missing_process_is_gone_not_an_unreadable_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    host, boot, namespace, _pid, started = leases.holder().split("/")
    proc = tmp_path / "proc"
    (proc / "4242" / "stat").mkdir(parents=True)  # reading it fails, not with ENOENT
    monkeypatch.setattr(leases, "_PROC", proc)
    # /proc hides other users' processes (hidepid) or will not be read: alive.
    assert leases._start_time(4242) is None
    assert not leases.is_gone(f"{host}/{boot}/{namespace}/4242/{started}")
    # No entry at all: the process has ended.
    assert leases._start_time(4343) == ""
    assert leases.is_gone(f"{host}/{boot}/{namespace}/4343/{started}")


def test_a_lease_is_seconds_and_renewing_moves_it_with_the_work() -> None:
    assert dt.timedelta(minutes=1) >= LEASE
    seconds = [0.0]
    lease = leases.Lease(T0, LEASE, monotonic=lambda: seconds[0])
    assert lease.until() == T0 + LEASE  # taken at T0
    seconds[0] = 4.0
    assert not lease.due()
    seconds[0] = 11.0
    assert lease.due()  # a third of 30 s has gone by since it was taken
    assert lease.until() == T0 + dt.timedelta(seconds=11) + LEASE
    assert not lease.due()  # renewed
    assert delivery.EMAIL_BATCH <= 20
