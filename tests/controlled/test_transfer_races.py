"""Transfers under concurrent HTTP writers, and replays of requests still running.

PostgreSQL: writer threads, each with its own connection and token, mixing
receipts, issues, transfers sent, received and cancelled (the mix that
deadlocked 5-23 % of requests while transfers locked the item and the stores
before the chain heads). Every answer is a 2xx or a clear 4xx, never a 500; the
balances are the ledger's sums, the chains hold, the in-transit accounts hold
exactly what is on the road.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection, connections
from django.db.models import Sum
from django.test import Client
from django.utils import translation

from tests.controlled import _writers
from vigil.accounts.services import create_token, create_user
from vigil.controlled.ledger import chain as ledger
from vigil.controlled.models import Account, LedgerEntry, Store, Transfer
from vigil.core import audit, clock
from vigil.org.services import grant_membership

WRITERS = 8
REQUESTS = 30
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads with their own connections: PostgreSQL"
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@dataclass
class Shop:
    """The world's two organisations, each with a storekeeper's token."""

    item: int
    stores: dict[int, list[int]]  # organisation -> its stores
    tokens: dict[int, str]  # organisation -> bearer token
    sent: list[tuple[int, int, int]] = field(default_factory=list)  # (transfer, sender, receiver)
    lock: threading.Lock = field(default_factory=threading.Lock)


def build_shop() -> Shop:
    _writers.build_world(organisations=2, stores_each=2)
    world = _writers.load_world()
    stores: dict[int, list[int]] = {}
    for s in world.stores:
        stores.setdefault(s.owning_agency_id, []).append(s.pk)
    tokens = {}
    for n, org in enumerate(sorted(stores)):
        user = create_user(
            username=f"kho_dongthoi_{n}", full_name=f"Thủ kho {n}", password=None,
            actor=_writers.SYSTEM,
        )  # fmt: skip
        agency = Store.objects.get(pk=stores[org][0]).owning_agency
        grant_membership(
            user, agency=agency, role="storekeeper", valid_from=clock.today(),
            actor=_writers.SYSTEM,
        )  # fmt: skip
        _token, raw = create_token(user, name="races", scope="write", actor=_writers.SYSTEM)
        tokens[org] = raw
    return Shop(item=world.item.pk, stores=stores, tokens=tokens)


def _request(shop: Shop, rng: random.Random, org: int, key: str) -> tuple[str, dict[str, Any]]:
    """One random request of this organisation's storekeeper: (path, body)."""
    mine = rng.choice(shop.stores[org])
    other = rng.choice([s for o, ss in shop.stores.items() if o != org for s in ss])
    quantity = rng.choice(["1", "5", "10", "20"])
    roll = rng.random()
    with shop.lock:
        to_me = [t for t, _s, r in shop.sent if r == org]
        by_me = [t for t, s, _r in shop.sent if s == org]
    if roll < 0.15 and to_me:
        return f"/api/v1/transfers/{rng.choice(to_me)}/receive/", {}
    if roll < 0.25 and by_me:
        return f"/api/v1/transfers/{rng.choice(by_me)}/cancel/", {"reason": "trả lại"}
    if roll < 0.55:
        return "/api/v1/transfers/", {
            "from_store": mine, "to_store": other, "item": shop.item, "quantity": quantity,
            "unit": "kg",
        }  # fmt: skip
    if roll < 0.8:
        body = {"item": shop.item, "quantity": quantity, "unit": "kg"}
        return "/api/v1/movements/", {**body, "from_kind": "supplier", "to_store": mine}
    body = {"item": shop.item, "quantity": quantity, "unit": "kg"}
    return "/api/v1/movements/", {**body, "from_store": mine, "to_kind": "consumption"}


