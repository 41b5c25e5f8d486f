"""The ledger's hash chains (one per organisation), verification and reconciliation.

Each entry's canonical text is sorted-key JSON of its columns with the previous
hash; its hash is HMAC-SHA256 under ``VIGIL_AUDIT_KEY``, as in the audit chain.
The heads are anchored in the audit chain (``anchors``): verification checks
every anchor against the chain it names, from either side.
"""

from __future__ import annotations

import hmac
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vigil.controlled.ledger.anchors import Anchor, anchors_in, recorded_anchors
from vigil.controlled.models import Balance, LedgerEntry, LedgerHead
from vigil.core.audit import GENESIS, Vouched, compute_hash, jsonable
from vigil.core.consistent import read_snapshot
from vigil.core.verification import ChainResult

CANONICAL_FIELDS = (
    "seq", "at", "owning_agency_id", "owning_committee_id", "licensing_agency_id",
    "classification", "item_id", "lot", "quantity", "from_account_id", "to_account_id",
    "idempotency_key", "document_ref", "reason", "actor_id", "actor_label", "reverses_id",
    "prev_hash",
)  # fmt: skip


def _same(a: str, b: str) -> bool:
    """Two hashes equal, compared in constant time; as bytes, so that a hash column
    edited to hold other characters is named broken instead of crashing the check."""
    return hmac.compare_digest(a.encode(), b.encode())


def canonical_text(values: Mapping[str, Any]) -> str:
    payload = {name: jsonable(values[name]) for name in CANONICAL_FIELDS}
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass
class LedgerVerification:
    ok: bool = True
    checked: int = 0
    broken_entry: int | None = None  # the entry's id
    reason: str = ""
    heads: int = 0
    anchors: int = 0  # anchor events checked
    broken_anchor: int | None = None  # the audit event's sequence number


def verify(key: str | None = None) -> LedgerVerification:
    """Every entry's text and hash, every chain's links and head, keys unique,
    and every anchor in the audit chain borne out by the entry it names.

    Heads and entries are read in one snapshot (read apart, an entry posted in
    between made a head look wrong)."""
    with read_snapshot():
        return _verify(key)


def _verify(key: str | None) -> LedgerVerification:
    result = LedgerVerification()

    def broken(
        entry_id: int | None, reason: str, anchor: Anchor | None = None
    ) -> LedgerVerification:
        result.ok, result.broken_entry, result.reason = False, entry_id, reason
        result.broken_anchor = anchor.event_seq if anchor else None
        return result

    anchored: dict[tuple[int, int], list[Anchor]] = defaultdict(list)
    for anchor in recorded_anchors():
        anchored[(anchor.organisation, anchor.seq)].append(anchor)
    heads = {h.organisation_id: h for h in LedgerHead.objects.all()}
    result.heads = len(heads)
    state: dict[int, tuple[int, str]] = {}
    keys: set[tuple[int, str]] = set()
    entries = LedgerEntry.objects.order_by("owning_agency_id", "seq")
    for entry in entries.iterator(chunk_size=2000):
        org = entry.owning_agency_id
        expected, prev = state.get(org, (1, GENESIS))
        if entry.seq != expected:
            return broken(entry.pk, f"organisation {org}: entry {expected} is missing")
        values = {name: getattr(entry, name) for name in CANONICAL_FIELDS}
        if canonical_text(values) != entry.canonical:
            return broken(entry.pk, "columns differ from the canonical text")
        if entry.prev_hash != prev:
            return broken(entry.pk, "link to the previous entry is broken")
        if not _same(compute_hash(entry.canonical, key), entry.hash):
            return broken(entry.pk, "hash does not match (edited, or rebuilt without the key)")
        if (org, entry.idempotency_key) in keys:
            return broken(entry.pk, "idempotency key used twice")
        for anchor in anchored.pop((org, entry.seq), []):
            if not _same(anchor.hash, entry.hash):
                return broken(entry.pk, f"{anchor} names another hash", anchor)
            result.anchors += 1
        keys.add((org, entry.idempotency_key))
        state[org] = (expected + 1, entry.hash)
        result.checked += 1
    for org, head in heads.items():
        next_seq, last_hash = state.get(org, (1, GENESIS))
        if head.seq != next_seq - 1:
            return broken(None, f"organisation {org}: the head says {head.seq} entries")
        if head.seq and head.hash != last_hash:
            return broken(None, f"organisation {org}: the head does not match")
    for org in state:
        if org not in heads:
            return broken(None, f"organisation {org}: the chain has no head")
    for anchor in sorted((a for found in anchored.values() for a in found), key=_by_event):
        ends = state.get(anchor.organisation, (1, GENESIS))[0] - 1
        return broken(None, f"{anchor}: the chain ends at entry {ends} (cut short)", anchor)
    return result


