"""Stock counts (*kiểm kê*): record one, submit it, resolve what it found.

Recording writes a draft: what the counters found in one store, per item and lot.
Submitting compares it with the books in ONE transaction, under the
organisation's chain lock (the first lock of every ledger path, so no movement of
the organisation slips in between the read of the books and the entries): every
difference becomes a discrepancy with its entry into or out of the
organisation's *lost or under investigation* account, and a count with at least
one opens one incident (a loss of explosives) and raises one system alert to the
police of the store's commune. Submitting again writes nothing more.

What a count covers: the items it lists. For an item it lists, every lot the
books hold in the store and the count does not name was counted as none (a line
of zero is added at submission); an item it does not list is not counted.

Resolving a discrepancy: *found* (a shortage only) brings the quantity back from
the lost account into the store; *recounted* (the count was wrong) reverses the
discrepancy's entry; *confirmed* moves nothing (a shortage stays in the lost
account, a surplus in the store). Each adds an update to the count's incident.

A use case opens its own durable transaction; a ``…_within`` helper writes the
same in the caller's transaction (the demo seed).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.controlled.blasts.models import Blast
from vigil.controlled.catalogue.models import Item, shown
from vigil.controlled.catalogue.services import to_base_units
from vigil.controlled.counts.models import CountLine, Discrepancy, StockCount
from vigil.controlled.ledger.models import Account, Balance, LedgerEntry
from vigil.controlled.ledger.posting import lock_chains
from vigil.controlled.ledger.rules import Movement, key_reused
from vigil.controlled.ledger.services import (
    derived_key,
    outside_account,
    record_movements_within,
    require_storekeeper,
    reversal,
)
from vigil.controlled.models import ControlledAction
from vigil.controlled.registry.models import Store
from vigil.controlled.transfers.models import Transfer
from vigil.core import audit, clock
from vigil.core.audit import Actor, SystemActor
from vigil.core.models import AdminUnit
from vigil.org.models import Agency, Role
from vigil.org.scope import Viewer, scope_for

# The rule under which Vigil raises the alert (and writes the incident's updates).
RULE = "stock_count_discrepancy"
COUNTERS_MAX = 2000
# A clock a few minutes fast on the counter's phone is not a count from the future.
FUTURE_SLACK = dt.timedelta(minutes=10)
S = Discrepancy.Status
_COMMUNE_KINDS = {AdminUnit.Kind.COMMUNE, AdminUnit.Kind.WARD, AdminUnit.Kind.SPECIAL_ZONE}


@dataclass(frozen=True)
class CountLineInput:
    """One line of a count: what was found of one item and lot (in ``unit``: the
    shown or the stored unit; the stored one when None)."""

    item: Item
    quantity: Any
    unit: str | None = None
    lot: str = ""


# --- who may


def may_count(user: Viewer, store: Store) -> bool:
    """Record and submit counts of a store: a storekeeper of its organisation."""
    return scope_for(user).agency_role_in(store.owning_agency_id, Role.STOREKEEPER)


def may_submit(user: Viewer, count: StockCount) -> bool:
    return count.status == StockCount.Status.DRAFT and may_count(user, count.store)


def may_resolve(user: Viewer, discrepancy: Discrepancy) -> bool:
    """Resolve a discrepancy: a storekeeper of the organisation (who posts its entry)."""
    return discrepancy.status == S.OPEN and scope_for(user).agency_role_in(
        discrepancy.owning_agency_id, Role.STOREKEEPER
    )


def _require_storekeeper(actor: Actor, organisation: Agency) -> None:
    if not scope_for(actor).agency_role_in(organisation.pk, Role.STOREKEEPER):
        raise PermissionDenied(_("Only a storekeeper of this organisation may count its stores."))


# --- recording


def counted_quantity(item: Item, quantity: Any, unit: str | None = None) -> int:
    """A counted quantity in stored units: zero or more (none found is a count too)."""
    try:
        value = Decimal(str(quantity)) if not isinstance(quantity, bool) else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationError(_("The quantity must be a number."))
    if value < 0:
        raise ValidationError(_("A counted quantity cannot be negative."))
    if value == 0:
        to_base_units(item, 1, unit)  # the unit must still be the item's
        return 0
    return to_base_units(item, value, unit)


def _lines(lines: list[CountLineInput]) -> list[tuple[Item, str, int]]:
    if not lines:
        raise ValidationError({"lines": _("List at least one item counted.")})
    found: list[tuple[Item, str, int]] = []
    seen: set[tuple[int, str]] = set()
    for number, line in enumerate(lines, 1):
        lot = (line.lot or "").strip()
        if len(lot) > 60:
            raise ValidationError(_("Line %(n)d: a lot has at most 60 characters.") % {"n": number})
        try:
            quantity = counted_quantity(line.item, line.quantity, line.unit)
        except ValidationError as exc:
            raise ValidationError(
                _("Line %(n)d: %(error)s") % {"n": number, "error": " ".join(exc.messages)}
            ) from exc
        if line.item.serial_required and (not lot or quantity > 1):
            # One line per piece, as the ledger holds it: else the count could never post.
            raise ValidationError(
                _("Line %(n)d: %(item)s is numbered piece by piece: count each piece on its "
                  "own line with its serial number, as 1 (found) or 0 (not found).")
                % {"n": number, "item": line.item}
            )  # fmt: skip
        if (line.item.pk, lot) in seen:
            raise ValidationError(
                _("Line %(n)d: %(item)s, lot “%(lot)s”, is already listed.")
                % {"n": number, "item": line.item, "lot": lot}
            )
        seen.add((line.item.pk, lot))
        found.append((line.item, lot, quantity))
    return found


@transaction.atomic(durable=True)
def record_count(
    store: Store,
    *,
    counted_at: dt.datetime,
    counters: str,
    witnesses: str = "",
    lines: list[CountLineInput],
    note: str = "",
    actor: Actor,
) -> StockCount:
    """A draft count of ``store`` by its organisation's storekeeper (nothing is posted)."""
    return record_count_within(
        store, counted_at=counted_at, counters=counters, witnesses=witnesses, lines=lines,
        note=note, actor=actor,
    )  # fmt: skip


