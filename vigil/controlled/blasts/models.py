"""Blasts (*hộ chiếu nổ mìn*): explosives issued from a store to a blasting face,
then used or returned.

Issuing posts store → the organisation's *issued to a blasting face* account;
closing posts, in one transaction, that account → *used in blasting* (what was
used) and back → the store (what was returned). A blast closes only when every
line balances: issued = used + returned.
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


class Blast(LicensedRecord):
    """One blasting passport: where, when, who is in charge, and its lines."""

    class Status(models.TextChoices):
        OPEN = "open", _("Issued, not closed")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("blasting passport number"), max_length=60)
    store = models.ForeignKey(
        Store, verbose_name=_("issuing store"), on_delete=models.PROTECT, related_name="blasts"
    )
    site_name = models.CharField(
        _("blasting site"),
        max_length=200,
        help_text=_("The mine face or construction site, e.g. Face +125, seam 7."),
    )
    key_site = models.ForeignKey(
        "sites.KeySite",
        verbose_name=_("key site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    admin_unit = models.ForeignKey(
        "core.AdminUnit",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    fired_at = models.DateTimeField(_("time of the blast"))
    person_in_charge = models.ForeignKey(
        "org.ContactPoint",
        verbose_name=_("person in charge"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("A contact point of the organisation (the blasting commander)."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    note = models.TextField(_("note"), blank=True)
    opened_at = models.DateTimeField(_("issued at"))
    opened_by = models.CharField(_("issued by"), max_length=200)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.CharField(_("closed by"), max_length=200, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("blast")
        verbose_name_plural = _("blasts")
        ordering = ["-fired_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owning_agency", "number"],
                name="controlled_blast_number_unique",
                violation_error_message=_(
                    "This organisation already has a blast with this passport number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="controlled_blast_closed_at",
                violation_error_message=_("A closed blast says when it was closed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.site_name}"

    def get_absolute_url(self) -> str:
        return reverse("controlled:blast_detail", args=[self.pk])


class BlastLine(models.Model):
    """One item and lot of a blast: issued, then used and returned (stored units)."""

    blast = models.ForeignKey(Blast, on_delete=models.PROTECT, related_name="lines")
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    lot = models.CharField(_("lot"), max_length=60, blank=True)
    issued = models.BigIntegerField(_("issued"))
    used = models.BigIntegerField(_("used"), null=True, blank=True)
    returned = models.BigIntegerField(_("returned"), null=True, blank=True)
    issue_entry = models.ForeignKey(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    use_entry = models.ForeignKey(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_entry = models.ForeignKey(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("blast line")
        verbose_name_plural = _("blast lines")
        ordering = ["blast", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["blast", "item", "lot"],
                name="controlled_blastline_unique",
                violation_error_message=_("This blast already lists this item and lot."),
            ),
            models.CheckConstraint(
                condition=Q(issued__gt=0),
                name="controlled_blastline_issued_positive",
                violation_error_message=_("The quantity issued must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=(Q(used__isnull=True) | Q(used__gte=0))
                & (Q(returned__isnull=True) | Q(returned__gte=0)),
                name="controlled_blastline_not_negative",
                violation_error_message=_("Quantities used and returned cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blast}: {self.item} {self.issued}"

    @property
    def accounted(self) -> int:
        return (self.used or 0) + (self.returned or 0)

    @property
    def balanced(self) -> bool:
        """Every unit issued is either used or returned."""
        return (
            self.used is not None and self.returned is not None and (self.accounted == self.issued)
        )

    @property
    def difference(self) -> int:
        """Issued less what is accounted for (positive: missing)."""
        return self.issued - self.accounted
