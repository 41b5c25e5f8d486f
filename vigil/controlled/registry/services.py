"""The registry's use cases: licensed organisations, licences (from their recording
to their expiry) and stores (from their recording to their capacity). Who may
write them: ``keepers``.

A use case opens its own durable transaction; a ``…_within`` helper writes the
same in the caller's transaction (the demo seed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.controlled.catalogue.models import UNITS, ItemClass, shown
from vigil.controlled.ledger.models import Account, StoreTotal
from vigil.controlled.ledger.posting import lock_chains
from vigil.controlled.models import ControlledAction
from vigil.controlled.registry.keepers import (
    LICENSING_KINDS,
    licenser_of,
    province_committee,
    require_keeper,
    require_licensed,
)
from vigil.controlled.registry.models import (
    Licence,
    LicenceEvent,
    OrganisationProfile,
    Sector,
    Store,
)
from vigil.core import audit, clock
from vigil.core.audit import Actor, SystemActor
from vigil.core.models import AdminUnit
from vigil.org.models import Agency, Committee

# --- checks


def _check_class(item_class: str) -> None:
    if item_class not in UNITS:
        raise ValidationError(_("Unknown item class: %(c)s.") % {"c": item_class})


def _check_licensing_agency(agency: Agency) -> None:
    if agency.kind not in LICENSING_KINDS or agency.committee_id is None:
        raise ValidationError(
            {"licensing_agency": _("%(agency)s does not issue licences.") % {"agency": agency}}
        )


def _check_commune(unit: AdminUnit | None) -> AdminUnit:
    if unit is None or unit.parent_id is None:
        raise ValidationError({"admin_unit": _("Choose the commune the organisation is in.")})
    return unit


ORGANISATION_FIELDS = ("name", "tax_code", "admin_unit_id", "licensed_by")

PROFILE_FIELDS = ("sector", "parent_group", "address", "licensing_agency_id")


def _check_tax_code(tax_code: str, exclude: int | None = None) -> str:
    tax_code = tax_code.strip()
    if tax_code and not (tax_code.replace("-", "").isdigit() and 10 <= len(tax_code) <= 14):
        raise ValidationError({"tax_code": _("A tax code has 10 digits, or 13 with a branch.")})
    if tax_code:
        clash = Agency.objects.filter(kind=Agency.Kind.LICENSED_ORGANISATION, tax_code=tax_code)
        if exclude is not None:
            clash = clash.exclude(pk=exclude)
        if clash.exists():
            raise ValidationError(
                {"tax_code": _("Another organisation has the tax code %(t)s.") % {"t": tax_code}}
            )
    return tax_code


def _check_sector(sector: str) -> None:
    if sector not in Sector.values:
        raise ValidationError({"sector": _("Choose a sector from the list.")})


def _organisation_state(profile: OrganisationProfile) -> dict[str, Any]:
    agency = profile.organisation
    return {
        "name": agency.name, "tax_code": agency.tax_code, "admin_unit_id": agency.admin_unit_id,
        **audit.snapshot(profile, PROFILE_FIELDS),
    }  # fmt: skip


@transaction.atomic(durable=True)
def create_organisation(
    *,
    name: str,
    tax_code: str,
    sector: str,
    admin_unit: AdminUnit | None,
    licensing_agency: Agency,
    parent_group: str = "",
    address: str = "",
    actor: Actor,
) -> OrganisationProfile:
    """A licensed organisation: an agency outside every committee, and its registry record."""
    return create_organisation_within(
        name=name,
        tax_code=tax_code,
        sector=sector,
        admin_unit=admin_unit,
        licensing_agency=licensing_agency,
        parent_group=parent_group,
        address=address,
        actor=actor,
    )


def create_organisation_within(
    *,
    name: str,
    tax_code: str,
    sector: str,
    admin_unit: AdminUnit | None,
    licensing_agency: Agency,
    parent_group: str = "",
    address: str = "",
    actor: Actor,
) -> OrganisationProfile:
    """``create_organisation`` as a helper that nests: in the caller's transaction (the demo seed)."""
    unit = _check_commune(admin_unit)
    committee = province_committee(unit)
    require_keeper(actor, committee, licensing_agency.pk)
    _check_licensing_agency(licensing_agency)
    _check_sector(sector)
    if not name.strip():
        raise ValidationError({"name": _("Give the organisation's name.")})
    agency = Agency(
        name=name.strip(), kind=Agency.Kind.LICENSED_ORGANISATION, committee=None,
        admin_unit=unit, tax_code=_check_tax_code(tax_code),
    )  # fmt: skip
    agency.full_clean(exclude=["name_folded"])
    agency.save()
    agency.licensed_by.set([licensing_agency])
    return _record_profile(
        agency, committee, licensing_agency, sector=sector, parent_group=parent_group,
        address=address, actor=actor,
    )  # fmt: skip


