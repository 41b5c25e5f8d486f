"""Blasts (*hộ chiếu nổ mìn*): issue explosives to a blasting face, record what was
used and returned, close.

The accounting: opening a blast posts, per line, the store → the organisation's
*issued to a blasting face* account (AT_FACE); closing posts, in one transaction
for every line, what was used from AT_FACE to *used in blasting* (through the
issuing store: the ledger moves only to or from a store) and what was returned
from AT_FACE back to the store. A blast closes only when every line balances
(issued = used + returned), so after a close AT_FACE holds nothing of it; a
blast that does not balance stays open and stands out (``queries``).

Every key is derived from the blast and its line with the reserved prefix
``blast:`` (a client cannot post under it). A use case opens its own durable
transaction; a ``…_within`` helper writes the same in the caller's transaction
(the demo seed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vigil.controlled.blasts.models import Blast, BlastLine
from vigil.controlled.catalogue.models import UNITS, Item, ItemClass, shown, unit_label
from vigil.controlled.catalogue.services import to_base_units
from vigil.controlled.ledger.models import Account
from vigil.controlled.ledger.posting import hold_referenced, lock_chains
from vigil.controlled.ledger.rules import Movement, key_reused
from vigil.controlled.ledger.services import derived_key, outside_account, record_movements_within
from vigil.controlled.models import ControlledAction
from vigil.controlled.registry.keepers import require_licensed
from vigil.controlled.registry.models import Store
from vigil.core import audit, clock
from vigil.core.audit import Actor, SystemActor
from vigil.core.models import AdminUnit
from vigil.org.models import Agency, ContactPoint, Role
from vigil.org.scope import Viewer, scope_for

# What goes to a blasting face: explosives, detonators, cord (never a weapon).
BLASTING_CLASSES = (ItemClass.EXPLOSIVE, ItemClass.DETONATOR, ItemClass.CORD)
COMMUNE_KINDS = (AdminUnit.Kind.WARD, AdminUnit.Kind.COMMUNE, AdminUnit.Kind.SPECIAL_ZONE)


@dataclass(frozen=True)
class BlastLineInput:
    """One item (and lot) issued to the blast, in ``unit`` (default: the stored unit)."""

    item: Item
    quantity: Any
    unit: str | None = None
    lot: str = ""


@dataclass(frozen=True)
class LineResult:
    """What one line used and returned, in ``unit`` (default: the stored unit)."""

    line_id: int
    used: Any
    returned: Any
    unit: str | None = None


# --- who may


def may_record_blasts(user: Viewer, organisation: Agency | int) -> bool:
    """Only a storekeeper of the organisation records its blasts."""
    pk = organisation if isinstance(organisation, int) else organisation.pk
    return scope_for(user).agency_role_in(pk, Role.STOREKEEPER)


def may_record(user: Viewer, blast: Blast) -> bool:
    """May ``user`` record results of, and close, this (visible) blast?"""
    return blast.status == Blast.Status.OPEN and may_record_blasts(user, blast.owning_agency_id)


def require_blast_keeper(actor: Actor, organisation: Agency | int) -> None:
    if not may_record_blasts(actor, organisation):
        raise PermissionDenied(_("Only a storekeeper of this organisation may record blasts."))


# --- quantities


def quantity_of(item: Item, quantity: Any, unit: str | None, *, what: str) -> int:
    """A used or returned quantity in stored units: zero allowed, never negative."""
    try:
        value = Decimal(str(quantity))
    except InvalidOperation:
        raise ValidationError(_("The quantity must be a number.")) from None
    if isinstance(quantity, bool) or not value.is_finite():
        raise ValidationError(_("The quantity must be a number."))
    if value < 0:
        raise ValidationError(
            _("%(what)s of %(item)s cannot be negative.") % {"what": what, "item": item}
        )
    if value == 0:
        to_base_units(item, 1, unit)  # still refuses a unit the item is not counted in
        return 0
    return to_base_units(item, value, unit)


def in_shown_unit(line: BlastLine, quantity: int | None) -> str:
    return "—" if quantity is None else shown(line.item.item_class, quantity)


def line_name(line: BlastLine) -> str:
    return f"{line.item.name} ({line.lot})" if line.lot else line.item.name


# --- opening


def open_blast(
    organisation: Agency,
    *,
    store: Store,
    number: str,
    site_name: str,
    admin_unit: AdminUnit,
    fired_at: dt.datetime,
    person_in_charge: ContactPoint,
    lines: Sequence[BlastLineInput],
    key_site: Any = None,
    note: str = "",
    actor: Actor,
) -> Blast:
    """Issue explosives from ``store`` to a blasting face: one entry per line, all or nothing."""
    with transaction.atomic(durable=True):
        return open_blast_within(
            organisation, store=store, number=number, site_name=site_name,
            admin_unit=admin_unit, fired_at=fired_at, person_in_charge=person_in_charge,
            lines=lines, key_site=key_site, note=note, actor=actor,
        )  # fmt: skip


def open_blast_within(
    organisation: Agency,
    *,
    store: Store,
    number: str,
    site_name: str,
    admin_unit: AdminUnit,
    fired_at: dt.datetime,
    person_in_charge: ContactPoint,
    lines: Sequence[BlastLineInput],
    key_site: Any = None,
    note: str = "",
    actor: Actor,
) -> Blast:
    """``open_blast`` in the caller's transaction (the demo seed)."""
    require_blast_keeper(actor, organisation)
    require_licensed(organisation)
    number, site_name = number.strip(), site_name.strip()
    _check_head(organisation, store, number, site_name, admin_unit, fired_at, person_in_charge)
    _check_key_site(key_site, admin_unit, actor)
    amounts = _issued(lines)
    try:
        with transaction.atomic():
            lock_chains([organisation.pk])
            hold_referenced(
                stores=[store.pk], agencies=[organisation.pk, store.licensing_agency_id],
                committees=[store.owning_committee_id],
            )  # fmt: skip
            if Blast.objects.filter(owning_agency=organisation, number=number).exists():
                raise ValidationError({"number": _duplicate(number)})
            blast = Blast.objects.create(
                owning_committee_id=store.owning_committee_id, owning_agency=organisation,
                licensing_agency_id=store.licensing_agency_id,
                classification=store.classification, number=number, store=store,
                site_name=site_name, key_site=key_site, admin_unit=admin_unit,
                fired_at=fired_at, person_in_charge=person_in_charge, note=note,
                opened_at=clock.now(), opened_by=audit.actor_label(actor),
            )  # fmt: skip
            made = [
                BlastLine.objects.create(blast=blast, item=line.item, lot=line.lot, issued=amount)
                for line, amount in zip(lines, amounts, strict=True)
            ]
            at_face = outside_account(organisation, Account.Kind.AT_FACE)
            reason = _("Issued to blast %(number)s (%(site)s)") % {
                "number": number, "site": site_name,
            }  # fmt: skip
            movements = [
                Movement(
                    item=line.item,
                    quantity=line.issued,
                    from_account=store.account,
                    to_account=at_face,
                    idempotency_key=line_key(blast, "issue", line),
                    lot=line.lot,
                    document_ref=number[:200],
                    reason=reason[:500],
                )
                for line in made
            ]
            _post(organisation, movements, made, "issue_entry", actor)
            audit.record(
                ControlledAction.BLAST_OPENED, actor=actor, obj=blast,
                after={**audit.snapshot(blast, ["number", "store_id", "site_name", "admin_unit_id",
                                                "key_site_id", "person_in_charge_id"]),
                       "fired_at": fired_at.isoformat(), "lines": _lines_after(made)},
            )  # fmt: skip
            return blast
    except IntegrityError as exc:
        # A racing request with the same number, or a rule the checks above missed.
        if Blast.objects.filter(owning_agency=organisation, number=number).exists():
            raise ValidationError({"number": _duplicate(number)}) from exc
        raise ValidationError(_("The blast was refused by the ledger's rules.")) from exc


