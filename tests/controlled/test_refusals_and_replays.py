"""A refused request writes nothing; derived keys are kept whole; a replay of a
request still running is told "in progress" (409, Retry-After), never refused."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from vigil.controlled.ledger import inflight, services
from vigil.controlled.models import Account, Item, LedgerEntry, Store, Transfer
from vigil.core.models import AuditEvent

pytestmark = pytest.mark.django_db
MINE = "Công ty Cổ phần Than Demo Cẩm Phả"


@pytest.fixture(autouse=True)
def _english(db: None) -> Iterator[None]:
    from vigil.accounts.models import User

    User.objects.update(language="en")
    with translation.override("en"):
        yield


def main() -> Store:
    return Store.objects.get(name="Kho VLNCN trung tâm Cẩm Phả")


def quarry() -> Store:
    return Store.objects.get(name="Kho VLNCN mỏ đá Hoành Bồ")


def item() -> Item:
    return Item.objects.get(code="AN-NT13")


def state() -> tuple[int, int, int, int]:
    return (
        Account.objects.count(), LedgerEntry.objects.count(), AuditEvent.objects.count(),
        Transfer.objects.count(),
    )  # fmt: skip


def post(client: Client, path: str, body: dict[str, Any], key: str) -> Any:
    return client.post(path, body, content_type="application/json",
                       headers={"Idempotency-Key": key})  # fmt: skip


def receipt(quantity: str = "2") -> dict[str, Any]:
    return {"item": item().pk, "quantity": quantity, "unit": "kg", "from_kind": "supplier",
            "to_store": main().pk}  # fmt: skip


def test_a_refused_replay_with_another_body_creates_no_account(
    api_for: Callable[..., Client],
) -> None:
    kho = api_for("kho_mo", scope="write")
    mine = main().owning_agency
    assert not Account.objects.filter(organisation=mine, kind="destruction").exists()
    assert post(kho, "/api/v1/movements/", receipt(), "K-lost").status_code == 201
    before = state()
    lost = {"item": item().pk, "quantity": "1", "from_store": main().pk, "to_kind": "destruction"}
    response = post(kho, "/api/v1/movements/", lost, "K-lost")
    assert response.status_code == 400
    assert "already used for a different movement" in str(response.json())
    assert state() == before  # no account, no entry, no audit event
    assert not Account.objects.filter(organisation=mine, kind="destruction").exists()


def test_a_movement_refused_after_its_key_checks_creates_no_account_either(
    api_for: Callable[..., Client],
) -> None:
    kho = api_for("kho_mo", scope="write")
    before = state()
    too_much = {"item": item().pk, "quantity": "999999", "unit": "kg", "from_store": main().pk,
                "to_kind": "lost"}  # fmt: skip
    response = post(kho, "/api/v1/movements/", too_much, "K-lost-2")
    assert response.status_code == 400 and "holds only" in str(response.json())
    assert state() == before
    # The same account, named in a movement that is posted, is made with it.
    ok = post(kho, "/api/v1/movements/", {**too_much, "quantity": "1"}, "K-lost-3")
    assert ok.status_code == 201, ok.content
    lost = Account.objects.get(organisation=main().owning_agency, kind="lost")
    assert ok.json()["to_account"] == {"kind": "lost", "store": None}
    assert LedgerEntry.objects.get(pk=ok.json()["id"]).to_account_id == lost.pk


def test_two_long_transfer_keys_that_share_their_start_make_two_transfers(
    api_for: Callable[..., Client],
) -> None:
    """Review: f"transfer-out:{key}"[:100] made 100-character keys that share their
    first 87 characters one ledger key (a 500, or "key already used")."""
    kho = api_for("kho_mo", scope="write")
    body = {"from_store": main().pk, "to_store": quarry().pk, "item": item().pk,
            "quantity": "1", "unit": "kg"}  # fmt: skip
    keys = ["k" * 99 + "1", "k" * 99 + "2", "k" * 99 + "3"]
    answers = [
        post(kho, "/api/v1/transfers/", body, keys[0]),
        post(kho, "/api/v1/transfers/", body, keys[1]),  # the same body
        post(kho, "/api/v1/transfers/", {**body, "quantity": "2"}, keys[2]),  # another
    ]
    assert [a.status_code for a in answers] == [201, 201, 201], [a.content for a in answers]
    assert len({a.json()["id"] for a in answers}) == 3
    entries = LedgerEntry.objects.filter(pk__in=[a.json()["dispatch_entry"] for a in answers])
    assert len({e.idempotency_key for e in entries}) == 3
    assert all(len(e.idempotency_key) <= services.KEY_MAX for e in entries)
    assert post(kho, "/api/v1/transfers/", body, keys[0]).json()["id"] == answers[0].json()["id"]


def test_a_derived_key_is_whole_when_it_fits_and_hashed_when_not() -> None:
    assert services.derived_key("transfer-out", "abc") == "transfer-out:abc"
    long_one, other = "x" * 88, "x" * 87 + "y"
    assert len(services.derived_key("transfer-out", long_one)) <= services.KEY_MAX
    assert services.derived_key("transfer-out", long_one) != services.derived_key(
        "transfer-out", other
    )


sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's keys in flight; on PostgreSQL a replay waits at the chain head",
)


class Original:
    """A first request that has taken its key and not yet finished, in another thread."""

    def __init__(self, kind: str, organisation_id: int, key: str) -> None:
        self.taken, self.finish = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self.run, args=(kind, organisation_id, key))

    def run(self, kind: str, organisation_id: int, key: str) -> None:
        with inflight.holding(kind, organisation_id, [key]):
            self.taken.set()
            self.finish.wait()

    def __enter__(self) -> Original:
        self.thread.start()
        self.taken.wait()
        return self

    def __exit__(self, *exc: object) -> None:
        self.finish.set()
        self.thread.join()


@sqlite_only
def test_a_replay_while_the_original_runs_is_told_in_progress_never_refused(
    api_for: Callable[..., Client],
) -> None:
    kho = api_for("kho_mo", scope="write")
    mine = main().owning_agency_id
    before = state()
    with Original(inflight.MOVEMENT, mine, "K-flight"):
        response = post(kho, "/api/v1/movements/", receipt(), "K-flight")
        assert response.status_code == 409, response.content
        assert response["Retry-After"] == "1"
        assert response.json()["error"]["code"] == "in_progress"
        assert "still being processed" in response.json()["error"]["message"]
        batch = {"movements": [{**receipt(), "idempotency_key": "K-flight"}]}
        assert kho.post("/api/v1/movements/batch/", batch,
                        content_type="application/json").status_code == 409  # fmt: skip
        # Another key is not held up.
        assert post(kho, "/api/v1/movements/", receipt(), "K-other").status_code == 201
    assert state()[1] == before[1] + 1
    # Once the first has finished, the client's retry is answered.
    assert post(kho, "/api/v1/movements/", receipt(), "K-flight").status_code == 201
    assert post(kho, "/api/v1/movements/", receipt(), "K-flight").status_code == 200


@sqlite_only
def test_a_transfer_replayed_while_the_original_runs_is_told_in_progress(
    api_for: Callable[..., Client], client_for: Callable[[str], Client]
) -> None:
    kho = api_for("kho_mo", scope="write")
    body = {"from_store": main().pk, "to_store": quarry().pk, "item": item().pk,
            "quantity": "1", "unit": "kg"}  # fmt: skip
    before = state()
    with Original(inflight.TRANSFER, main().owning_agency_id, "T-flight"):
        response = post(kho, "/api/v1/transfers/", body, "T-flight")
        assert response.status_code == 409 and response["Retry-After"] == "1"
        page = client_for("kho_mo").post(
            f"/controlled/stores/{main().pk}/transfer/",
            {"to_store": quarry().pk, "item": item().pk, "quantity": "1", "unit": "kg",
             "idempotency_key": "T-flight"},
        )  # fmt: skip
        assert page.status_code == 200
        assert "still being processed" in page.content.decode()
    assert state() == before
    assert post(kho, "/api/v1/transfers/", body, "T-flight").status_code == 201


@sqlite_only
def test_keys_are_held_per_thread_and_given_back() -> None:
    with inflight.holding(inflight.MOVEMENT, 1, ["a"]):
        with inflight.holding(inflight.MOVEMENT, 1, ["a"]):  # the same request, nested
            pass
        with (
            Original(inflight.MOVEMENT, 1, "b"),
            pytest.raises(inflight.InProgress),
            inflight.holding(inflight.MOVEMENT, 1, ["a", "b"]),
        ):
            pass
    with inflight.holding(inflight.MOVEMENT, 1, ["a", "b"]):  # both free again
        pass


# --- the same on a SQLite WAL file, with processes (the test database lives in memory)

SETUP = """
import json
from tests.controlled import _writers
from vigil.controlled.ledger import services
from vigil.controlled.models import Account
_writers.build_world(organisations=2, stores_each=1)
world = _writers.load_world()
store = world.stores[0]
org = store.owning_agency
services.record_movements(org, [services.Movement(
    item=world.item, quantity=50_000, from_account=world.outside[(org.pk, Account.Kind.SUPPLIER)],
    to_account=store.account, idempotency_key="stock")], actor=_writers.SYSTEM)