def record_count_within(
    store: Store,
    *,
    counted_at: dt.datetime,
    counters: str,
    witnesses: str = "",
    lines: list[CountLineInput],
    note: str = "",
    actor: Actor,
) -> StockCount:
    """``record_count`` as a helper that nests: in the caller's transaction (the demo seed)."""
    _require_storekeeper(actor, store.owning_agency)
    counters = (counters or "").strip()
    if not counters:
        raise ValidationError({"counters": _("Name the people who counted.")})
    if len(counters) > COUNTERS_MAX or len(witnesses or "") > COUNTERS_MAX:
        raise ValidationError(
            {"counters": _("At most %(n)d characters.") % {"n": COUNTERS_MAX}}
        )  # fmt: skip
    if not isinstance(counted_at, dt.datetime):
        raise ValidationError({"counted_at": _("Give the time of the count.")})
    if counted_at > clock.now() + FUTURE_SLACK:
        raise ValidationError({"counted_at": _("A count cannot be in the future.")})
    checked = _lines(list(lines))
    now = clock.now()
    count = StockCount.objects.create(
        owning_committee_id=store.owning_committee_id, owning_agency_id=store.owning_agency_id,
        licensing_agency_id=store.licensing_agency_id, store=store, counted_at=counted_at,
        classification=store.classification, counters=counters, witnesses=(witnesses or "").strip(), note=(note or "").strip(),
        created_at=now, created_by=audit.actor_label(actor),
    )  # fmt: skip
    CountLine.objects.bulk_create(
        CountLine(count=count, item=item, lot=lot, counted=quantity)
        for item, lot, quantity in checked
    )
    audit.record(
        ControlledAction.COUNT_RECORDED, actor=actor, obj=count,
        after={**audit.snapshot(count, ["store_id", "counted_at", "counters", "witnesses"]),
               "lines": [[i.pk, lot, q] for i, lot, q in checked]},
    )  # fmt: skip
    return count


# --- submitting


def movements_in_flight(store: Store) -> str:
    """Why the store cannot be counted now ("" when it can): goods on the road from
    or to it, or explosives issued from it to a blast not yet closed."""
    on_road = Transfer.objects.filter(status=Transfer.Status.IN_TRANSIT)
    if on_road.filter(from_store=store).exists() or on_road.filter(to_store=store).exists():
        return _(
            "A transfer from or to store %(store)s is still in transit: confirm its receipt "
            "or cancel it before the count is submitted."
        ) % {"store": store.name}
    if Blast.objects.filter(store=store, status=Blast.Status.OPEN).exists():
        return _(
            "A blast supplied from store %(store)s is still open: close it before the count "
            "is submitted."
        ) % {"store": store.name}
    return ""


