"""Registry and ledger use cases. Every write: permission, validation, one
transaction, the audit event last."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from vigil.controlled import inflight
from vigil.controlled.ledger import canonical_text
from vigil.controlled.models import (
    UNITS,
    Account,
    Balance,
    ControlledAction,
    Item,
    LedgerEntry,
    LedgerHead,
    Licence,
    Store,
    StoreTotal,
    unit_label,
)
from vigil.core import audit, clock
from vigil.core.audit import SystemActor, compute_hash
from vigil.core.models import AdminUnit
from vigil.org.models import Agency, Committee
from vigil.org.scope import scope_for

KEY_MAX = 100


def _require_system_or_admin(actor: Any, committee: Committee) -> None:
    if isinstance(actor, SystemActor):
        return
    if not scope_for(actor).committee_role_covers(committee.path, "administrator"):
        raise PermissionDenied(_("Only an administrator of this committee may do this."))


def _require_keeper(actor: Any, committee: Committee, licenser: Agency | None) -> None:
    """The registry's keepers: the licensing agency, the standing office, administrators."""
    from vigil.controlled.registry import require_keeper

    require_keeper(actor, committee, licenser.pk if licenser else None)


def require_storekeeper(actor: Any, organisation: Agency) -> None:
    if isinstance(actor, SystemActor):
        return
    if not scope_for(actor).agency_role_in(organisation.pk, "storekeeper"):
        raise PermissionDenied(_("Only a storekeeper of this organisation may record movements."))


def province_committee(unit: AdminUnit) -> Committee:
    """The committee of the province a commune lies in."""
    province = unit.parent or unit
    committee = Committee.objects.filter(level="province", admin_unit=province).first()
    if committee is None:
        raise ValidationError(_("No provincial committee covers %(unit)s.") % {"unit": unit})
    return committee


def _licenser(organisation: Agency) -> Agency | None:
    return organisation.licensed_by.first()


def _require_licensed(organisation: Agency) -> None:
    if organisation.kind != Agency.Kind.LICENSED_ORGANISATION:
        raise ValidationError(_("%(org)s is not a licensed organisation.") % {"org": organisation})


@transaction.atomic
def create_item(*, code: str, name: str, item_class: str, maker: str = "", actor: Any) -> Item:
    if not isinstance(actor, SystemActor):
        raise PermissionDenied(_("The catalogue is kept by the system administrators."))
    item = Item(code=code, name=name, item_class=item_class, maker=maker)
    item.full_clean()
    item.save()
    audit.record(ControlledAction.ITEM_CREATED, actor=actor, obj=item, after=audit.snapshot(item))
    return item


@transaction.atomic
def create_store(
    organisation: Agency,
    *,
    name: str,
    admin_unit: AdminUnit,
    kind: str,
    capacities: Mapping[str, int] | None = None,
    actor: Any,
) -> Store:
    _require_licensed(organisation)
    committee = province_committee(admin_unit)
    _require_keeper(actor, committee, _licenser(organisation))
    store = Store(
        name=name, admin_unit=admin_unit, kind=kind, owning_committee=committee,
        owning_agency=organisation, licensing_agency=_licenser(organisation),
    )  # fmt: skip
    store.full_clean()
    store.save()
    Account.objects.create(organisation=organisation, kind=Account.Kind.STORE, store=store)
    for item_class, capacity in (capacities or {}).items():
        _check_class(item_class)
        StoreTotal.objects.create(store=store, item_class=item_class, capacity=int(capacity))
    audit.record(
        ControlledAction.STORE_CREATED, actor=actor, obj=store,
        after={**audit.snapshot(store), "capacities": dict(capacities or {})},
    )  # fmt: skip
    return store


def _check_class(item_class: str) -> None:
    if item_class not in UNITS:
        raise ValidationError(_("Unknown item class: %(c)s.") % {"c": item_class})


