"""Demo blasts of the coal mine M (``kho_mo``'s): one closed that balances, and one
still open whose results leave 2 kg of explosive unaccounted for, so that the list,
the blast's page and the home panel have something that stands out.

The mine's other balances stay those the ledger tests expect: the blasts draw on
explosives and detonators received into the face store for them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from vigil.controlled.blasts.services import (
    BlastLineInput,
    LineResult,
    close_blast_within,
    open_blast_within,
    record_results_within,
)
from vigil.controlled.ledger.models import Account
from vigil.controlled.ledger.services import external_account, post_movement_within
from vigil.controlled.registry.models import Store
from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.org.demo import OrgWorld
from vigil.org.models import ContactPoint

FACE_STORE = "Kho tạm công trường vỉa 14"
CLOSED_NUMBER = "HCN-118/2026"
UNBALANCED_NUMBER = "HCN-119/2026"


def _local(days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
    day = clock.today() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def seed_blasts(w: OrgWorld, actor: SystemActor, *, items: dict[str, Any]) -> None:
    mine = w.agencies["mine"]
    assert mine.admin_unit is not None
    store = Store.objects.get(owning_agency=mine, name=FACE_STORE)
    supplier = external_account(mine, Account.Kind.SUPPLIER)
    amonit, detonator = items["AMONIT-AD1"], items["KD-VN2"]
    for key, item, quantity, unit, ref in (
        ("demo-b1", amonit, "300", "kg", "PN-B01"),
        ("demo-b2", detonator, 400, "pcs", "PN-B02"),
    ):
        post_movement_within(
            mine, item=item, quantity=quantity, unit=unit, from_account=supplier,
            to_account=store.account, idempotency_key=key, document_ref=ref,
            reason="Nhập kho tạm phục vụ nổ mìn", actor=actor,
        )  # fmt: skip
    commander = ContactPoint.objects.filter(agency=mine).order_by("pk").first()
    assert commander is not None
    common: dict[str, Any] = {
        "store": store, "admin_unit": mine.admin_unit, "person_in_charge": commander,
        "actor": actor,
    }  # fmt: skip
    closed = open_blast_within(
        mine, number=CLOSED_NUMBER, site_name="Lò chợ mức +125, vỉa 14",
        fired_at=_local(3, 10, 30), note="Nổ mìn theo hộ chiếu đã duyệt.",
        lines=[BlastLineInput(amonit, "120", "kg"), BlastLineInput(detonator, 150, "pcs")],
        **common,
    )  # fmt: skip
    first, second = closed.lines.order_by("pk")
    close_blast_within(
        closed, actor=actor,
        results=[LineResult(first.pk, "112", "8", "kg"), LineResult(second.pk, 144, 6, "pcs")],
    )  # fmt: skip
    open_ = open_blast_within(
        mine, number=UNBALANCED_NUMBER, site_name="Lò chuẩn bị mức +110, vỉa 14",
        fired_at=_local(1, 15), lines=[BlastLineInput(amonit, "90", "kg"),
                                       BlastLineInput(detonator, 100, "pcs")],
        **common,
    )  # fmt: skip
    first, second = open_.lines.order_by("pk")
    # 85 + 3 of 90 kg: 2 kg unaccounted for; the blast stands out and cannot close.
    record_results_within(
        open_, actor=actor,
        results=[LineResult(first.pk, "85", "3", "kg"), LineResult(second.pk, 96, 4, "pcs")],
    )  # fmt: skip
