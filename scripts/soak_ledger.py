"""Crash soak of the stock ledger: writers killed at random moments, and the
PostgreSQL server itself killed under them; after every round the ledger must
still prove itself.

    .venv/bin/python scripts/soak_ledger.py --sqlite-rounds 20 --pg-rounds 20

A round starts ``--writers`` writer processes on one database. Each writer
posts movements (receipts, moves between its own two stores, issues to
consumption, transfers to the other organisation's store) and, for every
request, prints ``BEGIN`` with the request's body before it posts and ``ACK``
with the entry's id only after its commit has returned; the lines reach this
driver through a pipe, which keeps what was written when the writer dies.

- SQLite (a WAL file): every writer is SIGKILLed when it announces a randomly
  chosen request (mostly right after its ``BEGIN``, so the kill lands inside
  the posting; sometimes right after an ``ACK``).
- PostgreSQL: a throw-away cluster of its own (``initdb`` in a temporary
  directory, run as the ``postgres`` user on a free port, never the shared
  server); the postmaster and all its processes are SIGKILLed when one writer
  announces a randomly chosen request, then the server is started again (crash
  recovery).

After every round: every acknowledged request is in the ledger exactly once,
with the entry the writer was told about; each request begun but not
acknowledged is retried with its key and resolves to exactly one entry (a
replay of the one that committed, or a new one); no entry of the round exists
that no request asked for; no key twice; every balance equals the sum of its
entries (``reconcile``) and none is negative; and the real commands
``vigil ledger verify``, ``vigil ledger reconcile`` and ``vigil audit verify``
pass on that database. Waits are on pipes and processes; timeouts are safety
nets only. The same file is the writers' and the checker's program
(``soak_ledger.py child …``). Exit status 0 only when every round held.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PG_BIN = Path(os.environ.get("VIGIL_SOAK_PG_BIN", "/usr/lib/postgresql/15/bin"))
SAFETY = 180.0  # seconds: a safety net on every wait, never a pause
PREFIX = "soak"
BIG = 10**15  # store capacity: the soak is about crashes, not about full stores


# --------------------------------------------------------------------------
# The child side: setup, writer, retry and check, in Django.
# --------------------------------------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    django.setup()


def _layout(writers: int) -> int:
    """Stores per organisation: a pair for each of its writers, and one inbound store."""
    return 2 * ((writers + 1) // 2) + 1


def _writer_stores(world: Any, writers: int, n: int) -> tuple[Any, Any, Any]:
    """Writer ``n``'s own two stores (only it moves stock in or out of them) and
    the other organisation's inbound store (transfers go there)."""
    per = _layout(writers)
    org = n % 2
    slot = n // 2
    mine = world.stores[org * per : (org + 1) * per]
    theirs = world.stores[(1 - org) * per : (2 - org) * per]
    return mine[2 * slot], mine[2 * slot + 1], theirs[-1]


def child_setup(writers: int) -> None:
    _django()
    from django.core.management import call_command

    from tests.controlled import _writers

    call_command("migrate", verbosity=0, interactive=False)
    _writers.CAPACITY = BIG
    _writers.build_world(organisations=2, stores_each=_layout(writers))
    print(json.dumps({"ready": True}), flush=True)


def _balance(store: Any, item: Any) -> int:
    from vigil.controlled.models import Balance

    row = Balance.objects.filter(store=store, item=item, lot="").first()
    return row.quantity if row else 0