def police_of(store: Store) -> Agency | None:
    """The police of the store's commune; failing that, the standing agency of the
    committee that owns the store (the province's police)."""
    police = (
        Agency.objects.filter(kind=Agency.Kind.POLICE, admin_unit_id=store.admin_unit_id)
        .order_by("pk")
        .first()
    )
    return police or store.owning_committee.standing_agency


def _after_the_count(count: StockCount) -> dt.datetime:
    """When a movement is after the count: from the minute after the one it was
    recorded at (a count's time is typed to the minute)."""
    return count.counted_at.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)


@transaction.atomic(durable=True)
def submit_count(count: StockCount, *, actor: Actor) -> StockCount:
    """Compare the count with the books; each difference a discrepancy, one incident
    and one alert for the count. A count already submitted is returned as it is."""
    return submit_count_within(count, actor=actor)


def submit_count_within(count: StockCount, *, actor: Actor) -> StockCount:
    """``submit_count`` as a helper that nests: in the caller's transaction (the demo seed)."""
    store = Store.objects.select_related("owning_agency", "owning_committee", "admin_unit").get(
        pk=count.store_id
    )
    organisation = store.owning_agency
    _require_storekeeper(actor, organisation)
    # The chain head first: every movement of the organisation waits behind it.
    lock_chains([organisation.pk])
    count = StockCount.objects.select_for_update(of=("self",)).get(pk=count.pk)
    if count.status == StockCount.Status.SUBMITTED:
        return count
    why = movements_in_flight(store)
    if why:
        raise ValidationError(why)
    lines = list(count.lines.select_related("item").order_by("pk"))
    moved_since = (
        LedgerEntry.objects.filter(
            Q(from_account__store=store) | Q(to_account__store=store),
            item_id__in={line.item_id for line in lines}, at__gte=_after_the_count(count),
        ).order_by("at").values_list("at", flat=True).first()
    )  # fmt: skip
    if moved_since is not None:
        # The books are compared as they stand now: a movement after the count would
        # show as a shortage or a surplus that never was (and raise a false alert).
        raise ValidationError(
            _("The counted items moved in or out of %(store)s after the count (first at "
              "%(at)s): the books no longer say what was there when it was counted. "
              "Record a new count.")
            % {"store": store, "at": timezone.localtime(moved_since).strftime("%H:%M %d/%m/%Y")}
        )  # fmt: skip
    books = {
        (b.item_id, b.lot): b.quantity
        for b in Balance.objects.filter(store=store, item_id__in={line.item_id for line in lines})
    }
    listed = {(line.item_id, line.lot) for line in lines}
    items = {line.item_id: line.item for line in lines}
    # A lot of a counted item that the count does not name was counted as none.
    added = [
        CountLine(count=count, item=items[item_id], lot=lot, counted=0)
        for (item_id, lot), quantity in sorted(books.items())
        if quantity and (item_id, lot) not in listed
    ]
    if added:
        CountLine.objects.bulk_create(added)
        lines = list(count.lines.select_related("item").order_by("pk"))
    lost = outside_account(organisation, Account.Kind.LOST)
    differences: list[tuple[CountLine, int]] = []
    movements: list[Movement] = []
    for line in lines:
        line.book = books.get((line.item_id, line.lot), 0)
        difference = line.counted - line.book
        if difference == 0:
            continue
        shortage = difference < 0
        movements.append(
            Movement(
                item=line.item, quantity=abs(difference),
                from_account=store.account if shortage else lost,
                to_account=lost if shortage else store.account,
                idempotency_key=derived_key("count", f"{count.pk}:{line.item_id}:{line.lot}"),
                lot=line.lot, records_fact=True,
                reason=(_("Stock count of %(date)s: shortage") if shortage
                        else _("Stock count of %(date)s: surplus"))
                % {"date": timezone.localtime(count.counted_at).strftime("%d/%m/%Y")},
            )
        )  # fmt: skip
        differences.append((line, difference))
    CountLine.objects.bulk_update(lines, ["book"])
    posted = record_movements_within(organisation, movements, actor=actor) if movements else []
    discrepancies: list[Discrepancy] = []
    for (line, difference), entry in zip(differences, posted, strict=True):
        if not entry.created:  # a movement posted under Vigil's own key: never by a client
            raise ValidationError(key_reused(movements[len(discrepancies)]))
        discrepancies.append(
            Discrepancy.objects.create(
                owning_committee_id=store.owning_committee_id, owning_agency_id=organisation.pk,
                licensing_agency_id=store.licensing_agency_id, count=count, store=store,
                classification=store.classification, item=line.item, lot=line.lot, quantity=abs(difference), entry=entry.entry,
                direction=Discrepancy.Direction.SHORTAGE if difference < 0
                else Discrepancy.Direction.SURPLUS,
            )
        )  # fmt: skip
    count.status = StockCount.Status.SUBMITTED
    count.submitted_at = clock.now()
    count.submitted_by = audit.actor_label(actor)
    if discrepancies:
        count.incident, count.alert = _raise(count, store, discrepancies)
    count.save(update_fields=["status", "submitted_at", "submitted_by", "incident", "alert"])
    audit.record(
        ControlledAction.COUNT_SUBMITTED, actor=actor, obj=count,
        before={"status": StockCount.Status.DRAFT},
        after={"status": count.status, "discrepancies": [d.pk for d in discrepancies],
               "entries": [d.entry_id for d in discrepancies],
               "incident_id": count.incident_id, "alert_id": count.alert_id},
    )  # fmt: skip
    return count


