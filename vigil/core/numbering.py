"""Document numbers (Decree 30/2020, Appendix III): ``Số: 05/BC-BCĐ``.

A committee keeps its own number series per year, one per document type or one
shared by every type (``NumberingSetting``). A number is the register's counter
plus one, taken under a row lock on the register, so concurrent issuers get
distinct consecutive numbers and no number is ever given twice.

Core knows no committees: registers are keyed by the committee's id and carry
the issuer abbreviation; who may issue is the caller's check (``vigil.org.registers.services``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.core import audit, clock
from vigil.core.audit import Actor
from vigil.core.models import IssuedNumber, NumberingSetting, NumberRegister


class DocType(models.TextChoices):
    """Type abbreviations of Appendix III (the ones a steering committee issues)."""

    NGHI_QUYET = "NQ", gettext_lazy("Resolution (NQ)")
    QUYET_DINH = "QĐ", gettext_lazy("Decision (QĐ)")
    CHI_THI = "CT", gettext_lazy("Directive (CT)")
    QUY_CHE = "QC", gettext_lazy("Regulation (QC)")
    THONG_BAO = "TB", gettext_lazy("Notice (TB)")
    HUONG_DAN = "HD", gettext_lazy("Guidance (HD)")
    CHUONG_TRINH = "CTr", gettext_lazy("Programme (CTr)")
    KE_HOACH = "KH", gettext_lazy("Plan (KH)")
    PHUONG_AN = "PA", gettext_lazy("Contingency plan (PA)")
    BAO_CAO = "BC", gettext_lazy("Report (BC)")
    BIEN_BAN = "BB", gettext_lazy("Minutes (BB)")
    TO_TRINH = "TTr", gettext_lazy("Submission (TTr)")
    CONG_DIEN = "CĐ", gettext_lazy("Official telegram (CĐ)")
    GIAY_MOI = "GM", gettext_lazy("Invitation (GM)")
    CONG_VAN = "CV", gettext_lazy("Official letter (công văn)")


def symbol(number: int, doc_type: str, issuer_code: str, unit: str = "") -> str:
    """``05/BC-BCĐ``; a công văn is issuer + drafting unit (``12/BCĐ-VPTT``)."""
    code = issuer_code if doc_type == DocType.CONG_VAN else f"{doc_type}-{issuer_code}"
    if unit:
        code = f"{code}-{unit}"
    return f"{number:02d}/{code}"


def per_type(committee_id: int) -> bool:
    setting = NumberingSetting.objects.filter(committee_id=committee_id).first()
    return True if setting is None else setting.per_type


def set_per_type(committee_id: int, value: bool, *, actor: Actor) -> NumberingSetting:
    """Change the committee's setting; it applies from the first year without numbers."""
    with transaction.atomic():
        setting, _created = NumberingSetting.objects.select_for_update().get_or_create(
            committee_id=committee_id
        )
        before = {"per_type": setting.per_type}
        setting.per_type = value
        setting.save(update_fields=["per_type"])
        audit.record(
            audit.CoreAction.NUMBERING_CHANGED,
            actor=actor,
            obj=setting,
            committee_id=committee_id,
            before=before,
            after={"per_type": value},
        )
    return setting


def _check_type(doc_type: str) -> None:
    if doc_type not in DocType.values:
        raise ValidationError({"doc_type": _("Unknown document type.")})