def _post(body: dict[str, Any]) -> tuple[int, bool]:
    """Post one request as a client would; (entry or transfer id, whether this call made it)."""
    from tests.controlled._writers import SYSTEM
    from vigil.controlled.ledger import services
    from vigil.controlled.models import Account, Item, Store
    from vigil.controlled.transfers import services as transfers

    item = Item.objects.get(pk=body["item"])
    if body["op"] == "transfer":
        sent = transfers.send_transfer(
            Store.objects.get(pk=body["from"]), to_store=Store.objects.get(pk=body["to"]),
            item=item, quantity=body["quantity"], idempotency_key=body["key"], actor=SYSTEM,
        )  # fmt: skip
        return sent.transfer.pk, sent.created
    source = Account.objects.select_related("organisation").get(pk=body["from"])
    target = Account.objects.get(pk=body["to"])
    movement = services.Movement(
        item=item, quantity=body["quantity"], from_account=source, to_account=target,
        idempotency_key=body["key"],
    )  # fmt: skip
    posted = services.record_movements(source.organisation, [movement], actor=SYSTEM)[0]
    return posted.entry.pk, posted.created


def child_writer(
    n: int, round_no: int, writers: int, moves: int, seed: int, hang_at: int, acks: str
) -> None:
    """Post ``moves`` requests, each valid on the writer's own stores; announce each
    (BEGIN), say when its commit returned (RETURNED), then make the acknowledgement
    durable. At request ``hang_at`` it stops between the commit and the
    acknowledgement, and waits there for its kill."""
    _django()
    from tests.controlled import _writers
    from vigil.controlled.models import Account

    world = _writers.load_world()
    a, b, inbound = _writer_stores(world, writers, n)
    org = a.owning_agency_id
    supplier = world.outside[(org, Account.Kind.SUPPLIER)]
    used = world.outside[(org, Account.Kind.CONSUMPTION)]
    held = {a.pk: _balance(a, world.item), b.pk: _balance(b, world.item)}
    rng = random.Random(f"{seed}/{round_no}/{n}")  # noqa: S311 - a replayable mix, not a secret
    ack_file = os.open(acks, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    print("READY", flush=True)
    sys.stdin.readline()  # GO: every writer starts together
    for i in range(moves):
        roll = rng.random()
        key = f"{PREFIX}-r{round_no}-w{n}-{i}"
        quantity = rng.choice([1000, 2500, 5000, 12_000])
        body: dict[str, Any] = {"i": i, "key": key, "org": org, "item": world.item.pk}
        if roll < 0.35 or held[a.pk] < quantity:
            body |= {"op": "movement", "from": supplier.pk, "to": a.account.pk}
            moved = {a.pk: quantity}
        elif roll < 0.6:
            body |= {"op": "movement", "from": a.account.pk, "to": b.account.pk}
            moved = {a.pk: -quantity, b.pk: quantity}
        elif roll < 0.8 and held[b.pk] >= quantity:
            body |= {"op": "movement", "from": b.account.pk, "to": used.pk}
            moved = {b.pk: -quantity}
        else:
            body |= {"op": "transfer", "from": a.pk, "to": inbound.pk}
            moved = {a.pk: -quantity}
        body["quantity"] = quantity
        print("BEGIN " + json.dumps(body), flush=True)
        try:
            pk, created = _post(body)
        except Exception as exc:  # the server went away: the request stays unacknowledged
            print(f"FAIL {i} {type(exc).__name__}: {str(exc).splitlines()[:1]}", flush=True)
            sys.exit(3)
        print(f"RETURNED {i}", flush=True)  # the commit has returned; now the acknowledgement
        if i == hang_at:
            sys.stdin.readline()  # killed here: committed, never acknowledged
        line = "ACK " + json.dumps({"i": i, "pk": pk, "created": created}) + "\n"
        os.write(ack_file, line.encode())
        os.fsync(ack_file)
        for store, delta in moved.items():
            held[store] += delta
    print("DONE", flush=True)


def child_settle(round_no: int) -> None:
    """Post again, with the same key and body, every request begun but not
    acknowledged (what a client does after a crash), then prove the round."""
    _django()
    given = json.loads(sys.stdin.read())
    retried = []
    for body in given["unacked"]:
        pk, created = _post(body)
        retried.append({**body, "pk": pk, "created": created})
    proof = _check(round_no, given["acked"] + retried)
    print(json.dumps({"retried": retried, **proof}), flush=True)


def _check(round_no: int, expected: list[dict[str, Any]]) -> dict[str, Any]:
    """What the database proves about a round's requests: each resolved to its entry, once."""
    from django.db.models import Count

    from vigil.controlled.ledger import chain
    from vigil.controlled.ledger.services import derived_key
    from vigil.controlled.models import Balance, LedgerEntry, StoreTotal
    from vigil.controlled.transfers.models import Transfer

    problems: list[str] = []
    wanted_entries: set[tuple[int, str]] = set()
    for req in expected:
        org, key = req["org"], req["key"]
        if req["op"] == "transfer":
            found = list(
                Transfer.objects.filter(owning_agency_id=org, idempotency_key=key).values_list(
                    "pk", "dispatch_entry_id"
                )
            )
            if len(found) != 1 or found[0][0] != req["pk"]:
                problems.append(f"transfer {key}: expected #{req['pk']} once, found {found}")
                continue
            key = derived_key("transfer-out", key)
            entries = list(
                LedgerEntry.objects.filter(owning_agency_id=org, idempotency_key=key).values_list(
                    "pk", flat=True
                )
            )
            if entries != [found[0][1]]:
                problems.append(f"transfer {key}: dispatch entries {entries}")
        else:
            entries = list(
                LedgerEntry.objects.filter(owning_agency_id=org, idempotency_key=key).values_list(
                    "pk", flat=True
                )
            )
            if entries != [req["pk"]]:
                problems.append(
                    f"movement {key}: expected entry #{req['pk']} once, found {entries}"
                )
        wanted_entries.add((org, key))
    stem = f"{PREFIX}-r{round_no}-"
    ours = LedgerEntry.objects.filter(
        idempotency_key__startswith=stem
    ) | LedgerEntry.objects.filter(idempotency_key__startswith=f"transfer-out:{stem}")
    phantom = sorted(
        k
        for k in ours.values_list("owning_agency_id", "idempotency_key")
        if k not in wanted_entries
    )
    if phantom:
        problems.append(f"entries no request asked for: {phantom[:5]}")
    duplicates = (
        LedgerEntry.objects.values("owning_agency_id", "idempotency_key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    checked, mismatch = chain.reconcile()
    if mismatch is not None:
        problems.append(f"balance is not the ledger sum: {mismatch}")
    negative = (
        Balance.objects.filter(quantity__lt=0).count()
        + StoreTotal.objects.filter(quantity__lt=0).count()
    )
    if duplicates:
        problems.append(f"{duplicates} keys appear twice")
    if negative:
        problems.append(f"{negative} negative balances")
    return {
        "problems": problems,
        "entries": LedgerEntry.objects.count(),
        "round_entries": ours.count(),
        "duplicates": duplicates,
        "balances_checked": checked,
        "negative": negative,
    }


# --------------------------------------------------------------------------
# The driver side: databases, processes, kills, figures. No Django here.
# --------------------------------------------------------------------------


@dataclass
class Round:
    engine: str
    number: int
    writers: int = 0
    begun: int = 0
    acks: int = 0
    killed_in_flight: int = 0  # requests begun, not acknowledged when the kill came
    server_kills: int = 0
    server_processes_killed: int = 0
    retried: int = 0
    retry_replayed: int = 0  # had committed before the kill: the retry got the same entry
    retry_created: int = 0  # had not committed: the retry made it, once
    round_entries: int = 0
    entries: int = 0
    duplicates: int = 0
    balances_checked: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


class Database:
    """One database the soak writes to: its environment, and how to crash it."""

    engine = ""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "PYTEST_VERSION", "PYTEST_CURRENT_TEST")
        }
        self.env |= {
            "VIGIL_ENV": "test",
            "VIGIL_DATA_DIR": str(base / "data"),
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "vigil.settings",
        }
        (base / "data").mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        pass


class SQLiteFile(Database):
    engine = "sqlite"

    def __init__(self, base: Path) -> None:
        super().__init__(base)
        self.env["DATABASE_URL"] = ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresCluster(Database):
    """A throw-away cluster: initdb in a temporary directory, its own port, as postgres."""

    engine = "postgresql"

    def __init__(self, base: Path, fsync: str = "on") -> None:
        super().__init__(base)
        self.fsync = fsync
        self.cluster = base / "pg"
        self.cluster.mkdir()
        shutil.chown(base, "postgres")
        shutil.chown(self.cluster, "postgres")
        self.port = free_port()
        self._as_postgres(
            PG_BIN / "initdb", "-D", str(self.cluster / "data"), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        self.start()
        self._as_postgres(
            PG_BIN / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "vigil_soak",
        )  # fmt: skip
        self.env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{self.port}/vigil_soak"

    def _as_postgres(self, *command: Any) -> None:
        done = subprocess.run(
            ["runuser", "-u", "postgres", "--", *map(str, command)],
            capture_output=True, text=True, timeout=SAFETY, cwd="/",
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stderr or done.stdout}")

    def start(self) -> None:
        """Start the server and wait until it accepts connections (after crash recovery)."""
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.cluster} "
            "-c max_connections=40 -c shared_buffers=16MB -c synchronous_commit=on "
            f"-c fsync={self.fsync}"
        )
        self._as_postgres(
            PG_BIN / "pg_ctl", "start", "-w", "-t", str(int(SAFETY)), "-D",
            str(self.cluster / "data"), "-l", str(self.cluster / "server.log"), "-o", options,
        )  # fmt: skip

    def postmaster(self) -> int:
        return int((self.cluster / "data" / "postmaster.pid").read_text().split()[0])

    def kill_server(self) -> int:
        """SIGKILL the postmaster and every process it started (all of them ours):
        stopped first so that it forks no new backend between the list and the kill."""
        pid = self.postmaster()
        os.kill(pid, signal.SIGSTOP)
        children = _children(pid)
        os.kill(pid, signal.SIGKILL)
        for child in children:
            with suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        for victim in (pid, *children):  # gone before the next start looks at shared memory
            _wait_gone(victim)
        # Dead, but not yet reaped by whoever adopted it (pg_ctl has exited): while it is a
        # zombie its PID still answers, and the next postmaster would refuse to start on
        # the lock files naming it. It was killed here and has exited: remove them.
        (self.cluster / "data" / "postmaster.pid").unlink(missing_ok=True)
        for lock in self.cluster.glob(".s.PGSQL.*"):  # its socket and the socket's lock
            lock.unlink(missing_ok=True)
        return len(children) + 1

    def close(self) -> None:
        try:
            self._as_postgres(
                PG_BIN / "pg_ctl", "stop", "-m", "immediate", "-D", str(self.cluster / "data")
            )
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            print(f"(pg_ctl stop: {exc})", file=sys.stderr)


