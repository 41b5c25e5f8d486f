"""Reads of transfers: those a user sees, and the stores a sender may name."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from vigil.controlled.registry.models import Store
from vigil.controlled.transfers.models import Transfer
from vigil.org.models import Agency
from vigil.org.scope import Viewer


def visible_transfers(user: Viewer) -> QuerySet[Transfer]:
    """The transfers the user may see, with what their pages show."""
    return Transfer.objects.visible_to(user).select_related(
        "from_store", "to_store", "item", "owning_agency", "receiving_agency"
    )


def destination_stores(sender_id: int) -> Any:
    """Stores a sender may name as a destination: every other licensed organisation's.

    Only their names and organisations are shown on the form; nothing else of
    another organisation's store is reachable from here.
    """
    return (
        Store.objects.filter(owning_agency__kind=Agency.Kind.LICENSED_ORGANISATION)
        .exclude(owning_agency_id=sender_id)
        .select_related("owning_agency")
        .order_by("owning_agency__name", "name")
    )