@transaction.atomic
def create_licence(
    organisation: Agency,
    *,
    number: str,
    kind: str,
    issuer: Agency,
    valid_from: Any,
    valid_to: Any,
    item_classes: Iterable[str],
    stores: Iterable[Store] = (),
    actor: Any,
) -> Licence:
    _require_licensed(organisation)
    stores = list(stores)
    classes = sorted(set(item_classes))
    for c in classes:
        _check_class(c)
    if issuer.committee is None:
        raise ValidationError(_("A licence is issued by a member agency of a committee."))
    unit = organisation.admin_unit or issuer.committee.admin_unit
    if stores:
        committee = stores[0].owning_committee
    elif unit is not None:
        committee = province_committee(unit)
    else:
        raise ValidationError(_("Record the organisation's commune first."))
    _require_keeper(actor, committee, issuer)
    licence = Licence(
        number=number, kind=kind, valid_from=valid_from, valid_to=valid_to,
        item_classes=classes, owning_committee=committee, owning_agency=organisation,
        licensing_agency=issuer,
    )  # fmt: skip
    licence.full_clean()
    licence.save()
    if any(s.owning_agency_id != organisation.pk for s in stores):
        raise ValidationError(_("A licence covers the organisation's own stores only."))
    licence.stores.set(stores)
    from vigil.controlled.registry import record_licence_created

    record_licence_created(licence, actor)
    audit.record(
        ControlledAction.LICENCE_CREATED, actor=actor, obj=licence,
        after={**audit.snapshot(licence), "stores": [s.pk for s in stores]},
    )  # fmt: skip
    return licence


def _check_outside_kind(kind: str) -> None:
    if kind == Account.Kind.STORE or kind not in Account.Kind.values:
        raise ValidationError(_("Unknown account: %(k)s.") % {"k": kind})


def external_account(organisation: Agency, kind: str) -> Account:
    """The organisation's account of this kind outside its stores, created if new
    (seeds and commands; a request names it with ``outside_account``)."""
    _check_outside_kind(kind)
    account, _created = Account.objects.get_or_create(
        organisation=organisation, kind=kind, store=None
    )
    return account


def outside_account(organisation: Agency, kind: str) -> Account:
    """The organisation's account of this kind outside its stores; an unsaved one
    when it has none yet, which the posting creates under the chain's lock, so
    that a refused request writes nothing."""
    _check_outside_kind(kind)
    found = Account.objects.filter(organisation=organisation, kind=kind, store=None).first()
    return found or Account(organisation=organisation, kind=kind)


# The prefixes of the keys Vigil derives itself (reversals, both legs of a transfer):
# a client's key that starts with one could take the place of Vigil's own posting.
RESERVED_KEY_PREFIXES = ("reverse:", "transfer-in:", "transfer-out:", "transfer-out#")


def reserved_key_message(key: str) -> str:
    """Why a client's idempotency key is refused ("" when it is not)."""
    if key.startswith(RESERVED_KEY_PREFIXES):
        return _(
            "Idempotency keys starting with “%(prefix)s” are reserved for Vigil's own "
            "postings; choose another key."
        ) % {"prefix": next(p for p in RESERVED_KEY_PREFIXES if key.startswith(p))}
    return ""


def check_client_key(key: str) -> None:
    message = reserved_key_message(key)
    if message:
        raise ValidationError({"idempotency_key": message})


def derived_key(prefix: str, key: str) -> str:
    """A key the ledger makes from a client's key, kept whole: two keys that differ
    only at their end never meet. Hashed when prefix and key exceed the column."""
    whole = f"{prefix}:{key}"
    if len(whole) <= KEY_MAX:
        return whole
    return f"{prefix}#{hashlib.sha256(key.encode()).hexdigest()}"


# --- the ledger


def to_base_units(item: Item, quantity: Any, unit: str | None = None) -> int:
    """A quantity in ``unit`` (the shown or the stored unit) as an integer of stored units."""
    base, shown_unit, factor = UNITS[item.item_class]
    if unit is None or unit == base:
        multiplier = 1
    elif unit == shown_unit:
        multiplier = factor
    else:
        raise ValidationError(
            _("%(item)s is counted in %(unit)s, not %(given)s.")
            % {"item": item, "unit": unit_label(shown_unit), "given": unit_label(unit)}
        )
    if isinstance(quantity, bool):
        raise ValidationError(_("The quantity must be a number."))
    try:
        value = Decimal(str(quantity)) * multiplier
    except InvalidOperation:
        raise ValidationError(_("The quantity must be a number.")) from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValidationError(
            _("The quantity must be a whole number of %(base)s.") % {"base": base}
        )
    if value <= 0:
        raise ValidationError(_("The quantity must be greater than zero."))
    return int(value)