def _wait_gone(pid: int) -> None:
    """Wait for a process that is not our child to end: its pidfd becomes readable."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    try:
        if not select.select([fd], [], [], SAFETY)[0]:
            raise RuntimeError(f"process {pid} outlived SIGKILL")
    finally:
        os.close(fd)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _child(db: Database, *args: Any, stdin: str | None = None) -> Any:
    """Run ``soak_ledger.py child …`` to its end; its last line of output, as JSON."""
    done = subprocess.run(
        [sys.executable, __file__, "child", *map(str, args)], input=stdin, env=db.env,
        cwd=REPO, capture_output=True, text=True, timeout=SAFETY * 2,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed ({done.returncode}): {done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _command(db: Database, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "vigil", *args], env=db.env, cwd=REPO,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@dataclass
class Writer:
    number: int
    process: subprocess.Popen[str]
    seen: list[str] = field(default_factory=list)
    ended: bool = False


class Writers:
    """The round's writer processes; their lines arrive in one queue, in the order written."""

    def __init__(
        self, db: Database, round_no: int, args: argparse.Namespace, hang_at: dict[int, int]
    ) -> None:
        self.lines: queue.Queue[tuple[int, str | None]] = queue.Queue()
        self.all: list[Writer] = []
        for n in range(args.writers):
            process = subprocess.Popen(
                [sys.executable, __file__, "child", "writer", str(n), str(round_no),
                 str(args.writers), str(args.moves), str(args.seed),
                 str(hang_at.get(n, -1)), str(db.base / f"acks-{round_no}-{n}")],
                env=db.env, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=(db.base / f"writer-{round_no}-{n}.log").open("w"), text=True,
            )  # fmt: skip
            threading.Thread(target=self._pump, args=(n, process.stdout), daemon=True).start()
            self.all.append(Writer(n, process))

    def _pump(self, n: int, stream: Any) -> None:
        for line in stream:
            self.lines.put((n, line.rstrip("\n")))
        self.lines.put((n, None))

    def next(self) -> tuple[Writer, str | None]:
        n, line = self.lines.get(timeout=SAFETY)
        writer = self.all[n]
        if line is None:
            writer.ended = True
        else:
            writer.seen.append(line)
        return writer, line

    def start_together(self) -> None:
        ready: set[int] = set()
        while len(ready) < len(self.all):
            writer, line = self.next()
            if line is None:
                raise RuntimeError(f"writer {writer.number} did not start")
            if line == "READY":
                ready.add(writer.number)
        for w in self.all:
            assert w.process.stdin is not None
            w.process.stdin.write("GO\n")
            w.process.stdin.flush()

    def drain(self) -> None:
        """Everything the writers wrote before they died: the pipes keep it."""
        while not all(w.ended for w in self.all):
            self.next()
        for w in self.all:
            w.process.wait(timeout=SAFETY)


