"""The registry: licensed organisations, their licences (with a timeline) and stores.

A licensed organisation's records are owned by the committee of the province
its store lies in, owned by the organisation itself, and shared with the agency
that licensed it (``licensing_agency``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.core.classification import Classification
from vigil.org.scope import OwnedQuerySet


class LicensedRecord(models.Model):
    """Owned by the province's committee and the organisation, shared with its licenser.

    Seen through the one scope rule, ``OwnedQuerySet.visible_to`` (``org/scope.py``),
    not a rule of its own: the province committee's subtree, the organisation's
    own people, and the licensing agency named in ``scope_agency_fields``. It
    differs from ``Owned`` only in what it stores: no share lists (a licensed
    record is shared with exactly its licenser, a foreign key), and the owning
    agency is the organisation, which belongs to no committee.
    """

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
    """A licence an agency issued to an organisation: to use, trade, store or transport
    the item classes it lists, in the stores it lists (none: every store of the
    organisation), from ``valid_from`` to ``valid_to``.

    Only a licence in force (``in_force_on``) lets a movement touch a store; its
    status changes (suspended, revoked, expired) are written on its timeline
    (``LicenceEvent``) with the reason.
    """

    class Kind(models.TextChoices):
        USE = "use", _("Use")
        TRADE = "trade", _("Trade")
        STORAGE = "storage", _("Storage")
        TRANSPORT = "transport", _("Transport")
        # Weapons and support tools: the police licence to equip an agency, a
        # security company or a club with them (giấy phép trang bị).
        EQUIP = "equip", _("Equip")

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
                fields=["licensing_agency", "number"],
                name="controlled_licence_number_unique",
                violation_error_message=_("This licence number is already recorded."),
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


class Sector(models.TextChoices):
    COAL_MINING = "coal_mining", _("Coal mining")
    QUARRYING = "quarrying", _("Quarrying")
    CONSTRUCTION = "construction", _("Construction")
    TRADE = "trade", _("Trade in explosives")
    SECURITY = "security", _("Security services")
    CLUB = "club", _("Sports or hunting club")
    STATE_AGENCY = "state_agency", _("State agency or unit")
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
