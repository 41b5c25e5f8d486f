"""Contact points and duty shifts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.core import audit
from vigil.core.audit import SystemActor
from vigil.core.classification import Classification
from vigil.org.duty import rosterable_members
from vigil.org.models import (
    Agency,
    Committee,
    ContactPoint,
    DutyShift,
    OrgAction,
)
from vigil.org.scope import can_edit_contact_points, scope_for
from vigil.org.services._common import (
    clean,
)


def _require_contact_editor(actor: Any, agency: Agency, *, roster: bool = False) -> None:
    if isinstance(actor, SystemActor):
        return
    if not can_edit_contact_points(actor, agency):
        if roster:
            raise PermissionDenied(_("You may not change this agency's duty roster."))
        raise PermissionDenied(_("You may not change this agency's contact points."))


def _check_classification(actor: Any, classification: int) -> None:
    if classification not in Classification.values:
        raise ValidationError({"classification": _("Unknown classification.")})
    if not isinstance(actor, SystemActor) and classification > scope_for(actor).clearance:
        raise ValidationError(
            {"classification": _("You cannot classify above your own clearance.")}
        )


@transaction.atomic
def create_contact_point(
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
    actor: Any,
) -> ContactPoint:
    """A contact point is owned by the agency's committee (a licensed
    organisation's by the committee of the province it works in)."""
    _require_contact_editor(actor, agency)
    _check_classification(actor, classification)
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


CONTACT_EDITABLE = ("label", "phone", "email", "address", "note", "classification")


@transaction.atomic
def update_contact_point(contact: ContactPoint, *, actor: Any, **changes: Any) -> ContactPoint:
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
        _check_classification(actor, int(changes["classification"]))
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


@transaction.atomic
def add_duty_shift(
    agency: Agency,
    *,
    officer: Any,
    phone: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    note: str = "",
    actor: Any,
) -> DutyShift:
    """Put ``officer`` on duty for ``agency``; shifts of one agency never overlap.

    Whoever keeps the agency's contact points keeps its roster."""
    _require_contact_editor(actor, agency, roster=True)
    committee = agency.committee
    if committee is None:
        raise ValidationError(_("Duty rosters are kept by member agencies of a committee."))
    # The agency row is the lock that serialises roster changes for that agency.
    Agency.objects.select_for_update().filter(pk=agency.pk).first()
    if not rosterable_members(agency).filter(pk=officer.pk).exists():
        raise ValidationError({"officer": _("The duty officer must be a member of the agency.")})
    shift = DutyShift(
        agency=agency,
        owning_agency=agency,
        owning_committee=committee,
        officer=officer,
        phone=phone.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        note=note,
    )
    clean(shift)
    overlapping = DutyShift.objects.filter(
        agency=agency, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).first()
    if overlapping is not None:
        raise ValidationError(
            _("This shift overlaps the shift of %(officer)s from %(start)s to %(end)s.")
            % {
                "officer": overlapping.officer,
                "start": timezone.localtime(overlapping.starts_at).strftime("%d/%m/%Y %H:%M"),
                "end": timezone.localtime(overlapping.ends_at).strftime("%d/%m/%Y %H:%M"),
            }
        )
    shift.save()
    audit.record(
        OrgAction.DUTY_SHIFT_ADDED,
        actor=actor,
        obj=shift,
        after=audit.snapshot(shift, ["agency_id", "officer_id", "phone", "starts_at", "ends_at"]),
    )
    return shift


@transaction.atomic
def remove_duty_shift(shift: DutyShift, *, actor: Any) -> None:
    """Take a shift off the roster (entered by mistake, or replaced); audited with its content."""
    _require_contact_editor(actor, shift.agency, roster=True)
    before = audit.snapshot(shift, ["agency_id", "officer_id", "phone", "starts_at", "ends_at"])
    pk, committee_id, classification = shift.pk, shift.owning_committee_id, shift.classification
    shift.delete()
    audit.record(
        OrgAction.DUTY_SHIFT_REMOVED,
        actor=actor,
        object_type=DutyShift._meta.label_lower,
        object_id=str(pk),
        committee_id=committee_id,
        classification=classification,
        before=before,
    )