def _duplicate(number: str) -> str:
    return _("This organisation already has a blast with passport number %(number)s.") % {
        "number": number
    }


def _check_head(
    organisation: Agency,
    store: Store,
    number: str,
    site_name: str,
    admin_unit: AdminUnit | None,
    fired_at: Any,
    person_in_charge: ContactPoint | None,
) -> None:
    errors: dict[str, str] = {}
    if store.owning_agency_id != organisation.pk:
        errors["store"] = _("Store %(store)s is not a store of %(org)s.") % {
            "store": store, "org": organisation,
        }  # fmt: skip
    if not number or len(number) > 60:
        errors["number"] = _("Give the blasting passport number (1 to 60 characters).")
    if not site_name or len(site_name) > 200:
        errors["site_name"] = _("Name the blasting site (1 to 200 characters).")
    if admin_unit is None or admin_unit.kind not in COMMUNE_KINDS:
        errors["admin_unit"] = _("Choose the commune, ward or special zone of the blasting site.")
    elif _province(admin_unit) != _province(store.admin_unit):
        errors["admin_unit"] = _("%(unit)s is not in the province of store %(store)s.") % {
            "unit": admin_unit.name, "store": store,
        }  # fmt: skip
    if not isinstance(fired_at, dt.datetime) or fired_at.tzinfo is None:
        errors["fired_at"] = _("Give the date and time of the blast.")
    if person_in_charge is None or person_in_charge.agency_id != organisation.pk:
        errors["person_in_charge"] = _(
            "The person in charge must be a contact point of %(org)s."
        ) % {"org": organisation}
    if errors:
        raise ValidationError(errors)


