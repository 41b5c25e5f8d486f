"""Reads of the ledger: movements and balances as the pages and the API show them,
fast on a million entries (bench/bench_ledger_pages.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from vigil.controlled.catalogue.models import ItemClass, shown
from vigil.controlled.ledger.models import Account, Balance, LedgerEntry
from vigil.core import statistics
from vigil.org.scope import Viewer


def at_store(entries: Any, store_id: int) -> Any:
    """Entries into or out of a store: by its account's id, which the indexes serve."""
    account = Account.objects.filter(store_id=store_id).values_list("pk", flat=True).first()
    return entries.filter(Q(from_account_id=account) | Q(to_account_id=account))


def local_day_range(since: dt.date | None, until: dt.date | None) -> dict[str, dt.datetime]:
    """Filters of ``at`` for whole local days, as a range the index on ``at`` serves
    (``at__date`` would convert every row's time first)."""
    bounds: dict[str, dt.datetime] = {}
    if since:
        bounds["at__gte"] = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    if until and until < dt.date.max:  # the day after the last date there is overflows
        bounds["at__lt"] = timezone.make_aware(
            dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min)
        )
    return bounds


def refresh_statistics(now: dt.datetime) -> int:
    """Let SQLite's planner know how the ledger is spread (a sweep, every few hours):
    without statistics it sorts every visible entry to show the last 50 instead of
    reading the newest first. Returns how many tables were analysed."""
    return statistics.analyse(LedgerEntry, Balance, Account)


def visible_movements(user: Viewer) -> Any:
    """The entries the user may see, with what their rows show."""
    return LedgerEntry.objects.visible_to(user).select_related(
        "item", "from_account__store", "to_account__store"
    )


def movement_rows(entries: Any) -> list[dict[str, Any]]:
    """Each entry with its quantity as shown."""
    return [{"entry": e, "shown": shown(e.item.item_class, e.quantity)} for e in entries]


GROUPS: dict[str, tuple[str, str]] = {
    # by -> (the key column, its label column)
    "store": ("store_id", "store__name"),
    "organisation": ("owning_agency_id", "owning_agency__name"),
    "item": ("item_id", "item__name"),
    "commune": ("store__admin_unit_id", "store__admin_unit__name"),
}


def filtered_balances(user: Viewer, data: dict[str, Any]) -> QuerySet[Balance]:
    """The balances the user may see, narrowed by a filter form's (or query's) values."""
    balances = Balance.objects.visible_to(user)
    if data.get("organisation"):
        balances = balances.filter(owning_agency=data["organisation"])
    if data.get("commune"):
        balances = balances.filter(store__admin_unit=data["commune"])
    if data.get("item_class"):
        balances = balances.filter(item__item_class=data["item_class"])
    if data.get("item"):
        balances = balances.filter(item=data["item"])
    return balances


def balance_totals(balances: QuerySet[Balance], by: str) -> list[dict[str, Any]]:
    """Sums per group and item class (per item when grouping by item), in shown units."""
    key, label = GROUPS[by]
    rows = (
        balances.values(key, label, "item__item_class")
        .annotate(total=Sum("quantity"))
        .order_by(label, "item__item_class")
    )
    return [
        {
            "id": row[key], "name": row[label],
            "item_class": ItemClass(row["item__item_class"]).label,
            "item_class_code": row["item__item_class"], "quantity": row["total"] or 0,
            "shown": shown(row["item__item_class"], row["total"] or 0),
        }
        for row in rows
    ]  # fmt: skip
