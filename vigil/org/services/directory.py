"""Committees, agencies, member agencies, posts and holders."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from vigil.accounts.models import User
from vigil.core import audit
from vigil.core.audit import Actor
from vigil.core.models import AdminUnit
from vigil.org.administration.queries import licensing_committee
from vigil.org.administration.services import (
    check_period,
    clean,
    end_on,
    set_period,
)
from vigil.org.models import (
    Agency,
    Committee,
    MemberAgency,
    OrgAction,
    Post,
    PostHolder,
)
from vigil.org.scope import require_committee_admin


@transaction.atomic(durable=True)
def create_committee(
    *,
    name: str,
    short_name: str,
    level: str,
    parent: Committee | None = None,
    admin_unit: AdminUnit | None = None,
    actor: Actor,
) -> Committee:
    require_committee_admin(actor, parent)
    committee = Committee(
        name=name, short_name=short_name, level=level, parent=parent, admin_unit=admin_unit
    )
    clean(committee, exclude=["path", "name_folded"])
    committee.save()
    committee.path = f"{parent.path if parent else '/'}{committee.pk}/"
    committee.save(update_fields=["path"])
    audit.record(
        OrgAction.COMMITTEE_CREATED, actor=actor, obj=committee, after=audit.snapshot(committee)
    )
    return committee


@transaction.atomic(durable=True)
def set_standing_agency(committee: Committee, agency: Agency, *, actor: Actor) -> Committee:
    require_committee_admin(actor, committee)
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


def _check_electronic_code(code: str, *, holder: Committee | Agency | None = None) -> None:
    """A well-formed code that no committee or agency but ``holder`` holds (the
    constraints see only their own table; documents are addressed across both)."""
    if code and not re.fullmatch(settings.VIGIL_AGENCY_CODE_PATTERN, code):
        raise ValidationError(
            {"electronic_code": _("This is not a valid electronic identifier code.")}
        )
    if not code:
        return
    agencies = Agency.objects.filter(electronic_code=code)
    committees = Committee.objects.filter(electronic_code=code)
    if isinstance(holder, Agency):
        agencies = agencies.exclude(pk=holder.pk)
    elif isinstance(holder, Committee):
        committees = committees.exclude(pk=holder.pk)
    if agencies.exists():
        raise ValidationError(
            {"electronic_code": _("Another agency has this electronic identifier code.")}
        )
    if committees.exists():
        raise ValidationError(
            {"electronic_code": _("Another committee has this electronic identifier code.")}
        )


def create_agency_within(
    *,
    name: str,
    kind: str,
    committee: Committee | None,
    short_name: str = "",
    electronic_code: str = "",
    admin_unit: AdminUnit | None = None,
    tax_code: str = "",
    licensed_by: Iterable[Agency] = (),
    actor: Actor,
) -> Agency:
    licensers = list(licensed_by)
    home = committee or next((a.committee for a in licensers if a.committee), None)
    require_committee_admin(actor, home)
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
    clean(agency, exclude=["name_folded"])
    agency.save()
    if licensers:
        agency.licensed_by.set(licensers)
    after = audit.snapshot(agency) | {"licensed_by": sorted(a.pk for a in licensers)}
    audit.record(OrgAction.AGENCY_CREATED, actor=actor, obj=agency, after=after)
    return agency


# The use case; the bulk import and the seed, which hold a transaction of their own,
# call the helper ``create_agency_within``.
create_agency = transaction.atomic(durable=True)(create_agency_within)


def add_member_agency_within(
    committee: Committee,
    agency: Agency,
    *,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    actor: Actor,
) -> MemberAgency:
    require_committee_admin(actor, committee)
    check_period(valid_from, valid_to)
    if agency.kind == Agency.Kind.LICENSED_ORGANISATION:
        raise ValidationError(_("A licensed organisation cannot be a member of a committee."))
    member = MemberAgency(
        committee=committee, agency=agency, valid_from=valid_from, valid_to=valid_to
    )
    clean(member)
    member.save()
    audit.record(
        OrgAction.MEMBER_AGENCY_ADDED, actor=actor, obj=member, after=audit.snapshot(member)
    )
    return member


# The use case; the bulk import and the seed, which hold a transaction of their own,
# call the helper ``add_member_agency_within``.
add_member_agency = transaction.atomic(durable=True)(add_member_agency_within)


@transaction.atomic(durable=True)
def create_post(
    committee: Committee,
    *,
    kind: str,
    title: str,
    agency: Agency | None = None,
    order: int = 0,
    actor: Actor,
) -> Post:
    require_committee_admin(actor, committee)
    post = Post(committee=committee, kind=kind, title=title, agency=agency, order=order)
    clean(post)
    post.save()
    audit.record(OrgAction.POST_CREATED, actor=actor, obj=post, after=audit.snapshot(post))
    return post


def appoint_holder_within(
    post: Post,
    *,
    holder_name: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    position: str = "",
    decision_number: str = "",
    decision_date: dt.date | None = None,
    user: User | None = None,
    actor: Actor,
) -> PostHolder:
    require_committee_admin(actor, post.committee)
    check_period(valid_from, valid_to)
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
        decision_date=decision_date,
    )
    clean(holder)
    holder.save()
    audit.record(OrgAction.HOLDER_APPOINTED, actor=actor, obj=holder, after=audit.snapshot(holder))
    return holder


# The use case; the bulk import and the seed, which hold a transaction of their own,
# call the helper ``appoint_holder_within``.
appoint_holder = transaction.atomic(durable=True)(appoint_holder_within)


COMMITTEE_EDITABLE = (
    "name", "short_name", "level", "admin_unit", "standing_agency", "electronic_code",
)  # fmt: skip


def _changed(obj: Any, changes: dict[str, Any], editable: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(changes) - set(editable)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    return {k: v for k, v in changes.items() if getattr(obj, k) != v}


def _attnames(model: Any, names: tuple[str, ...]) -> list[str]:
    return [model._meta.get_field(n).attname for n in names]


@transaction.atomic(durable=True)
def update_committee(committee: Committee, *, actor: Actor, **changes: Any) -> Committee:
    """Rename or re-describe a committee; its place in the tree does not move."""
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    require_committee_admin(actor, committee)
    changes = _changed(committee, changes, COMMITTEE_EDITABLE)
    if "electronic_code" in changes:
        changes["electronic_code"] = changes["electronic_code"].strip()
        _check_electronic_code(changes["electronic_code"], holder=committee)
    standing = changes.get("standing_agency")
    if standing is not None and standing.committee_id != committee.pk:
        raise ValidationError(
            {"standing_agency": _("The standing agency must belong to this committee.")}
        )
    if not changes:
        return committee
    fields = _attnames(Committee, COMMITTEE_EDITABLE)
    before = audit.snapshot(committee, fields)
    for name, value in changes.items():
        setattr(committee, name, value)
    clean(committee, exclude=["path", "name_folded", "parent"])
    committee.save(update_fields=[*changes, "name_folded"])
    audit.record(
        OrgAction.COMMITTEE_UPDATED,
        actor=actor,
        obj=committee,
        before=before,
        after=audit.snapshot(committee, fields),
    )
    return committee


AGENCY_EDITABLE = ("name", "short_name", "kind", "electronic_code", "admin_unit", "tax_code")


@transaction.atomic(durable=True)
def update_agency(agency: Agency, *, actor: Actor, **changes: Any) -> Agency:
    """Correct an agency's record; its home committee does not change here."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    require_committee_admin(actor, agency.committee or licensing_committee(agency))
    changes = _changed(agency, changes, AGENCY_EDITABLE)
    if "electronic_code" in changes:
        _check_electronic_code(changes["electronic_code"], holder=agency)
    if not changes:
        return agency
    fields = _attnames(Agency, AGENCY_EDITABLE)
    before = audit.snapshot(agency, fields)
    for name, value in changes.items():
        setattr(agency, name, value)
    clean(agency, exclude=["name_folded"])
    agency.save(update_fields=[*changes, "name_folded"])
    audit.record(
        OrgAction.AGENCY_UPDATED,
        actor=actor,
        obj=agency,
        before=before,
        after=audit.snapshot(agency, fields),
    )
    return agency


