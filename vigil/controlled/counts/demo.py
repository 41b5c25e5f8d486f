"""Demo stock counts of the mine's site store: one that matches the books, and one
that finds 2 m of detonating cord missing (its discrepancy, incident and alert).

Written in the caller's transaction (``seed_controlled``) through the helpers that
nest. The site store, not the central one: the central store has a transfer on the
road, and a store with movements in flight cannot be counted."""

from __future__ import annotations

from typing import Any

from vigil.controlled.counts.models import StockCount
from vigil.controlled.counts.services import (
    CountLineInput,
    record_count_within,
    submit_count_within,
)
from vigil.controlled.ledger.models import Account
from vigil.controlled.ledger.services import external_account, post_movement_within
from vigil.controlled.registry.models import Store
from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.org.demo import OrgWorld

CORD_LOT = "DCN-2611"
SHORTAGE_NOTE = "Kiểm kê định kỳ cuối tháng"


def seed_counts(
    w: OrgWorld, actor: SystemActor, *, items: dict[str, Any], store: Store
) -> list[StockCount]:
    mine = w.agencies["mine"]
    post_movement_within(
        mine, item=items["DCN-1"], quantity="300", unit="m", lot=CORD_LOT,
        from_account=external_account(mine, Account.Kind.SUPPLIER), to_account=store.account,
        idempotency_key="demo-c1", document_ref="PN-004", reason="Nhập kho theo hợp đồng",
        actor=actor,
    )  # fmt: skip
    # The counts are at the seed's time: a count compares with the books of its time,
    # and every demo movement is posted now (a count dated before them would be refused).
    clean = record_count_within(
        store, counted_at=clock.now(), actor=actor,
        counters="Bùi Văn Toàn (thủ kho); Lê Văn Hải (tổ trưởng bảo vệ)",
        witnesses="Nguyễn Văn An (Phó Giám đốc)",
        lines=[CountLineInput(items["AN-NT13"], "49.5", "kg"),
               CountLineInput(items["DCN-1"], "300", "m", lot=CORD_LOT)],
    )  # fmt: skip
    submit_count_within(clean, actor=actor)
    short = record_count_within(
        store, counted_at=clock.now(), actor=actor, note=SHORTAGE_NOTE,
        counters="Bùi Văn Toàn (thủ kho); Lê Văn Hải (tổ trưởng bảo vệ)",
        witnesses="Nguyễn Văn An (Phó Giám đốc)",
        lines=[CountLineInput(items["DCN-1"], "298", "m", lot=CORD_LOT)],
    )  # fmt: skip
    return [clean, submit_count_within(short, actor=actor)]