@dataclass(frozen=True)
class Movement:
    item: Item
    quantity: int
    from_account: Account
    to_account: Account
    idempotency_key: str
    lot: str = ""
    document_ref: str = ""
    reason: str = ""
    reverses: LedgerEntry | None = None


def _same_body(entry: LedgerEntry, m: Movement) -> bool:
    return (
        entry.item_id == m.item.pk and entry.quantity == m.quantity
        and entry.from_account_id == m.from_account.pk and entry.to_account_id == m.to_account.pk
        and entry.lot == m.lot and entry.document_ref == m.document_ref
        and entry.reason == m.reason
        and entry.reverses_id == (m.reverses.pk if m.reverses else None)
    )  # fmt: skip


def _licence_for(store: Store, item: Item) -> Licence | None:
    today = clock.today()
    candidates = Licence.objects.filter(
        owning_agency_id=store.owning_agency_id,
        status=Licence.Status.ACTIVE,
        valid_from__lte=today,
        valid_to__gte=today,
    ).filter(Q(stores=store) | Q(stores__isnull=True))
    for licence in candidates.distinct():
        if item.item_class in licence.item_classes:
            return licence
    return None


def _check_store_licence(store: Store, item: Item) -> None:
    if _licence_for(store, item) is not None:
        return
    organisation = store.owning_agency
    any_licence = Licence.objects.filter(owning_agency=organisation)
    today = clock.today()
    if not any_licence.exists():
        raise ValidationError(
            _("%(org)s holds no licence; nothing may be moved to or from its stores.")
            % {"org": organisation}
        )
    if not any_licence.filter(
        status=Licence.Status.ACTIVE, valid_from__lte=today, valid_to__gte=today
    ).exists():
        _refuse_for_status(organisation, any_licence)
        raise ValidationError(
            _("The licence of %(org)s has expired or is not in force.") % {"org": organisation}
        )
    raise ValidationError(
        _("No licence in force permits %(item)s (%(cls)s) in store %(store)s.")
        % {"item": item, "cls": item.get_item_class_display(), "store": store}
    )


def _refuse_for_status(organisation: Agency, licences: Any) -> None:
    """Name the status when the organisation's latest licence was suspended or revoked."""
    latest = licences.order_by("-valid_to", "-pk").first()
    if latest is not None and latest.status in (Licence.Status.SUSPENDED, Licence.Status.REVOKED):
        raise ValidationError(
            _("Licence %(number)s of %(org)s is %(status)s; no movement may use it.")
            % {"number": latest.number, "org": organisation,
               "status": Licence.Status(latest.status).label.lower()}
        )  # fmt: skip


def _check_shape(organisation: Agency, m: Movement) -> None:
    """What can be checked without the database."""
    if not m.idempotency_key or len(m.idempotency_key) > KEY_MAX:
        raise ValidationError(
            _("An idempotency key of 1 to %(n)d characters is required.") % {"n": KEY_MAX}
        )
    if isinstance(m.quantity, bool) or not isinstance(m.quantity, int) or m.quantity <= 0:
        raise ValidationError(_("The quantity must be greater than zero."))
    if _account_key(m.from_account) == _account_key(m.to_account):
        raise ValidationError(_("A movement goes from one account to another."))
    if organisation.pk not in (m.from_account.organisation_id, m.to_account.organisation_id):
        raise ValidationError(_("A movement must start or end at an account of the organisation."))
    if m.from_account.store is None and m.to_account.store is None:
        raise ValidationError(_("A movement must start or end in a store."))
    for account in (m.from_account, m.to_account):
        if account.store is None and account.organisation_id != organisation.pk:
            raise ValidationError(_("An outside account of another organisation cannot be used."))


def _account_key(account: Account) -> tuple[Any, ...]:
    """Which account: its id, or (organisation, kind) for one not yet created."""
    if account.pk is not None:
        return ("id", account.pk)
    return ("new", account.organisation_id, account.kind)


