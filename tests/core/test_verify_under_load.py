"""`vigil audit verify`, `vigil ledger verify` and `vigil ledger reconcile` while
writers append: no false alarm, and the writers are not held up.

Each check reads its chain and head (or entries and balances) in one snapshot;
read apart, an append landing between the reads looked like tampering (2 to 9
false alarms in 20 runs on PostgreSQL). PostgreSQL: writer threads with their
own connections. SQLite: writer processes on one WAL file (the in-memory test
database cannot be shared). That tampering is still found: test_audit_chain.py
and tests/controlled/test_ledger.py, on the same functions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from tests.controlled import _writers
from vigil.controlled.ledger import anchors
from vigil.controlled.ledger import chain as ledger
from vigil.controlled.models import LedgerHead
from vigil.core import audit
from vigil.core.models import AuditHead

WRITERS = 3
MOVES = 60
ROUNDS = 12


def written() -> int:
    """How far the writers got: the audit head and every ledger head (a single
    movement moves only its organisation's chain; the anchors move the audit head)."""
    return AuditHead.objects.get().seq + sum(LedgerHead.objects.values_list("seq", flat=True))


def verify_all() -> dict[str, str]:
    """Each check once; what a failing one said."""
    failed: dict[str, str] = {}
    result = audit.verify()
    if not result.ok:
        failed["audit"] = f"{result.broken_seq}: {result.reason}"
    chains = ledger.verify()
    if not chains.ok:
        failed["ledger"] = f"{chains.broken_entry}: {chains.reason}"
    _, mismatch = ledger.reconcile()
    if mismatch is not None:
        failed["reconcile"] = str(mismatch)
    return failed


@pytest.mark.skipif(connection.vendor != "postgresql", reason="writer threads: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_verification_beside_writer_threads_raises_no_false_alarm() -> None:
    _writers.build_world()
    world = _writers.load_world()
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            _writers.write(number, MOVES, world)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    start = written()
    for t in threads:
        t.start()
    alarms: list[dict[str, str]] = []
    rounds = 0
    # At least ROUNDS checks, and on until the writers are done.
    while rounds < ROUNDS or any(t.is_alive() for t in threads):
        anchors.anchor_ledgers()  # the sweep beside the writers: its anchors are verified too
        if failed := verify_all():
            alarms.append(failed)
        rounds += 1
    for t in threads:
        t.join()
    assert errors == []
    assert written() > start  # the writers really wrote meanwhile
    assert alarms == [], f"{len(alarms)} false alarms in {rounds} rounds: {alarms[:3]}"
    assert verify_all() == {}


SETUP = "from tests.controlled import _writers; _writers.build_world()"
WRITER = """
import json, os, pathlib
from tests.controlled import _writers
from vigil.controlled.ledger import anchors
world = _writers.load_world()
stop = pathlib.Path(os.environ["STOP"])
n, rounds = int(os.environ["WRITER"]), 0
while not stop.exists():
    _writers.write(n * 1000 + rounds, 10, world)
    if n == 0:
        anchors.anchor_ledgers()  # the sweep beside the writers: its anchors are verified too
    rounds += 1
print(json.dumps(rounds))
"""
VERIFIER = """
import json, os, pathlib, time
from tests.core.test_verify_under_load import verify_all, written
# The checks must run beside writes: wait (bounded) for the writers' first commit, then
# verify at least ROUNDS times and on until the heads have moved during the checks, so a
# slow start of the writer processes on a loaded machine cannot leave nothing beside them.
start, deadline = written(), time.monotonic() + 300
while written() == start and time.monotonic() < deadline:
    time.sleep(0.01)
heads, alarms = [], []
while len(heads) < int(os.environ["ROUNDS"]) or (written() == heads[0] and len(heads) < 1000):
    heads.append(written())
    if failed := verify_all():
        alarms.append(failed)
heads.append(written())
pathlib.Path(os.environ["STOP"]).touch()
print(json.dumps({"alarms": alarms, "heads": heads}))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite (file, WAL) variant")
def test_verification_beside_writer_processes_on_sqlite_raises_no_false_alarm(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_VERSION")}
    env |= {"VIGIL_ENV": "test", "VIGIL_DATA_DIR": str(tmp_path), "STOP": str(tmp_path / "stop")}
    command = [sys.executable, "-m", "vigil"]
    cwd = Path(__file__).resolve().parents[2]

    def shell(script: str, **extra: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*command, "shell", "--no-imports", "-c", script], env=env | extra, cwd=cwd,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def last_line(process: subprocess.Popen[str]) -> Any:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        return json.loads(out.strip().splitlines()[-1]) if out.strip() else None

    subprocess.run([*command, "migrate", "-v0"], env=env, cwd=cwd, check=True)
    last_line(shell(SETUP))
    writers = [shell(WRITER, WRITER=str(n)) for n in range(WRITERS)]
    verifier = last_line(shell(VERIFIER, ROUNDS=str(ROUNDS * 2)))
    rounds = [last_line(w) for w in writers]
    assert verifier["alarms"] == [], verifier["alarms"][:3]
    heads = verifier["heads"]
    # The writers went on while the checks ran: verification takes no write lock.
    assert heads[-1] > heads[0] and sum(rounds) > 0
