"""The ledger's use cases: post movements (one, or a batch all or nothing), reverse
one; and the accounts and keys they name. The engine is ``posting``.

A use case opens its own durable transaction; ``…_within`` helpers write the
same in the caller's transaction (a transfer, the demo seed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vigil.controlled.catalogue.models import Item
from vigil.controlled.catalogue.services import to_base_units
from vigil.controlled.ledger import inflight, posting
from vigil.controlled.ledger.models import Account, LedgerEntry
from vigil.controlled.ledger.posting import Posted as Posted
from vigil.controlled.ledger.rules import KEY_MAX as KEY_MAX
from vigil.controlled.ledger.rules import Movement as Movement
from vigil.controlled.ledger.rules import check_pieces_once, check_shape, numbered
from vigil.controlled.registry.keepers import require_licensed
from vigil.core.audit import Actor
from vigil.org.models import Agency, Role
from vigil.org.scope import scope_for


def require_storekeeper(actor: Actor, organisation: Agency) -> None:
    if not scope_for(actor).agency_role_in(organisation.pk, Role.STOREKEEPER):
        raise PermissionDenied(_("Only a storekeeper of this organisation may record movements."))


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
RESERVED_KEY_PREFIXES = (
    "reverse:", "transfer-in:", "transfer-out:", "transfer-out#",
    "blast:", "blast#", "count:", "count#", "discrepancy:", "discrepancy#",
)  # fmt: skip


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
    actor: Actor,
) -> LedgerEntry:
    """Record one movement; the same key and body again returns the first entry."""
    m = Movement(
        item=item, quantity=to_base_units(item, quantity, unit), from_account=from_account,
        to_account=to_account, idempotency_key=idempotency_key, lot=lot,
        document_ref=document_ref, reason=reason,
    )  # fmt: skip
    return _record_movements(organisation, [m], actor, durable=True)[0].entry


def post_movement_within(
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
    actor: Actor,
) -> LedgerEntry:
    """``post_movement`` as a helper that nests: in the caller's transaction (the demo seed)."""
    m = Movement(
        item=item, quantity=to_base_units(item, quantity, unit), from_account=from_account,
        to_account=to_account, idempotency_key=idempotency_key, lot=lot,
        document_ref=document_ref, reason=reason,
    )  # fmt: skip
    return post_movements(organisation, [m], actor=actor)[0]


def post_movements(
    organisation: Agency, movements: Iterable[Movement], *, actor: Actor
) -> list[LedgerEntry]:
    """All or nothing: every movement is posted, or none is. One audit event for
    the call (each entry is in the organisation's own chain).

    The ledger's building block: it nests, a savepoint of the caller's
    transaction when there is one (a transfer's receipt, the demo seed)."""
    return [p.entry for p in record_movements_within(organisation, movements, actor=actor)]


def record_movements(
    organisation: Agency, movements: Iterable[Movement], *, actor: Actor
) -> list[Posted]:
    """``post_movements``, saying of each entry whether this call wrote it; a use
    case in its own durable transaction (the API's).

    Whether a key is new is decided under the organisation's chain lock, so of
    two racing first requests exactly one is told it created the entry, and a
    replay of a request still running waits for it (or, on SQLite, is told it
    is in progress: ``inflight``). Every ledger path locks in one order: the
    chains' heads (by organisation), the rows the new rows will refer to (key
    share), the balance rows by id, the store total rows by id, and last, by
    the audit event, the audit chain head."""
    return _record_movements(organisation, movements, actor, durable=True)


def record_movements_within(
    organisation: Agency, movements: Iterable[Movement], *, actor: Actor
) -> list[Posted]:
    """``record_movements`` as a helper that nests: a savepoint of the caller's
    transaction (sending a transfer), or its own transaction when there is none."""
    return _record_movements(organisation, movements, actor, durable=False)


def _record_movements(
    organisation: Agency, movements: Iterable[Movement], actor: Actor, *, durable: bool
) -> list[Posted]:
    movements = list(movements)
    require_storekeeper(actor, organisation)
    require_licensed(organisation)
    count = len(movements)
    for number, m in enumerate(movements, 1):
        numbered(number, count, check_shape, organisation, m)
    check_pieces_once(movements)
    keys = [m.idempotency_key for m in movements]
    with inflight.holding(inflight.MOVEMENT, organisation.pk, keys):
        try:
            with transaction.atomic(durable=durable):
                return posting.record(organisation, movements, actor)
        except IntegrityError as exc:
            # A check the validation did not catch (a racing writer): refused, nothing written.
            raise ValidationError(_("The movement was refused by the ledger's rules.")) from exc


def reverse_movement(entry: LedgerEntry, *, reason: str, actor: Actor) -> LedgerEntry:
    """Correct a mistake: the same quantity back the other way, saying why."""
    m = reversal(entry, reason=reason)
    return _record_movements(entry.owning_agency, [m], actor, durable=True)[0].entry


def reversal(entry: LedgerEntry, *, reason: str) -> Movement:
    """The movement that reverses ``entry`` (refused when it cannot be reversed);
    a transfer's cancellation posts it with ``post_movements``."""
    if not reason.strip():
        raise ValidationError(_("Say why the movement is reversed."))
    if entry.reverses_id is not None:
        raise ValidationError(_("A reversing entry cannot itself be reversed."))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("This movement has already been reversed."))
    return Movement(
        item=entry.item, quantity=entry.quantity, from_account=entry.to_account,
        to_account=entry.from_account, idempotency_key=f"reverse:{entry.pk}", lot=entry.lot,
        document_ref=entry.document_ref, reason=reason, reverses=entry,
    )  # fmt: skip