def _province(unit: AdminUnit) -> int | None:
    return unit.parent_id if unit.parent_id is not None else unit.pk


def _check_key_site(key_site: Any, admin_unit: AdminUnit, actor: Actor) -> None:
    if key_site is None:
        return
    from vigil.sites.models import KeySite

    visible = KeySite.objects.all() if isinstance(actor, SystemActor) else (
        KeySite.objects.visible_to(actor)
    )  # fmt: skip
    if key_site.archived or not visible.filter(pk=key_site.pk).exists():
        raise ValidationError({"key_site": _("Choose a key site you can see that is in use.")})
    if key_site.commune_id is not None and key_site.commune_id != admin_unit.pk:
        raise ValidationError(
            {"key_site": _("Key site %(site)s is not in %(unit)s.")
             % {"site": key_site.name, "unit": admin_unit.name}}
        )  # fmt: skip


def _issued(lines: Sequence[BlastLineInput]) -> list[int]:
    if not lines:
        raise ValidationError(_("A blast issues at least one item."))
    seen: set[tuple[int, str]] = set()
    amounts: list[int] = []
    for n, line in enumerate(lines, 1):
        try:
            if line.item.item_class not in BLASTING_CLASSES:
                raise ValidationError(
                    _("%(item)s is not an explosive, a detonator or a cord.") % {"item": line.item}
                )
            if len(line.lot) > 60:
                raise ValidationError(_("A lot has at most 60 characters."))
            if (line.item.pk, line.lot) in seen:
                raise ValidationError(_("%(item)s is listed twice.") % {"item": line.item})
            seen.add((line.item.pk, line.lot))
            amounts.append(to_base_units(line.item, line.quantity, line.unit))
        except ValidationError as exc:
            raise ValidationError(
                _("Line %(n)d: %(error)s") % {"n": n, "error": " ".join(exc.messages)}
            ) from exc
    return amounts


def line_key(blast: Blast, leg: str, line: BlastLine) -> str:
    """The ledger key of one leg (issue, settle, use, return) of one line."""
    return derived_key("blast", f"{blast.pk}:{leg}:{line.pk}")


def _post(
    organisation: Agency,
    movements: list[Movement],
    lines: list[BlastLine],
    field: str,
    actor: Actor,
) -> None:
    """Post the movements (one per line, in order) and point each line at its entry."""
    if not movements:
        return
    posted = record_movements_within(organisation, movements, actor=actor)
    for p, m, line in zip(posted, movements, lines, strict=True):
        if not p.created:  # the key was taken by another posting: never happens to a new blast
            raise ValidationError(key_reused(m))
        setattr(line, field, p.entry)
        line.save(update_fields=[field])