def _write(shop: Shop, number: int, org: int, requests: int) -> Counter[str]:
    rng = random.Random(number)
    client = Client(headers={"Authorization": f"Bearer {shop.tokens[org]}"})
    outcomes: Counter[str] = Counter()
    done: list[tuple[str, dict[str, Any], str, Any]] = []
    for i in range(requests):
        if done and rng.random() < 0.1:  # a client retrying a request it already sent
            path, body, key, first = rng.choice(done)
            again = client.post(path, body, content_type="application/json",
                                headers={"Idempotency-Key": key})  # fmt: skip
            assert again.status_code == 200 and again.json()["id"] == first, again.content
            outcomes["replayed"] += 1
            continue
        key = f"w{number}-{i}"
        path, body = _request(shop, rng, org, key)
        response = client.post(path, body, content_type="application/json",
                               headers={"Idempotency-Key": key, "Accept-Language": "en"})  # fmt: skip
        code = response.status_code
        verb = path.split("/")[-2] if path.count("/") > 4 else path.split("/")[3]
        outcomes[f"{verb} {code}"] += 1
        assert code in (200, 201, 400), (path, code, response.content)  # never a 500 or 409
        if code == 201 and verb in ("movements", "transfers"):
            done.append((path, body, key, response.json()["id"]))
        if code == 201 and verb == "transfers":
            receiver = Store.objects.get(pk=body["to_store"]).owning_agency_id
            with shop.lock:
                shop.sent.append((response.json()["id"], org, receiver))
    return outcomes


def _run(shop: Shop, writers: int, requests: int) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    errors: list[BaseException] = []
    start = threading.Barrier(writers)
    orgs = sorted(shop.stores)

    def writer(number: int) -> None:
        try:
            start.wait()
            counted = _write(shop, number, orgs[number % len(orgs)], requests)
            with shop.lock:
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
    assert errors == [], errors[:3]
    return outcomes


def on_the_road() -> tuple[int, int]:
    """(what the in-transit accounts hold, what the transfers in transit carry)."""
    transit = Account.objects.filter(kind=Account.Kind.IN_TRANSIT)
    into = LedgerEntry.objects.filter(to_account__in=transit).aggregate(s=Sum("quantity"))["s"]
    out = LedgerEntry.objects.filter(from_account__in=transit).aggregate(s=Sum("quantity"))["s"]
    carried = Transfer.objects.filter(status=Transfer.Status.IN_TRANSIT).aggregate(
        s=Sum("quantity")
    )["s"]
    return (into or 0) - (out or 0), carried or 0


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_eight_http_writers_with_transfers_get_no_server_error_and_the_ledger_holds() -> None:
    shop = build_shop()
    outcomes = _run(shop, WRITERS, REQUESTS)
    proof = _writers.check()
    road, carried = on_the_road()
    closed = Transfer.objects.exclude(status=Transfer.Status.IN_TRANSIT)
    print(
        f"\n{WRITERS} HTTP writers x {REQUESTS}: {dict(sorted(outcomes.items()))}; "
        f"{proof.entries} entries, mismatch: {proof.mismatch or 'none'}, "
        f"chain: {'holds' if proof.chain_ok else proof.chain_reason}, on the road {road}"
    )
    assert proof.mismatch == "" and proof.chain_ok, proof
    assert proof.duplicate_keys == 0 and proof.negative_balances == 0
    assert proof.over_capacity == 0
    assert road == carried  # the in-transit accounts hold exactly what is on the road
    assert not closed.filter(closing_entry__isnull=True).exists()
    assert not Transfer.objects.filter(
        status=Transfer.Status.IN_TRANSIT, closing_entry__isnull=False
    ).exists()
    assert audit.verify().ok
    # The mix was a mix: transfers sent, received and cancelled, movements, retries.
    for kind in ("transfers 201", "receive 200", "cancel 200", "movements 201"):
        assert outcomes[kind] > 0, kind
    assert outcomes["replayed"] > 0
    assert ledger.reconcile()[1] is None


def _transfer_body(shop: Shop) -> dict[str, Any]:
    sender, receiver = sorted(shop.stores)
    return {"from_store": shop.stores[sender][0], "to_store": shop.stores[receiver][0],
            "item": shop.item, "quantity": "1", "unit": "kg"}  # fmt: skip


