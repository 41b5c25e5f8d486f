"""Transfers to another organisation's store.

The accounting: the sender posts, in its own chain, a movement from its store
to its own *in transit* account (the Transfer row names the receiving store);
the receiver, when the goods arrive, posts in its own chain a movement from
its own *in transit* account into its store. The sender's in-transit account
then shows +q and the receiver's -q, so across all organisations the in-transit
accounts sum to what is on the road, and the sum over all accounts of every
item stays zero. A transfer not yet received can be cancelled by the sender: a
reversing entry brings the goods back to the sending store.

A use case opens its own durable transaction; a ``…_within`` helper writes the
same in the caller's transaction (the demo seed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vigil.controlled.catalogue.models import Item, shown
from vigil.controlled.catalogue.services import to_base_units
from vigil.controlled.ledger import inflight
from vigil.controlled.ledger.models import Account, StoreTotal
from vigil.controlled.ledger.posting import hold_referenced, lock_chains
from vigil.controlled.ledger.rules import KEY_MAX, Movement, check_store_licence, key_reused
from vigil.controlled.ledger.services import (
    derived_key,
    outside_account,
    post_movements,
    record_movements_within,
    require_storekeeper,
    reversal,
)
from vigil.controlled.models import ControlledAction
from vigil.controlled.registry.models import Store
from vigil.controlled.transfers.models import Transfer
from vigil.core import audit, clock
from vigil.core.audit import Actor
from vigil.org.models import Agency


def _same_body(t: Transfer, to_store: Store, item: Item, quantity: int, lot: str) -> bool:
    return (t.to_store_id, t.item_id, t.quantity, t.lot) == (to_store.pk, item.pk, quantity, lot)


def _replayed(
    sender: Agency, key: str, to_store: Store, item: Item, quantity: int, lot: str
) -> Transfer | None:
    """The transfer this key already made (same body), None if new; another body is refused."""
    existing = Transfer.objects.filter(owning_agency=sender, idempotency_key=key).first()
    if existing is None:
        return None
    if _same_body(existing, to_store, item, quantity, lot):
        return existing
    raise ValidationError(
        _("The idempotency key %(key)s was already used for a different transfer.") % {"key": key}
    )


def check_receiver(to_store: Store, item: Item, quantity: int) -> None:
    """Refuse a store whose organisation holds no licence in force for this item, or is full."""
    receiver = to_store.owning_agency
    if receiver.kind != Agency.Kind.LICENSED_ORGANISATION:
        raise ValidationError(
            {"to_store": _("%(org)s is not a licensed organisation.") % {"org": receiver}}
        )
    try:
        check_store_licence(to_store, item)
    except ValidationError as exc:
        raise ValidationError(
            {
                "to_store": _("Store %(store)s of %(org)s may not receive %(item)s: %(why)s")
                % {"store": to_store, "org": receiver, "item": item,
                   "why": " ".join(exc.messages)}
            }
        ) from exc  # fmt: skip
    total = StoreTotal.objects.filter(store=to_store, item_class=item.item_class).first()
    held, capacity = (total.quantity, total.capacity) if total else (0, 0)
    if held + quantity > capacity:
        raise ValidationError(
            {
                "quantity": _(
                    "Store %(store)s has room for %(room)s of %(cls)s; %(qty)s is too much."
                )
                % {"store": to_store, "room": shown(item.item_class, max(capacity - held, 0)),
                   "cls": item.get_item_class_display(), "qty": shown(item.item_class, quantity)}
            }
        )  # fmt: skip


@dataclass(frozen=True)
class Sent:
    """The transfer a key made, and whether this call made it (False: a replay)."""

    transfer: Transfer
    created: bool


def dispatch_transfer(
    from_store: Store,
    *,
    to_store: Store,
    item: Item,
    quantity: Any,
    unit: str | None = None,
    lot: str = "",
    document_ref: str = "",
    reason: str = "",
    idempotency_key: str,
    actor: Actor,
) -> Transfer:
    """Send stock to another organisation's store; the same key again returns the first."""
    return send_transfer(
        from_store, to_store=to_store, item=item, quantity=quantity, unit=unit, lot=lot,
        document_ref=document_ref, reason=reason, idempotency_key=idempotency_key, actor=actor,
    ).transfer  # fmt: skip