print(json.dumps({"org": org.pk}))
"""
HOLD_WRITE_LOCK = """
import sys
from django.db import transaction
with transaction.atomic():  # BEGIN IMMEDIATE: every other writer waits
    print("locked", flush=True)
    sys.stdin.readline()
"""
ISSUE = """
import json, sys
from tests.controlled import _writers
from vigil.controlled.ledger import inflight, services
from vigil.controlled.models import Account
world = _writers.load_world()
store = world.stores[0]
org = store.owning_agency
m = services.Movement(item=world.item, quantity=50_000, from_account=store.account,
    to_account=world.outside[(org.pk, Account.Kind.CONSUMPTION)], idempotency_key="flight")
try:
    p = services.record_movements(org, [m], actor=_writers.SYSTEM)[0]
    print(json.dumps({"id": p.entry.pk, "created": p.created}))
except inflight.InProgress:
    print(json.dumps({"in_progress": True}))
"""
TRANSFER = """
import json, os, sys
from tests.controlled import _writers
from vigil.controlled.ledger import inflight
from vigil.controlled.transfers import services as transfers
world = _writers.load_world()
print("ready", flush=True)
sys.stdin.readline()
try:
    sent = transfers.send_transfer(world.stores[0], to_store=world.stores[1], item=world.item,
        quantity="1", unit="kg", idempotency_key=os.environ["KEY"], actor=_writers.SYSTEM)
    print(json.dumps({"id": sent.transfer.pk, "created": sent.created}))
