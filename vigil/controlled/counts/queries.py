"""Reads of stock counts: those a user sees, and the discrepancies still open."""

from __future__ import annotations

from django.db.models import QuerySet

from vigil.controlled.counts.models import Discrepancy, StockCount
from vigil.org.scope import Viewer


def visible_counts(user: Viewer) -> QuerySet[StockCount]:
    """The counts the user may see, with what their pages show."""
    return StockCount.objects.visible_to(user).select_related("store", "owning_agency")


def visible_discrepancies(user: Viewer) -> QuerySet[Discrepancy]:
    return Discrepancy.objects.visible_to(user).select_related("item", "store", "count")


def open_discrepancies(user: Viewer) -> QuerySet[Discrepancy]:
    """The discrepancies the user sees that nobody has resolved yet, oldest count first."""
    return (
        visible_discrepancies(user)
        .filter(status=Discrepancy.Status.OPEN)
        .order_by("count__counted_at", "pk")
    )