def _lines_after(lines: Iterable[BlastLine]) -> list[dict[str, Any]]:
    return [
        {"id": line.pk, "item_id": line.item_id, "lot": line.lot, "issued": line.issued,
         "used": line.used, "returned": line.returned}
        for line in lines
    ]  # fmt: skip


# --- results


def record_results(blast: Blast, *, results: Sequence[LineResult], actor: Actor) -> Blast:
    """Save what each line used and returned; the blast stays open (one that does not
    balance stands out until corrected)."""
    with transaction.atomic(durable=True):
        return record_results_within(blast, results=results, actor=actor)


def record_results_within(blast: Blast, *, results: Sequence[LineResult], actor: Actor) -> Blast:
    """``record_results`` in the caller's transaction (the demo seed)."""
    require_blast_keeper(actor, blast.owning_agency_id)
    blast = _lock_open(blast)
    lines = list(blast.lines.select_related("item").order_by("pk"))
    before = _lines_after(lines)
    _apply(lines, results)
    audit.record(
        ControlledAction.BLAST_RESULTS_RECORDED, actor=actor, obj=blast,
        before={"lines": before}, after={"lines": _lines_after(lines)},
    )  # fmt: skip
    return blast


def _lock_open(blast: Blast) -> Blast:
    """The blast's row, locked: of two closes, the second finds it closed."""
    locked = (
        Blast.objects.select_for_update(of=("self",), no_key=True)
        .select_related("store", "owning_agency")
        .get(pk=blast.pk)
    )
    if locked.status != Blast.Status.OPEN:
        raise ValidationError(
            _("Blast %(number)s is already closed; nothing was changed.")
            % {"number": locked.number}
        )
    return locked


def _apply(lines: list[BlastLine], results: Sequence[LineResult]) -> None:
    if not results:
        raise ValidationError(_("Give what was used and returned for at least one line."))
    by_id = {line.pk: line for line in lines}
    given: set[int] = set()
    for result in results:
        line = by_id.get(result.line_id)
        if line is None:
            raise ValidationError(_("This blast has no line %(id)s.") % {"id": result.line_id})
        if line.pk in given:
            raise ValidationError(_("%(line)s is given twice.") % {"line": line_name(line)})
        given.add(line.pk)
        used = quantity_of(line.item, result.used, result.unit, what=_("The quantity used"))
        returned = quantity_of(
            line.item, result.returned, result.unit, what=_("The quantity returned")
        )
        _check_not_more(line, used, returned)
        line.used, line.returned = used, returned
        line.save(update_fields=["used", "returned"])


def _check_not_more(line: BlastLine, used: int, returned: int) -> None:
    cls = line.item.item_class
    if returned > line.issued:
        raise ValidationError(
            _("%(line)s: returning more than was issued (%(returned)s returned, %(issued)s "
              "issued).")
            % {"line": line_name(line), "returned": shown(cls, returned),
               "issued": shown(cls, line.issued)}
        )  # fmt: skip
    if used > line.issued:
        raise ValidationError(
            _("%(line)s: using more than was issued (%(used)s used, %(issued)s issued).")
            % {"line": line_name(line), "used": shown(cls, used), "issued": shown(cls, line.issued)}
        )  # fmt: skip
    if used + returned > line.issued:
        raise ValidationError(
            _("%(line)s: %(used)s used and %(returned)s returned is more than the %(issued)s "
              "issued.")
            % {"line": line_name(line), "used": shown(cls, used), "returned": shown(cls, returned),
               "issued": shown(cls, line.issued)}
        )  # fmt: skip


# --- closing


def unbalanced_messages(lines: Iterable[BlastLine]) -> list[str]:
    """Why each line that does not balance does not (empty: the blast balances)."""
    messages: list[str] = []
    for line in lines:
        if line.balanced:
            continue
        cls = line.item.item_class
        if line.used is None or line.returned is None:
            messages.append(
                _("%(line)s: %(issued)s issued, no results recorded.")
                % {"line": line_name(line), "issued": shown(cls, line.issued)}
            )
            continue
        messages.append(
            _("%(line)s: %(issued)s issued, %(used)s used, %(returned)s returned; "
              "%(missing)s unaccounted for.")
            % {"line": line_name(line), "issued": shown(cls, line.issued),
               "used": shown(cls, line.used), "returned": shown(cls, line.returned),
               "missing": shown(cls, line.difference)}
        )  # fmt: skip
    return messages