def _with_accounts(movements: list[Movement], *, create: bool) -> list[Movement]:
    """The movements with their outside accounts that were not yet created found
    (and, with ``create``, made): under the chain's lock, after the key checks."""
    accounts: dict[tuple[Any, ...], Account] = {}

    def resolved(account: Account) -> Account:
        if account.pk is not None:
            return account
        key = _account_key(account)
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


class _Licences:
    """The licences in force of the organisations a call touches, read once per call."""

    def __init__(self, organisation_ids: Iterable[int]) -> None:
        orgs = sorted(set(organisation_ids))
        today = clock.today()
        sql = (
            f"SELECT l.id, l.owning_agency_id, l.item_classes, ls.store_id FROM {_t(Licence)} l "  # noqa: S608
            f"LEFT JOIN {_t(Licence.stores.through)} ls ON ls.licence_id = l.id "
            f"WHERE l.owning_agency_id IN ({_marks(orgs)}) AND l.status = %s "
            "AND l.valid_from <= %s AND l.valid_to >= %s"
        )
        self.by_pk: dict[int, tuple[int, list[str], set[int]]] = {}
        for pk, org, classes, store_id in _rows(sql, [*orgs, Licence.Status.ACTIVE, today, today]):
            if isinstance(classes, str):
                classes = json.loads(classes)
            _org, _classes, stores = self.by_pk.setdefault(pk, (org, list(classes or []), set()))
            if store_id is not None:
                stores.add(store_id)
        self.permitted: set[tuple[int, str]] = set()

    def check(self, store: Store, item: Item) -> None:
        if (store.pk, item.item_class) in self.permitted:
            return
        for org, classes, stores in self.by_pk.values():
            if (
                org == store.owning_agency_id
                and item.item_class in classes
                and (not stores or store.pk in stores)
            ):
                self.permitted.add((store.pk, item.item_class))
                return
        _check_store_licence(store, item)  # raises with the reason
        raise ValidationError(_("No licence in force permits this movement."))  # pragma: no cover


def _validate(organisation: Agency, m: Movement, licences: _Licences | None = None) -> None:
    _check_shape(organisation, m)
    stores = [a.store for a in (m.from_account, m.to_account) if a.store is not None]
    licences = licences or _Licences(s.owning_agency_id for s in stores)
    for store in stores:
        licences.check(store, m.item)


def post_movement(
    organisation: Agency,
    *,
    item: Item,
    quantity: Any,
    from_account: Account,
    to_account: Account,
    idempotency_key: str,
    unit: str | None = None,
    lot: str = "",
    document_ref: str = "",
    reason: str = "",
    actor: Any,
) -> LedgerEntry:
    """Record one movement; the same key and body again returns the first entry."""
    m = Movement(
        item=item, quantity=to_base_units(item, quantity, unit), from_account=from_account,
        to_account=to_account, idempotency_key=idempotency_key, lot=lot,
        document_ref=document_ref, reason=reason,
    )  # fmt: skip
    return post_movements(organisation, [m], actor=actor)[0]


@dataclass(frozen=True)
class Posted:
    """One movement's entry, and whether this call wrote it (False: a replay)."""

    entry: LedgerEntry
    created: bool


def post_movements(
    organisation: Agency, movements: Iterable[Movement], *, actor: Any
) -> list[LedgerEntry]:
    """All or nothing: every movement is posted, or none is. One audit event for
    the call (each entry is in the organisation's own chain)."""
    return [p.entry for p in record_movements(organisation, movements, actor=actor)]


def record_movements(
    organisation: Agency, movements: Iterable[Movement], *, actor: Any
) -> list[Posted]:
    """``post_movements``, saying of each entry whether this call wrote it.

    Whether a key is new is decided under the organisation's chain lock, so of
    two racing first requests exactly one is told it created the entry, and a
    replay of a request still running waits for it (or, on SQLite, is told it
    is in progress: ``inflight``). Every ledger path locks in one order: the
    chains' heads (by organisation), the rows the new rows will refer to (key
    share), the balance rows by id, the store total rows by id, and last, by
    the audit event, the audit chain head."""
    movements = list(movements)
    require_storekeeper(actor, organisation)
    _require_licensed(organisation)
    count = len(movements)
    for number, m in enumerate(movements, 1):
        _numbered(number, count, _check_shape, organisation, m)
    keys = [m.idempotency_key for m in movements]
    with inflight.holding(inflight.MOVEMENT, organisation.pk, keys):
        try:
            with transaction.atomic():
                return _record(organisation, movements, actor)
        except IntegrityError as exc:
            # A check the validation did not catch (a racing writer): refused, nothing written.
            raise ValidationError(_("The movement was refused by the ledger's rules.")) from exc