@transaction.atomic(durable=True)
def create_profile(
    agency: Agency, *, sector: str, parent_group: str = "", address: str = "", actor: Actor
) -> OrganisationProfile:
    """The registry record of a licensed organisation already in the directory."""
    return create_profile_within(
        agency, sector=sector, parent_group=parent_group, address=address, actor=actor
    )


def create_profile_within(
    agency: Agency, *, sector: str, parent_group: str = "", address: str = "", actor: Actor
) -> OrganisationProfile:
    """``create_profile`` as a helper that nests: in the caller's transaction (the demo seed)."""
    if agency.kind != Agency.Kind.LICENSED_ORGANISATION:
        raise ValidationError(_("%(org)s is not a licensed organisation.") % {"org": agency})
    if OrganisationProfile.objects.filter(pk=agency.pk).exists():
        raise ValidationError(_("%(org)s is already in the registry.") % {"org": agency})
    unit = _check_commune(agency.admin_unit)
    committee = province_committee(unit)
    licenser = agency.licensed_by.order_by("pk").first()
    require_keeper(actor, committee, licenser.pk if licenser else None)
    _check_sector(sector)
    return _record_profile(
        agency, committee, licenser, sector=sector, parent_group=parent_group,
        address=address, actor=actor,
    )  # fmt: skip


def _record_profile(
    agency: Agency,
    committee: Committee,
    licenser: Agency | None,
    *,
    sector: str,
    parent_group: str,
    address: str,
    actor: Actor,
) -> OrganisationProfile:
    """The registry row of an organisation and its audit event (the caller's transaction)."""
    profile = OrganisationProfile(
        organisation=agency, owning_agency=agency, owning_committee=committee,
        licensing_agency=licenser, sector=sector, parent_group=parent_group.strip(),
        address=address.strip(),
    )  # fmt: skip
    profile.full_clean()
    profile.save()
    audit.record(
        ControlledAction.ORGANISATION_CREATED, actor=actor, obj=profile,
        after=_organisation_state(profile),
    )  # fmt: skip
    return profile


@transaction.atomic(durable=True)
def update_organisation(
    profile: OrganisationProfile, *, actor: Actor, **changes: Any
) -> OrganisationProfile:
    """Change name, tax code, commune, sector, parent group or address."""
    profile = (
        OrganisationProfile.objects.select_for_update(of=("self",))
        .select_related("organisation", "owning_committee")
        .get(pk=profile.pk)
    )
    require_keeper(actor, profile.owning_committee, profile.licensing_agency_id)
    allowed = {"name", "tax_code", "sector", "parent_group", "address", "admin_unit"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    agency = profile.organisation
    before = _organisation_state(profile)
    if "name" in changes:
        if not str(changes["name"]).strip():
            raise ValidationError({"name": _("Give the organisation's name.")})
        agency.name = str(changes["name"]).strip()
    if "tax_code" in changes:
        agency.tax_code = _check_tax_code(str(changes["tax_code"]), exclude=agency.pk)
    if "admin_unit" in changes:
        unit = _check_commune(changes["admin_unit"])
        if province_committee(unit).pk != profile.owning_committee_id:
            raise ValidationError(
                {"admin_unit": _("The organisation moves to a commune of another province.")}
            )
        agency.admin_unit = unit
    if "sector" in changes:
        _check_sector(changes["sector"])
        profile.sector = changes["sector"]
    for name in ("parent_group", "address"):
        if name in changes:
            setattr(profile, name, str(changes[name]).strip())
    after = _organisation_state(profile)
    if after == before:
        return profile
    agency.full_clean(exclude=["name_folded", "licensed_by"])
    agency.save()
    profile.full_clean()
    profile.save()
    audit.record(
        ControlledAction.ORGANISATION_UPDATED, actor=actor, obj=profile, before=before, after=after
    )
    return profile


LICENCE_EDITABLE = ("number", "kind", "valid_from", "valid_to", "item_classes", "stores")

# Which status may follow which; "expired" is set by the daily sweep or by hand.
TRANSITIONS: dict[str, set[str]] = {
    Licence.Status.ACTIVE: {Licence.Status.SUSPENDED, Licence.Status.REVOKED,
                            Licence.Status.EXPIRED},
    Licence.Status.SUSPENDED: {Licence.Status.ACTIVE, Licence.Status.REVOKED,
                               Licence.Status.EXPIRED},
    Licence.Status.EXPIRED: set(),
    Licence.Status.REVOKED: set(),
}  # fmt: skip


def _licence_state(licence: Licence) -> dict[str, Any]:
    return {
        **audit.snapshot(licence),
        "stores": sorted(licence.stores.values_list("pk", flat=True)),
    }


def _event(licence: Licence, status_from: str, reason: str, actor: Actor) -> LicenceEvent:
    return LicenceEvent.objects.create(
        licence=licence, at=clock.now(), status_from=status_from, status_to=licence.status,
        reason=reason, actor_label=audit.actor_label(actor),
    )  # fmt: skip


@transaction.atomic(durable=True)
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
    actor: Actor,
) -> Licence:
    """Record a licence: the first line of its timeline and its audit event."""
    return create_licence_within(
        organisation,
        number=number,
        kind=kind,
        issuer=issuer,
        valid_from=valid_from,
        valid_to=valid_to,
        item_classes=item_classes,
        stores=stores,
        actor=actor,
    )