def _request(line: str, word: str) -> int | None:
    """The number of the request a BEGIN or RETURNED line is about."""
    if not line.startswith(word):
        return None
    rest = line[len(word) :]
    return int(json.loads(rest)["i"]) if rest.startswith("{") else int(rest)


def run_round(db: Database, round_no: int, args: argparse.Namespace, rng: random.Random) -> Round:
    started = time.monotonic()
    result = Round(db.engine, round_no, writers=args.writers)
    # Where each writer dies: inside a posting (right after its BEGIN), or
    # after a commit returned, before its acknowledgement (the writer waits at
    # RETURNED for its kill: committed, never acknowledged).
    plans = {
        n: (rng.randrange(1, args.moves), "BEGIN " if rng.random() < 0.5 else "RETURNED ")
        for n in range(args.writers)
    }
    if isinstance(db, PostgresCluster):  # one writer's moment kills the server
        victim = rng.randrange(args.writers)
        plans = {victim: plans[victim]}
    hang_at = {n: target for n, (target, word) in plans.items() if word == "RETURNED "}
    writers = Writers(db, round_no, args, hang_at)
    writers.start_together()
    while not all(w.ended for w in writers.all):
        writer, line = writers.next()
        if writer.number not in plans or not line:
            continue
        target, word = plans[writer.number]
        if _request(line, word) != target:
            continue
        if isinstance(db, PostgresCluster):
            result.server_kills += 1
            result.server_processes_killed += db.kill_server()
            if word == "RETURNED ":
                writer.process.send_signal(signal.SIGKILL)  # the client goes down with it
            del plans[writer.number]
        else:
            writer.process.send_signal(signal.SIGKILL)
    writers.drain()
    if isinstance(db, PostgresCluster):
        if not result.server_kills:
            raise RuntimeError("the victim writer ended before its kill moment")
        db.start()
    _settle(db, writers.all, round_no, result)
    result.seconds = round(time.monotonic() - started, 2)
    return result


