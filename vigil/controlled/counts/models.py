"""Stock counts (*kiểm kê*) and the discrepancies they find.

A count records what is physically in one store, per item and lot, with the
counters and witnesses (their names as text on the count: never person
records). Submitting it compares each line with the book balance; every
difference becomes a discrepancy: an entry into, or out of, the organisation's
*lost or under investigation* account (never a silent adjustment), an incident
through the situation app, and a system alert to the police of the store's
commune. Resolving a discrepancy posts the matching entries.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.controlled.catalogue.models import Item
from vigil.controlled.ledger.models import LedgerEntry
from vigil.controlled.registry.models import LicensedRecord, Store
from vigil.org.scope import OwnedQuerySet


class StockCount(LicensedRecord):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    store = models.ForeignKey(
        Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="counts"
    )
    counted_at = models.DateTimeField(_("time of the count"))
    counters = models.TextField(
        _("counted by"), help_text=_("Names and posts of the people who counted, as text.")
    )
    witnesses = models.TextField(
        _("witnesses"), blank=True, help_text=_("Names and posts of the witnesses, as text.")
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("recorded at"))
    created_by = models.CharField(_("recorded by"), max_length=200)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.CharField(_("submitted by"), max_length=200, blank=True)
    incident = models.ForeignKey(
        "situation.Incident",
        verbose_name=_("incident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    alert = models.ForeignKey(
        "situation.Alert",
        verbose_name=_("alert"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        ordering = ["-counted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", submitted_at__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False),
                name="controlled_count_submitted_at",
                violation_error_message=_("A submitted count says when it was submitted."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store} {self.counted_at:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("controlled:count_detail", args=[self.pk])


class CountLine(models.Model):
    """What was found of one item and lot (stored units); ``book`` is the balance
    the ledger showed when the count was submitted."""

    count = models.ForeignKey(StockCount, on_delete=models.PROTECT, related_name="lines")
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    lot = models.CharField(_("lot"), max_length=60, blank=True)
    counted = models.BigIntegerField(_("counted"))
    book = models.BigIntegerField(_("book balance"), null=True, blank=True)

    class Meta:
        verbose_name = _("count line")
        verbose_name_plural = _("count lines")
        ordering = ["count", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["count", "item", "lot"],
                name="controlled_countline_unique",
                violation_error_message=_("This count already lists this item and lot."),
            ),
            models.CheckConstraint(
                condition=Q(counted__gte=0),
                name="controlled_countline_not_negative",
                violation_error_message=_("A counted quantity cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count}: {self.item} {self.counted}"


class Discrepancy(LicensedRecord):
    """One difference a count found between the store and its books."""

    class Direction(models.TextChoices):
        SHORTAGE = "shortage", _("Shortage")
        SURPLUS = "surplus", _("Surplus")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FOUND = "found", _("Found")
        RECOUNTED = "recounted", _("Recounted: the count was wrong")
        CONFIRMED_LOST = "confirmed_lost", _("Confirmed lost")

    count = models.ForeignKey(
        StockCount, verbose_name=_("count"), on_delete=models.PROTECT,
        related_name="discrepancies",
    )  # fmt: skip
    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT,
                              related_name="+")  # fmt: skip
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    lot = models.CharField(_("lot"), max_length=60, blank=True)
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    quantity = models.BigIntegerField(_("quantity"))
    entry = models.ForeignKey(
        LedgerEntry, verbose_name=_("discrepancy entry"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.CharField(_("resolved by"), max_length=200, blank=True)
    resolution_note = models.TextField(_("resolution"), blank=True)
    resolution_entry = models.ForeignKey(
        LedgerEntry, verbose_name=_("resolving entry"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")
        ordering = ["-count__counted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["count", "item", "lot"],
                name="controlled_discrepancy_unique",
                violation_error_message=_("This count already has a discrepancy for this item."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="controlled_discrepancy_positive",
                violation_error_message=_("A discrepancy is a quantity greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True)
                | (~Q(status="open") & Q(resolved_at__isnull=False)),
                name="controlled_discrepancy_resolved_at",
                violation_error_message=_("A resolved discrepancy says when it was resolved."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store}: {self.get_direction_display()} {self.item}"

    def get_absolute_url(self) -> str:
        return reverse("controlled:count_detail", args=[self.count_id]) + f"#d{self.pk}"
