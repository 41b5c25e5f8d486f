"""Registry and ledger use cases. Every write: permission, validation, one
transaction, the audit event last."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

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


def external_account(organisation: Agency, kind: str) -> Account:
    if kind == Account.Kind.STORE or kind not in Account.Kind.values:
        raise ValidationError(_("Unknown account: %(k)s.") % {"k": kind})
    account, _created = Account.objects.get_or_create(
        organisation=organisation, kind=kind, store=None
    )
    return account


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
            % {"item": item, "unit": shown_unit, "given": unit}
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


def _validate(organisation: Agency, m: Movement) -> None:
    if not m.idempotency_key or len(m.idempotency_key) > KEY_MAX:
        raise ValidationError(
            _("An idempotency key of 1 to %(n)d characters is required.") % {"n": KEY_MAX}
        )
    if isinstance(m.quantity, bool) or not isinstance(m.quantity, int) or m.quantity <= 0:
        raise ValidationError(_("The quantity must be greater than zero."))
    if m.from_account.pk == m.to_account.pk:
        raise ValidationError(_("A movement goes from one account to another."))
    if organisation.pk not in (m.from_account.organisation_id, m.to_account.organisation_id):
        raise ValidationError(_("A movement must start or end at an account of the organisation."))
    if m.from_account.store is None and m.to_account.store is None:
        raise ValidationError(_("A movement must start or end in a store."))
    for account in (m.from_account, m.to_account):
        if account.store is not None:
            _check_store_licence(account.store, m.item)
        elif account.organisation_id != organisation.pk:
            raise ValidationError(_("An outside account of another organisation cannot be used."))


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


def post_movements(
    organisation: Agency, movements: Iterable[Movement], *, actor: Any
) -> list[LedgerEntry]:
    """All or nothing: every movement is posted, or none is. One audit event for
    the call (each entry is in the organisation's own chain)."""
    movements = list(movements)
    require_storekeeper(actor, organisation)
    _require_licensed(organisation)
    count = len(movements)
    if count == 1:
        replay = _replay(organisation, movements[0])  # a retry needs no lock
        if replay is not None:
            return [replay]
    try:
        with transaction.atomic():
            # The chain head first (one writer per organisation at a time), then the balances.
            LedgerHead.objects.get_or_create(organisation=organisation)
            head = LedgerHead.objects.select_for_update().get(organisation=organisation)
            entries: list[LedgerEntry] = []
            new: list[LedgerEntry] = []
            for number, m in enumerate(movements, 1):
                entry, created = _post_numbered(organisation, m, number, count, head, actor)
                entries.append(entry)
                if created:
                    new.append(entry)
            if new:
                head.save(update_fields=["seq", "hash"])
                _audit(new, actor)
            return entries
    except IntegrityError as exc:
        # A check the validation did not catch (a racing writer): refused, nothing written.
        raise ValidationError(_("The movement was refused by the ledger's rules.")) from exc


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


def _replay(organisation: Agency, m: Movement) -> LedgerEntry | None:
    """The entry this key already made (same body), None if new; a different body is refused."""
    existing = LedgerEntry.objects.filter(
        owning_agency=organisation, idempotency_key=m.idempotency_key
    ).first()
    if existing is None:
        return None
    if _same_body(existing, m):
        return existing
    raise ValidationError(
        _("The idempotency key %(key)s was already used for a different movement.")
        % {"key": m.idempotency_key}
    )


def _post_numbered(
    organisation: Agency, m: Movement, number: int, count: int, head: LedgerHead, actor: Any
) -> tuple[LedgerEntry, bool]:
    if count == 1:
        return _post(organisation, m, head, actor)
    try:
        return _post(organisation, m, head, actor)
    except ValidationError as exc:
        raise ValidationError(
            _("Movement %(n)d of %(count)d: %(error)s")
            % {"n": number, "count": count, "error": " ".join(exc.messages)}
        ) from exc


def _post(
    organisation: Agency, m: Movement, head: LedgerHead, actor: Any
) -> tuple[LedgerEntry, bool]:
    # Under the head's lock: a racing writer's entry with this key is visible now.
    existing = _replay(organisation, m)
    if existing is not None:
        return existing, False
    _validate(organisation, m)
    _apply(m)
    first_store = m.from_account.store or m.to_account.store
    assert first_store is not None
    values: dict[str, Any] = {
        "seq": head.seq + 1,
        "at": clock.now(),
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
        "actor_id": None if isinstance(actor, SystemActor) else actor.pk,
        "actor_label": audit.actor_label(actor),
        "reverses_id": m.reverses.pk if m.reverses else None,
        "prev_hash": head.hash or audit.GENESIS,
    }
    canonical = canonical_text(values)
    entry = LedgerEntry.objects.create(**values, canonical=canonical, hash=compute_hash(canonical))
    head.seq, head.hash = entry.seq, entry.hash
    return entry, True


def _apply(m: Movement) -> None:
    """Lock the balance and total rows in one order (by id), then move the quantity."""
    stores = [s for s in (m.from_account.store, m.to_account.store) if s is not None]
    item_class = m.item.item_class
    for store in stores:
        Balance.objects.get_or_create(
            store=store, item=m.item, lot=m.lot,
            defaults={
                "owning_committee_id": store.owning_committee_id,
                "owning_agency_id": store.owning_agency_id,
                "licensing_agency_id": store.licensing_agency_id,
            },
        )  # fmt: skip
        StoreTotal.objects.get_or_create(store=store, item_class=item_class)
    store_ids = [s.pk for s in stores]
    balances = {
        b.store_id: b
        for b in Balance.objects.filter(store_id__in=store_ids, item=m.item, lot=m.lot)
        .order_by("pk")
        .select_for_update()
    }
    totals = {
        t.store_id: t
        for t in StoreTotal.objects.filter(store_id__in=store_ids, item_class=item_class)
        .order_by("pk")
        .select_for_update()
    }
    source, target = m.from_account.store, m.to_account.store
    if source is not None:
        balance = balances[source.pk]
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
        totals[source.pk].quantity -= m.quantity
    if target is not None:
        total = totals[target.pk]
        if total.quantity + m.quantity > total.capacity:
            raise ValidationError(
                _("Store %(store)s would exceed its capacity for %(cls)s (%(cap)s; holds %(held)s).")
                % {
                    "store": target, "cls": m.item.get_item_class_display(),
                    "cap": _shown(m.item, total.capacity), "held": _shown(m.item, total.quantity),
                }
            )  # fmt: skip
        balances[target.pk].quantity += m.quantity
        total.quantity += m.quantity
    for row in [*balances.values(), *totals.values()]:
        row.save(update_fields=["quantity"])


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
