"""The registry's use cases: licensed organisations, licences and their status,
stores and their capacity. Kept apart from the posting path (services.py).

Who keeps the registry: the licensing agency's officers and head (for the
organisations it licenses), the standing office and the administrators of the
province committee (for all of its organisations), and Vigil itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.controlled import services
from vigil.controlled.models import (
    UNITS,
    ControlledAction,
    ItemClass,
    Licence,
    LicenceEvent,
    OrganisationProfile,
    Sector,
    Store,
    StoreTotal,
    shown,
)
from vigil.controlled.services import province_committee
from vigil.core import audit, clock
from vigil.core.audit import SystemActor
from vigil.core.models import AdminUnit
from vigil.org.models import Agency, Committee
from vigil.org.scope import scope_for

KEEPER_COMMITTEE_ROLES = ("standing_office", "administrator")
KEEPER_AGENCY_ROLES = ("agency_head", "officer")
# The kinds of agency that issue licences for explosives and weapons: the
# Department of Industry and Trade (a department), the police, the military.
LICENSING_KINDS = (Agency.Kind.DEPARTMENT, Agency.Kind.POLICE, Agency.Kind.MILITARY)


# --- who keeps the registry


def may_keep(user: Any, committee: Committee | None, licensing_agency_id: int | None) -> bool:
    """May ``user`` write the registry records of this committee / licensing agency?"""
    if isinstance(user, SystemActor):
        return True
    scope = scope_for(user)
    if committee is not None and scope.committee_role_covers(
        committee.path, *KEEPER_COMMITTEE_ROLES
    ):
        return True
    return licensing_agency_id is not None and scope.agency_role_in(
        licensing_agency_id, *KEEPER_AGENCY_ROLES
    )


def may_keep_record(user: Any, record: Any) -> bool:
    """For an existing record with ``owning_committee`` and ``licensing_agency``."""
    return may_keep(user, record.owning_committee, record.licensing_agency_id)


def require_keeper(
    actor: Any, committee: Committee | None, licensing_agency_id: int | None
) -> None:
    if not may_keep(actor, committee, licensing_agency_id):
        raise PermissionDenied(
            _(
                "Only the licensing agency, the standing office or an administrator "
                "may change the registry."
            )
        )


def licensing_agencies_for(user: Any) -> Any:
    """Agencies the user may name as an organisation's licensing agency."""
    qs = Agency.objects.filter(kind__in=LICENSING_KINDS, committee__isnull=False)
    if isinstance(user, SystemActor):
        return qs
    scope = scope_for(user)
    # The registry is provincial: a commune committee's standing office does not keep it.
    keeper_in = [c for role, _a, c, _p in scope.roles if role in KEEPER_COMMITTEE_ROLES and c]
    paths = Committee.objects.filter(
        pk__in=keeper_in, level__in=[Committee.Level.NATIONAL, Committee.Level.PROVINCE]
    ).values_list("path", flat=True)
    own = [a for role, a, c, _p in scope.roles if role in KEEPER_AGENCY_ROLES and c is None]
    q = Q(pk__in=own)
    for path in paths:
        q |= Q(committee__path__startswith=path)
    return qs.filter(q).order_by("name")


def may_create_organisations(user: Any) -> bool:
    return bool(licensing_agencies_for(user).exists())


def _check_licensing_agency(agency: Agency) -> None:
    if agency.kind not in LICENSING_KINDS or agency.committee_id is None:
        raise ValidationError(
            {"licensing_agency": _("%(agency)s does not issue licences.") % {"agency": agency}}
        )


def _check_commune(unit: AdminUnit | None) -> AdminUnit:
    if unit is None or unit.parent_id is None:
        raise ValidationError({"admin_unit": _("Choose the commune the organisation is in.")})
    return unit


# --- organisations

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


@transaction.atomic
def create_organisation(
    *,
    name: str,
    tax_code: str,
    sector: str,
    admin_unit: AdminUnit | None,
    licensing_agency: Agency,
    parent_group: str = "",
    address: str = "",
    actor: Any,
) -> OrganisationProfile:
    """A licensed organisation: an agency outside every committee, and its registry record."""
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


@transaction.atomic
def create_profile(
    agency: Agency, *, sector: str, parent_group: str = "", address: str = "", actor: Any
) -> OrganisationProfile:
    """The registry record of a licensed organisation already in the directory."""
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
    actor: Any,
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


@transaction.atomic
def update_organisation(
    profile: OrganisationProfile, *, actor: Any, **changes: Any
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


def with_standing(profiles: Any, today: dt.date) -> Any:
    """Annotate each organisation with its licence standing in two subqueries, not 2 per row."""
    active = Licence.objects.filter(
        owning_agency_id=OuterRef("pk"), status=Licence.Status.ACTIVE,
        valid_from__lte=today, valid_to__gte=today,
    )  # fmt: skip
    lasting = active.filter(valid_to__gt=today + dt.timedelta(days=60))
    return profiles.annotate(_in_force=Exists(active), _lasting=Exists(lasting))


def standing_of(profile: Any) -> str:
    """ "in_force", "expiring" (within 60 days) or "none", from ``with_standing``."""
    if profile._lasting:
        return "in_force"
    return "expiring" if profile._in_force else "none"


def licence_standing(organisation_id: int, today: dt.date) -> str:
    """The same for one organisation."""
    profile = with_standing(OrganisationProfile.objects.filter(pk=organisation_id), today).first()
    return standing_of(profile) if profile is not None else "none"


# --- licences

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


def _event(licence: Licence, status_from: str, reason: str, actor: Any) -> LicenceEvent:
    return LicenceEvent.objects.create(
        licence=licence, at=clock.now(), status_from=status_from, status_to=licence.status,
        reason=reason, actor_label=audit.actor_label(actor),
    )  # fmt: skip


def record_licence_created(licence: Licence, actor: Any) -> None:
    """The first line of a licence's timeline (called by ``services.create_licence``)."""
    _event(licence, "", _("Licence recorded."), actor)


@transaction.atomic
def update_licence(licence: Licence, *, actor: Any, **changes: Any) -> Licence:
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


@transaction.atomic
def change_licence_status(licence: Licence, status: str, *, reason: str, actor: Any) -> Licence:
    """Suspend, reinstate, revoke or declare expired; the reason goes on the timeline."""
    licence = Licence.objects.select_for_update().get(pk=licence.pk)
    if not isinstance(actor, SystemActor):
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


@transaction.atomic
def update_store(
    store: Store,
    *,
    actor: Any,
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
    services.lock_chains([store.owning_agency_id])
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


def stores_of(organisation: Agency) -> Iterable[Store]:
    return Store.objects.filter(owning_agency=organisation).order_by("name")
