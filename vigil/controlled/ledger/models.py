"""The stock ledger: accounts, the append-only entries in one hash chain per
organisation (with its head), and the projections (balances, store totals)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from vigil.controlled.catalogue.models import Item, ItemClass, shown
from vigil.controlled.registry.models import LicensedRecord, Store
from vigil.core.models import AppendOnly
from vigil.org.scope import OwnedQuerySet


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
                fields=["store", "item_class"],
                name="controlled_storetotal_unique",
                violation_error_message=_("This store already has a total for this item class."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="controlled_storetotal_not_negative",
                violation_error_message=_(
                    "A store cannot hold less than nothing of an item class."
                ),
            ),
            models.CheckConstraint(
                condition=Q(quantity__lte=F("capacity")),
                name="controlled_storetotal_within_capacity",
                violation_error_message=_("A store cannot hold more than its capacity."),
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
        AT_FACE = "at_face", _("Issued to a blasting face")

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
                violation_error_message=_(
                    "A store's account names its store; an outside account names none."
                ),
            ),
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                condition=Q(store__isnull=True),
                name="controlled_account_external_unique",
                violation_error_message=_(
                    "The organisation already has an outside account of this kind."
                ),
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
        indexes = [
            models.Index(fields=["at"], name="controlled_entry_at"),
            # Period figures (figures/queries.py, bench/bench_ledger_figures.py): the
            # sums by pair of accounts and item read from this index alone, in order.
            models.Index(
                fields=[
                    "from_account", "to_account", "item", "at", "reverses", "quantity",
                    "classification", "owning_committee", "owning_agency", "licensing_agency",
                ],
                name="controlled_entry_figures",
            ),
        ]  # fmt: skip
        constraints = [
            models.UniqueConstraint(
                fields=["owning_agency", "seq"],
                name="controlled_entry_seq_unique",
                violation_error_message=_(
                    "This organisation's ledger already has an entry with this number."
                ),
            ),
            models.UniqueConstraint(
                fields=["owning_agency", "idempotency_key"],
                name="controlled_entry_key_unique",
                violation_error_message=_(
                    "This idempotency key was already used by this organisation."
                ),
            ),
            models.UniqueConstraint(
                fields=["reverses"],
                condition=Q(reverses__isnull=False),
                name="controlled_entry_reversed_once",
                violation_error_message=_("This movement has already been reversed."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="controlled_entry_positive",
                violation_error_message=_("The quantity must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=~Q(from_account=F("to_account")),
                name="controlled_entry_two_accounts",
                violation_error_message=_("A movement goes from one account to another."),
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
                fields=["store", "item", "lot"],
                name="controlled_balance_unique",
                violation_error_message=_(
                    "This store already has a balance for this item and lot."
                ),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="controlled_balance_not_negative",
                violation_error_message=_("A store cannot hold less than nothing of an item."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store}: {self.item} {shown(self.item.item_class, self.quantity)}"