def dispatch_transfer_within(
    from_store: Store,
    *,
    to_store: Store,
    item: Item,
    quantity: Any,
    unit: str | None = None,
    lot: str = "",
    document_ref: str = "",
    reason: str = "",
    idempotency_key: str,
    actor: Actor,
) -> Transfer:
    """``dispatch_transfer`` as a helper that nests: in the caller's transaction
    (the demo seed)."""
    return _send(
        from_store, to_store=to_store, item=item, quantity=quantity, unit=unit, lot=lot,
        document_ref=document_ref, reason=reason, idempotency_key=idempotency_key, actor=actor,
        durable=False,
    ).transfer  # fmt: skip


def send_transfer(
    from_store: Store,
    *,
    to_store: Store,
    item: Item,
    quantity: Any,
    unit: str | None = None,
    lot: str = "",
    document_ref: str = "",
    reason: str = "",
    idempotency_key: str,
    actor: Actor,
) -> Sent:
    """``dispatch_transfer``, saying whether this call made the transfer.

    The key is looked up under the sender's chain lock: of two racing requests
    with one key, one makes the transfer and the other gets it (201 and 200)."""
    return _send(
        from_store, to_store=to_store, item=item, quantity=quantity, unit=unit, lot=lot,
        document_ref=document_ref, reason=reason, idempotency_key=idempotency_key, actor=actor,
        durable=True,
    )  # fmt: skip


def _send(
    from_store: Store,
    *,
    to_store: Store,
    item: Item,
    quantity: Any,
    unit: str | None,
    lot: str,
    document_ref: str,
    reason: str,
    idempotency_key: str,
    actor: Actor,
    durable: bool,
) -> Sent:
    sender = from_store.owning_agency
    require_storekeeper(actor, sender)
    amount = to_base_units(item, quantity, unit)
    key = idempotency_key
    if not key or len(key) > KEY_MAX:
        raise ValidationError(
            _("An idempotency key of 1 to %(n)d characters is required.") % {"n": KEY_MAX}
        )
    with (
        inflight.holding(inflight.TRANSFER, sender.pk, [key]),
        transaction.atomic(durable=durable),
    ):
        lock_chains([sender.pk])
        existing = _replayed(sender, key, to_store, item, amount, lot)
        if existing is not None:
            return Sent(existing, False)
        if to_store.owning_agency_id == sender.pk:
            raise ValidationError(
                {"to_store": _("Between the organisation's own stores, record a movement instead.")}
            )
        receiver = to_store.owning_agency
        # The transfer row refers to these too (the posting holds its own).
        hold_referenced(stores=[to_store.pk], agencies=[receiver.pk, to_store.licensing_agency_id])
        check_receiver(to_store, item, amount)
        movement = Movement(
            item=item, quantity=amount, from_account=from_store.account,
            to_account=outside_account(sender, Account.Kind.IN_TRANSIT),
            idempotency_key=derived_key("transfer-out", key), lot=lot,
            document_ref=document_ref,
            reason=reason or _("Transfer to %(store)s (%(org)s)")
            % {"store": to_store.name, "org": receiver.name},
        )  # fmt: skip
        posted = record_movements_within(sender, [movement], actor=actor)[0]
        if not posted.created:  # a movement a client posted under the derived key
            raise ValidationError(key_reused(movement))
        transfer = Transfer.objects.create(
            owning_committee_id=from_store.owning_committee_id, owning_agency=sender,
            licensing_agency_id=from_store.licensing_agency_id, from_store=from_store,
            to_store=to_store, receiving_agency=receiver,
            receiving_licensing_agency_id=to_store.licensing_agency_id, item=item, lot=lot,
            quantity=amount, document_ref=document_ref, reason=reason,
            idempotency_key=key, sent_at=clock.now(), dispatch_entry=posted.entry,
        )  # fmt: skip
        audit.record(
            ControlledAction.TRANSFER_DISPATCHED, actor=actor, obj=transfer,
            after=audit.snapshot(transfer, ["from_store_id", "to_store_id", "item_id", "lot",
                                            "quantity", "dispatch_entry_id"]),
        )  # fmt: skip
        return Sent(transfer, True)


