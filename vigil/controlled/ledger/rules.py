"""What a movement is and what it must satisfy: its shape, its key, and a licence
in force for every store it touches (read once per call, under the chain lock)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from vigil.controlled.catalogue.models import Item
from vigil.controlled.ledger import sql as db
from vigil.controlled.ledger.models import Account, Balance, LedgerEntry
from vigil.controlled.registry.models import Licence, Store
from vigil.core import clock
from vigil.org.models import Agency

KEY_MAX = 100


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
    # A fact Vigil records rather than a trade a licence permits: a count's difference,
    # a discrepancy's resolution, what came back from a blasting face. A suspended or
    # lapsed licence, or a class the licence does not cover (detonators found in an
    # explosives store), must not stop the books from saying what is there.
    records_fact: bool = False


def same_body(entry: LedgerEntry, m: Movement) -> bool:
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


def check_store_licence(store: Store, item: Item) -> None:
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


def check_shape(organisation: Agency, m: Movement) -> None:
    """What can be checked without the database."""
    if not m.idempotency_key or len(m.idempotency_key) > KEY_MAX:
        raise ValidationError(
            _("An idempotency key of 1 to %(n)d characters is required.") % {"n": KEY_MAX}
        )
    if isinstance(m.quantity, bool) or not isinstance(m.quantity, int) or m.quantity <= 0:
        raise ValidationError(_("The quantity must be greater than zero."))
    check_serial(m)
    if account_key(m.from_account) == account_key(m.to_account):
        raise ValidationError(_("A movement goes from one account to another."))
    if organisation.pk not in (m.from_account.organisation_id, m.to_account.organisation_id):
        raise ValidationError(_("A movement must start or end at an account of the organisation."))
    if m.from_account.store is None and m.to_account.store is None:
        raise ValidationError(_("A movement must start or end in a store."))
    for account in (m.from_account, m.to_account):
        if account.store is None and account.organisation_id != organisation.pk:
            raise ValidationError(_("An outside account of another organisation cannot be used."))


def check_serial(m: Movement) -> None:
    """A numbered item (a gun, say) moves one piece at a time, named by its serial
    number in ``lot``: the books then say which piece is where, and a store that
    holds a piece once cannot issue it twice (its balance would go below zero)."""
    if not m.item.serial_required:
        return
    if not m.lot.strip():
        raise ValidationError(
            _("%(item)s is numbered piece by piece: give the serial number of the piece "
              "in the lot / serial number field.") % {"item": m.item}
        )  # fmt: skip
    if m.quantity != 1:
        raise ValidationError(
            _("%(item)s is numbered piece by piece: a movement moves one piece, with its "
              "serial number; record each piece on its own.") % {"item": m.item}
        )  # fmt: skip


def check_serial_not_held(m: Movement) -> None:
    """A piece with a serial number is in one store at a time: it cannot come into
    a store while a store still holds it (other than the one it leaves). Read
    under the organisation's chain lock, like the balances."""
    store = m.to_account.store
    if not m.item.serial_required or store is None:
        return
    held = Balance.objects.filter(item=m.item, lot=m.lot, quantity__gt=0)
    if m.from_account.store is not None:
        held = held.exclude(store=m.from_account.store)
    if held.exists():
        raise ValidationError(
            _("The piece of %(item)s with serial number %(serial)s is already held in a "
              "store; it cannot be received again before it leaves.")
            % {"item": m.item, "serial": m.lot}
        )  # fmt: skip


def check_pieces_once(movements: list[Movement]) -> None:
    """One call moves a numbered piece once (its replays aside): the check that a
    piece is not received twice reads the balances as they were before the call."""
    seen: dict[tuple[int, str], str] = {}
    for number, m in enumerate(movements, 1):
        if not m.item.serial_required:
            continue
        key = seen.setdefault((m.item.pk, m.lot), m.idempotency_key)
        if key != m.idempotency_key:
            raise ValidationError(
                numbered_message(number, len(movements), _(
                    "The piece of %(item)s with serial number %(serial)s is already moved "
                    "by another movement of this batch; record it in a batch of its own."
                ) % {"item": m.item, "serial": m.lot})
            )  # fmt: skip


def account_key(account: Account) -> tuple[Any, ...]:
    """Which account: its id, or (organisation, kind) for one not yet created."""
    if account.pk is not None:
        return ("id", account.pk)
    return ("new", account.organisation_id, account.kind)


class Licences:
    """The licences in force of the organisations a call touches, read once per call."""

    def __init__(self, organisation_ids: Iterable[int]) -> None:
        orgs = sorted(set(organisation_ids))
        today = clock.today()
        sql = (
            f"SELECT l.id, l.owning_agency_id, l.item_classes, ls.store_id FROM {db.table(Licence)} l "  # noqa: S608
            f"LEFT JOIN {db.table(Licence.stores.through)} ls ON ls.licence_id = l.id "
            f"WHERE l.owning_agency_id IN ({db.marks(orgs)}) AND l.status = %s "
            "AND l.valid_from <= %s AND l.valid_to >= %s"
        )
        self.by_pk: dict[int, tuple[int, list[str], set[int]]] = {}
        for pk, org, classes, store_id in db.rows(
            sql, [*orgs, Licence.Status.ACTIVE, today, today]
        ):
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
        check_store_licence(store, item)  # raises with the reason
        raise ValidationError(_("No licence in force permits this movement."))  # pragma: no cover


def validate(organisation: Agency, m: Movement, licences: Licences | None = None) -> None:
    check_shape(organisation, m)
    stores = [a.store for a in (m.from_account, m.to_account) if a.store is not None]
    if not m.records_fact:
        licences = licences or Licences(s.owning_agency_id for s in stores)
        for store in stores:
            licences.check(store, m.item)
    # After the licence: a store that may not hold weapons learns nothing of other stores.
    check_serial_not_held(m)


def numbered(number: int, count: int, check: Any, *args: Any) -> None:
    try:
        check(*args)
    except ValidationError as exc:
        if count == 1:
            raise
        raise ValidationError(numbered_message(number, count, " ".join(exc.messages))) from exc


def numbered_message(number: int, count: int, error: str) -> str:
    if count == 1:
        return error
    return _("Movement %(n)d of %(count)d: %(error)s") % {
        "n": number, "count": count, "error": error,
    }  # fmt: skip


def key_reused(m: Movement) -> str:
    return _("The idempotency key %(key)s was already used for a different movement.") % {
        "key": m.idempotency_key
    }
