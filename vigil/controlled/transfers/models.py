"""Transfers of stock to another organisation's store."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.controlled.catalogue.models import Item
from vigil.controlled.ledger.models import LedgerEntry
from vigil.controlled.registry.models import LicensedRecord, Store
from vigil.org.scope import OwnedQuerySet


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
                fields=["owning_agency", "idempotency_key"],
                name="controlled_transfer_key_unique",
                violation_error_message=_(
                    "This idempotency key was already used for a transfer by this organisation."
                ),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="controlled_transfer_positive",
                violation_error_message=_("The quantity must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=~Q(from_store=F("to_store")),
                name="controlled_transfer_two_stores",
                violation_error_message=_("A transfer goes from one store to another."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_store} → {self.to_store}: {self.item}"

    def get_absolute_url(self) -> str:
        return reverse("controlled:transfer_detail", args=[self.pk])