def create_licence_within(
    organisation: Agency,
    *,
    number: str,
    kind: str,
    issuer: Agency,
    valid_from: Any,
    valid_to: Any,
    item_classes: Iterable[str],
    stores: Iterable[Store] = (),
    actor: Actor,
) -> Licence:
    """``create_licence`` as a helper that nests: in the caller's transaction (the demo seed)."""
    require_licensed(organisation)
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
    require_keeper(actor, committee, issuer.pk)
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
    _event(licence, "", _("Licence recorded."), actor)
    audit.record(
        ControlledAction.LICENCE_CREATED, actor=actor, obj=licence,
        after={**audit.snapshot(licence), "stores": [s.pk for s in stores]},
    )  # fmt: skip
    return licence


@transaction.atomic(durable=True)
def update_licence(licence: Licence, *, actor: Actor, **changes: Any) -> Licence:
    """Correct a licence's number, kind, dates, item classes or stores (not its status)."""
    licence = Licence.objects.select_for_update().get(pk=licence.pk)
    require_keeper(actor, licence.owning_committee, licence.licensing_agency_id)
    unknown = set(changes) - set(LICENCE_EDITABLE)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    before = _licence_state(licence)
    stores = changes.pop("stores", None)
    if "item_classes" in changes:
        classes = sorted(set(changes["item_classes"]))
        for c in classes:
            if c not in UNITS:
                raise ValidationError({"item_classes": _("Unknown item class: %(c)s.") % {"c": c}})
        if not classes:
            raise ValidationError({"item_classes": _("A licence permits at least one class.")})
        changes["item_classes"] = classes
    for name, value in changes.items():
        setattr(licence, name, value)
    licence.full_clean(validate_unique=True)
    try:
        with transaction.atomic():
            licence.save()
    except IntegrityError:
        raise ValidationError({"number": _("This licence number is already recorded.")}) from None
    if stores is not None:
        stores = list(stores)
        if any(s.owning_agency_id != licence.owning_agency_id for s in stores):
            raise ValidationError(
                {"stores": _("A licence covers the organisation's own stores only.")}
            )
        licence.stores.set(stores)
    after = _licence_state(licence)
    if after != before:
        audit.record(
            ControlledAction.LICENCE_UPDATED, actor=actor, obj=licence, before=before, after=after
        )
    return licence


@transaction.atomic(durable=True)
def change_licence_status(licence: Licence, status: str, *, reason: str, actor: Actor) -> Licence:
    """Suspend, reinstate, revoke or declare expired; the reason goes on the timeline."""
    return change_licence_status_within(licence, status, reason=reason, actor=actor)


def change_licence_status_within(
    licence: Licence, status: str, *, reason: str, actor: Actor
) -> Licence:
    """``change_licence_status`` as a helper that nests: in the caller's transaction (the demo seed)."""
    licence = Licence.objects.select_for_update().get(pk=licence.pk)
    require_keeper(actor, licence.owning_committee, licence.licensing_agency_id)
    if status not in Licence.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the licence's status changes.")})
    if status not in TRANSITIONS[licence.status]:
        raise ValidationError(
            {
                "status": _("A licence that is %(now)s cannot become %(new)s.")
                % {
                    "now": Licence.Status(licence.status).label,
                    "new": Licence.Status(status).label,
                }
            }
        )
    if status == Licence.Status.ACTIVE and licence.valid_to < clock.today():
        raise ValidationError(
            {"status": _("The licence ended on %(d)s; it cannot be put back in force.")
             % {"d": licence.valid_to.strftime("%d/%m/%Y")}}
        )  # fmt: skip
    before = licence.status
    licence.status = status
    licence.save(update_fields=["status"])
    _event(licence, before, reason, actor)
    audit.record(
        ControlledAction.LICENCE_STATUS_CHANGED, actor=actor, obj=licence,
        before={"status": before}, after={"status": status, "reason": reason},
    )  # fmt: skip
    return licence


