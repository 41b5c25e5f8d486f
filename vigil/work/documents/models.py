"""Documents the committee issues and receives: numbered, signed, with points that
become tasks.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.core.numbering import DocType
from vigil.org.scope import Owned, OwnedQuerySet

# The type's name as printed on the document (Decree 30, Appendix III).
TYPE_NAMES: dict[str, str] = {
    DocType.NGHI_QUYET: "Nghị quyết",
    DocType.QUYET_DINH: "Quyết định",
    DocType.CHI_THI: "Chỉ thị",
    DocType.QUY_CHE: "Quy chế",
    DocType.THONG_BAO: "Thông báo",
    DocType.HUONG_DAN: "Hướng dẫn",
    DocType.CHUONG_TRINH: "Chương trình",
    DocType.KE_HOACH: "Kế hoạch",
    DocType.PHUONG_AN: "Phương án",
    DocType.BAO_CAO: "Báo cáo",
    DocType.BIEN_BAN: "Biên bản",
    DocType.TO_TRINH: "Tờ trình",
    DocType.CONG_DIEN: "Công điện",
    DocType.GIAY_MOI: "Giấy mời",
    DocType.CONG_VAN: "",  # a công văn prints no type name, its subject as "V/v …"
}


class SigningForm(models.TextChoices):
    """Box 7a of Decree 30: how the signer signs."""

    DIRECT = "", _("In own name")
    TM = "TM.", _("TM. (on behalf of the committee)")
    KT = "KT.", _("KT. (signing for the head)")
    Q = "Q.", _("Q. (acting)")
    TL = "TL.", _("TL. (by order)")


class Urgency(models.TextChoices):
    NORMAL = "", _("Normal")
    KHAN = "KHẨN", _("Urgent (Khẩn)")
    THUONG_KHAN = "THƯỢNG KHẨN", _("Very urgent (Thượng khẩn)")
    HOA_TOC = "HỎA TỐC", _("Immediate (Hỏa tốc)")


class IssuedDocument(Owned):
    """A document the committee issued: numbered in its register, signed, with points."""

    doc_type = models.CharField(_("document type"), max_length=5, choices=DocType.choices)
    number = models.PositiveIntegerField(_("number"))
    symbol = models.CharField(_("number and symbol"), max_length=60)
    external_number = models.BooleanField(_("number given on paper"), default=False)
    issue_date = models.DateField(_("date of issue"))
    place = models.CharField(_("place"), max_length=100)
    signing_post = models.ForeignKey(
        "org.Post",
        verbose_name=_("signing post"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The post the document is signed for, e.g. the head."),
    )
    signer = models.ForeignKey(
        "org.PostHolder", verbose_name=_("signer"), on_delete=models.PROTECT, related_name="+"
    )
    signing_form = models.CharField(
        _("signing form"), max_length=4, choices=SigningForm.choices, blank=True
    )
    subject = models.CharField(_("subject"), max_length=500)
    body = models.TextField(_("body"), blank=True)
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices, blank=True)
    recipients = models.ManyToManyField(
        "org.Agency", verbose_name=_("sent to"), blank=True, related_name="+"
    )
    # Of the recipients, those printed under "Kính gửi:" (Decree 30, box 9a); the
    # others are listed under "Nơi nhận:" only. Free-text lines cover organs
    # outside the directory.
    addressees = models.ManyToManyField(
        "org.Agency", verbose_name=_("addressed to (Kính gửi)"), blank=True, related_name="+"
    )
    addressees_other = models.TextField(
        _("other addressees"), blank=True, help_text=_("Outside the directory, one per line.")
    )
    recipients_other = models.TextField(
        _("other recipients"), blank=True, help_text=_("Outside the directory, one per line.")
    )
    drafting_unit = models.CharField(
        _("drafting unit"),
        max_length=20,
        blank=True,
        help_text=_(
            "Abbreviation of the unit that drafted it, e.g. VPTT: part of a công văn's "
            "number and of “Lưu: VT, VPTT.”"
        ),
    )
    authority = models.CharField(
        _("deciding authority"),
        max_length=300,
        blank=True,
        help_text=_("A decision's authority line; by default the signing post and the committee."),
    )
    legal_bases = models.TextField(
        _("legal bases"), blank=True, help_text=_("A decision's “Căn cứ …” lines, one per line.")
    )
    issued_at = models.DateTimeField(_("recorded at"))
    issued_by_label = models.CharField(_("recorded by"), max_length=200)

    objects = OwnedQuerySet.as_manager()
    scope_agency_fields: ClassVar[tuple[str, ...]] = ("shared_agencies", "recipients")

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issue_date", "-pk"]
        # No unique symbol: numbers start again each year ("01/CT-BCĐ" of 2026 and of
        # 2027); the committee's register (per type and year) gives each number once.

    def __str__(self) -> str:
        return f"{self.symbol} — {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("work:document_detail", args=[self.pk])

    @property
    def type_name(self) -> str:
        return TYPE_NAMES.get(self.doc_type, "")


class DocumentPoint(models.Model):
    """One numbered point of an issued document; each can become tasks."""

    document = models.ForeignKey(
        IssuedDocument, verbose_name=_("document"), on_delete=models.PROTECT, related_name="points"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("document point")
        verbose_name_plural = _("document points")
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "order"],
                name="work_point_order_unique",
                violation_error_message=_("Two points of a document cannot have the same number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:80]}"


class IncomingDocument(Owned):
    """A document received (from the level above or a member), registered and handled."""

    issuer = models.ForeignKey(
        "org.Agency",
        verbose_name=_("issuer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issuer_name = models.CharField(_("issuer as named"), max_length=300)
    issuer_code = models.CharField(
        _("issuer's electronic identifier code"), max_length=40, blank=True
    )
    issuer_unknown = models.BooleanField(
        _("issuer not in the directory"),
        default=False,
        help_text=_("Kept as named in the document; an officer should check it."),
    )
    number = models.CharField(_("number"), max_length=20)
    notation = models.CharField(_("symbol"), max_length=60, blank=True)
    type_name = models.CharField(_("document type"), max_length=60, blank=True)
    doc_date = models.DateField(_("date of the document"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=500)
    content = models.TextField(_("content"), blank=True)
    signer_name = models.CharField(_("signer"), max_length=200, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    handler = models.ForeignKey(
        "org.Agency",
        verbose_name=_("assigned for handling to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("registered at"))
    registered_by_label = models.CharField(_("registered by"), max_length=200)
    from_edxml = models.BooleanField(_("imported from an edXML package"), default=False)
    # What the edXML header said, kept as sent (QCVN 102).
    document_id = models.CharField(_("document identifier"), max_length=200, blank=True)
    addressed_to = models.TextField(
        _("addressed to"), blank=True, help_text=_("The package's To organs, one per line.")
    )
    type_code = models.CharField(_("type code"), max_length=20, blank=True)
    type_detail = models.CharField(_("type detail"), max_length=20, blank=True)
    organization_in_charge = models.CharField(
        _("organisation in charge"), max_length=300, blank=True
    )
    not_addressed = models.BooleanField(
        _("not addressed to this committee"), default=False,
        help_text=_("The package names To organs and this committee is not among them."),
    )  # fmt: skip

    objects = OwnedQuerySet.as_manager()
    scope_agency_fields: ClassVar[tuple[str, ...]] = ("shared_agencies", "handler")

    class Meta:
        verbose_name = _("incoming document")
        verbose_name_plural = _("incoming documents")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owning_committee", "document_id"],
                condition=~Q(document_id=""),
                name="work_incoming_document_id_once",
                violation_error_message=_("This document is already registered."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}/{self.notation} — {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("work:incoming_detail", args=[self.pk])

    @property
    def symbol(self) -> str:
        return f"{self.number}/{self.notation}" if self.notation else self.number


class IncomingPoint(models.Model):
    """One numbered point of an incoming document that asks something of the committee;
    it can become tasks, one per agency."""

    document = models.ForeignKey(
        IncomingDocument,
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="points",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("incoming document point")
        verbose_name_plural = _("incoming document points")
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "order"],
                name="work_incoming_order_unique",
                violation_error_message=_(
                    "Two points of an incoming document cannot have the same number."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:80]}"