def _record(organisation: Agency, movements: list[Movement], actor: Any) -> list[Posted]:
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
            same = _same_body(old, m) if old is not None else first == m
            if not same:
                raise ValidationError(_numbered_message(number, count, _key_reused(m)))
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
        licences = _Licences(s.owning_agency_id for s in stores)
        for number, m in fresh:
            _numbered(number, count, _validate, organisation, m, licences)
        balances, totals = _apply_all(fresh, count)
        entries = _chain_entries(organisation, fresh, head, actor)
        _write(organisation, head, entries, balances, totals)
        by_key = {e.idempotency_key: e for e in entries}
        for n, m in fresh:
            posted[n - 1] = Posted(by_key[m.idempotency_key], True)
        _audit(entries, actor)  # last: the audit head is locked until the commit
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
                f"k{n} AS (SELECT id FROM {_t(model)} WHERE id IN ({_marks(wanted)}) "  # noqa: S608
                "ORDER BY id FOR KEY SHARE)"
            )
            names.append(f"(SELECT count(*) FROM k{n})")  # noqa: S608
            params += wanted
    if parts:  # one round trip; a CTE runs only when the query reads it
        _rows(f"WITH {', '.join(parts)} SELECT {', '.join(names)}", params)


def _numbered(number: int, count: int, check: Any, *args: Any) -> None:
    try:
        check(*args)
    except ValidationError as exc:
        if count == 1:
            raise
        raise ValidationError(_numbered_message(number, count, " ".join(exc.messages))) from exc


def _numbered_message(number: int, count: int, error: str) -> str:
    if count == 1:
        return error
    return _("Movement %(n)d of %(count)d: %(error)s") % {
        "n": number, "count": count, "error": error,
    }  # fmt: skip


def _key_reused(m: Movement) -> str:
    return _("The idempotency key %(key)s was already used for a different movement.") % {
        "key": m.idempotency_key
    }


def _lock_head(organisation_id: int) -> LedgerHead:
    """The organisation's chain head, locked: one writer per organisation at a time."""
    sql = f"SELECT seq, hash FROM {_t(LedgerHead)} WHERE organisation_id = %s{_lock_clause()}"  # noqa: S608
    found = _rows(sql, [organisation_id])
    if not found:
        LedgerHead.objects.get_or_create(organisation_id=organisation_id)
        found = _rows(sql, [organisation_id])
    (seq, hash_), *_rest = found
    return LedgerHead(organisation_id=organisation_id, seq=seq, hash=hash_)


def _existing(organisation: Agency, movements: list[Movement]) -> dict[str, LedgerEntry]:
    """The entries already written under these keys (read under the head's lock)."""
    keys = sorted({m.idempotency_key for m in movements})
    sql = (
        f"SELECT id FROM {_t(LedgerEntry)} "  # noqa: S608
        f"WHERE owning_agency_id = %s AND idempotency_key IN ({_marks(keys)})"
    )
    ids = [row[0] for row in _rows(sql, [organisation.pk, *keys])]
    if not ids:
        return {}
    rows = LedgerEntry.objects.filter(pk__in=ids).select_related("from_account", "to_account")
    return {e.idempotency_key: e for e in rows}