def _summary(discrepancies: list[Discrepancy]) -> str:
    parts = []
    for d in discrepancies:
        what = (_("short by %(q)s") if d.direction == Discrepancy.Direction.SHORTAGE
                else _("over by %(q)s")) % {"q": shown(d.item.item_class, d.quantity)}  # fmt: skip
        lot = _(" (lot %(lot)s)") % {"lot": d.lot} if d.lot else ""
        parts.append(f"{d.item.name}{lot}: {what}")
    return "; ".join(parts)


def _raise(count: StockCount, store: Store, discrepancies: list[Discrepancy]) -> tuple[Any, Any]:
    """One incident and one alert to the police of the store's commune, by Vigil itself."""
    from vigil.situation.alerts.services import approve_within, draft_alert_within
    from vigil.situation.incidents.models import IncidentType
    from vigil.situation.incidents.services import open_incident_within
    from vigil.situation.terms import Certainty, Severity, Urgency

    vigil = SystemActor(RULE)
    police = police_of(store)
    if police is None:
        raise ValidationError(_("No police agency to alert about the store's commune."))
    shortage = any(d.direction == Discrepancy.Direction.SHORTAGE for d in discrepancies)
    organisation = store.owning_agency
    summary = _summary(discrepancies)
    title = (_("Stock count shortage at %(store)s (%(org)s)") if shortage
             else _("Stock count surplus at %(store)s (%(org)s)")) % {
        "store": store.name, "org": organisation.name}  # fmt: skip
    description = _(
        "The stock count of %(date)s at store %(store)s of %(org)s found: %(what)s. "
        "Counted by: %(counters)s."
    ) % {
        "date": timezone.localtime(count.counted_at).strftime("%d/%m/%Y %H:%M"),
        "store": store.name, "org": organisation.name, "what": summary,
        "counters": count.counters,
    }  # fmt: skip
    commune = store.admin_unit if store.admin_unit.kind in _COMMUNE_KINDS else None
    incident = open_incident_within(
        store.owning_committee, actor=vigil, title=title[:300], type=IncidentType.EXPLOSIVES_LOSS,
        occurred_at=count.counted_at, involved_agencies=[police],
        classification=count.classification, commune=commune, place=store.name[:300],
        description=description,
        severity=Severity.SEVERE if shortage else Severity.MODERATE,
        urgency=Urgency.IMMEDIATE if shortage else Urgency.EXPECTED,
        certainty=Certainty.LIKELY,
    )  # fmt: skip
    alert = draft_alert_within(
        store.owning_committee, actor=vigil, raised_by_rule=RULE,
        event=_("Explosives missing from a store") if shortage
        else _("Explosives stock does not match the books"),
        headline=title[:300], description=description,
        instruction=_("Verify the store and the count; find the missing quantity."),
        urgency=Urgency.IMMEDIATE if shortage else Urgency.EXPECTED,
        severity=Severity.SEVERE if shortage else Severity.MODERATE,
        certainty=Certainty.LIKELY, classification=count.classification,
        area_desc=f"{store.name}, {store.admin_unit.name}"[:300],
        communes=[store.admin_unit] if commune else [], incidents=[incident],
        addressed_agencies=[police],
    )  # fmt: skip
    alert = approve_within(alert, actor=vigil)
    return incident, alert


# --- resolving


OUTCOMES = (S.FOUND, S.RECOUNTED, S.CONFIRMED_LOST)