except inflight.InProgress:
    print(json.dumps({"in_progress": True}))
"""


class Processes:
    """``vigil shell`` processes on one SQLite database file in WAL mode."""

    def __init__(self, folder: Path) -> None:
        self.env = {
            k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_VERSION")
        }
        self.env |= {"VIGIL_ENV": "test", "VIGIL_DATA_DIR": str(folder)}
        self.cwd = Path(__file__).resolve().parents[2]
        self.database = folder / "vigil.sqlite3"
        subprocess.run([sys.executable, "-m", "vigil", "migrate", "-v0"], env=self.env,
                       cwd=self.cwd, check=True)  # fmt: skip

    def start(self, script: str, **extra: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "vigil", "shell", "--no-imports", "-c", script],
            env=self.env | extra, cwd=self.cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def answer(self, process: subprocess.Popen[str], given: str = "") -> Any:
        out, err = process.communicate(given, timeout=300)
        assert process.returncode == 0, err
        return json.loads(out.strip().splitlines()[-1])

    def held(self, token: int) -> bool:
        """Whether some process holds this key's byte in the lock file."""
        descriptor = os.open(f"{self.database}-keys", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, token)
        except OSError:
            return True
        finally:
            os.close(descriptor)
        return False


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite (file, WAL) variant")
def test_on_sqlite_a_replay_of_a_request_waiting_for_the_write_lock_is_told_in_progress(
    tmp_path: Path,
) -> None:
    """Review: 3 replays in 3,400 were refused ("holds only") while their original,
    waiting for SQLite's write lock, then committed. Here the original waits
    behind a writer that holds the lock; its replay is told "in progress"."""
    run = Processes(tmp_path)
    org = run.answer(run.start(SETUP))["org"]
    locker = run.start(HOLD_WRITE_LOCK)
    assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
    original = run.start(ISSUE)
    token = inflight._token(inflight.MOVEMENT, org, "flight")
    deadline = time.monotonic() + 60
    while not run.held(token):  # the original has its key and waits for the write lock
        assert time.monotonic() < deadline and original.poll() is None
        time.sleep(0.05)
    assert run.answer(run.start(ISSUE)) == {"in_progress": True}
    locker.communicate("\n", timeout=60)
    first = run.answer(original)
    assert first["created"] is True
    again = run.answer(run.start(ISSUE))
    assert again == {"id": first["id"], "created": False}  # the client's retry: a replay


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite (file, WAL) variant")
def test_on_sqlite_two_simultaneous_transfers_with_one_key_make_one(tmp_path: Path) -> None:
    run = Processes(tmp_path)
    run.answer(run.start(SETUP))
    for n in range(2):
        racers = [run.start(TRANSFER, KEY=f"same-{n}") for _ in range(2)]
        for racer in racers:
            assert racer.stdout is not None and racer.stdout.readline().strip() == "ready"
        for racer in racers:  # both go at once
            assert racer.stdin is not None
            racer.stdin.write("\n")
            racer.stdin.flush()
        answers = [run.answer(racer) for racer in racers]
        made = [a for a in answers if a.get("created")]
        assert len(made) == 1, answers  # never two "created"
        others = [a for a in answers if not a.get("created")]
        assert others[0] in ({"in_progress": True}, {"id": made[0]["id"], "created": False})
    check = run.start(
        "import json; from vigil.controlled.models import Transfer; "
        "print(json.dumps(Transfer.objects.count()))"
    )
    assert run.answer(check) == 2


