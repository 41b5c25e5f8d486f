"""Weapons, explosives and support tools: the registry and the stock ledger.

Quantities are integers of the item's smallest unit (grams, pieces,
centimetres). A licensed organisation's records are owned by the committee of
the province its store lies in, owned by the organisation itself, and shared
with the agency that licensed it (``licensing_agency``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from vigil.core.classification import Classification
from vigil.core.models import AppendOnly
from vigil.org.scope import OwnedQuerySet


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


class ItemClass(models.TextChoices):
    EXPLOSIVE = "explosive", _("Explosive")
    DETONATOR = "detonator", _("Detonator")
    CORD = "cord", _("Detonating cord or fuse")
    WEAPON = "weapon", _("Weapon")
    SUPPORT_TOOL = "support_tool", _("Support tool")


# class -> (stored unit, shown unit, stored units per shown unit)
UNITS: dict[str, tuple[str, str, int]] = {
    ItemClass.EXPLOSIVE: ("g", "kg", 1000),
    ItemClass.DETONATOR: ("pcs", "pcs", 1),
    ItemClass.CORD: ("cm", "m", 100),
    ItemClass.WEAPON: ("pcs", "pcs", 1),
    ItemClass.SUPPORT_TOOL: ("pcs", "pcs", 1),
}


def unit_label(unit: str) -> str:
    """How a unit code reads: g, kg, cm and m are the same everywhere; a count of
    pieces is "cái" in Vietnamese, never the code "pcs"."""
    return pgettext("unit", "pcs") if unit == "pcs" else unit


def unit_choices() -> list[tuple[str, str]]:
    """Every unit a quantity may be typed in, for a form's select."""
    return sorted({(u, unit_label(u)) for b, s, _f in UNITS.values() for u in (b, s)})


def shown(item_class: str, quantity: int) -> str:
    """A stored quantity in the unit people use: 12500 g -> "12,5 kg"."""
    _base, unit, factor = UNITS[item_class]
    value = Decimal(quantity) / factor
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text} {unit_label(unit)}"


class ItemQuerySet(models.QuerySet["Item"]):
    def visible_to(self, user: Any) -> ItemQuerySet:
        """The catalogue is reference data: every signed-in user reads it."""
        return self.all() if getattr(user, "is_authenticated", False) else self.none()


