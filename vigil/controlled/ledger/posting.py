"""The posting engine: raw SQL on the hot path, under one lock order.

Every ledger path locks in one order: the chains' heads (by organisation), the
rows the new rows will refer to (FOR KEY SHARE), the balance rows by id, the
store total rows by id, and last, by the audit event when there is one, the
audit chain head. A single movement writes no audit event: its entry in the
organisation's own HMAC chain is its proof (who, when, which key), and the sweep
in ``anchors`` writes that chain's head into the audit chain; so movements of two
organisations never wait on each other. ``record`` runs inside the caller's
transaction (``services`` opens it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from vigil.controlled.catalogue.models import Item, shown
from vigil.controlled.ledger import sql as db
from vigil.controlled.ledger.anchors import anchor_payload
from vigil.controlled.ledger.chain import canonical_text
from vigil.controlled.ledger.models import Account, Balance, LedgerEntry, LedgerHead, StoreTotal
from vigil.controlled.ledger.rules import (
    Licences,
    Movement,
    account_key,
    key_reused,
    numbered,
    numbered_message,
    same_body,
    validate,
)
from vigil.controlled.models import ControlledAction
from vigil.controlled.registry.models import Store
from vigil.core import audit, clock
from vigil.core.audit import Actor, compute_hash
from vigil.org.models import Agency, Committee


@dataclass(frozen=True)
class Posted:
    """One movement's entry, and whether this call wrote it (False: a replay)."""

    entry: LedgerEntry
    created: bool


def record(organisation: Agency, movements: list[Movement], actor: Actor) -> list[Posted]:
    """Post the movements under the organisation's chain lock, in the caller's
    transaction: new keys written, replays answered with their first entry."""
    count = len(movements)
    head = _lock_head(organisation.pk)
    if any(a.pk is None for m in movements for a in (m.from_account, m.to_account)):
        movements = _with_accounts(movements, create=False)
    existing = _existing(organisation, movements)
    posted: list[Posted | None] = [None] * count
    fresh: list[tuple[int, Movement]] = []
    by_key: dict[str, LedgerEntry] = {}
    seen: dict[str, Movement] = {}
    for number, m in enumerate(movements, 1):
        old = existing.get(m.idempotency_key)
        first = seen.get(m.idempotency_key)
        if old is not None or first is not None:
            same = same_body(old, m) if old is not None else first == m
            if not same:
                raise ValidationError(numbered_message(number, count, key_reused(m)))
            if old is not None:
                posted[number - 1] = Posted(old, False)
            continue
        seen[m.idempotency_key] = m
        fresh.append((number, m))
    if fresh:
        made = _with_accounts([m for _n, m in fresh], create=True)
        fresh = [(n, m) for (n, _old), m in zip(fresh, made, strict=True)]
        stores = [
            a.store for _n, m in fresh for a in (m.from_account, m.to_account)
            if a.store is not None
        ]  # fmt: skip
        hold_referenced(
            items=[m.item.pk for _n, m in fresh], stores=[s.pk for s in stores],
            agencies=[organisation.pk, *(s.owning_agency_id for s in stores),
                      *(s.licensing_agency_id for s in stores)],
            committees=[s.owning_committee_id for s in stores],
        )  # fmt: skip
        licences = Licences(s.owning_agency_id for s in stores)
        for number, m in fresh:
            numbered(number, count, validate, organisation, m, licences)
        balances, totals = _apply_all(fresh, count)
        entries = _chain_entries(organisation, fresh, head, actor)
        _write(organisation, head, entries, balances, totals)
        by_key = {e.idempotency_key: e for e in entries}
        for n, m in fresh:
            posted[n - 1] = Posted(by_key[m.idempotency_key], True)
        _audit(organisation, entries, actor)  # last: the audit head is locked until the commit
    for n, m in enumerate(movements):
        if posted[n] is None:  # the same key twice in one call
            posted[n] = Posted(by_key[m.idempotency_key], False)
    return [p for p in posted if p is not None]


def lock_chains(organisation_ids: Iterable[int]) -> None:
    """The chain heads of these organisations, locked in the order of their ids:
    the first locks of every ledger path (inside its transaction)."""
    for pk in sorted(set(organisation_ids)):
        _lock_head(pk)