def close_blast(
    blast: Blast, *, actor: Actor, results: Sequence[LineResult] | None = None
) -> Blast:
    """(Record ``results``, then) post what was used and returned for every line,
    in one transaction; refused, with nothing written, unless every line balances."""
    with transaction.atomic(durable=True):
        return close_blast_within(blast, actor=actor, results=results)


def close_blast_within(
    blast: Blast, *, actor: Actor, results: Sequence[LineResult] | None = None
) -> Blast:
    """``close_blast`` in the caller's transaction (the demo seed)."""
    organisation = blast.owning_agency
    require_blast_keeper(actor, organisation)
    lock_chains([organisation.pk])
    blast = _lock_open(blast)
    lines = list(blast.lines.select_related("item").order_by("pk"))
    before = _lines_after(lines)
    if results:
        _apply(lines, results)
    off = unbalanced_messages(lines)
    if off:
        raise ValidationError(
            _("Blast %(number)s does not balance and stands out as a discrepancy; it cannot "
              "close. %(lines)s")
            % {"number": blast.number, "lines": " ".join(off)}
        )  # fmt: skip
    store_account = blast.store.account
    at_face = outside_account(organisation, Account.Kind.AT_FACE)
    consumption = outside_account(organisation, Account.Kind.CONSUMPTION)
    document = blast.number[:200]
    used_reason = (_("Used in blast %(number)s") % {"number": blast.number})[:500]
    back_reason = (_("Returned from blast %(number)s") % {"number": blast.number})[:500]
    settle_reason = (
        _("Blast %(number)s: what was used comes off the face, to be posted as used")
        % {"number": blast.number}
    )[:500]
    # The ledger moves only to or from a store (``rules.check_shape``; the posting
    # takes an entry's owners from its store), so what was used passes through the
    # issuing store on its way to *used in blasting*: face → store, store → used.
    movements: list[Movement] = []
    legs: list[tuple[BlastLine, str]] = []
    for line in lines:
        if line.used:
            for leg, source, target, reason in (
                ("settle", at_face, store_account, settle_reason),
                ("use", store_account, consumption, used_reason),
            ):
                movements.append(Movement(
                    item=line.item, quantity=line.used, from_account=source, to_account=target,
                    idempotency_key=line_key(blast, leg, line), lot=line.lot,
                    document_ref=document, reason=reason, records_fact=True,
                ))  # fmt: skip
                legs.append((line, leg))
        if line.returned:
            movements.append(Movement(
                item=line.item, quantity=line.returned, from_account=at_face,
                to_account=store_account, idempotency_key=line_key(blast, "return", line),
                lot=line.lot, document_ref=document, reason=back_reason, records_fact=True,
            ))  # fmt: skip
            legs.append((line, "return"))
    if movements:
        posted = record_movements_within(organisation, movements, actor=actor)
        for p, m, (line, leg) in zip(posted, movements, legs, strict=True):
            if not p.created:
                raise ValidationError(key_reused(m))
            if leg == "use":
                line.use_entry = p.entry
            elif leg == "return":
                line.return_entry = p.entry
        for line in lines:
            line.save(update_fields=["use_entry", "return_entry"])
    blast.status = Blast.Status.CLOSED
    blast.closed_at = clock.now()
    blast.closed_by = audit.actor_label(actor)
    blast.save(update_fields=["status", "closed_at", "closed_by"])
    audit.record(
        ControlledAction.BLAST_CLOSED, actor=actor, obj=blast,
        before={"status": Blast.Status.OPEN, "lines": before},
        after={"status": blast.status, "lines": _lines_after(lines)},
    )  # fmt: skip
    return blast


def units_of(item: Item) -> list[str]:
    """The units a quantity of ``item`` may be typed in: the shown one first."""
    base, shown_unit, _factor = UNITS[item.item_class]
    return [shown_unit] if base == shown_unit else [shown_unit, base]


def unit_name(unit: str) -> str:
    return unit_label(unit)