@transaction.atomic(durable=True)
def update_member_agency(
    member: MemberAgency, *, valid_from: dt.date, valid_to: dt.date | None, actor: Actor
) -> MemberAgency:
    result: MemberAgency = set_period(
        member, OrgAction.MEMBER_AGENCY_UPDATED, committee=member.committee, actor=actor,
        valid_from=valid_from, valid_to=valid_to,
    )  # fmt: skip
    return result


@transaction.atomic(durable=True)
def end_member_agency(member: MemberAgency, *, on: dt.date, actor: Actor) -> MemberAgency:
    """The agency is a member no more after ``on`` (its last day)."""
    require_committee_admin(actor, member.committee)
    end_on(member, on)
    result: MemberAgency = set_period(
        member, OrgAction.MEMBER_AGENCY_ENDED, committee=member.committee, actor=actor, valid_to=on
    )
    return result


@transaction.atomic(durable=True)
def end_holder_term(holder: PostHolder, *, on: dt.date, actor: Actor) -> PostHolder:
    """The holder's last day in the post is ``on``; the post is then free to fill."""
    require_committee_admin(actor, holder.post.committee)
    end_on(holder, on)
    result: PostHolder = set_period(
        holder, OrgAction.HOLDER_TERM_ENDED, committee=holder.post.committee, actor=actor,
        valid_to=on,
    )  # fmt: skip
    return result


POST_EDITABLE = ("kind", "title", "agency", "order")


@transaction.atomic(durable=True)
def update_post(post: Post, *, actor: Actor, **changes: Any) -> Post:
    """Rename or reorder a post; it stays in its committee."""
    post = Post.objects.select_for_update().select_related("committee").get(pk=post.pk)
    require_committee_admin(actor, post.committee)
    changes = _changed(post, changes, POST_EDITABLE)
    if not changes:
        return post
    fields = _attnames(Post, POST_EDITABLE)
    before = audit.snapshot(post, fields)
    for name, value in changes.items():
        setattr(post, name, value)
    clean(post)
    post.save(update_fields=list(changes))
    audit.record(
        OrgAction.POST_UPDATED, actor=actor, obj=post, before=before,
        after=audit.snapshot(post, fields),
    )  # fmt: skip
    return post
