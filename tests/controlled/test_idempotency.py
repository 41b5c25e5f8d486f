"""Idempotency keys: a retry gets the original entry (and is told it is a replay),
a race of identical first requests writes one entry, a reused key with another
body is refused with nothing written."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client
from django.utils import translation

from tests.controlled import _writers
from vigil.controlled.ledger import services
from vigil.controlled.models import Account, Balance, Item, LedgerEntry, Store
from vigil.core import clock
from vigil.core.models import AuditEvent

MINE = "Công ty Cổ phần Than Demo Cẩm Phả"
RACES = 100


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def written() -> tuple[int, int, list[int]]:
    return (
        LedgerEntry.objects.count(),
        AuditEvent.objects.count(),
        sorted(Balance.objects.values_list("quantity", flat=True)),
    )


def _requests() -> list[tuple[str, dict[str, Any], str]]:
    """(path, body, key) of receipts, issues and a batch, as a mine's system sends them."""
    store = Store.objects.get(name="Kho VLNCN trung tâm Cẩm Phả")
    item = Item.objects.get(code="AN-NT13")
    base = {"item": item.pk, "unit": "kg", "document_ref": "PN-R"}
    receipt = {**base, "from_kind": "supplier", "to_store": store.pk}
    issue = {**base, "from_store": store.pk, "to_kind": "consumption"}
    requests: list[tuple[str, dict[str, Any], str]] = [
        ("/api/v1/movements/", {**receipt, "quantity": "3"}, "r-1"),
        ("/api/v1/movements/", {**receipt, "quantity": "4.5", "lot": "L7"}, "r-2"),
        ("/api/v1/movements/", {**issue, "quantity": "1", "reason": "nổ mìn"}, "r-3"),
        ("/api/v1/movements/", {**issue, "quantity": "0.25", "lot": "L7"}, "r-4"),
    ]
    batch = {
        "movements": [
            {**receipt, "quantity": "1", "idempotency_key": "rb-1"},
            {**issue, "quantity": "0.5", "idempotency_key": "rb-2"},
            {**receipt, "quantity": "2", "lot": "L7", "idempotency_key": "rb-3"},
        ]
    }
    requests.append(("/api/v1/movements/batch/", batch, ""))
    return requests


def _post(client: Client, path: str, body: dict[str, Any], key: str) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(path, body, content_type="application/json", headers=headers)


@pytest.mark.django_db
def test_every_committed_request_replayed_returns_the_original_entry(
    api_for: Callable[..., Client],
) -> None:
    kho = api_for("kho_mo", scope="write")
    first: list[Any] = []
    for path, body, key in _requests():
        response = _post(kho, path, body, key)
        assert response.status_code == 201, response.content
        first.append(response.json())
    state = written()
    # A month later the licence has expired: new movements are refused, but a
    # client retrying after a timeout still gets what it was owed.
    with time_machine.travel(clock.now() + dt.timedelta(days=60), tick=False):
        for (path, body, key), original in zip(_requests(), first, strict=True):
            again = _post(kho, path, body, key)
            assert again.status_code == 200, again.content  # said to be a replay
            assert again.json() == original
        refused = _post(kho, *_requests()[0][:2], "r-new")
        assert refused.status_code == 400
        assert "hết hạn" in str(refused.json())  # expired, in the user's language
    assert written() == state
    print(f"\n{len(first)} committed requests replayed: the original entries, nothing written")


@pytest.mark.django_db
def test_a_reused_key_with_another_body_is_refused_in_a_batch_too(
    api_for: Callable[..., Client],
) -> None:
    kho = api_for("kho_mo", scope="write")
    path, batch, _key = _requests()[-1]
    assert _post(kho, path, batch, "").status_code == 201
    state = written()
    changed = {"movements": [dict(m) for m in batch["movements"]]}
    changed["movements"][2]["quantity"] = "2.5"
    changed["movements"].append({**changed["movements"][0], "idempotency_key": "rb-new"})
    response = _post(kho, path, changed, "")
    assert response.status_code == 400
    assert "3/4" in str(response.json()) and "rb-3" in str(response.json())
    assert written() == state


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads with their own connections: PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_identical_requests_raced_a_hundred_times_write_one_entry_each() -> None:
    """Every tenth race sends two bodies under one key: one is written, the other refused."""
    _writers.build_world(organisations=1, stores_each=1)
    world = _writers.load_world()
    store = world.stores[0]
    org = store.owning_agency
    supplier = world.outside[(org.pk, Account.Kind.SUPPLIER)]
    used = world.outside[(org.pk, Account.Kind.CONSUMPTION)]
    outcomes: Counter[str] = Counter()
    errors: list[BaseException] = []

    def movement(n: int, variant: int) -> services.Movement:
        issue = n % 2 == 1  # receipts and issues alternate, so the store never fills
        return services.Movement(
            item=world.item, quantity=1000 + variant,
            from_account=store.account if issue else supplier,
            to_account=used if issue else store.account, idempotency_key=f"race-{n}",
        )  # fmt: skip

    def racer(start: threading.Barrier, m: services.Movement, got: list[Any]) -> None:
        try:
            start.wait()
            with translation.override("en"):
                got.append(services.record_movements(org, [m], actor=_writers.SYSTEM)[0])
        except ValidationError as exc:
            got.append(exc)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    for n in range(RACES):
        different = n % 10 == 8  # on a receipt: the store always has room
        start = threading.Barrier(2)
        got: list[Any] = []
        threads = [
            threading.Thread(target=racer, args=(start, movement(n, v if different else 0), got))
            for v in (0, 1)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [], errors
        entries = list(LedgerEntry.objects.filter(owning_agency=org, idempotency_key=f"race-{n}"))
        assert len(entries) == 1, n
        if different:
            refused = [g for g in got if isinstance(g, ValidationError)]
            assert len(refused) == 1 and "already used" in refused[0].messages[0]
            outcomes["different bodies: one written, one refused"] += 1
        else:
            assert sorted(p.created for p in got) == [False, True], n  # one 201, one 200
            assert {p.entry.pk for p in got} == {entries[0].pk}
            outcomes["identical: one created, one replayed"] += 1
    proof = _writers.check()
    assert proof.entries == RACES and proof.duplicate_keys == 0
    assert proof.mismatch == "" and proof.chain_ok
    print(f"\n{RACES} races of two requests: {dict(outcomes)}; {proof.entries} entries")
