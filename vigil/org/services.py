"""Organisation use cases: the only code that writes org rows.

Each runs in one transaction and appends its audit event last. ``actor`` is a
user or a ``SystemActor`` (seed, command line).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.core import audit
from vigil.core.audit import SystemActor
from vigil.core.classification import Classification
from vigil.core.models import AdminUnit
from vigil.org.duty import rosterable_members
from vigil.org.models import (
    COMMITTEE_WIDE_ROLES,
    Agency,
    Committee,
    ContactPoint,
    DutyShift,
    MemberAgency,
    Membership,
    OrgAction,
    Post,
    PostHolder,
    Role,
)
from vigil.org.scope import can_edit_contact_points, scope_for


def _require_administrator(actor: Any, committee: Committee | None) -> None:
    """Directory writes: an administrator of this committee or one above (or Vigil itself)."""
    if isinstance(actor, SystemActor):
        return
    if committee is None or not scope_for(actor).committee_role_covers(
        committee.path, "administrator"
    ):
        raise PermissionDenied(_("Only an administrator of this committee may do this."))


def _licensing_committee(agency: Agency) -> Committee | None:
    """Where a licensed organisation is administered: its licensing agency's committee."""
    licenser = agency.licensed_by.select_related("committee").first()
    return licenser.committee if licenser else None


def _check_period(valid_from: dt.date, valid_to: dt.date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": _("The period ends before it starts.")})


def _clean(obj: Any, exclude: Iterable[str] = ()) -> None:
    """Model validation (field rules and named constraints) before any write."""
    obj.full_clean(exclude=list(exclude))


@transaction.atomic
def create_committee(
    *,
    name: str,
    short_name: str,
    level: str,
    parent: Committee | None = None,
    admin_unit: AdminUnit | None = None,
    actor: Any,
) -> Committee:
    _require_administrator(actor, parent)
    committee = Committee(
        name=name, short_name=short_name, level=level, parent=parent, admin_unit=admin_unit
    )
    _clean(committee, exclude=["path", "name_folded"])
    committee.save()
    committee.path = f"{parent.path if parent else '/'}{committee.pk}/"
    committee.save(update_fields=["path"])
    audit.record(
        OrgAction.COMMITTEE_CREATED, actor=actor, obj=committee, after=audit.snapshot(committee)
    )
    return committee


@transaction.atomic
def set_standing_agency(committee: Committee, agency: Agency, *, actor: Any) -> Committee:
    _require_administrator(actor, committee)
    before = audit.snapshot(committee, ["standing_agency_id"])
    committee.standing_agency = agency
    committee.save(update_fields=["standing_agency"])
    audit.record(
        OrgAction.COMMITTEE_UPDATED,
        actor=actor,
        obj=committee,
        before=before,
        after=audit.snapshot(committee, ["standing_agency_id"]),
    )
    return committee


def _check_electronic_code(code: str) -> None:
    if code and not re.fullmatch(settings.VIGIL_AGENCY_CODE_PATTERN, code):
        raise ValidationError(
            {"electronic_code": _("This is not a valid electronic identifier code.")}
        )


@transaction.atomic
def create_agency(
    *,
    name: str,
    kind: str,
    committee: Committee | None,
    short_name: str = "",
    electronic_code: str = "",
    admin_unit: AdminUnit | None = None,
    tax_code: str = "",
    licensed_by: Iterable[Agency] = (),
    actor: Any,
) -> Agency:
    licensers = list(licensed_by)
    home = committee or next((a.committee for a in licensers if a.committee), None)
    _require_administrator(actor, home)
    _check_electronic_code(electronic_code)
    agency = Agency(
        name=name,
        short_name=short_name,
        kind=kind,
        committee=committee,
        electronic_code=electronic_code,
        admin_unit=admin_unit,
        tax_code=tax_code,
    )
    _clean(agency, exclude=["name_folded"])
    agency.save()
    if licensers:
        agency.licensed_by.set(licensers)
    after = audit.snapshot(agency) | {"licensed_by": sorted(a.pk for a in licensers)}
    audit.record(OrgAction.AGENCY_CREATED, actor=actor, obj=agency, after=after)
    return agency


@transaction.atomic
def add_member_agency(
    committee: Committee, agency: Agency, *, valid_from: dt.date, actor: Any
) -> MemberAgency:
    _require_administrator(actor, committee)
    if agency.kind == Agency.Kind.LICENSED_ORGANISATION:
        raise ValidationError(_("A licensed organisation cannot be a member of a committee."))
    member = MemberAgency(committee=committee, agency=agency, valid_from=valid_from)
    _clean(member)
    member.save()
    audit.record(
        OrgAction.MEMBER_AGENCY_ADDED, actor=actor, obj=member, after=audit.snapshot(member)
    )
    return member


@transaction.atomic
def create_post(
    committee: Committee,
    *,
    kind: str,
    title: str,
    agency: Agency | None = None,
    order: int = 0,
    actor: Any,
) -> Post:
    _require_administrator(actor, committee)
    post = Post(committee=committee, kind=kind, title=title, agency=agency, order=order)
    _clean(post)
    post.save()
    audit.record(OrgAction.POST_CREATED, actor=actor, obj=post, after=audit.snapshot(post))
    return post


@transaction.atomic
def appoint_holder(
    post: Post,
    *,
    holder_name: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    position: str = "",
    decision_number: str = "",
    user: Any = None,
    actor: Any,
) -> PostHolder:
    _require_administrator(actor, post.committee)
    _check_period(valid_from, valid_to)
    # Lock the post so two appointments cannot both pass the overlap check.
    Post.objects.select_for_update().filter(pk=post.pk).first()
    # One holder at a time: periods of the same post may not overlap.
    overlapping = PostHolder.objects.filter(post=post).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
    )
    if valid_to is not None:
        overlapping = overlapping.filter(valid_from__lte=valid_to)
    if overlapping.exists():
        raise ValidationError(_("The post already has a holder in this period."))
    holder = PostHolder(
        post=post,
        holder_name=holder_name,
        position=position,
        user=user,
        valid_from=valid_from,
        valid_to=valid_to,
        decision_number=decision_number,
    )
    _clean(holder)
    holder.save()
    audit.record(OrgAction.HOLDER_APPOINTED, actor=actor, obj=holder, after=audit.snapshot(holder))
    return holder