def hold_referenced(
    *,
    items: Iterable[int] = (),
    stores: Iterable[int] = (),
    agencies: Iterable[int | None] = (),
    committees: Iterable[int | None] = (),
) -> None:
    """Take now, after the chain heads, the locks PostgreSQL's deferred foreign-key
    checks take at the commit (FOR KEY SHARE on every row a new row refers to).

    Taken at the commit, while this transaction already holds the audit head,
    they would wait for a writer that holds one of those rows FOR UPDATE and
    waits for the audit head itself: a deadlock. Taken here, this transaction
    waits for that writer before it holds anything the writer needs."""
    if connection.vendor != "postgresql":
        return
    tables = [
        (Item, items), (Store, stores), (Agency, agencies), (Committee, committees),
    ]  # fmt: skip
    parts, names, params = [], [], []
    for n, (model, ids) in enumerate(tables):
        wanted = sorted({pk for pk in ids if pk is not None})
        if wanted:
            parts.append(
                f"k{n} AS (SELECT id FROM {db.table(model)} WHERE id IN ({db.marks(wanted)}) "  # noqa: S608
                "ORDER BY id FOR KEY SHARE)"
            )
            names.append(f"(SELECT count(*) FROM k{n})")  # noqa: S608
            params += wanted
    if parts:  # one round trip; a CTE runs only when the query reads it
        db.rows(f"WITH {', '.join(parts)} SELECT {', '.join(names)}", params)


def _with_accounts(movements: list[Movement], *, create: bool) -> list[Movement]:
    """The movements with their outside accounts that were not yet created found
    (and, with ``create``, made): under the chain's lock, after the key checks."""
    accounts: dict[tuple[Any, ...], Account] = {}

    def resolved(account: Account) -> Account:
        if account.pk is not None:
            return account
        key = account_key(account)
        if key not in accounts:
            found = Account.objects.filter(
                organisation_id=account.organisation_id, kind=account.kind, store=None
            ).first()
            if found is None and create:
                found = Account.objects.create(
                    organisation_id=account.organisation_id, kind=account.kind
                )
            accounts[key] = found or account
        return accounts[key]

    return [
        dataclasses.replace(
            m, from_account=resolved(m.from_account), to_account=resolved(m.to_account)
        )
        for m in movements
    ]


def _lock_head(organisation_id: int) -> LedgerHead:
    """The organisation's chain head, locked: one writer per organisation at a time."""
    sql = (
        f"SELECT seq, hash FROM {db.table(LedgerHead)} WHERE organisation_id = %s{db.lock_clause()}"  # noqa: S608
    )
    found = db.rows(sql, [organisation_id])
    if not found:
        LedgerHead.objects.get_or_create(organisation_id=organisation_id)
        found = db.rows(sql, [organisation_id])
    (seq, hash_), *_rest = found
    return LedgerHead(organisation_id=organisation_id, seq=seq, hash=hash_)


def _existing(organisation: Agency, movements: list[Movement]) -> dict[str, LedgerEntry]:
    """The entries already written under these keys (read under the head's lock)."""
    keys = sorted({m.idempotency_key for m in movements})
    sql = (
        f"SELECT id FROM {db.table(LedgerEntry)} "  # noqa: S608
        f"WHERE owning_agency_id = %s AND idempotency_key IN ({db.marks(keys)})"
    )
    ids = [row[0] for row in db.rows(sql, [organisation.pk, *keys])]
    if not ids:
        return {}
    rows = LedgerEntry.objects.filter(pk__in=ids).select_related("from_account", "to_account")
    return {e.idempotency_key: e for e in rows}


def _chain_entries(
    organisation: Agency, fresh: list[tuple[int, Movement]], head: LedgerHead, actor: Actor
) -> list[LedgerEntry]:
    """The new entries, chained after the head (moved along), not yet written."""
    actor_id = audit.acting_user_id(actor)
    label = audit.actor_label(actor)
    at = clock.now()
    entries: list[LedgerEntry] = []
    for _n, m in fresh:
        first_store = m.from_account.store or m.to_account.store
        assert first_store is not None
        values: dict[str, Any] = {
            "seq": head.seq + 1,
            "at": at,
            "owning_agency_id": organisation.pk,
            "owning_committee_id": first_store.owning_committee_id,
            "licensing_agency_id": first_store.licensing_agency_id,
            "classification": 0,
            "item_id": m.item.pk,
            "lot": m.lot,
            "quantity": m.quantity,
            "from_account_id": m.from_account.pk,
            "to_account_id": m.to_account.pk,
            "idempotency_key": m.idempotency_key,
            "document_ref": m.document_ref,
            "reason": m.reason,
            "actor_id": actor_id,
            "actor_label": label,
            "reverses_id": m.reverses.pk if m.reverses else None,
            "prev_hash": head.hash or audit.GENESIS,
        }
        canonical = canonical_text(values)
        entry = LedgerEntry(**values, canonical=canonical, hash=compute_hash(canonical))
        # What callers show next is at hand: no query per entry for it.
        entry.item, entry.from_account, entry.to_account = m.item, m.from_account, m.to_account
        head.seq, head.hash = entry.seq, entry.hash
        entries.append(entry)
    return entries


