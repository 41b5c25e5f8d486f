"""Two storekeepers close the same blast at once (PostgreSQL, each thread with its
own connection): the blast's row is locked, so exactly one close posts and the
other is told the blast is already closed."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from vigil.controlled.blasts import services as blasts
from vigil.controlled.blasts.services import BlastLineInput, LineResult
from vigil.controlled.models import Blast, Item, LedgerEntry, Store
from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.org.models import ContactPoint

SYSTEM = SystemActor("test")
pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads with their own connections: PostgreSQL"
)


def test_two_closes_at_once_post_once(demo_again: None) -> None:
    store = Store.objects.get(name="Kho VLNCN trung tâm Cẩm Phả")
    mine = store.owning_agency
    commander = ContactPoint.objects.filter(agency=mine).order_by("pk").first()
    assert mine.admin_unit is not None and commander is not None
    blast = blasts.open_blast(
        mine, store=store, number="HCN-RACE", site_name="Lò chợ +20", fired_at=clock.now(),
        admin_unit=mine.admin_unit, person_in_charge=commander,
        lines=[BlastLineInput(Item.objects.get(code="AN-NT13"), "10", "kg")], actor=SYSTEM,
    )  # fmt: skip
    line = blast.lines.get()
    results = [LineResult(line.pk, "9", "1", "kg")]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def close() -> None:
        try:
            barrier.wait(timeout=10)
            blasts.close_blast(Blast.objects.get(pk=blast.pk), results=results, actor=SYSTEM)
            outcomes.append("closed")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        except Exception as exc:
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads: list[Any] = [threading.Thread(target=close) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes.count("closed") == 1, outcomes
    (refused,) = [o for o in outcomes if o != "closed"]
    assert "already closed" in refused or "đã được quyết toán" in refused, refused
    keys = [f"blast:{blast.pk}:{leg}:{line.pk}" for leg in ("settle", "use", "return")]
    assert LedgerEntry.objects.filter(idempotency_key__in=keys).count() == 3