def expire_licences(now: dt.datetime) -> int:
    """The daily sweep: a licence in force past its end date becomes expired."""
    today = timezone.localdate(now)
    due = Licence.objects.filter(
        status__in=[Licence.Status.ACTIVE, Licence.Status.SUSPENDED], valid_to__lt=today
    ).order_by("pk")
    count = 0
    actor = SystemActor("controlled.licence_expiry")
    for licence in due:
        change_licence_status(
            licence, Licence.Status.EXPIRED, reason=_("Validity period ended."), actor=actor
        )
        count += 1
    return count


# --- stores


@transaction.atomic(durable=True)
def create_store(
    organisation: Agency,
    *,
    name: str,
    admin_unit: AdminUnit,
    kind: str,
    capacities: Mapping[str, int] | None = None,
    actor: Actor,
) -> Store:
    """Record a store of a licensed organisation, with its ledger account and its
    capacities (in stored units)."""
    return create_store_within(
        organisation,
        name=name,
        admin_unit=admin_unit,
        kind=kind,
        capacities=capacities,
        actor=actor,
    )


def create_store_within(
    organisation: Agency,
    *,
    name: str,
    admin_unit: AdminUnit,
    kind: str,
    capacities: Mapping[str, int] | None = None,
    actor: Actor,
) -> Store:
    """``create_store`` as a helper that nests: in the caller's transaction (the demo seed)."""
    require_licensed(organisation)
    committee = province_committee(admin_unit)
    licenser = licenser_of(organisation)
    require_keeper(actor, committee, licenser.pk if licenser else None)
    store = Store(
        name=name, admin_unit=admin_unit, kind=kind, owning_committee=committee,
        owning_agency=organisation, licensing_agency=licenser_of(organisation),
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


def _check_capacities(capacities: Mapping[str, Any], held: Mapping[str, int]) -> dict[str, int]:
    clean: dict[str, int] = {}
    for item_class, value in capacities.items():
        if item_class not in UNITS:
            raise ValidationError(_("Unknown item class: %(c)s.") % {"c": item_class})
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError({"capacities": _("A capacity is a whole number, zero or more.")})
        if value < held.get(item_class, 0):
            raise ValidationError(
                {
                    "capacities": _(
                        "The store holds %(held)s of %(cls)s; its capacity cannot be lowered "
                        "to %(cap)s. Move stock out first."
                    )
                    % {
                        "held": shown(item_class, held[item_class]),
                        "cls": ItemClass(item_class).label,
                        "cap": shown(item_class, value),
                    }
                }
            )
        clean[item_class] = value
    return clean


@transaction.atomic(durable=True)
def update_store(
    store: Store,
    *,
    actor: Actor,
    name: str | None = None,
    kind: str | None = None,
    admin_unit: AdminUnit | None = None,
    capacities: Mapping[str, int] | None = None,
) -> Store:
    """Rename, retype, move within the province, or set capacities (in stored units).

    Capacity rows are locked like the posting path locks them, so a movement
    racing this change sees either the old capacity or the new one.
    """
    # The ledger's lock order: the chain head, then the store (FOR NO KEY UPDATE:
    # a movement's foreign-key checks may still read it), then its totals by id.
    lock_chains([store.owning_agency_id])
    store = Store.objects.select_for_update(no_key=True).get(pk=store.pk)
    require_keeper(actor, store.owning_committee, store.licensing_agency_id)
    totals = {
        t.item_class: t
        for t in StoreTotal.objects.filter(store=store).order_by("pk").select_for_update()
    }
    before = {
        **audit.snapshot(store, ["name", "kind", "admin_unit_id"]),
        "capacities": {c: t.capacity for c, t in sorted(totals.items())},
    }
    if name is not None:
        store.name = name.strip()
    if kind is not None:
        store.kind = kind
    if admin_unit is not None:
        if province_committee(admin_unit).pk != store.owning_committee_id:
            raise ValidationError(
                {"admin_unit": _("A store cannot move to a commune of another province.")}
            )
        store.admin_unit = admin_unit
    store.full_clean()
    store.save()
    if capacities is not None:
        wanted = _check_capacities(capacities, {c: t.quantity for c, t in totals.items()})
        for item_class, value in wanted.items():
            total = totals.get(item_class)
            if total is None:
                totals[item_class] = StoreTotal.objects.create(
                    store=store, item_class=item_class, capacity=value
                )
            elif total.capacity != value:
                total.capacity = value
                total.save(update_fields=["capacity"])
    after = {
        **audit.snapshot(store, ["name", "kind", "admin_unit_id"]),
        "capacities": {c: t.capacity for c, t in sorted(totals.items())},
    }
    if after != before:
        audit.record(
            ControlledAction.STORE_UPDATED, actor=actor, obj=store, before=before, after=after
        )
    return store