@transaction.atomic
def grant_membership(
    user: Any,
    *,
    agency: Agency,
    role: str,
    committee: Committee | None = None,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    actor: Any,
) -> Membership:
    _require_administrator(actor, committee or agency.committee or _licensing_committee(agency))
    _check_period(valid_from, valid_to)
    if role in COMMITTEE_WIDE_ROLES and committee is None:
        raise ValidationError({"committee": _("This role is held in a committee.")})
    if role not in COMMITTEE_WIDE_ROLES and committee is not None:
        raise ValidationError({"committee": _("This role is held in the agency only.")})
    if role == Role.STOREKEEPER and agency.kind != Agency.Kind.LICENSED_ORGANISATION:
        raise ValidationError({"role": _("Storekeepers belong to licensed organisations.")})
    membership = Membership(
        user=user,
        agency=agency,
        committee=committee,
        role=role,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    _clean(membership)
    membership.save()
    audit.record(
        OrgAction.MEMBERSHIP_GRANTED, actor=actor, obj=membership, after=audit.snapshot(membership)
    )
    return membership


def _require_contact_editor(actor: Any, agency: Agency) -> None:
    if isinstance(actor, SystemActor):
        return
    if not can_edit_contact_points(actor, agency):
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
    _clean(contact)
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
    _clean(contact)
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
    _require_contact_editor(actor, agency)
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
    _clean(shift)
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
    _require_contact_editor(actor, shift.agency)
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