def _t(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _marks(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """The hot path's fixed statements, without building a queryset for each."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _execute(sql: str, params: list[Any]) -> None:
    if not sql:
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _lock_clause() -> str:
    """Locks the rows read (SQLite has no row locks: its writers are serialised
    by BEGIN IMMEDIATE, see settings)."""
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def _chain_entries(
    organisation: Agency, fresh: list[tuple[int, Movement]], head: LedgerHead, actor: Any
) -> list[LedgerEntry]:
    """The new entries, chained after the head (moved along), not yet written."""
    actor_id = None if isinstance(actor, SystemActor) else actor.pk
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
    head_sql = f"UPDATE {_t(LedgerHead)} SET seq = %s, hash = %s WHERE organisation_id = %s"  # noqa: S608
    head_params: list[Any] = [head.seq, head.hash, organisation.pk]
    if connection.vendor != "postgresql" or len(entries) > ONE_STATEMENT_MAX:
        _execute(*_quantities_sql(Balance, balances))
        _execute(*_quantities_sql(StoreTotal, totals))
        if len(entries) == 1:
            entries[0].save(force_insert=True)
        else:
            LedgerEntry.objects.bulk_create(entries, batch_size=500)
        _execute(head_sql, head_params)
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
        f"INSERT INTO {_t(LedgerEntry)} ({columns}) VALUES "  # noqa: S608
        + ", ".join([row] * len(entries))
        + " RETURNING id"
    )
    ids = _rows(f"WITH {', '.join(parts)} {insert}", params)
    for entry, (pk,) in zip(entries, ids, strict=True):
        entry.pk = pk
        entry._state.adding, entry._state.db = False, connection.alias


def _audit(new: list[LedgerEntry], actor: Any) -> None:
    first = new[0]
    if len(new) == 1:
        action = (
            ControlledAction.MOVEMENT_REVERSED if first.reverses_id
            else ControlledAction.MOVEMENT_POSTED
        )  # fmt: skip
        after = {name: getattr(first, name) for name in AUDITED}
        audit.record(action, actor=actor, obj=first, after=after)
        return
    audit.record(
        ControlledAction.MOVEMENTS_POSTED, actor=actor, obj=first,
        after={"entries": [e.pk for e in new], "last_seq": new[-1].seq, "head": new[-1].hash},
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
        for pk, store, item, lot, quantity in _rows(
            f"SELECT id, store_id, item_id, lot, quantity FROM {_t(Balance)} "  # noqa: S608
            f"WHERE {b_where} ORDER BY id{lock}",
            b_params,
        )
    }
    t_where, t_params = _any_of(total_keys, ("store_id", "item_class"))
    totals = {
        (store, item_class): _Row(pk, quantity, capacity)
        for pk, store, item_class, quantity, capacity in _rows(
            f"SELECT id, store_id, item_class, quantity, capacity FROM {_t(StoreTotal)} "  # noqa: S608
            f"WHERE {t_where} ORDER BY id{lock}",
            t_params,
        )
    }
    return balances, totals


def _row_lock() -> str:
    """The locking step of ``_lock_rows``."""
    return _lock_clause()


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
        _numbered(number, count, _move, m, balances, totals)
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
        return f"UPDATE {_t(model)} SET quantity = %s WHERE id = %s", [  # noqa: S608
            rows[0].quantity,
            rows[0].pk,
        ]
    cases = " ".join(["WHEN %s THEN %s"] * len(rows))
    ids = [r.pk for r in rows]
    return (
        f"UPDATE {_t(model)} SET quantity = CASE id {cases} END WHERE id IN ({_marks(ids)})",  # noqa: S608
        [value for r in rows for value in (r.pk, r.quantity)] + ids,
    )


def _shown(item: Item, quantity: int) -> str:
    from vigil.controlled.models import shown

    return shown(item.item_class, quantity)


def reverse_movement(entry: LedgerEntry, *, reason: str, actor: Any) -> LedgerEntry:
    """Correct a mistake: the same quantity back the other way, saying why."""
    if not reason.strip():
        raise ValidationError(_("Say why the movement is reversed."))
    if entry.reverses_id is not None:
        raise ValidationError(_("A reversing entry cannot itself be reversed."))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("This movement has already been reversed."))
    m = Movement(
        item=entry.item, quantity=entry.quantity, from_account=entry.to_account,
        to_account=entry.from_account, idempotency_key=f"reverse:{entry.pk}", lot=entry.lot,
        document_ref=entry.document_ref, reason=reason, reverses=entry,
    )  # fmt: skip
    return post_movements(entry.owning_agency, [m], actor=actor)[0]