def _acks(path: Path) -> dict[int, dict[str, Any]]:
    """The acknowledgements a writer made durable; a line cut short by the kill is none."""
    if not path.exists():
        return {}
    found = {}
    for line in path.read_text().splitlines(keepends=True):
        if line.startswith("ACK ") and line.endswith("\n"):
            ack = json.loads(line[4:])
            found[ack["i"]] = ack
    return found


def _settle(db: Database, writers: list[Writer], round_no: int, result: Round) -> None:
    """Retry what was not acknowledged, then prove the round."""
    acked: list[dict[str, Any]] = []
    unacked: list[dict[str, Any]] = []
    for w in writers:
        acks = _acks(db.base / f"acks-{round_no}-{w.number}")
        for line in w.seen:
            if line.startswith("BEGIN "):
                body = json.loads(line[6:])
                result.begun += 1
                if body["i"] in acks:
                    acked.append({**body, "pk": acks[body["i"]]["pk"]})
                else:
                    unacked.append(body)  # at most one per writer: the one in flight
    result.acks = len(acked)
    result.killed_in_flight = len(unacked)
    proof = _child(
        db, "settle", str(round_no), stdin=json.dumps({"acked": acked, "unacked": unacked})
    )
    result.retried = len(proof["retried"])
    result.retry_created = sum(1 for r in proof["retried"] if r["created"])
    result.retry_replayed = result.retried - result.retry_created
    result.problems += proof["problems"]
    for key in ("entries", "round_entries", "duplicates", "balances_checked"):
        setattr(result, key, proof[key])
    if len(unacked) > len(writers):
        result.problems.append(f"{len(unacked)} requests unacknowledged by {len(writers)} writers")
    if result.round_entries != result.acks + result.retried:
        result.problems.append(
            f"{result.round_entries} entries for {result.acks} acknowledged and "
            f"{result.retried} retried requests"
        )
    commands = {name: _command(db, *name.split()) for name in ("ledger verify", "audit verify")}
    for name, command in commands.items():
        out, err = command.communicate(timeout=SAFETY)
        if command.returncode != 0:
            result.problems.append(f"vigil {name}: {err or out}".strip())