class Item(models.Model):
    """A kind of explosive, detonator, cord, weapon or support tool."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    item_class = models.CharField(_("class"), max_length=20, choices=ItemClass.choices)
    maker = models.CharField(_("maker"), max_length=200, blank=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        ordering = ["item_class", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def base_unit(self) -> str:
        return UNITS[self.item_class][0]

    @property
    def unit(self) -> str:
        return UNITS[self.item_class][1]


class LicensedRecord(models.Model):
    """Owned by the province's committee and the organisation, shared with its licenser."""

    owning_committee = models.ForeignKey(
        "org.Committee",
        verbose_name=_("owning committee"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    owning_agency = models.ForeignKey(
        "org.Agency", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    licensing_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("licensing agency"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.UNCLASSIFIED
    )

    scope_agency_fields: ClassVar[tuple[str, ...]] = ("licensing_agency",)
    scope_committee_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True


class Licence(LicensedRecord):
    class Kind(models.TextChoices):
        USE = "use", _("Use")
        TRADE = "trade", _("Trade")
        STORAGE = "storage", _("Storage")
        TRANSPORT = "transport", _("Transport")

    class Status(models.TextChoices):
        ACTIVE = "active", _("In force")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    number = models.CharField(_("licence number"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    item_classes = models.JSONField(_("permitted item classes"), default=list)
    stores: models.ManyToManyField[Store, Any] = models.ManyToManyField(
        "Store",
        verbose_name=_("permitted stores"),
        blank=True,
        related_name="licences",
        help_text=_("None: every store of the organisation."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["valid_to", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["licensing_agency", "number"], name="controlled_licence_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")),
                name="controlled_licence_period",
                violation_error_message=_("The licence ends before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("controlled:licence_detail", args=[self.pk])

    def in_force_on(self, day: dt.date) -> bool:
        return self.status == self.Status.ACTIVE and self.valid_from <= day <= self.valid_to


class Store(LicensedRecord):
    """A store (kho) of a licensed organisation."""

    class Kind(models.TextChoices):
        PERMANENT = "permanent", _("Permanent")
        TEMPORARY = "temporary", _("Temporary")
        MOBILE = "mobile", _("Mobile")

    name = models.CharField(_("name"), max_length=200)
    admin_unit = models.ForeignKey(
        "core.AdminUnit",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("controlled:store_detail", args=[self.pk])


class StoreTotal(models.Model):
    """What a store holds of one item class, against its capacity."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="totals")
    item_class = models.CharField(_("class"), max_length=20, choices=ItemClass.choices)
    quantity = models.BigIntegerField(_("quantity"), default=0)
    capacity = models.BigIntegerField(_("capacity"), default=0)

    class Meta:
        verbose_name = _("store total")
        verbose_name_plural = _("store totals")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "item_class"], name="controlled_storetotal_unique"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="controlled_storetotal_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(quantity__lte=F("capacity")),
                name="controlled_storetotal_within_capacity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store}: {self.item_class} {self.quantity}/{self.capacity}"


class Account(models.Model):
    """One side of a movement: a store, or an account outside every store."""

    class Kind(models.TextChoices):
        STORE = "store", _("Store")
        SUPPLIER = "supplier", _("Supplier")
        CONSUMPTION = "consumption", _("Used in blasting")
        DESTRUCTION = "destruction", _("Destroyed")
        IN_TRANSIT = "in_transit", _("In transit")
        LOST = "lost", _("Lost or under investigation")

    organisation = models.ForeignKey(
        "org.Agency", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    store = models.OneToOneField(
        Store, on_delete=models.PROTECT, null=True, blank=True, related_name="account"
    )

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="store") & Q(store__isnull=False))
                | (~Q(kind="store") & Q(store__isnull=True)),
                name="controlled_account_store_kind",
            ),
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                condition=Q(store__isnull=True),
                name="controlled_account_external_unique",
            ),
        ]

    def __str__(self) -> str:
        return str(self.store) if self.store_id else str(self.get_kind_display())


class LedgerHead(models.Model):
    """One organisation's chain head, locked by every append to that chain."""

    never_deleted = True

    organisation = models.OneToOneField(
        "org.Agency", on_delete=models.PROTECT, related_name="+", primary_key=True
    )
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"{self.organisation_id}:{self.seq}:{self.hash}"


class LedgerEntry(AppendOnly, LicensedRecord):
    """One movement of a positive quantity of one item (and lot) between two accounts."""

    seq = models.BigIntegerField(_("sequence number"))
    at = models.DateTimeField(_("time"))
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    lot = models.CharField(_("lot"), max_length=60, blank=True)
    quantity = models.BigIntegerField(_("quantity"))
    from_account = models.ForeignKey(
        Account, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    to_account = models.ForeignKey(
        Account, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100)
    document_ref = models.CharField(_("document"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=200)
    reverses = models.ForeignKey(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    canonical = models.TextField(_("canonical text"))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        ordering = ["-at", "-pk"]
        # The history's date filters (bench/bench_ledger_pages.py, 1,000,000 entries).
        indexes = [models.Index(fields=["at"], name="controlled_entry_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["owning_agency", "seq"], name="controlled_entry_seq_unique"
            ),
            models.UniqueConstraint(
                fields=["owning_agency", "idempotency_key"], name="controlled_entry_key_unique"
            ),
            models.UniqueConstraint(
                fields=["reverses"],
                condition=Q(reverses__isnull=False),
                name="controlled_entry_reversed_once",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="controlled_entry_positive"),
            models.CheckConstraint(
                condition=~Q(from_account=F("to_account")), name="controlled_entry_two_accounts"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.item} {shown(self.item.item_class, self.quantity)}"


class Balance(LicensedRecord):
    """The projection: what one store holds of one item and lot."""

    store = models.ForeignKey(
        Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="balances"
    )
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    lot = models.CharField(_("lot"), max_length=60, blank=True)
    quantity = models.BigIntegerField(_("quantity"), default=0)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("balance")
        verbose_name_plural = _("balances")
        ordering = ["store", "item", "lot"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "item", "lot"], name="controlled_balance_unique"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="controlled_balance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store}: {self.item} {shown(self.item.item_class, self.quantity)}"


# --- The registry: organisations, licence history, inspections, transfers


class Sector(models.TextChoices):
    COAL_MINING = "coal_mining", _("Coal mining")
    QUARRYING = "quarrying", _("Quarrying")
    CONSTRUCTION = "construction", _("Construction")
    TRADE = "trade", _("Trade in explosives")
    SECURITY = "security", _("Security services")
    OTHER = "other", _("Other")


class OrganisationProfile(LicensedRecord):
    """The registry's record of a licensed organisation (an agency of that kind).

    Name, tax code and commune live on the agency; the sector and parent group
    here. Its primary key is the agency's, so an organisation has one id everywhere.
    """

    organisation = models.OneToOneField(
        "org.Agency",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="registry_profile",
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    parent_group = models.CharField(_("parent group"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("licensed organisation")
        verbose_name_plural = _("licensed organisations")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return str(self.organisation)

    def get_absolute_url(self) -> str:
        return reverse("controlled:organisation_detail", args=[self.pk])


class LicenceEvent(models.Model):
    """One step of a licence's history: recorded, changed, suspended, revoked, expired."""

    licence = models.ForeignKey(
        Licence, verbose_name=_("licence"), on_delete=models.PROTECT, related_name="events"
    )
    at = models.DateTimeField(_("time"))
    status_from = models.CharField(
        _("from status"), max_length=20, choices=Licence.Status.choices, blank=True
    )
    status_to = models.CharField(_("to status"), max_length=20, choices=Licence.Status.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    actor_label = models.CharField(_("by"), max_length=200)

    class Meta:
        verbose_name = _("licence event")
        verbose_name_plural = _("licence events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.licence}: {self.status_from} -> {self.status_to}"


class InspectionResult(models.TextChoices):
    SATISFACTORY = "satisfactory", _("Satisfactory")
    DEFICIENCIES = "deficiencies", _("Deficiencies found")
    SUSPENDED = "suspended", _("Store suspended")


class Inspection(LicensedRecord):
    """An inspection of a store: who inspected, what they found, when the next is due."""

    store = models.ForeignKey(
        Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="inspections"
    )
    date = models.DateField(_("inspection date"))
    inspecting_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("inspecting agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.CharField(_("result"), max_length=20, choices=InspectionResult.choices)
    findings = models.TextField(_("findings"), blank=True)
    next_due = models.DateField(_("next inspection due"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.CharField(_("recorded by"), max_length=200)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("store inspection")
        verbose_name_plural = _("store inspections")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_due__isnull=True) | Q(next_due__gt=F("date")),
                name="controlled_inspection_next_after",
                violation_error_message=_("The next inspection must fall after this one."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store} {self.date:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("controlled:inspection_detail", args=[self.pk])


class Transfer(LicensedRecord):
    """Stock sent to another organisation's store.

    The sender's entry moves it from its store to its own *in transit* account;
    the receiver's entry, when it confirms, from its own *in transit* account to
    its store. Each entry is in its own organisation's chain; the in-transit
    accounts of all organisations together hold exactly what is on the road.
    """

    class Status(models.TextChoices):
        IN_TRANSIT = "in_transit", _("In transit")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    from_store = models.ForeignKey(
        Store, verbose_name=_("from store"), on_delete=models.PROTECT, related_name="+"
    )
    to_store = models.ForeignKey(
        Store, verbose_name=_("to store"), on_delete=models.PROTECT, related_name="+"
    )
    receiving_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("receiving organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    receiving_licensing_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("receiver's licensing agency"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    lot = models.CharField(_("lot"), max_length=60, blank=True)
    quantity = models.BigIntegerField(_("quantity"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_TRANSIT
    )
    document_ref = models.CharField(_("document"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100)
    sent_at = models.DateTimeField(_("sent at"))
    closed_at = models.DateTimeField(_("received or cancelled at"), null=True, blank=True)
    dispatch_entry = models.OneToOneField(
        LedgerEntry, verbose_name=_("dispatch entry"), on_delete=models.PROTECT, related_name="+"
    )
    closing_entry = models.OneToOneField(
        LedgerEntry,
        verbose_name=_("receipt or return entry"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    scope_agency_fields: ClassVar[tuple[str, ...]] = (
        "licensing_agency", "receiving_agency", "receiving_licensing_agency",
    )  # fmt: skip
    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owning_agency", "idempotency_key"], name="controlled_transfer_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="controlled_transfer_positive"
            ),
            models.CheckConstraint(
                condition=~Q(from_store=F("to_store")), name="controlled_transfer_two_stores"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_store} → {self.to_store}: {self.item}"

    def get_absolute_url(self) -> str:
        return reverse("controlled:transfer_detail", args=[self.pk])
