"""Platform tables: the audit chain and the administrative units."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.core.search import fold


class AppendOnly(models.Model):
    """Rows of a concrete subclass are never updated or deleted.

    The database enforces it: ``core.triggers`` installs refusing triggers on
    every concrete subclass's table.
    """

    class Meta:
        abstract = True


class AuditHead(models.Model):
    """The one-row head of the audit chain, locked by every append.

    Keeping the last sequence number and hash here makes a truncated tail
    visible: the head says more than the table holds.
    """

    # Updated by every append, never deleted: `vigil grants` gives no DELETE on it.
    never_deleted = True

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(_("last sequence number"), default=0)
    hash = models.CharField(_("last hash"), max_length=64, default="")

    class Meta:
        verbose_name = _("audit chain head")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1),
                name="core_audithead_single_row",
                violation_error_message=_("The audit chain has exactly one head."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


class AuditEvent(AppendOnly):
    """One audited action, hash-chained to the one before it."""

    seq = models.BigIntegerField(_("sequence number"), primary_key=True)
    at = models.DateTimeField(_("time"))
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=200)
    role = models.CharField(_("role"), max_length=40, blank=True)
    agency_id = models.BigIntegerField(_("agency id"), null=True, blank=True)
    agency_label = models.CharField(_("agency"), max_length=300, blank=True)
    committee_id = models.BigIntegerField(_("committee id"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    classification = models.PositiveSmallIntegerField(_("classification"), default=0)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    canonical = models.TextField(_("canonical text"))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx"),
            models.Index(fields=["committee_id", "seq"], name="core_audit_committee_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AdminUnit(models.Model):
    """A province or commune-level unit (the two-level structure of 1 July 2025).

    Imported from ``vietnam-provinces`` and then kept as editable data: names
    and types change by resolution, not by release of a package.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        MUNICIPALITY = "municipality", _("Centrally run city")
        WARD = "ward", _("Ward")
        COMMUNE = "commune", _("Commune")
        SPECIAL_ZONE = "special_zone", _("Special zone")

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class NumberingSetting(models.Model):
    """A committee's choice: one number series per document type, or one shared series.

    Keyed by the committee's id (core knows no committees); a committee without
    a row keeps one series per document type.
    """

    committee_id = models.BigIntegerField(_("committee id"), unique=True)
    per_type = models.BooleanField(
        _("separate series per document type"),
        default=True,
        help_text=_("Off: every document type takes its number from one shared series."),
    )

    class Meta:
        verbose_name = _("numbering setting")
        verbose_name_plural = _("numbering settings")
        ordering = ["committee_id"]

    def __str__(self) -> str:
        return f"{self.committee_id}: {'per type' if self.per_type else 'shared'}"


class NumberRegister(models.Model):
    """A document number series (sổ đăng ký văn bản) of one issuer for one year.

    ``doc_type`` is empty for a series shared by every type. ``last_number``
    is the counter, locked by every issue so two issuers never get one number.
    """

    committee_id = models.BigIntegerField(_("committee id"))
    issuer_code = models.CharField(_("issuer abbreviation"), max_length=30, help_text=_("e.g. BCĐ"))
    year = models.PositiveSmallIntegerField(_("year"))
    doc_type = models.CharField(_("document type"), max_length=10, blank=True)
    last_number = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("number register")
        verbose_name_plural = _("number registers")
        ordering = ["committee_id", "-year", "doc_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee_id", "year", "doc_type"],
                name="core_numberregister_unique",
                violation_error_message=_("This committee already has this register for the year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer_code} {self.year} {self.doc_type or '*'}"


class IssuedNumber(AppendOnly):
    """One number taken from a register: never updated, deleted or given again."""

    register = models.ForeignKey(
        NumberRegister,
        verbose_name=_("register"),
        on_delete=models.PROTECT,
        related_name="numbers",
    )
    number = models.PositiveIntegerField(_("number"))
    doc_type = models.CharField(_("document type"), max_length=10)
    symbol = models.CharField(_("number and symbol"), max_length=80)
    issued_at = models.DateTimeField(_("issued at"))
    external = models.BooleanField(
        _("numbered outside Vigil"), default=False, help_text=_("A number given on paper.")
    )
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    actor_label = models.CharField(_("issued by"), max_length=200)

    class Meta:
        verbose_name = _("issued number")
        verbose_name_plural = _("issued numbers")
        ordering = ["register", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "number"],
                name="core_issuednumber_unique",
                violation_error_message=_("This number has already been used in this register."),
            )
        ]

    def __str__(self) -> str:
        return self.symbol


class Attachment(models.Model):
    """A file attached to any object, stored under a name the server chose.

    The parent is found through its content type; whoever may not see the
    parent may not see the file. ``committee_id`` copies the parent's owning
    committee so audit events about the file reach that committee's auditors.
    """

    parent_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("parent type"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    parent_id = models.BigIntegerField(_("parent id"))
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=10)
    content_type = models.CharField(_("media type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    stored_name = models.CharField(max_length=100, unique=True, editable=False)
    classification = models.PositiveSmallIntegerField(_("classification"), default=0)
    committee_id = models.BigIntegerField(_("committee id"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by_id = models.BigIntegerField(_("uploaded by (id)"), null=True, blank=True)
    uploaded_by_label = models.CharField(_("uploaded by"), max_length=200)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["parent_type", "parent_id", "uploaded_at", "pk"]
        indexes = [
            models.Index(fields=["parent_type", "parent_id"], name="core_attachment_parent_idx")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owning_committee_id(self) -> int | None:
        """What the audit reads to file events under the parent's committee."""
        return self.committee_id


class VerificationRun(AppendOnly):
    """The result of one verification of a hash chain (the audit chain, the ledger ...).

    Not itself an audit event: appending one would move the head it reports.
    """

    at = models.DateTimeField(_("time"))
    verifier = models.CharField(_("chain"), max_length=40)
    ok = models.BooleanField(_("intact"))
    checked = models.BigIntegerField(_("entries checked"), default=0)
    head = models.CharField(_("head"), max_length=100, blank=True)
    broken_at = models.BigIntegerField(_("first broken entry"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor_label = models.CharField(_("run by"), max_length=200)

    class Meta:
        verbose_name = _("verification run")
        verbose_name_plural = _("verification runs")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.verifier} {self.at:%Y-%m-%d %H:%M} {'OK' if self.ok else 'BROKEN'}"


class Holiday(models.Model):
    """A day off (public holiday, Tết, substituted day) or a declared make-up working day.

    Seeded from the ``holidays`` package, then maintained by the administrator:
    the government declares substitutions and make-up Saturdays (*ngày làm bù*)
    each year, and this table, not the package, is what deadlines count on.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Day off")
        MAKEUP_WORKDAY = "makeup_workday", _("Make-up working day")

    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.HOLIDAY)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                name="core_holiday_date_unique",
                violation_error_message=_("This date is already in the holiday table."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class SweepState(models.Model):
    """When a registered sweep may run next; claimed by compare-and-swap.

    Several worker processes share this row: the one whose UPDATE moves
    ``next_run_at`` forward runs the sweep, the others skip it.
    """

    name = models.CharField(_("name"), max_length=100, primary_key=True)
    next_run_at = models.DateTimeField(_("next run"))
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("sweep state")
        verbose_name_plural = _("sweep states")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