def _lock(transfer: Transfer, organisation_id: int) -> Transfer:
    """The organisation's chain head, then the transfer's row (only that row:
    the stores and the item it names are referred to, never locked for update)."""
    lock_chains([organisation_id])
    locked = (
        Transfer.objects.select_for_update(of=("self",), no_key=True)
        .select_related("to_store", "from_store", "item", "dispatch_entry")
        .get(pk=transfer.pk)
    )
    if locked.status != Transfer.Status.IN_TRANSIT:
        raise ValidationError(
            _("This transfer is already %(status)s.")
            % {"status": Transfer.Status(locked.status).label.lower()}
        )
    return locked


@transaction.atomic(durable=True)
def receive_transfer(transfer: Transfer, *, actor: Actor) -> Transfer:
    """The receiving storekeeper confirms: the goods enter the store, in the receiver's chain."""
    return receive_transfer_within(transfer, actor=actor)


def receive_transfer_within(transfer: Transfer, *, actor: Actor) -> Transfer:
    """``receive_transfer`` as a helper that nests: in the caller's transaction (the demo seed)."""
    require_storekeeper(actor, transfer.receiving_agency)
    transfer = _lock(transfer, transfer.receiving_agency_id)
    receiver = transfer.receiving_agency
    movement = Movement(
        item=transfer.item, quantity=transfer.quantity,
        from_account=outside_account(receiver, Account.Kind.IN_TRANSIT),
        to_account=transfer.to_store.account, idempotency_key=f"transfer-in:{transfer.pk}",
        lot=transfer.lot, document_ref=transfer.document_ref,
        reason=_("Received from %(store)s (%(org)s)")
        % {"store": transfer.from_store.name, "org": transfer.owning_agency.name},
    )  # fmt: skip
    entry = post_movements(receiver, [movement], actor=actor)[0]
    transfer.status = Transfer.Status.RECEIVED
    transfer.closing_entry = entry
    transfer.closed_at = clock.now()
    transfer.save(update_fields=["status", "closing_entry", "closed_at"])
    audit.record(
        ControlledAction.TRANSFER_RECEIVED, actor=actor, obj=transfer,
        before={"status": Transfer.Status.IN_TRANSIT},
        after={"status": transfer.status, "closing_entry_id": entry.pk},
    )  # fmt: skip
    return transfer


@transaction.atomic(durable=True)
def cancel_transfer(transfer: Transfer, *, reason: str, actor: Actor) -> Transfer:
    """The sender takes back a transfer not yet received: a reversing entry returns the goods."""
    require_storekeeper(actor, transfer.owning_agency)
    transfer = _lock(transfer, transfer.owning_agency_id)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the transfer is cancelled.")})
    dispatched = transfer.dispatch_entry
    back = reversal(dispatched, reason=reason.strip())
    entry = post_movements(dispatched.owning_agency, [back], actor=actor)[0]
    transfer.status = Transfer.Status.CANCELLED
    transfer.closing_entry = entry
    transfer.closed_at = clock.now()
    transfer.save(update_fields=["status", "closing_entry", "closed_at"])
    audit.record(
        ControlledAction.TRANSFER_CANCELLED, actor=actor, obj=transfer,
        before={"status": Transfer.Status.IN_TRANSIT},
        after={"status": transfer.status, "closing_entry_id": entry.pk, "reason": reason},
    )  # fmt: skip
    return transfer