def register_for(
    committee_id: int, doc_type: str, *, issuer_code: str, year: int | None = None
) -> NumberRegister:
    """The register a document of this type takes its number from (created on first use)."""
    _check_type(doc_type)
    year = year or clock.today().year
    # A year keeps the mode it started in: switching mid-year would start a
    # second series and give "01/BC-BCĐ" twice.
    this_year = NumberRegister.objects.filter(committee_id=committee_id, year=year)
    if this_year.filter(doc_type="").exists():
        key = ""
    elif this_year.exists():
        key = doc_type
    else:
        key = doc_type if per_type(committee_id) else ""
    register = NumberRegister.objects.filter(
        committee_id=committee_id, year=year, doc_type=key
    ).first()
    if register is not None:
        return register
    try:
        # A savepoint: a concurrent first issuer may create the same register.
        with transaction.atomic():
            return NumberRegister.objects.create(
                committee_id=committee_id, year=year, doc_type=key, issuer_code=issuer_code
            )
    except IntegrityError:
        return NumberRegister.objects.get(committee_id=committee_id, year=year, doc_type=key)


def _about(about: models.Model | None) -> dict[str, str]:
    if about is None:
        return {"object_type": "", "object_id": ""}
    return {"object_type": about._meta.label_lower, "object_id": str(about.pk)}


def issue_number(
    register: NumberRegister,
    doc_type: str,
    *,
    actor: Actor,
    about: models.Model | None = None,
    unit: str = "",
) -> IssuedNumber:
    """The register's next number, never given before and leaving no gap."""
    _check_type(doc_type)
    if register.doc_type and register.doc_type != doc_type:
        raise ValidationError({"doc_type": _("This register numbers another document type.")})
    with transaction.atomic():
        locked = NumberRegister.objects.select_for_update().get(pk=register.pk)
        locked.last_number += 1
        locked.save(update_fields=["last_number"])
        issued = IssuedNumber.objects.create(
            register=locked,
            number=locked.last_number,
            doc_type=doc_type,
            symbol=symbol(locked.last_number, doc_type, locked.issuer_code, unit),
            issued_at=clock.now(),
            actor_label=audit.actor_label(actor),
            **_about(about),
        )
        audit.record(
            audit.CoreAction.NUMBER_ISSUED,
            actor=actor,
            obj=issued,
            committee_id=locked.committee_id,
            after=audit.snapshot(issued) | {"register": str(locked)},
        )
    register.last_number = locked.last_number
    return issued


def record_external_number(
    register: NumberRegister,
    doc_type: str,
    number: int,
    *,
    actor: Actor,
    about: models.Model | None = None,
    unit: str = "",
) -> IssuedNumber:
    """A number given on paper, entered so the register never gives it again.

    It must be one the register has not used: the next one (the counter then
    moves past it) or an earlier one left free. A number further on would leave
    a gap of numbers nobody gave (a typo of 9999 for 9 would waste a year's
    series), so it is refused.
    """
    _check_type(doc_type)
    if number < 1:
        raise ValidationError({"number": _("A document number is a whole number from 1.")})
    with transaction.atomic():
        locked = NumberRegister.objects.select_for_update().get(pk=register.pk)
        taken = IssuedNumber.objects.filter(register=locked, number=number).first()
        if taken is not None:
            raise ValidationError(
                {
                    "number": _(
                        "Number %(number)s has already been used in this register (%(symbol)s)."
                    )
                    % {"number": number, "symbol": taken.symbol}
                }
            )
        if number > locked.last_number + 1:
            raise ValidationError(
                {
                    "number": _(
                        "The next number of this register is %(next)s; a later number "
                        "would leave a gap. Check the number on the paper document."
                    )
                    % {"next": locked.last_number + 1}
                }
            )
        if number > locked.last_number:
            locked.last_number = number
            locked.save(update_fields=["last_number"])
        issued = IssuedNumber.objects.create(
            register=locked,
            number=number,
            doc_type=doc_type,
            symbol=symbol(number, doc_type, locked.issuer_code, unit),
            issued_at=clock.now(),
            external=True,
            actor_label=audit.actor_label(actor),
            **_about(about),
        )
        audit.record(
            audit.CoreAction.NUMBER_RECORDED,
            actor=actor,
            obj=issued,
            committee_id=locked.committee_id,
            after=audit.snapshot(issued) | {"register": str(locked)},
        )
    return issued
