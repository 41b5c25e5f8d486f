"""A committee's number registers: the committee-facing side of ``vigil.core.numbering``.

Apps number what they issue with
``issue_number(committee, DocType.BAO_CAO, actor=user, about=report)``.
Only the committee's standing office, administrator or leaders (of it or a
committee above), or Vigil itself, take numbers from its registers.

``issue_number`` and ``record_external_number`` are meant to nest: the number is
taken in the transaction of the document that carries it (``work.services``), and
core's register opens only a savepoint then; the register page calls them alone.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from vigil.core import numbering
from vigil.core.audit import Actor
from vigil.core.models import IssuedNumber, NumberRegister
from vigil.core.numbering import DocType
from vigil.org.models import Committee
from vigil.org.scope import can_keep_numbers, require_committee_admin

__all__ = [
    "DocType",
    "issue_number",
    "record_external_number",
    "register_for",
    "set_per_type",
]


def _require_keeper(actor: Actor, committee: Committee) -> None:
    if not can_keep_numbers(actor, committee):
        raise PermissionDenied(_("Only the committee's standing office may number its documents."))


def register_for(committee: Committee, doc_type: str, *, year: int | None = None) -> NumberRegister:
    return numbering.register_for(
        committee.pk, doc_type, issuer_code=committee.short_name, year=year
    )


def issue_number(
    committee: Committee,
    doc_type: str,
    *,
    actor: Actor,
    about: models.Model | None = None,
    unit: str = "",
    year: int | None = None,
) -> IssuedNumber:
    """The next number of the committee's register for this type and year (Số: 05/BC-BCĐ)."""
    _require_keeper(actor, committee)
    register = register_for(committee, doc_type, year=year)
    return numbering.issue_number(register, doc_type, actor=actor, about=about, unit=unit)


def record_external_number(
    committee: Committee,
    doc_type: str,
    number: int,
    *,
    actor: Actor,
    about: models.Model | None = None,
    unit: str = "",
    year: int | None = None,
) -> IssuedNumber:
    """A number given on paper; refused when the register has already used it."""
    _require_keeper(actor, committee)
    register = register_for(committee, doc_type, year=year)
    return numbering.record_external_number(
        register, doc_type, number, actor=actor, about=about, unit=unit
    )


def set_per_type(committee: Committee, per_type: bool, *, actor: Actor) -> None:
    """One series per document type, or one shared by all (from the next register on)."""
    require_committee_admin(actor, committee)
    numbering.set_per_type(committee.pk, per_type, actor=actor)