def test_a_client_cannot_use_the_keys_vigil_derives_itself(
    api_for: Callable[..., Client], client_for: Callable[[str], Client]
) -> None:
    kho = api_for("kho_mo", scope="write")
    transfer = {"from_store": main().pk, "to_store": quarry().pk, "item": item().pk,
                "quantity": "1", "unit": "kg"}  # fmt: skip
    before = state()
    for key in ("reverse:1", "transfer-in:7", "transfer-out:K-1", "transfer-out#ab12"):
        single = post(kho, "/api/v1/movements/", receipt(), key)
        batch = kho.post("/api/v1/movements/batch/",
                         {"movements": [{**receipt(), "idempotency_key": key}]},
                         content_type="application/json")  # fmt: skip
        sent = post(kho, "/api/v1/transfers/", transfer, key)
        for response in (single, batch, sent):
            assert response.status_code == 400, response.content
            assert "choose another key" in str(response.json())
        page = client_for("kho_mo")
        movement = page.post(f"/controlled/stores/{main().pk}/movement/",
                             {"idempotency_key": key})  # fmt: skip
        assert "choose another key" in " ".join(movement.context["form"].non_field_errors())
        dispatch = page.post(f"/controlled/stores/{main().pk}/transfer/",
                             {**transfer, "idempotency_key": key})  # fmt: skip
        assert dispatch.status_code == 200
        assert "choose another key" in dispatch.content.decode()
    assert state() == before
    assert post(kho, "/api/v1/movements/", receipt(), "reverse-order-1").status_code == 201


@sqlite_only
def test_a_cancellation_whose_reversal_is_in_flight_is_told_in_progress(
    api_for: Callable[..., Client], client_for: Callable[[str], Client]
) -> None:
    kho = api_for("kho_mo", scope="write")
    body = {"from_store": main().pk, "to_store": quarry().pk, "item": item().pk,
            "quantity": "1", "unit": "kg"}  # fmt: skip
    sent = Transfer.objects.get(pk=post(kho, "/api/v1/transfers/", body, "T-cancel").json()["id"])
    key = f"reverse:{sent.dispatch_entry_id}"
    with Original(inflight.MOVEMENT, main().owning_agency_id, key):
        response = kho.post(f"/api/v1/transfers/{sent.pk}/cancel/", {"reason": "Nhầm"},
                            content_type="application/json")  # fmt: skip
        assert response.status_code == 409 and response["Retry-After"] == "1"
        page = client_for("kho_mo").post(
            f"/controlled/transfers/{sent.pk}/cancel/", {"reason": "Nhầm"}, follow=True
        )
        assert page.status_code == 200
        assert "still being processed" in page.content.decode()
    sent.refresh_from_db()
    assert sent.status != "cancelled"
    assert kho.post(f"/api/v1/transfers/{sent.pk}/cancel/", {"reason": "Nhầm"},
                    content_type="application/json").json()["status"] == "cancelled"  # fmt: skip
