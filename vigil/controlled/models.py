"""Weapons, explosives and support tools: the audit verbs, and every model of
the app, each defined in its concept's ``models.py`` (catalogue, registry,
ledger, inspections, transfers) and imported here so that Django and the
migrations see them as the app's."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.controlled.blasts.models import Blast, BlastLine
from vigil.controlled.catalogue.models import (
    UNITS,
    Item,
    ItemCategory,
    ItemClass,
    ItemQuerySet,
    shown,
    unit_choices,
    unit_label,
)
from vigil.controlled.counts.models import CountLine, Discrepancy, StockCount
from vigil.controlled.inspections.models import Inspection, InspectionResult
from vigil.controlled.ledger.models import (
    Account,
    Balance,
    LedgerEntry,
    LedgerHead,
    StoreTotal,
)
from vigil.controlled.registry.models import (
    Licence,
    LicenceEvent,
    LicensedRecord,
    OrganisationProfile,
    Sector,
    Store,
)
from vigil.controlled.transfers.models import Transfer

__all__ = [
    "UNITS",
    "Account",
    "Balance",
    "Blast",
    "BlastLine",
    "ControlledAction",
    "CountLine",
    "Discrepancy",
    "Inspection",
    "InspectionResult",
    "Item",
    "ItemCategory",
    "ItemClass",
    "ItemQuerySet",
    "LedgerEntry",
    "LedgerHead",
    "Licence",
    "LicenceEvent",
    "LicensedRecord",
    "OrganisationProfile",
    "Sector",
    "StockCount",
    "Store",
    "StoreTotal",
    "Transfer",
    "shown",
    "unit_choices",
    "unit_label",
]


class ControlledAction(models.TextChoices):
    LICENCE_CREATED = "licence.created", _("Licence recorded")
    STORE_CREATED = "store.created", _("Store recorded")
    CAPACITY_SET = "store.capacity_set", _("Store capacity set")
    ITEM_CREATED = "item.created", _("Catalogue item added")
    MOVEMENT_POSTED = "movement.posted", _("Stock movement posted")
    MOVEMENT_REVERSED = "movement.reversed", _("Stock movement reversed")
    MOVEMENTS_POSTED = "movement.batch_posted", _("Batch of stock movements posted")
    ORGANISATION_CREATED = "organisation.created", _("Licensed organisation recorded")
    ORGANISATION_UPDATED = "organisation.updated", _("Licensed organisation changed")
    LICENCE_UPDATED = "licence.updated", _("Licence changed")
    LICENCE_STATUS_CHANGED = "licence.status_changed", _("Licence status changed")
    STORE_UPDATED = "store.updated", _("Store changed")
    INSPECTION_RECORDED = "inspection.recorded", _("Store inspection recorded")
    TRANSFER_DISPATCHED = "transfer.dispatched", _("Transfer to another organisation sent")
    TRANSFER_RECEIVED = "transfer.received", _("Transfer received")
    TRANSFER_CANCELLED = "transfer.cancelled", _("Transfer cancelled")
    BLAST_OPENED = "blast.opened", _("Explosives issued to a blast")
    BLAST_RESULTS_RECORDED = "blast.results_recorded", _("Blast results recorded")
    BLAST_CLOSED = "blast.closed", _("Blast closed")
    COUNT_RECORDED = "count.recorded", _("Stock count recorded")
    COUNT_SUBMITTED = "count.submitted", _("Stock count submitted")
    DISCREPANCY_RESOLVED = "discrepancy.resolved", _("Stock discrepancy resolved")
    LEDGER_ANCHORED = "ledger.anchored", _("Ledger head anchored in the audit chain")
