"""The registry's figures for the home page: licences that expire soon, the stores the
user keeps or watches, the inspections due within a week or overdue, the open
discrepancies of stock counts and the open blasts whose figures do not balance, and
for a storekeeper each of his stores' stock against its capacity. Each links to the list of
exactly what it counts, or to the one store it is about.

Every figure is read through the scope rule (``visible_to``): a figure never counts a
store, licence or inspection its reader could not open."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.controlled.blasts.queries import unbalanced_blasts
from vigil.controlled.counts.queries import open_discrepancies
from vigil.controlled.inspections.models import Inspection
from vigil.controlled.ledger.models import StoreTotal
from vigil.controlled.models import Licence, Store
from vigil.core import clock
from vigil.org.scope import Role, Viewer, scope_for

EXPIRY_DAYS = 60  # the licence list's "expiring" filter
INSPECTION_DAYS = 7  # "the inspection due next week"
NEARLY_FULL = 90  # percent of a capacity above which a store is nearly full


def summary_for(user: Viewer) -> dict[str, Any]:
    stores = Store.objects.visible_to(user)
    if not stores.exists():
        return {"title": _("Explosives"), "items": [], "roles": ()}
    today = clock.today()
    expiring = Licence.objects.visible_to(user).filter(
        status=Licence.Status.ACTIVE,
        valid_to__gte=today,
        valid_to__lte=today + dt.timedelta(days=EXPIRY_DAYS),
    )
    return {
        "title": _("Explosives"),
        "items": [
            {
                "label": _("licences expiring within 60 days"),
                "value": expiring.count(),
                "url": reverse("controlled:licence_list") + f"?days={EXPIRY_DAYS}",
                "urgency": "waiting",
            },
            {
                "label": _("stores and their balances"),
                "value": stores.count(),
                "url": reverse("controlled:store_list"),
            },
            *inspection_items(user, stores, today),
            *discrepancy_items(user),
            *capacity_items(user, stores),
        ],
        "roles": (Role.STOREKEEPER, Role.OFFICER, Role.STANDING_OFFICE, Role.COMMITTEE_LEADER),
    }


def inspections_due(user: Any, stores: Any, today: dt.date) -> tuple[list[int], list[int]]:
    """The visible stores whose latest visible inspection names a next one due within
    ``INSPECTION_DAYS`` (from today on), and those whose next inspection is past due.
    One query, whatever the number of stores."""
    latest = (
        Inspection.objects.visible_to(user)
        .filter(store=OuterRef("pk"))
        .order_by("-date", "-pk")
        .values("next_due")[:1]
    )
    rows = (
        stores.annotate(due=Subquery(latest))
        .filter(due__lte=today + dt.timedelta(days=INSPECTION_DAYS))
        .order_by("due", "pk")
        .values_list("pk", "due")
    )
    due: list[int] = []
    overdue: list[int] = []
    for pk, day in rows:
        (overdue if day < today else due).append(pk)
    return due, overdue


def store_link(pks: list[int]) -> str:
    """The one store a figure is about, or the store list (each store's next inspection
    is on its page)."""
    if len(pks) == 1:
        return reverse("controlled:store_detail", args=[pks[0]])
    return reverse("controlled:store_list")


def inspection_items(user: Any, stores: Any, today: dt.date) -> list[dict[str, Any]]:
    due, overdue = inspections_due(user, stores, today)
    return [
        {"label": _("store inspections due within 7 days"), "value": len(due),
         "url": store_link(due), "urgency": "waiting", "counts": "stores", "stores": due},
        {"label": _("store inspections overdue"), "value": len(overdue),
         "url": store_link(overdue), "urgency": "overdue", "counts": "stores",
         "stores": overdue},
    ]  # fmt: skip


def capacity_items(user: Any, stores: Any) -> list[dict[str, Any]]:
    """For a storekeeper: what each store of his organisations holds of each item class,
    in percent of its capacity (as the store page computes it), red above 90 %."""
    kept = {a for role, a, committee, _p in scope_for(user).roles
            if role == "storekeeper" and committee is None}  # fmt: skip
    if not kept:
        return []
    totals = (
        StoreTotal.objects.filter(
            store__in=stores.filter(owning_agency_id__in=kept), capacity__gt=0
        )
        .select_related("store")
        .order_by("store__name", "store_id", "item_class")
    )
    items = []
    for total in totals:
        percent = round(100 * total.quantity / total.capacity)
        items.append(
            {
                "label": _("of the capacity for %(item_class)s in %(store)s")
                % {"item_class": total.get_item_class_display(), "store": total.store.name},
                "value": percent,
                "measure": "percent",
                "url": reverse("controlled:store_detail", args=[total.store_id]),
                "urgency": "overdue" if percent > NEARLY_FULL else "",
                "counts": "capacity",
                "store": total.store_id,
                "item_class": total.item_class,
            }
        )
    return items


def discrepancy_items(user: Viewer) -> list[dict[str, Any]]:
    """Open discrepancies of stock counts (the count list shows them first), and the
    open blasts that stand out (``blasts.queries.unbalanced_blasts``: the blast list's
    "does not balance" filter, the same rule)."""
    open_ = open_discrepancies(user)
    blasts = unbalanced_blasts(user)
    return [
        {"label": _("open stock count discrepancies"), "value": open_.count(),
         "url": reverse("controlled:count_list"),
         "urgency": "overdue", "counts": "discrepancies"},
        {"label": _("open blasts whose figures do not balance"), "value": blasts.count(),
         "url": reverse("controlled:blast_list") + "?status=unbalanced",
         "urgency": "overdue", "counts": "blasts"},
    ]  # fmt: skip