ONE_STATEMENT_MAX = 1000  # entries: 20 parameters each, PostgreSQL takes 65,535


def _write(
    organisation: Agency,
    head: LedgerHead,
    entries: list[LedgerEntry],
    balances: list[_Row],
    totals: list[_Row],
) -> None:
    """The new quantities, the entries and the moved head. On PostgreSQL in one
    statement (one round trip while the locks are held); elsewhere one by one."""
    head_sql = f"UPDATE {db.table(LedgerHead)} SET seq = %s, hash = %s WHERE organisation_id = %s"  # noqa: S608
    head_params: list[Any] = [head.seq, head.hash, organisation.pk]
    if connection.vendor != "postgresql" or len(entries) > ONE_STATEMENT_MAX:
        db.execute(*_quantities_sql(Balance, balances))
        db.execute(*_quantities_sql(StoreTotal, totals))
        if len(entries) == 1:
            entries[0].save(force_insert=True)
        else:
            LedgerEntry.objects.bulk_create(entries, batch_size=500)
        db.execute(head_sql, head_params)
        return
    parts, params = [], []
    for name, (sql, values) in (
        ("b", _quantities_sql(Balance, balances)),
        ("t", _quantities_sql(StoreTotal, totals)),
        ("h", (head_sql, head_params)),
    ):
        if sql:
            parts.append(f"{name} AS ({sql})")
            params += values
    fields = [f for f in LedgerEntry._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    for entry in entries:
        params += [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields]
    insert = (
        f"INSERT INTO {db.table(LedgerEntry)} ({columns}) VALUES "  # noqa: S608
        + ", ".join([row] * len(entries))
        + " RETURNING id"
    )
    ids = db.rows(f"WITH {', '.join(parts)} {insert}", params)
    for entry, (pk,) in zip(entries, ids, strict=True):
        entry.pk = pk
        entry._state.adding, entry._state.db = False, connection.alias


def _audit(organisation: Agency, new: list[LedgerEntry], actor: Actor) -> None:
    """The audit event of a posting, which anchors the chain's new head at once.

    A single movement has none: the entry is its proof, and the anchoring sweep
    (``anchors``) writes the head into the audit chain minutes later. A reversal
    is a correction that an auditor looks for among the audit events, and rare:
    it has its event. A batch (an import, a transfer's legs, a blast) has one
    event for the whole batch: the audit head it waits for is shared by 500
    movements."""
    first, last = new[0], new[-1]
    if len(new) == 1 and first.reverses_id is None:
        return
    head = anchor_payload(organisation.pk, last.seq, last.hash)
    if len(new) == 1:
        after = {name: getattr(first, name) for name in AUDITED} | head
        audit.record(ControlledAction.MOVEMENT_REVERSED, actor=actor, obj=first, after=after)
        return
    audit.record(
        ControlledAction.MOVEMENTS_POSTED, actor=actor, obj=first,
        after={"entries": [e.pk for e in new], "first_seq": first.seq} | head,
    )  # fmt: skip


AUDITED = (
    "seq", "item_id", "lot", "quantity", "from_account_id", "to_account_id",
    "idempotency_key", "document_ref", "reason", "reverses_id", "hash",
)  # fmt: skip

BalanceKey = tuple[int, int, str]  # store, item, lot

TotalKey = tuple[int, str]  # store, item class


@dataclass
class _Row:
    """A locked balance or total row: its id and what it holds (and may hold)."""

    pk: int
    quantity: int
    capacity: int = 0


def _lock_rows(
    balance_keys: set[BalanceKey], total_keys: set[TotalKey]
) -> tuple[dict[BalanceKey, _Row], dict[TotalKey, _Row]]:
    """Lock the balance rows, then the total rows, each in the order of their ids.

    One fixed order for every writer, so two writers never wait on each other
    in a circle; a row read here cannot change before this transaction ends."""
    lock = _row_lock()
    b_where, b_params = _any_of(balance_keys, ("store_id", "item_id", "lot"))
    balances = {
        (store, item, lot): _Row(pk, quantity)
        for pk, store, item, lot, quantity in db.rows(
            f"SELECT id, store_id, item_id, lot, quantity FROM {db.table(Balance)} "  # noqa: S608
            f"WHERE {b_where} ORDER BY id{lock}",
            b_params,
        )
    }
    t_where, t_params = _any_of(total_keys, ("store_id", "item_class"))
    totals = {
        (store, item_class): _Row(pk, quantity, capacity)
        for pk, store, item_class, quantity, capacity in db.rows(
            f"SELECT id, store_id, item_class, quantity, capacity FROM {db.table(StoreTotal)} "  # noqa: S608
            f"WHERE {t_where} ORDER BY id{lock}",
            t_params,
        )
    }
    return balances, totals


def _row_lock() -> str:
    """The locking step of ``_lock_rows``."""
    return db.lock_clause()


def _any_of(keys: Iterable[tuple[Any, ...]], names: tuple[str, ...]) -> tuple[str, list[Any]]:
    one = "(" + " AND ".join(f"{name} = %s" for name in names) + ")"
    ordered = sorted(keys)
    return " OR ".join([one] * len(ordered)), [value for key in ordered for value in key]


def _apply_all(fresh: list[tuple[int, Movement]], count: int) -> tuple[list[_Row], list[_Row]]:
    """Move every quantity in order on the locked rows; the balance and total rows
    that changed (each to be written once)."""
    stores: dict[int, Store] = {}
    balance_keys: set[BalanceKey] = set()
    total_keys: set[TotalKey] = set()
    for _n, m in fresh:
        for store in (m.from_account.store, m.to_account.store):
            if store is not None:
                stores[store.pk] = store
                balance_keys.add((store.pk, m.item.pk, m.lot))
                total_keys.add((store.pk, m.item.item_class))
    balances, totals = _lock_rows(balance_keys, total_keys)
    if len(balances) < len(balance_keys) or len(totals) < len(total_keys):
        _create_missing(stores, balance_keys - set(balances), total_keys - set(totals))
        balances, totals = _lock_rows(balance_keys, total_keys)
    before = {k: b.quantity for k, b in balances.items()}
    before_totals = {k: t.quantity for k, t in totals.items()}
    for number, m in fresh:
        numbered(number, count, _move, m, balances, totals)
    changed = [b for k, b in balances.items() if b.quantity != before[k]]
    changed_totals = [t for k, t in totals.items() if t.quantity != before_totals[k]]
    return changed, changed_totals


def _create_missing(
    stores: dict[int, Store], balance_keys: set[BalanceKey], total_keys: set[TotalKey]
) -> None:
    """Empty rows for the first movement of an item (a racing writer's row is kept)."""
    rows = []
    for store_id, item_id, lot in sorted(balance_keys):
        store = stores[store_id]
        rows.append(
            Balance(
                store_id=store_id,
                item_id=item_id,
                lot=lot,
                owning_committee_id=store.owning_committee_id,
                owning_agency_id=store.owning_agency_id,
                licensing_agency_id=store.licensing_agency_id,
            )
        )
    Balance.objects.bulk_create(rows, ignore_conflicts=True)
    StoreTotal.objects.bulk_create(
        [StoreTotal(store_id=s, item_class=c) for s, c in sorted(total_keys)],
        ignore_conflicts=True,
    )


def _move(
    m: Movement, balances: dict[BalanceKey, Balance], totals: dict[TotalKey, StoreTotal]
) -> None:
    source, target = m.from_account.store, m.to_account.store
    item_class = m.item.item_class
    if source is not None:
        balance = balances[(source.pk, m.item.pk, m.lot)]
        if balance.quantity < m.quantity:
            raise ValidationError(
                _("Store %(store)s holds only %(held)s of %(item)s%(lot)s.")
                % {
                    "store": source, "item": m.item,
                    "held": _shown(m.item, balance.quantity),
                    "lot": (_(", lot %s") % m.lot) if m.lot else "",
                }
            )  # fmt: skip
        balance.quantity -= m.quantity
        totals[(source.pk, item_class)].quantity -= m.quantity
    if target is not None:
        total = totals[(target.pk, item_class)]
        if total.quantity + m.quantity > total.capacity:
            raise ValidationError(
                _("Store %(store)s would exceed its capacity for %(cls)s (%(cap)s; holds %(held)s).")
                % {
                    "store": target, "cls": m.item.get_item_class_display(),
                    "cap": _shown(m.item, total.capacity), "held": _shown(m.item, total.quantity),
                }
            )  # fmt: skip
        balances[(target.pk, m.item.pk, m.lot)].quantity += m.quantity
        total.quantity += m.quantity


def _quantities_sql(model: Any, rows: list[_Row]) -> tuple[str, list[Any]]:
    """One statement giving each changed row its new quantity ("" when none changed)."""
    if not rows:
        return "", []
    if len(rows) == 1:
        return f"UPDATE {db.table(model)} SET quantity = %s WHERE id = %s", [  # noqa: S608
            rows[0].quantity,
            rows[0].pk,
        ]
    cases = " ".join(["WHEN %s THEN %s"] * len(rows))
    ids = [r.pk for r in rows]
    return (
        f"UPDATE {db.table(model)} SET quantity = CASE id {cases} END WHERE id IN ({db.marks(ids)})",  # noqa: S608
        [value for r in rows for value in (r.pk, r.quantity)] + ids,
    )


def _shown(item: Item, quantity: int) -> str:
    return shown(item.item_class, quantity)