def run_engine(
    engine: str, rounds: int, args: argparse.Namespace, report: list[Round]
) -> dict[str, Any]:
    started = time.monotonic()
    rng = random.Random(f"{args.seed}/{engine}")  # noqa: S311 - replayable kill moments
    with _scratch(engine, args.keep) as base:
        db: Database = (
            SQLiteFile(base) if engine == "sqlite" else PostgresCluster(base, args.pg_fsync)
        )
        try:
            _child(db, "setup", str(args.writers))
            for number in range(1, rounds + 1):
                done = run_round(db, number, args, rng)
                report.append(done)
                _print_round(done)
                if done.problems and not args.keep_going:
                    break
        finally:
            db.close()
    mine = [r for r in report if r.engine == engine]
    return {
        "engine": engine,
        "rounds": len(mine),
        "writers": args.writers,
        "begun": sum(r.begun for r in mine),
        "acks": sum(r.acks for r in mine),
        "killed_in_flight": sum(r.killed_in_flight for r in mine),
        "retried": sum(r.retried for r in mine),
        "retry_replayed": sum(r.retry_replayed for r in mine),
        "retry_created": sum(r.retry_created for r in mine),
        "entries": mine[-1].entries if mine else 0,
        "duplicates": sum(r.duplicates for r in mine),
        "server_kills": sum(r.server_kills for r in mine),
        "failed_rounds": sum(1 for r in mine if r.problems),
        "seconds": round(time.monotonic() - started, 1),
    }


@contextmanager
def _scratch(engine: str, keep: bool) -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix=f"vigil-soak-{engine}-"))
    try:
        yield base
    finally:
        if keep:
            print(f"(kept {base})", file=sys.stderr)
        else:
            shutil.rmtree(base, ignore_errors=True)


_print_lock = threading.Lock()