@transaction.atomic(durable=True)
def resolve_discrepancy(
    discrepancy: Discrepancy,
    *,
    outcome: str,
    quantity: Any,
    note: str,
    actor: Actor,
    unit: str | None = None,
) -> Discrepancy:
    """Close a discrepancy with what was established, and post what follows from it.

    ``quantity`` (in ``unit``; stored units when None) must be the discrepancy's: the
    one who resolves it says how much they resolve, and a mismatch is refused."""
    return resolve_discrepancy_within(
        discrepancy, outcome=outcome, quantity=quantity, note=note, actor=actor, unit=unit
    )


def resolve_discrepancy_within(
    discrepancy: Discrepancy,
    *,
    outcome: str,
    quantity: Any,
    note: str,
    actor: Actor,
    unit: str | None = None,
) -> Discrepancy:
    """``resolve_discrepancy`` as a helper that nests: in the caller's transaction."""
    organisation = Agency.objects.get(pk=discrepancy.owning_agency_id)
    require_storekeeper(actor, organisation)
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": _("Choose how the discrepancy was resolved.")})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was established.")})
    lock_chains([organisation.pk])
    d = (
        Discrepancy.objects.select_for_update(of=("self",))
        .select_related("item", "store", "entry", "count")
        .get(pk=discrepancy.pk)
    )
    if d.status != S.OPEN:
        raise ValidationError(
            _("This discrepancy was already resolved: %(status)s.")
            % {"status": S(d.status).label.lower()}
        )
    try:
        given = to_base_units(d.item, quantity, unit)
    except ValidationError as exc:
        raise ValidationError({"quantity": exc.messages}) from exc
    if given != d.quantity:
        raise ValidationError(
            {"quantity": _("The quantity does not match the discrepancy (%(q)s).")
             % {"q": shown(d.item.item_class, d.quantity)}}
        )  # fmt: skip
    shortage = d.direction == Discrepancy.Direction.SHORTAGE
    if outcome == S.FOUND and not shortage:
        raise ValidationError(
            {"outcome": _("Only a shortage can be found; a surplus was recounted or confirmed.")}
        )
    entry = _resolution_entry(d, organisation, outcome, note, actor)
    d.status = outcome
    d.resolved_at = clock.now()
    d.resolved_by = audit.actor_label(actor)
    d.resolution_note = note
    d.resolution_entry = entry
    d.save(update_fields=["status", "resolved_at", "resolved_by", "resolution_note",
                          "resolution_entry"])  # fmt: skip
    _tell_incident(d, actor)
    audit.record(
        ControlledAction.DISCREPANCY_RESOLVED, actor=actor, obj=d,
        before={"status": S.OPEN},
        after={"status": d.status, "note": note,
               "resolution_entry_id": entry.pk if entry else None},
    )  # fmt: skip
    return d


def _resolution_entry(
    d: Discrepancy, organisation: Agency, outcome: str, note: str, actor: Actor
) -> LedgerEntry | None:
    if outcome == S.CONFIRMED_LOST:
        return None  # the books already say it: the quantity stays where the count put it
    if outcome == S.RECOUNTED:
        movement = reversal(d.entry, reason=_("Recounted: %(note)s") % {"note": note})
        movement = dataclasses.replace(movement, records_fact=True)
    else:
        movement = Movement(
            item=d.item, quantity=d.quantity,
            from_account=outside_account(organisation, Account.Kind.LOST),
            to_account=d.store.account, lot=d.lot,
            idempotency_key=derived_key("discrepancy", f"{d.pk}:found"), records_fact=True,
            reason=_("Found after the stock count: %(note)s") % {"note": note},
        )  # fmt: skip
    movement = dataclasses.replace(movement, reason=movement.reason[:500])
    posted = record_movements_within(organisation, [movement], actor=actor)[0]
    if not posted.created:
        raise ValidationError(key_reused(movement))
    return posted.entry


def _tell_incident(d: Discrepancy, actor: Actor) -> None:
    """An update on the count's incident (none once the incident is closed)."""
    from vigil.situation.incidents.models import Incident
    from vigil.situation.incidents.services import add_update_within

    incident_id = d.count.incident_id
    if incident_id is None:
        return
    incident = Incident.objects.get(pk=incident_id)
    if not incident.is_open:
        return
    text = _("%(item)s%(lot)s, %(direction)s of %(q)s: %(status)s (%(who)s). %(note)s") % {
        "item": d.item.name, "lot": _(" (lot %(lot)s)") % {"lot": d.lot} if d.lot else "",
        "direction": d.get_direction_display().lower(), "q": shown(d.item.item_class, d.quantity),
        "status": S(d.status).label.lower(), "who": audit.actor_label(actor),
        "note": d.resolution_note,
    }  # fmt: skip
    add_update_within(incident, text, actor=SystemActor(RULE))