def _stock(shop: Shop) -> None:
    sender = sorted(shop.stores)[0]
    client = Client(headers={"Authorization": f"Bearer {shop.tokens[sender]}"})
    body = {"item": shop.item, "quantity": "50", "unit": "kg", "from_kind": "supplier",
            "to_store": shop.stores[sender][0]}  # fmt: skip
    response = client.post("/api/v1/movements/", body, content_type="application/json",
                           headers={"Idempotency-Key": "stock"})  # fmt: skip
    assert response.status_code == 201, response.content


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_transfers_with_one_key_answer_201_and_200() -> None:
    """Review: both answered 201 (the key was looked up before the lock)."""
    shop = build_shop()
    _stock(shop)
    sender = sorted(shop.stores)[0]
    body = _transfer_body(shop)

    def racer(start: threading.Barrier, got: list[tuple[int, int]], key: str) -> None:
        client = Client(headers={"Authorization": f"Bearer {shop.tokens[sender]}"})
        try:
            start.wait()
            r = client.post("/api/v1/transfers/", body, content_type="application/json",
                            headers={"Idempotency-Key": key})  # fmt: skip
            got.append((r.status_code, r.json()["id"]))
        finally:
            connections.close_all()

    for n in range(10):
        start = threading.Barrier(2)
        got: list[tuple[int, int]] = []
        threads = [threading.Thread(target=racer, args=(start, got, f"same-{n}")) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(code for code, _id in got) == [200, 201], got
        assert len({pk for _code, pk in got}) == 1
    assert Transfer.objects.filter(owning_agency_id=sender).count() == 10
    assert _writers.check().chain_ok


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_replay_waits_for_its_original_and_gets_what_it_wrote() -> None:
    """The original holds its chain's lock, not yet committed; its replay waits at
    that lock (it is not judged against a ledger without the original's entry)
    and then answers 200 with the original's entry."""
    from django.db import transaction

    from vigil.controlled.ledger import services

    shop = build_shop()
    _stock(shop)
    sender = sorted(shop.stores)[0]
    store = Store.objects.select_related("account", "owning_agency").get(pk=shop.stores[sender][0])
    used = Account.objects.get(organisation_id=sender, kind=Account.Kind.CONSUMPTION)
    posted, finish = threading.Event(), threading.Event()
    original: list[int] = []

    def first() -> None:
        try:
            with transaction.atomic():
                entry = services.post_movements(store.owning_agency, [services.Movement(
                    item=_writers.load_world().item, quantity=50_000,
                    from_account=store.account, to_account=used, idempotency_key="all-of-it",
                )], actor=_writers.SYSTEM)[0]  # fmt: skip
                original.append(entry.pk)
                posted.set()
                finish.wait()
        finally:
            connections.close_all()

    replay: list[Any] = []

    def second() -> None:
        client = Client(headers={"Authorization": f"Bearer {shop.tokens[sender]}"})
        body = {"item": shop.item, "quantity": "50", "unit": "kg", "from_store": store.pk,
                "to_kind": "consumption"}  # fmt: skip
        try:
            replay.append(client.post("/api/v1/movements/", body, content_type="application/json",
                                      headers={"Idempotency-Key": "all-of-it"}))  # fmt: skip
        finally:
            connections.close_all()

    one = threading.Thread(target=first)
    one.start()
    posted.wait()
    two = threading.Thread(target=second)
    two.start()
    with connection.cursor() as cursor:  # the replay waits for the chain head's lock
        waiting = 0
        while waiting == 0 and two.is_alive():
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            waiting = cursor.fetchone()[0]
    assert waiting == 1 and not replay
    finish.set()
    one.join()
    two.join()
    assert replay[0].status_code == 200, replay[0].content  # a replay, not "holds only 0 kg"
    assert replay[0].json()["id"] == original[0]
    assert LedgerEntry.objects.filter(idempotency_key="all-of-it").count() == 1
