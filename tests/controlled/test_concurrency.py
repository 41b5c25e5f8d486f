"""Concurrent writers against shared stores: every balance equals the ledger sum,
none was ever negative or over capacity, no key appears twice, the chains hold.

PostgreSQL: 16 writer threads, each with its own connection. SQLite: 4 writer
processes on one database file in WAL mode (the test database may live in
memory, which a second process cannot open). The control run takes the row
locks away (in this test only) and must drift: the test can fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from tests.controlled import _writers
from vigil.controlled.ledger import posting as services

PG_WRITERS = 16
SQLITE_WRITERS = 4
MOVES = 40

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads with their own connections: PostgreSQL"
)


def _run_threads(writers: int, moves: int) -> Counter[str]:
    world = _writers.load_world()
    errors: list[BaseException] = []
    outcomes: Counter[str] = Counter()
    start = threading.Barrier(writers)
    lock = threading.Lock()

    def writer(number: int) -> None:
        try:
            start.wait()
            counted = _writers.write(number, moves, world)
            with lock:
                outcomes.update(counted)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [], errors
    return outcomes


def _report(label: str, outcomes: Counter[str], proof: _writers.Proof) -> None:
    refused = sum(v for k, v in outcomes.items() if k.startswith("refused"))
    print(
        f"\n{label}: {outcomes['posted']} posted, {outcomes['replayed']} replayed, "
        f"{refused} refused ({', '.join(f'{k[9:]} {v}' for k, v in sorted(outcomes.items()) if k.startswith('refused'))}); "
        f"{sum(v for k, v in outcomes.items() if k.startswith('error'))} failed (deadlocks); "
        f"{proof.entries} entries, {proof.balances} balances checked, "
        f"mismatch: {proof.mismatch or 'none'}, chain: {'holds' if proof.chain_ok else proof.chain_reason}"
    )  # fmt: skip


def _assert_proved(outcomes: Counter[str], proof: _writers.Proof) -> None:
    assert not [k for k in outcomes if k.startswith("error")]  # no deadlock, no failure
    assert proof.mismatch == ""  # every balance equals the ledger sum
    assert proof.chain_ok, proof.chain_reason
    assert proof.duplicate_keys == 0
    assert proof.entries == outcomes["posted"]  # each posted once, replays wrote nothing
    assert proof.negative_balances == 0 and proof.over_capacity == 0
    assert proof.checks_refuse  # and the database would refuse either
    # The mix really was a mix: every kind of refusal came up, and retries.
    for kind in ("more than held", "over capacity", "key reused, other body", "zero quantity"):
        assert outcomes[f"refused: {kind}"] > 0, kind
    assert outcomes["posted"] > 0 and outcomes["replayed"] > 0
    # The service's checks under the locks caught everything before the database's.
    assert outcomes["refused: database check"] == 0


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_sixteen_writers_on_postgresql_never_lose_an_update() -> None:
    _writers.build_world()
    outcomes = _run_threads(PG_WRITERS, MOVES)
    proof = _writers.check()
    _report(f"PostgreSQL, {PG_WRITERS} writers x {MOVES}", outcomes, proof)
    _assert_proved(outcomes, proof)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_control_run_without_row_locks_drifts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same writers with the balance and total rows read without FOR UPDATE:
    updates are lost, so the test above would catch a posting path that forgot
    its locks. (Each organisation's chain lock stays: the drift comes from two
    organisations' writers meeting on one store.)"""
    monkeypatch.setattr(services, "_row_lock", lambda: "")
    _writers.build_world(organisations=2, stores_each=1)
    outcomes = _run_threads(PG_WRITERS, MOVES * 2)
    proof = _writers.check()
    _report("control run, no row locks", outcomes, proof)
    assert proof.mismatch != ""  # drift: some balance is no longer its entries' sum


SETUP = "from tests.controlled import _writers; _writers.build_world()"
WRITER = """
import json, os
from tests.controlled import _writers
world = _writers.load_world()
print(json.dumps(_writers.write(int(os.environ["WRITER"]), {moves}, world)))
"""
CHECK = """
import dataclasses, json
from tests.controlled import _writers
print(json.dumps(dataclasses.asdict(_writers.check())))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite (file, WAL) variant")
def test_four_writer_processes_on_a_sqlite_wal_file_never_lose_an_update(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_VERSION")}
    env |= {"VIGIL_ENV": "test", "VIGIL_DATA_DIR": str(tmp_path)}
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
    mode = subprocess.run(
        [*command, "shell", "--no-imports", "-c",
         "from django.db import connection; c = connection.cursor(); "
         "print(c.execute('PRAGMA journal_mode').fetchone()[0])"],
        env=env, cwd=cwd, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert mode.stdout.strip().splitlines()[-1] == "wal"
    writers = [shell(WRITER.format(moves=MOVES), WRITER=str(n)) for n in range(SQLITE_WRITERS)]
    outcomes: Counter[str] = Counter()
    for writer in writers:
        outcomes.update(last_line(writer))
    proof = _writers.Proof(**last_line(shell(CHECK)))
    _report(f"SQLite WAL file, {SQLITE_WRITERS} processes x {MOVES}", outcomes, proof)
    _assert_proved(outcomes, proof)
