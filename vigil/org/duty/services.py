"""Duty roster use cases: putting an officer on duty, taking a shift off."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.core import audit
from vigil.core.audit import Actor
from vigil.org.duty.models import DutyShift
from vigil.org.duty.queries import rosterable_members
from vigil.org.models import Agency, OrgAction
from vigil.org.scope import can_edit_contact_points


def _require_roster_editor(actor: Actor, agency: Agency) -> None:
    """Whoever keeps the agency's contact points keeps its roster."""
    if not can_edit_contact_points(actor, agency):
        raise PermissionDenied(_("You may not change this agency's duty roster."))


@transaction.atomic(durable=True)
def add_duty_shift(
    agency: Agency,
    *,
    officer: Any,
    phone: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    note: str = "",
    actor: Actor,
) -> DutyShift:
    """Put ``officer`` on duty for ``agency``; shifts of one agency never overlap.

    Whoever keeps the agency's contact points keeps its roster."""
    _require_roster_editor(actor, agency)
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
    shift.full_clean()
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


@transaction.atomic(durable=True)
def remove_duty_shift(shift: DutyShift, *, actor: Actor) -> None:
    """Take a shift off the roster (entered by mistake, or replaced); audited with its content."""
    _require_roster_editor(actor, shift.agency)
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
