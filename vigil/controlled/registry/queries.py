"""Reads of the registry: the organisations a user sees, their licence standing,
the communes and totals the pages show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from vigil.controlled.catalogue.models import ItemClass, shown
from vigil.controlled.ledger.models import StoreTotal
from vigil.controlled.registry.models import Licence, OrganisationProfile, Store
from vigil.core import clock
from vigil.core.models import AdminUnit
from vigil.org.models import Agency, Committee
from vigil.org.scope import Viewer


def profiles(user: Viewer) -> QuerySet[OrganisationProfile]:
    """The registry's organisations the user may see."""
    return OrganisationProfile.objects.visible_to(user).select_related(
        "organisation__admin_unit", "licensing_agency"
    )


def visible_organisations(user: Viewer) -> QuerySet[Agency]:
    return Agency.objects.filter(pk__in=profiles(user).values("pk")).order_by("name")


def visible_communes(user: Viewer) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(
        pk__in=profiles(user).values("organisation__admin_unit")
    ).order_by("name")


def _in_force(today: dt.date) -> Q:
    return Q(status=Licence.Status.ACTIVE, valid_from__lte=today, valid_to__gte=today)


def standing_filter(profiles: QuerySet[OrganisationProfile], standing: str) -> Any:
    """The organisations whose licence standing (``standing_of``) is ``standing``."""
    today = clock.today()
    active = Licence.objects.filter(_in_force(today))
    holders = active.values("owning_agency_id")
    lasting = active.filter(valid_to__gt=today + dt.timedelta(days=60)).values("owning_agency_id")
    if standing == "in_force":
        return profiles.filter(pk__in=lasting)
    if standing == "expiring":
        return profiles.filter(pk__in=holders).exclude(pk__in=lasting)
    if standing == "none":
        return profiles.exclude(pk__in=holders)
    return profiles


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


def province_communes() -> QuerySet[AdminUnit]:
    """Communes of the provinces that have a committee in Vigil."""
    provinces = Committee.objects.filter(level="province").values("admin_unit")
    return AdminUnit.objects.filter(parent__in=provinces).order_by("name")


def store_totals(store: Store) -> list[dict[str, Any]]:
    """What a store holds of each item class, against its capacity, as shown."""
    return [
        {
            "item_class": t.get_item_class_display(),
            "quantity": shown(t.item_class, t.quantity),
            "capacity": shown(t.item_class, t.capacity),
            "percent": round(100 * t.quantity / t.capacity) if t.capacity else 0,
        }
        for t in store.totals.order_by("item_class")
    ]


def class_totals(stores: Any) -> list[dict[str, Any]]:
    """What these stores hold together of each item class, against their capacity."""
    sums = (
        StoreTotal.objects.filter(store__in=stores)
        .values("item_class")
        .annotate(held=Sum("quantity"), capacity=Sum("capacity"))
        .order_by("item_class")
    )
    return [
        {
            "item_class": ItemClass(row["item_class"]).label,
            "held": shown(row["item_class"], row["held"] or 0),
            "capacity": shown(row["item_class"], row["capacity"] or 0),
        }
        for row in sums
    ]