def _by_event(anchor: Anchor) -> int:
    return anchor.event_seq


def check_anchor_events(vouched: list[Vouched]) -> tuple[int, str] | None:
    """The audit chain's side (``vigil audit verify``): the first anchor event
    whose entry is missing, has another hash, or no longer matches its own text
    and hash; and why."""
    problems: list[tuple[int, str]] = []
    by_org: dict[int, list[Anchor]] = defaultdict(list)
    for anchor in anchors_in(vouched):
        by_org[anchor.organisation].append(anchor)
    for org, anchors in by_org.items():
        wanted = sorted({a.seq for a in anchors})
        entries: dict[int, LedgerEntry] = {}
        for start in range(0, len(wanted), 1000):
            chunk = wanted[start : start + 1000]
            rows = LedgerEntry.objects.filter(owning_agency_id=org, seq__in=chunk)
            entries.update((e.seq, e) for e in rows)
        for anchor in anchors:
            reason = _disagreement(anchor, entries.get(anchor.seq))
            if reason:
                problems.append((anchor.event_seq, reason))
                break
    return min(problems) if problems else None


def _disagreement(anchor: Anchor, entry: LedgerEntry | None) -> str:
    if entry is None:
        return f"{anchor}: the ledger has no such entry (cut short)"
    if not _same(anchor.hash, entry.hash):
        return f"{anchor}: entry id {entry.pk} has another hash"
    values = {name: getattr(entry, name) for name in CANONICAL_FIELDS}
    if canonical_text(values) != entry.canonical or not _same(
        compute_hash(entry.canonical), entry.hash
    ):
        return f"{anchor}: entry id {entry.pk} no longer matches its hash"
    return ""


def verify_chain_result() -> ChainResult:
    return as_chain_result(verify())


def as_chain_result(result: LedgerVerification) -> ChainResult:
    return ChainResult(
        ok=result.ok,
        checked=result.checked,
        head=f"{result.heads} chains, {result.anchors} anchors",
        broken_at=result.broken_entry,
        reason=result.reason,
    )


@dataclass
class Mismatch:
    store_id: int
    item_id: int
    lot: str
    balance: int
    ledger: int


def ledger_sums() -> dict[tuple[int, int, str], int]:
    """What every store should hold of every item and lot, by the entries alone."""
    sums: dict[tuple[int, int, str], int] = defaultdict(int)
    rows = LedgerEntry.objects.values_list(
        "item_id", "lot", "quantity", "from_account__store_id", "to_account__store_id"
    )
    for item, lot, quantity, from_store, to_store in rows.iterator(chunk_size=5000):
        if from_store is not None:
            sums[(from_store, item, lot)] -= quantity
        if to_store is not None:
            sums[(to_store, item, lot)] += quantity
    return sums


def reconcile() -> tuple[int, Mismatch | None]:
    """(balances checked, the first balance that is not the sum of its entries).

    Entries and balances are read in one snapshot: read apart, a movement posted
    in between showed as a mismatch."""
    with read_snapshot():
        return _reconcile()


def _reconcile() -> tuple[int, Mismatch | None]:
    sums = ledger_sums()
    checked = 0
    seen: set[tuple[int, int, str]] = set()
    for b in Balance.objects.order_by("pk").values_list("store_id", "item_id", "lot", "quantity"):
        key = (b[0], b[1], b[2])
        seen.add(key)
        checked += 1
        if sums.get(key, 0) != b[3]:
            return checked, Mismatch(b[0], b[1], b[2], b[3], sums.get(key, 0))
    for key, total in sorted(sums.items()):
        if key not in seen and total != 0:
            return checked, Mismatch(key[0], key[1], key[2], 0, total)
    return checked, None