def _print_round(r: Round) -> None:
    verdict = "OK" if not r.problems else "FAILED: " + "; ".join(r.problems)
    with _print_lock:
        print(
            f"{r.engine:10} round {r.number:3}: {r.writers} writers, {r.begun} begun, "
            f"{r.acks} acknowledged, {r.killed_in_flight} in flight at the kill, retried "
            f"{r.retried} ({r.retry_replayed} had committed, {r.retry_created} had not), "
            f"{r.round_entries} entries this round, {r.entries} in all, duplicates "
            f"{r.duplicates}, {r.balances_checked} balances reconciled"
            + (
                f", server SIGKILLed ({r.server_processes_killed} processes)"
                if r.server_kills
                else ""
            )
            + f", {r.seconds} s: {verdict}",
            flush=True,
        )


def main(argv: list[str]) -> int:
    if argv[:1] == ["child"]:
        return _child_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite-rounds", type=int, default=20)
    parser.add_argument("--pg-rounds", type=int, default=20)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument(
        "--moves", type=int, default=25, help="requests per writer and round, at most"
    )
    parser.add_argument("--seed", type=int, default=int(os.environ.get("SOAK_SEED", "25")))
    parser.add_argument(
        "--pg-fsync", choices=["on", "off"], default="on",
        help="off is as good a test of a killed server (the kernel keeps what was written) "
        "and its crash recovery is quicker; not of a power cut",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="end with the figures as one JSON line")
    parser.add_argument("--keep", action="store_true", help="keep the databases' directories")
    parser.add_argument("--keep-going", action="store_true", help="go on after a failed round")
    args = parser.parse_args(argv)
    if args.moves < 2 or args.writers < 1:
        parser.error("at least one writer and two requests a round")
    engines = [("sqlite", args.sqlite_rounds)]
    if args.pg_rounds:
        if not (PG_BIN / "initdb").exists():
            parser.error(f"{PG_BIN / 'initdb'} is missing: install postgresql-15, or --pg-rounds 0")
        engines.append(("postgresql", args.pg_rounds))
    engines = [(e, n) for e, n in engines if n > 0]
    report: list[Round] = []
    figures: dict[str, Any] = {}
    errors: dict[str, str] = {}

    def run(engine: str, rounds: int) -> None:
        try:
            figures[engine] = run_engine(engine, rounds, args, report)
        except Exception as exc:
            errors[engine] = f"{type(exc).__name__}: {exc}"

    # The engines run side by side: each waits mostly on its own processes.
    threads = [threading.Thread(target=run, args=engine) for engine in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for engine, f in figures.items():
        print(
            f"{engine}: {f['rounds']} rounds x {f['writers']} writers, {f['acks']} acknowledged, "
            f"{f['killed_in_flight']} in flight at a kill, retries resolved {f['retried']} "
            f"({f['retry_replayed']} replayed, {f['retry_created']} created), "
            f"{f['entries']} entries in the ledger, duplicates {f['duplicates']}, "
            f"failed rounds {f['failed_rounds']}, {f['seconds']} s"
        )
    for engine, error in errors.items():
        print(f"{engine}: ERROR {error}")
    if args.json:
        print(json.dumps({"figures": figures, "errors": errors,
                          "rounds": [asdict(r) for r in report]}))  # fmt: skip
    short = any(figures[e]["rounds"] < n for e, n in engines if e in figures)
    failed = errors or short or any(f["failed_rounds"] for f in figures.values())
    return 1 if failed else 0


def _child_main(argv: list[str]) -> int:
    what, rest = argv[0], [int(a) for a in argv[1:] if a.lstrip("-").isdigit()]
    if what == "setup":
        child_setup(*rest)
    elif what == "writer":
        n, round_no, writers, moves, seed, hang_at = rest
        child_writer(n, round_no, writers, moves, seed, hang_at, acks=argv[-1])
    elif what == "settle":
        child_settle(*rest)
    else:
        raise SystemExit(f"unknown child {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
