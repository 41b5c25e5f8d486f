"""The ledger's chain heads, anchored in the audit chain.

A single movement writes no audit event: its entry in the organisation's own
HMAC chain is its proof (who, when, which key, chained to every entry before).
What ties those chains to the audit chain is an *anchor*: an audit event saying
"organisation O's ledger stood at entry N with hash H". The sweep writes one for
every organisation whose head moved since its last anchor (every five minutes);
a batch and a reversal anchor at once (their own event carries the head).

An anchor makes the ledger's chain answer to the audit chain: rebuilt, cut short
or rewritten from some entry on (even by someone holding the key), the ledger
no longer bears out the anchors written before, and ``vigil ledger verify`` and
``vigil audit verify`` both name the anchor that disagrees (``chain``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max

from vigil.controlled.ledger.models import LedgerEntry, LedgerHead
from vigil.controlled.models import ControlledAction
from vigil.core import audit
from vigil.core.audit import Actor, SystemActor, Vouched
from vigil.core.models import AuditEvent

SWEEP_EVERY = dt.timedelta(minutes=5)
HEAD_OBJECT = "controlled.ledgerhead"  # the anchor event's object: the organisation's head
# Every event that carries a ledger head (the batch and the reversal anchor at once).
ANCHOR_ACTIONS = (
    ControlledAction.LEDGER_ANCHORED.value,
    ControlledAction.MOVEMENTS_POSTED.value,
    ControlledAction.MOVEMENT_REVERSED.value,
)
SWEEP_ACTOR = SystemActor("ledger anchor")


@dataclass(frozen=True)
class Anchor:
    """An audit event's word on a ledger head: entry ``seq`` of the organisation's
    chain has hash ``hash``."""

    event_seq: int
    organisation: int
    seq: int
    hash: str

    def __str__(self) -> str:
        return f"anchor event {self.event_seq} (organisation {self.organisation}, entry {self.seq})"


def anchor_payload(organisation_id: int, seq: int, hash_: str) -> dict[str, Any]:
    """What an audit event says of the ledger head it anchors."""
    return {"organisation": organisation_id, "seq": seq, "hash": hash_}


def anchor_of(event_seq: int, after: Any) -> Anchor | None:
    """The anchor an event's payload carries (``None``: it carries none, as the
    movement events written before anchoring did)."""
    if not isinstance(after, dict):
        return None
    org, seq, hash_ = after.get("organisation"), after.get("seq"), after.get("hash")
    if not (isinstance(org, int) and isinstance(seq, int) and isinstance(hash_, str)):
        return None
    return Anchor(event_seq, org, seq, hash_)


def anchors_in(vouched: list[Vouched]) -> list[Anchor]:
    return [a for v in vouched if (a := anchor_of(v.seq, v.after)) is not None]


def recorded_anchors() -> list[Anchor]:
    """Every anchor in the audit chain, in its order (read in the caller's snapshot)."""
    rows = AuditEvent.objects.filter(action__in=ANCHOR_ACTIONS).order_by("seq")
    return anchors_in(
        [Vouched(seq, action, after) for seq, action, after in
         rows.values_list("seq", "action", "after").iterator(chunk_size=2000)]
    )  # fmt: skip


def anchor_ledgers(*, actor: Actor = SWEEP_ACTOR) -> int:
    """One ``ledger.anchored`` event for every organisation whose head moved since
    its last anchor; how many were written.

    The heads are read without a lock (a committed head; no writer waits for
    this read, nor it for one): each names an entry already committed. The
    events are appended in one transaction, which holds the audit head for
    as many inserts as there are organisations that moved."""
    heads = list(LedgerHead.objects.filter(seq__gt=0).values_list("organisation_id", "seq", "hash"))
    if not heads:
        return 0
    last = _last_anchored([org for org, _seq, _hash in heads])
    moved = [(org, seq, hash_) for org, seq, hash_ in heads if seq > last.get(org, 0)]
    if not moved:
        return 0
    committees = _committees(moved)
    with transaction.atomic():
        for org, seq, hash_ in moved:
            audit.record(
                ControlledAction.LEDGER_ANCHORED, actor=actor, object_type=HEAD_OBJECT,
                object_id=str(org), after=anchor_payload(org, seq, hash_),
                committee_id=committees.get((org, seq)),
            )  # fmt: skip
    return len(moved)


def sweep(now: dt.datetime) -> int:
    """The scheduler's sweep (``vigil worker``): ``anchor_ledgers``."""
    return anchor_ledgers()


def _last_anchored(organisations: list[int]) -> dict[int, int]:
    """Each organisation's entry its last sweep anchor named (by the index on the
    event's object; a batch's or a reversal's anchor is not looked at: the sweep
    then anchors that head once more, which is harmless)."""
    found = (
        AuditEvent.objects.filter(
            action=ControlledAction.LEDGER_ANCHORED,
            object_type=HEAD_OBJECT,
            object_id__in=[str(org) for org in organisations],
        )
        .values("object_id")
        .annotate(last=Max("seq"))
    )
    events = AuditEvent.objects.filter(seq__in=[row["last"] for row in found])
    last: dict[int, int] = {}
    for seq, after in events.values_list("seq", "after"):
        anchor = anchor_of(seq, after)
        if anchor is not None:
            last[anchor.organisation] = anchor.seq
    return last


def _committees(heads: list[tuple[int, int, str]]) -> dict[tuple[int, int], int | None]:
    """The committee of each head's entry: whose auditors find the anchor."""
    by_org: dict[int, int] = {org: seq for org, seq, _hash in heads}
    rows = LedgerEntry.objects.filter(
        owning_agency_id__in=by_org, seq__in=set(by_org.values())
    ).values_list("owning_agency_id", "seq", "owning_committee_id")
    return {(org, seq): committee for org, seq, committee in rows if by_org.get(org) == seq}
