"""Contact points: an agency's phones, e-mail and address."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vigil.core import audit
from vigil.core.audit import Actor
from vigil.core.classification import Classification
from vigil.org.administration.services import (
    clean,
)
from vigil.org.models import (
    Agency,
    Committee,
    ContactPoint,
    OrgAction,
)
from vigil.org.scope import can_edit_contact_points, check_clearance


def _require_contact_editor(actor: Actor, agency: Agency) -> None:
    if not can_edit_contact_points(actor, agency):
        raise PermissionDenied(_("You may not change this agency's contact points."))


def create_contact_point_within(
    agency: Agency,
    *,
    label: str,
    phone: str = "",
    email: str = "",
    address: str = "",
    note: str = "",
    classification: int = Classification.UNCLASSIFIED,
    owning_committee: Committee | None = None,
    shared_agencies: Iterable[Agency] = (),
    shared_committees: Iterable[Committee] = (),
    actor: Actor,
) -> ContactPoint:
    """A contact point is owned by the agency's committee (a licensed
    organisation's by the committee of the province it works in)."""
    _require_contact_editor(actor, agency)
    check_clearance(actor, classification)
    committee = owning_committee or agency.committee
    if committee is None:
        raise ValidationError(
            _("Choose the committee that owns this organisation's contact points.")
        )
    contact = ContactPoint(
        agency=agency,
        owning_agency=agency,
        owning_committee=committee,
        classification=classification,
        label=label,
        phone=phone,
        email=email,
        address=address,
        note=note,
    )
    clean(contact)
    contact.save()
    shares = list(shared_agencies), list(shared_committees)
    contact.shared_agencies.set(shares[0])
    contact.shared_committees.set(shares[1])
    after = audit.snapshot(contact) | {
        "shared_agencies": sorted(a.pk for a in shares[0]),
        "shared_committees": sorted(c.pk for c in shares[1]),
    }
    audit.record(OrgAction.CONTACT_CREATED, actor=actor, obj=contact, after=after)
    return contact


# The use case; a caller that files the contact point with more in one transaction
# (a contact point and its attachment, say) calls the helper ``create_contact_point_within``.
create_contact_point = transaction.atomic(durable=True)(create_contact_point_within)


CONTACT_EDITABLE = ("label", "phone", "email", "address", "note", "classification")


@transaction.atomic(durable=True)
def update_contact_point(contact: ContactPoint, *, actor: Actor, **changes: Any) -> ContactPoint:
    unknown = set(changes) - set(CONTACT_EDITABLE)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    # Lock the row: two officers saving at once must not lose an update silently.
    contact = (
        ContactPoint.objects.select_for_update(of=("self",))
        .select_related("agency__committee")
        .get(pk=contact.pk)
    )
    _require_contact_editor(actor, contact.agency)
    if "classification" in changes:
        check_clearance(actor, int(changes["classification"]))
    changes = {k: v for k, v in changes.items() if getattr(contact, k) != v}
    if not changes:
        return contact
    before = audit.snapshot(contact, CONTACT_EDITABLE)
    for name, value in changes.items():
        setattr(contact, name, value)
    clean(contact)
    contact.save(update_fields=list(changes))
    audit.record(
        OrgAction.CONTACT_UPDATED,
        actor=actor,
        obj=contact,
        before=before,
        after=audit.snapshot(contact, CONTACT_EDITABLE),
    )
    return contact
